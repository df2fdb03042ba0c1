// The entry point: builds the program and turns every error into text and an exit code, here and
// nowhere else. 0 success; 1 any failure; 2 a usage error (with the usage line on stderr).
import { Command, CommanderError } from 'commander';
import { processIO, type IO } from './io/streams.ts';
import { CommandError, InputError, UsageError, formatProblem } from './core/errors.ts';
import { colorEnabled, makeColors } from './print/color.ts';
import { registerCommands } from './commands/index.ts';
import { normalizeArgv } from './cli-args.ts';
import { escapeControl } from './print/escape.ts';
import { SEED_CREATE_EXAMPLE } from './commands/create.ts';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export function buildProgram(io: IO): Command {
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
    })
    .showSuggestionAfterError(true)
    .addHelpText('after', `
Examples:
${SEED_CREATE_EXAMPLE}

  # Let the sleep sample reach everything outside Minikube's cluster range directly
  egressctl kube-inject -f sleep.yaml --includeIPRanges=10.0.0.1/24

Run 'egressctl <command> --help' for a command's flags.`);
  registerCommands(program, io);
  return program;
}

/** Runs the CLI on the given arguments and streams; resolves to the exit code. */
export async function main(argv: string[], io: IO = processIO()): Promise<number> {
  const program = buildProgram(io);
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
  const err = (s: string) => io.stderr.write(`${colors.error('error:')} ${escapeControl(s)}\n`);
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT_OK;
    // commander has already printed its message on stderr; add the usage line.
    const cmd = findCommand(program, argv);
    io.stderr.write(`Usage: ${cmd === program ? '' : 'egressctl '}${cmd.name()} ${cmd.usage()}\n`);
    return EXIT_USAGE;
  }
  if (e instanceof UsageError) {
    err(e.message);
    const cmd = findCommand(program, argv);
    io.stderr.write(`Usage: ${cmd === program ? '' : 'egressctl '}${cmd.name()} ${cmd.usage()}\n`);
    return EXIT_USAGE;
  }
  if (e instanceof InputError) {
    for (const p of e.problems) err(formatProblem(p));
    return EXIT_FAILURE;
  }
  if (e instanceof CommandError) {
    if (e.message) err(e.message);
    return e.exitCode;
  }
  // Unexpected: one line, no stack unless asked for with a high -v.
  const error = e as Error;
  err(`internal error: ${error?.message ?? String(e)}`);
  if (argv.some((a) => /^(-v|--verbosity)(=|$)/.test(a)) && io.env.EGRESSCTL_STACK === '1') io.stderr.write(`${error?.stack}\n`);
  return EXIT_FAILURE;
}
