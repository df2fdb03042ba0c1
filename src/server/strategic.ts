// Strategic merge patch, as kube-apiserver applies it to built-in kinds: a port of
// k8s.io/apimachinery/pkg/util/strategicpatch (v0.33) StrategicMergeMapPatch with MergeParallelList
// and IgnoreUnmatchedNulls, reading the patch metadata (x-kubernetes-patch-strategy and
// -merge-key: Service ports merge on `port`, containers, env and volumes on `name`, ...) from the
// kind's OpenAPI schema, as kubectl reads it when it makes the patch. Directives:
// `$patch: replace|delete` (maps and list items), `$retainKeys`, `$setElementOrder/LIST`,
// `$deleteFromPrimitiveList/LIST`. Function names follow the Go ones, so the two can be compared.
import { mapValues, patchMeta, property, resolve, type SchemaNode } from './schema.ts';

type J = any;
type JMap = Record<string, J>;

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ELEMENT_ORDER = '$setElementOrder';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';

/** A patch that cannot be applied: `status` is what kube-apiserver answers (400 for a malformed patch, 422, or 500 for the rest). */
export class PatchError extends Error {
  override name = 'PatchError';
  constructor(message: string, readonly status: 400 | 422 | 500 = 500) {
    super(message);
  }
}

const badPrimitiveList = () => new PatchError('invalid patch format of primitive list', 400);
const badRetainKeys = () => new PatchError('invalid patch format of retainKeys', 400);
const badSetElementOrder = () => new PatchError('invalid patch format of setElementOrder list', 400);

function isMap(v: unknown): v is JMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Go's %v of a decoded JSON value, for the messages that quote one. */
function goValue(v: J): string {
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (isMap(v)) return `map[${Object.keys(v).sort().map((k) => `${k}:${goValue(v[k])}`).join(' ')}]`;
  return v === null ? '<nil>' : String(v);
}

function goType(v: J): string {
  if (Array.isArray(v)) return '[]interface {}';
  if (isMap(v)) return 'map[string]interface {}';
  if (v === null || v === undefined) return '<nil>';
  return typeof v === 'number' ? 'float64' : typeof v;
}

const noMergeKey = (m: JMap, key: string) => new PatchError(`map: ${goValue(m)} does not contain declared merge key: ${key}`);
const badArgType = (expected: string, actual: J) => new PatchError(`expected a ${expected}, but received a ${goType(actual)}`);

/** The patch metadata of a field and the schema of what it holds, as LookupPatchMetadataForStruct/ForSlice give them. */
class Meta {
  constructor(readonly node: SchemaNode | undefined) {}

  forStruct(key: string): [Meta, { strategies: string[]; mergeKey?: string }] {
    const field = property(this.node, key) ?? mapValues(this.node);
    return [new Meta(field), patchMeta(field)];
  }

  forSlice(key: string): [Meta, { strategies: string[]; mergeKey?: string }] {
    const field = property(this.node, key) ?? mapValues(this.node);
    return [new Meta(resolve(field)?.items), patchMeta(field)];
  }
}

function extractRetainKeysPatchStrategy(strategies: string[]): string {
  if (strategies.length === 0) return '';
  if (strategies.length === 1) return strategies[0] === 'retainKeys' ? '' : strategies[0];
  if (strategies.length === 2 && strategies[0] === 'retainKeys') return strategies[1];
  if (strategies.length === 2 && strategies[1] === 'retainKeys') return strategies[0];
  throw new PatchError(`unexpected patch strategy: [${strategies.join(' ')}]`);
}

/** Applies a strategic merge patch to a built-in object (original is not changed). */
export function strategicMergePatch(original: JMap, patch: JMap, schema: SchemaNode | undefined): JMap {
  return mergeMap(structuredClone(original), structuredClone(patch), new Meta(schema));
}

function handleDirectiveInMergeMap(directive: J, patch: JMap): JMap {
  if (directive === 'replace') {
    delete patch[DIRECTIVE];
    return patch;
  }
  if (directive === 'delete') return {};
  throw new PatchError(`unknown patch type: ${directive} in map: ${goValue(patch)}`);
}

function containsDirectiveMarker(item: J): boolean {
  return isMap(item) && DIRECTIVE in item;
}

function mergeKeyValueEqual(left: J, right: J, mergeKey: string): boolean {
  if (!mergeKey) return left === right;
  if (!isMap(left)) throw badArgType('map[string]interface {}', left);
  if (!isMap(right)) throw badArgType('map[string]interface {}', right);
  if (!(mergeKey in left)) throw noMergeKey(left, mergeKey);
  if (!(mergeKey in right)) throw noMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

function extractKey(s: string, prefix: string): string {
  const i = s.indexOf('/');
  if (i < 0 || s.slice(0, i) !== prefix) {
    if (prefix === DELETE_FROM_PRIMITIVE_LIST) throw badPrimitiveList();
    throw badSetElementOrder();
  }
  return s.slice(i + 1);
}

function extractToDeleteItems(l: J[]): [J[], J[]] {
  const nonDelete: J[] = [];
  const toDelete: J[] = [];
  for (const v of l) {
    if (!isMap(v)) throw badArgType('map[string]interface {}', v);
    if (v[DIRECTIVE] === 'delete') toDelete.push(v);
    else nonDelete.push(v);
  }
  return [nonDelete, toDelete];
}

function validatePatchWithSetOrderList(patchList: J, setOrderList: J, mergeKey: string): void {
  if (!Array.isArray(setOrderList) || (patchList !== undefined && !Array.isArray(patchList))) throw badSetElementOrder();
  const typedPatchList: J[] = patchList ?? [];
  if (setOrderList.length === 0 || typedPatchList.length === 0) return;
  const nonDeleteList = mergeKey ? extractToDeleteItems(typedPatchList)[0] : typedPatchList;
  let patchIndex = 0;
  let setOrderIndex = 0;
  while (patchIndex < nonDeleteList.length && setOrderIndex < setOrderList.length) {
    if (containsDirectiveMarker(nonDeleteList[patchIndex])) {
      patchIndex++;
      continue;
    }
    if (mergeKeyValueEqual(nonDeleteList[patchIndex], setOrderList[setOrderIndex], mergeKey)) patchIndex++;
    setOrderIndex++;
  }
  if (patchIndex < nonDeleteList.length && setOrderIndex >= setOrderList.length) {
    throw new PatchError(`The order in patch list:\n${goValue(typedPatchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goValue(setOrderList)}\n`);
  }
}

function applyRetainKeysDirective(original: JMap, patch: JMap): void {
  if (!(RETAIN_KEYS in patch)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw badRetainKeys();
  const keep = new Set(list);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(k)) throw badRetainKeys();
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

type Kind = 'map' | 'scalar';

/** The kind of the elements of the slices (all must be alike, none a list); Go's sliceElementType. */
function sliceElementType(...slices: J[][]): Kind {
  let prev: string | undefined;
  for (const s of slices) {
    for (const v of s) {
      const t = goType(v);
      if (prev === undefined) {
        prev = t;
        if (Array.isArray(v)) throw new PatchError('lists of lists are not supported', 422);
      } else if (prev !== t) throw new PatchError(`list element types are not identical: ${goValue(slices)}`);
    }
  }
  if (prev === undefined) throw new PatchError('no elements in any of the given slices');
  return prev === 'map[string]interface {}' ? 'map' : 'scalar';
}

function index(l: J[], val: J, mergeKey: string, kind: Kind): number {
  const get = kind === 'map' ? (item: J) => (isMap(item) ? item[mergeKey] : null) : (item: J) => item;
  const want = get(val);
  return l.findIndex((v) => get(v) === want);
}

function validateMergeKeyInLists(mergeKey: string, ...lists: J[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isMap(item)) throw badArgType('map[string]interface {}', item);
      if (!(mergeKey in item)) throw noMergeKey(item, mergeKey);
    }
  }
}

function normalizeSliceOrder(toSort: J[], order: J[], mergeKey: string, kind: Kind): J[] {
  let toDelete: J[] = [];
  let items = toSort;
  if (kind === 'map') {
    validateMergeKeyInLists(mergeKey, items, order);
    [items, toDelete] = extractToDeleteItems(items);
  }
  const pos = (v: J) => index(order, v, mergeKey, kind);
  // A stable sort by position in `order` (every item is found there in the cases Go sorts).
  const sorted = items.map((v, i) => ({ v, i, p: pos(v) })).sort((a, b) => (a.p >= 0 && b.p >= 0 ? a.p - b.p : a.i - b.i)).map((x) => x.v);
  return [...sorted, ...toDelete];
}

function mergeSortedSlice(left: J[], right: J[], serverOrder: J[], mergeKey: string, kind: Kind): J[] {
  const less = (l: J, r: J): [boolean, boolean] => {
    const li = index(serverOrder, l, mergeKey, kind);
    const ri = index(serverOrder, r, mergeKey, kind);
    return li >= 0 && ri >= 0 ? [li < ri, true] : [false, false];
  };
  const out: J[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const [isLess, both] = less(left[i], right[j]);
      if (both && isLess) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

function normalizeElementOrder(patch: J[], serverOnly: J[], patchOrder: J[], serverOrder: J[], mergeKey: string, kind: Kind): J[] {
  const p = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(s, p, serverOrder, mergeKey, kind);
}

function findMapInSliceBasedOnKeyValue(m: J[], key: string, value: J): [JMap | undefined, number] {
  for (let i = 0; i < m.length; i++) {
    const v = m[i];
    if (!isMap(v)) throw new PatchError(`value for key ${i} is not a map`);
    if (v[key] === value) return [v, i];
  }
  return [undefined, -1];
}

function partitionPrimitivesByPresentInList(original: J[], partitionBy: J[]): [J[], J[]] {
  const inPatch = new Set(partitionBy);
  return [original.filter((v) => inPatch.has(v)), original.filter((v) => !inPatch.has(v))];
}

function partitionMapsByPresentInList(original: J[], partitionBy: J[], mergeKey: string): [J[], J[]] {
  const patch: J[] = [];
  const serverOnly: J[] = [];
  for (const v of original) {
    if (!isMap(v)) throw badArgType('map[string]interface {}', v);
    if (!(mergeKey in v)) throw noMergeKey(v, mergeKey);
    const [found] = findMapInSliceBasedOnKeyValue(partitionBy, mergeKey, v[mergeKey]);
    (found ? patch : serverOnly).push(v);
  }
  return [patch, serverOnly];
}

/** The value without directives, and whether to keep it at all (a map holding `$patch` is dropped). */
function removeDirectives(obj: J): [J, boolean] {
  if (isMap(obj)) {
    if (DIRECTIVE in obj) return [null, false];
    for (const k of Object.keys(obj)) {
      const [v, keep] = removeDirectives(obj[k]);
      if (keep) obj[k] = v;
      else delete obj[k];
    }
    return [obj, true];
  }
  if (Array.isArray(obj)) {
    const res: J[] = [];
    for (const v of obj) {
      const [nv, keep] = removeDirectives(v);
      if (keep) res.push(nv);
    }
    return [res, true];
  }
  return [obj, true];
}

function discardNullValuesFromPatch(v: J): void {
  if (isMap(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k];
      else discardNullValuesFromPatch(v[k]);
    }
  } else if (Array.isArray(v)) v.forEach(discardNullValuesFromPatch);
}

function mergePatchIntoOriginal(original: JMap, patch: JMap, schema: Meta): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const setElementOrder = patch[key];
    delete patch[key];
    if (!Array.isArray(setElementOrder)) throw badArgType('[]interface {}', setElementOrder);
    const originalKey = extractKey(key, SET_ELEMENT_ORDER);
    const foundOriginal = originalKey in original;
    const foundPatch = originalKey in patch;
    const originalList = original[originalKey];
    const patchList = patch[originalKey];
    if (foundOriginal && !Array.isArray(originalList)) throw badArgType('[]interface {}', originalList);
    if (foundPatch && !Array.isArray(patchList)) throw badArgType('[]interface {}', patchList);
    const [subschema, meta] = schema.forSlice(originalKey);
    const strategy = extractRetainKeysPatchStrategy(meta.strategies);
    const mergeKey = meta.mergeKey ?? '';
    validatePatchWithSetOrderList(foundPatch ? patchList : undefined, setElementOrder, mergeKey);
    let merged: J[];
    if (foundOriginal && !foundPatch) merged = originalList;
    else if (!foundOriginal && foundPatch) merged = removeDirectives(patchList)[0];
    else if (foundOriginal && foundPatch) merged = mergeSliceHandler(originalList, patchList, subschema, strategy, mergeKey, false);
    else continue;
    const [patchItems, serverOnly] = mergeKey ? partitionMapsByPresentInList(merged, setElementOrder, mergeKey) : partitionPrimitivesByPresentInList(merged, setElementOrder);
    const kind = sliceElementType(foundOriginal ? originalList : [], foundPatch ? patchList : []);
    original[originalKey] = normalizeElementOrder(patchItems, serverOnly, setElementOrder, foundOriginal ? originalList : [], mergeKey, kind);
    delete patch[originalKey];
  }
}

function mergeMap(originalIn: JMap | null, patch: JMap, schema: Meta): JMap {
  if (DIRECTIVE in patch) return handleDirectiveInMergeMap(patch[DIRECTIVE], patch);
  const original = originalIn ?? {};
  applyRetainKeysDirective(original, patch);
  mergePatchIntoOriginal(original, patch, schema);
  for (const rawKey of Object.keys(patch)) {
    const patchV = patch[rawKey];
    let k = rawKey;
    let isDeleteList = false;
    if (rawKey.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      k = extractKey(rawKey, DELETE_FROM_PRIMITIVE_LIST);
      isDeleteList = true;
    }
    if (patchV === null) {
      delete original[k];
      continue;
    }
    if (!(k in original) || goType(original[k]) !== goType(patchV)) {
      if (!isDeleteList) {
        discardNullValuesFromPatch(patchV);
        const [v, keep] = removeDirectives(patchV);
        if (keep) original[k] = v;
        else delete original[k];
      }
      continue;
    }
    if (isMap(original[k])) {
      const [sub, meta] = schema.forStruct(k);
      const strategy = extractRetainKeysPatchStrategy(meta.strategies);
      original[k] = mergeMapHandler(original[k], patchV, sub, strategy);
    } else if (Array.isArray(original[k])) {
      const [sub, meta] = schema.forSlice(k);
      const strategy = extractRetainKeysPatchStrategy(meta.strategies);
      original[k] = mergeSliceHandler(original[k], patchV, sub, strategy, meta.mergeKey ?? '', isDeleteList);
    } else {
      const [v, keep] = removeDirectives(patchV);
      if (keep) original[k] = v;
      else delete original[k];
    }
  }
  return original;
}

function mergeMapHandler(original: J, patch: J, schema: Meta, strategy: string): JMap {
  if (!isMap(original)) throw badArgType('map[string]interface {}', original);
  if (!isMap(patch)) throw badArgType('map[string]interface {}', patch);
  return strategy !== 'replace' ? mergeMap(original, patch, schema) : patch;
}

function mergeSliceHandler(original: J, patch: J, schema: Meta, strategy: string, mergeKey: string, isDeleteList: boolean): J[] {
  if (!Array.isArray(original)) throw badArgType('[]interface {}', original);
  if (!Array.isArray(patch)) throw badArgType('[]interface {}', patch);
  if (strategy === 'merge' || isDeleteList) return mergeSlice(original, patch, schema, mergeKey, isDeleteList);
  return patch;
}

function deduplicateScalars(s: J[]): J[] {
  // Go's in-place algorithm, kept as it is: it reorders, and the order is then normalised.
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (s[i] === s[j]) {
        s[j] = s[length];
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}

function mergeSlice(originalIn: J[], patchIn: J[], schema: Meta, mergeKey: string, isDeleteList: boolean): J[] {
  let original = originalIn;
  let patch = patchIn;
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementType(original, patch);
  let merged: J[];
  if (kind !== 'map') {
    if (isDeleteList) {
      const del = new Set(patch);
      return original.filter((v) => !del.has(v));
    }
    merged = deduplicateScalars([...original, ...patch]);
  } else {
    if (!mergeKey) throw new PatchError('cannot merge lists without merge key for ');
    [original, patch] = mergeSliceWithSpecialElements(original, patch, mergeKey);
    merged = mergeSliceWithoutSpecialElements(original, patch, mergeKey, schema);
  }
  const [patchItems, serverOnly] = mergeKey ? partitionMapsByPresentInList(merged, patch, mergeKey) : partitionPrimitivesByPresentInList(merged, patch);
  return normalizeElementOrder(patchItems, serverOnly, patch, original, mergeKey, kind);
}

function mergeSliceWithSpecialElements(originalIn: J[], patch: J[], mergeKey: string): [J[], J[]] {
  let original = originalIn;
  const plain: J[] = [];
  let replace = false;
  for (const v of patch) {
    if (!(DIRECTIVE in v)) {
      plain.push(v);
      continue;
    }
    const type = v[DIRECTIVE];
    if (type === 'delete') {
      if (!(mergeKey in v)) throw noMergeKey(v, mergeKey);
      original = original.filter((o) => !(isMap(o) && o[mergeKey] === v[mergeKey]));
    } else if (type === 'replace') replace = true;
    else if (type === 'merge') throw new PatchError('merging lists cannot yet be specified in the patch');
    else throw new PatchError(`unknown patch type: ${type} in map: ${goValue(v)}`);
  }
  return replace ? [plain, []] : [original, plain];
}

function mergeSliceWithoutSpecialElements(originalIn: J[], patch: J[], mergeKey: string, schema: Meta): J[] {
  // Go appends to its own slice header: the caller's original (the server order) does not grow.
  const original = [...originalIn];
  for (const v of patch) {
    if (!(mergeKey in v)) throw noMergeKey(v, mergeKey);
    const [found, i] = findMapInSliceBasedOnKeyValue(original, mergeKey, v[mergeKey]);
    if (found) original[i] = mergeMap(found, v, schema);
    else original.push(v);
  }
  return original;
}
