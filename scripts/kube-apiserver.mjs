// Builds the real kube-apiserver of test/kube-apiserver (a Go module) once and caches it in
// .cache/kube-apiserver/<hash>/kube-apiserver (gitignored). The hash covers go.mod, go.sum, the
// Go sources and the build flags, so a change to any of them builds anew; older builds are
// removed after a successful one. A failed build leaves build-failed.log in the hash's folder
// and is not retried for the same sources (delete the folder, or pass --force, to retry).
//
//   node scripts/kube-apiserver.mjs build [--force]   build unless cached; one line saying what happened
//   node scripts/kube-apiserver.mjs path              the cached binary's path (exit 1 when there is none)
//   node scripts/kube-apiserver.mjs start [FLAGS...]  build unless cached, then run it with FLAGS
//
// Without Go on PATH, `build` prints one line saying it skips, and exits 0: the real-server tests
// then skip with the same reason (test/helpers/kube-apiserver.ts imports this file).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const MODULE_DIR = join(ROOT, 'test', 'kube-apiserver');
export const CACHE_DIR = join(ROOT, '.cache', 'kube-apiserver');
const BUILD_TIMEOUT_MS = 40 * 60_000;
const LOCK_STALE_MS = BUILD_TIMEOUT_MS + 5 * 60_000;

/** The k8s.io/kubernetes release go.mod requires: the version the server reports on /version. */
export function kubernetesVersion() {
  const m = /^\s*(?:require\s+)?k8s\.io\/kubernetes\s+(v(\d+)\.(\d+)\.\d+)\s*$/m.exec(readFileSync(join(MODULE_DIR, 'go.mod'), 'utf8'));
  if (!m) throw new Error(`${relative(ROOT, MODULE_DIR)}/go.mod requires no k8s.io/kubernetes vX.Y.Z`);
  return { gitVersion: m[1], major: m[2], minor: m[3] };
}

function buildArgs() {
  const v = kubernetesVersion();
  const pkg = 'k8s.io/component-base/version';
  // kubectl's dispatcher picks its client from gitVersion; gitCommit is unknown for a module build.
  const ldflags = ['-s', '-w', `-X ${pkg}.gitVersion=${v.gitVersion}`, `-X ${pkg}.gitMajor=${v.major}`, `-X ${pkg}.gitMinor=${v.minor}`, `-X ${pkg}.gitCommit=`, `-X ${pkg}.gitTreeState=clean`];
  return ['build', '-trimpath', '-buildvcs=false', '-ldflags', ldflags.join(' ')];
}

function goSources(dir = MODULE_DIR) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...goSources(p));
    else if (name.endsWith('.go') || name === 'go.mod' || name === 'go.sum') out.push(p);
  }
  return out;
}

/** sha256 over the module's go.mod, go.sum and .go files (paths and contents) and the build flags. */
export function sourceHash() {
  const h = createHash('sha256');
  h.update(JSON.stringify(buildArgs()));
  for (const f of goSources()) {
    h.update(`\0${relative(MODULE_DIR, f)}\0`);
    h.update(readFileSync(f));
  }
  return h.digest('hex').slice(0, 16);
}

export function binaryPath(hash = sourceHash()) {
  return join(CACHE_DIR, hash, 'kube-apiserver');
}

export function failureLog(hash = sourceHash()) {
  return join(CACHE_DIR, hash, 'build-failed.log');
}

/** The go command's version line, or undefined when Go is not on PATH. */
export function goVersion() {
  const r = spawnSync('go', ['version'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Builds unless cached. Returns { status: 'cached' | 'built' | 'failed' | 'no-go', path, seconds?, reason? };
 * `log` gets the one line that says what happened. Synchronous: tests call it while they are
 * being defined. Two callers at once: one builds, the other waits for its lock.
 */
export function ensureBuilt({ force = false, log = (line) => process.stderr.write(line + '\n'), quiet = false } = {}) {
  const hash = sourceHash();
  const path = binaryPath(hash);
  const dir = dirname(path);
  if (existsSync(path) && !force) {
    if (!quiet) log(`kube-apiserver: cached ${relative(ROOT, path)}`);
    return { status: 'cached', path };
  }
  const go = goVersion();
  if (!go) {
    const reason = 'Go is not installed (no go on PATH), so the real kube-apiserver cannot be built; the real-server tests skip';
    log(`kube-apiserver: skipped: ${reason}`);
    return { status: 'no-go', path, reason };
  }
  const failed = failureLog(hash);
  if (existsSync(failed) && !force) {
    const reason = `the kube-apiserver build failed for these sources (see ${relative(ROOT, failed)}; node scripts/kube-apiserver.mjs build --force retries)`;
    log(`kube-apiserver: skipped: ${reason}`);
    return { status: 'failed', path, reason };
  }

  mkdirSync(CACHE_DIR, { recursive: true });
  const lock = join(CACHE_DIR, `${hash}.lock`);
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      else sleep(2000);
      if (existsSync(path)) return { status: 'cached', path };
      if (existsSync(failed)) return ensureBuilt({ log, quiet });
    }
  }
  try {
    log(`kube-apiserver: building k8s.io/kubernetes ${kubernetesVersion().gitVersion} with ${go} (the first build takes minutes)`);
    mkdirSync(dir, { recursive: true });
    rmSync(failed, { force: true });
    const tmp = `${path}.tmp-${process.pid}`;
    const started = Date.now();
    // GOTOOLCHAIN=local: build with the machine's Go, never fetch another toolchain.
    // The time limit keeps a hung module download from eating CI's whole budget.
    const r = spawnSync('go', [...buildArgs(), '-o', tmp, '.'], { cwd: MODULE_DIR, encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local' }, maxBuffer: 64 * 1024 * 1024, timeout: BUILD_TIMEOUT_MS, killSignal: 'SIGKILL' });
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    if (r.status !== 0) {
      rmSync(tmp, { force: true });
      writeFileSync(failed, `go ${buildArgs().join(' ')} -o ... .\n${go}\nexit ${r.status ?? r.signal}\n${r.error ? r.error.message + '\n' : ''}${r.stdout}${r.stderr}`);
      const lastLine = r.signal ? `stopped after ${BUILD_TIMEOUT_MS / 60_000} minutes` : (r.stderr || r.error?.message || '').trim().split('\n').pop();
      const reason = `the kube-apiserver build failed after ${seconds} s (${lastLine}; full log in ${relative(ROOT, failed)})`;
      log(`kube-apiserver: ${reason}`);
      return { status: 'failed', path, seconds, reason };
    }
    renameSync(tmp, path);
    for (const old of readdirSync(CACHE_DIR)) {
      if (old !== hash && !old.endsWith('.lock')) rmSync(join(CACHE_DIR, old), { recursive: true, force: true });
    }
    log(`kube-apiserver: built ${relative(ROOT, path)} in ${seconds} s (${Math.round(statSync(path).size / 1e6)} MB)`);
    return { status: 'built', path, seconds };
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * The CRD of one kind of egressctl's registry (a descriptor of src/core/kinds: group, version,
 * readVersions, kind, plural, singular, shortNames): its version served and stored, its
 * readVersions served too (not stored), each with a spec that keeps every field
 * (apiextensions.k8s.io/v1 requires a schema; Istio 0.x's CRDs had none, and egressctl validates
 * specs itself). Names and categories as `egressctl serve` registers them (src/server/resources.ts).
 */
export function kindCrd(k) {
  const schema = { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${k.plural}.${k.group}`, labels: { istio: 'core' } },
    spec: {
      group: k.group,
      scope: 'Namespaced',
      names: {
        plural: k.plural,
        singular: k.singular,
        kind: k.kind,
        listKind: `${k.kind}List`,
        ...(k.shortNames?.length ? { shortNames: [...k.shortNames] } : {}),
        categories: ['istio-io', `${k.group.split('.')[0]}-istio-io`],
      },
      versions: [
        { name: k.version, served: true, storage: true, schema },
        ...(k.readVersions ?? []).map((v) => ({ name: v, served: true, storage: false, schema })),
      ],
    },
  };
}

/**
 * Creates the CRDs through `request(method, path, body)` (resolving to { status, body, json() }),
 * then waits until each is Established, its group/version's discovery document lists it (clients
 * that discover before they act see it too) and a list of it answers: it answers 429 "storage is
 * (re)initializing" for a while after being discovered.
 */
export async function registerCrds(request, crds, timeoutMs = 60_000) {
  const base = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
  for (const crd of crds) {
    const r = await request('POST', base, crd);
    if (r.status !== 201) throw new Error(`POST ${base} (${crd?.metadata?.name}): ${r.status} ${r.body}`);
  }
  const deadline = Date.now() + timeoutMs;
  for (const crd of crds) {
    const name = crd.metadata.name;
    const version = crd.spec.versions.find((v) => v.served)?.name;
    const discovery = `/apis/${crd.spec.group}/${version}`;
    for (;;) {
      const got = await request('GET', `${base}/${name}`);
      const established = got.status === 200 && (got.json().status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
      const d = established ? await request('GET', discovery) : undefined;
      const listed = d?.status === 200 && d.json().resources?.some((res) => res.name === crd.spec.names.plural) ? await request('GET', `${discovery}/${crd.spec.names.plural}?limit=1`) : undefined;
      if (listed?.status === 200) break;
      if (Date.now() > deadline) throw new Error(`CRD ${name} not Established and discovered within ${timeoutMs} ms (last: ${got.status} ${got.body.slice(0, 500)})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [cmd, ...rest] = process.argv.slice(2);
  const out = (line) => process.stdout.write(line + '\n');
  if (cmd === 'build') {
    const r = ensureBuilt({ force: rest.includes('--force'), log: out });
    process.exitCode = r.status === 'failed' ? 1 : 0;
  } else if (cmd === 'path') {
    const p = binaryPath();
    if (existsSync(p)) out(p);
    else process.exitCode = 1;
  } else if (cmd === 'start') {
    const r = ensureBuilt({ log: (line) => process.stderr.write(line + '\n'), quiet: true });
    if (r.status !== 'cached' && r.status !== 'built') process.exit(1);
    const child = spawn(r.path, rest, { stdio: 'inherit' });
    for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => child.kill(sig));
    child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
  } else {
    process.stderr.write('usage: node scripts/kube-apiserver.mjs build [--force] | path | start [kube-apiserver flags...]\n');
    process.exitCode = 2;
  }
}
