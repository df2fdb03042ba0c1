// The workload kinds, stored with no controllers: the seed's own command
// (`kubectl apply -f <(istioctl kube-inject -f sleep.yaml --includeIPRanges=...)`, with
// egressctl's kube-inject) works against serve, the Deployment read back has the sidecar, and a
// second apply changes nothing. Also: kubectl's typed commands (create deployment, run, create job,
// create serviceaccount) and the checks kubectl users meet first.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { ROOT, egressctl, kubectl, kubectlSkipReason, request, startServer, type TestServer } from '../helpers/server.ts';

const SLEEP = join(ROOT, 'fixtures/samples/sleep-istio-0.2.yaml');

describe('workloads on serve', { skip: kubectlSkipReason() }, () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
  });
  after(() => s?.stop());

  test('egressctl kube-inject -f sleep.yaml --includeIPRanges=10.0.0.1/24 | kubectl apply -f -: the seed command', async () => {
    const injected = await egressctl(['kube-inject', '-f', SLEEP, '--includeIPRanges=10.0.0.1/24']);
    assert.equal(injected.code, 0, injected.stderr);
    const r = await kubectl(s, ['apply', '-f', '-'], injected.stdout);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, 'service/sleep created\ndeployment.extensions/sleep created\n');
    const again = await kubectl(s, ['apply', '-f', '-'], injected.stdout);
    assert.equal(again.stdout, 'service/sleep unchanged\ndeployment.extensions/sleep unchanged\n', again.stderr);
  });

  test('kubectl get deployment sleep -o yaml shows the sidecar, the init container with the range, and apps/v1 defaults', async () => {
    const r = await kubectl(s, ['get', 'deployment', 'sleep', '-o', 'yaml']);
    assert.equal(r.code, 0, r.stderr);
    const d = yaml.load(r.stdout) as any;
    assert.equal(d.apiVersion, 'apps/v1');
    assert.equal(d.metadata.generation, 1);
    const pod = d.spec.template.spec;
    assert.deepEqual(pod.containers.map((c: any) => c.name), ['sleep', 'istio-proxy']);
    assert.equal(pod.containers[1].image, 'docker.io/istio/proxy_debug:0.4.0');
    const init = pod.initContainers.find((c: any) => c.name === 'istio-init');
    assert.deepEqual(init.args.slice(-2), ['-i', '10.0.0.0/24']);
    // extensions/v1beta1 had no required selector: it came from the template's labels, as 1.15 defaulted it.
    assert.deepEqual(d.spec.selector, { matchLabels: { app: 'sleep' } });
    assert.equal(pod.containers[0].terminationMessagePath, '/dev/termination-log');
    assert.equal(pod.restartPolicy, 'Always');
    assert.deepEqual(d.status, {});
    const wide = await kubectl(s, ['get', 'deployment', 'sleep', '-o', 'wide']);
    assert.match(wide.stdout.split('\n')[1], /^sleep\s+0\/1\s+0\s+0\s+\d+s\s+sleep,istio-proxy\s+tutum\/curl,docker\.io\/istio\/proxy_debug:0\.4\.0\s+app=sleep$/);
  });

  test('kubectl create deployment, run, create job, create serviceaccount (protobuf bodies) and get all', async () => {
    for (const args of [
      ['create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=2'],
      ['run', 'p1', '--image=busybox:1.36', '--', 'sleep', '1d'],
      ['create', 'job', 'j1', '--image=busybox:1.36', '--', 'true'],
      ['create', 'serviceaccount', 'bot'],
    ]) {
      const r = await kubectl(s, args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    }
    const dep = await s.get('/apis/apps/v1/namespaces/default/deployments/web');
    assert.deepEqual(dep.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    const pod = await s.get('/api/v1/namespaces/default/pods/p1');
    assert.equal(pod.spec.serviceAccountName, 'default');
    assert.deepEqual(pod.status, { phase: 'Pending', qosClass: 'BestEffort' });
    const job = await s.get('/apis/batch/v1/namespaces/default/jobs/j1');
    assert.equal(job.metadata.labels['batch.kubernetes.io/controller-uid'], job.metadata.uid);
    const all = await kubectl(s, ['get', 'all']);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /^pod\/p1\s+0\/1\s+Pending\s+0\s+/m);
    assert.match(all.stdout, /^deployment\.apps\/web\s+0\/2\s+0\s+0\s+/m);
    assert.match(all.stdout, /^job\.batch\/j1\s+Running\s+0\/1\s+/m);
    assert.doesNotMatch(all.stdout, /deployment\.extensions/);
  });

  test('the checks kubectl users meet first: selector, containers, image; a Pod whose ServiceAccount does not exist; a field of the wrong JSON type', async () => {
    const bad = await request(s, 'POST', '/apis/apps/v1/namespaces/default/deployments', {
      body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a' }, spec: { template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'C_1' }] } } } },
    });
    assert.equal(bad.status, 422);
    assert.equal(bad.json().message, 'Deployment.apps "a" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`, ' +
      "spec.template.spec.containers[0].name: Invalid value: \"C_1\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?'), spec.template.spec.containers[0].image: Required value]");
    const pod = await request(s, 'POST', '/api/v1/namespaces/default/pods', { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p2' }, spec: { serviceAccountName: 'nobody', containers: [{ name: 'c', image: 'i' }] } } });
    assert.equal(pod.status, 403);
    assert.equal(pod.json().message, 'pods "p2" is forbidden: error looking up service account default/nobody: serviceaccount "nobody" not found');
    const typed = await request(s, 'POST', '/apis/apps/v1/namespaces/default/deployments', {
      body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 't' }, spec: { replicas: 'two', selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } },
    });
    assert.equal(typed.status, 400);
    assert.equal(typed.json().message, 'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
  });
});
