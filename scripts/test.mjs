// Runs the test files with Node's test runner (TypeScript through tsx).
//
//   node scripts/test.mjs                 every test/**/*.test.ts except the long ones (npm test)
//   node scripts/test.mjs --long          only test/**/*.long.test.ts (npm run test:long)
//   node scripts/test.mjs FILE...         those files
//
// Servers (test/helpers/cluster.ts): EGRESSCTL_TEST_SERVER=serve|kube-apiserver|both chooses what
// the end-to-end suites run against. Unset: both when the real kube-apiserver can be had (Go is
// installed; it is built once and cached, scripts/kube-apiserver.mjs), else serve, with the reason
// printed once. With the real server, one is started here for the whole run
// (test/helpers/shared-kube-apiserver.ts) and the suites take turns on it.
//
// Hygiene: the spawned CLIs keep their V8 code cache in .cache/test-code-cache (not ~/.cache);
// kubectl gets a HOME and cache of the server's (test/helpers); temporary files go to a directory
// of this run's ($TMPDIR for every process), removed at the end; anything left in it is a leak
// and fails the run.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { ensureBuilt } from './kube-apiserver.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(ROOT);

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const args = process.argv.slice(2);
const long = args.includes('--long');
const only = args.filter((a) => a !== '--long');
const isLong = (f) => f.endsWith('.long.test.ts');
const files = only.length ? only : find('test').filter((f) => isLong(f) === long).sort();

/** The servers of this run, decided once: [kinds, a reason to print when the real one is left out]. */
function chooseServers() {
  const v = process.env.EGRESSCTL_TEST_SERVER;
  if (v === 'serve') return ['serve'];
  if (v !== undefined && v !== '' && v !== 'kube-apiserver' && v !== 'both') {
    process.stderr.write(`EGRESSCTL_TEST_SERVER=${v}: expected serve, kube-apiserver or both\n`);
    process.exit(2);
  }
  const b = ensureBuilt({ quiet: true, log: (line) => /^kube-apiserver: buil(ding|t) /.test(line) && process.stderr.write(`# ${line}\n`) });
  const ok = b.status === 'cached' || b.status === 'built';
  if (ok) return v === 'kube-apiserver' ? ['kube-apiserver'] : ['serve', 'kube-apiserver'];
  if (v) {
    // Asked for explicitly: not having it is a failure, not a skip.
    process.stderr.write(`EGRESSCTL_TEST_SERVER=${v}, but ${b.reason}\n`);
    process.exit(1);
  }
  process.stderr.write(`# SKIP the real-server runs (EGRESSCTL_TEST_SERVER=both to require them): ${b.reason}\n`);
  return ['serve'];
}

const runDir = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'egressctl-test-run-'));
const tmp = join(runDir, 'tmp');
const kinds = chooseServers();
const env = {
  ...process.env,
  EGRESSCTL_TEST_SERVER: kinds.length === 2 ? 'both' : kinds[0],
  EGRESSCTL_CACHE_DIR: process.env.EGRESSCTL_CACHE_DIR || join(ROOT, '.cache', 'test-code-cache'),
  TMPDIR: tmp,
};
mkdirSync(tmp);
// tsx keeps its compiled files in $TMPDIR/tsx-UID: kept across runs in .cache/tsx instead.
const tsxCache = `tsx-${userInfo().uid}`;
mkdirSync(join(ROOT, '.cache', 'tsx'), { recursive: true });
symlinkSync(join(ROOT, '.cache', 'tsx'), join(tmp, tsxCache));

const children = [];
function start(argv, opts) {
  const child = spawn(process.execPath, argv, { env, ...opts });
  const exited = new Promise((r) => child.once('exit', (code, signal) => r(code ?? (signal ? 128 : 1))));
  children.push(child);
  return { child, exited };
}

// Only files that use the helper (test/helpers/cluster.ts) use the real server.
const usesServers = files.some((f) => readFileSync(f, 'utf8').includes('helpers/cluster.ts'));
let holder;
if (kinds.includes('kube-apiserver') && usesServers) {
  env.EGRESSCTL_TEST_KUBE_APISERVER = join(runDir, 'kube-apiserver.json');
  // Its stdin is our pipe: if this runner dies, the server stops too.
  holder = start(['--import', 'tsx', 'test/helpers/shared-kube-apiserver.ts', env.EGRESSCTL_TEST_KUBE_APISERVER], { stdio: ['pipe', 'inherit', 'inherit'] });
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    for (const c of children) c.kill(sig);
  });
}

const tests = start(['--test', '--test-concurrency=2', '--import', 'tsx', ...files], { stdio: 'inherit' });
let code = await tests.exited;

if (holder) {
  holder.child.kill('SIGTERM');
  await holder.exited;
}
const leaked = existsSync(tmp) ? readdirSync(tmp).filter((n) => n !== tsxCache) : [];
if (leaked.length) {
  process.stderr.write(`# the tests left ${leaked.length} temporary file(s) behind: ${leaked.join(', ')}\n`);
  code ||= 1;
}
rmSync(runDir, { recursive: true, force: true });
process.exitCode = code;
