// Unit tests, no server: option completion and validation of the cluster commands (on buffers,
// through the real program), TYPE aliases, durations, printers, the kubeconfig reader, and the
// transport's retries against an in-process HTTP server.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { runCli } from '../helpers/run.ts';
import { completeWrite, validateWrite } from '../../src/commands/create.ts';
import { completeDelete, validateDelete } from '../../src/commands/delete.ts';
import { completeGet, validateGet } from '../../src/commands/get.ts';
import { withNamespace } from '../../src/commands/read-objects.ts';
import { kindForType, KINDS } from '../../src/core/kinds/registry.ts';
import { EGRESS_RULE } from '../../src/core/kinds/egressrule.ts';
import { CommandError, UsageError } from '../../src/core/errors.ts';
import { parseDuration } from '../../src/cluster/duration.ts';
import { formatTable } from '../../src/print/table.ts';
import { humanDuration } from '../../src/print/age.ts';
import { makeListPrinter, makeResultPrinter, sortObjects } from '../../src/print/objects.ts';
import { loadLiteKubeconfig, needsClientNode, staticCredentials } from '../../src/cluster/kubeconfig-lite.ts';
import { ApiError, describeError } from '../../src/cluster/errors.ts';
import { DEFAULT_RETRY, Transport, redactHeaders } from '../../src/cluster/transport.ts';
import { retryPolicy } from '../../src/cluster/client.ts';
import { makeContext } from '../../src/commands/common.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('usage: exit 2 with the usage line, before any I/O', () => {
  const cases: Array<[string[], RegExp]> = [
    [['create', 'x', '-f', '-'], /^error: create takes no arguments\nUsage: egressctl create /],
    [['create'], /^error: filename not specified \(see --filename or -f\)\nUsage: egressctl create /],
    [['replace', 'a', '-f', 'x'], /^error: replace takes no arguments\n/],
    [['apply'], /^error: filename not specified/],
    [['delete', 'egressrule'], /^error: provide configuration type and name or -f option\nUsage: egressctl delete /],
    [['delete'], /^error: provide configuration type and name or -f option\n/],
    [['delete', 'egressrule', 'x', '-f', 'y'], /^error: delete takes no arguments when the file option is used\n/],
    [['get'], /^error: you must specify the type of resource to get/],
    [['get', 'egressrules', '-o', 'table'], /^error: unknown output format "table"/],
    [['create', '-f', '-', '--concurrency', '0'], /^error: --concurrency must be between 1 and 256/],
    [['create', '-f', '-', '--dry-run=maybe'], /^error: invalid --dry-run value "maybe"/],
    [['get', 'egressrules', '--request-timeout', 'soon'], /^error: invalid --request-timeout "soon"/],
    [['get', 'egressrules', 'x', '-A'], /^error: a resource cannot be retrieved by name across all namespaces/],
  ];
  for (const [args, re] of cases) {
    test(args.join(' '), async () => {
      const r = await runCli(args, { env: { NO_COLOR: '1', KUBECONFIG: '/nonexistent' } });
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, re);
    });
  }

  test('an unknown TYPE lists the known ones, a usage error (exit 2) like every other bad argument, and nothing is read', async () => {
    for (const verb of ['delete', 'get']) {
      const r = await runCli([verb, 'foo', 'x'], { env: { NO_COLOR: '1', KUBECONFIG: '/nonexistent' } });
      assert.equal(r.code, 2, verb);
      assert.match(r.stderr, /^error: configuration type foo not found, the types are egressrule, egressrules, routerule, routerules, destinationpolicy, destinationpolicies, serviceentry, serviceentries, virtualservice, virtualservices, destinationrule, destinationrules, gateway, gateways\nUsage: egressctl (delete|get) /);
    }
  });

  test('empty input: no objects passed to create', async () => {
    const r = await runCli(['create', '-f', '-'], { stdin: '# nothing\n---\n', env: { NO_COLOR: '1', KUBECONFIG: '/nonexistent' } });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'error: <stdin>: no objects passed to create\n');
  });

  test('the three steps called directly', () => {
    const o = completeWrite({ filename: ['a.yaml'], dryRun: true, output: 'json', concurrency: 4 }, []);
    assert.deepEqual([o.dryRun, o.output, o.concurrency], ['client', 'json', 4]);
    validateWrite(o, 'create');
    assert.throws(() => validateWrite({ ...o, dryRun: 'none' }, 'create'), UsageError);
    const d = completeDelete({ namespace: 'default' }, ['EGRESS-RULES', 'a', 'b']);
    assert.deepEqual([d.type, d.names], ['EGRESS-RULES', ['a', 'b']]);
    validateDelete(d);
    assert.throws(() => validateGet(completeGet({}, ['services'])), UsageError);
  });
});

test('TYPE aliases from the registry, case-insensitive: istioctl\'s names and kubectl\'s forms', () => {
  const kindOf = (t: string) => kindForType(t)?.kind;
  for (const t of ['egressrule', 'egressrules', 'egress-rule', 'egress-rules', 'EgressRule', 'egressrules.config.istio.io', 'egressrule.config.istio.io', 'EGRESSRULES', 'Egress-Rule']) assert.equal(kindOf(t), 'EgressRule', t);
  for (const t of ['routerule', 'RouteRules', 'route-rule', 'route-rules', 'routerules.config.istio.io']) assert.equal(kindOf(t), 'RouteRule', t);
  for (const t of ['destinationpolicy', 'destinationpolicies', 'destination-policy', 'destination-policies', 'DestinationPolicy', 'destinationpolicies.config.istio.io']) assert.equal(kindOf(t), 'DestinationPolicy', t);
  for (const t of ['serviceentry', 'serviceentries', 'se', 'ServiceEntry', 'serviceentries.networking.istio.io']) assert.equal(kindOf(t), 'ServiceEntry', t);
  for (const [t, k] of [['vs', 'VirtualService'], ['dr', 'DestinationRule'], ['gw', 'Gateway'], ['gateways.networking.istio.io', 'Gateway']]) assert.equal(kindOf(t), k, t);
  for (const t of ['egress', 'rules', 'egressrules.networking.istio.io', 'service-entry', 'pods']) assert.equal(kindOf(t), undefined, t);
  // No spelling names two kinds.
  const owner = new Map<string, string>();
  for (const k of KINDS) {
    for (const x of [k.kind, k.plural, k.singular, ...(k.shortNames ?? [])].map((y) => y.toLowerCase())) {
      assert.ok(!owner.has(x) || owner.get(x) === k.kind, `${x} names ${owner.get(x)} and ${k.kind}`);
      owner.set(x, k.kind);
    }
  }
});

test('namespace: -n > metadata.namespace > context', () => {
  const obj = { apiVersion: 'config.istio.io/v1alpha2' as const, kind: 'EgressRule' as const, metadata: { name: 'x' }, spec: { destination: { service: 'a.com' }, ports: [{ port: 80, protocol: 'http' }] } };
  assert.equal(withNamespace(obj, 'flag', 'ctx').metadata.namespace, 'flag');
  assert.equal(withNamespace({ ...obj, metadata: { name: 'x', namespace: 'own' } }, undefined, 'ctx').metadata.namespace, 'own');
  assert.equal(withNamespace(obj, undefined, 'ctx').metadata.namespace, 'ctx');
  assert.equal((obj.metadata as { namespace?: string }).namespace, undefined, 'the input object is not changed');
});

test('durations as kubectl takes them', () => {
  assert.equal(parseDuration('0'), 0);
  assert.equal(parseDuration('30'), 30_000);
  assert.equal(parseDuration('30s'), 30_000);
  assert.equal(parseDuration('1m30s'), 90_000);
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('soon'), undefined);
  assert.equal(parseDuration('-1s'), undefined);
});

test('tables and ages as kubectl/istioctl print them', () => {
  assert.equal(formatTable([['NAME', 'KIND'], ['a', 'K']]), 'NAME      KIND\na         K\n');
  assert.equal(formatTable([['NAME', 'X'], ['wikipedia-range1', 'y']]), 'NAME               X\nwikipedia-range1   y\n');
  assert.equal(humanDuration(5_000), '5s');
  assert.equal(humanDuration(150_000), '2m30s');
  assert.equal(humanDuration(3 * 3600_000 + 60_000), '3h1m');
  assert.equal(humanDuration(50 * 3600_000), '2d2h');
});

test('printers', () => {
  const rules = sortObjects([
    { metadata: { name: 'b', namespace: 'x', resourceVersion: '2' }, spec: { destination: { service: '1.2.3.0/24' }, ports: [{ port: 443, protocol: 'tcp' }] } },
    { metadata: { name: 'a', namespace: 'y', resourceVersion: '3' } },
    { metadata: { name: 'a', namespace: 'x', resourceVersion: '1' } },
  ]);
  assert.deepEqual(rules.map((r) => `${r.metadata.namespace}/${r.metadata.name}`), ['x/a', 'x/b', 'y/a']);
  assert.equal(makeListPrinter('name', EGRESS_RULE).print(rules), 'egressrule.config.istio.io/a\negressrule.config.istio.io/b\negressrule.config.istio.io/a\n');
  assert.equal(makeListPrinter('yaml', EGRESS_RULE).print([rules[0]!]), 'metadata:\n  name: a\n  namespace: x\n  resourceVersion: "1"\n---\n');
  assert.equal(JSON.parse(makeListPrinter('json', EGRESS_RULE).print(rules)).kind, 'List');
  assert.equal(makeListPrinter('short', EGRESS_RULE).empty(), undefined);
  const p = makeResultPrinter('default');
  assert.equal(p.created(EGRESS_RULE, rules[1]!, false), 'Created config egress-rule/x/b at revision 2\n');
  assert.equal(p.updated(EGRESS_RULE, rules[1]!, false), 'Updated config egress-rule/x/b to revision 2\n');
  assert.equal(p.deletedByName(EGRESS_RULE, 'egressrule', 'b', false), 'Deleted config: egressrule b\n');
  assert.equal(p.deletedObject(EGRESS_RULE, 'x', 'b', false), 'Deleted config: egress-rule/x/b\n');
  assert.equal(makeResultPrinter('name').created(EGRESS_RULE, rules[1]!, false), 'egressrule.config.istio.io/b\n');
});

test('errors as kubectl words them', () => {
  const e = new ApiError(409, { kind: 'Status', message: 'egressrules.config.istio.io "wikipedia-range1" already exists', reason: 'AlreadyExists', details: { name: 'wikipedia-range1', kind: 'egressrules' } }, 'POST', '/x', 'https://h');
  assert.equal(describeError(e), 'Error from server (AlreadyExists): egressrules.config.istio.io "wikipedia-range1" already exists');
  const missing = new ApiError(404, { kind: 'Status', message: 'the server could not find the requested resource', reason: 'NotFound' }, 'GET', '/x', 'https://h');
  assert.ok(missing.missingResource && missing.fatal);
  const notFound = new ApiError(404, { kind: 'Status', message: 'x', reason: 'NotFound', details: { name: 'a', kind: 'egressrules' } }, 'GET', '/x', 'https://h');
  assert.ok(!notFound.missingResource && !notFound.fatal);
});

describe('kubeconfig', () => {
  const dir = tempDir('egressctl-kc-');
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  writeFileSync(a, 'clusters: [{name: c1, cluster: {server: "https://one:6443", certificate-authority: ca.pem}}]\nusers: [{name: u1, user: {token: secret-token}}]\ncontexts: [{name: x1, context: {cluster: c1, user: u1, namespace: team}}]\ncurrent-context: x1\n');
  writeFileSync(b, 'clusters: [{name: c1, cluster: {server: "https://ignored:1"}}, {name: c2, cluster: {server: "https://two:6443", insecure-skip-tls-verify: true}}]\nusers: [{name: u2, user: {username: bob, password: pw}}, {name: u3, user: {exec: {command: x}}}]\ncontexts: [{name: x2, context: {cluster: c2, user: u2}}, {name: x3, context: {cluster: c2, user: u3}}]\ncurrent-context: x2\n');
  const env = (KUBECONFIG: string) => ({ KUBECONFIG, HOME: dir });

  test('KUBECONFIG files are merged, the first to define a name winning; the context namespace is read', () => {
    const k = loadLiteKubeconfig({ env: env(`${a}:${b}:${join(dir, 'missing')}`), cwd: dir });
    assert.equal(k.kind, 'files');
    if (k.kind !== 'files') return;
    assert.equal(k.contextName, 'x1');
    assert.equal(k.namespace, 'team');
    assert.equal(k.cluster.server, 'https://one:6443');
    assert.equal(k.cluster.caFile, join(dir, 'ca.pem'));
    assert.ok(!needsClientNode(k));
  });

  test('--context; basic auth; exec users need client-node; unknown contexts are named', () => {
    const k = loadLiteKubeconfig({ env: env(`${a}:${b}`), cwd: dir, context: 'x2' });
    assert.ok(k.kind === 'files');
    if (k.kind !== 'files') return;
    assert.equal(staticCredentials(k).headers.Authorization, `Basic ${Buffer.from('bob:pw').toString('base64')}`);
    assert.equal(staticCredentials(k).rejectUnauthorized, false);
    assert.ok(needsClientNode(loadLiteKubeconfig({ env: env(`${a}:${b}`), cwd: dir, context: 'x3' })));
    assert.throws(() => loadLiteKubeconfig({ env: env(a), cwd: dir, context: 'nope' }), /context "nope" not found in the kubeconfig .*; contexts: x1/);
    assert.throws(() => loadLiteKubeconfig({ env: env(''), cwd: dir, kubeconfig: 'nope.yaml' }), /the kubeconfig file "nope.yaml" given with --kubeconfig does not exist/);
  });

  test('the in-cluster service account, through client-node', async () => {
    const root = join(dir, 'pod');
    mkdirSync(join(root, 'var/run/secrets/kubernetes.io/serviceaccount'), { recursive: true });
    for (const [f, v] of [['token', 'pod-token'], ['ca.crt', ''], ['namespace', 'workloads']]) writeFileSync(join(root, 'var/run/secrets/kubernetes.io/serviceaccount', f), v);
    const io = { stdin: Readable.from([]), stdout: new PassThrough(), stderr: new PassThrough(), env: { HOME: join(dir, 'nohome'), KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443', EGRESSCTL_INCLUSTER_ROOT: root }, cwd: dir };
    const { connect } = await import('../../src/cluster/client.ts');
    const client = await connect(makeContext(io, {}), { concurrency: 1 });
    assert.equal(client.server, 'https://10.0.0.1');
    assert.equal(client.defaultNamespace, 'workloads');
    client.close();
  });
});

describe('transport', () => {
  async function withServer(handler: http.RequestListener, fn: (url: URL) => Promise<void>) {
    const server = http.createServer(handler);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      await fn(new URL(`http://127.0.0.1:${(server.address() as { port: number }).port}`));
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  }

  test('429 with Retry-After is waited for; 503 retried; a bounded number of attempts; one agent', async () => {
    let calls = 0;
    const sockets = new Set<unknown>();
    await withServer(
      (req, res) => {
        sockets.add(req.socket);
        calls++;
        if (calls === 1) res.writeHead(429, { 'Retry-After': '3', 'Content-Type': 'application/json' }).end('{"kind":"Status","reason":"TooManyRequests"}');
        else if (calls === 2) res.writeHead(503).end();
        else if (req.url!.includes('always')) res.writeHead(503).end();
        else res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
      },
      async (url) => {
        const waits: number[] = [];
        const agent = new http.Agent({ keepAlive: true });
        const t = new Transport({ server: url, agent, headers: {}, timeoutMs: 5000, verbosity: 0, log: () => {}, warn: () => {}, sleep: async (ms) => void waits.push(ms), random: () => 0 });
        const r = await t.send('POST', '/x', { body: { a: 1 } });
        assert.equal(r.status, 200);
        assert.equal(r.attempts, 3);
        assert.equal(r.ambiguous, false, '429 and 503 mean not processed');
        assert.equal(waits[0], 3000);
        waits.length = 0;
        await assert.rejects(t.call('GET', '/always'), (e: unknown) => e instanceof ApiError && e.status === 503 && (e as unknown as { attempts: number }).attempts === 6);
        // The real backoff: 200 ms doubling, capped at 5 s, jittered between half and all of it (random 0: half).
        assert.deepEqual(waits, [100, 200, 400, 800, 1600]);
        assert.equal(sockets.size, 1, 'every request over one kept-alive connection');
        agent.destroy();
      },
    );
  });

  test('EGRESSCTL_RETRY_BASE_DELAY sets the first backoff (Go durations from 0 to 5s); anything else is an error naming it', async () => {
    assert.equal(retryPolicy({}), DEFAULT_RETRY);
    assert.equal(retryPolicy({ EGRESSCTL_RETRY_BASE_DELAY: '' }), DEFAULT_RETRY);
    assert.deepEqual(retryPolicy({ EGRESSCTL_RETRY_BASE_DELAY: '10ms' }), { ...DEFAULT_RETRY, baseDelayMs: 10 });
    assert.equal(retryPolicy({ EGRESSCTL_RETRY_BASE_DELAY: '0' }).baseDelayMs, 0);
    assert.equal(retryPolicy({ EGRESSCTL_RETRY_BASE_DELAY: '1.5s' }).baseDelayMs, 1500);
    assert.equal(retryPolicy({ EGRESSCTL_RETRY_BASE_DELAY: '5s' }).baseDelayMs, 5000);
    for (const bad of ['abc', '-1s', '6s', '10', '1d']) {
      assert.throws(() => retryPolicy({ EGRESSCTL_RETRY_BASE_DELAY: bad }), (e: unknown) => e instanceof CommandError && e.message === `invalid EGRESSCTL_RETRY_BASE_DELAY "${bad}": expected a duration from 0 to 5s, such as 10ms`, bad);
    }
    // Through the program: the policy reaches the transport (each wait is half to all of 10 ms doubling).
    let calls = 0;
    const server = http.createServer((req, res) => {
      calls++;
      res.writeHead(503).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const dir = tempDir('egressctl-retry-');
    try {
      const kubeconfig = join(dir, 'kubeconfig');
      writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:${(server.address() as { port: number }).port}"}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`);
      const started = Date.now();
      const r = await runCli(['get', 'egressrules', '-v', '2'], { env: { KUBECONFIG: kubeconfig, EGRESSCTL_RETRY_BASE_DELAY: '10ms', NO_COLOR: '1' } });
      assert.equal(r.code, 1);
      assert.equal(calls, 6);
      const waits = [...r.stderr.matchAll(/in (\d+) ms\n/g)].map((m) => Number(m[1]));
      assert.equal(waits.length, 5, r.stderr);
      waits.forEach((w, i) => assert.ok(w >= 5 * 2 ** i && w <= 10 * 2 ** i, `wait ${i + 1}: ${w} ms`));
      assert.ok(Date.now() - started < 5000);
      const bad = await runCli(['get', 'egressrules'], { env: { KUBECONFIG: kubeconfig, EGRESSCTL_RETRY_BASE_DELAY: 'soon', NO_COLOR: '1' } });
      assert.equal(bad.code, 1);
      assert.equal(bad.stderr, 'error: invalid EGRESSCTL_RETRY_BASE_DELAY "soon": expected a duration from 0 to 5s, such as 10ms\n');
      assert.equal(calls, 6, 'nothing sent');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('credentials are masked in logs', () => {
    assert.deepEqual(redactHeaders({ Authorization: 'Bearer abc', 'X-Other': 'v', 'Impersonate-User': 'me' }), { Authorization: 'Bearer <masked>', 'X-Other': 'v', 'Impersonate-User': '<masked>' });
  });
});

test('progress: only on a terminal, after the delay, cleared before other output', async () => {
  const { Progress } = await import('../../src/print/progress.ts');
  const tty = Object.assign(new PassThrough(), { isTTY: true });
  let text = '';
  tty.on('data', (c) => (text += c));
  const p = new Progress(tty, 'created', 10, {}, 0);
  p.update(3);
  p.clear();
  assert.equal(text, '\r\x1b[Kcreated: 3/10 (30%)\r\x1b[K');
  const pipe = new PassThrough();
  let piped = '';
  pipe.on('data', (c) => (piped += c));
  const q = new Progress(pipe, 'created', 10, {}, 0);
  q.update(3);
  q.clear();
  const late = new Progress(tty, 'created', 10, {}, 60_000);
  late.update(5);
  await new Promise((r) => setImmediate(r));
  assert.equal(piped, '');
  assert.equal(text, '\r\x1b[Kcreated: 3/10 (30%)\r\x1b[K');
});

test('one TYPE list (TYPE_NAMES) in the help of get and delete, and one --concurrency parser', async () => {
  const { TYPE_HELP } = await import('../../src/commands/type-args.ts');
  const { TYPE_NAMES } = await import('../../src/core/kinds/registry.ts');
  assert.ok(TYPE_HELP.includes(TYPE_NAMES.join(', ')));
  for (const cmd of ['get', 'delete']) {
    const r = await runCli([cmd, '--help']);
    assert.ok((r.stdout + r.stderr).includes(`\n${TYPE_HELP}\n`), `${cmd} --help:\n${r.stdout}`);
  }
  for (const args of [['delete', 'egressrule', 'x'], ['create', '-f', '-'], ['apply', '-f', '-']]) {
    const r = await runCli([...args, '--concurrency', 'lots']);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /^error: invalid value "lots" for --concurrency: not a positive integer\n/, args.join(' '));
  }
});
