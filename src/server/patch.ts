// JSON merge patch (RFC 7386) and JSON patch (RFC 6902).
import { errors } from './status.ts';

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, any> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Server-side apply, simplified: the applied configuration merged over the live object (no field ownership). */
export function applyMerge(target: unknown, applied: unknown): unknown {
  if (!isObject(applied)) return structuredClone(applied);
  const out: Record<string, any> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(applied)) out[k] = applyMerge(out[k], v);
  return out;
}

function unescape(seg: string): string {
  return seg.replace(/~1/g, '/').replace(/~0/g, '~');
}

function parsePointer(p: unknown): string[] {
  if (typeof p !== 'string' || (p !== '' && !p.startsWith('/'))) throw errors.badRequest(`the server rejected our request due to an error in our request: invalid JSON pointer "${String(p)}"`);
  return p === '' ? [] : p.slice(1).split('/').map(unescape);
}

function fail(msg: string): never {
  throw new (class extends Error {})(msg);
}

function walk(doc: any, path: string[]): { parent: any; key: string } {
  let cur = doc;
  for (const seg of path.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (isObject(cur)) cur = cur[seg];
    else cur = undefined;
    if (cur === undefined) fail(`doc is missing path: /${path.join('/')}`);
  }
  return { parent: cur, key: path[path.length - 1] };
}

function getAt(doc: any, path: string[]): any {
  if (path.length === 0) return doc;
  const { parent, key } = walk(doc, path);
  const v = Array.isArray(parent) ? parent[Number(key)] : isObject(parent) ? parent[key] : undefined;
  if (v === undefined) fail(`doc is missing path: /${path.join('/')}`);
  return v;
}

function removeAt(doc: any, path: string[]): any {
  const { parent, key } = walk(doc, path);
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!/^\d+$/.test(key) || i >= parent.length) fail(`doc is missing path: /${path.join('/')}`);
    return parent.splice(i, 1)[0];
  }
  if (!isObject(parent) || !(key in parent)) fail(`doc is missing key: /${path.join('/')}`);
  const v = parent[key];
  delete parent[key];
  return v;
}

function addAt(doc: any, path: string[], value: any): any {
  if (path.length === 0) return value;
  const { parent, key } = walk(doc, path);
  if (Array.isArray(parent)) {
    if (key === '-') parent.push(value);
    else {
      const i = Number(key);
      if (!/^\d+$/.test(key) || i > parent.length) fail(`index out of bounds: /${path.join('/')}`);
      parent.splice(i, 0, value);
    }
  } else if (isObject(parent)) parent[key] = value;
  else fail(`doc is missing path: /${path.join('/')}`);
  return doc;
}

export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw errors.badRequest('the server rejected our request due to an error in our request: json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc: any = structuredClone(target);
  try {
    for (const op of ops) {
      if (!isObject(op)) fail('invalid operation');
      const path = parsePointer(op.path);
      switch (op.op) {
        case 'add':
          doc = addAt(doc, path, structuredClone(op.value));
          break;
        case 'remove':
          removeAt(doc, path);
          break;
        case 'replace':
          if (path.length === 0) doc = structuredClone(op.value);
          else {
            removeAt(doc, path);
            doc = addAt(doc, path, structuredClone(op.value));
          }
          break;
        case 'move': {
          const v = removeAt(doc, parsePointer(op.from));
          doc = addAt(doc, path, v);
          break;
        }
        case 'copy':
          doc = addAt(doc, path, structuredClone(getAt(doc, parsePointer(op.from))));
          break;
        case 'test':
          if (JSON.stringify(getAt(doc, path)) !== JSON.stringify(op.value)) fail(`testing value /${path.join('/')} failed: test failed`);
          break;
        default:
          fail(`Unexpected kind: ${String(op.op)}`);
      }
    }
  } catch (e) {
    if ((e as Error).name === 'ApiError') throw e;
    // kube-apiserver does not say which operation failed.
    throw errors.invalidPatch('the server rejected our request due to an error in our request');
  }
  return doc;
}
