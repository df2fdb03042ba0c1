// Runs the test files with Node's test runner.
//
//   node scripts/test.mjs                 every test/**/*.test.ts except the long ones (npm test)
//   node scripts/test.mjs --long          only test/**/*.long.test.ts (npm run test:long)
//   node scripts/test.mjs FILE...         those files
//
// Servers (test/helpers/cluster.ts): EGRESSCTL_TEST_SERVER=serve|kube-apiserver|both chooses what
// the end-to-end suites run against. Unset: both when the real kube-apiserver can be had (Go is
// installed; it is built once and cached, scripts/kube-apiserver.mjs), else serve, with the reason
// printed once. With the real server, two are started here for the whole run
// (test/helpers/shared-kube-apiserver.ts) and each suite on it holds one of them.
//
// Speed: each test file is bundled with esbuild (types stripped, its imports inlined, npm packages
// left to node_modules, shared modules and every dynamic import() in chunks of their own) into
// .cache/test-build/PID/, and the bundles run. A test process then
// starts in ~0.1 s of CPU instead of ~0.4 s through tsx's loader, ~25 s a run on 2 cores. Every
// inlined module keeps its own import.meta.url, so paths relative to a source file still point
// into the tree, and --enable-source-maps reports failures at their .ts lines.
// (`node --test --import tsx FILE.test.ts` still runs a file as it is.)
// EGRESSCTL_TEST_NODE_FLAGS: more flags for the test processes, e.g. "--cpu-prof --cpu-prof-dir=DIR".
// EGRESSCTL_TEST_CLI=process: every egressctl of the tests as a process (test/helpers/server.ts).
//
// Hygiene: the spawned CLIs keep their V8 code cache in .cache/test-code-cache (not ~/.cache);
// kubectl gets a HOME and cache of the server's (test/helpers); temporary files go to a directory
// of this run's ($TMPDIR for every process), removed at the end; anything left in it is a leak
// and fails the run.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
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
  // The files' skipped real-server suites say why too, without printing it again.
  process.env.EGRESSCTL_TEST_SERVER_REASON = b.reason;
  return ['serve'];
}

const BUILD_ROOT = join(ROOT, '.cache', 'test-build');
/**
 * The test files that take longest (measured 2026-12-03 on both servers, wall seconds under the
 * run's load, from the test processes' CPU profiles (EGRESSCTL_TEST_NODE_FLAGS): conformance 63, server/kubectl 29, demo 21, seed 13, bad-input-cluster 12, cli-args
 * 12, kinds 11, errors 11, protocols 11; the unit groups 21 and 11 go first anyway); the others
 * take under 9 s each and follow in path order.
 */
const LONGEST = [
  'test/conformance/conformance.test.ts',
  'test/server/kubectl.test.ts',
  'test/demo.test.ts',
  'test/cluster/seed.test.ts',
  'test/bad-input-cluster.test.ts',
  'test/cli-args.test.ts',
  'test/cluster/kinds.test.ts',
  'test/cluster/errors.test.ts',
  'test/cluster/protocols.test.ts',
];
/** Processes for the unit test files (see bundle()). */
const UNIT_GROUPS = 2;
const buildDir = join(BUILD_ROOT, String(process.pid));
const runDir = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'egressctl-test-run-'));
const tmp = join(runDir, 'tmp');
const kinds = chooseServers();
// NODE_EXTRA_CA_CERTS left out: the tests trust only the CAs they make, and on a machine that
// sets it (this kind does, with the system bundle) every Node start builds a root store for it,
// 40-55 ms of CPU in each of the run's thousands of egressctl and test processes.
const { NODE_EXTRA_CA_CERTS: _extraCa, ...inherited } = process.env;
const env = {
  ...inherited,
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
// Suites on the real server hold one server each, so that two can run at once; each server costs
// ~2.5 s of CPU to start and ~280 MB. EGRESSCTL_TEST_KUBE_APISERVERS=N for another number.
const serverCount = Math.max(1, Number(process.env.EGRESSCTL_TEST_KUBE_APISERVERS) || 2);
const holders = [];
if (kinds.includes('kube-apiserver') && usesServers) {
  const infos = Array.from({ length: serverCount }, (_, i) => join(runDir, `kube-apiserver-${i + 1}.json`));
  env.EGRESSCTL_TEST_KUBE_APISERVER = infos.join(delimiter);
  // Their stdin is our pipe: if this runner dies, the servers stop too.
  for (const info of infos) holders.push(start(['--import', 'tsx', 'test/helpers/shared-kube-apiserver.ts', info], { stdio: ['pipe', 'inherit', 'inherit'] }));
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    for (const c of children) c.kill(sig);
  });
}

const bundles = await bundle(files);
const concurrency = Number(process.env.EGRESSCTL_TEST_CONCURRENCY) || 4;
const tests = start([...(process.env.EGRESSCTL_TEST_NODE_FLAGS ?? '').split(' ').filter(Boolean), '--test', `--test-concurrency=${concurrency}`, '--enable-source-maps', ...bundles], { stdio: 'inherit' });
let code = await tests.exited;

for (const h of holders) h.child.kill('SIGTERM');
await Promise.all(holders.map((h) => h.exited));
const leaked = existsSync(tmp) ? readdirSync(tmp).filter((n) => n !== tsxCache) : [];
if (leaked.length) {
  process.stderr.write(`# the tests left ${leaked.length} temporary file(s) behind: ${leaked.join(', ')}\n`);
  code ||= 1;
}
rmSync(runDir, { recursive: true, force: true });
rmSync(buildDir, { recursive: true, force: true });
process.exitCode = code;

/**
 * Bundles the test files into buildDir; returns the bundles to run. A file that starts processes
 * (directly or through a helper: its bundle imports node:child_process) runs alone, in a process of
 * its own; the others, pure unit tests, run in UNIT_GROUPS processes, each file in a describe()
 * named after it. A process per unit test file compiled the same source modules again and again:
 * the 40 unit files took 26 s of CPU one by one, 10 s together.
 */
async function bundle(entries) {
  // Leftovers of runs that were killed.
  for (const name of existsSync(BUILD_ROOT) ? readdirSync(BUILD_ROOT) : []) {
    if (!alive(Number(name))) rmSync(join(BUILD_ROOT, name), { recursive: true, force: true });
  }
  const ownUrl = {
    name: 'own-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.(ts|mts|mjs|js)$/ }, (args) => {
        if (args.path.includes(`${join('node_modules', '')}`)) return undefined;
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        return { contents: text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)), loader: /\.m?ts$/.test(args.path) ? 'ts' : 'js' };
      });
    },
  };
  const options = {
    outdir: buildDir,
    outbase: ROOT,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    // Shared modules in chunks of their own, and every dynamic import() a chunk loaded when it
    // runs: a test process compiles only what it uses (the CLI's commands are imported lazily, so
    // a file that runs `get` does not compile serve's code and schemas).
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    plugins: [ownUrl],
    // Paths in the metafile relative to the tree, wherever the runner was started from.
    absWorkingDir: ROOT,
    logLevel: 'warning',
  };
  const outOf = (f) => join(buildDir, resolve(f).slice(ROOT.length + 1).replace(/\.ts$/, '.mjs'));
  const { metafile } = await build({ ...options, entryPoints: entries.map((f) => resolve(f)), metafile: true });
  // Through the shared chunks it imports (statically: a file's lazy imports of the CLI's commands
  // start no process of their own).
  const outputStarts = (out, seen) => {
    if (seen.has(out)) return false;
    seen.add(out);
    return metafile.outputs[out].imports.some((i) => /^(node:)?child_process$/.test(i.path) || (i.kind === 'import-statement' && !i.external && outputStarts(i.path, seen)));
  };
  const startsProcesses = (f) => outputStarts(relative(ROOT, outOf(f)), new Set());
  const alone = entries.filter(startsProcesses);
  const units = entries.filter((f) => !startsProcesses(f));
  if (units.length < 2) return entries.map(outOf);
  // Biggest first, dealt round-robin: the groups take about as long as each other.
  const bySize = [...units].sort((x, y) => statSync(y).size - statSync(x).size);
  const groups = Array.from({ length: Math.min(UNIT_GROUPS, units.length) }, () => []);
  bySize.forEach((f, i) => groups[i % groups.length].push(f));
  const groupFiles = groups.map((g, i) => {
    const file = join(buildDir, 'groups', `unit-${i + 1}.test.ts`);
    mkdirSync(dirname(file), { recursive: true });
    const lines = g.sort().map((f) => `describe(${JSON.stringify(relative(ROOT, resolve(f)))}, async () => {\n  await import(${JSON.stringify(resolve(f))});\n});`);
    writeFileSync(file, `// Generated by scripts/test.mjs: unit test files run in one process.\nimport { describe } from 'node:test';\n${lines.join('\n')}\n`);
    return file;
  });
  await build({ ...options, entryPoints: groupFiles });
  // The longest files first, so that none of them starts last and keeps the run going alone.
  const rank = (f) => {
    const i = LONGEST.indexOf(relative(ROOT, resolve(f)));
    return i < 0 ? LONGEST.length : i;
  };
  alone.sort((x, y) => rank(x) - rank(y));
  return [...groupFiles.map(outOf), ...alone.map(outOf)];
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}
