// Transport and authentication: the generated CA in the kubeconfig, certificates made here with
// openssl passed with --tls-cert/--tls-key, plain HTTP on loopback only, and the token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import https from 'node:https';
import yaml from 'js-yaml';
import { egressctl, kubectl, kubectlSkipReason, request, startServer } from '../helpers/server.ts';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
const skipKubectl = kubectlSkipReason();

function httpsGet(url: string, ca?: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    https.get(url, { ca, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

test('default HTTPS: kubeconfig (0600) carries the CA, a token and context egressctl-local; the CA verifies the server', async (t) => {
  const s = await startServer();
  t.after(() => s.stop());
  assert.match(s.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(statSync(s.kubeconfig).mode & 0o777, 0o600);
  const kc = yaml.load(readFileSync(s.kubeconfig, 'utf8')) as any;
  assert.equal(kc['current-context'], 'egressctl-local');
  assert.deepEqual(kc.contexts[0], { name: 'egressctl-local', context: { cluster: 'egressctl-local', user: 'egressctl-local', namespace: 'default' } });
  assert.equal(kc.clusters[0].cluster.server, s.url);
  assert.ok(s.token.length >= 20);
  const ca = Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64');
  assert.equal(await httpsGet(`${s.url}/healthz`, ca), 200);
  await assert.rejects(httpsGet(`${s.url}/healthz`), /self-signed|unable to verify|self signed/);
  const localhost = s.url.replace('127.0.0.1', 'localhost');
  assert.equal(await httpsGet(`${localhost}/healthz`, ca), 200, 'the certificate also names localhost');
});

test('kubectl talks to the server with the generated CA; with a wrong token it must log in', { skip: skipKubectl }, async (t) => {
  const s = await startServer();
  t.after(() => s.stop());
  const ok = await kubectl(s, ['get', 'namespaces', '-o', 'name']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, 'namespace/default\nnamespace/istio-system\nnamespace/kube-node-lease\nnamespace/kube-public\nnamespace/kube-system\n');
  // A wrong token (with no credentials at all kubectl would prompt for a username instead).
  const noToken = join(s.dir, 'wrong-token.kubeconfig');
  const kc = yaml.load(readFileSync(s.kubeconfig, 'utf8')) as any;
  kc.users[0].user = { token: 'wrong' };
  writeFileSync(noToken, yaml.dump(kc));
  const r = await kubectl({ ...s, kubeconfig: noToken }, ['get', 'egressrules']);
  assert.equal(r.code, 1);
  // What kubectl prints against a real cluster for a rejected token (the Status message is "Unauthorized").
  assert.match(r.stderr, /^error: You must be logged in to the server \(Unauthorized\)$/m);
});

test('--tls-cert/--tls-key with certificates made by openssl here', { skip: !hasOpenssl && 'openssl is not installed' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'egressctl-pki-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ossl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  ossl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=test-ca', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  ossl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'tls.key', '-out', 'tls.csr', '-subj', '/CN=test-server');
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  ossl('x509', '-req', '-in', 'tls.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', '7', '-days', '2', '-extfile', 'ext.cnf', '-out', 'leaf.crt');
  // The chain file: leaf then CA, as the kubeconfig's trust then includes the CA.
  writeFileSync(join(dir, 'tls.crt'), readFileSync(join(dir, 'leaf.crt')) + readFileSync(join(dir, 'ca.crt')).toString());
  const s = await startServer({ args: ['--tls-cert', join(dir, 'tls.crt'), '--tls-key', join(dir, 'tls.key'), '--token', 'test-token-123'] });
  t.after(() => s.stop());
  assert.equal(s.token, 'test-token-123');
  const ca = readFileSync(join(dir, 'ca.crt'));
  assert.equal(await httpsGet(`${s.url}/healthz`, ca), 200, 'the test CA verifies the served certificate');
  const served = await new Promise<string>((resolve, reject) => {
    https.get(`${s.url}/healthz`, { ca, agent: false }, (res) => {
      resolve((res.socket as any).getPeerCertificate().subject.CN);
      res.resume();
    }).on('error', reject);
  });
  assert.equal(served, 'test-server');
  const r = await request(s, 'GET', '/api/v1/namespaces/default');
  assert.equal(r.status, 200);
  if (!skipKubectl) {
    const k = await kubectl(s, ['get', 'ns', 'default', '-o', 'jsonpath={.metadata.name}']);
    assert.equal(k.code, 0, k.stderr);
    assert.equal(k.stdout, 'default');
  }
});

test('--insecure-http: plain HTTP, no token, insecure-skip-tls-verify in the kubeconfig; kubectl works', async (t) => {
  const s = await startServer({ insecureHttp: true });
  t.after(() => s.stop());
  assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(s.token, '');
  const kc = yaml.load(readFileSync(s.kubeconfig, 'utf8')) as any;
  assert.equal(kc.clusters[0].cluster['insecure-skip-tls-verify'], true);
  assert.equal(kc.clusters[0].cluster['certificate-authority-data'], undefined);
  const r = await request(s, 'GET', '/apis/config.istio.io/v1alpha2/egressrules', { token: null });
  assert.equal(r.status, 200);
  assert.equal(r.json().kind, 'EgressRuleList');
  if (!skipKubectl) {
    const k = await kubectl(s, ['get', 'egressrules']);
    assert.equal(k.code, 0, k.stderr);
    assert.equal(k.stderr, 'No resources found in default namespace.\n');
  }
});

test('flag checks: plain HTTP off loopback, half a certificate pair, bad --listen', async () => {
  const r = await egressctl(['serve', '--insecure-http', '--listen', '0.0.0.0:0']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /refusing to serve plain HTTP without authentication on 0\.0\.0\.0: --insecure-http is for loopback addresses only/);
  assert.equal(r.stdout, '');
  const half = await egressctl(['serve', '--tls-cert', 'x.crt']);
  assert.equal(half.code, 2);
  assert.match(half.stderr, /--tls-cert and --tls-key go together/);
  const bad = await egressctl(['serve', '--listen', 'nonsense']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /invalid value "nonsense" for --listen/);
  const cidr = await egressctl(['serve', '--service-cidr', '10.96.0.1/12']);
  assert.equal(cidr.code, 2);
  assert.match(cidr.stderr, /--service-cidr/);
});
