#!/usr/bin/env node
'use strict';
// Runs the bundled CLI (dist/cli.cjs) through V8's code cache.
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

const file = path.join(__dirname, '..', 'dist', 'cli.cjs');
const source = fs.readFileSync(file, 'utf8');
const argv = process.argv.slice(2);
const cacheFile = codeCachePath();
let cachedData;
if (cacheFile) {
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {}
}
const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
const module_ = { exports: {} };
script.runInThisContext().call(module_.exports, module_.exports, Module.createRequire(file), module_, file, path.dirname(file));
module_.exports.main(argv).then((code) => {
  process.exitCode = code;
  if (cacheFile && (!cachedData || script.cachedDataRejected)) saveCodeCache(cacheFile);
  // Done: exit once the output is written, without waiting for kept-alive connections to wind
  // down (~5 ms) or anything else the command left behind.
  module_.exports.flushStandardStreams().then(() => process.exit(code));
});

function codeCachePath() {
  const env = process.env;
  if (env.EGRESSCTL_NO_CODE_CACHE === '1') return undefined;
  // Only below a directory that exists: a missing HOME is never created.
  const base = env.EGRESSCTL_CACHE_DIR ? path.dirname(path.resolve(env.EGRESSCTL_CACHE_DIR)) : env.XDG_CACHE_HOME || env.HOME;
  if (!base || !isDirectory(base)) return undefined;
  const dir = env.EGRESSCTL_CACHE_DIR || (env.XDG_CACHE_HOME ? path.join(env.XDG_CACHE_HOME, 'egressctl') : path.join(env.HOME, '.cache', 'egressctl'));
  const st = fs.statSync(file);
  // The compiled code differs with what ran: one cache per command (validate, kube-inject, ...).
  const command = (argv.find((a) => /^[a-z][-a-z]*$/.test(a)) ?? 'none').slice(0, 20);
  return path.join(dir, `cli-${process.version}-${st.size}-${Math.trunc(st.mtimeMs)}-${command}.v8cache`);
}

function isDirectory(p) {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function saveCodeCache(target) {
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
