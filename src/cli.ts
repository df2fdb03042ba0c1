// The entry point: builds the program and turns every error into text and an exit code, here and
// nowhere else. 0 success; 1 any failure; 2 a usage error (with the usage line on stderr).
import { Command, CommanderError } from 'commander';
import { processIO, type IO } from './io/streams.ts';
import { AlreadyReported, CommandError, InputError, UsageError } from './core/errors.ts';
import { formatError } from './print/errors.ts';
import { isClusterError, KubeconfigError } from './cluster/errors.ts';
import { colorEnabled, makeColors, prepareColors } from './print/color.ts';
import { prepareCommands, registerCommands } from './commands/index.ts';
import { normalizeArgv, verbOf } from './cli-args.ts';
import { escapeControl } from './print/escape.ts';
import { SEED_CREATE_EXAMPLE } from './commands/catalog.ts';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * The program with every command. `only`: the one command that will run; the others get only what
 * the top-level help lists of them (commands/index.ts). `''`: every command listed that way
 * (--help, an unknown command).
 */
export function buildProgram(io: IO, only?: string): Command {
  const program = new Command('egressctl');
  program
    .description('Manage the egress configuration of an Istio mesh: EgressRule objects and sidecar IP ranges.')
    .usage('<command> [flags]')
    .helpCommand(false)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(escapeControl(s)),
      outputError: (s, write) => write(s),
      // As commander's defaults, but asking our streams rather than process.stdout/stderr (which
      // would build Node's streams, io/streams.ts).
      getOutHelpWidth: () => (io.stdout.isTTY ? (io.stdout as { columns?: number }).columns : undefined) as number,
      getErrHelpWidth: () => (io.stderr.isTTY ? (io.stderr as { columns?: number }).columns : undefined) as number,
      getOutHasColors: () => forcedColor(io.env) ?? (!!io.stdout.isTTY && !!(io.stdout as { hasColors?(): boolean }).hasColors?.()),
      getErrHasColors: () => forcedColor(io.env) ?? (!!io.stderr.isTTY && !!(io.stderr as { hasColors?(): boolean }).hasColors?.()),
    })
    .showSuggestionAfterError(true)
    .addHelpText('after', `
Examples:
${SEED_CREATE_EXAMPLE}

  # Let the sleep sample reach everything outside Minikube's cluster range directly
  egressctl kube-inject -f sleep.yaml --includeIPRanges=10.0.0.1/24

Run 'egressctl <command> --help' for a command's flags.`);
  registerCommands(program, io, only);
  return program;
}

/** commander's reading of the environment for colour in help: NO_COLOR, FORCE_COLOR, CLICOLOR_FORCE. */
function forcedColor(env: Record<string, string | undefined>): boolean | undefined {
  if (env.NO_COLOR || env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false') return false;
  if (env.FORCE_COLOR || env.CLICOLOR_FORCE !== undefined) return true;
  return undefined;
}

export { flushStandardStreams } from './io/streams.ts';

/** Runs the CLI on the given arguments and streams; resolves to the exit code. */
export async function main(argv: string[], io: IO = processIO()): Promise<number> {
  // Only the command that runs is built in full (completion describes them all).
  const verb = verbOf(argv);
  const only = verb === 'completion' ? undefined : (verb ?? '');
  await Promise.all([prepareCommands(only), prepareColors(colorEnabled(io.stderr, io.env, !argv.includes('--no-color')))]);
  const program = buildProgram(io, only);
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return EXIT_USAGE;
  }
  const args = normalizeArgv(program, argv);
  try {
    await program.parseAsync(args, { from: 'user' });
    return (program as Command & { exitCode?: number }).exitCode ?? EXIT_OK;
  } catch (e) {
    return reportError(e, io, program, args);
  }
}

function findCommand(program: Command, argv: string[]): Command {
  const name = argv.find((a) => !a.startsWith('-'));
  return program.commands.find((c) => c.name() === name || c.aliases().includes(name ?? '')) ?? program;
}

export function reportError(e: unknown, io: IO, program: Command, argv: string[]): number {
  const colors = makeColors(colorEnabled(io.stderr, io.env, !argv.includes('--no-color')));
  if (e instanceof AlreadyReported) return e.exitCode;
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT_OK;
    // commander has already printed its message on stderr; add the usage line.
    const cmd = findCommand(program, argv);
    io.stderr.write(`Usage: ${cmd === program ? '' : 'egressctl '}${cmd.name()} ${cmd.usage()}\n`);
    return EXIT_USAGE;
  }
  io.stderr.write(formatError(e, colors));
  if (e instanceof UsageError) {
    const cmd = findCommand(program, argv);
    io.stderr.write(`Usage: ${cmd === program ? '' : 'egressctl '}${cmd.name()} ${cmd.usage()}\n`);
    return EXIT_USAGE;
  }
  if (e instanceof CommandError) return e.exitCode;
  if (e instanceof InputError || isClusterError(e) || e instanceof KubeconfigError) return EXIT_FAILURE;
  // Unexpected: one line, no stack unless asked for.
  if (io.env.EGRESSCTL_STACK === '1') io.stderr.write(`${(e as Error)?.stack}\n`);
  return EXIT_FAILURE;
}
