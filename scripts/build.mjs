// Bundles the CLI with esbuild. Why a bundle: start-up time. Node resolves and reads every module
// of commander/js-yaml/ipaddr.js separately; one file per entry point starts measurably faster, and
// code splitting keeps the heavy cluster client (@kubernetes/client-node) and the API server in
// their own chunks, loaded only by the commands that need them.
import { build } from 'esbuild';
import { renameSync, rmSync, writeFileSync } from 'node:fs';

// Built beside dist/ and swapped in, so a test running the CLI never sees a half-written dist/.
const out = `dist.new-${process.pid}`;
const old = `dist.old-${process.pid}`;
const result = await build({
  entryPoints: { cli: 'src/cli.ts', core: 'src/core/index.ts' },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  minifyWhitespace: true,
  minifySyntax: true,
  metafile: true,
  logLevel: 'warning',
  chunkNames: 'chunks/[name]-[hash]',
  // Some CommonJS dependencies of the cluster client call require() on Node built-ins.
  banner: { js: "import { createRequire as __egressctlCreateRequire } from 'node:module'; const require = __egressctlCreateRequire(import.meta.url);" },
});
// Which sources each output file holds: tests use it to prove what a command loads.
const meta = {};
for (const [file, o] of Object.entries(result.metafile.outputs)) meta[file.slice(out.length + 1)] = Object.keys(o.inputs);
writeFileSync(`${out}/meta.json`, JSON.stringify(meta));
try {
  renameSync('dist', old);
} catch {}
renameSync(out, 'dist');
rmSync(old, { recursive: true, force: true });
