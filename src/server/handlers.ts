// The resource endpoints: get, list, watch, create, replace, patch, delete, deletecollection, with
// the generic registry's semantics (shared/spec/kubectl-probe-notes.md §2.4, §4).
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { ApiError, errors, successStatus } from './status.ts';
import { groupVersion, typeKey, type ResourceType } from './resources.ts';
import { carryOver, checkDryRun, decodeObject, fieldValidation, isDryRun, now, stampNew, validateMeta } from './objects.ts';
import { afterCreate, bumpTemplateGeneration, hasGeneration, newGeneration, prepareObject } from './prepare.ts';
import { answerReview } from './reviews.ts';
import { PatchError, strategicMergePatch } from './strategic.ts';
import { SCHEMAS } from './schema.ts';
import { goJsonSyntaxError } from './gojson.ts';
import { fieldsOf, unsupportedFieldMessage } from './fields.ts';
import { mediaType, parseBody, parseJson, parseYaml } from './body.ts';
import { applyMerge, jsonPatch, mergePatch } from './patch.ts';
import { parseFieldSelector, parseLabelSelector, type Matcher } from './selectors.ts';
import { TABLE_CONTENT_TYPE, formatLabels, formatSelector, toTable, wantsTable } from './table.ts';
import { NAMESPACES_KEY, UNDELETABLE, type ClusterNetwork } from './builtins.ts';
import { clone, type Obj, type Store, type Watcher } from './store.ts';
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

// Continue tokens as kube-apiserver makes them (storage.EncodeContinue): base64url, unpadded, of
// {"v":"meta.k8s.io/v1","rv":REVISION,"start":KEY} where KEY follows the last key returned (its key
// relative to the list's prefix, plus a NUL), and the same errors for one that is not.
function encodeContinue(rv: number, lastKey: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: `${lastKey}\u0000` })).toString('base64url');
}

function decodeContinue(s: string): { rv: number; start: string } {
  const bad = (why: string) => errors.badRequest(`invalid continue token: continue key is not valid${why}`);
  const illegal = /[^A-Za-z0-9_-]/.exec(s);
  if (illegal) throw bad(`: illegal base64 data at input byte ${illegal.index}`);
  if (s.length % 4 === 1) throw bad(`: illegal base64 data at input byte ${s.length - 1}`);
  const data = Buffer.from(s, 'base64url');
  const syntax = goJsonSyntaxError(data);
  if (syntax) throw bad(`: ${syntax}`);
  const o = JSON.parse(data.toString('utf8'));
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw bad(`: json: cannot unmarshal ${Array.isArray(o) ? 'array' : o === null ? 'null' : typeof o} into Go value of type storage.continueToken`);
  const v = o.v ?? '';
  if (v !== 'meta.k8s.io/v1') throw bad(`: server does not recognize this encoded version ${v}`);
  if (!o.rv) throw bad(': incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (!o.start) throw bad(': encoded start key empty (version meta.k8s.io/v1)');
  return { rv: Number(o.rv), start: String(o.start) };
}

const RETURN_DELETED = new Set(['Pod', 'Service', 'ServiceAccount']);
/** Built-in kinds with a scale subresource. */
const SCALE_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'ReplicationController']);

/** An object's autoscaling/v1 Scale: its replicas, and its selector as text. */
function scaleOf(o: Obj): Obj {
  const m = o.metadata;
  const selector = o.kind === 'ReplicationController' ? formatLabels(o.spec?.selector) : formatSelector(o.spec?.selector);
  return {
    kind: 'Scale', apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: o.spec?.replicas ?? 0 },
    status: { replicas: o.status?.replicas ?? 0, selector: selector === '<none>' ? '' : selector },
  };
}
/** Built-in kinds with a status subresource. */
const STATUS_KINDS = new Set(['Pod', 'Service', 'Namespace', 'Node', 'ReplicationController', 'Deployment', 'DaemonSet', 'ReplicaSet', 'StatefulSet', 'Job', 'CronJob']);

/** An object as the type's group-version shows it (extensions/v1beta1 shows apps/v1's objects). */
function present(t: ResourceType, o: Obj): Obj {
  if (!t.storedAs) return o;
  return { ...o, apiVersion: groupVersion(t) };
}

/** A list's item: built-in kinds' lists leave each item's apiVersion and kind out (custom resources' keep them). */
function listItem(t: ResourceType, o: Obj): Obj {
  if (t.custom) return o;
  const { apiVersion: _a, kind: _k, ...rest } = o;
  return rest;
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
    // Passed through as it is: a 500 with the patch error alone.
    throw new ApiError(500, '', e.message);
  }
}

export class ResourceApi {
  /** Open watch responses, ended on shutdown. */
  readonly watches = new Set<ServerResponse>();

  constructor(readonly store: Store, readonly net: ClusterNetwork) {}

  async handle(t: ResourceType, ns: string | undefined, name: string | undefined, req: ApiRequest, res: ServerResponse, subresource?: string): Promise<ApiResponse | typeof STREAMED> {
    if (subresource !== undefined) return this.subresource(t, ns, name!, subresource, req);
    const allNamespaces = t.namespaced && ns === undefined;
    if (t.review) {
      if (req.method !== 'POST' || name !== undefined) throw errors.methodNotAllowed();
      return this.review(t, req);
    }
    // What a path does not allow: custom resources fall through to the mux (text/plain 404) where
    // built-in kinds answer 405 (kube-apiserver's two handlers differ).
    const notHere = () => (t.custom ? errors.pageNotFound() : errors.methodNotAllowed());
    switch (req.method) {
      case 'GET':
        if (name !== undefined) return this.get(t, ns, name, req);
        if (['true', '1'].includes(req.query.get('watch') ?? '')) return this.watch(t, ns, req, res);
        return this.list(t, ns, req);
      case 'POST':
        if (allNamespaces) throw notHere();
        // The custom resource handler takes POST to a name as a create of that name.
        if (name !== undefined) {
          if (!t.custom) throw errors.methodNotAllowed();
          return this.create(t, ns, req, name);
        }
        return this.create(t, ns, req);
      case 'PUT':
      case 'PATCH':
        if (allNamespaces) throw notHere();
        if (name === undefined) throw t.custom ? errors.badRequest('name must be provided') : errors.methodNotAllowed();
        return req.method === 'PUT' ? this.replace(t, ns, name, req) : this.patch(t, ns, name, req);
      case 'DELETE':
        if (allNamespaces) throw notHere();
        if (name === undefined) return this.deleteCollection(t, ns, req);
        return this.delete(t, ns, name, req);
      default:
        throw errors.methodNotAllowed();
    }
  }

  /**
   * NAME/SUBRESOURCE: a custom resource has none (its handler answers NotFound for the object); the
   * built-in kinds' status subresource reads as the object; anything else is not served.
   */
  private subresource(t: ResourceType, ns: string | undefined, name: string, sub: string, req: ApiRequest): ApiResponse {
    if (t.custom) throw errors.notFound(t.plural, t.group, name);
    if (sub === 'status' && STATUS_KINDS.has(t.kind) && req.method === 'GET') return this.get(t, ns, name, req);
    if (sub === 'scale' && SCALE_KINDS.has(t.kind)) return this.scale(t, ns, name, req);
    throw errors.genericNotFound();
  }

  /**
   * The scale subresource (`kubectl scale`): the object's replicas as an autoscaling/v1 Scale, read,
   * replaced or patched; a change is an update of the object (nothing then scales anything).
   */
  private scale(t: ResourceType, ns: string | undefined, name: string, req: ApiRequest): ApiResponse {
    const old = this.existing(t, ns, name);
    const current = scaleOf(old);
    if (req.method === 'GET') return json(200, current);
    if (req.method !== 'PUT' && req.method !== 'PATCH') throw errors.methodNotAllowed();
    const options = req.method === 'PUT' ? 'UpdateOptions' : 'PatchOptions';
    const dryRun = isDryRun(req.query, options);
    let wanted: Obj;
    if (req.method === 'PUT') wanted = parseBody(req.body, req.headers['content-type'], 'Scale', 'autoscaling/v1') as Obj;
    else {
      const ct = mediaType(req.headers['content-type']);
      const body = parseJson(req.body, 'Scale');
      if (ct === 'application/json-patch+json') wanted = jsonPatch(current, body) as Obj;
      else if (ct === 'application/merge-patch+json' || ct === 'application/strategic-merge-patch+json') wanted = mergePatch(current, body) as Obj;
      else throw errors.unsupportedMediaType(ct, true, false);
    }
    const rv = wanted?.metadata?.resourceVersion;
    if (rv && rv !== old.metadata.resourceVersion) throw errors.conflict(t.plural, t.group, name);
    const replicas = wanted?.spec?.replicas;
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw errors.invalid('Scale', 'autoscaling', name, [{ field: 'spec.replicas', reason: 'FieldValueInvalid', message: `Invalid value: ${replicas}: must be greater than or equal to 0` }]);
    }
    const updated = clone(old);
    updated.spec = { ...updated.spec, replicas };
    const r = this.update(t, ns, name, updated, old, [], dryRun, false);
    return json(200, scaleOf(r.body as Obj));
  }

  private key(t: ResourceType): string {
    return typeKey(t);
  }

  private get(t: ResourceType, ns: string | undefined, name: string, req: ApiRequest): ApiResponse {
    // The stored object itself (read-only): its JSON is made once.
    const obj = this.store.peek(this.key(t), ns ?? '', name);
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
    // An object's key relative to the list's (etcd key order): the name in a namespace, NS/NAME across them.
    const listKey = (o: Obj) => (t.namespaced && ns === undefined ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name);
    const match = this.matcher(t, q);
    const limitRaw = q.get('limit');
    const limit = limitRaw && /^\d+$/.test(limitRaw) ? Number(limitRaw) : 0;
    const cont = q.get('continue');
    const rv = this.store.revision();
    const table = wantsTable(req.headers.accept);
    // The objects from the continue token's key on, in order, as stored (no copy, no sort); a page
    // of them is handed out. Without selectors every object matches: the page is read, not the rest.
    // The token's key is relative to the list's prefix (NAME in a namespace, NS/NAME across them,
    // /NAME for cluster-scoped objects in the store).
    const tokenStart = cont ? decodeContinue(cont).start : undefined;
    const from = tokenStart === undefined ? undefined : t.namespaced && ns === undefined ? tokenStart : `${ns ?? ''}/${tokenStart}`;
    const selected = !!q.get('labelSelector') || !!q.get('fieldSelector');
    let items: Obj[];
    let total: number;
    if (selected) {
      items = this.store.list(this.key(t), ns, from).filter(match);
      total = items.length;
    } else {
      const range = this.store.range(this.key(t), ns, from);
      total = range.size;
      const n = limit > 0 ? Math.min(limit, total) : total;
      items = new Array(n);
      for (let i = 0; i < n; i++) items[i] = range.at(i);
    }
    // Custom resource lists always carry `continue` (empty at the end); built-in lists only when there is more.
    const meta: Obj = t.custom ? { continue: '', resourceVersion: String(rv) } : { resourceVersion: String(rv) };
    if (limit > 0 && total > limit) {
      meta.continue = encodeContinue(rv, listKey(items[limit - 1]!));
      meta.remainingItemCount = total - limit;
      items = items.slice(0, limit);
    }
    if (t.storedAs) items = items.map((o) => present(t, o));
    if (table) {
      if (meta.continue === '') delete meta.continue;
      return { status: 200, body: toTable(t, items, meta, q.get('includeObject') ?? 'Metadata'), contentType: TABLE_CONTENT_TYPE };
    }
    return json(200, { apiVersion: groupVersion(t), items: items.map((o) => listItem(t, o)), kind: t.listKind, metadata: meta });
  }

  private watch(t: ResourceType, ns: string | undefined, req: ApiRequest, res: ServerResponse): typeof STREAMED {
    const q = req.query;
    const match = this.matcher(t, q);
    const rvParam = q.get('resourceVersion');
    if (rvParam && !/^\d+$/.test(rvParam)) throw new ApiError(500, '', `resourceVersion: Invalid value: ${JSON.stringify(rvParam)}: strconv.ParseUint: parsing ${JSON.stringify(rvParam)}: invalid syntax`);
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
    if (t.namespaced && ns !== undefined && !this.store.peek(NAMESPACES_KEY, '', ns)) throw errors.notFound('namespaces', '', ns);
  }

  private create(t: ResourceType, ns: string | undefined, req: ApiRequest, urlName?: string): ApiResponse {
    this.requireWritable(t);
    const dryRun = isDryRun(req.query, 'CreateOptions');
    const mode = fieldValidation(req.query, 'CreateOptions');
    const body = parseBody(req.body, req.headers['content-type'], t.kind, groupVersion(t));
    const { obj, warnings } = decodeObject(t, body, ns, mode, req.body);
    if (urlName !== undefined && obj.metadata.name !== urlName) throw errors.pageNotFound();
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
    if (this.store.peek(this.key(t), ns ?? '', obj.metadata.name)) throw errors.alreadyExists(t.plural, t.group, obj.metadata.name);
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
          name, group: t.group || undefined, kind: t.custom ? t.plural : t.kind, causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: 0x0: must be specified for an update', field: 'metadata.resourceVersion' }],
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
    const dryRun = isDryRun(req.query, 'UpdateOptions');
    const mode = fieldValidation(req.query, 'UpdateOptions');
    const body = parseBody(req.body, req.headers['content-type'], t.kind, groupVersion(t));
    const { obj, warnings } = decodeObject(t, body, ns, mode, req.body);
    const old = this.existing(t, ns, name);
    return this.update(t, ns, name, obj, old, warnings, dryRun, t.custom);
  }

  private patch(t: ResourceType, ns: string | undefined, name: string, req: ApiRequest): ApiResponse {
    this.requireWritable(t);
    const dryRun = isDryRun(req.query, 'PatchOptions');
    const mode = fieldValidation(req.query, 'PatchOptions');
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
      const merged = applyMerge(clone(present(t, old)), obj) as Obj;
      if (obj.metadata.resourceVersion === undefined) merged.metadata.resourceVersion = old.metadata.resourceVersion;
      return this.update(t, ns, name, merged, old, warnings, dryRun, false);
    }
    if (!old) throw errors.notFound(t.plural, t.group, name);
    const patchBody = parseJson(req.body, t.kind);
    // A copy: merge patches share untouched parts with their input, and `old` must stay as stored.
    const current = clone(present(t, old));
    let patched: Obj;
    if (ct === 'application/json-patch+json') patched = jsonPatch(current, patchBody) as Obj;
    else {
      if (typeof patchBody !== 'object' || patchBody === null || Array.isArray(patchBody)) {
        const what = Array.isArray(patchBody) ? 'array' : patchBody === null ? 'null' : typeof patchBody;
        throw errors.badRequest(`error decoding patch: json: cannot unmarshal ${what} into Go value of type map[string]interface {}`);
      }
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
    checkDryRun([].concat(opts.dryRun ?? []), 'DeleteOptions');
    if (opts.propagationPolicy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(opts.propagationPolicy)) {
      throw errors.invalid('DeleteOptions', 'meta.k8s.io', '', [{ field: 'propagationPolicy', message: `Unsupported value: "${opts.propagationPolicy}": supported values: "Foreground", "Background", "Orphan", "nil"`, reason: 'FieldValueNotSupported' }]);
    }
    return opts;
  }

  private delete(t: ResourceType, ns: string | undefined, name: string, req: ApiRequest): ApiResponse {
    this.requireWritable(t);
    const opts = this.deleteOptions(req);
    const dryRun = isDryRun(req.query, 'DeleteOptions') || (Array.isArray(opts.dryRun) && opts.dryRun.includes('All'));
    const old = this.existing(t, ns, name);
    const pre = opts.preconditions ?? {};
    // The registry's precondition errors name the Kind (Kind.group), not the resource.
    const kindName = t.group ? `${t.kind}.${t.group}` : t.kind;
    const precondition = (why: string) => new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${kindName} "${name}": ${why}`, { name, ...(t.group ? { group: t.group } : {}), kind: t.kind });
    if (pre.uid && pre.uid !== old.metadata.uid) {
      throw precondition(`the UID in the precondition (${pre.uid}) does not match the UID in record (${old.metadata.uid}). The object might have been deleted and then recreated`);
    }
    if (pre.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw precondition(`the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${old.metadata.resourceVersion}). The object might have been modified`);
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
    if (RETURN_DELETED.has(t.kind) && !t.custom) {
      // A Pod no node runs is deleted at once, as a graceful deletion of zero seconds: the answer says so.
      if (t.kind === 'Pod') return json(200, { ...last, metadata: { ...last.metadata, deletionTimestamp: now(), deletionGracePeriodSeconds: 0, generation: (last.metadata.generation ?? 1) + 1 } });
      return json(200, present(t, last));
    }
    return json(200, successStatus(name, t.plural, t.group, old.metadata.uid));
  }

  private deleteCollection(t: ResourceType, ns: string | undefined, req: ApiRequest): ApiResponse {
    this.requireWritable(t);
    if (t.kind === 'Namespace') throw errors.methodNotAllowed();
    const opts = this.deleteOptions(req);
    const dryRun = isDryRun(req.query, 'DeleteOptions') || (Array.isArray(opts.dryRun) && opts.dryRun.includes('All'));
    const match = this.matcher(t, req.query);
    const items = this.store.list(this.key(t), ns).filter(match);
    const deleted: Obj[] = [];
    for (const o of items) deleted.push(listItem(t, present(t, dryRun ? o : this.store.delete(this.key(t), o.metadata.namespace ?? '', o.metadata.name)!)));
    const meta: Obj = t.custom ? { continue: '', resourceVersion: String(this.store.revision()) } : { resourceVersion: String(this.store.revision()) };
    return json(200, { apiVersion: groupVersion(t), items: deleted, kind: t.listKind, metadata: meta });
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
