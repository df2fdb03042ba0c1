// What every command shares: the global flags (kubectl's names), repeated -f, the run context.
import { Command, Option } from 'commander';
import type { IO } from '../io/streams.ts';
import { colorEnabled, makeColors, type Colors } from '../print/color.ts';
import { UsageError } from '../core/errors.ts';
import { escapeControl } from '../print/escape.ts';
import { DEFAULT_REQUEST_TIMEOUT } from '../cluster/duration.ts';

export interface GlobalOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  requestTimeout?: string;
  verbosity: number;
  color: boolean;
}

/** What a command's action gets: its streams, colours for stderr, and a logger for -v. */
export interface Context {
  io: IO;
  colors: Colors;
  /** Prints a message on stderr when -v is at least `level`. Never pass credentials to it. */
  log(level: number, message: string): void;
  warn(message: string): void;
  global: GlobalOptions;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function parseIntFlag(name: string) {
  return (v: string): number => {
    if (!/^-?\d+$/.test(v)) throw new UsageError(`invalid value "${v}" for ${name}: not an integer`);
    return Number(v);
  };
}

/** Adds the global flags. Cluster flags only where the command talks to a cluster. */
export function addGlobalOptions(cmd: Command, opts: { cluster: boolean; verbosityFlag?: string }): Command {
  if (opts.cluster) {
    cmd
      .option('-c, --kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
      .option('--context <name>', 'kubeconfig context to use')
      .option('-n, --namespace <ns>', 'namespace (default: the context\'s namespace, then "default")')
      .option('--request-timeout <duration>', `time to wait for one server request, retries included, e.g. 10s, 1m (default ${DEFAULT_REQUEST_TIMEOUT}; 0 = no limit); the server is told it`);
  }
  // kube-inject keeps the original's --verbosity for the proxy, so there the log level is -v alone.
  cmd.addOption(new Option(opts.verbosityFlag ?? '-v, --verbosity <level>', 'log level on stderr (0-9)').argParser(parseIntFlag('-v')).default(0));
  cmd.option('--no-color', 'no colour in messages (also NO_COLOR)');
  return cmd;
}

export function makeContext(io: IO, raw: Record<string, unknown>, verbosityKey = 'verbosity'): Context {
  const global: GlobalOptions = {
    kubeconfig: raw.kubeconfig as string | undefined,
    context: raw.context as string | undefined,
    namespace: raw.namespace as string | undefined,
    requestTimeout: raw.requestTimeout as string | undefined,
    verbosity: (raw[verbosityKey] as number | undefined) ?? 0,
    color: raw.color !== false,
  };
  const colors = makeColors(colorEnabled(io.stderr, io.env, global.color));
  return {
    io,
    colors,
    global,
    log(level, message) {
      if (global.verbosity >= level) io.stderr.write(colors.dim(`I ${escapeControl(message)}`) + '\n');
    },
    warn(message) {
      io.stderr.write(colors.warn('Warning:') + ' ' + escapeControl(message) + '\n');
    },
  };
}
