// Benchmark: `egressctl kube-inject` of a generated 10,000-document stream against its floor, a plain
// js-yaml loadAll + dump of the same stream, each run as a child process (start-up included) with
// its wall time and peak memory (max RSS). Target: kube-inject within 1.3x of the floor, and its
// memory flat as the stream grows (bounded by the largest document, not the stream).
//
//   npm run build && node bench/inject.mjs [DOCUMENTS] [RUNS]
import { spawnSync } from 'node:child_process';
import { mkdirSync, openSync, closeSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tmp = join(root, '.bench-tmp');
mkdirSync(tmp, { recursive: true });
const N = Number(process.argv[2] ?? 10_000);
const RUNS = Number(process.argv[3] ?? 3);

/** A stream like real manifests: a Service and a Deployment per app, and a ConfigMap now and then. */
function generate(n) {
  const docs = [];
  for (let i = 0; docs.length < n; i++) {
    docs.push(`# Service of app ${i}
apiVersion: v1
kind: Service
metadata:
  name: app-${i}
  labels:
    app: app-${i}
spec:
  ports:
  - port: 80
    name: http
  selector:
    app: app-${i}
`);
    if (docs.length < n) {
      docs.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
  namespace: team-${i % 7}
  labels: {app: app-${i}, tier: backend}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: app-${i}
  template:
    metadata:
      labels:
        app: app-${i}
        version: v${i % 3}
    spec:
      serviceAccountName: app-${i}
      containers:
      - name: app
        image: registry.example.com/app-${i}:1.${i % 10}
        args: ["--port", "8080", "--log-level", "info"]
        ports:
        - containerPort: 8080
          name: http
        env:
        - name: MODE
          value: production
        - name: REPLICA
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {cpu: "1", memory: 512Mi}
        readinessProbe:
          httpGet: {path: /healthz, port: 8080}
          periodSeconds: 5
`);
    }
    if (i % 10 === 9 && docs.length < n) {
      docs.push(`apiVersion: v1
kind: ConfigMap
metadata:
  name: settings-${i}
data:
  app.properties: |
    color=blue
    size=${i}
`);
    }
  }
  return docs.join('---\n');
}

// Reports the child's peak RSS on fd 3 when it exits; loaded with --import into both children.
const RSS_HOOK = 'data:text/javascript,' + encodeURIComponent(
  "import { writeSync } from 'node:fs'; process.on('exit', () => { try { writeSync(3, String(process.resourceUsage().maxRSS)); } catch {} });",
);

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
  const r = spawnSync(process.execPath, ['--import', RSS_HOOK, ...args], { cwd: root, stdio: ['ignore', devnull, 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  closeSync(devnull);
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { ms, rssKiB: Number(r.output[3]) };
}

function best(args) {
  const runs = Array.from({ length: RUNS }, () => run(args));
  return { ms: Math.min(...runs.map((r) => r.ms)), rssKiB: Math.max(...runs.map((r) => r.rssKiB)) };
}

const file = join(tmp, `inject-${N}.yaml`);
writeFileSync(file, generate(N));
const small = join(tmp, `inject-${Math.ceil(N / 10)}.yaml`);
writeFileSync(small, generate(Math.ceil(N / 10)));
const mb = (statSync(file).size / 1e6).toFixed(1);

const inject = (f) => ['bin/egressctl.js', 'kube-inject', '-f', f, '--includeIPRanges=10.0.0.0/8,172.16.0.0/12'];
const floorArgs = (f) => ['--input-type=module', '-e', FLOOR, f];

const baseline = best(floorArgs(file));
const injected = best(inject(file));
const injectedSmall = best(inject(small));
const startup = best(['bin/egressctl.js', 'version']);

const ratio = injected.ms / baseline.ms;
console.log(`stream: ${N} documents, ${mb} MB (${file})`);
console.log(`js-yaml loadAll+dump:        ${baseline.ms.toFixed(0).padStart(6)} ms   max RSS ${(baseline.rssKiB / 1024).toFixed(0)} MiB`);
console.log(`egressctl kube-inject:       ${injected.ms.toFixed(0).padStart(6)} ms   max RSS ${(injected.rssKiB / 1024).toFixed(0)} MiB`);
console.log(`  same, ${String(Math.ceil(N / 10)).padStart(6)} documents:   ${injectedSmall.ms.toFixed(0).padStart(6)} ms   max RSS ${(injectedSmall.rssKiB / 1024).toFixed(0)} MiB`);
console.log(`  egressctl start-up alone:  ${startup.ms.toFixed(0).padStart(6)} ms   max RSS ${(startup.rssKiB / 1024).toFixed(0)} MiB`);
console.log(`ratio kube-inject / floor: ${ratio.toFixed(2)}x (target <= 1.3x) ${ratio <= 1.3 ? 'OK' : 'OVER'}`);
console.log(`memory growth from ${Math.ceil(N / 10)} to ${N} documents: ${((injected.rssKiB - injectedSmall.rssKiB) / 1024).toFixed(0)} MiB (the floor holds the whole stream)`);
