// Benchmark: `egressctl convert` of a generated 10,000-document stream of mixed 0.x config
// (EgressRules, RouteRules with routes and faults, DestinationPolicies, injected Deployments and
// other documents) against its floor, a plain js-yaml loadAll + dump of the same stream, each run as
// a child process (start-up included), interleaved. Target: convert within 1.5x of the floor.
//
//   npm run build && node bench/convert.mjs [DOCUMENTS] [RUNS]
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const tmp = join(root, '.bench-tmp');
mkdirSync(tmp, { recursive: true });
const N = Number(process.argv[2] ?? 10_000);
const RUNS = Number(process.argv[3] ?? 5);
const cli = join(root, 'bin/egressctl.js');

/** A tenth of the documents are injected Deployments (made by kube-inject itself); the rest 0.x config and plain documents. */
function generate(n) {
  const docs = [];
  const deployment = (i) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
spec:
  selector:
    matchLabels: {app: app-${i}}
  template:
    metadata:
      labels: {app: app-${i}, version: v${i % 3}}
    spec:
      containers:
      - name: app
        image: registry.example.com/app-${i}:1.0
        ports: [{containerPort: 8080}]
`;
  const plain = [];
  for (let i = 0; docs.length + plain.length < n; i++) {
    const ns = `team-${i % 5}`;
    docs.push(`kind: EgressRule
metadata:
  name: egress-${i}
  namespace: ${ns}
spec:
  destination:
    service: "${i % 2 ? `*.api${i}.example.com` : `${(i * 7) % 223}.${(i * 13) % 256}.${i % 256}.0/24`}"
  ports:
  - port: ${i % 2 ? 443 : 8443}
    protocol: ${i % 2 ? 'https' : 'tcp'}
`);
    docs.push(`kind: RouteRule
metadata:
  name: route-${i}
  namespace: ${ns}
spec:
  destination:
    name: svc-${i % 200}
  precedence: ${i}
  match:
    request:
      headers:
        cookie:
          regex: "^(.*?;)?(user=u${i})(;.*)?$"
  route:
  - labels: {version: v1}
    weight: 80
  - labels: {version: v2}
    weight: 20
  httpReqTimeout:
    simpleTimeout: {timeout: 2s}
  httpReqRetries:
    simpleRetry: {attempts: 3, perTryTimeout: 500ms}
  httpFault:
    delay: {percent: 10, fixedDelay: 5s}
`);
    docs.push(`kind: DestinationPolicy
metadata:
  name: policy-${i}
  namespace: ${ns}
spec:
  destination:
    name: svc-${i % 200}
    labels: {version: v1}
  loadBalancing: {name: RANDOM}
  circuitBreaker:
    simpleCb: {maxConnections: 100, httpMaxPendingRequests: 10, sleepWindow: 15m, httpDetectionInterval: 5m}
`);
    if (i % 3 === 0) plain.push(deployment(i));
    docs.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-${i}\ndata:\n  color: blue\n`);
  }
  return { docs: docs.slice(0, n - plain.length), plain };
}

// The floor: parse every document and dump it again, nothing else.
const FLOOR = `
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
const text = readFileSync(process.argv[1], 'utf8');
const out = [];
for (const d of yaml.loadAll(text)) out.push(yaml.dump(d), '---\\n');
process.stdout.write(out.join(''));
`;

function run(args) {
  const devnull = openSync('/dev/null', 'w');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', devnull, 'pipe'], encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, NODE_EXTRA_CA_CERTS: '' } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  closeSync(devnull);
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr.slice(0, 1000)}`);
  return ms;
}

const { docs, plain } = generate(N);
// The injected Deployments: made by kube-inject itself.
const plainFile = join(tmp, `convert-plain-${N}.yaml`);
writeFileSync(plainFile, plain.join('---\n'));
const injected = spawnSync(process.execPath, [cli, 'kube-inject', '-f', plainFile, '--includeIPRanges=10.0.0.0/8'], { encoding: 'utf8', maxBuffer: 1 << 28 });
if (injected.status !== 0) throw new Error(`kube-inject failed: ${injected.stderr}`);
const file = join(tmp, `convert-${N}.yaml`);
writeFileSync(file, `${docs.join('---\n')}---\n${injected.stdout}`);

const floorArgs = ['--input-type=module', '-e', FLOOR, file];
const convertArgs = [cli, 'convert', '-f', file];
const floor = [];
const ours = [];
run(convertArgs); // warm the code cache, as on a user's machine
for (let i = 0; i < RUNS; i++) {
  floor.push(run(floorArgs));
  ours.push(run(convertArgs));
}
const ratio = median(ours) / median(floor);
console.log(`stream: ${N} documents (${plain.length} injected Deployments), ${(statSync(file).size / 1e6).toFixed(1)} MB; ${RUNS} interleaved runs, medians (min..max)`);
console.log(`js-yaml loadAll+dump:  ${median(floor).toFixed(0).padStart(6)} ms (${Math.min(...floor).toFixed(0)}..${Math.max(...floor).toFixed(0)})`);
console.log(`egressctl convert:     ${median(ours).toFixed(0).padStart(6)} ms (${Math.min(...ours).toFixed(0)}..${Math.max(...ours).toFixed(0)})`);
console.log(`ratio convert / floor: ${ratio.toFixed(2)}x (target <= 1.5x) ${ratio <= 1.5 ? 'OK' : 'OVER'}`);
