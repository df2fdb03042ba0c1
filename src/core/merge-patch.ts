// What `apply` sends: kubectl's client-side apply for custom resources. Pure.
//
// kubectl keeps the configuration it last applied in the annotation
// kubectl.kubernetes.io/last-applied-configuration, and sends a three-way JSON merge patch
// (k8s.io/apimachinery jsonmergepatch.CreateThreeWayJSONMergePatch): the additions and changes
// that take the live object to the new configuration, plus the deletions of what the last applied
// configuration had and the new one has not. So a label taken out of the file is removed, while a
// label someone else added (never in any applied configuration) is kept. The same annotation, in
// the same form, makes egressctl and kubectl apply interchangeable on one object.

import { canonicalEqual } from './compare.ts';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RFC 7386: the patch that takes `from` to `to` (null removes; lists are replaced whole). */
export function createMergePatch(from: unknown, to: unknown): Json | undefined {
  if (!isObject(from) || !isObject(to)) return canonicalEqual(from, to) ? undefined : (to as Json);
  const patch: JsonObject = {};
  for (const k of Object.keys(to)) {
    if (!(k in from)) patch[k] = to[k]!;
    else {
      const p = createMergePatch(from[k], to[k]);
      if (p !== undefined) patch[k] = p;
    }
  }
  for (const k of Object.keys(from)) if (!(k in to)) patch[k] = null;
  return Object.keys(patch).length > 0 ? patch : undefined;
}

/** Only the deletions (nulls) of a patch, or only everything else; empty objects dropped. */
function filterNulls(patch: Json | undefined, keepNulls: boolean): Json | undefined {
  if (!isObject(patch)) {
    if (patch === null) return keepNulls ? null : undefined;
    return keepNulls ? undefined : patch;
  }
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(patch)) {
    // A nested object is filtered; any other value is a replacement (kept with the changes).
    const f = isObject(v) ? filterNulls(v, keepNulls) : v === null ? (keepNulls ? null : undefined) : keepNulls ? undefined : v;
    if (f !== undefined) out[k] = f;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** RFC 7386 application, for combining two patches. */
function mergeInto(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) out[k] = null;
    else out[k] = mergeInto(out[k], v);
  }
  return out;
}

/**
 * The three-way patch: deletions from original (the last applied configuration, if any) to
 * modified, with additions and changes from current (the live object) to modified. Undefined when
 * there is nothing to change.
 */
export function threeWayMergePatch(original: unknown, modified: unknown, current: unknown): JsonObject | undefined {
  const changes = filterNulls(createMergePatch(current, modified), false);
  const deletions = original === undefined ? undefined : filterNulls(createMergePatch(original, modified), true);
  if (changes === undefined && deletions === undefined) return undefined;
  // A deletion of something the live object no longer holds changes nothing.
  const patch = mergeInto(deletions ?? {}, changes ?? {}) as JsonObject;
  return pruneNoOps(patch, current) as JsonObject | undefined;
}

/** Drops deletions of keys the live object does not have. */
function pruneNoOps(patch: Json, current: unknown): Json | undefined {
  if (!isObject(patch)) return patch;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(patch)) {
    const live = isObject(current) ? current[k] : undefined;
    if (v === null) {
      if (live !== undefined) out[k] = null;
      continue;
    }
    if (isObject(v) && isObject(live)) {
      const p = pruneNoOps(v, live);
      if (p !== undefined) out[k] = p;
    } else out[k] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** JSON with keys sorted at every level, as Go's encoding/json writes a map, and a final newline. */
function goJson(v: unknown): string {
  const sort = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sort);
    if (isObject(x)) return Object.fromEntries(Object.keys(x).sort().map((k) => [k, sort(x[k])]));
    return x;
  };
  return `${JSON.stringify(sort(v))}\n`;
}

/**
 * The configuration as applied, carrying itself in the annotation (kubectl's
 * GetModifiedConfiguration: the object without the annotation, encoded, then stored in it).
 */
export function withLastApplied<T extends { metadata: { annotations?: Record<string, string> } }>(obj: T): T {
  const annotations = { ...(obj.metadata.annotations ?? {}) };
  delete annotations[LAST_APPLIED];
  // kubectl writes `annotations: {}` when the annotation was the only one: the same bytes make
  // each tool see the other's configuration as its own (`unchanged`, not `configured`).
  const bare = { ...obj, metadata: { ...obj.metadata, annotations } };
  return { ...bare, metadata: { ...bare.metadata, annotations: { ...annotations, [LAST_APPLIED]: goJson(bare) } } };
}

/** The last applied configuration stored on a live object, if it holds one that parses. */
export function lastApplied(live: { metadata?: { annotations?: Record<string, string> } }): unknown {
  const text = live.metadata?.annotations?.[LAST_APPLIED];
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
