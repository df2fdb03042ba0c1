// End to end and unit: a NAME or -n that is not a valid Kubernetes name never reaches a URL.
// `delete egressrule .` used to DELETE /namespaces/default/egressrules/ (new URL() collapses
// `/./`), i.e. the whole collection. Both layers are tested: the commands' validate step (no I/O),
// and the client's path building (the last guard). End to end on each server of the run: the
// request log (serve's, or the real server's audit log) shows that nothing was sent.
import { before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/server.ts';
import { forEachServer } from '../helpers/cluster.ts';
import { pathSegment } from '../../src/cluster/client.ts';
import { UnsafePathError } from '../../src/cluster/errors.ts';

const SEED_FILE = join(ROOT, 'fixtures/seed/wikipedia-rules.yaml');
const SEED = readFileSync(SEED_FILE, 'utf8');
const NAMES = [1, 2, 3, 4, 5].map((i) => `wikipedia-range${i}`);
const COLLECTION = '/apis/config.istio.io/v1alpha2/namespaces/default/egressrules';

forEachServer('names and namespaces that are not path segments', (server) => {
  before(async () => {
    const c = await server.egressctl(['create', '-f', '-'], { input: SEED });
    assert.equal(c.code, 0, c.stderr);
  });
  beforeEach(() => server.clearRequests());

  async function stored(): Promise<string[]> {
    return (await server.get(COLLECTION)).items.map((o: any) => o.metadata.name).sort();
  }

  test('delete egressrule . and .. are refused; every rule is still there; nothing sent', async () => {
    for (const name of ['.', '..']) {
      const r = await server.egressctl(['delete', 'egressrule', name]);
      assert.equal(r.code, 1, `${name}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `error: invalid resource name "${name}": [may not be '${name}']\n`);
    }
    const mixed = await server.egressctl(['delete', 'egressrule', 'wikipedia-range1', '..', '-n', 'default']);
    assert.equal(mixed.code, 1);
    assert.deepEqual(await server.requests(), []);
    assert.deepEqual(await stored(), NAMES);
  });

  test('other bad names and namespaces are refused before any request', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['get', 'egressrule', '.'], /^error: invalid resource name "\.": \[may not be '\.'\]\n$/],
      [['get', 'egressrule', 'a/b'], /^error: invalid resource name "a\/b": \[may not contain '\/'\]\n$/],
      [['get', 'egressrule', 'Upper_case'], /^error: invalid resource name "Upper_case": a lowercase RFC 1123 subdomain/],
      [['delete', 'egressrule', ''], /^error: invalid resource name "": /],
      [['get', 'egressrules', '-n', '..'], /^error: invalid namespace "\.\.": \[may not be '\.\.'\]\n$/],
      [['delete', 'egressrule', 'wikipedia-range1', '-n', '.'], /^error: invalid namespace "\.": /],
      [['create', '-f', SEED_FILE, '-n', '..'], /^error: invalid namespace "\.\.": /],
      [['apply', '-f', SEED_FILE, '-n', 'a.b'], /^error: invalid namespace "a\.b": a lowercase RFC 1123 label/],
      [['replace', '-f', SEED_FILE, '-n', 'Default'], /^error: invalid namespace "Default": /],
    ];
    for (const [args, message] of cases) {
      const r = await server.egressctl(args);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '', args.join(' '));
      assert.match(r.stderr, message, args.join(' '));
    }
    assert.deepEqual(await server.requests(), []);
    assert.deepEqual(await stored(), NAMES);
  });

  test('-n "" means -n not given: the context namespace, as kubectl', async () => {
    const r = await server.egressctl(['get', 'egressrule', 'wikipedia-range1', '-n', '', '-o', 'name']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'egressrule.config.istio.io/wikipedia-range1\n');
  });
});

test('the client never builds a path from an empty, ".", ".." or "/" name or namespace', () => {
  for (const bad of ['', '.', '..', 'a/b', '/', '../x']) {
    assert.throws(() => pathSegment('name', bad), UnsafePathError, JSON.stringify(bad));
    assert.throws(() => pathSegment('namespace', bad), UnsafePathError, JSON.stringify(bad));
  }
  assert.equal(pathSegment('name', 'wikipedia-range1'), 'wikipedia-range1');
  assert.equal(pathSegment('name', 'a.b'), 'a.b');
});
