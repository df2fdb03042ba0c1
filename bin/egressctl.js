#!/usr/bin/env node
'use strict';
// Runs the bundled CLI through V8's code cache: dist/cli-COMMAND.cjs, the CLI with only that
// command's module, for the commands that have one (scripts/build.mjs says why), else dist/cli.cjs.
//
// Why: most of egressctl's start-up beyond Node's own is parsing and compiling JavaScript. V8 can
// save the compiled code of a run and reuse it, which takes 10-20 ms off every later start
// (bench/startup.mjs). Node 20 offers that only through vm.Script's cachedData (its module
// compile cache came in 22.1), hence this loader instead of a plain require. The cache is kept
// per command in $EGRESSCTL_CACHE_DIR, else $XDG_CACHE_HOME/egressctl or ~/.cache/egressctl; it is
// keyed by the Node version and the bundle's size and time, V8 itself rejects a stale one, and any
// failure to read or write it only means a slower start. EGRESSCTL_NO_CODE_CACHE=1 turns it off.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const argv = process.argv.slice(2);
// The command as the code cache names it: the first argument that looks like one.
const command = (argv.find((a) => /^[a-z][-a-z]*$/.test(a)) ?? 'none').slice(0, 20);
// Its own bundle when it has one (scripts/build.mjs), else the whole CLI.
const own = path.join(__dirname, '..', 'dist', `cli-${command}.cjs`);
const whole = path.join(__dirname, '..', 'dist', 'cli.cjs');
const ownStat = fs.statSync(own, { throwIfNoEntry: false });
const first = ownStat ? own : whole;
/** The exports of the bundle that ran (its flushStandardStreams). */
let exports_;
run(first, { stat: ownStat }).then(
  (code) => done(code),
  (e) => {
    // The command that runs is another (a flag's value looked like a command): nothing was
    // written yet; the whole CLI runs it.
    if (first === own && e && e.code === 'EGRESSCTL_OTHER_BUNDLE') return run(whole, { noCache: true }).then(done);
    throw e;
  },
);

/** Loads a bundle through its code cache (unless noCache) and runs its main(); resolves to the exit code. */
function run(file, opts = {}) {
  const source = fs.readFileSync(file, 'utf8');
  const cacheFile = opts.noCache ? undefined : codeCachePath(file, opts.stat);
  let cachedData;
  if (cacheFile) {
    try {
      cachedData = fs.readFileSync(cacheFile);
    } catch {}
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const module_ = { exports: {} };
  script.runInThisContext().call(module_.exports, module_.exports, Module.createRequire(file), module_, file, path.dirname(file));
  exports_ = module_.exports;
  return module_.exports.main(argv).then((code) => {
    if (cacheFile && (!cachedData || script.cachedDataRejected)) saveCodeCache(script, cacheFile);
    return code;
  });
}

function done(code) {
  process.exitCode = code;
  // Done: exit once the output is written, without waiting for kept-alive connections to wind
  // down (~5 ms) or anything else the command left behind.
  exports_.flushStandardStreams().then(() => process.exit(code));
}

function codeCachePath(file, stat) {
  const env = process.env;
  if (env.EGRESSCTL_NO_CODE_CACHE === '1') return undefined;
  // Only below a directory that exists: a missing HOME is never created.
  const base = env.EGRESSCTL_CACHE_DIR ? path.dirname(path.resolve(env.EGRESSCTL_CACHE_DIR)) : env.XDG_CACHE_HOME || env.HOME;
  if (!base || !isDirectory(base)) return undefined;
  const dir = env.EGRESSCTL_CACHE_DIR || (env.XDG_CACHE_HOME ? path.join(env.XDG_CACHE_HOME, 'egressctl') : path.join(env.HOME, '.cache', 'egressctl'));
  const st = stat ?? fs.statSync(file);
  // The compiled code differs with what ran: one cache per command (validate, kube-inject, ...).
  return path.join(dir, `cli-${process.version}-${st.size}-${Math.trunc(st.mtimeMs)}-${command}.v8cache`);
}

function isDirectory(p) {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function saveCodeCache(script, target) {
  try {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, script.createCachedData());
    fs.renameSync(tmp, target);
    // Older caches of this command (another Node or another build) are of no more use.
    const name = path.basename(target);
    const command = name.slice(name.lastIndexOf('-'));
    for (const f of fs.readdirSync(path.dirname(target))) {
      if (f !== name && f.startsWith('cli-') && f.endsWith(command)) fs.rmSync(path.join(path.dirname(target), f), { force: true });
    }
  } catch {
    // A cache that cannot be written only costs start-up time.
  }
}
