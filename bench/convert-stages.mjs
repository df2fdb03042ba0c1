// Where `egressctl convert`'s time goes, stage by stage, on the stream bench/convert.mjs makes
// (run that first). It bundles the core's own stages (unminified) into one script and runs it in
// fresh processes, as the CLI runs: cold, once. Each run prints every stage's time; the medians
// are reported beside the floor's two stages (js-yaml loadAll, dump).
//
//   npm run build && node bench/convert.mjs 10000 1 && node bench/convert-stages.mjs [DOCUMENTS] [RUNS]
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const tmp = join(root, '.bench-tmp');
mkdirSync(tmp, { recursive: true });
const N = Number(process.argv[2] ?? 10_000);
const RUNS = Number(process.argv[3] ?? 5);
const file = join(tmp, `convert-${N}.yaml`);
if (!existsSync(file)) {
  console.error(`${file} does not exist: run \`node bench/convert.mjs ${N} 1\` first, which makes it`);
  process.exit(2);
}

// What both timed scripts below start with: gc time, and lap() recording wall and main-thread CPU.
const TIMING = `let gc = 0;
new PerformanceObserver((l) => { for (const e of l.getEntries()) gc += e.duration; }).observe({ entryTypes: ['gc'] });
const times = {};
const cpu = {};
// The main thread's own CPU time (Linux: /proc/thread-self/schedstat, nanoseconds), which the
// other processes of a busy machine do not change; else the process's (all threads).
const threadCpu = () => {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
};
let t = performance.now();
let c = threadCpu();
const lap = (name) => {
  const now = performance.now();
  const used = threadCpu();
  times[name] = now - t;
  cpu[name] = used - c;
  t = now;
  c = threadCpu();
};
`;

// The stages of convertDocuments (src/core/convert/index.ts), in its order, each timed.
const STAGES = `
import { readFileSync } from 'node:fs';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { splitDocuments, addDocument } from './src/core/stream.ts';
import { classify, convertConfig, convertWorkloads, replacements, countAll } from './src/core/convert/index.ts';
import { Build } from './src/core/convert/build.ts';
import { Notes } from './src/core/convert/notes.ts';
import { checkObjects } from './src/core/convert/check.ts';
import { convertIngress } from './src/core/convert/ingress.ts';
import { settleNames } from './src/core/convert/names.ts';
import { warnCrossNamespace } from './src/core/convert/destinationrule.ts';
import { renderStream } from './src/core/convert/output.ts';
import { formatProblem } from './src/core/errors.ts';

${TIMING}
const text = readFileSync(process.argv[2], 'utf8');
lap('read');
const documents = [], problems = [];
for (const doc of splitDocuments(text)) addDocument(process.argv[2], doc, documents, problems);
lap('parse');
const order = new Map(documents.map((d, i) => [d, i]));
const notes = new Notes((d) => order.get(d) ?? 0);
const b = new Build({ defaultNamespace: 'default', domain: 'cluster.local' }, notes, (d) => order.get(d) ?? 0);
const inputs = classify(documents, b);
lap('classify (input validation)');
convertConfig(inputs.legacy, b);
lap('convertConfig');
const ingresses = new Set(inputs.ingresses.filter((d) => convertIngress(d, b, inputs.services)));
const workloads = convertWorkloads(inputs.workloads, b);
lap('convertWorkloads (uninject)');
for (const o of settleNames(b.objects, inputs.taken)) b.notes.warn(o.sources[0], o.kind, 'metadata.name', o.name);
for (const f of b.afterNaming) f();
warnCrossNamespace(b, b.objects);
lap('names');
checkObjects(b.objects, notes);
lap('checkObjects (output validation)');
const replacement = replacements(inputs, ingresses, workloads, b);
countAll(documents, inputs, ingresses.size, workloads.size, b, replacement);
const result = notes.result();
lap('counts, notes');
const out = renderStream(documents, replacement);
lap('renderStream');
const warned = result.warnings.map((w) => 'Warning: ' + formatProblem(w) + '\\n').join('');
lap('format warnings');
if (result.problems.length) throw new Error('problems: ' + result.problems.length);
void warned;
await new Promise((r) => setTimeout(r, 20)); // the gc entries arrive asynchronously
times.gc = gc;
process.stdout.write(JSON.stringify({ times, cpu }));
`;

const FLOOR = `
import { readFileSync } from 'node:fs';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import yaml from 'js-yaml';
${TIMING}const text = readFileSync(process.argv[2], 'utf8');
lap('read');
const docs = yaml.loadAll(text);
lap('loadAll');
const out = [];
for (const d of docs) out.push(yaml.dump(d), '---\\n');
const s = out.join('');
lap('dump');
void s;
await new Promise((r) => setTimeout(r, 20)); // the gc entries arrive asynchronously
times.gc = gc;
process.stdout.write(JSON.stringify({ times, cpu }));
`;

// Exposes the module-private stages of convertDocuments to the script above.
const exposeStages = {
  name: 'expose-convert-stages',
  setup(b) {
    b.onLoad({ filter: /src[\\/]core[\\/]convert[\\/]index\.ts$/ }, (args) => ({
      contents: `${readFileSync(args.path, 'utf8')}\nexport { classify, convertConfig, convertWorkloads, replacements, countAll };\n`,
      loader: 'ts',
    }));
  },
};

async function bundle(name, contents) {
  const outfile = join(tmp, name);
  await build({ stdin: { contents, resolveDir: root, loader: 'ts' }, bundle: true, platform: 'node', target: 'node20', format: 'esm', outfile, logLevel: 'warning', plugins: [exposeStages] });
  return outfile;
}

const stages = await bundle('convert-stages.bundle.mjs', STAGES);
const floor = await bundle('convert-floor-stages.bundle.mjs', FLOOR);

function runOnce(script) {
  const r = spawnSync(process.execPath, [script, file], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${script}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function report(title, runs) {
  console.log(`${title.padEnd(36)} wall: median   min    main thread cpu: median`);
  const sum = { w: 0, m: 0, c: 0 };
  for (const k of Object.keys(runs[0].times)) {
    const w = median(runs.map((r) => r.times[k]));
    const m = Math.min(...runs.map((r) => r.times[k]));
    const c = k === 'gc' ? undefined : median(runs.map((r) => r.cpu[k]));
    if (k !== 'gc') {
      sum.w += w;
      sum.m += m;
      sum.c += c;
    }
    console.log(`  ${k.padEnd(34)} ${w.toFixed(0).padStart(12)} ${m.toFixed(0).padStart(5)} ${c === undefined ? '  (within the stages)' : c.toFixed(0).padStart(13)}`);
  }
  console.log(`  ${'sum'.padEnd(34)} ${sum.w.toFixed(0).padStart(12)} ${sum.m.toFixed(0).padStart(5)} ${sum.c.toFixed(0).padStart(13)}`);
}

// Interleaved: each floor run beside a convert run.
const ours = [];
const theirs = [];
for (let i = 0; i < RUNS; i++) {
  ours.push(runOnce(stages));
  theirs.push(runOnce(floor));
}
console.log(`${file}: ${RUNS} runs each, interleaved, medians (in-process, start-up excluded; cpu: the main thread's CPU time)`);
report('convert, by stage:', ours);
report('floor (js-yaml loadAll + dump), by stage:', theirs);
