// Runs every test/**/*.test.ts with Node's test runner (TypeScript through tsx).
// Node 20's --test does not expand globs itself, so the files are listed here.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const only = process.argv.slice(2);
const files = only.length ? only : find('test').sort();
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--import', 'tsx', ...files], { stdio: 'inherit' });
process.exitCode = r.status ?? 1;
