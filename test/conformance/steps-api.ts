// Raw HTTP steps: discovery, OpenAPI, and the Istio kinds' CRUD with every error kube-apiserver
// gives for them. One line per step; the order matters (later steps see what earlier ones made).
import { aggregatedServeHas, groupsServeHas, httpStep as h, openapiIndexServeHas, resourcesServeHas, seqStep, http, normResponse, type Step } from './harness.ts';
import { ISTIO_TYPES, groupVersion } from '../../src/server/resources.ts';

const AGG = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
const PROTO_V2 = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

const ER = '/apis/config.istio.io/v1alpha2/namespaces/default/egressrules';
const er = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'config.istio.io/v1alpha2', kind: 'EgressRule', metadata: { name, labels: { team: 'net', tier: name.endsWith('2') ? 'b' : 'a' } },
  spec: { destination: { service: `${name}.example.com` }, ports: [{ port: 443, protocol: 'https' }] }, ...extra,
});

/** A sample object of each Istio kind. */
function sample(kind: string, name: string): Record<string, unknown> {
  const t = ISTIO_TYPES.find((x) => x.kind === kind)!;
  const specs: Record<string, unknown> = {
    EgressRule: { destination: { service: '*.example.com' }, ports: [{ port: 443, protocol: 'https' }] },
    RouteRule: { destination: { name: 'reviews' }, route: [{ labels: { version: 'v1' } }] },
    DestinationPolicy: { destination: { name: 'reviews' }, loadBalancing: { name: 'RANDOM' } },
    ServiceEntry: { hosts: ['api.example.com'], ports: [{ number: 443, name: 'https', protocol: 'TLS' }], resolution: 'DNS', location: 'MESH_EXTERNAL' },
    VirtualService: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] },
    DestinationRule: { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] },
    Gateway: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] },
  };
  return { apiVersion: groupVersion(t), kind, metadata: { name }, spec: specs[kind] };
}

const discovery: Step[] = [
  h('keys only: serve reports 1.32 on purpose', 'GET', '/version', { pick: (b) => Object.keys(b).sort() }),
  h('the minor version', 'GET', '/version', { pick: (b) => `${b.major}.${b.minor}`, known: 'serve reports v1.32.0 so that the kubectl dispatcher picks kubectl 1.32, the client the project tests against' }),
  h('legacy', 'GET', '/api'),
  h('aggregated', 'GET', '/api', { accept: AGG, project: aggregatedServeHas }),
  h('legacy', 'GET', '/apis', { project: groupsServeHas }),
  h('aggregated', 'GET', '/apis', { accept: AGG, project: aggregatedServeHas }),
  ...['/api/v1', '/apis/apps/v1', '/apis/batch/v1', '/apis/events.k8s.io/v1', '/apis/authentication.k8s.io/v1', '/apis/authorization.k8s.io/v1', '/apis/apiextensions.k8s.io/v1', '/apis/networking.k8s.io/v1', '/apis/config.istio.io/v1alpha2', '/apis/networking.istio.io/v1'].map((p) => h('', 'GET', p, { project: resourcesServeHas })),
  h('', 'GET', '/apis/apps'),
  h('', 'GET', '/apis/config.istio.io'),
  h('a group nobody serves', 'GET', '/apis/nope.example.com'),
  h('a version nobody serves', 'GET', '/apis/apps/v2'),
  h('as kubectl asks', 'GET', '/openapi/v2', { accept: PROTO_V2, pick: (b) => (b === '' ? 'an empty document' : 'the whole API'), known: 'serve answers an empty protobuf document: every path kubectl takes needs only that it answers 200' }),
  h('index', 'GET', '/openapi/v3', { project: openapiIndexServeHas, pick: (b) => ({ paths: Object.fromEntries(Object.entries(b.paths ?? {}).map(([k, v]: [string, any]) => [k, { serverRelativeURL: String(v.serverRelativeURL).replace(/\?hash=.*/, '?hash=<hash>') }])) }) }),
  ...['api/v1', 'apis/apps/v1', 'apis/batch/v1', 'apis/config.istio.io/v1alpha2'].map((p) =>
    h('the kinds\' schemas, descriptions aside', 'GET', `/openapi/v3/${p}`, { pick: openapiSchemas, project: schemasServeHas }),
  ),
  ...['api/v1', 'apis/apps/v1', 'apis/config.istio.io/v1alpha2'].map((p) =>
    h('the PATCH operations kubectl reads (media types, GVK, fieldValidation)', 'GET', `/openapi/v3/${p}`, { pick: patchOperations, project: operationsServeHas }),
  ),
  h('healthz', 'GET', '/healthz'),
  h('', 'GET', '/readyz'),
  h('', 'GET', '/livez'),
];

/** The components of an OpenAPI v3 document, descriptions left out. */
function openapiSchemas(b: any): unknown {
  const strip = (v: any): any => {
    if (Array.isArray(v)) return v.map(strip);
    if (typeof v !== 'object' || v === null) return v;
    return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'description').map(([k, x]) => [k, k === 'properties' ? Object.fromEntries(Object.entries(x as object).map(([p, s]) => [p, strip(s)])) : strip(x)]));
  };
  return strip(b?.components?.schemas ?? {});
}

function schemasServeHas(real: any, serve: any): [unknown, unknown] {
  const keys = Object.keys(serve.body ?? {});
  return [{ ...real, body: Object.fromEntries(keys.filter((k) => k in (real.body ?? {})).map((k) => [k, real.body[k]])) }, serve];
}

function patchOperations(b: any): unknown {
  const out: Record<string, unknown> = {};
  for (const [path, item] of Object.entries<any>(b?.paths ?? {})) {
    if (!item.patch) continue;
    out[path] = {
      gvk: item.patch['x-kubernetes-group-version-kind'],
      action: item.patch['x-kubernetes-action'],
      contentTypes: Object.keys(item.patch.requestBody?.content ?? {}).sort(),
      parameters: (item.patch.parameters ?? []).map((p: any) => p.name).sort(),
    };
  }
  return out;
}

function operationsServeHas(real: any, serve: any): [unknown, unknown] {
  const keys = Object.keys(serve.body ?? {});
  return [{ ...real, body: Object.fromEntries(keys.filter((k) => k in (real.body ?? {})).map((k) => [k, real.body[k]])) }, serve];
}

const istioCrud: Step[] = ISTIO_TYPES.flatMap((t) => {
  const base = `/apis/${groupVersion(t)}/namespaces/default/${t.plural}`;
  const obj = sample(t.kind, `${t.singular}-one`);
  return [
    h(`create a ${t.kind}`, 'POST', base, { body: obj }),
    h(`get it`, 'GET', `${base}/${t.singular}-one`),
    h(`as a Table`, 'GET', `${base}/${t.singular}-one`, { accept: TABLE }),
    h(`list`, 'GET', base),
    h(`list all namespaces`, 'GET', `/apis/${groupVersion(t)}/${t.plural}`),
    h(`merge patch`, 'PATCH', `${base}/${t.singular}-one`, { body: { metadata: { labels: { patched: 'merge' } } }, contentType: 'application/merge-patch+json' }),
    h(`JSON patch`, 'PATCH', `${base}/${t.singular}-one`, { body: [{ op: 'add', path: '/metadata/annotations', value: { a: 'b' } }], contentType: 'application/json-patch+json' }),
    h(`strategic merge patch on a custom resource: 415`, 'PATCH', `${base}/${t.singular}-one`, { body: { metadata: { labels: { x: 'y' } } }, contentType: 'application/strategic-merge-patch+json' }),
    h(`server-side apply creates`, 'PATCH', `${base}/${t.singular}-applied?fieldManager=conformance`, { body: sample(t.kind, `${t.singular}-applied`), contentType: 'application/apply-patch+yaml' }),
    h(`delete`, 'DELETE', `${base}/${t.singular}-one`),
    h(`get a deleted one: 404`, 'GET', `${base}/${t.singular}-one`),
    h(`delete a missing one: 404`, 'DELETE', `${base}/${t.singular}-one`),
  ];
});

const writes: Step[] = [
  h('create', 'POST', ER, { body: er('rule-1') }),
  h('create', 'POST', ER, { body: er('rule-2') }),
  h('create', 'POST', ER, { body: er('rule-3') }),
  h('AlreadyExists', 'POST', ER, { body: er('rule-1') }),
  h('a namespace that does not exist', 'POST', '/apis/config.istio.io/v1alpha2/namespaces/nope/egressrules', { body: er('rule-x') }),
  h('a bad name: 422 with causes', 'POST', ER, { body: er('Bad_Name') }),
  h('no name', 'POST', ER, { body: { ...er('x'), metadata: {} } }),
  h('body namespace differs from the URL', 'POST', ER, { body: { ...er('rule-x'), metadata: { name: 'rule-x', namespace: 'other' } } }),
  h('not JSON', 'POST', ER, { body: '{"kind":', contentType: 'application/json' }),
  h('an array', 'POST', ER, { body: '[1]', contentType: 'application/json' }),
  h('no kind', 'POST', ER, { body: { apiVersion: 'config.istio.io/v1alpha2', metadata: { name: 'k' } } }),
  h('another kind', 'POST', ER, { body: { ...er('rule-x'), kind: 'RouteRule' } }),
  h('another apiVersion', 'POST', ER, { body: { ...er('rule-x'), apiVersion: 'config.istio.io/v1' }, known: 'the real server also sends a stray `unknown field "spec"` warning with this 400 (it decoded the body as the other version); serve sends the 400 alone' }),
  h('a resourceVersion on create', 'POST', ER, { body: { ...er('rule-x'), metadata: { name: 'rule-x', resourceVersion: '5' } } }),
  h('text/plain: 415', 'POST', ER, { body: 'hello', contentType: 'text/plain' }),
  h('YAML body', 'POST', ER, { body: 'apiVersion: config.istio.io/v1alpha2\nkind: EgressRule\nmetadata:\n  name: rule-yaml\nspec: {}\n', contentType: 'application/yaml' }),
  h('dryRun=All creates nothing', 'POST', `${ER}?dryRun=All`, { body: er('rule-dry') }),
  h('after the dry run', 'GET', `${ER}/rule-dry`),
  h('dryRun=Bogus', 'POST', `${ER}?dryRun=Bogus`, { body: er('rule-dry') }),
  h('fieldValidation=Strict, an unknown metadata field', 'POST', `${ER}?fieldValidation=Strict`, { body: { ...er('rule-strict'), metadata: { name: 'rule-strict', colour: 'red' } } }),
  h('fieldValidation=Warn', 'POST', `${ER}?fieldValidation=Warn`, { body: { ...er('rule-warn'), metadata: { name: 'rule-warn', colour: 'red' } } }),
  h('fieldValidation=Ignore', 'POST', `${ER}?fieldValidation=Ignore`, { body: { ...er('rule-ignore'), metadata: { name: 'rule-ignore', colour: 'red' } } }),
  h('fieldValidation=Bogus', 'POST', `${ER}?fieldValidation=Bogus`, { body: er('rule-bogus') }),
  h('Strict and an unknown top-level field of a custom resource (kept: preserve-unknown-fields)', 'POST', `${ER}?fieldValidation=Strict`, { body: { ...er('rule-top'), colour: 'red' } }),
  h('PUT without resourceVersion: 422', 'PUT', `${ER}/rule-1`, { body: er('rule-1') }),
  h('PUT with a stale resourceVersion: Conflict', 'PUT', `${ER}/rule-1`, { body: { ...er('rule-1'), metadata: { name: 'rule-1', resourceVersion: '1' } } }),
  seqStep('GET then PUT with its resourceVersion', async (t) => {
    const got = (await http(t, 'GET', `${ER}/rule-2`)).json();
    got.spec.ports = [{ port: 80, protocol: 'http' }];
    return normResponse(await http(t, 'PUT', `${ER}/rule-2`, { body: got }), { t });
  }),
  h('PUT a name that differs from the URL', 'PUT', `${ER}/rule-3`, { body: { ...er('rule-9'), metadata: { name: 'rule-9', resourceVersion: '1' } } }),
  h('PUT a missing object: 404', 'PUT', `${ER}/rule-404`, { body: { ...er('rule-404'), metadata: { name: 'rule-404', resourceVersion: '1' } } }),
  h('PATCH with a stale resourceVersion: Conflict', 'PATCH', `${ER}/rule-3`, { body: { metadata: { resourceVersion: '1' } }, contentType: 'application/merge-patch+json' }),
  h('merge patch that is an array', 'PATCH', `${ER}/rule-3`, { body: '[]', contentType: 'application/merge-patch+json' }),
  h('JSON patch test that fails', 'PATCH', `${ER}/rule-3`, { body: [{ op: 'test', path: '/spec/ports/0/port', value: 1 }], contentType: 'application/json-patch+json' }),
  h('JSON patch on a missing path', 'PATCH', `${ER}/rule-3`, { body: [{ op: 'remove', path: '/spec/nothing' }], contentType: 'application/json-patch+json' }),
  h('apply without fieldManager', 'PATCH', `${ER}/rule-3`, { body: er('rule-3'), contentType: 'application/apply-patch+yaml' }),
  h('an unknown patch type', 'PATCH', `${ER}/rule-3`, { body: '{}', contentType: 'application/x-whatever' }),
  h('PATCH a missing object', 'PATCH', `${ER}/rule-404`, { body: { metadata: { labels: { a: 'b' } } }, contentType: 'application/merge-patch+json' }),
  h('dry-run delete', 'DELETE', `${ER}/rule-3?dryRun=All`),
  h('dry-run merge patch', 'PATCH', `${ER}/rule-3?dryRun=All`, { body: { spec: { ports: [{ port: 1, protocol: 'tcp' }] } }, contentType: 'application/merge-patch+json' }),
  seqStep('dry-run PUT, then the object is as it was', async (t) => {
    const got = (await http(t, 'GET', `${ER}/rule-3`)).json();
    const put = await http(t, 'PUT', `${ER}/rule-3?dryRun=All`, { body: { ...got, spec: { changed: true } } });
    return { put: normResponse(put, { t }), after: normResponse(await http(t, 'GET', `${ER}/rule-3`), { t }) };
  }),
  h('dryRun in the DeleteOptions body', 'DELETE', `${ER}/rule-3`, { body: { dryRun: ['All'] } }),
  h('a bad dryRun in the DeleteOptions body', 'DELETE', `${ER}/rule-3`, { body: { dryRun: ['Nope'] } }),
  h('delete with a stale resourceVersion precondition', 'DELETE', `${ER}/rule-3`, { body: { preconditions: { resourceVersion: '1' } }, pick: (b) => ({ ...b, message: String(b.message).replace(/record \(\d+\)/, 'record (<rv>)') }) }),
  h('server-side apply over fields another manager wrote', 'PATCH', `${ER}/rule-3?fieldManager=other&dryRun=All`, { body: { ...er('rule-3'), spec: { destination: { service: 'other.example.com' } } }, contentType: 'application/apply-patch+yaml', known: 'serve keeps no managedFields, so server-side apply has no field owners and no conflicts: it merges what is applied over the object' }),
  h('server-side apply with force', 'PATCH', `${ER}/rule-3?fieldManager=other&force=true`, { body: { ...er('rule-3'), spec: { destination: { service: 'forced.example.com' } } }, contentType: 'application/apply-patch+yaml' }),
  h('delete with a wrong uid precondition', 'DELETE', `${ER}/rule-3`, { body: { preconditions: { uid: '00000000-0000-0000-0000-000000000000' } } }),
  h('delete with propagationPolicy', 'DELETE', `${ER}/rule-yaml`, { body: { propagationPolicy: 'Background' } }),
  h('delete with a bad propagationPolicy', 'DELETE', `${ER}/rule-3`, { body: { propagationPolicy: 'Sideways' } }),
  h('POST to an object: 405', 'POST', `${ER}/rule-1`, { body: er('rule-1') }),
  h('PUT to the collection: 405', 'PUT', ER, { body: er('rule-1') }),
  h('POST across namespaces: 404', 'POST', '/apis/config.istio.io/v1alpha2/egressrules', { body: er('rule-1') }),
  h('DELETE across namespaces', 'DELETE', '/apis/config.istio.io/v1alpha2/egressrules'),
  h('a subresource CRs do not have', 'GET', `${ER}/rule-1/status`),
  h('an unknown resource', 'GET', '/apis/config.istio.io/v1alpha2/namespaces/default/nothings'),
  h('a path nobody serves', 'GET', '/nothing/here'),
  h('a missing token', 'GET', ER, { token: null, known: 'serve answers 401 without a token, as a cluster with --anonymous-auth=false does; the test bed lets anonymous requests through to RBAC, which answers 403 for system:anonymous' }),
  h('a wrong token', 'GET', ER, { token: 'wrong' }),
  h('healthz without a token', 'GET', '/healthz', { token: null }),
  h('version without a token', 'GET', '/version', { token: null, pick: (b) => Object.keys(b).sort() }),
];

const lists: Step[] = [
  h('', 'GET', ER),
  h('label =', 'GET', `${ER}?labelSelector=tier%3Da`),
  h('label ==', 'GET', `${ER}?labelSelector=tier%3D%3Db`),
  h('label !=', 'GET', `${ER}?labelSelector=tier!%3Da`),
  h('label in', 'GET', `${ER}?labelSelector=tier%20in%20(a,c)`),
  h('label notin', 'GET', `${ER}?labelSelector=tier%20notin%20(a)`),
  h('label exists', 'GET', `${ER}?labelSelector=patched`),
  h('label !exists', 'GET', `${ER}?labelSelector=!patched`),
  h('labels ANDed', 'GET', `${ER}?labelSelector=team%3Dnet,tier%3Da`),
  h('a broken label selector', 'GET', `${ER}?labelSelector=team%20in%20(net`),
  h('a broken label selector', 'GET', `${ER}?labelSelector=team%3D%3D%3D`),
  h('a bad label value', 'GET', `${ER}?labelSelector=team%3Dn%20t`),
  h('a bad label value', 'GET', `${ER}?labelSelector=team%3Dn%40t`),
  h('a bad label key', 'GET', `${ER}?labelSelector=te%40m%3Dx`),
  h('in ()', 'GET', `${ER}?labelSelector=team%20in%20()`),
  h('a trailing comma', 'GET', `${ER}?labelSelector=team%3Dnet,`),
  h('an operator alone', 'GET', `${ER}?labelSelector=%3Dx`),
  h('gt', 'GET', `${ER}?labelSelector=tier%3Ex`),
  h('spaces', 'GET', `${ER}?labelSelector=%20team%20%3D%20net%20`),
  h('field metadata.name', 'GET', `${ER}?fieldSelector=metadata.name%3Drule-1`),
  h('field metadata.namespace !=', 'GET', `/apis/config.istio.io/v1alpha2/egressrules?fieldSelector=metadata.namespace!%3Ddefault`),
  h('an unsupported field', 'GET', `${ER}?fieldSelector=spec.destination%3Dx`),
  h('a broken field selector', 'GET', `${ER}?fieldSelector=metadata.name`),
  h('limit=2', 'GET', `${ER}?limit=2`),
  seqStep('limit=2, then continue', async (t) => {
    const first = (await http(t, 'GET', `${ER}?limit=2`)).json();
    return normResponse(await http(t, 'GET', `${ER}?limit=2&continue=${encodeURIComponent(first.metadata.continue)}`), { t });
  }),
  h('a continue token that is not one', 'GET', `${ER}?limit=2&continue=bm90LWEtdG9rZW4`),
  h('limit=0 (no limit)', 'GET', `${ER}?limit=0`),
  h('Table', 'GET', ER, { accept: TABLE }),
  h('Table without objects', 'GET', `${ER}?includeObject=None`, { accept: TABLE }),
  h('a namespace that does not exist: an empty list', 'GET', '/apis/config.istio.io/v1alpha2/namespaces/nope/egressrules'),
  seqStep('watch from now: the current objects as ADDED, then the stream ends at timeoutSeconds', async (t) => {
    const r = await http(t, 'GET', `${ER}?watch=true&timeoutSeconds=1&labelSelector=tier%3Db`);
    const events = r.body.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).map((e) => ({ type: e.type, name: e.object?.metadata?.name }));
    return { status: r.status, type: String(r.headers['content-type']).split(';')[0], events };
  }),
  seqStep('watch from a list\'s resourceVersion sees a change', async (t) => {
    const list = (await http(t, 'GET', ER)).json();
    const watch = http(t, 'GET', `${ER}?watch=true&timeoutSeconds=2&resourceVersion=${list.metadata.resourceVersion}`);
    await new Promise((r) => setTimeout(r, 300));
    await http(t, 'PATCH', `${ER}/rule-1`, { body: { metadata: { labels: { watched: 'yes' } } }, contentType: 'application/merge-patch+json' });
    const r = await watch;
    return { status: r.status, events: r.body.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).map((e) => ({ type: e.type, name: e.object?.metadata?.name, labels: e.object?.metadata?.labels })) };
  }),
  seqStep('watch asking for Table: one-row Tables, the columns first only', async (t) => {
    const r = await http(t, 'GET', `${ER}?watch=true&timeoutSeconds=1`, { accept: TABLE });
    const events = r.body.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).map((e) => ({ type: e.type, kind: e.object?.kind, columns: (e.object?.columnDefinitions ?? null) === null ? null : e.object.columnDefinitions.map((c: any) => c.name), name: e.object?.rows?.[0]?.cells?.[0] }));
    return { status: r.status, type: String(r.headers['content-type']).split(';')[0], events };
  }),
  h('watch with a resourceVersion that is not a number', 'GET', `${ER}?watch=true&resourceVersion=abc&timeoutSeconds=1`),
  h('deletecollection by label', 'DELETE', `${ER}?labelSelector=tier%3Db`),
  h('after it', 'GET', ER),
];

export const API_STEPS: Step[] = [...discovery, ...istioCrud, ...writes, ...lists];
