// The differential harness: the same steps (raw HTTP requests, kubectl and egressctl commands) run
// against the real kube-apiserver and against `egressctl serve`, each answer normalised (uids,
// timestamps, resourceVersions, managedFields, allocated IPs and ports, the servers' own names and
// addresses) and the two compared. A step is one line in a steps file; a difference that is kept
// on purpose is marked `known` with the reason README gives, and the test checks it is still there.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import yaml from 'js-yaml';
import { KUBECTL_ENV, ROOT, request, startServer, type RawResponse, type TestServer } from '../helpers/server.ts';
import { startKubeApiserver, type KubeApiserver } from '../helpers/kube-apiserver.ts';
import { ISTIO_TYPES } from '../../src/server/resources.ts';
import { crdObject } from '../../src/server/builtins.ts';

export type Which = 'real' | 'serve';

export interface Target {
  which: Which;
  url: string;
  token: string;
  kubeconfig: string;
  /** A directory of this target's own: kubectl's cache and HOME, files steps write. */
  dir: string;
  stop(): Promise<void>;
}

export type Observation = unknown;

export interface Step {
  name: string;
  run(t: Target): Promise<Observation>;
  /**
   * Serve is held to the part of the real answer it serves (discovery: the resources it has), less
   * the documented differences: returns the two observations to compare.
   */
  project?(real: Observation, serve: Observation): [Observation, Observation];
  /** A difference kept on purpose: why (README, "Differences from a real API server"). */
  known?: string;
  /** Needs kubectl. */
  kubectl?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Starting the two servers

const CLUSTER_RANGE = '10.96.0.0/12';

/** The CRDs serve installs, as objects to create on the real server. */
function istioCrds(): object[] {
  return ISTIO_TYPES.map((t) => {
    const crd = crdObject(t, '');
    return { apiVersion: crd.apiVersion, kind: crd.kind, metadata: { name: crd.metadata.name, labels: crd.metadata.labels }, spec: crd.spec };
  });
}

/** The real server, with what a cluster's controllers would have made at once (the default ServiceAccounts) and serve's Istio CRDs. */
export async function startReal(): Promise<Target> {
  // --allow-privileged as kubeadm and kind set it: the injected sidecar of Istio 0.x is privileged.
  const real: KubeApiserver = await startKubeApiserver({ crds: istioCrds(), serviceClusterIpRange: CLUSTER_RANGE, args: ['--allow-privileged=true'] });
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'istio-system']) {
    const r = await request(real, 'POST', `/api/v1/namespaces/${ns}/serviceaccounts`, { body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } } });
    if (r.status !== 201) throw new Error(`default ServiceAccount in ${ns}: ${r.status} ${r.body}`);
  }
  return { which: 'real', url: real.url, token: real.token, kubeconfig: real.kubeconfig, dir: real.dir, stop: () => real.stop() };
}

export async function startServe(): Promise<Target> {
  const s: TestServer = await startServer({ serviceCidr: CLUSTER_RANGE, faultInjection: false });
  return { which: 'serve', url: s.url, token: s.token, kubeconfig: s.kubeconfig, dir: s.dir, stop: () => s.stop() };
}

// ---------------------------------------------------------------------------------------------
// Running things against a target

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], t: Target, input?: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: t.dir, env: { ...process.env, ...KUBECTL_ENV, HOME: t.dir, NO_COLOR: '1', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

/**
 * One kubectl for both servers: the dispatcher would pick 1.33 for the real server and 1.32 for
 * serve (which reports 1.32), and then the client, not the server, could explain a difference.
 */
let kubectlPath: string | undefined;
export function kubectlBinary(): string {
  if (kubectlPath) return kubectlPath;
  kubectlPath = 'kubectl';
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const p = join(dir, 'kubectl');
    if (!existsSync(p)) continue;
    const pinned = join(dirname(realpathSync(p)), 'kubectl.1.33');
    if (existsSync(pinned)) kubectlPath = pinned;
    break;
  }
  return kubectlPath;
}

export function kubectl(t: Target, args: string[], input?: string): Promise<Run> {
  return run(kubectlBinary(), ['--kubeconfig', t.kubeconfig, '--cache-dir', join(t.dir, 'kubectl-cache'), ...args], t, input);
}

export function egressctl(t: Target, args: string[], input?: string): Promise<Run> {
  return run(process.execPath, [join(ROOT, 'bin', 'egressctl.js'), ...args], t, input, { KUBECONFIG: t.kubeconfig });
}

/** A file in the target's directory (the same name on both, so messages that quote it compare). */
export function writeTargetFile(t: Target, name: string, text: string): string {
  const p = join(t.dir, 'files', name);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
}

export interface HttpOptions {
  body?: string | object;
  contentType?: string;
  accept?: string;
  /** No Authorization header (null) or another token. */
  token?: string | null;
}

export async function http(t: Target, method: string, path: string, o: HttpOptions = {}): Promise<RawResponse> {
  const headers: Record<string, string> = {};
  if (o.accept) headers.Accept = o.accept;
  return request(t, method, path, { body: o.body, contentType: o.contentType, headers, token: o.token });
}

// ---------------------------------------------------------------------------------------------
// Normalising

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/g;
const DROP = new Set(['managedFields', 'uid', 'creationTimestamp', 'resourceVersion', 'selfLink', 'lastTransitionTime', 'time']);

export interface Context {
  t: Target;
}

/** The strings that name one server rather than the other: its URL, users, contexts. */
function text(s: string, c: Context): string {
  const u = new URL(c.t.url);
  return s
    .split(c.t.url).join('<server>')
    .split(u.host).join('<server>')
    .split(c.t.dir).join('<dir>')
    .replace(UUID, '<uid>')
    .replace(TIME, '<time>')
    .replace(/kube-apiserver-local-admin|egressctl-local-admin/g, '<user>')
    .replace(/kube-apiserver-local|egressctl-local/g, '<context>')
    .replace(/kube-api-access-[a-z0-9]{5}/g, 'kube-api-access-<suffix>');
}

/** A JSON answer with what differs between any two servers taken out. */
export function normJson(v: unknown, c: Context, key = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => normJson(x, c, key));
  if (typeof v === 'string') {
    if (key === 'continue' && v) return '<continue>';
    if (key === 'cells') return normText(v, c);
    if ((key === 'clusterIP' || key === 'clusterIPs') && /^\d+\.\d+\.\d+\.\d+$/.test(v)) return '<clusterIP>';
    return text(v, c);
  }
  if (typeof v === 'number' && key === 'nodePort') return '<nodePort>';
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (DROP.has(k)) continue;
    out[text(k, c)] = normJson(x, c, k);
  }
  return out;
}

const AGE = /^\d+(s|m|h|d|y)(\d+(s|m|h|d))?$/;

/** kubectl's or egressctl's text output: ages, IPs, node ports and revisions out, table padding collapsed. */
export function normText(s: string, c: Context): string {
  return text(s, c)
    .split('\n')
    .map((line) =>
      line
        .split(/ {2,}|\t/)
        .map((cell) => cell.split(' ').map((w) => (AGE.test(w) ? '<age>' : w)).join(' '))
        .join(' | ')
        .replace(/\b10\.(9[6-9]|1[01]\d)\.\d+\.\d+\b/g, '<clusterIP>')
        .replace(/\b(\d+):3\d{4}\/(TCP|UDP|SCTP)/g, '$1:<nodePort>/$2')
        .replace(/(at|to) revision \d+/g, '$1 revision <rv>')
        .replace(/\/tmp\/(LIVE|MERGED)-\d+/g, '/tmp/$1-<n>')
        .replace(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d+ [+-]\d{4}/g, '<time>')
        .replace(/\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}/g, '<time>')
        .replace(/resourceVersion: "\d+"/g, 'resourceVersion: "<rv>"'),
    )
    .join('\n');
}

/** An HTTP answer: status, media type, warnings and the normalised body. */
export function normResponse(r: RawResponse, c: Context): Observation {
  const type = String(r.headers['content-type'] ?? '').split(';')[0];
  const warnings = r.headers.warning ? String(r.headers.warning).split(/,(?=\s*299)/).map((w) => w.trim()) : [];
  let body: unknown = r.body;
  try {
    body = normJson(JSON.parse(r.body), c);
  } catch {
    body = normText(r.body, c);
  }
  const o: Record<string, unknown> = { status: r.status, type, body };
  if (warnings.length) o.warnings = warnings;
  return o;
}

/** A command's result; `-o yaml`/`-o json` output is parsed and normalised as JSON is. */
export function normRun(r: Run, c: Context, parse?: 'yaml' | 'json'): Observation {
  let stdout: unknown = normText(r.stdout, c);
  if (parse && r.code === 0) stdout = normJson(parse === 'json' ? JSON.parse(r.stdout) : yaml.loadAll(r.stdout), c);
  return { code: r.code, stdout, stderr: normText(r.stderr, c) };
}

// ---------------------------------------------------------------------------------------------
// Step constructors: one line each in the steps files

export function httpStep(name: string, method: string, path: string, o: HttpOptions & Pick<Step, 'known' | 'project'> & { pick?(body: any): unknown } = {}): Step {
  return {
    name: `${method} ${path}${name ? ` (${name})` : ''}`,
    known: o.known,
    project: o.project,
    async run(t) {
      const r = await http(t, method, path, o);
      const obs = normResponse(r, { t }) as Record<string, unknown>;
      if (o.pick) obs.body = o.pick(obs.body);
      return obs;
    },
  };
}

export function kubectlStep(args: string[], o: { input?: string; parse?: 'yaml' | 'json'; files?: Record<string, string>; known?: string; name?: string; project?: Step['project'] } = {}): Step {
  return {
    name: `kubectl ${args.join(' ')}${o.name ? ` (${o.name})` : ''}`,
    kubectl: true,
    known: o.known,
    project: o.project,
    async run(t) {
      const files = Object.fromEntries(Object.entries(o.files ?? {}).map(([k, v]) => [k, writeTargetFile(t, k, v)]));
      const a = args.map((x) => files[x] ?? x);
      return normRun(await kubectl(t, a, o.input), { t }, o.parse);
    },
  };
}

export function egressctlStep(args: string[], o: { input?: string; parse?: 'yaml' | 'json'; files?: Record<string, string>; known?: string; name?: string } = {}): Step {
  return {
    name: `egressctl ${args.join(' ')}${o.name ? ` (${o.name})` : ''}`,
    known: o.known,
    async run(t) {
      const files = Object.fromEntries(Object.entries(o.files ?? {}).map(([k, v]) => [k, writeTargetFile(t, k, v)]));
      const a = args.map((x) => files[x] ?? x);
      const obs = normRun(await egressctl(t, a, o.input), { t }, o.parse) as Record<string, string>;
      // egressctl writes 16 objects at a time: its per-object warnings come in the order the answers do.
      return { ...obs, stderr: obs.stderr.split('\n').sort().join('\n') };
    },
  };
}

/** A step of several requests (a sequence whose parts depend on each other), observed together. */
export function seqStep(name: string, fn: (t: Target) => Promise<Observation>, o: Pick<Step, 'known' | 'kubectl'> = {}): Step {
  return { name, run: fn, ...o };
}

// ---------------------------------------------------------------------------------------------
// Projections: serve answers for what it serves; the real server's answer cut down to that, and
// the differences README documents taken out of both

type Body = Record<string, any>;
const body = (o: Observation): Body => ((o as Body)?.body ?? {}) as Body;
const withBody = (o: Observation, b: unknown): Observation => ({ ...(o as Body), body: b });

/** Documented: serve keeps nodes, CRDs and ServiceCIDRs read-only (they are its own, made at start). */
const READ_ONLY = new Set(['nodes', 'customresourcedefinitions', 'servicecidrs']);
/** Documented: serve also serves extensions/v1beta1 (Istio 0.2's samples), which 1.16+ dropped. */
const SERVE_ONLY_GROUPS = new Set(['extensions']);
/** The custom resource groups: the real server lists their resources in no stable order (a map's). */
const isCustomGroup = (group: string) => group.endsWith('.istio.io');
const byName = (key: string) => (a: Body, b: Body) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0);

function readOnlyVerbs(r: Body, name: string): Body {
  return READ_ONLY.has(name) ? { ...r, verbs: ['get', 'list', 'watch'] } : r;
}

/** An APIResourceList: the real server's resources that serve has, in the real order. */
export function resourcesServeHas(real: Observation, serve: Observation): [Observation, Observation] {
  const names = new Set((body(serve).resources ?? []).map((r: Body) => r.name));
  const custom = isCustomGroup(String(body(serve).groupVersion ?? '').split('/')[0]);
  const sort = (list: Body[]) => (custom ? [...list].sort(byName('name')) : list);
  const realResources = sort((body(real).resources ?? []).filter((r: Body) => names.has(r.name)).map((r: Body) => readOnlyVerbs(r, r.name)));
  return [withBody(real, { ...body(real), resources: realResources }), withBody(serve, { ...body(serve), resources: sort(body(serve).resources ?? []) })];
}

/** An APIGroupList: the real server's groups that serve has. */
export function groupsServeHas(real: Observation, serve: Observation): [Observation, Observation] {
  const servedGroups = (body(serve).groups ?? []).filter((g: Body) => !SERVE_ONLY_GROUPS.has(g.name));
  const names = new Set(servedGroups.map((g: Body) => g.name));
  return [withBody(real, { ...body(real), groups: (body(real).groups ?? []).filter((g: Body) => names.has(g.name)) }), withBody(serve, { ...body(serve), groups: servedGroups })];
}

/** An APIGroupDiscoveryList: groups, versions and resources that serve has. */
export function aggregatedServeHas(real: Observation, serve: Observation): [Observation, Observation] {
  const has = new Map<string, Map<string, Set<string>>>();
  const serveItems = (body(serve).items ?? []).filter((g: Body) => !SERVE_ONLY_GROUPS.has(g.metadata?.name ?? ''));
  for (const g of serveItems) {
    const versions = new Map<string, Set<string>>();
    for (const v of g.versions ?? []) versions.set(v.version, new Set((v.resources ?? []).map((r: Body) => r.resource)));
    has.set(g.metadata?.name ?? '', versions);
  }
  const sortCustom = (g: Body) => ({ ...g, versions: (g.versions ?? []).map((v: Body) => (isCustomGroup(g.metadata?.name ?? '') ? { ...v, resources: [...(v.resources ?? [])].sort(byName('resource')) } : v)) });
  const items = (body(real).items ?? [])
    .filter((g: Body) => has.has(g.metadata?.name ?? ''))
    .map((g: Body) => {
      const versions = has.get(g.metadata?.name ?? '')!;
      return sortCustom({
        ...g,
        versions: (g.versions ?? []).filter((v: Body) => versions.has(v.version)).map((v: Body) => ({
          ...v,
          resources: (v.resources ?? []).filter((r: Body) => versions.get(v.version)!.has(r.resource)).map((r: Body) => readOnlyVerbs({ ...r, subresources: undefined }, r.resource)),
        })),
      });
    });
  return [withBody(real, { ...body(real), items: JSON.parse(JSON.stringify(items)) }), withBody(serve, { ...body(serve), items: serveItems.map(sortCustom) })];
}

/** The /openapi/v3 index: the group-versions serve documents (hashes are the servers' own). */
export function openapiIndexServeHas(real: Observation, serve: Observation): [Observation, Observation] {
  const keys = Object.keys(body(serve).paths ?? {}).filter((k) => !k.startsWith('apis/extensions/'));
  const pick = (o: Observation) => withBody(o, { paths: Object.fromEntries(keys.filter((k) => k in (body(o).paths ?? {})).map((k) => [k, body(o).paths[k]])) });
  return [pick(real), pick(serve)];
}

/** kubectl's text lines: the real ones whose first words serve prints too, in the real order. */
export function linesServeHas(real: Observation, serve: Observation): [Observation, Observation] {
  const r = real as Body;
  const s = serve as Body;
  const key = (l: string) => l.split(' | ').slice(0, 2).join(' | ');
  // Documented: serve's extensions/v1beta1 rows.
  const serveLines = String(s.stdout).split('\n').filter((l) => !l.includes('extensions/v1beta1'));
  const keys = new Set(serveLines.map(key));
  return [{ ...r, stdout: String(r.stdout).split('\n').filter((l) => keys.has(key(l))).join('\n') }, { ...s, stdout: serveLines.join('\n') }];
}

/**
 * The real server's own controllers (its IP allocator's repair loop) may report events now and
 * then; serve runs none. Their events are taken out of the real answer (lists, Tables, kubectl's
 * lines), and what is left compared.
 */
const CONTROLLER_EVENT = /ipallocator-repair-controller|ClusterIPNotAllocated|PortNotAllocated|nodePortAllocation/;
export function withoutControllerEvents(real: Observation, serve: Observation): [Observation, Observation] {
  const r = real as Body;
  if (typeof r.stdout === 'string') {
    let out = r.stdout.split('\n').filter((l) => !CONTROLLER_EVENT.test(l)).join('\n');
    // kubectl describe: an events table left with its headers only is `Events: <none>`.
    out = out.replace(/^Events:\n \| Type \| Reason \| Age \| From \| Message\n \| ---- \| ------ \| ---- \| ---- \| -------\n/m, 'Events: | <none>\n');
    // kubectl get events: headers only is "No resources found" on stderr.
    if (/^(NAMESPACE \| )?LAST SEEN[^\n]*\n?$/.test(out)) {
      const none = String((serve as Body).stderr).split('\n').find((l) => l.startsWith('No resources found')) ?? '';
      return [{ ...r, stdout: '', stderr: `${r.stderr}${none}\n` }, serve];
    }
    return [{ ...r, stdout: out }, serve];
  }
  const b = body(real);
  if (Array.isArray(b.items)) return [withBody(real, { ...b, items: b.items.filter((i: Body) => !CONTROLLER_EVENT.test(JSON.stringify(i))) }), serve];
  if (Array.isArray(b.rows)) return [withBody(real, { ...b, rows: b.rows.filter((i: Body) => !CONTROLLER_EVENT.test(JSON.stringify(i))) }), serve];
  return [real, serve];
}
