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
const lazyCommands = {
  name: 'lazy-commands',
  setup(b) {
    b.onResolve({ filter: /^\.\/commands\/index\.ts$/ }, (args) => ({ path: join(args.resolveDir, 'commands', 'lazy-index.ts') }));
  },
};

const [cli] = await Promise.all([
  build({ ...common, format: 'cjs', entryPoints: { cli: 'src/cli.ts' }, outdir: out, outExtension: { '.js': '.cjs' }, metafile: true, plugins: [kubeClientExternal, startupStubs, lazyCommands] }),
  build({ ...common, format: 'cjs', entryPoints: { 'kube-client': 'src/cluster/kube-client-entry.ts' }, outdir: out, outExtension: { '.js': '.cjs' } }),
  build({ ...common, format: 'esm', entryPoints: { core: 'src/core/index.ts' }, outdir: out }),
]);
// The CLI bundle must be ASCII: one other character makes V8 hold the whole source as two-byte
// text, slower to read and compile at every start. esbuild escapes strings but not regular
// expression literals; write such characters as \uXXXX there.
{
  const text = readFileSync(`${out}/cli.cjs`, 'latin1');
  const at = text.search(/[^\x00-\x7f]/);
  if (at >= 0) throw new Error(`dist/cli.cjs is not ASCII at offset ${at}: ...${text.slice(Math.max(0, at - 60), at + 20)}...`);
}
// Which sources the CLI bundle holds: a test checks that client-node is not among them.
writeFileSync(`${out}/meta.json`, JSON.stringify(Object.keys(cli.metafile.inputs)));
try {
  renameSync('dist', old);
} catch {}
renameSync(out, 'dist');
rmSync(old, { recursive: true, force: true });
