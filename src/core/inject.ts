// kube-inject: adds Istio 0.4's sidecar to the workloads of a YAML stream. Pure: text in, text out,
// every setting a parameter, warnings through a callback.
//
// Documents are handled one at a time (`Injector.document`), so a caller streaming a 100 MB input
// holds one document. A document that is not a workload, or a workload that is skipped, is written
// back as its raw text, comments included; only rewritten documents are parsed and dumped again.
// Every document is followed by `---`, as istioctl wrote them.
import yaml from 'js-yaml';
import { needsParse, parseDocument, splitDocuments, type RawDocument } from './stream.ts';
import type { Place, Problem } from './errors.ts';
import { defaultMeshConfig, type MeshConfig } from './mesh.ts';

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';
export const PULL_POLICIES: readonly PullPolicy[] = ['Always', 'IfNotPresent', 'Never'];

export interface InjectSettings {
  hub: string;
  tag: string;
  /** The proxy's log level (`-v`); 0 leaves the flag out. */
  verbosity: number;
  sidecarProxyUID: number;
  /** Written as `sidecar.istio.io/status: injected-version-VERSION`. */
  versionString: string;
  imagePullPolicy: PullPolicy;
  coreDump: boolean;
  /** The debug proxy image, writable root filesystem and privileged proxy. */
  debug: boolean;
  /** The `-i` argument of istio-init (validated, see inject-ranges.ts); undefined = capture all. */
  includeIPRanges: string | undefined;
  mesh: MeshConfig;
}

/** istioctl 0.4's defaults. The version string defaults to the tag. */
export function defaultSettings(overrides: Partial<InjectSettings> = {}): InjectSettings {
  const s: InjectSettings = {
    hub: 'docker.io/istio',
    tag: '0.4.0',
    verbosity: 2,
    sidecarProxyUID: 1337,
    versionString: '',
    imagePullPolicy: 'IfNotPresent',
    coreDump: true,
    debug: true,
    includeIPRanges: undefined,
    mesh: defaultMeshConfig(),
    ...overrides,
  };
  if (!s.versionString) s.versionString = s.tag;
  return s;
}

export const STATUS_ANNOTATION = 'sidecar.istio.io/status';
export const POLICY_ANNOTATION = 'sidecar.istio.io/inject';
export const INIT_CONTAINER = 'istio-init';
export const PROXY_CONTAINER = 'istio-proxy';
export const CORE_DUMP_CONTAINER = 'enable-core-dump';
const IGNORED_NAMESPACES = new Set(['kube-system', 'kube-public', 'istio-system']);
const YES = new Set(['y', 'yes', 'true', 'on']);
const AUTH_CERTS_PATH = '/etc/certs/';

/** Where the pod template is, by kind (matched by kind alone, whatever the apiVersion); convert reads it too. */
export const TEMPLATE_PATH: Record<string, readonly string[]> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/**
 * Where Istio 0.4 writes the status annotation beside the top-level one, and reads the `app` label
 * for --serviceCluster: the pod template's metadata, but for a CronJob its job template's
 * (`spec.jobTemplate.metadata`; pilot/platform/kube/inject/inject.go at 0.4.0, intoObject).
 */
const TEMPLATE_META_PATH: Record<string, readonly string[]> = { CronJob: ['spec', 'jobTemplate', 'metadata'] };

export interface InjectWarning {
  place: Place;
  /** `Kind/namespace/name` (or `Kind/name` without a namespace). */
  object: string;
  message: string;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// kubectl's layout: two spaces, sequences not indented under their key, long strings not folded.
// Strings that YAML 1.1 readers (Kubernetes) would take for booleans or numbers are quoted.
const DUMP_OPTIONS: yaml.DumpOptions = { noArrayIndent: true, lineWidth: -1, noRefs: true, quotingType: '"' };

/** What the injected pieces are, given the settings: computed once per stream. */
interface Template {
  initImage: string;
  proxyImage: string;
  pullPolicy: PullPolicy;
  initArgs: string[];
  status: string;
  /** The injected init containers and proxy as YAML sequence items at column 0, dumped once. */
  initBlock: string;
  /** The proxy with CLUSTER_TOKEN where its serviceCluster goes. */
  proxyBlock: string;
}

// Dumping the ~90 lines of sidecar again for every workload is most of the cost of a rewrite. They
// are dumped once per stream and spliced into each document's dump in place of these tokens (plain
// YAML scalars); the text is byte for byte what a full dump gives.
const INIT_TOKEN = '__egressctl_inject_init__';
const PROXY_TOKEN = (i: number) => `__egressctl_inject_proxy_${i}__`;
const CLUSTER_TOKEN = '__egressctl_inject_service_cluster__';
const TOKEN_LINE = /^( *)- __egressctl_inject_(?:init|proxy_(\d+))__$/gm;
const ANY_TOKEN = '__egressctl_inject_';

function makeTemplate(s: InjectSettings): Template {
  const initArgs = ['-p', String(s.mesh.proxyListenPort), '-u', String(s.sidecarProxyUID)];
  if (s.includeIPRanges) initArgs.push('-i', s.includeIPRanges);
  const t: Template = {
    initImage: `${s.hub}/proxy_init:${s.tag}`,
    proxyImage: s.debug ? `${s.hub}/proxy_debug:${s.tag}` : `${s.hub}/proxy:${s.tag}`,
    pullPolicy: PULL_POLICIES.includes(s.imagePullPolicy) ? s.imagePullPolicy : 'IfNotPresent',
    initArgs,
    status: `injected-version-${s.versionString}`,
    initBlock: '',
    proxyBlock: '',
  };
  t.initBlock = yaml.dump(initContainers(s, t), DUMP_OPTIONS);
  t.proxyBlock = yaml.dump([proxyContainer(s, t, CLUSTER_TOKEN)], DUMP_OPTIONS);
  return t;
}

function initContainers(s: InjectSettings, t: Template): Obj[] {
  const out: Obj[] = [{
    name: INIT_CONTAINER,
    image: t.initImage,
    args: [...t.initArgs],
    imagePullPolicy: t.pullPolicy,
    securityContext: { capabilities: { add: ['NET_ADMIN'] }, privileged: true },
  }];
  if (s.coreDump) {
    out.push({
      name: CORE_DUMP_CONTAINER,
      image: 'alpine',
      command: ['/bin/sh'],
      args: ['-c', `sysctl -w kernel.core_pattern=${s.mesh.defaultConfig.configPath}/core.%e.%p.%t && ulimit -c unlimited`],
      imagePullPolicy: t.pullPolicy,
      securityContext: { privileged: true },
    });
  }
  return out;
}

function proxyContainer(s: InjectSettings, t: Template, serviceCluster: string): Obj {
  const pc = s.mesh.defaultConfig;
  return {
    name: PROXY_CONTAINER,
    image: t.proxyImage,
    args: proxyArgs(s, serviceCluster),
    env: [fieldEnv('POD_NAME', 'metadata.name'), fieldEnv('POD_NAMESPACE', 'metadata.namespace'), fieldEnv('INSTANCE_IP', 'status.podIP')],
    imagePullPolicy: t.pullPolicy,
    securityContext: { privileged: s.debug, readOnlyRootFilesystem: !s.debug, runAsUser: s.sidecarProxyUID },
    volumeMounts: [
      { name: 'istio-envoy', mountPath: pc.configPath },
      { name: 'istio-certs', mountPath: AUTH_CERTS_PATH, readOnly: true },
    ],
  };
}

/** A string as a YAML scalar on one line, as the dumper writes it in a sequence; undefined if it needs more. */
function scalar(v: string): string | undefined {
  const d = yaml.dump(v, DUMP_OPTIONS);
  return d.indexOf('\n') === d.length - 1 && !/^[|>]/.test(d) ? d.slice(0, -1) : undefined;
}

/** Replaces each token line of a dump by its block, indented as the token was. */
function splice(text: string, t: Template, clusters: string[]): string {
  return text.replace(TOKEN_LINE, (_line, indent: string, proxy: string | undefined) => {
    const block = proxy === undefined ? t.initBlock : t.proxyBlock.replace(CLUSTER_TOKEN, clusters[Number(proxy)]);
    return indent ? block.slice(0, -1).replace(/^/gm, indent) : block.slice(0, -1);
  });
}

function proxyArgs(s: InjectSettings, serviceCluster: string): string[] {
  const pc = s.mesh.defaultConfig;
  const args = ['proxy', 'sidecar'];
  if (s.verbosity > 0) args.push('-v', String(s.verbosity));
  args.push(
    '--configPath', pc.configPath,
    '--binaryPath', pc.binaryPath,
    '--serviceCluster', serviceCluster,
    '--drainDuration', pc.drainDuration,
    '--parentShutdownDuration', pc.parentShutdownDuration,
    '--discoveryAddress', pc.discoveryAddress,
    '--discoveryRefreshDelay', pc.discoveryRefreshDelay,
    '--zipkinAddress', pc.zipkinAddress,
    '--connectTimeout', pc.connectTimeout,
    '--statsdUdpAddress', pc.statsdUdpAddress,
    '--proxyAdminPort', String(pc.proxyAdminPort),
    '--controlPlaneAuthPolicy', pc.controlPlaneAuthPolicy,
  );
  return args;
}

function fieldEnv(name: string, fieldPath: string): Obj {
  return { name, valueFrom: { fieldRef: { fieldPath } } };
}

/**
 * Adds the init containers, the proxy and the volumes to a pod spec (already checked). With `fast`,
 * the containers are tokens that `splice` replaces after the dump.
 */
function injectIntoPodSpec(s: InjectSettings, t: Template, spec: Obj, podMeta: Obj, clusters: string[] | undefined): void {
  const pc = s.mesh.defaultConfig;
  const labels = podMeta.labels;
  const app = isObj(labels) && labels.app !== undefined && labels.app !== null ? String(labels.app) : undefined;
  const cluster = app ?? pc.serviceCluster;
  const clusterScalar = clusters ? scalar(cluster) : undefined;
  const initList = (spec.initContainers as unknown[] | undefined) ?? [];
  if (clusterScalar !== undefined) {
    initList.push(INIT_TOKEN);
    (spec.containers as unknown[]).push(PROXY_TOKEN(clusters!.length));
    clusters!.push(clusterScalar);
  } else {
    initList.push(...initContainers(s, t));
    (spec.containers as unknown[]).push(proxyContainer(s, t, cluster));
  }
  spec.initContainers = initList;

  const sa = typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== '' ? spec.serviceAccountName : 'default';
  const volumes = (spec.volumes as unknown[] | undefined) ?? [];
  volumes.push(
    { name: 'istio-envoy', emptyDir: { medium: 'Memory' } },
    { name: 'istio-certs', secret: { secretName: `istio.${sa}`, optional: true } },
  );
  spec.volumes = volumes;
}

function setAnnotation(meta: Obj, key: string, value: string): void {
  if (!isObj(meta.annotations)) meta.annotations = {};
  (meta.annotations as Obj)[key] = value;
}

function annotation(meta: unknown, key: string): string | undefined {
  if (!isObj(meta) || !isObj(meta.annotations)) return undefined;
  const v = meta.annotations[key];
  return v === undefined || v === null ? undefined : String(v);
}

function objectName(o: Obj): string {
  const meta = isObj(o.metadata) ? o.metadata : {};
  const name = meta.name ?? meta.generateName ?? '<unnamed>';
  return meta.namespace ? `${o.kind}/${meta.namespace}/${name}` : `${o.kind}/${name}`;
}

function containerNamed(list: unknown, name: string): Obj | undefined {
  if (!Array.isArray(list)) return undefined;
  return list.find((c) => isObj(c) && c.name === name) as Obj | undefined;
}

/** Replaces the `-i VALUE` pair of an init container's args (dropping it for "capture all"). */
function withRanges(args: unknown[], ranges: string | undefined): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (String(args[i]) === '-i') {
      i++;
      continue;
    }
    out.push(String(args[i]));
  }
  if (ranges) out.push('-i', ranges);
  return out;
}

function sameArgs(a: unknown[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => String(x) === b[i]);
}

/** What happened to one object. */
type Outcome = 'injected' | 'updated' | 'unchanged';

/**
 * Injects into one parsed object in place. Returns whether it changed; every reason for leaving it
 * alone goes to `skip`.
 */
function injectObject(o: Obj, s: InjectSettings, t: Template, note: (message: string) => void, clusters?: string[]): Outcome {
  const skip = note;
  const path = TEMPLATE_PATH[o.kind as string];
  const meta = o.metadata === undefined ? undefined : o.metadata;
  if (meta !== undefined && !isObj(meta)) {
    skip('not injected: metadata is not a mapping');
    return 'unchanged';
  }
  const ns = meta?.namespace;
  if (typeof ns === 'string' && IGNORED_NAMESPACES.has(ns)) {
    skip(`not injected: namespace ${ns} is never injected`);
    return 'unchanged';
  }

  // The pod template: metadata and spec.
  let template: unknown = o;
  let where = '';
  for (const key of path) {
    where += where ? `.${key}` : key;
    template = isObj(template) ? template[key] : undefined;
    if (!isObj(template)) {
      skip(`not injected: it has no pod template (${where} is ${template === undefined ? 'missing' : 'not a mapping'})`);
      return 'unchanged';
    }
  }
  const tmpl = template as Obj;
  const specPath = path.length ? `${path.join('.')}.spec` : 'spec';
  if (tmpl.metadata !== undefined && !isObj(tmpl.metadata)) {
    skip(`not injected: ${path.length ? `${path.join('.')}.metadata` : 'metadata'} is not a mapping`);
    return 'unchanged';
  }
  const podMeta: Obj = path.length ? ((tmpl.metadata as Obj | undefined) ?? {}) : (meta ?? {});
  // The template metadata Istio 0.4 annotates and reads `app` from (a CronJob's job template).
  const metaPath = TEMPLATE_META_PATH[o.kind as string];
  let templateMeta = podMeta;
  if (metaPath) {
    const parent = metaPath.slice(0, -1).reduce<unknown>((v, k) => (isObj(v) ? v[k] : undefined), o) as Obj;
    const m = parent.metadata;
    if (m !== undefined && !isObj(m)) {
      skip(`not injected: ${metaPath.join('.')} is not a mapping`);
      return 'unchanged';
    }
    templateMeta = (m as Obj | undefined) ?? {};
  }
  const metas = [...new Set(path.length ? [meta, templateMeta, podMeta] : [meta])];
  const describeMeta = (m: unknown) => (m === meta ? '' : m === podMeta ? ' on the pod template' : ` on ${metaPath!.join('.')}`);

  // 0.4 read this annotation on the object only; it is obeyed on the templates too (where today's
  // Istio reads it, and where kubectl-era users put it).
  for (const m of metas) {
    const policy = annotation(m, POLICY_ANNOTATION);
    if (policy !== undefined && !YES.has(policy.toLowerCase())) {
      skip(`not injected: annotation ${POLICY_ANNOTATION}: "${policy}"${describeMeta(m)} turns injection off`);
      return 'unchanged';
    }
  }

  const spec = tmpl.spec;
  if (!isObj(spec)) {
    skip(`not injected: ${specPath} is ${spec === undefined ? 'missing' : 'not a mapping'}`);
    return 'unchanged';
  }

  const status = metas.map((m) => annotation(m, STATUS_ANNOTATION)).find((v) => v !== undefined);
  if (status !== undefined) {
    // Already injected: only the captured ranges may change, in place.
    const init = containerNamed(spec.initContainers, INIT_CONTAINER);
    if (!init || !Array.isArray(init.args)) {
      skip(`not injected: already injected (annotation ${STATUS_ANNOTATION}: "${status}") and it has no ${INIT_CONTAINER} args to update`);
      return 'unchanged';
    }
    const args = withRanges(init.args, s.includeIPRanges);
    if (sameArgs(init.args, args)) {
      note(`already injected (annotation ${STATUS_ANNOTATION}: "${status}"); IP ranges unchanged`);
      return 'unchanged';
    }
    init.args = args;
    note(`already injected (annotation ${STATUS_ANNOTATION}: "${status}"): ${INIT_CONTAINER} updated to ${s.includeIPRanges ? `-i ${s.includeIPRanges}` : 'capture all (no -i)'}`);
    return 'updated';
  }

  if (spec.hostNetwork === true) {
    skip(`not injected: ${specPath}.hostNetwork is true: the init container's iptables rules would change the node's network`);
    return 'unchanged';
  }
  if (!Array.isArray(spec.containers)) {
    skip(`not injected: ${specPath}.containers is ${spec.containers === undefined ? 'missing' : 'not a list'}`);
    return 'unchanged';
  }
  for (const key of ['initContainers', 'volumes']) {
    if (spec[key] !== undefined && spec[key] !== null && !Array.isArray(spec[key])) {
      skip(`not injected: ${specPath}.${key} is not a list`);
      return 'unchanged';
    }
  }
  for (const [list, name] of [[spec.containers, PROXY_CONTAINER], [spec.initContainers, INIT_CONTAINER], [spec.initContainers, CORE_DUMP_CONTAINER]] as const) {
    if (containerNamed(list, name)) {
      skip(`not injected: it already has a container named ${name} (but no ${STATUS_ANNOTATION} annotation)`);
      return 'unchanged';
    }
  }
  for (const v of ['istio-envoy', 'istio-certs']) {
    if (containerNamed(spec.volumes, v)) {
      skip(`not injected: it already has a volume named ${v} (but no ${STATUS_ANNOTATION} annotation)`);
      return 'unchanged';
    }
  }

  if (o.metadata === undefined) o.metadata = {};
  setAnnotation(o.metadata as Obj, STATUS_ANNOTATION, t.status);
  if (path.length) {
    if (metaPath) {
      const parent = metaPath.slice(0, -1).reduce<unknown>((v, k) => (v as Obj)[k], o) as Obj;
      if (parent.metadata === undefined) parent.metadata = templateMeta;
    } else if (tmpl.metadata === undefined) tmpl.metadata = podMeta;
    setAnnotation(templateMeta, STATUS_ANNOTATION, t.status);
  }
  if (spec.initContainers === null) delete spec.initContainers;
  if (spec.volumes === null) delete spec.volumes;
  injectIntoPodSpec(s, t, spec, templateMeta, clusters);
  return 'injected';
}

function isList(v: Obj): boolean {
  return typeof v.kind === 'string' && /List$/.test(v.kind) && Array.isArray(v.items);
}

/** The comment and blank lines before a document's first content line, kept above its new text. */
function leadingComments(raw: string): string {
  let end = 0;
  while (end < raw.length) {
    const nl = raw.indexOf('\n', end);
    const line = raw.slice(end, nl < 0 ? raw.length : nl + 1);
    const t = line.trim();
    if (t !== '' && !t.startsWith('#')) break;
    end += line.length;
  }
  return raw.slice(0, end).replace(/\r\n/g, '\n');
}

/**
 * Injects stream documents one at a time. `document()` returns the text to write for each (with
 * the separator that ends the previous one), `end()` the final separator. Problems (YAML errors,
 * hostile input) are returned, never thrown.
 */
export class Injector {
  private readonly template: Template;
  private pending = false;

  constructor(
    private readonly settings: InjectSettings,
    private readonly source: string,
    private readonly warn: (w: InjectWarning) => void = () => {},
  ) {
    this.template = makeTemplate(settings);
  }

  /** The text for one document, or a problem. */
  document(doc: RawDocument): { text: string } | { problem: Problem } {
    if (!doc.hasContent && doc.raw.trim() === '') return { text: '' }; // blank: dropped, as istioctl did
    const body = this.body(doc);
    if ('problem' in body) return body;
    // A marker line with a comment (`--- # note`) is written as the separator before its document.
    const note = doc.marker !== undefined && doc.marker.slice(3).trim().startsWith('#') ? doc.marker : undefined;
    // Directives (`%YAML 1.2`) may only follow a document after a document end marker.
    const directives = !doc.hasContent && /^%/m.test(doc.raw);
    const sep = this.pending ? `${directives ? '...' : (note ?? '---')}\n` : note !== undefined ? `${note}\n` : '';
    this.pending = true;
    return { text: sep + body.text };
  }

  /** The separator that ends the last document. */
  end(): string {
    const t = this.pending ? '---\n' : '';
    this.pending = false;
    return t;
  }

  private body(doc: RawDocument): { text: string } | { problem: Problem } {
    const raw = doc.raw.endsWith('\n') || doc.raw === '' ? doc.raw : `${doc.raw}\n`;
    if (!needsParse(doc)) return { text: raw };
    // Every document is parsed, even one that is copied unchanged: broken or hostile YAML is an
    // error with its place, never passed through for kubectl to trip over later.
    const r = parseDocument(this.source, doc);
    if (!r.ok) return { problem: r.problem };
    const v = r.value;
    if (!isObj(v) || typeof v.kind !== 'string') return { text: raw };
    const place: Place = { source: this.source, document: doc.index || undefined, line: doc.line };
    let changed = false;
    // Tokens only where no text of the document could be mistaken for one.
    const clusters = doc.raw.includes(ANY_TOKEN) ? undefined : [];
    if (TEMPLATE_PATH[v.kind] !== undefined) {
      changed = this.one(v, place, clusters) !== 'unchanged';
    } else if (isList(v)) {
      (v.items as unknown[]).forEach((item, i) => {
        if (isObj(item) && typeof item.kind === 'string' && TEMPLATE_PATH[item.kind] !== undefined) {
          if (this.one(item, { ...place, item: i + 1 }, clusters) !== 'unchanged') changed = true;
        }
      });
    }
    if (!changed) return { text: raw };
    const dumped = yaml.dump(v, DUMP_OPTIONS);
    return { text: leadingComments(doc.raw) + (clusters ? splice(dumped, this.template, clusters) : dumped) };
  }

  private one(o: Obj, place: Place, clusters?: string[]): Outcome {
    const object = objectName(o);
    return injectObject(o, this.settings, this.template, (message) => this.warn({ place, object, message }), clusters);
  }
}

/** Injects a whole stream held in memory: for tests and small inputs. */
export function injectText(
  text: string,
  settings: InjectSettings,
  opts: { source?: string; warn?: (w: InjectWarning) => void } = {},
): { text: string; problems: Problem[] } {
  const inj = new Injector(settings, opts.source ?? '<input>', opts.warn);
  let out = '';
  const problems: Problem[] = [];
  for (const doc of splitDocuments(text)) {
    const r = inj.document(doc);
    if ('problem' in r) problems.push(r.problem);
    else out += r.text;
  }
  return { text: out + inj.end(), problems };
}

/** A warning as one line: `FILE: document N (line L): Kind/ns/name: not injected: reason`. */
export function formatInjectWarning(w: InjectWarning, formatPlace: (p: Place) => string): string {
  return `${formatPlace(w.place)}: ${w.object}: ${w.message}`;
}
