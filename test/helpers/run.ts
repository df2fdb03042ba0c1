// Runs the real CLI in-process on buffers: the program, its parsing and its error mapping.
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../src/cli.ts';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], opts: { stdin?: string; env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<RunResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await main(args, {
    stdin: Readable.from(opts.stdin !== undefined ? [Buffer.from(opts.stdin)] : []),
    stdout,
    stderr,
    env: opts.env ?? { NO_COLOR: '1' },
    cwd: opts.cwd ?? process.cwd(),
  });
  return { code, stdout: out, stderr: err };
}
