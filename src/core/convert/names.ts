// Names of the objects and subsets `convert` writes: valid DNS-1123 names, readable where they can
// be, stable (the same input gives the same names, whatever the order of maps), and unique where
// they must be. Pure.
//
// A name is made readable first (`version-1-0` for labels {version: "1.0"}, `reviews` for the host
// reviews.NS.svc.cluster.local in NS). When it is too long, or when two different things would get
// the same readable name, each of them gets `-` and the first 8 hex digits of a SHA-256 of what it
// stands for (the labels, the host): still readable, never colliding, and independent of order.
import { createHash } from 'node:crypto';

export const LABEL_MAX = 63;
export const SUBDOMAIN_MAX = 253;
const HASH_LENGTH = 8;

export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, HASH_LENGTH);
}

/** Lower case, runs of anything but [a-z0-9] turned into one `-`, no `-` at either end. */
export function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/** `name` cut so that `-HASH` fits in `max`, then `-HASH`. */
export function withHash(name: string, key: string, max: number): string {
  const head = name.slice(0, max - HASH_LENGTH - 1).replace(/[-.]+$/, '');
  return head === '' ? shortHash(key) : `${head}-${shortHash(key)}`;
}

/** A label set written the same way whatever the order of its keys. */
export function labelsKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
}

/**
 * The readable subset name of a label set: `key-value` pairs in key order, joined with `-`, as a
 * DNS-1123 label (`{version: "1.0"}` -> `version-1-0`, `{app: a, version: v1}` ->
 * `app-a-version-v1`); a label with an empty value gives its key alone. Longer than 63
 * characters, it is cut and ends with a hash of the labels.
 */
export function subsetName(labels: Record<string, string>): string {
  const readable = slug(Object.keys(labels).sort().map((k) => (labels[k] === '' ? k : `${k}-${labels[k]}`)).join('-'));
  if (readable !== '' && readable.length <= LABEL_MAX) return readable;
  return withHash(readable, labelsKey(labels), LABEL_MAX);
}

/**
 * Subset names for the label sets of one DestinationRule: the readable name of each, unless two
 * different label sets would share one (`{version: "1.0"}` and `{version: "1-0"}`); then each of
 * those ends with a hash of its labels. Keys are labelsKey() values.
 */
export function uniqueSubsetNames(labelSets: ReadonlyMap<string, Record<string, string>>): Map<string, string> {
  const wanted = new Map<string, string>();
  for (const [key, labels] of labelSets) wanted.set(key, subsetName(labels));
  return spreadCollisions(wanted, LABEL_MAX);
}

/** Gives every key whose wanted name another key also wants a hashed name instead. */
export function spreadCollisions(wanted: ReadonlyMap<string, string>, max: number): Map<string, string> {
  const users = new Map<string, number>();
  for (const name of wanted.values()) users.set(name, (users.get(name) ?? 0) + 1);
  const out = new Map<string, string>();
  for (const [key, name] of wanted) out.set(key, (users.get(name) ?? 0) > 1 ? withHash(name, key, max) : name);
  return out;
}

/** A DNS-1123 subdomain made of the labels of `text` (each slugged, empty ones dropped). */
function subdomainOf(text: string): string {
  return text.split('.').map((l) => slug(l).slice(0, LABEL_MAX).replace(/-+$/, '')).filter((l) => l !== '').join('.');
}

/**
 * The object name of a VirtualService or DestinationRule for a host: the service name for a
 * service of the object's own namespace (`reviews`), `name.namespace` for one of another namespace,
 * and otherwise the host made a DNS-1123 subdomain (`httpbin.org`; `*.foo.com` -> `wildcard.foo.com`,
 * `*foo.com` -> `wildcard-foo.com`, `*` -> `wildcard`).
 */
export function hostObjectName(host: string, namespace: string, domain: string): string {
  let h = host.toLowerCase();
  const svc = `.svc.${domain.toLowerCase()}`;
  if (h.endsWith(svc)) {
    h = h.slice(0, -svc.length);
    const own = `.${namespace}`;
    if (h.endsWith(own) && !h.slice(0, -own.length).includes('.')) h = h.slice(0, -own.length);
  }
  if (h.startsWith('*.')) h = `wildcard.${h.slice(2)}`;
  else if (h.startsWith('*')) h = `wildcard-${h.slice(1)}`;
  const name = subdomainOf(h) || 'host';
  return name.length <= SUBDOMAIN_MAX ? name : withHash(name, host, SUBDOMAIN_MAX);
}

/** A DNS-1123 label from a name that may hold dots (a Gateway's name from an Ingress's). */
export function labelName(name: string): string {
  const s = slug(name) || 'gateway';
  return s.length <= LABEL_MAX ? s : withHash(s, name, LABEL_MAX);
}

/** The names of the objects of one kind and namespace that the naming pass settles. */
interface Nameable {
  kind: string;
  namespace: string;
  baseName: string;
  nameKey: string;
  name: string;
}

/** The key of a name taken by a document of the input. */
export function takenKey(kind: string, namespace: string, name: string): string {
  return `${kind}\u0000${namespace}\u0000${name}`;
}

/**
 * Settles object names: within a kind and namespace, objects standing for different things that
 * want the same name (`*.foo.com` and `wildcard.foo.com`; an Ingress and a host) each get a hashed
 * one, and so does an object whose name a document of the input already has (`taken`, see
 * takenKey). Gateways' names are DNS-1123 labels, the others' subdomains. Returns the objects
 * renamed because of `taken`.
 */
export function settleNames<T extends Nameable>(objects: readonly T[], taken: ReadonlySet<string> = new Set()): T[] {
  const groups = new Map<string, T[]>();
  for (const o of objects) {
    const key = `${o.kind}\u0000${o.namespace}`;
    groups.set(key, [...(groups.get(key) ?? []), o]);
  }
  const renamed: T[] = [];
  for (const group of groups.values()) {
    const max = group[0]!.kind === 'Gateway' ? LABEL_MAX : SUBDOMAIN_MAX;
    const names = spreadCollisions(new Map(group.map((o) => [o.nameKey, o.baseName])), max);
    for (const o of group) {
      o.name = names.get(o.nameKey)!;
      if (taken.has(takenKey(o.kind, o.namespace, o.name))) {
        o.name = withHash(o.name, o.nameKey, max);
        renamed.push(o);
      }
    }
  }
  return renamed;
}
