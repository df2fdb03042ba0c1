// The layer rules of shared/STYLE.md, as a test: a module that imports across them fails here.
// core is pure (no I/O, imports only core); io, print, cluster and server build on core; commands
// tie them together; only cluster imports @kubernetes/client-node, only print imports chalk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve('src');

/** Which layers each layer may import (its own included). */
const ALLOWED: Record<string, readonly string[]> = {
  core: ['core'],
  io: ['core', 'io'],
  // print/errors.ts words cluster errors (cluster/errors.ts is pure wording, no client).
  print: ['core', 'print', 'cluster/errors.ts'],
  cluster: ['core', 'io', 'cluster'],
  server: ['core', 'io', 'print', 'server'],
  commands: ['core', 'io', 'print', 'cluster', 'commands', 'server'],
  '.': ['core', 'io', 'print', 'cluster', 'commands', '.'],
};

/** Node modules the pure core must not use (I/O, processes, the network). */
const IO_MODULES = /^node:(fs|net|http|https|http2|tls|child_process|dgram|dns|os|process|worker_threads|cluster|readline)(\/|$)/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function imports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/g)) out.push(m[1]!);
  for (const m of text.matchAll(/import\(\s*'([^']+)'\s*\)/g)) out.push(m[1]!);
  for (const m of text.matchAll(/(?:^|\n)\s*import\s+'([^']+)'/g)) out.push(m[1]!);
  return out;
}

function layerOf(file: string): string {
  const rel = relative(SRC, file);
  return rel.includes('/') ? rel.split('/')[0]! : '.';
}

function allowed(from: string, target: string): boolean {
  const rel = relative(SRC, target);
  const layer = rel.includes('/') ? rel.split('/')[0]! : '.';
  return ALLOWED[from]!.some((a) => a === layer || a === rel);
}

test('every module imports only what its layer may', () => {
  const broken: string[] = [];
  const all = files(SRC);
  assert.ok(all.length > 50, `found only ${all.length} modules`);
  for (const file of all) {
    const from = layerOf(file);
    const text = readFileSync(file, 'utf8');
    for (const spec of imports(text)) {
      if (spec.startsWith('.') && !spec.endsWith('package.json')) {
        const target = resolve(dirname(file), spec);
        if (!allowed(from, target)) broken.push(`${relative(SRC, file)} imports ${relative(SRC, target)} (${from} may import ${ALLOWED[from]!.join(', ')})`);
      } else if (from === 'core' && IO_MODULES.test(spec)) {
        broken.push(`${relative(SRC, file)} imports ${spec}: the core does no I/O`);
      } else if (spec.startsWith('@kubernetes/client-node') && from !== 'cluster') {
        broken.push(`${relative(SRC, file)} imports ${spec}: only src/cluster may`);
      } else if (spec === 'chalk' && from !== 'print') {
        broken.push(`${relative(SRC, file)} imports chalk: only src/print may`);
      }
    }
  }
  assert.deepEqual(broken, []);
});

test('the checker itself sees a broken import', () => {
  // A core module importing the cluster layer, and a command importing client-node, are found.
  assert.equal(allowed('core', join(SRC, 'cluster/client.ts')), false);
  assert.equal(allowed('print', join(SRC, 'cluster/errors.ts')), true);
  assert.equal(allowed('print', join(SRC, 'cluster/client.ts')), false);
  assert.deepEqual(imports("import a from './x.ts';\nexport { b } from '../y.ts';\nconst c = await import('../z.ts');\nimport './side.ts';\n").sort(), ['../y.ts', '../z.ts', './side.ts', './x.ts']);
});
