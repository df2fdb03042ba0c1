// OpenAPI: /openapi/v2 as an empty protobuf document (enough for kubectl's validation paths) and
// /openapi/v3 (an index of group-versions with content hashes, and per group-version documents whose
// PATCH operations prove to kubectl that the server does field validation).
import { createHash } from 'node:crypto';
import { groupVersion, type Catalog, type GroupVersion, type ResourceType } from './resources.ts';
import { SCHEMAS, closure } from './schema.ts';
import { VERSION_INFO } from './discovery.ts';

export const OPENAPI_V2_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** The component a kind's operations refer to: its own (built-in kinds, from schemas.json) or one made here. */
function schemaName(t: ResourceType): string {
  if (t.schema && SCHEMAS[t.schema]) return t.storedAs ? aliasName(t) : t.schema;
  const g = t.group ? t.group.split('.').reverse().join('.') : 'io.k8s.api.core';
  return `${g}.${t.version}.${t.kind}`;
}

/** extensions/v1beta1 Deployment: apps/v1's schema under the old group-version's name and GVK. */
function aliasName(t: ResourceType): string {
  return `io.k8s.api.${t.group}.${t.version}.${t.kind}`;
}

/** A made schema, for the kinds schemas.json does not hold (custom resources, CRDs, ServiceCIDRs). */
function schemaFor(t: ResourceType): unknown {
  const gvk = { group: t.group, version: t.version, kind: t.kind };
  const props: Record<string, unknown> = {
    apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' },
    kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' },
    metadata: { allOf: [{ $ref: `#/components/schemas/${OBJECT_META}` }], description: "Standard object's metadata." },
  };
  // A custom resource's CRD schema is preserve-unknown-fields at the root, with nothing under spec.
  if (!t.custom) {
    props.spec = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    props.status = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  }
  const s: Record<string, unknown> = { type: 'object', properties: props, 'x-kubernetes-group-version-kind': [gvk] };
  if (t.custom) s['x-kubernetes-preserve-unknown-fields'] = true;
  return s;
}

/** The components a group-version's document holds: each kind's schema and all it refers to. */
function components(gv: GroupVersion): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const made = gv.types.filter((t) => !(t.schema && SCHEMAS[t.schema]));
  if (made.length) Object.assign(out, closure([OBJECT_META]));
  for (const t of made) out[schemaName(t)] = schemaFor(t);
  for (const t of gv.types) {
    if (!(t.schema && SCHEMAS[t.schema])) continue;
    Object.assign(out, closure([t.schema]));
    if (t.storedAs) {
      out[aliasName(t)] = { ...SCHEMAS[t.schema], 'x-kubernetes-group-version-kind': [{ group: t.group, version: t.version, kind: t.kind }] };
      // apps/v1's own kind schema is not this group-version's: only its parts are.
      delete out[t.schema];
    }
  }
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
}

function q(name: string, type = 'string'): unknown {
  return { name, in: 'query', schema: { type, uniqueItems: true } };
}

function paths(gv: GroupVersion): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const prefix = gv.group ? `/apis/${gv.group}/${gv.version}` : `/api/${gv.version}`;
  for (const t of gv.types) {
    const gvk = { group: t.group, version: t.version, kind: t.kind };
    const ref = { $ref: `#/components/schemas/${schemaName(t)}` };
    const itemPath = t.namespaced ? `${prefix}/namespaces/{namespace}/${t.plural}/{name}` : `${prefix}/${t.plural}/{name}`;
    const collPath = t.namespaced ? `${prefix}/namespaces/{namespace}/${t.plural}` : `${prefix}/${t.plural}`;
    const pathParams = [
      { name: 'name', in: 'path', description: `name of the ${t.kind}`, required: true, schema: { type: 'string', uniqueItems: true } },
      ...(t.namespaced ? [{ name: 'namespace', in: 'path', description: 'object name and auth scope, such as for teams and projects', required: true, schema: { type: 'string', uniqueItems: true } }] : []),
    ];
    const op = (verb: string, action: string, extra: Record<string, unknown> = {}) => ({
      tags: [`${t.group || 'core'}_${t.version}`],
      description: `${verb} the specified ${t.kind}`,
      operationId: `${verb}${t.namespaced ? 'Namespaced' : ''}${t.kind}`,
      responses: { '200': { description: 'OK', content: { 'application/json': { schema: ref } } }, '401': { description: 'Unauthorized' } },
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
      ...extra,
    });
    const writeParams = [q('dryRun'), q('fieldManager'), q('fieldValidation')];
    if (t.review) {
      out[collPath] = { parameters: pathParams.slice(1), post: op('create', 'post', { parameters: writeParams, requestBody: { content: { '*/*': { schema: ref } }, required: true } }) };
      continue;
    }
    const item: Record<string, unknown> = { parameters: pathParams, get: op('read', 'get') };
    if (!t.readOnly) {
      item.put = op('replace', 'put', { parameters: writeParams, requestBody: { content: { '*/*': { schema: ref } }, required: true } });
      item.delete = op('delete', 'delete', { parameters: [q('dryRun'), q('gracePeriodSeconds', 'integer'), q('propagationPolicy')] });
      const patchTypes = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];
      if (!t.custom) patchTypes.push('application/strategic-merge-patch+json');
      item.patch = op('patch', 'patch', {
        parameters: [...writeParams, q('force', 'boolean')],
        requestBody: { content: Object.fromEntries(patchTypes.map((c) => [c, { schema: { type: 'object' } }])), required: true },
      });
    }
    out[itemPath] = item;
    const coll: Record<string, unknown> = { parameters: pathParams.slice(1), get: op('list', 'list') };
    if (!t.readOnly) coll.post = op('create', 'post', { parameters: writeParams, requestBody: { content: { '*/*': { schema: ref } }, required: true } });
    out[collPath] = coll;
  }
  return out;
}

export interface OpenApiV3 {
  index: unknown;
  /** Documents by path under /openapi/v3/ (e.g. `apis/config.istio.io/v1alpha2`), serialised, with their hash. */
  docs: Map<string, { body: string; hash: string }>;
}

export function buildOpenApiV3(catalog: Catalog): OpenApiV3 {
  const docs = new Map<string, { body: string; hash: string }>();
  for (const gv of catalog.groups) {
    const key = gv.group ? `apis/${groupVersion(gv)}` : `api/${gv.version}`;
    const schemas = components(gv);
    const body = JSON.stringify({ openapi: '3.0.0', info: { title: 'Kubernetes', version: VERSION_INFO.gitVersion }, paths: paths(gv), components: { schemas } });
    const hash = createHash('sha512').update(body).digest('hex').toUpperCase();
    docs.set(key, { body, hash });
  }
  const index = { paths: Object.fromEntries([...docs].map(([k, d]) => [k, { serverRelativeURL: `/openapi/v3/${k}?hash=${d.hash}` }])) };
  return { index, docs };
}
