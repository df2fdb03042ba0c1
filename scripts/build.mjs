// Builds dist/ with esbuild.
//
// Why bundles: start-up time. Every module Node resolves, reads and compiles on its own costs
// time, and the offline commands must start within 1.5x of `node -e 0`. So:
// - dist/cli.cjs: the whole CLI in one CommonJS file. bin/egressctl.js runs it through V8's code
//   cache (Node 20 has no compile cache for modules; see the shim), and CommonJS keeps Node's ES
//   module loader out of start-up entirely. Code only some commands need (serve, the cluster
//   layer) is in the file but compiled lazily by V8, only when it runs.
// - dist/kube-client.cjs: @kubernetes/client-node (~1 MB), required only for the credentials that
//   need it (exec plugins, auth providers, in-cluster); plain tokens and certificates never load it.
// - dist/core.js: the pure core as an ES module library entry (used by the benchmarks).
import { build } from 'esbuild';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Built beside dist/ and swapped in, so a test running the CLI never sees a half-written dist/.
const out = `dist.new-${process.pid}`;
const old = `dist.old-${process.pid}`;
// A build that fails leaves nothing behind.
let swapped = false;
process.on('exit', () => swapped || rmSync(out, { recursive: true, force: true }));
const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: 'linked', minify: true, logLevel: 'warning' };

// The CLI reaches client-node through this one external module, resolved beside the bundle.
const kubeClientExternal = {
  name: 'kube-client-external',
  setup(b) {
    b.onResolve({ filter: /^@kubernetes\/client-node$/ }, () => ({ path: './kube-client.cjs', external: true }));
  },
};

// Start-up: modules a dependency loads at its top but egressctl never uses, replaced in the CLI
// bundle (every command pays for what the bundle loads at its top):
// - commander requires child_process (~3.5 ms) for executable subcommands, which egressctl has
//   none of: it gets a stand-in that loads the real module on first use.
// - chalk's supports-color probes the terminals (loading tty and os) for chalk's default
//   instances; egressctl always gives chalk its colour level (print/color.ts), so it gets "no colour".
const startupStubs = {
  name: 'startup-stubs',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) => (/[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy-builtin' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: `let m; module.exports = new Proxy({}, { get: (_, k) => (m ??= require('node:${args.path}'))[k] });`,
      loader: 'js',
    }));
    b.onResolve({ filter: /^#supports-color$/ }, () => ({ path: 'supports-color', namespace: 'no-color-probe' }));
    b.onLoad({ filter: /.*/, namespace: 'no-color-probe' }, () => ({ contents: 'export default { stdout: false, stderr: false };', loader: 'js' }));
  },
};

// In the CLI bundle, commands/index.ts (which imports every command module, for the program built
// in-process by tests) is replaced by commands/lazy-index.ts, which loads only the module of the
// command that runs: the others' imports (the kinds, js-yaml, the printers) are never evaluated.
// - dist/cli-COMMAND.cjs (create, apply, replace, delete, get, validate, kube-inject, convert,
//   version): the same CLI holding only that command's module, which bin/egressctl.js runs for that
//   command. Every function of a bundle costs start-up even when it never runs (V8 makes an object
//   for each when the bundle is evaluated, and the code cache holds them all): validate's bundle is
//   0.3 MB instead of 0.7 MB, its code cache 350 KB instead of 420 KB, and validate starts 4-8 ms
//   sooner (measured 2026-12-03). Asked for another command (a flag value that looks like a
//   command: `-n create get ...`), its load() rejects with EGRESSCTL_OTHER_BUNDLE before anything
//   is written, and the launcher runs dist/cli.cjs instead.
const lazyCommands = {
  name: 'lazy-commands',
  setup(b) {
    b.onResolve({ filter: /^\.\/commands\/index\.ts$/ }, (args) => ({ path: join(args.resolveDir, 'commands', 'lazy-index.ts') }));
  },
};

/** The commands with a bundle of their own (their modules are commands/NAME.ts). */
const OWN_BUNDLE = ['create', 'apply', 'replace', 'delete', 'get', 'validate', 'kube-inject', 'convert', 'version'];

/** In catalog.ts, every command's import() but `keep`'s made a rejection the launcher recognises. */
function onlyCommand(keep) {
  return {
    name: 'only-command',
    setup(b) {
      b.onLoad({ filter: /[\\/]commands[\\/]catalog\.ts$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        let kept = 0;
        const contents = text.replace(/import\('\.\/([a-z-]+)\.ts'\)/g, (m, name) => {
          if (name === keep) {
            kept++;
            return m;
          }
          return `Promise.reject(Object.assign(new Error('this bundle holds only the ${keep} command'), { code: 'EGRESSCTL_OTHER_BUNDLE' }))`;
        });
        if (kept !== 1) throw new Error(`catalog.ts: no import('./${keep}.ts') to keep`);
        return { contents, loader: 'ts' };
      });
    },
  };
}

const cliOptions = { ...common, format: 'cjs', outdir: out, outExtension: { '.js': '.cjs' }, metafile: true };
const [cli, ...rest] = await Promise.all([
  build({ ...cliOptions, entryPoints: { cli: 'src/cli.ts' }, plugins: [kubeClientExternal, startupStubs, lazyCommands] }),
  ...OWN_BUNDLE.map((name) => build({ ...cliOptions, entryPoints: { [`cli-${name}`]: 'src/cli.ts' }, plugins: [kubeClientExternal, startupStubs, lazyCommands, onlyCommand(name)] })),
  build({ ...common, format: 'cjs', entryPoints: { 'kube-client': 'src/cluster/kube-client-entry.ts' }, outdir: out, outExtension: { '.js': '.cjs' } }),
  build({ ...common, format: 'esm', entryPoints: { core: 'src/core/index.ts' }, outdir: out }),
]);
// The CLI bundle must be ASCII: one other character makes V8 hold the whole source as two-byte
// text, slower to read and compile at every start. esbuild escapes strings but not regular
// expression literals; write such characters as \uXXXX there.
{
  for (const name of ['cli', ...OWN_BUNDLE.map((c) => `cli-${c}`)]) {
    const text = readFileSync(`${out}/${name}.cjs`, 'latin1');
    const at = text.search(/[^\x00-\x7f]/);
    if (at >= 0) throw new Error(`dist/${name}.cjs is not ASCII at offset ${at}: ...${text.slice(Math.max(0, at - 60), at + 20)}...`);
  }
}
// Which sources the CLI bundle holds: a test checks that client-node is not among them (the
// per-command bundles hold a part of the same sources).
writeFileSync(`${out}/meta.json`, JSON.stringify(Object.keys(cli.metafile.inputs)));
for (const [i, r] of rest.slice(0, OWN_BUNDLE.length).entries()) {
  const extra = Object.keys(r.metafile.inputs).filter((f) => !(f in cli.metafile.inputs));
  if (extra.length) throw new Error(`dist/cli-${OWN_BUNDLE[i]}.cjs holds sources dist/cli.cjs does not: ${extra.join(', ')}`);
}
try {
  renameSync('dist', old);
} catch {}
renameSync(out, 'dist');
swapped = true;
rmSync(old, { recursive: true, force: true });
