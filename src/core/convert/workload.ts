// Workloads injected by Istio 0.x's kube-inject -> the same workloads without the 0.x sidecar, their
// pod template annotated with the outbound IP ranges the sidecar captured. Pure.
//
// A workload counts as injected by 0.x when it (or its pod or job template) carries
// `sidecar.istio.io/status: injected-version-...`, the value 0.x wrote (today's injector writes
// JSON there). Removed: the `istio-proxy` container, the `istio-init` and `enable-core-dump` init
// containers, the `istio-envoy` and `istio-certs` volumes, and the status annotations. Added on the
// pod template: `traffic.sidecar.istio.io/includeOutboundIPRanges`, from istio-init's `-i`:
// - no `-i`, or an empty one, meant "capture everything" in 0.x: `*` today (where empty means none);
// - a list: the same blocks, each as its network. When the blocks left out are fewer than the blocks
//   listed (a list kube-inject computed from --excludeIPRanges), it is written as `*` with
//   `excludeOutboundIPRanges` for the blocks left out: the same IPv4 addresses, shorter.
import { ALL_IPV4, formatCidr, mergeCidrs, parseCidrList, subtractCidrs } from '../cidr.ts';
import { isObject } from '../fields.ts';
import { CORE_DUMP_CONTAINER, INIT_CONTAINER, PROXY_CONTAINER, STATUS_ANNOTATION, TEMPLATE_PATH } from '../inject.ts';

type Obj = Record<string, unknown>;

export const INCLUDE_ANNOTATION = 'traffic.sidecar.istio.io/includeOutboundIPRanges';
export const EXCLUDE_ANNOTATION = 'traffic.sidecar.istio.io/excludeOutboundIPRanges';
const INJECTED_0X = /^injected-version-/;
const VOLUMES = ['istio-envoy', 'istio-certs'];

export function isWorkload(value: unknown): value is Obj {
  return isObject(value) && typeof value.kind === 'string' && TEMPLATE_PATH[value.kind] !== undefined;
}

export interface Ranges {
  include: string;
  exclude?: string;
  note?: string;
}

/** The annotations for the `-i` value of a 0.x istio-init (undefined: no -i). */
export function rangesOf(value: string | undefined): Ranges | { error: string } {
  const v = value?.trim() ?? '';
  if (v === '' || v === '*') return { include: '*' };
  const r = parseCidrList(v);
  if (r.errors.length > 0) return { error: r.errors.join('; ') };
  const listed = [...new Set(r.cidrs.map(formatCidr))];
  const left = subtractCidrs([ALL_IPV4], r.cidrs);
  if (left.length === 0) return { include: '*' };
  if (left.length < mergeCidrs(r.cidrs).length) {
    const exclude = left.map(formatCidr).join(',');
    return { include: '*', exclude, note: `the ${listed.length} blocks of istio-init's -i are every IPv4 address but ${exclude}: written as ${INCLUDE_ANNOTATION} "*" with ${EXCLUDE_ANNOTATION} "${exclude}" (the same IPv4 addresses; "*" also captures IPv6, which 0.x never did)` };
  }
  return { include: listed.join(',') };
}

function at(o: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((v, k) => (isObject(v) ? v[k] : undefined), o);
}

function annotationsOf(meta: unknown): Obj | undefined {
  return isObject(meta) && isObject(meta.annotations) ? meta.annotations : undefined;
}

function named(list: unknown, names: readonly string[]): Obj[] {
  return Array.isArray(list) ? list.filter((c): c is Obj => isObject(c) && names.includes(c.name as string)) : [];
}

/** Removes the named entries of a list field; the field goes when nothing is left. */
function removeNamed(spec: Obj, field: string, names: readonly string[]): void {
  const list = spec[field];
  if (!Array.isArray(list)) return;
  const kept = list.filter((c) => !(isObject(c) && names.includes(c.name as string)));
  if (kept.length > 0) spec[field] = kept;
  else delete spec[field];
}

function dropStatus(meta: unknown): void {
  const a = annotationsOf(meta);
  if (!a || a[STATUS_ANNOTATION] === undefined) return;
  delete a[STATUS_ANNOTATION];
  if (Object.keys(a).length === 0) delete (meta as Obj).annotations;
}

/** Sets a key of an object as its first one (a pod template's metadata goes before its spec). */
function setFirst(o: Obj, key: string, value: unknown): void {
  const rest = Object.entries(o).filter(([k]) => k !== key);
  for (const [k] of rest) delete o[k];
  o[key] = value;
  for (const [k, v] of rest) o[k] = v;
}

/** The `-i` argument of an istio-init container (undefined when it has none). */
function initRanges(init: Obj | undefined): string | undefined {
  const args = Array.isArray(init?.args) ? init!.args.map(String) : [];
  const i = args.indexOf('-i');
  return i >= 0 ? (args[i + 1] ?? '') : undefined;
}

/**
 * rangesOf, remembered per `-i` value: kube-inject wrote the same value into every workload it
 * injected. The results are shared, hence frozen.
 */
const RANGES = new Map<string | undefined, Readonly<Ranges> | { readonly error: string }>();

function rangesOfInit(value: string | undefined): Readonly<Ranges> | { readonly error: string } {
  let r = RANGES.get(value);
  if (r === undefined) {
    r = Object.freeze(rangesOf(value));
    if (RANGES.size < 1000) RANGES.set(value, r);
  }
  return r;
}

/**
 * The copy of a workload that uninject rewrites: the objects on the paths it changes are copied
 * (their keys in the same order), everything else is shared with the original, which is never
 * changed. Returns the copy.
 */
function copyPath(root: Obj, path: readonly string[]): Obj {
  let o = root;
  for (const k of path) {
    if (!isObject(o[k])) return root;
    o[k] = { ...(o[k] as Obj) };
    o = o[k] as Obj;
  }
  return root;
}

export type UninjectResult =
  | { kind: 'not-injected'; note?: string }
  | { kind: 'uninjected'; value: Obj; status: string; ranges: Readonly<Ranges> }
  | { kind: 'error'; message: string };

/** Takes the 0.x sidecar out of one workload (the value is not changed; a rewritten copy is returned). */
export function uninject(value: Obj): UninjectResult {
  const path = TEMPLATE_PATH[value.kind as string]!;
  const metas = [value.metadata, path.length ? at(value, [...path, 'metadata']) : undefined, value.kind === 'CronJob' ? at(value, ['spec', 'jobTemplate', 'metadata']) : undefined];
  const status = metas.map((m) => annotationsOf(m)?.[STATUS_ANNOTATION]).find((s) => typeof s === 'string' && INJECTED_0X.test(s)) as string | undefined;
  const podSpec = at(value, [...path, 'spec']);
  if (!status) {
    const anyStatus = metas.some((m) => annotationsOf(m)?.[STATUS_ANNOTATION] !== undefined);
    if (!anyStatus && isObject(podSpec) && named(podSpec.containers, [PROXY_CONTAINER]).length > 0 && named(podSpec.initContainers, [INIT_CONTAINER]).length > 0) {
      return { kind: 'not-injected', note: `has ${PROXY_CONTAINER} and ${INIT_CONTAINER} containers but no ${STATUS_ANNOTATION} annotation: not taken for a 0.x injection, left unchanged` };
    }
    return { kind: 'not-injected' };
  }
  if (!isObject(podSpec)) return { kind: 'error', message: `annotated ${STATUS_ANNOTATION}: ${status} but ${[...path, 'spec'].join('.') || 'spec'} is not a mapping` };
  const raw = initRanges(named(podSpec.initContainers, [INIT_CONTAINER])[0]);
  const ranges = rangesOfInit(raw);
  if ('error' in ranges) return { kind: 'error', message: `${INIT_CONTAINER} -i ${JSON.stringify(raw)}: ${ranges.error}` };

  // What is changed below, copied; the rest shared with `value`.
  const copy: Obj = { ...value };
  copyPath(copy, ['metadata', 'annotations']);
  copyPath(copy, [...path, 'spec']);
  copyPath(copy, [...path, 'metadata', 'annotations']);
  if (copy.kind === 'CronJob') copyPath(copy, ['spec', 'jobTemplate', 'metadata', 'annotations']);
  const spec = at(copy, [...path, 'spec']) as Obj;
  removeNamed(spec, 'containers', [PROXY_CONTAINER]);
  removeNamed(spec, 'initContainers', [INIT_CONTAINER, CORE_DUMP_CONTAINER]);
  removeNamed(spec, 'volumes', VOLUMES);
  dropStatus(copy.metadata);
  if (copy.kind === 'CronJob') {
    const jobMeta = at(copy, ['spec', 'jobTemplate', 'metadata']);
    dropStatus(jobMeta);
    if (isObject(jobMeta) && Object.keys(jobMeta).length === 0) delete (at(copy, ['spec', 'jobTemplate']) as Obj).metadata;
  }
  const holder = path.length ? (at(copy, path) as Obj) : copy;
  if (!isObject(holder.metadata)) setFirst(holder, 'metadata', {});
  const podMeta = holder.metadata as Obj;
  dropStatus(podMeta);
  if (!isObject(podMeta.annotations)) podMeta.annotations = {};
  const annotations = podMeta.annotations as Obj;
  annotations[INCLUDE_ANNOTATION] = ranges.include;
  if (ranges.exclude) annotations[EXCLUDE_ANNOTATION] = ranges.exclude;
  return { kind: 'uninjected', value: copy, status, ranges };
}
