// The resource endpoints: get, list, watch, create, replace, patch, delete, deletecollection, with
// the generic registry's semantics (shared/spec/kubectl-probe-notes.md §2.4, §4).
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { ApiError, errors, successStatus } from './status.ts';
import { groupVersion, typeKey, type ResourceType } from './resources.ts';
import { carryOver, decodeObject, fieldValidation, isDryRun, now, stampNew, validateMeta } from './objects.ts';
import { mediaType, parseBody, parseJson, parseYaml } from './body.ts';
import { applyMerge, jsonPatch, mergePatch } from './patch.ts';
import { parseFieldSelector, parseLabelSelector, type Matcher } from './selectors.ts';
import { TABLE_CONTENT_TYPE, toTable, wantsTable } from './table.ts';
import { NAMESPACES_KEY, UNDELETABLE, newNamespace, prepareService, type ClusterNetwork } from './builtins.ts';
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

function fieldExtras(t: ResourceType): Record<string, (o: Obj) => string> {
  if (t.kind === 'Namespace') return { 'status.phase': (o) => o.status?.phase ?? '' };
  if (t.kind === 'Service') return { 'spec.type': (o) => o.spec?.type ?? '', 'spec.clusterIP': (o) => o.spec?.clusterIP ?? '' };
  if (t.kind === 'Node') return { 'spec.unschedulable': (o) => String(!!o.spec?.unschedulable) };
  return {};
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

export class ResourceApi {
  /** Open watch responses, ended on shutdown. */
  readonly watches = new Set<ServerResponse>();

  constructor(private readonly store: Store, private readonly net: ClusterNetwork) {}

  async handle(t: ResourceType, ns: string | undefined, name: string | undefined, req: ApiRequest, res: ServerResponse): Promise<ApiResponse | typeof STREAMED> {
    const allNamespaces = t.namespaced && ns === undefined;
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
    // The stored object itself (read-only): its JSON is made once.
    const obj = this.store.peek(this.key(t), ns ?? '', name);
    if (!obj) throw errors.notFound(t.plural, t.group, name);
    if (wantsTable(req.headers.accept)) {
      return { status: 200, body: toTable(t, [obj], { resourceVersion: obj.metadata.resourceVersion }, req.query.get('includeObject') ?? 'Metadata'), contentType: TABLE_CONTENT_TYPE };
    }
    return json(200, obj);
  }

  private matcher(t: ResourceType, q: URLSearchParams): Matcher {
    const label = parseLabelSelector(q.get('labelSelector'));
    const field = parseFieldSelector(q.get('fieldSelector'), fieldExtras(t));
    return (o) => label(o) && field(o);
  }

  private list(t: ResourceType, ns: string | undefined, req: ApiRequest): ApiResponse {
    const q = req.query;
    const match = this.matcher(t, q);
    const limitRaw = q.get('limit');
    const limit = limitRaw && /^\d+$/.test(limitRaw) ? Number(limitRaw) : 0;
    const cont = q.get('continue');
    const rv = this.store.revision();
    // The objects after the continue token's key, in order, as stored (no copy, no sort); a page of
    // them is handed out. Without selectors every object matches: the page is read, not the rest.
    const start = cont ? decodeContinue(cont).start : undefined;
    const selected = !!q.get('labelSelector') || !!q.get('fieldSelector');
    let items: Obj[];
    let total: number;
    if (selected) {
      items = this.store.list(this.key(t), ns, start).filter(match);
      total = items.length;
    } else {
      const range = this.store.range(this.key(t), ns, start);
      total = range.size;
      const n = limit > 0 ? Math.min(limit, total) : total;
      items = new Array(n);
      for (let i = 0; i < n; i++) items[i] = range.at(i);
    }
    const meta: Obj = { resourceVersion: String(rv) };
    if (limit > 0 && total > limit) {
      const last = items[limit - 1];
      meta.continue = encodeContinue({ rv, start: `${last.metadata.namespace ?? ''}/${last.metadata.name}` });
      meta.remainingItemCount = total - limit;
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
      let o = obj;
      if (table && type !== 'ERROR') {
        o = toTable(t, [obj], { resourceVersion: obj.metadata.resourceVersion }, include, first);
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
    if (t.namespaced && ns !== undefined && !this.store.peek(NAMESPACES_KEY, '', ns)) throw errors.notFound('namespaces', '', ns);
  }

  private create(t: ResourceType, ns: string | undefined, req: ApiRequest): ApiResponse {
    this.requireWritable(t);
    const dryRun = isDryRun(req.query);
    const mode = fieldValidation(req.query);
    const body = parseBody(req.body, req.headers['content-type'], t.kind);
    const { obj, warnings } = decodeObject(t, body, ns, mode);
    return this.createDecoded(t, ns, obj, warnings, dryRun);
  }

  private createDecoded(t: ResourceType, ns: string | undefined, obj: Obj, warnings: string[], dryRun: boolean): ApiResponse {
    validateMeta(t, obj);
    if (obj.metadata.resourceVersion !== undefined && obj.metadata.resourceVersion !== '') {
      throw new ApiError(500, '', 'resourceVersion should not be set on objects to be created');
    }
    if (t.kind === 'Service') prepareService(this.store, this.net, obj);
    if (t.kind === 'Namespace') newNamespace(obj);
    this.requireNamespace(t, ns);
    if (this.store.peek(this.key(t), ns ?? '', obj.metadata.name)) throw errors.alreadyExists(t.plural, t.group, obj.metadata.name);
    stampNew(t, obj);
    if (dryRun) {
      obj.metadata.resourceVersion = '';
      return json(201, obj, warnings);
    }
    return json(201, this.store.put(this.key(t), obj), warnings);
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
    carryOver(t, obj, old);
    obj.metadata.resourceVersion = old.metadata.resourceVersion;
    if (t.kind === 'Service') prepareService(this.store, this.net, obj, old);
    if (t.kind === 'Namespace') {
      obj.spec = old.spec;
      obj.status = old.status;
      obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': name };
    }
    if (canonicalEqual(obj, old)) return json(200, old, warnings);
    if (dryRun) return json(200, obj, warnings);
    return json(200, this.store.put(this.key(t), obj), warnings);
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
    const body = parseBody(req.body, req.headers['content-type'], t.kind);
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
      const merged = applyMerge(old, obj) as Obj;
      if (obj.metadata.resourceVersion === undefined) merged.metadata.resourceVersion = old.metadata.resourceVersion;
      return this.update(t, ns, name, merged, old, warnings, dryRun, false);
    }
    if (!old) throw errors.notFound(t.plural, t.group, name);
    const patchBody = parseJson(req.body, t.kind);
    let patched: Obj;
    if (ct === 'application/json-patch+json') patched = jsonPatch(old, patchBody) as Obj;
    else {
      if (typeof patchBody !== 'object' || patchBody === null || Array.isArray(patchBody)) throw errors.badRequest('the body of the request was not a JSON object');
      patched = mergePatch(old, patchBody) as Obj;
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
    if (!dryRun) this.store.delete(this.key(t), ns ?? '', name);
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
    for (const o of items) deleted.push(dryRun ? o : this.store.delete(this.key(t), o.metadata.namespace ?? '', o.metadata.name)!);
    return json(200, { apiVersion: groupVersion(t), items: deleted, kind: t.listKind, metadata: { resourceVersion: String(this.store.revision()) } });
  }

  endWatches(): void {
    for (const r of this.watches) r.end();
    this.watches.clear();
  }
}
