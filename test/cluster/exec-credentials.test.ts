// Credentials from an exec plugin (the client-node path): the plugin's token reaches the server,
// with every kubeconfig rule (file search, merge, context choice) the same as for static ones. On
// each server of the run (the real one authenticates the token from its static token file).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { egressctl as runEgressctl } from '../helpers/server.ts';
import { forEachServer } from '../helpers/cluster.ts';

forEachServer('exec credentials', (server) => {
  test('an exec-plugin user: the token the plugin prints is sent; a failing plugin is one clear line', async () => {
    const dir = server.tempDir();
    const plugin = join(dir, 'token-plugin.sh');
    writeFileSync(plugin, `#!/bin/sh\nprintf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$EGRESSCTL_TEST_TOKEN"\n`);
    chmodSync(plugin, 0o755);
    const kc = yaml.load(readFileSync(server.kubeconfig, 'utf8')) as any;
    const user = kc.users[0].user;
    delete user.token;
    user.exec = { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, interactiveMode: 'Never' };
    // Two files merged through KUBECONFIG, the second holding the context namespace: the same rules
    // as for static credentials.
    const first = join(dir, 'a.kubeconfig');
    const second = join(dir, 'b.kubeconfig');
    writeFileSync(first, yaml.dump({ ...kc, contexts: [] , 'current-context': 'exec-ctx' }));
    writeFileSync(second, yaml.dump({ apiVersion: 'v1', kind: 'Config', contexts: [{ name: 'exec-ctx', context: { cluster: kc.clusters[0].name, user: kc.users[0].name, namespace: 'istio-system' } }] }));
    const env = { KUBECONFIG: `${first}:${second}`, EGRESSCTL_TEST_TOKEN: server.token, NO_COLOR: '1' };
    // Processes of their own: client-node starts the plugin with the process's environment (not the
    // one a run is given), so in the test's process the plugin would not see EGRESSCTL_TEST_TOKEN.
    const egressctl = (args: string[], opts: { env: Record<string, string> }) => runEgressctl(args, { ...opts, process: true });
    const created = await egressctl(['create', '-f', 'fixtures/seed/wikipedia-rules.yaml'], { env });
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /^Created config egress-rule\/istio-system\/wikipedia-range1 at revision \d+$/m);
    const stored = await server.get('/apis/config.istio.io/v1alpha2/namespaces/istio-system/egressrules');
    assert.equal(stored.items.length, 5);
    const wrong = await egressctl(['get', 'egressrules'], { env: { ...env, EGRESSCTL_TEST_TOKEN: 'wrong' } });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /Unauthorized|logged in/);
    assert.doesNotMatch(wrong.stderr + wrong.stdout, new RegExp(server.token));
    writeFileSync(plugin, '#!/bin/sh\necho "no credentials for you" >&2\nexit 3\n');
    const failing = await egressctl(['get', 'egressrules'], { env });
    assert.equal(failing.code, 1);
    assert.match(failing.stderr, /^error: cannot get the credentials of user "[^"]+": /);
    assert.doesNotMatch(failing.stderr, /\n\s+at /);
  });
});

