// npm run bench: every benchmark, one after the other, each printing its ratios.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const only = process.argv.slice(2);
const all = ['startup', 'analysis', 'inject', 'convert', 'create', 'cluster', 'serve'];
for (const name of only.length ? only : all) {
  const file = new URL(`./${name}.mjs`, import.meta.url).pathname;
  if (!existsSync(file)) {
    console.log(`\n== ${name}: no bench/${name}.mjs yet`);
    continue;
  }
  console.log(`\n== ${name}`);
  const r = spawnSync(process.execPath, [file], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = 1;
}
