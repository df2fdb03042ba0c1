// `egressctl serve` started with exactly the arguments a test gives, keeping what it writes on
// stderr (test/helpers/server.ts's startServer discards it). For the tests of serve's own output.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { ROOT } from '../helpers/server.ts';

export interface ServeProcess {
  url: string;
  kubeconfig: string;
  token: string;
  dir: string;
  /** Everything written on stderr so far. */
  stderr(): string;
  stop(): Promise<number | null>;
}

export async function spawnServe(args: string[], opts: { kubeconfig?: string } = {}): Promise<ServeProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'egressctl-serve-test-'));
  const kubeconfig = opts.kubeconfig ?? join(dir, 'kubeconfig');
  const child = spawn(process.execPath, [join(ROOT, 'bin/egressctl.js'), 'serve', '--listen', '127.0.0.1:0', '--kubeconfig-out', kubeconfig, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (c) => (err += c));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = /^Serving on (\S+)\nKubeconfig: .*\n/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`egressctl serve exited (${code}) before serving:\n${err}`)));
  }).catch((e) => {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  });
  child.stdout.resume();
  const kc = yaml.load(readFileSync(kubeconfig, 'utf8')) as any;
  const ours = kc.users.find((u: any) => u.name === 'egressctl-local');
  return {
    url,
    kubeconfig,
    token: ours?.user?.token ?? '',
    dir,
    stderr: () => err,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const code = await exited;
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

/** Runs serve expecting it to refuse to start: its exit code and output; a server that starts is stopped and reported. */
export function serveRefusal(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/egressctl.js'), 'serve', '--listen', '127.0.0.1:0', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.stdout.on('data', (c) => {
      stdout += c;
      if (stdout.startsWith('Serving on')) {
        child.kill('SIGTERM');
        reject(new Error(`serve started instead of refusing:\n${stdout}${stderr}`));
      }
    });
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
