// --dry-run=client needs no cluster, but it does read the kubeconfig for the namespace: a real
// kubeconfig problem (an unknown --context, a missing or unreadable file) is an error, not a silent
// `default`; only when there is no kubeconfig anywhere does it fall back to `default`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { egressctl } from '../helpers/server.ts';

const RULE = 'kind: EgressRule\nmetadata:\n  name: dry\nspec:\n  destination:\n    service: 10.8.0.0/16\n  ports:\n  - port: 443\n    protocol: tcp\n';

describe('--dry-run=client and the kubeconfig', () => {
  let dir: string;
  let kubeconfig: string;
  let home: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'egressctl-dry-kc-'));
    home = join(dir, 'home');
    mkdirSync(home);
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\nusers:\n- name: u\n  user: {}\ncontexts:\n- name: team\n  context:\n    cluster: c\n    user: u\n    namespace: team-a\ncurrent-context: team\n',
    );
    mkdirSync(join(dir, 'a-directory'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const namespaceOf = (stdout: string) => (yaml.load(stdout.split(/^---$/m)[0]!) as any).metadata.namespace;

  test('the context namespace is used; nothing is sent (the server does not exist)', async () => {
    const r = await egressctl(['create', '-f', '-', '--dry-run=client'], { input: RULE, env: { KUBECONFIG: kubeconfig, HOME: home, NO_COLOR: '1' } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(namespaceOf(r.stdout), 'team-a');
  });

  test('an unknown --context is an error naming it, for create, replace and apply', async () => {
    for (const cmd of ['create', 'replace', 'apply']) {
      const r = await egressctl([cmd, '-f', '-', '--dry-run=client', '--context', 'nope'], { input: RULE, env: { KUBECONFIG: kubeconfig, HOME: home, NO_COLOR: '1' } });
      assert.equal(r.code, 1, `${cmd}: ${r.stdout}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^error: context "nope" not found in the kubeconfig/);
    }
  });

  test('a --kubeconfig that does not exist or is a directory is an error', async () => {
    for (const path of [join(dir, 'missing'), join(dir, 'a-directory')]) {
      const r = await egressctl(['create', '-f', '-', '--dry-run=client', '--kubeconfig', path], { input: RULE, env: { HOME: home, NO_COLOR: '1' } });
      assert.equal(r.code, 1, `${path}: ${r.stdout}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^error: (kubeconfig ".*" is a directory|the kubeconfig file ".*missing" given with --kubeconfig does not exist)\n$/);
    }
  });

  test('no kubeconfig anywhere: default, exit 0', async () => {
    const r = await egressctl(['create', '-f', '-', '--dry-run=client'], { input: RULE, env: { HOME: home, KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '', NO_COLOR: '1' } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(namespaceOf(r.stdout), 'default');
  });
});
