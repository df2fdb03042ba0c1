// serve's paths: the kubeconfig (--kubeconfig-out, else DIR/kubeconfig with --data, else a
// temporary file removed on exit, named on the second line of stdout), and filesystem problems on
// --data, --tls-cert, --tls-key and --kubeconfig-out as one-line errors that name the path (exit 1,
// nothing left listening, no temporary directory left behind).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import yaml from 'js-yaml';
import { CLI, ROOT, egressctl } from '../helpers/server.ts';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
// Only a guard against a server that never exits (the defect): no assertion depends on time.
const HANG_GUARD = { timeout: 120_000 };

interface Serve {
  pid: number;
  /** Resolves with the first two stdout lines once both are there. */
  lines: Promise<[string, string]>;
  exit: Promise<number | null>;
  stdout(): string;
  stderr(): string;
  term(): void;
}

/** `egressctl serve ARGS` with its own TMPDIR (so a leftover temporary directory shows). */
function serve(args: string[], tmp: string): Serve {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { cwd: ROOT, env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const lines = new Promise<[string, string]>((resolve, reject) => {
    child.stdout.on('data', (c) => {
      out += c;
      const l = out.split('\n');
      if (l.length >= 3) resolve([l[0], l[1]]);
    });
    child.once('exit', (code) => reject(new Error(`serve exited (${code}) with stdout ${JSON.stringify(out)} stderr ${JSON.stringify(err)}`)));
  });
  lines.catch(() => {});
  child.stderr.on('data', (c) => (err += c));
  return {
    pid: child.pid!,
    lines,
    exit,
    stdout: () => out,
    stderr: () => err,
    term: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}

function tempDir(t: { after(fn: () => void): void }, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A port that was free a moment ago (the server is then asked to listen on it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Whether something accepts connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

/** Runs serve with ARGS that must fail: exit 1, one `error:` line without "internal error", nothing on stdout, no temporary directory left. */
async function failsWith(t: { after(fn: () => void): void }, args: string[], expected: string): Promise<void> {
  const tmp = tempDir(t, 'egressctl-paths-tmp-');
  const port = await freePort();
  const s = serve(['--listen', `127.0.0.1:${port}`, ...args], tmp);
  t.after(() => s.term());
  const code = await s.exit;
  assert.equal(s.stderr(), `error: ${expected}\n`);
  assert.equal(code, 1);
  assert.equal(s.stdout(), '');
  assert.equal(await listening(port), false, 'something still listens on the port');
  assert.deepEqual(readdirSync(tmp), [], 'a temporary file or directory was left behind');
}

test('--kubeconfig-out in a missing directory: exit 1 naming the path, nothing listens, no temporary file', HANG_GUARD, async (t) => {
  const dir = tempDir(t, 'egressctl-paths-');
  const kc = join(dir, 'missing', 'x', 'kc');
  await failsWith(t, ['--kubeconfig-out', kc], `--kubeconfig-out ${kc}: the directory ${dirname(kc)} does not exist`);
  assert.deepEqual(readdirSync(dir), []);
});

test('--kubeconfig-out that cannot be written once listening (name too long for its temporary file): the server closes and exits 1', HANG_GUARD, async (t) => {
  // The name itself is allowed (250 bytes) but "NAME.tmp-PID" is over the 255-byte limit, so the
  // checks before listening pass and the write after it fails.
  const dir = tempDir(t, 'egressctl-paths-');
  const kc = join(dir, 'k'.repeat(250));
  await failsWith(t, ['--kubeconfig-out', kc, '--insecure-http'], `--kubeconfig-out ${kc}: the name is too long`);
  assert.deepEqual(readdirSync(dir), []);
});

test('--kubeconfig-out naming a directory, or under a file', HANG_GUARD, async (t) => {
  const dir = tempDir(t, 'egressctl-paths-');
  await failsWith(t, ['--kubeconfig-out', dir, '--insecure-http'], `--kubeconfig-out ${dir}: is a directory`);
  const file = join(dir, 'file');
  writeFileSync(file, 'x');
  await failsWith(t, ['--kubeconfig-out', join(file, 'kc'), '--insecure-http'], `--kubeconfig-out ${join(file, 'kc')}: ${file} is not a directory`);
});

test('--data on a file, or under a file: "not a directory", never "internal error"', HANG_GUARD, async (t) => {
  const dir = tempDir(t, 'egressctl-paths-');
  const file = join(dir, 'file');
  writeFileSync(file, 'x');
  await failsWith(t, ['--data', file], `--data ${file}: not a directory`);
  await failsWith(t, ['--data', join(file, 'sub')], `--data ${join(file, 'sub')}: a part of the path is not a directory`);
  if (existsSync('/proc/version')) await failsWith(t, ['--data', '/proc/version'], '--data /proc/version: not a directory');
});

test('--data DIR where DIR/kubeconfig is a directory: the kubeconfig cannot be written there', HANG_GUARD, async (t) => {
  const dir = tempDir(t, 'egressctl-paths-');
  mkdirSync(join(dir, 'kubeconfig'));
  await failsWith(t, ['--data', dir, '--insecure-http'], `--data ${dir}: cannot write ${join(dir, 'kubeconfig')}: is a directory`);
});

test('--tls-cert/--tls-key: a missing file, a directory, a file that is not PEM', HANG_GUARD, async (t) => {
  const dir = tempDir(t, 'egressctl-paths-');
  const kc = join(dir, 'kc');
  const junk = join(dir, 'junk.pem');
  writeFileSync(junk, 'not a certificate\n');
  await failsWith(t, ['--kubeconfig-out', kc, '--tls-cert', join(dir, 'none.crt'), '--tls-key', junk], `--tls-cert ${join(dir, 'none.crt')}: no such file`);
  await failsWith(t, ['--kubeconfig-out', kc, '--tls-cert', junk, '--tls-key', dir], `--tls-key ${dir}: is a directory`);
  const tmp = tempDir(t, 'egressctl-paths-tmp-');
  const s = serve(['--kubeconfig-out', kc, '--tls-cert', junk, '--tls-key', junk], tmp);
  t.after(() => s.term());
  assert.equal(await s.exit, 1);
  assert.match(s.stderr(), new RegExp(`^error: --tls-cert ${junk}, --tls-key ${junk}: not a usable certificate and key: .+\\n$`));
  assert.ok(!existsSync(kc), 'a kubeconfig was written');
});

test('without --kubeconfig-out: a temporary kubeconfig (0600, private directory) named on the second line works with egressctl; gone after SIGTERM', { ...HANG_GUARD, skip: hasOpenssl ? false : 'openssl is not installed' }, async (t) => {
  const tmp = tempDir(t, 'egressctl-paths-tmp-');
  const s = serve(['--listen', '127.0.0.1:0'], tmp);
  t.after(() => s.term());
  const [first, second] = await s.lines;
  const url = /^Serving on (https:\/\/127\.0\.0\.1:\d+)$/.exec(first)?.[1];
  assert.ok(url, first);
  const file = /^Kubeconfig: (\/.+)$/.exec(second)?.[1];
  assert.ok(file, second);
  assert.equal(dirname(dirname(file)), tmp, 'the kubeconfig is not in a directory of its own under TMPDIR');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(statSync(dirname(file)).mode & 0o777, 0o700);
  const kc = yaml.load(readFileSync(file, 'utf8')) as any;
  assert.equal(kc.clusters[0].cluster.server, url);
  const token: string = kc.users[0].user.token;
  assert.ok(token.length >= 20);

  const rule = 'kind: EgressRule\nmetadata:\n  name: via-default-kubeconfig\nspec:\n  destination:\n    service: "*.example.org"\n  ports:\n  - port: 443\n    protocol: https\n';
  const c = await egressctl(['create', '-f', '-'], { input: rule, env: { KUBECONFIG: file } });
  assert.equal(c.code, 0, c.stderr);
  const g = await egressctl(['get', 'egressrules'], { env: { KUBECONFIG: file } });
  assert.equal(g.code, 0, g.stderr);
  assert.match(g.stdout, /^via-default-kubeconfig\b/m);

  s.term();
  assert.equal(await s.exit, 0);
  assert.ok(!existsSync(file), 'the temporary kubeconfig is still there');
  assert.deepEqual(readdirSync(tmp), [], 'the temporary directory is still there');
  assert.ok(!s.stdout().includes(token) && !s.stderr().includes(token), 'the token was printed');
});

test('with --data DIR and no --kubeconfig-out: DIR/kubeconfig (0600), kept after exit; with --kubeconfig-out: that file is named', { ...HANG_GUARD, skip: hasOpenssl ? false : 'openssl is not installed' }, async (t) => {
  const dir = tempDir(t, 'egressctl-paths-');
  const tmp = tempDir(t, 'egressctl-paths-tmp-');
  const data = join(dir, 'data');
  const s = serve(['--data', data], tmp);
  t.after(() => s.term());
  const [, second] = await s.lines;
  assert.equal(second, `Kubeconfig: ${join(data, 'kubeconfig')}`);
  assert.equal(statSync(join(data, 'kubeconfig')).mode & 0o777, 0o600);
  const g = await egressctl(['get', 'egressrules'], { env: { KUBECONFIG: join(data, 'kubeconfig') } });
  assert.equal(g.code, 0, g.stderr);
  s.term();
  assert.equal(await s.exit, 0);
  assert.ok(existsSync(join(data, 'kubeconfig')), 'the kubeconfig in --data is kept');
  assert.deepEqual(readdirSync(tmp), []);

  const kc = join(dir, 'given.kubeconfig');
  const s2 = serve(['--data', data, '--kubeconfig-out', kc], tmp);
  t.after(() => s2.term());
  const [, second2] = await s2.lines;
  assert.equal(second2, `Kubeconfig: ${kc}`);
  assert.equal(statSync(kc).mode & 0o777, 0o600);
  s2.term();
  assert.equal(await s2.exit, 0);
});
