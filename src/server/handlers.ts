// The resource endpoints: get, list, watch, create, replace, patch, delete, deletecollection, with
// the generic registry's semantics (shared/spec/kubectl-probe-notes.md §2.4, §4).
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { ApiError, errors, successStatus } from './status.ts';
import { groupVersion, typeKey, type ResourceType } from './resources.ts';
import { carryOver, decodeObject, fieldValidation, isDryRun, now, stampNew, validateMeta } from './objects.ts';
import { afterCreate, bumpTemplateGeneration, hasGeneration, newGeneration, prepareObject } from './prepare.ts';
import { answerReview } from './reviews.ts';
import { PatchError, strategicMergePatch } from './strategic.ts';
import { SCHEMAS } from './schema.ts';
import { fieldsOf, unsupportedFieldMessage } from './fields.ts';
import { mediaType, parseBody, parseJson, parseYaml } from './body.ts';
import { applyMerge, jsonPatch, mergePatch } from './patch.ts';
import { parseFieldSelector, parseLabelSelector, type Matcher } from './selectors.ts';
import { TABLE_CONTENT_TYPE, toTable, wantsTable } from './table.ts';
import { NAMESPACES_KEY, UNDELETABLE, type ClusterNetwork } from './builtins.ts';
import type { Obj, Store, Watcher } from './store.ts';
import { canonicalEqual } from '../core/compare.ts';

export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface ApiResponse {
  status: number;
  body: unknown;
  contentType?: string;
  headers?: Record<string, string | string[]>;
}

export const STREAMED = Symbol('streamed');

function json(status: number, body: unknown, warnings: string[] = []): ApiResponse {
  const r: ApiResponse = { status, body };
  if (warnings.length) r.headers = { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`) };
  return r;
}

interface ContinueToken {
  rv: number;
  start: string;
}

function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: t.rv, start: t.start })).toString('base64url');
}

function decodeContinue(s: string): ContinueToken {
  try {
    const o = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (o.v !== 'meta.k8s.io/v1' || typeof o.rv !== 'number' || typeof o.start !== 'string') throw new Error('bad');
    return { rv: o.rv, start: o.start };
  } catch {
    throw errors.badRequest(`continue key is not valid: invalid continue token`);
  }
}

const RETURN_DELETED = new Set(['Pod', 'Service', 'ServiceAccount']);

/** An object as the type's group-version shows it (extensions/v1beta1 shows apps/v1's objects). */
function present(t: ResourceType, o: Obj): Obj {
  if (!t.storedAs) return o;
  return { ...o, apiVersion: groupVersion(t) };
}

/** An object as it is stored: in its storage group-version. */
function toStorage(t: ResourceType, o: Obj): void {
  if (t.storedAs) o.apiVersion = groupVersion(t.storedAs);
}

/** A strategic merge patch on a built-in kind, with kube-apiserver's status for a patch that cannot be applied. */
function strategic(t: ResourceType, current: Obj, patch: Obj): Obj {
  try {
    return strategicMergePatch(current, patch, t.schema ? SCHEMAS[t.schema] : undefined);
  } catch (e) {
    if (!(e instanceof PatchError)) throw e;
    if (e.status === 400) throw errors.badRequest(e.message);
    if (e.status === 422) throw new ApiError(422, 'Invalid', e.message);
    throw errors.internal(e.message);
  }
}

export class ResourceApi {
  /** Open watch responses, ended on shutdown. */
  readonly watches = new Set<ServerResponse>();

  constructor(readonly store: Store, readonly net: ClusterNetwork) {}

  async handle(t: ResourceType, ns: string | undefined, name: string | undefined, req: ApiRequest, res: ServerResponse): Promise<ApiResponse | typeof STREAMED> {
    const allNamespaces = t.namespaced && ns === undefined;
    if (t.review) {
      if (req.method !== 'POST' || name !== undefined) throw errors.methodNotAllowed();
      return this.review(t, req);
    }
    switch (req.method) {
      case 'GET':
        if (name !== undefined) return this.get(t, ns, name, req);
        if (['true', '1'].includes(req.query.get('watch') ?? '')) return this.watch(t, ns, req, res);
        return this.list(t, ns, req);
      case 'POST':
        if (name !== undefined || allNamespaces) throw (name !== undefined ? errors.methodNotAllowed() : errors.genericNotFound());
        return this.create(t, ns, req);
      case 'PUT':
        if (name === undefined || allNamespaces) throw allNamespaces ? errors.genericNotFound() : errors.methodNotAllowed();
        return this.replace(t, ns, name, req);
      case 'PATCH':
        if (name === undefined || allNamespaces) throw allNamespaces ? errors.genericNotFound() : errors.methodNotAllowed();
        return this.patch(t, ns, name, req);
      case 'DELETE':
        if (allNamespaces) throw errors.genericNotFound();
        if (name === undefined) return this.deleteCollection(t, ns, req);
        return this.delete(t, ns, name, req);
      default:
        throw errors.methodNotAllowed();
    }
  }

  private key(t: ResourceType): string {
    return typeKey(t);
  }

  private get(t: ResourceType, ns: string | undefined, name: string, req: ApiRequest): ApiResponse {
    const obj = this.store.get(this.key(t), ns ?? '', name);
    if (!obj) throw errors.notFound(t.plural, t.group, name);
    if (wantsTable(req.headers.accept)) {
      return { status: 200, body: toTable(t, [present(t, obj)], { resourceVersion: obj.metadata.resourceVersion }, req.query.get('includeObject') ?? 'Metadata'), contentType: TABLE_CONTENT_TYPE };
    }
    return json(200, present(t, obj));
  }

  private matcher(t: ResourceType, q: URLSearchParams): Matcher {
    const label = parseLabelSelector(q.get('labelSelector'));
    const field = parseFieldSelector(q.get('fieldSelector'), fieldsOf(t), (label) => unsupportedFieldMessage(t, label));
    return (o) => label(o) && field(o);
  }

  private list(t: ResourceType, ns: string | undefined, req: ApiRequest): ApiResponse {
    const q = req.query;
    const match = this.matcher(t, q);
    const limitRaw = q.get('limit');
    const limit = limitRaw && /^\d+$/.test(limitRaw) ? Number(limitRaw) : 0;
    const cont = q.get('continue');
    const rv = this.store.revision();
    let items = this.store.list(this.key(t), ns).filter(match).map((o) => present(t, o));
    if (cont) {
      const tok = decodeContinue(cont);
      items = items.filter((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}` > tok.start);
    }
    const meta: Obj = { resourceVersion: String(rv) };
    if (limit > 0 && items.length > limit) {
      const last = items[limit - 1];
      meta.continue = encodeContinue({ rv, start: `${last.metadata.namespace ?? ''}/${last.metadata.name}` });
      meta.remainingItemCount = items.length - limit;
      items = items.slice(0, limit);
    }
    if (wantsTable(req.headers.accept)) {
      return { status: 200, body: toTable(t, items, meta, q.get('includeObject') ?? 'Metadata'), contentType: TABLE_CONTENT_TYPE };
    }
    return json(200, { apiVersion: groupVersion(t), items, kind: t.listKind, metadata: meta });
  }

  private watch(t: ResourceType, ns: string | undefined, req: ApiRequest, res: ServerResponse): typeof STREAMED {
    const q = req.query;
    const match = this.matcher(t, q);
    const rvParam = q.get('resourceVersion');
    if (rvParam && !/^\d+$/.test(rvParam)) throw errors.badRequest(`resourceVersion: Invalid value: "${rvParam}": must be a non-negative integer`);
    const table = wantsTable(req.headers.accept);
    const include = q.get('includeObject') ?? 'Metadata';
    res.writeHead(200, { 'Content-Type': table ? TABLE_CONTENT_TYPE : 'application/json', 'Cache-Control': 'no-cache, private' });
    // Clients wait for the headers before they read events (§0.9): send them now.
    res.flushHeaders();
    let first = true;
    const send = (type: string, obj: Obj) => {
      let o = type === 'ERROR' ? obj : present(t, obj);
      if (table && type !== 'ERROR') {
        o = toTable(t, [o], { resourceVersion: obj.metadata.resourceVersion }, include, first);
        first = false;
      }
      res.write(JSON.stringify({ type, object: o }) + '\n');
    };
    const inScope = (o: Obj) => ns === undefined || o.metadata.namespace === ns;
    const watcher: Watcher = {
      typeKey: this.key(t),
      onEvent: (e) => {
        if (!inScope(e.object)) return;
        const now = match(e.object);
        if (e.type !== 'MODIFIED' || !e.prev) {
          if (now) send(e.type, e.object);
          return;
        }
        // An update that moves an object into or out of the selection is an ADDED or DELETED for this watch.
        const before = match(e.prev);
        if (now) send(before ? 'MODIFIED' : 'ADDED', e.object);
        else if (before) send('DELETED', e.object);
      },
    };
    let fromRv: number;
    if (!rvParam || rvParam === '0') {
      for (const o of this.store.list(this.key(t), ns)) if (match(o)) send('ADDED', o);
      fromRv = this.store.revision();
    } else fromRv = Number(rvParam);
    const r = this.store.watch(watcher, fromRv);
    if (!r.ok) {
      send('ERROR', errors.expired(`too old resource version: ${fromRv} (${r.oldest})`).toStatus() as unknown as Obj);
      res.end();
      return STREAMED;
    }
    for (const e of r.replay) watcher.onEvent(e);
    this.watches.add(res);
    const timeout = Number(q.get('timeoutSeconds') ?? '0');
    const timer = timeout > 0 ? setTimeout(() => res.end(), timeout * 1000) : undefined;
    // In Node 20 the request's close fires once its body is read; the response's close is the client going away.
    res.on('close', () => {
      if (timer) clearTimeout(timer);
      this.store.unwatch(watcher);
      this.watches.delete(res);
    });
    return STREAMED;
  }

  private requireWritable(t: ResourceType): void {
    if (t.readOnly) throw errors.methodNotAllowed();
  }

  private requireNamespace(t: ResourceType, ns: string | undefined): void {
    if (t.namespaced && ns !== undefined && !this.store.get(NAMESPACES_KEY, '', ns)) throw errors.notFound('namespaces', '', ns);
  }

  private create(t: ResourceType, ns: string | undefined, req: ApiRequest): ApiResponse {
    this.requireWritable(t);
    const dryRun = isDryRun(req.query);
    const mode = fieldValidation(req.query);
    const body = parseBody(req.body, req.headers['content-type'], t.kind, groupVersion(t));
    const { obj, warnings } = decodeObject(t, body, ns, mode);
    return this.createDecoded(t, ns, obj, warnings, dryRun);
  }

  private createDecoded(t: ResourceType, ns: string | undefined, obj: Obj, warnings: string[], dryRun: boolean): ApiResponse {
    // kube-apiserver's order: admission (the namespace must exist), then the registry (name,
    // server-set metadata, the kind's defaults and checks), then storage (resourceVersion, AlreadyExists).
    this.requireNamespace(t, ns);
    validateMeta(t, obj);
    stampNew(obj, hasGeneration(t));
    prepareObject(this, t, obj);
    if (obj.metadata.resourceVersion !== undefined && obj.metadata.resourceVersion !== '') {
      throw new ApiError(500, '', 'resourceVersion should not be set on objects to be created');
    }
    if (this.store.get(this.key(t), ns ?? '', obj.metadata.name)) throw errors.alreadyExists(t.plural, t.group, obj.metadata.name);
    toStorage(t, obj);
    if (dryRun) {
      obj.metadata.resourceVersion = '';
      return json(201, present(t, obj), warnings);
    }
    const stored = this.store.put(this.key(t), obj);
    afterCreate(this, t, stored);
    return json(201, present(t, stored), warnings);
  }

  /** The shared tail of PUT and PATCH: checks, carried-over metadata, and the write (skipped when nothing changed). */
  private update(t: ResourceType, ns: string | undefined, name: string, obj: Obj, old: Obj, warnings: string[], dryRun: boolean, requireRv: boolean): ApiResponse {
    if (obj.metadata.name === undefined || obj.metadata.name === '') obj.metadata.name = name;
    if (obj.metadata.name !== name) throw errors.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    const rv = obj.metadata.resourceVersion;
    if (rv === undefined || rv === '') {
      if (requireRv) {
        throw new ApiError(422, 'Invalid', `${t.plural}${t.group ? `.${t.group}` : ''} "${name}" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update`, {
          name, group: t.group || undefined, kind: t.kind, causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: 0x0: must be specified for an update', field: 'metadata.resourceVersion' }],
        });
      }
    } else if (rv !== old.metadata.resourceVersion) {
      throw errors.conflict(t.plural, t.group, name);
    }
    validateMeta(t, obj);
    carryOver(obj, old, undefined);
    obj.metadata.resourceVersion = old.metadata.resourceVersion;
    prepareObject(this, t, obj, old);
    bumpTemplateGeneration(t, obj, old);
    carryOver(obj, old, hasGeneration(t) ? newGeneration(t, obj, old) : undefined);
    toStorage(t, obj);
    if (canonicalEqual(obj, old)) return json(200, present(t, old), warnings);
    if (dryRun) return json(200, present(t, obj), warnings);
    return json(200, present(t, this.store.put(this.key(t), obj)), warnings);
  }

  private existing(t: ResourceType, ns: string | undefined, name: string): Obj {
    const old = this.store.get(this.key(t), ns ?? '', name);
    if (!old) throw errors.notFound(t.plural, t.group, name);
    return old;
  }

  private replace(t: ResourceType, ns: string | undefined, name: string, req: ApiRequest): ApiResponse {
    this.requireWritable(t);
    const dryRun = isDryRun(req.query);
    const mode = fieldValidation(req.query);
    const body = parseBody(req.body, req.headers['content-type'], t.kind, groupVersion(t));
    const { obj, warnings } = decodeObject(t, body, ns, mode);
    const old = this.existing(t, ns, name);
    return this.update(t, ns, name, obj, old, warnings, dryRun, t.custom);
  }

  private patch(t: ResourceType, ns: string | undefined, name: string, req: ApiRequest): ApiResponse {
    this.requireWritable(t);
    const dryRun = isDryRun(req.query);
    const mode = fieldValidation(req.query);
    const ct = mediaType(req.headers['content-type']);
    const supported = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];
    if (!t.custom) supported.push('application/strategic-merge-patch+json');
    if (!supported.includes(ct)) throw errors.unsupportedMediaType(ct, true, t.custom);
    const old = this.store.get(this.key(t), ns ?? '', name);
    if (ct === 'application/apply-patch+yaml') {
      if (!req.query.get('fieldManager')) {
        throw errors.invalid('PatchOptions', 'meta.k8s.io', '', [{ field: 'fieldManager', message: 'Required value: is required for apply patch', reason: 'FieldValueRequired' }]);
      }
      const applied = parseYaml(req.body, t.kind);
      const { obj, warnings } = decodeObject(t, applied, ns, mode);
      if (!old) {
        if (obj.metadata.name === undefined) obj.metadata.name = name;
        if (obj.metadata.name !== name) throw errors.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
        return this.createDecoded(t, ns, obj, warnings, dryRun);
      }
      const merged = applyMerge(structuredClone(present(t, old)), obj) as Obj;
      if (obj.metadata.resourceVersion === undefined) merged.metadata.resourceVersion = old.metadata.resourceVersion;
      return this.update(t, ns, name, merged, old, warnings, dryRun, false);
    }
    if (!old) throw errors.notFound(t.plural, t.group, name);
    const patchBody = parseJson(req.body, t.kind);
    // A copy: merge patches share untouched parts with their input, and `old` must stay as stored.
    const current = structuredClone(present(t, old));
    let patched: Obj;
    if (ct === 'application/json-patch+json') patched = jsonPatch(current, patchBody) as Obj;
    else {
      if (typeof patchBody !== 'object' || patchBody === null || Array.isArray(patchBody)) throw errors.badRequest('the body of the request was not a JSON object');
      patched = ct === 'application/strategic-merge-patch+json' ? strategic(t, current, patchBody as Obj) : (mergePatch(current, patchBody) as Obj);
    }
    const { obj, warnings } = decodeObject(t, patched, ns, mode);
    return this.update(t, ns, name, obj, old, warnings, dryRun, false);
  }

  private deleteOptions(req: ApiRequest): Obj {
    if (!req.body.length) return {};
    const o = parseJson(req.body, 'DeleteOptions');
    if (typeof o !== 'object' || o === null || Array.isArray(o)) throw errors.badRequest('the body of the request was not a DeleteOptions object');
    const opts = o as Obj;
    for (const v of [].concat(opts.dryRun ?? [])) {
      if (v !== 'All') throw errors.invalid('DeleteOptions', 'meta.k8s.io', '', [{ field: 'dryRun', message: `Unsupported value: "${v}": supported values: "All"`, reason: 'FieldValueNotSupported' }]);
    }
    if (opts.propagationPolicy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(opts.propagationPolicy)) {
      throw errors.invalid('DeleteOptions', 'meta.k8s.io', '', [{ field: 'propagationPolicy', message: `Unsupported value: "${opts.propagationPolicy}": supported values: "Foreground", "Background", "Orphan", "nil"`, reason: 'FieldValueNotSupported' }]);
    }
    return opts;
  }

  private delete(t: ResourceType, ns: string | undefined, name: string, req: ApiRequest): ApiResponse {
    this.requireWritable(t);
    const opts = this.deleteOptions(req);
    const dryRun = isDryRun(req.query) || (Array.isArray(opts.dryRun) && opts.dryRun.includes('All'));
    const old = this.existing(t, ns, name);
    const pre = opts.preconditions ?? {};
    if (pre.uid && pre.uid !== old.metadata.uid) {
      throw errors.conflict(t.plural, t.group, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`);
    }
    if (pre.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw errors.conflict(t.plural, t.group, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`);
    }
    if (t.kind === 'Namespace') {
      if (UNDELETABLE.has(name)) {
        throw new ApiError(403, 'Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`, { name, kind: 'namespaces' });
      }
      const terminating = { ...old, metadata: { ...old.metadata, deletionTimestamp: now() }, status: { phase: 'Terminating' } };
      if (dryRun) return json(200, terminating);
      // The namespace controller's work, done at once: everything in the namespace goes with it.
      for (const key of this.store.namespacedKeys()) for (const o of this.store.list(key, name)) this.store.delete(key, name, o.metadata.name);
      const last = this.store.delete(this.key(t), '', name)!;
      return json(200, { ...terminating, metadata: { ...terminating.metadata, resourceVersion: last.metadata.resourceVersion } });
    }
    const last = dryRun ? old : this.store.delete(this.key(t), ns ?? '', name)!;
    // Pods, Services and ServiceAccounts answer with the object (their registries set ReturnDeletedObject); the rest with a Status.
    if (RETURN_DELETED.has(t.kind) && !t.custom) return json(200, present(t, last));
    return json(200, successStatus(name, t.plural, t.group, old.metadata.uid));
  }

  private deleteCollection(t: ResourceType, ns: string | undefined, req: ApiRequest): ApiResponse {
    this.requireWritable(t);
    if (t.kind === 'Namespace') throw errors.methodNotAllowed();
    const opts = this.deleteOptions(req);
    const dryRun = isDryRun(req.query) || (Array.isArray(opts.dryRun) && opts.dryRun.includes('All'));
    const match = this.matcher(t, req.query);
    const items = this.store.list(this.key(t), ns).filter(match);
    const deleted: Obj[] = [];
    for (const o of items) deleted.push(present(t, dryRun ? o : this.store.delete(this.key(t), o.metadata.namespace ?? '', o.metadata.name)!));
    return json(200, { apiVersion: groupVersion(t), items: deleted, kind: t.listKind, metadata: { resourceVersion: String(this.store.revision()) } });
  }

  private review(t: ResourceType, req: ApiRequest): ApiResponse {
    const mode = fieldValidation(req.query);
    const body = parseBody(req.body, req.headers['content-type'], t.kind, groupVersion(t));
    const { obj, warnings } = decodeObject(t, body, undefined, mode);
    return json(201, answerReview(t, obj), warnings);
  }

  endWatches(): void {
    for (const r of this.watches) r.end();
    this.watches.clear();
  }
}
