// Shared by the kube-inject tests: the golden cases of fixtures/inject and an in-process run of the
// real CLI on buffers.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli.ts';
import type { IO } from '../../src/io/streams.ts';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const fixtures = join(root, 'fixtures/inject');

export interface GoldenCase {
  name: string;
  /** The input, relative to fixtures/inject. */
  input: string;
  flags: string[];
  /** Goldens, relative to fixtures/inject. */
  injected: string;
  warnings: string;
  /** Every file of fixtures/inject this case reads. */
  uses: string[];
}

/** Cases: every NAME.yaml / NAME.json input, and every NAME.flags with an `input:` line. */
export function goldenCases(): GoldenCase[] {
  const files = readdirSync(fixtures).sort();
  const cases: GoldenCase[] = [];
  const seen = new Set<string>();
  for (const f of files) {
    let name: string | undefined;
    let ext = '';
    if (/\.(ya?ml|json)$/.test(f)) {
      name = f.replace(/\.(ya?ml|json)$/, '');
      ext = f.slice(name.length);
    } else if (f.endsWith('.flags')) {
      name = f.slice(0, -'.flags'.length);
      const beside = ['.yaml', '.yml', '.json'].find((e) => existsSync(join(fixtures, name + e)));
      if (beside) continue; // the case is the input's
    } else continue;
    if (seen.has(name)) continue;
    seen.add(name);
    const flagsFile = `${name}.flags`;
    const flags: string[] = [];
    let input = ext ? f : undefined;
    const uses: string[] = [];
    if (existsSync(join(fixtures, flagsFile))) {
      uses.push(flagsFile);
      for (const line of readFileSync(join(fixtures, flagsFile), 'utf8').split('\n')) {
        const t = line.trim();
        if (t === '' || t.startsWith('#')) continue;
        if (t.startsWith('input:')) input = t.slice('input:'.length).trim();
        else {
          flags.push(t);
          const m = /^--meshConfigFile=(.*)$/.exec(t);
          if (m) uses.push(m[1]);
        }
      }
    }
    if (!input) throw new Error(`${flagsFile}: no input (NAME.yaml beside it, or an "input:" line)`);
    if (!input.includes('/')) uses.push(input);
    const base = ext ? f : `${name}.yaml`;
    cases.push({ name, input, flags, injected: `${base}.injected`, warnings: `${base}.warnings`, uses });
  }
  return cases;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `egressctl ARGS` in-process on buffers, in `cwd`. */
export async function runCli(args: string[], opts: { cwd?: string; stdin?: string } = {}): Promise<RunResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (b: Buffer) => out.push(b));
  stderr.on('data', (b: Buffer) => err.push(b));
  const io: IO = {
    stdin: Readable.from(opts.stdin !== undefined ? [Buffer.from(opts.stdin)] : []),
    stdout,
    stderr,
    env: { NO_COLOR: '1' },
    cwd: opts.cwd ?? fixtures,
  };
  const code = await main(args, io);
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}
