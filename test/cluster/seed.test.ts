// End to end: the seed walkthrough ("Control Egress TCP Traffic") with the built CLI, every run a
// process of its own as a user runs it, against each server of the run (`egressctl serve` and the
// real kube-apiserver): the heredoc create through a
// shell, get, get -o yaml, delete -n default; and the partial failures around it (an existing
// rule among new ones, a missing name among others, an invalid document anywhere in the stream).
// "Nothing reaches the server" is read from serve's request log and the real server's audit log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { CLI, ROOT, type RunResult } from '../helpers/server.ts';
import { forEachServer, type Cluster } from '../helpers/cluster.ts';

const SEED = readFileSync(join(ROOT, 'fixtures/seed/wikipedia-rules.yaml'), 'utf8');
const NAMES = [1, 2, 3, 4, 5].map((i) => `wikipedia-range${i}`);

/** Runs a shell script as the seed types it, with `egressctl` on PATH-like alias. */
function sh(script: string, env: Record<string, string>): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

function rule(name: string, service: string, extra = ''): string {
  return `kind: EgressRule\nmetadata:\n  name: ${name}\n${extra}spec:\n  destination:\n    service: ${service}\n  ports:\n  - port: 443\n    protocol: tcp\n`;
}

function storedNames(server: Cluster, ns = 'default'): Promise<string[]> {
  return server.names(`/apis/config.istio.io/v1alpha2/namespaces/${ns}/egressrules`);
}

forEachServer('the seed walkthrough', (server) => {
  const egressctl = server.egressctl.bind(server);

  test('cat <<EOF | egressctl create -f - creates the five rules, in input order', async () => {
    const r = await sh(`cat <<EOF | "${process.execPath}" "${CLI}" create -f -\n${SEED}EOF\n`, server.env);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 5);
    lines.forEach((l, i) => assert.match(l, new RegExp(`^Created config egress-rule/default/${NAMES[i]} at revision \\d+$`)));
    assert.deepEqual(await storedNames(server), NAMES);
    const stored = await server.get('/apis/config.istio.io/v1alpha2/namespaces/default/egressrules/wikipedia-range1');
    assert.deepEqual(stored.spec, { destination: { service: '91.198.174.192/27' }, ports: [{ port: 443, protocol: 'tcp' }] });
    assert.equal(stored.apiVersion, 'config.istio.io/v1alpha2');
    // the revision printed is the stored one
    assert.equal(lines[0], `Created config egress-rule/default/wikipedia-range1 at revision ${stored.metadata.resourceVersion}`);
  });

  test('egressctl get egressrules: the short table, sorted', async () => {
    const r = await egressctl(['get', 'egressrules']);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    const expected = ['NAME               KIND                                  NAMESPACE', ...NAMES.map((n) => `${n}   EgressRule.v1alpha2.config.istio.io   default`)];
    assert.equal(r.stdout, expected.join('\n') + '\n');
  });

  test('get -o yaml: each object followed by ---; -o json: a List; -o name; -o wide', async () => {
    const y = await egressctl(['get', 'egressrules', '-o', 'yaml']);
    assert.equal(y.code, 0);
    const docs = y.stdout.split(/^---$/m).map((d) => d.trim()).filter(Boolean);
    assert.equal(docs.length, 5);
    assert.ok(y.stdout.endsWith('---\n'));
    assert.deepEqual(docs.map((d) => (yaml.load(d) as any).metadata.name), NAMES);
    const j = await egressctl(['get', 'egressrule', '-o', 'json']);
    const list = JSON.parse(j.stdout);
    assert.equal(list.kind, 'List');
    assert.deepEqual(list.items.map((o: any) => o.metadata.name), NAMES);
    const n = await egressctl(['get', 'EgressRules.config.istio.io', '-o', 'name']);
    assert.equal(n.stdout, NAMES.map((x) => `egressrule.config.istio.io/${x}\n`).join(''));
    const w = await egressctl(['get', 'egress-rules', '-o', 'wide']);
    assert.match(w.stdout.split('\n')[0]!, /^NAME\s+KIND\s+NAMESPACE\s+DESTINATION\s+PORTS\s+AGE$/);
    assert.match(w.stdout.split('\n')[1]!, /^wikipedia-range1\s+EgressRule\.v1alpha2\.config\.istio\.io\s+default\s+91\.198\.174\.192\/27\s+443\/TCP\s+\d+s$/);
  });

  test('get reads large collections in pages (limit/continue) and filters with -l', async () => {
    await server.clearRequests();
    const r = await egressctl(['get', 'egressrules', '-o', 'name', '--chunk-size', '2']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, NAMES.map((n) => `egressrule.config.istio.io/${n}\n`).join(''));
    const gets = (await server.requests()).filter((q) => q.method === 'GET');
    assert.equal(gets.length, 3);
    assert.ok(gets.every((q) => /(^|&)limit=2(&|$)/.test(q.query)));
    assert.ok(gets.slice(1).every((q) => /(^|&)continue=/.test(q.query)));
    const c = await egressctl(['create', '-f', '-'], { input: rule('labelled', '10.20.0.0/16', '  labels:\n    team: net\n') });
    assert.equal(c.code, 0, c.stderr);
    const l = await egressctl(['get', 'egressrules', '-l', 'team=net', '-o', 'name']);
    assert.equal(l.stdout, 'egressrule.config.istio.io/labelled\n');
    const d = await egressctl(['delete', 'egressrule', 'labelled']);
    assert.equal(d.code, 0, d.stderr);
  });

  test('create of an existing rule among new ones: the others are created, the failure reported, exit 1', async () => {
    const input = [rule('wikipedia-range6', '10.1.0.0/16'), rule('wikipedia-range2', '103.102.166.224/27'), rule('wikipedia-range7', '10.2.0.0/16')].join('---\n');
    const r = await egressctl(['create', '-f', '-'], { input });
    assert.equal(r.code, 1);
    const out = r.stdout.trimEnd().split('\n');
    assert.equal(out.length, 2);
    assert.match(out[0]!, /^Created config egress-rule\/default\/wikipedia-range6 at revision \d+$/);
    assert.match(out[1]!, /^Created config egress-rule\/default\/wikipedia-range7 at revision \d+$/);
    assert.equal(
      r.stderr,
      'Error from server (AlreadyExists): egressrules.config.istio.io "wikipedia-range2" already exists\n' +
        'error: 1 of 3 objects were not created: wikipedia-range2 (AlreadyExists)\n',
    );
    assert.deepEqual(await storedNames(server), [...NAMES, 'wikipedia-range6', 'wikipedia-range7'].sort());
  });

  test('delete of a missing name among others: the rest deleted, the failure reported, exit 1', async () => {
    const r = await egressctl(['delete', 'egressrule', 'wikipedia-range6', 'no-such-rule', 'wikipedia-range7', '-n', 'default']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, 'Deleted config: egressrule wikipedia-range6\nDeleted config: egressrule wikipedia-range7\n');
    assert.equal(r.stderr, 'Error from server (NotFound): egressrules.config.istio.io "no-such-rule" not found\nerror: 1 of 3 objects were not deleted: no-such-rule (NotFound)\n');
    assert.deepEqual(await storedNames(server), NAMES);
  });

  test('an invalid document anywhere in the stream: nothing reaches the server', async () => {
    await server.clearRequests();
    const input = [rule('fresh-1', '10.3.0.0/16'), rule('fresh-2', '10.4.0.0/16'), rule('fresh-3', '10.5.0/16'), rule('fresh-4', '10.6.0.0/16')].join('---\n');
    for (const cmd of ['create', 'apply', 'replace']) {
      const r = await egressctl([cmd, '-f', '-'], { input });
      assert.equal(r.code, 1, cmd);
      assert.equal(r.stdout, '', cmd);
      assert.match(r.stderr, /^error: <stdin>: document 3 \(line \d+\): .*10\.5\.0\/16/m, cmd);
    }
    const d = await egressctl(['delete', '-f', '-'], { input });
    assert.equal(d.code, 1);
    assert.deepEqual(await server.requests(), []);
    assert.deepEqual(await storedNames(server), NAMES);
  });

  test('the seed cleanup: egressctl delete egressrule wikipedia-range1 ... wikipedia-range5 -n default', async () => {
    const r = await egressctl(['delete', 'egressrule', ...NAMES, '-n', 'default']);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal(r.stdout, NAMES.map((n) => `Deleted config: egressrule ${n}\n`).join(''));
    assert.deepEqual(await storedNames(server), []);
  });

  test('get of an empty namespace: No resources found. on stderr, exit 0', async () => {
    const r = await egressctl(['get', 'egressrules']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'No resources found.\n');
    const ks = await egressctl(['get', 'egressrules', '-n', 'kube-system', '-o', 'yaml']);
    assert.equal(ks.code, 0);
    assert.equal(ks.stdout, '');
    assert.equal(ks.stderr, 'No resources found.\n');
  });

  test('delete egressrule NAME without -n works (the context namespace), and delete -f names the objects', async () => {
    const c = await egressctl(['create', '-f', '-'], { input: rule('solo', '10.9.0.0/16') });
    assert.equal(c.code, 0, c.stderr);
    const d = await egressctl(['delete', 'EgressRule', 'solo']);
    assert.equal(d.stdout, 'Deleted config: EgressRule solo\n');
    assert.equal(d.code, 0);
    await egressctl(['create', '-f', join(ROOT, 'fixtures/seed/wikipedia-rules.yaml')]);
    const f = await egressctl(['delete', '-f', join(ROOT, 'fixtures/seed/wikipedia-rules.yaml')]);
    assert.equal(f.code, 0, f.stderr);
    assert.equal(f.stdout, NAMES.map((n) => `Deleted config: egress-rule/default/${n}\n`).join(''));
  });

  test('namespaces: -n > metadata.namespace > context; a conflicting -n names both and sends nothing', async () => {
    await server.clearRequests();
    const conflict = await egressctl(['create', '-f', '-', '-n', 'default'], { input: rule('ns-rule', '10.7.0.0/16', '  namespace: istio-system\n') });
    assert.equal(conflict.code, 1);
    assert.match(conflict.stderr, /"istio-system".*"default"/);
    assert.deepEqual(await server.requests(), []);
    const ok = await egressctl(['create', '-f', '-'], { input: rule('ns-rule', '10.7.0.0/16', '  namespace: istio-system\n') });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^Created config egress-rule\/istio-system\/ns-rule at revision \d+\n$/);
    const all = await egressctl(['get', 'egressrules', '-A']);
    assert.match(all.stdout, /ns-rule\s+EgressRule\.v1alpha2\.config\.istio\.io\s+istio-system/);
    const d = await egressctl(['delete', 'egressrules', 'ns-rule', '-n', 'istio-system', '-o', 'name']);
    assert.equal(d.stdout, 'egressrule.config.istio.io/ns-rule\n');
  });

  test('--dry-run=client sends nothing; --dry-run=server stores nothing', async () => {
    await server.clearRequests();
    const c = await egressctl(['create', '-f', '-', '--dry-run=client'], { input: rule('dry', '10.8.0.0/16') });
    assert.equal(c.code, 0, c.stderr);
    const obj = yaml.load(c.stdout.split(/^---$/m)[0]!) as any;
    assert.deepEqual(obj, { apiVersion: 'config.istio.io/v1alpha2', kind: 'EgressRule', metadata: { name: 'dry', namespace: 'default' }, spec: { destination: { service: '10.8.0.0/16' }, ports: [{ port: 443, protocol: 'tcp' }] } });
    assert.deepEqual(await server.requests(), []);
    const s = await egressctl(['create', '-f', '-', '--dry-run=server'], { input: rule('dry', '10.8.0.0/16') });
    assert.equal(s.code, 0, s.stderr);
    assert.equal(s.stdout, 'Created config egress-rule/default/dry (server dry run)\n');
    const reqs = await server.requests();
    assert.equal(reqs.length, 1);
    assert.match(reqs[0]!.query, /dryRun=All/);
    assert.deepEqual(await storedNames(server), []);
  });
}, { process: true });
