// npm run demo: the seed walkthrough ("Control Egress TCP Traffic") with the real CLI against a
// local `egressctl serve`, on a free loopback port with a temporary kubeconfig. Prints each
// command and its output; stops the server; exits non-zero if any step fails.
//
//   npm run demo                               against egressctl serve
//   npm run demo -- --server kube-apiserver    against the REAL kube-apiserver of test/kube-apiserver
//                                              (built once with Go and cached; the CRDs of every kind
//                                              egressctl stores are registered first)
//
// The commands run through a shell exactly as the seed types them (`egressctl` is put on PATH),
// with KUBECONFIG pointing at the server's kubeconfig.

import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'bin', 'egressctl.js');
const tty = process.stdout.isTTY && process.env.NO_COLOR === undefined;
const bold = (s) => (tty ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s) => (tty ? `\x1b[2m${s}\x1b[0m` : s);

// The heredoc of "Control Egress TCP Traffic", as fixtures/seed holds it verbatim.
const SEED_CREATE = `cat <<EOF | egressctl create -f -
${readFileSync(join(ROOT, 'fixtures/seed/wikipedia-rules.yaml'), 'utf8')}EOF`;

// Istio 0.3's "Control Egress Traffic" task: an external service, and a RouteRule that sets a
// timeout on the calls to it.
const HTTPBIN_CREATE = `cat <<EOF | egressctl create -f -
${readFileSync(join(ROOT, 'fixtures/seed/httpbin-egress-task.yaml'), 'utf8')}EOF`;

const SERVERS = ['serve', 'kube-apiserver'];
function serverArg(argv) {
  const i = argv.findIndex((a) => a === '--server' || a.startsWith('--server='));
  if (i < 0) return 'serve';
  const v = argv[i].includes('=') ? argv[i].slice('--server='.length) : argv[i + 1];
  if (!SERVERS.includes(v) || argv.length !== (argv[i].includes('=') ? 1 : 2)) {
    process.stderr.write(`usage: node scripts/demo.mjs [--server ${SERVERS.join('|')}]\n`);
    process.exit(2);
  }
  return v;
}
const which = process.argv.length > 2 ? serverArg(process.argv.slice(2)) : 'serve';

const dir = mkdtempSync(join(tmpdir(), 'egressctl-demo-'));
const kubeconfig = join(dir, 'kubeconfig');
const bin = join(dir, 'bin');
spawnSync('mkdir', ['-p', bin]);
writeFileSync(join(bin, 'egressctl'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
chmodSync(join(bin, 'egressctl'), 0o755);
// HOME is the temporary directory too, so kubectl's discovery cache starts empty for this server.
const env = { ...process.env, KUBECONFIG: kubeconfig, PATH: `${bin}:${process.env.PATH}`, HOME: dir };

function startServer() {
  return which === 'serve' ? startServe() : startKubeApiserver();
}

function startServe() {
  const child = spawn(process.execPath, [CLI, 'serve', '--listen', '127.0.0.1:0', '--kubeconfig-out', kubeconfig], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolvePromise, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    const onData = (c) => {
      out += c;
      if (!out.includes('\n')) return;
      child.stdout.off('data', onData);
      child.stdout.resume();
      const m = /^Serving on (\S+)/.exec(out);
      if (m) resolvePromise({ child, url: m[1] });
      else reject(new Error(`unexpected first line from egressctl serve: ${out.split('\n')[0]}`));
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`egressctl serve exited (${code}) before serving:\n${err}`)));
  });
}

/** The real kube-apiserver (scripts/kube-apiserver.mjs builds it once), with the CRDs of every kind egressctl can store. */
async function startKubeApiserver() {
  const { ensureBuilt, kindCrd, kubernetesVersion, registerCrds } = await import('./kube-apiserver.mjs');
  const b = ensureBuilt({ quiet: true, log: (line) => process.stderr.write(`${line}\n`) });
  if (b.status !== 'cached' && b.status !== 'built') throw new Error(`the real kube-apiserver cannot be had here: ${b.reason}`);
  // --allow-privileged as on kubeadm's clusters: istio-init and the 0.x sidecar run privileged.
  const child = spawn(b.path, ['--kubeconfig-out', kubeconfig, '--allow-privileged=true'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise((resolvePromise, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (c) => (err = (err + c).slice(-4000)));
    child.stdout.on('data', (c) => {
      out += c;
      const m = /^Serving on (\S+)\nKubeconfig: .+\n/.exec(out);
      if (m) resolvePromise(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`kube-apiserver exited (${code}) before serving:\n${err}`)));
  });
  child.stdout.resume();
  child.stderr.resume();
  const kc = readFileSync(kubeconfig, 'utf8');
  const ca = Buffer.from(/certificate-authority-data: (\S+)/.exec(kc)[1], 'base64');
  const token = /token: (\S+)/.exec(kc)[1];
  const request = (method, path, body) =>
    new Promise((resolvePromise, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const headers = { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(data ? { 'Content-Type': 'application/json' } : {}) };
      const req = https.request(new URL(path, url), { method, headers, ca, agent: false }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolvePromise({ status: res.statusCode, body: text, json: () => JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end(data);
    });
  const { STORED_KINDS } = await import('../dist/core.js');
  await registerCrds(request, STORED_KINDS.map(kindCrd));
  return { child, url, label: `the real kube-apiserver (Kubernetes ${kubernetesVersion().gitVersion}, with the CRDs of the ${STORED_KINDS.length} kinds egressctl stores)` };
}

function sh(script) {
  return new Promise((resolvePromise) => {
    const child = spawn('sh', ['-c', script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
  });
}

let failed = 0;
async function step(title, script, opts = {}) {
  process.stdout.write(`\n${dim(`# ${title}`)}\n${bold(`$ ${script}`)}\n`);
  const r = await sh(script);
  process.stdout.write(r.stdout);
  process.stdout.write(r.stderr);
  const ok = opts.accept ? opts.accept(r) : r.code === 0;
  if (!ok) {
    failed++;
    process.stdout.write(`${bold(`!! step failed (exit ${r.code})`)}\n`);
  }
  return r;
}

let server;
try {
  server = await startServer();
  process.stdout.write(`${dim(`# ${server.label ?? 'egressctl serve'} is listening on ${server.url}; KUBECONFIG=${kubeconfig}`)}\n`);
  await step('Create the five egress rules of the "Control Egress TCP Traffic" task', SEED_CREATE);
  await step('List them', 'egressctl get egressrules');
  await step('As YAML', 'egressctl get egressrules -o yaml');
  await step('Clean up, as the task does', 'egressctl delete egressrule wikipedia-range1 wikipedia-range2 wikipedia-range3 wikipedia-range4 wikipedia-range5 -n default');
  await step('Nothing left', 'egressctl get egressrules');

  await step('"Control Egress Traffic": let workloads call httpbin.org, with a 3 s timeout on those calls', HTTPBIN_CREATE);
  await step('The route rule', 'egressctl get routerules -o wide');
  await step('Clean up', 'egressctl delete routerule httpbin-timeout-rule && egressctl delete egressrule httpbin-egress-rule');

  await step("Moving to today's Istio: the wikipedia rules as ServiceEntries, stored straight away", 'egressctl convert -f fixtures/seed/wikipedia-rules.yaml | egressctl create -f -');
  await step('Listed as ServiceEntries', 'egressctl get serviceentries -o wide');

  // "Enabling Egress Traffic": the sidecar intercepts only Minikube's cluster range; everything
  // else goes straight out. First the injected manifest, then the seed's own command, which pipes
  // it into `kubectl apply` (egressctl serve holds Services and Deployments, extensions/v1beta1
  // too; the real kube-apiserver stores them, and runs no pods), and the Deployment as the server
  // stored it. Without kubectl on PATH, the manifest only.
  await step('Inject the sidecar into the sleep sample so that it intercepts only 10.0.0.0/24 (Minikube)', 'egressctl kube-inject -f fixtures/samples/sleep-istio-0.2.yaml --includeIPRanges=10.0.0.1/24');
  if (spawnSync('sh', ['-c', 'command -v kubectl'], { env }).status === 0) {
    if (which === 'serve') {
      await step('Apply it, as the task does', 'egressctl kube-inject -f fixtures/samples/sleep-istio-0.2.yaml --includeIPRanges=10.0.0.1/24 | kubectl apply -f -');
    } else {
      // Kubernetes stopped serving extensions/v1beta1 Deployments in 1.16, so the 0.2 sample cannot
      // be applied to this server (kubectl: no matches for kind "Deployment" in version
      // "extensions/v1beta1"); today's sleep sample (apps/v1) is injected and applied instead.
      await step('Apply it, as the task does (today\'s sleep sample: this Kubernetes no longer serves the 0.2 sample\'s extensions/v1beta1)', 'egressctl kube-inject -f fixtures/samples/sleep-istio-current.yaml --includeIPRanges=10.0.0.1/24 | kubectl apply -f -');
    }
    await step('The Deployment has the sidecar, and the init container the range', `kubectl get deployment sleep -o jsonpath='{range .spec.template.spec.containers[*]}{.name}{"\\n"}{end}{.spec.template.spec.initContainers[0].args}{"\\n"}'`);
  } else {
    process.stdout.write(`\n${dim('# kubectl is not on PATH: the injected manifest is shown, not applied')}\n`);
  }
  await step('A range with a typo is refused before anything is written', 'egressctl kube-inject -f fixtures/samples/sleep-istio-0.2.yaml --includeIPRanges=10.0.0/24', { accept: (r) => r.code === 1 && r.stdout === '' && /10\.0\.0\/24 is not a valid CIDR block/.test(r.stderr) });
  await step('The rules checked offline, with every problem at its place', 'egressctl validate -f fixtures/seed/wikipedia-rules.yaml');
} catch (e) {
  failed++;
  process.stdout.write(`demo: ${e.message}\n`);
} finally {
  if (server) {
    server.child.kill('SIGTERM');
    await new Promise((r) => (server.child.exitCode !== null ? r() : server.child.once('exit', r)));
  }
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(failed ? `\n${bold(`demo: ${failed} step(s) failed`)}\n` : `\n${dim('# demo: every step succeeded; the server is stopped')}\n`);
process.exitCode = failed ? 1 : 0;
