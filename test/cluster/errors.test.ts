// End to end: each way of not reaching the cluster gets its own one-line message and exit 1:
// a missing CRD, a wrong token (401), a refused connection, an unknown CA, no kubeconfig at all.
// And no credential ever shows, even at -v=9. What involves a server runs on each server of the
// run (the real one without CRDs is a server of that suite's own).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { findKubeconfig } from '../../src/cluster/kubeconfig-lite.ts';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, egressctl } from '../helpers/server.ts';
import { forEachServer } from '../helpers/cluster.ts';

const SEED = join(ROOT, 'fixtures/seed/wikipedia-rules.yaml');
const MISSING_CRD =
  'error: the server has no egressrules.config.istio.io: the EgressRule custom resource definition is not installed (Istio 0.2-0.7 installs it; `egressctl serve` serves it locally)\n';

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

forEachServer('a cluster without the Istio CRDs', (server) => {
  test('create, get and delete say the CRD is missing, once, and exit 1', async () => {
    for (const args of [['create', '-f', SEED], ['get', 'egressrules'], ['delete', 'egressrule', 'wikipedia-range1', 'wikipedia-range2'], ['apply', '-f', SEED], ['replace', '-f', SEED]]) {
      const r = await server.egressctl(args);
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.stdout, '', args.join(' '));
      assert.equal(r.stderr, MISSING_CRD, args.join(' '));
    }
  });
}, { withoutCrds: true });

forEachServer('credentials and certificate authorities', (server) => {
  let dir: string;
  before(() => {
    dir = server.tempDir();
  });

  test('a wrong token: 401, one line, exit 1, nothing created', async () => {
    const bad = join(dir, 'bad-token');
    assert.ok(server.token.length > 0);
    writeFileSync(bad, readFileSync(server.kubeconfig, 'utf8').replace(server.token, 'not-the-token'));
    const r = await egressctl(['create', '-f', SEED, '--kubeconfig', bad], {});
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `error: You must be logged in to the server (Unauthorized): ${server.url} rejected the credentials of the kubeconfig's user\n`);
    const g = await egressctl(['get', 'egressrules', '-c', bad], {});
    assert.equal(g.code, 1);
    assert.equal(g.stderr.split('\n').length, 2);
    assert.deepEqual((await server.get('/apis/config.istio.io/v1alpha2/namespaces/default/egressrules')).items, []);
  });

  test('an unknown certificate authority: a TLS message, exit 1', async () => {
    const noCa = join(dir, 'no-ca');
    const text = readFileSync(server.kubeconfig, 'utf8');
    assert.match(text, /certificate-authority-data/);
    writeFileSync(noCa, text.replace(/^(\s*)certificate-authority-data: .*$/m, '$1insecure-skip-tls-verify: false'));
    const r = await egressctl(['get', 'egressrules', '--kubeconfig', noCa], {});
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: Unable to connect to the server 127\.0\.0\.1:\d+: TLS failed: certificate signed by unknown authority/);
    assert.equal(r.stderr.split('\n').length, 2);
  });

  test('KUBECONFIG naming only missing files is an error: ~/.kube/config (another cluster) is never used instead', async () => {
    const home = mkdtempSync(join(dir, 'home-'));
    mkdirSync(join(home, '.kube'));
    copyFileSync(server.kubeconfig, join(home, '.kube', 'config'));
    await server.clearRequests();
    const typo = join(dir, 'typo.kc');
    const env = { KUBECONFIG: typo, HOME: home, KUBERNETES_SERVICE_HOST: '' };
    for (const args of [['get', 'egressrules'], ['create', '-f', SEED], ['create', '-f', SEED, '--dry-run=client'], ['delete', 'egressrule', 'x']]) {
      const r = await egressctl(args, { env });
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, new RegExp(`^error: Config not found: ${typo.replace(/[.]/g, '\\.')} \\(\\$KUBECONFIG names no file that exists; ~/\\.kube/config is not read while \\$KUBECONFIG is set\\)`));
    }
    assert.deepEqual(await server.requests(), []);
    // A missing file among existing ones is skipped, as kubectl does.
    const ok = await egressctl(['get', 'egressrules'], { env: { ...env, KUBECONFIG: [typo, server.kubeconfig].join(':') } });
    assert.equal(ok.code, 0, ok.stderr);
    // --kubeconfig naming a missing file is an error too.
    const named = await egressctl(['get', 'egressrules', '--kubeconfig', typo], { env: { HOME: home } });
    assert.equal(named.code, 1);
    assert.match(named.stderr, /^error: the kubeconfig file ".*typo\.kc" given with --kubeconfig does not exist\n$/);
    assert.deepEqual((await server.requests()).length, 1);
  });

  test('certificate-authority-data that is not a certificate: "cannot parse", not "unknown authority"', async () => {
    const garbage = join(dir, 'garbage-ca');
    const text = readFileSync(server.kubeconfig, 'utf8');
    for (const [data, why] of [[Buffer.from('garbage').toString('base64'), /it holds no PEM certificate/], [Buffer.from('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n').toString('base64'), /certificate 1 of 1 is not a valid X\.509 certificate/]] as const) {
      writeFileSync(garbage, text.replace(/^(\s*)certificate-authority-data: .*$/m, `$1certificate-authority-data: ${data}`));
      await server.clearRequests();
      const r = await egressctl(['get', 'egressrules', '--kubeconfig', garbage], {});
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^error: cannot parse the certificate authority of cluster "[^"]+" \(certificate-authority-data\): /);
      assert.match(r.stderr, why);
      assert.doesNotMatch(r.stderr, /unknown authority/);
      assert.deepEqual(await server.requests(), []);
    }
  });

  test('no credential in any output, at -v=9, whatever the command', async () => {
    const env = { KUBECONFIG: server.kubeconfig };
    const runs = [
      await egressctl(['create', '-f', SEED, '-v=9'], { env }),
      await egressctl(['get', 'egressrules', '-o', 'yaml', '-v', '9'], { env }),
      await egressctl(['apply', '-f', SEED, '-v=9'], { env }),
      await egressctl(['replace', '-f', SEED, '-v=9'], { env }),
      await egressctl(['delete', '-f', SEED, '-v=9'], { env }),
      await egressctl(['get', 'egressrules', 'nope', '-v=9'], { env }),
    ];
    for (const r of runs) {
      assert.ok(!(r.stdout + r.stderr).includes(server.token), 'the token was printed');
    }
    // The logs are there, with the header masked (so the check above looked at real logs).
    assert.match(runs[0]!.stderr, /Authorization: Bearer <masked>/);
    assert.match(runs[0]!.stderr, /POST https:\/\/127\.0\.0\.1:\d+\/apis\/config\.istio\.io\/v1alpha2\/namespaces\/default\/egressrules 201 Created in \d+ milliseconds/);
    assert.equal(runs[4]!.code, 0);
  });
});

describe('failures before any server answers', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'egressctl-errors-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a refused connection: kubectl\'s sentence, once, exit 1', async () => {
    const port = await closedPort();
    const closed = join(dir, 'closed');
    writeFileSync(closed, `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:${port}"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`);
    for (const args of [['create', '-f', SEED], ['get', 'egressrules'], ['delete', 'egressrule', 'a', 'b', 'c'], ['validate', '--cluster', '-f', SEED]]) {
      const r = await egressctl([...args, '--kubeconfig', closed], {});
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `The connection to the server 127.0.0.1:${port} was refused - did you specify the right host or port?\n`);
    }
  });

  test('no kubeconfig anywhere: names the places looked at and suggests egressctl serve', async () => {
    const home = mkdtempSync(join(dir, 'home-'));
    const r = await egressctl(['get', 'egressrules'], { env: { KUBECONFIG: '', HOME: home, KUBERNETES_SERVICE_HOST: '' } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: no kubeconfig found; looked at \$KUBECONFIG \(unset\), .*\.kube\/config \(no such file\), the in-cluster service account/);
    assert.match(r.stderr, /egressctl serve/);
    assert.doesNotMatch(r.stderr, /localhost:8080/);
  });

  test('KUBECONFIG naming only missing files inside a pod: the in-cluster account, with kubectl\'s warning', () => {
    const root = mkdtempSync(join(dir, 'incluster-'));
    mkdirSync(join(root, '/var/run/secrets/kubernetes.io/serviceaccount'), { recursive: true });
    writeFileSync(join(root, '/var/run/secrets/kubernetes.io/serviceaccount/token'), 'x');
    const env = { KUBECONFIG: '/typo.kc', KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443', EGRESSCTL_INCLUSTER_ROOT: root, HOME: root };
    assert.deepEqual(findKubeconfig({ env, cwd: dir }), { inCluster: true, warning: 'Config not found: /typo.kc' });
    assert.throws(() => findKubeconfig({ env: { ...env, KUBERNETES_SERVICE_HOST: '' }, cwd: dir }), /^KubeconfigError: Config not found: \/typo\.kc/);
  });
});
