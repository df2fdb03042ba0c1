// Runs the real CLI in-process on buffers: the program, its parsing and its error mapping.
import { PassThrough, Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { main } from '../../src/cli.ts';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function chunks(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out.length ? out : [buf];
}

export async function runCli(args: string[], opts: { stdin?: string; env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<RunResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const code = await main(args, {
    // In chunks of 64 KiB, as a pipe delivers them (UTF-8 and lines split across chunks).
    stdin: Readable.from(opts.stdin !== undefined ? chunks(Buffer.from(opts.stdin), 64 * 1024) : []),
    stdout,
    stderr,
    env: opts.env ?? { NO_COLOR: '1' },
    cwd: opts.cwd ?? process.cwd(),
  });
  // Whatever the command wrote is read before the result is returned.
  stdout.end();
  stderr.end();
  await Promise.all([finished(stdout), finished(stderr)]);
  return { code, stdout: out, stderr: err };
}
