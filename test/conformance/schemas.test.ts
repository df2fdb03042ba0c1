// What serve takes from the real kube-apiserver as data, checked here against it:
// src/server/schemas.json, what /openapi/v3 says of serve's built-in kinds (patch merge keys and
// strategies, list types, defaults, fields; descriptions left out), and src/server/columns.json,
// the Table columns kube-apiserver prints each built-in kind with. REFRESH_SCHEMAS=1 rewrites both
// from the real server, to be reviewed like golden files.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, request } from '../helpers/server.ts';
import { BUILTIN_GROUPS, groupVersion, typeKey } from '../../src/server/resources.ts';
import { startKubeApiserver, type KubeApiserver } from '../helpers/kube-apiserver.ts';
import { realServerSkipReason } from '../helpers/cluster.ts';
import { schemaRoots, stripSchemas } from './schemas.ts';

const FILE = join(ROOT, 'src/server/schemas.json');
const COLUMNS = join(ROOT, 'src/server/columns.json');
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

describe('src/server/schemas.json against the real kube-apiserver', { skip: realServerSkipReason() }, () => {
  let real: KubeApiserver;
  before(async () => {
    real = await startKubeApiserver({ crds: [] });
  });
  after(() => real?.stop());

  test('the stripped /openapi/v3 components of every built-in kind serve holds are the real server\'s', async () => {
    const roots = schemaRoots();
    const docs = new Map<string, unknown>();
    for (const doc of roots.keys()) docs.set(doc, await real.get(`/openapi/v3/${doc}`));
    const fresh = { source: `kube-apiserver ${(await real.get('/version')).gitVersion} /openapi/v3, descriptions removed (test/conformance/schemas.test.ts; REFRESH_SCHEMAS=1 rewrites)`, schemas: stripSchemas(docs, roots) };
    const text = JSON.stringify(fresh, null, 1) + '\n';
    if (process.env.REFRESH_SCHEMAS === '1') writeFileSync(FILE, text);
    assert.equal(readFileSync(FILE, 'utf8'), text, 'src/server/schemas.json differs from the real server (REFRESH_SCHEMAS=1 rewrites it)');
  });

  test('the Table columns of every built-in kind serve lists are the real server\'s', async () => {
    const columns: Record<string, unknown> = {};
    for (const gv of BUILTIN_GROUPS) {
      for (const t of gv.types) {
        if (t.review || t.storedAs || columns[typeKey(t)]) continue;
        const path = `${groupVersion(t) === 'v1' ? '/api' : '/apis'}/${groupVersion(t)}/${t.plural}`;
        const r = await request(real, 'GET', path, { headers: { Accept: TABLE } });
        assert.equal(r.status, 200, `${path}: ${r.body}`);
        columns[typeKey(t)] = r.json().columnDefinitions;
      }
    }
    const text = JSON.stringify({ source: 'kube-apiserver Table columnDefinitions (test/conformance/schemas.test.ts; REFRESH_SCHEMAS=1 rewrites)', columns }, null, 1) + '\n';
    if (process.env.REFRESH_SCHEMAS === '1') writeFileSync(COLUMNS, text);
    assert.equal(readFileSync(COLUMNS, 'utf8'), text, 'src/server/columns.json differs from the real server (REFRESH_SCHEMAS=1 rewrites it)');
  });
});
