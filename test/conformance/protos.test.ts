// src/server/protos.json (the protobuf field tables serve decodes kubectl's typed requests with) is
// what the generated.proto files of the real server's release say. They are read from the Go module
// cache the real server was built with; REFRESH_PROTOS=1 rewrites the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/server.ts';
import { kubernetesVersion } from '../../scripts/kube-apiserver.mjs';
import { protoFiles, protoTable } from './protos.ts';

const FILE = join(ROOT, 'src/server/protos.json');

function modCache(): string | undefined {
  const r = spawnSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

// k8s.io/kubernetes v1.X.Y is built with the staging modules v0.X.Y.
const release = kubernetesVersion().gitVersion.replace(/^v1\./, 'v0.');
const cache = modCache();
const files = cache ? protoFiles(cache, release) : [];
const skip = !cache ? 'no Go toolchain (go env GOMODCACHE)' : files.some((f) => !existsSync(f)) ? `k8s.io/api@${release} is not in the Go module cache (build the real server: node scripts/kube-apiserver.mjs build)` : false;
if (skip) process.stderr.write(`# SKIP ${skip}\n`);

test('src/server/protos.json is the generated.proto field tables of the real server\'s release', { skip }, () => {
  const text = JSON.stringify({ source: `k8s.io/api and k8s.io/apimachinery ${release} generated.proto (test/conformance/protos.test.ts; REFRESH_PROTOS=1 rewrites)`, messages: protoTable(files) }, null, 1) + '\n';
  if (process.env.REFRESH_PROTOS === '1') writeFileSync(FILE, text);
  assert.equal(readFileSync(FILE, 'utf8'), text, 'src/server/protos.json differs (REFRESH_PROTOS=1 rewrites it)');
});
