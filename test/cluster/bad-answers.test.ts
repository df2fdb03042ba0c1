// End to end against a stub API server (node:http on 127.0.0.1:0): answers that are not what the
// API promises are reported as such, never as `No resources found.` or an internal error; a write
// answered that way may have been carried out, so it is reported as unknown and the summary
// follows. A `continue` token handed back twice ends the listing with an error, not a loop.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, egressctl } from '../helpers/server.ts';
import { listProblem, objectProblem } from '../../src/cluster/client.ts';

const SEED = join(ROOT, 'fixtures/seed/wikipedia-rules.yaml');
const COLLECTION = '/apis/config.istio.io/v1alpha2/namespaces/default/egressrules';
const HTML = '<html><body>Sign in to the corporate proxy</body></html>';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

describe('a server whose answers are not Kubernetes answers', () => {
  let stub: http.Server;
  let handler: Handler;
  let requests: Array<{ method: string; url: string }>;
  let dir: string;
  let env: Record<string, string>;
  let origin: string;
  before(async () => {
    stub = http.createServer((req, res) => {
      requests.push({ method: req.method!, url: req.url! });
      req.resume();
      req.on('end', () => handler(req, res));
    });
    await new Promise<void>((r) => stub.listen(0, '127.0.0.1', () => r()));
    origin = `http://127.0.0.1:${(stub.address() as { port: number }).port}`;
    dir = mkdtempSync(join(tmpdir(), 'egressctl-bad-answers-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: stub\n  cluster:\n    server: ${origin}\nusers:\n- name: u\n  user: {}\ncontexts:\n- name: stub\n  context:\n    cluster: stub\n    user: u\ncurrent-context: stub\n`,
    );
    env = { KUBECONFIG: kubeconfig, NO_COLOR: '1' };
  });
  after(async () => {
    stub.closeAllConnections();
    await new Promise<void>((r) => stub.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    requests = [];
  });

  const answer = (status: number, body: string, type = 'application/json'): Handler => (_req, res) => {
    res.writeHead(status, { 'Content-Type': type });
    res.end(body);
  };

  test('get: an HTML page, {"items":5}, items with null: "not an EgressRuleList", exit 1', async () => {
    const cases: Array<[Handler, string]> = [
      [answer(200, HTML, 'text/html'), `the answer is an HTML or XML page of ${HTML.length} bytes`],
      [answer(200, '{"items":5}'), 'its items are a number, not an array'],
      [answer(200, '{"items":[null]}'), 'item 0 is null'],
      [answer(200, '{"items":[{"metadata":{"name":"a"}}]}'), 'item 0 has no metadata.namespace'],
      [answer(200, ''), 'the answer is an empty body'],
    ];
    for (const [h, problem] of cases) {
      handler = h;
      const r = await egressctl(['get', 'egressrules'], { env });
      assert.equal(r.code, 1, problem);
      assert.equal(r.stdout, '', problem);
      assert.equal(r.stderr, `error: the server's answer to GET ${origin}${COLLECTION}?limit=500 is not an EgressRuleList (${problem})\n`);
    }
  });

  test('get NAME: an HTML page is not an EgressRule', async () => {
    handler = answer(200, HTML, 'text/html');
    const r = await egressctl(['get', 'egressrule', 'wikipedia-range1'], { env });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `error: the server's answer to GET ${origin}${COLLECTION}/wikipedia-range1 is not an EgressRule (the answer is an HTML or XML page of ${HTML.length} bytes)\n`);
  });

  test('create answered with 200 HTML or 201 {}: unknown (it may have been created), then the summary', async () => {
    for (const [h, problem] of [
      [answer(200, HTML, 'text/html'), `the answer is an HTML or XML page of ${HTML.length} bytes`],
      [answer(201, '{}'), 'the answer has no metadata'],
    ] as Array<[Handler, string]>) {
      requests = [];
      handler = h;
      const r = await egressctl(['create', '-f', SEED, '--concurrency', '1'], { env });
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.equal(
        r.stderr,
        'error: wikipedia-range1: unknown, the server answered but not with an EgressRule; it may have been created\n' +
          `error: the server's answer to POST ${origin}${COLLECTION} is not an EgressRule (${problem})\n` +
          'error: 4 of 5 objects were not created: wikipedia-range2 (not sent), wikipedia-range3 (not sent), wikipedia-range4 (not sent), wikipedia-range5 (not sent); whether 1 more was created is unknown (the answer was lost and could not be checked; they may have been created): wikipedia-range1 (unreadable answer)\n',
      );
      assert.equal(requests.filter((q) => q.method === 'POST').length, 1, 'no more objects sent to such a server');
    }
  });

  test('a continue token that repeats: an error after the second page, not an endless loop', async () => {
    // After 100 pages the stub ends the list, so a client that loops fails this test instead of hanging it.
    handler = (req, res) =>
      answer(200, JSON.stringify({ kind: 'EgressRuleList', metadata: requests.length < 100 ? { continue: 'x' } : {}, items: [] }))(req, res);
    const r = await egressctl(['get', 'egressrules', '--chunk-size', '1'], { env });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `error: the server's answer to GET ${origin}${COLLECTION} is not a finite list (page 2 hands back the continue token of an earlier page, so the list would never end)\n`);
    assert.equal(requests.length, 2);
    assert.match(requests[1]!.url, /continue=x/);
  });
});

test('shape checks: lists and stored objects', () => {
  assert.equal(listProblem({ items: [] }), undefined);
  assert.equal(listProblem({ items: [{ metadata: { name: 'a', namespace: 'b', resourceVersion: '1' } }], metadata: { continue: 'c' } }), undefined);
  assert.equal(listProblem('<html>'), 'the answer is an HTML or XML page of 6 bytes');
  assert.equal(listProblem({ items: [{ metadata: { name: 'a', namespace: 'b', resourceVersion: '1' } }], metadata: { continue: 5 } }), 'its metadata.continue is not a string');
  assert.equal(objectProblem({ metadata: { name: 'a', namespace: 'b', resourceVersion: '1' } }), undefined);
  assert.equal(objectProblem({ metadata: { name: 'a', namespace: 'b' } }), 'the answer has no metadata.resourceVersion');
  assert.equal(objectProblem({ metadata: { name: 'a', namespace: 'b' } }, 'the answer', false), undefined);
  assert.equal(objectProblem([]), 'the answer is an array');
});
