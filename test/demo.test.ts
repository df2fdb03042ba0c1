// `npm run demo` is the README's first command: the walkthrough must keep working, against serve and
// (`npm run demo -- --server kube-apiserver`) against the real kube-apiserver when the run has it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chosenServers } from './helpers/cluster.ts';
import { hasKubectl } from './helpers/server.ts';

for (const server of chosenServers()) {
  test(`the demo runs the seed walkthrough end to end and stops its server [${server}]`, () => {
    const r = spawnSync(process.execPath, ['scripts/demo.mjs', '--server', server], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });
    assert.match(r.stdout, server === 'serve' ? /^# egressctl serve is listening on https:/m : /^# the real kube-apiserver \(Kubernetes v1\.\d+\.\d+, with the CRDs of the \d+ kinds egressctl stores\) is listening on https:/m);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    for (let i = 1; i <= 5; i++) {
      assert.match(r.stdout, new RegExp(`^Created config egress-rule/default/wikipedia-range${i} at revision \\d+$`, 'm'));
      assert.match(r.stdout, new RegExp(`^Deleted config: egressrule wikipedia-range${i}$`, 'm'));
    }
    assert.match(r.stdout, /^\$ cat <<EOF \| egressctl create -f -$/m);
    assert.match(r.stdout, /^        - "-i"\n        - 10\.0\.0\.0\/24$/m);
    if (hasKubectl()) {
      // The injected sleep sample applied with kubectl: the 0.2 sample (extensions/v1beta1) on serve;
      // today's (apps/v1) on the real server, which no longer serves extensions/v1beta1.
      assert.match(r.stdout, server === 'serve' ? /^deployment\.extensions\/sleep created$/m : /^deployment\.apps\/sleep created$/m);
      assert.match(r.stdout, /^sleep\nistio-proxy\n\["-p","15001","-u","1337","-i","10\.0\.0\.0\/24"\]$/m);
    }
    // The egress task's RouteRule, created, listed and deleted.
    assert.match(r.stdout, /^Created config route-rule\/default\/httpbin-timeout-rule at revision \d+$/m);
    assert.match(r.stdout, /^httpbin-timeout-rule\s+RouteRule\.v1alpha2\.config\.istio\.io\s+default\s+httpbin\.org\s+0\s+/m);
    assert.match(r.stdout, /^Deleted config: routerule httpbin-timeout-rule$/m);
    // The rules carried to today's Istio and stored.
    assert.match(r.stdout, /^Created config service-entry\/default\/wikipedia-range5 at revision \d+$/m);
    assert.match(r.stdout, /# demo: every step succeeded; the server is stopped/);
    assert.doesNotMatch(r.stdout, /step failed/);
  });
}
