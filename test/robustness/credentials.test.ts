// No credential (token, password, client key) appears in any output, at any verbosity, on success
// or on failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { egressctl } from '../helpers/server.ts';
import { onServe } from '../helpers/cluster.ts';

const seed = 'fixtures/seed/wikipedia-rules.yaml';

// On serve only: what is checked is egressctl's own output (every command at -v 0, 6 and 9, 84 runs);
// the server only answers or refuses, and the refusals' wording is egressctl's. Passes on the real
// server too (EGRESSCTL_TEST_SERVER=kube-apiserver with forEachServer), at twice the cost.
onServe('credentials never printed', (server) => {
  test('no token, password or key in the output of any cluster command at -v 0, 6 and 9', async (t) => {
    if (spawnSync('openssl', ['version']).status !== 0) return t.skip('openssl is not installed: cannot make a client key');
    const dir = server.tempDir();
    spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=tester'], { stdio: 'ignore' });
    const keyPem = readFileSync(join(dir, 'k.pem'), 'utf8');
    const keyData = Buffer.from(keyPem).toString('base64');
    const password = 'hunter2-' + Math.random().toString(36).slice(2);
    const kc = yaml.load(readFileSync(server.kubeconfig, 'utf8')) as any;
    const user = kc.users[0].user;
    user['client-key-data'] = keyData;
    user['client-certificate-data'] = Buffer.from(readFileSync(join(dir, 'c.pem'))).toString('base64');
    const withCreds = join(dir, 'kubeconfig');
    writeFileSync(withCreds, yaml.dump(kc), { mode: 0o600 });
    const basic = structuredClone(kc);
    delete basic.users[0].user.token;
    basic.users[0].user.username = 'admin';
    basic.users[0].user.password = password;
    const withPassword = join(dir, 'kubeconfig-basic');
    writeFileSync(withPassword, yaml.dump(basic), { mode: 0o600 });
    const wrong = structuredClone(kc);
    wrong.users[0].user.token = 'wrong-' + server.token;
    const withWrongToken = join(dir, 'kubeconfig-wrong');
    writeFileSync(withWrongToken, yaml.dump(wrong), { mode: 0o600 });

    // Secrets and recognisable fragments of them (a key's base64 lines, its PEM body).
    const secrets = [server.token, 'wrong-' + server.token, password, keyData.slice(0, 40), keyPem.split('\n')[1], Buffer.from(`admin:${password}`).toString('base64')];
    const commands = [
      ['create', '-f', seed],
      ['get', 'egressrules'],
      ['get', 'egressrules', '-o', 'yaml'],
      ['get', 'egressrule', 'wikipedia-range1', '-o', 'json'],
      ['apply', '-f', seed],
      ['replace', '-f', seed],
      ['validate', '--cluster', '-f', seed],
      ['delete', '-f', seed],
      ['delete', 'egressrule', 'missing'],
    ];
    // Control, per kubeconfig: at -v 9 the request is logged with its credential header masked, so
    // the credential really was sent and the log line that could show it really was written.
    const sent: Array<[string, RegExp, number]> = [
      [withCreds, /"Authorization":"Bearer <masked>"/, 0],
      [withPassword, /"Authorization":"Basic <masked>"/, 1],
      [withWrongToken, /"Authorization":"Bearer <masked>"/, 1],
    ];
    for (const [kubeconfig, header, code] of sent) {
      const r = await egressctl(['get', 'egressrules', '-v', '9'], { env: { KUBECONFIG: kubeconfig, NO_COLOR: '1' } });
      assert.equal(r.code, code, r.stderr);
      assert.match(r.stderr, header, kubeconfig);
    }
    // The three kubeconfigs' runs side by side (each in its own order: create before get, delete
    // last); two of them are refused by the server whatever the order.
    await Promise.all([withCreds, withPassword, withWrongToken].map(async (kubeconfig) => {
      for (const v of ['0', '6', '9']) {
        for (const args of commands) {
          const r = await egressctl([...args, '-v', v], { env: { KUBECONFIG: kubeconfig, NO_COLOR: '1' } });
          const out = r.stdout + r.stderr;
          for (const s of secrets) assert.ok(!out.includes(s), `${args.join(' ')} -v ${v} (${kubeconfig}) printed a secret:\n${out}`);
        }
      }
    }));
  });

  test('a user and password in the server URL never show: not in -v logs, not in the error for an unparsable URL', async () => {
    const dir = server.tempDir();
    const password = 'hunter2-' + Math.random().toString(36).slice(2);
    const kc = yaml.load(readFileSync(server.kubeconfig, 'utf8')) as any;
    const url = new URL(server.url);
    const withUserinfo = structuredClone(kc);
    withUserinfo.clusters[0].cluster.server = `${url.protocol}//admin:${password}@${url.host}`;
    const good = join(dir, 'kubeconfig-userinfo');
    writeFileSync(good, yaml.dump(withUserinfo), { mode: 0o600 });
    const unparsable = structuredClone(kc);
    unparsable.clusters[0].cluster.server = `${url.protocol}//admin:${password}@${url.hostname}:not-a-port`;
    const bad = join(dir, 'kubeconfig-unparsable');
    writeFileSync(bad, yaml.dump(unparsable), { mode: 0o600 });
    const notHttp = structuredClone(kc);
    notHttp.clusters[0].cluster.server = `ftp://admin:${password}@${url.host}`;
    const ftp = join(dir, 'kubeconfig-ftp');
    writeFileSync(ftp, yaml.dump(notHttp), { mode: 0o600 });

    for (const v of ['4', '7', '9']) {
      const r = await egressctl(['get', 'egressrules', '-v', v], { env: { KUBECONFIG: good, NO_COLOR: '1' } });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!(r.stdout + r.stderr).includes(password), `-v ${v} printed the password:\n${r.stderr}`);
      // Control: the log line that used to show it is there, redacted.
      assert.match(r.stderr, /server https:\/\/\*\*\*@127\.0\.0\.1:\d+/);
    }
    const u = await egressctl(['get', 'egressrules', '-v', '9'], { env: { KUBECONFIG: bad, NO_COLOR: '1' } });
    assert.equal(u.code, 1);
    assert.ok(!u.stderr.includes(password), u.stderr);
    assert.match(u.stderr, /error: the server "https:\/\/\*\*\*@127\.0\.0\.1:not-a-port" of cluster ".*" is not a URL/);
    const f = await egressctl(['get', 'egressrules'], { env: { KUBECONFIG: ftp, NO_COLOR: '1' } });
    assert.equal(f.code, 1);
    assert.ok(!f.stderr.includes(password), f.stderr);
    assert.match(f.stderr, /error: the server "ftp:\/\/\*\*\*@127\.0\.0\.1:\d+" .* is not an http or https URL/);
  });
});

