// The EgressRule model: field names, normalisation and validation. Pure.
//
// The rules and messages are Istio 0.4's (pilot/model/validation.go), every problem collected.
// Added here: metadata.name must be a DNS-1123 subdomain and metadata.namespace a DNS-1123 label
// (the API server would refuse them later, after other objects were already written), strict IPv4
// parsing, type checks, and unknown fields named.

import { parseCidr, parseIPv4 } from './cidr.ts';
import type { Problem } from './errors.ts';
import { isObject, readFields, readStringMap, show } from './fields.ts';
import { checkAnnotations, checkLabels, checkName, checkNamespace, isDNS1123Label } from './names.ts';
import { documentPlace, type SourceDocument } from './stream.ts';

export const GROUP = 'config.istio.io';
export const VERSION = 'v1alpha2';
export const API_VERSION = `${GROUP}/${VERSION}`;
export const KIND = 'EgressRule';
export const PLURAL = 'egressrules';

export interface EgressRulePort {
  port: number;
  protocol: string;
}

export interface EgressRuleSpec {
  destination: { service: string };
  ports: EgressRulePort[];
  useEgressProxy?: boolean;
}

export interface EgressRuleMetadata {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  resourceVersion?: string;
}

/** An EgressRule as sent to the API server: lowerCamel names, defaults left out. */
export interface EgressRuleObject {
  apiVersion: typeof API_VERSION;
  kind: typeof KIND;
  metadata: EgressRuleMetadata;
  spec: EgressRuleSpec;
}

/** Protocols of Istio 0.4's egress rules, in a fixed order (the original's was random). */
export const HTTP_PROTOCOLS = ['HTTP', 'HTTPS', 'HTTP2', 'GRPC'] as const;
export const TCP_PROTOCOLS = ['TCP', 'MONGO'] as const;
export const EGRESS_PROTOCOLS: readonly string[] = [...HTTP_PROTOCOLS, ...TCP_PROTOCOLS];

export function protocolGroup(protocol: string): 'HTTP' | 'TCP' | undefined {
  const p = protocol.toUpperCase();
  if ((HTTP_PROTOCOLS as readonly string[]).includes(p)) return 'HTTP';
  if ((TCP_PROTOCOLS as readonly string[]).includes(p)) return 'TCP';
  return undefined;
}

/** Istio 0.4 ValidateFQDN. */
export function checkFQDN(fqdn: string): string | undefined {
  if (fqdn.length > 255) return `domain name "${fqdn}" too long (max 255)`;
  if (fqdn.length === 0) return 'empty domain name not allowed';
  for (const label of fqdn.split('.')) {
    if (!isDNS1123Label(label)) return `domain name "${fqdn}" invalid (label "${label}" invalid)`;
  }
  return undefined;
}

/** Istio 0.4 ValidateEgressRuleDomain: a leading `*` (then a `.` or `-`) is dropped; `*` alone matches all. */
export function checkEgressDomain(domain: string): string | undefined {
  if (domain.length === 0) return 'domain must not be empty string';
  let d = domain;
  if (d[0] === '*') {
    if (d.length === 1) return undefined;
    d = d.slice(1);
    if (d[0] === '.' || d[0] === '-') d = d.slice(1);
  }
  return checkFQDN(d);
}

/** True when `service` is written as a CIDR block (Istio 0.4: exactly one `/`). */
export function isCidrService(service: string): boolean {
  return service.indexOf('/') >= 0 && service.indexOf('/') === service.lastIndexOf('/');
}

const SPEC_FIELDS = { destination: 'destination', ports: 'ports', use_egress_proxy: 'useEgressProxy', useEgressProxy: 'useEgressProxy' };
const DESTINATION_FIELDS = { name: 'name', namespace: 'namespace', domain: 'domain', service: 'service', labels: 'labels' };
const PORT_FIELDS = { port: 'port', protocol: 'protocol' };
const TOP_FIELDS = { apiVersion: 'apiVersion', kind: 'kind', metadata: 'metadata', spec: 'spec' };
// ObjectMeta fields that come back from the server (`get -o yaml`): accepted and not sent.
const SERVER_METADATA = ['uid', 'creationTimestamp', 'generation', 'managedFields', 'selfLink', 'finalizers', 'ownerReferences', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generateName'];
const METADATA_FIELDS: Record<string, string> = Object.fromEntries(
  ['name', 'namespace', 'labels', 'annotations', 'resourceVersion', ...SERVER_METADATA].map((k) => [k, k]),
);

/** Validates the spec of an EgressRule (Istio 0.4 rules) and returns it normalised. */
export function checkEgressRuleSpec(spec: unknown): { spec?: EgressRuleSpec; problems: string[] } {
  const problems: string[] = [];
  if (spec === undefined || spec === null) return { problems: ['spec is required'] };
  if (!isObject(spec)) return { problems: [`spec: expected an object, got ${show(spec)}`] };
  const f = readFields(spec, SPEC_FIELDS, 'spec.', problems);

  // 1. destination
  let service = '';
  const destination = f.get('destination');
  if (destination === undefined || destination === null) {
    problems.push('destination of egress rule must have destination field');
  } else if (!isObject(destination)) {
    problems.push(`spec.destination: expected an object, got ${show(destination)}`);
  } else {
    const d = readFields(destination, DESTINATION_FIELDS, 'spec.destination.', problems);
    for (const field of ['name', 'namespace', 'domain'] as const) {
      const v = d.get(field);
      if (v === undefined || v === null || v === '') continue;
      if (typeof v !== 'string') problems.push(`spec.destination.${field}: expected a string, got ${show(v)}`);
      problems.push(`destination of egress rule must not have ${field} field`);
    }
    const labels = d.get('labels');
    if (labels !== undefined && labels !== null) {
      readStringMap(labels, 'spec.destination.labels', problems);
      if (!isObject(labels) || Object.keys(labels).length > 0) problems.push('destination of egress rule must not have labels field');
    }
    const s = d.get('service');
    if (s !== undefined && s !== null && typeof s !== 'string') problems.push(`spec.destination.service: expected a string, got ${show(s)}`);
    else service = s ?? '';
  }

  // 2. service: a CIDR block when it has exactly one '/', otherwise a domain.
  const cidrService = isCidrService(service);
  if (destination !== undefined && destination !== null && isObject(destination)) {
    if (cidrService) {
      const r = parseCidr(service);
      if (!r.ok) problems.push(r.error);
    } else {
      const err = checkEgressDomain(service);
      if (err) problems.push(err);
    }
  }

  // 3-5. ports
  const ports: EgressRulePort[] = [];
  const rawPorts = f.get('ports');
  if (rawPorts !== undefined && rawPorts !== null && !Array.isArray(rawPorts)) {
    problems.push(`spec.ports: expected a list, got ${show(rawPorts)}`);
  } else if (!rawPorts || rawPorts.length === 0) {
    problems.push('egress rule must have a ports list');
  } else {
    const seen = new Set<number>();
    rawPorts.forEach((item: unknown, i: number) => {
      const path = `spec.ports[${i}]`;
      if (!isObject(item)) {
        problems.push(`${path}: expected an object, got ${show(item)}`);
        return;
      }
      const p = readFields(item, PORT_FIELDS, `${path}.`, problems);
      // Absent is proto3's default (port 0, protocol ""), worded as Istio words it; an explicit null
      // is a value of the wrong type, not a port 0.
      const port = p.has('port') && p.get('port') === null ? null : (p.get('port') ?? 0);
      const protocol = p.has('protocol') && p.get('protocol') === null ? null : (p.get('protocol') ?? '');
      if (typeof port !== 'number' || !Number.isInteger(port)) {
        problems.push(`${path}.port: expected an integer, got ${show(port)}`);
        return;
      }
      if (typeof protocol !== 'string') {
        problems.push(`${path}.protocol: expected a string, got ${show(protocol)}`);
        return;
      }
      if (seen.has(port)) problems.push(`duplicate port: ${port}`);
      seen.add(port);
      if (port < 1 || port > 65535) problems.push(`port number ${port} must be in the range 1..65535`);
      const group = protocolGroup(protocol);
      if (group === undefined) {
        problems.push(`egress rule support is available only for the following protocols: ${EGRESS_PROTOCOLS.join(',')}`);
      }
      if (cidrService && group !== 'TCP') {
        problems.push(`Only the following protocols can be defined for CIDR destination service notation: ${TCP_PROTOCOLS.join(',')}. This rule - port: ${port} protocol: ${protocol} destination.service: ${service}`);
      }
      ports.push({ port, protocol });
    });
  }

  // 6. egress proxy
  const useProxy = f.get('useEgressProxy');
  if (useProxy !== undefined && useProxy !== null && typeof useProxy !== 'boolean') {
    problems.push(`spec.use_egress_proxy: expected a boolean, got ${show(useProxy)}`);
  } else if (useProxy === true) {
    problems.push('directing traffic through egress proxy is not implemented yet');
  }

  if (problems.length > 0) return { problems };
  return { spec: { destination: { service }, ports }, problems };
}

export interface CheckedObject {
  object?: EgressRuleObject;
  problems: string[];
}

/** Validates one document's value as an EgressRule and returns it ready to send. */
export function checkEgressRule(value: unknown): CheckedObject {
  if (!isObject(value)) return { problems: [`expected an object (an EgressRule), got ${show(value)}`] };
  const problems: string[] = [];
  const top = readFields(value, TOP_FIELDS, '', problems);

  const kind = top.get('kind');
  if (kind === undefined || kind === null || kind === '') {
    problems.push(`kind is required (${KIND})`);
  } else if (kind !== KIND) {
    if (kind === 'RouteRule' || kind === 'DestinationPolicy') problems.push(`kind ${kind} is not supported: egressctl manages ${KIND} objects`);
    else problems.push(`unknown kind ${JSON.stringify(kind)}: expected ${KIND} (kinds are case-sensitive)`);
    return { problems };
  }
  const apiVersion = top.get('apiVersion');
  if (apiVersion !== undefined && apiVersion !== null && apiVersion !== API_VERSION) {
    problems.push(`apiVersion ${JSON.stringify(apiVersion)} is not supported for ${KIND} (expected ${API_VERSION}, or none)`);
  }

  let metadata: EgressRuleMetadata | undefined;
  const m = top.get('metadata');
  if (m === undefined || m === null) {
    problems.push('metadata.name is required');
  } else if (!isObject(m)) {
    problems.push(`metadata: expected an object, got ${show(m)}`);
  } else {
    const mf = readFields(m, METADATA_FIELDS, 'metadata.', problems);
    const name = mf.get('name');
    const ns = mf.get('namespace');
    const rv = mf.get('resourceVersion');
    if (name === undefined || name === null || name === '') problems.push('metadata.name is required');
    else if (typeof name !== 'string') problems.push(`metadata.name: expected a string, got ${show(name)}`);
    else problems.push(...checkName(name));
    if (ns !== undefined && ns !== null && ns !== '') {
      if (typeof ns !== 'string') problems.push(`metadata.namespace: expected a string, got ${show(ns)}`);
      else problems.push(...checkNamespace(ns));
    }
    if (rv !== undefined && rv !== null && rv !== '' && typeof rv !== 'string') {
      problems.push(`metadata.resourceVersion: expected a string, got ${show(rv)}`);
    }
    const labels = readStringMap(mf.get('labels'), 'metadata.labels', problems);
    const annotations = readStringMap(mf.get('annotations'), 'metadata.annotations', problems);
    if (labels) problems.push(...checkLabels(labels));
    if (annotations) problems.push(...checkAnnotations(annotations));
    if (typeof name === 'string') {
      metadata = { name };
      if (typeof ns === 'string' && ns !== '') metadata.namespace = ns;
      if (labels) metadata.labels = labels;
      if (annotations) metadata.annotations = annotations;
      if (typeof rv === 'string' && rv !== '') metadata.resourceVersion = rv;
    }
  }

  const s = checkEgressRuleSpec(top.get('spec'));
  problems.push(...s.problems);
  if (problems.length > 0 || !metadata || !s.spec) return { problems };
  return { object: { apiVersion: API_VERSION, kind: KIND, metadata, spec: s.spec }, problems };
}

export interface ValidatedRule {
  object: EgressRuleObject;
  document: SourceDocument;
}

export interface ValidateOptions {
  /** An explicit -n: objects naming another namespace are an error. */
  namespace?: string;
  /** Where objects that name no namespace go without -n (the context's, else `default`). */
  defaultNamespace?: string;
}

function conflictMessage(objectNs: string, flagNs: string): string {
  return `the namespace from the provided object "${objectNs}" does not match the namespace "${flagNs}". You must pass '--namespace=${objectNs}' to perform this operation.`;
}

/**
 * Validates documents one at a time, remembering only what the rules across documents need (the
 * names seen), so a stream of any length is checked in memory bounded by its largest document.
 */
export class StreamValidator {
  private names = new Map<string, SourceDocument['doc'] & { source: string; item?: number }>();
  constructor(private readonly opts: ValidateOptions = {}) {}

  /** Checks one document: the rule ready to send, or its problems (each at the document's place). */
  check(document: SourceDocument): { rule?: ValidatedRule; problems: Problem[] } {
    const place = documentPlace(document);
    const r = checkEgressRule(document.value);
    const problems: Problem[] = r.problems.map((message) => ({ place, message }));
    if (!r.object) return { problems };
    const objNs = r.object.metadata.namespace;
    if (this.opts.namespace !== undefined && objNs !== undefined && objNs !== this.opts.namespace) {
      return { problems: [{ place, message: conflictMessage(objNs, this.opts.namespace) }] };
    }
    // Each object's namespace resolved first: `namespace: default` and no namespace (in the
    // default namespace) name the same object.
    const ns = objNs ?? this.opts.namespace ?? this.opts.defaultNamespace ?? 'default';
    const key = `${ns}/${r.object.metadata.name}`;
    const first = this.names.get(key);
    if (first) {
      const at = first.source === place.source ? `document ${first.index}` : `${first.source} document ${first.index}`;
      return { problems: [{ place, message: `duplicate name "${r.object.metadata.name}" in namespace "${ns}": also defined in ${at}${first.item ? ` item ${first.item}` : ''}` }] };
    }
    this.names.set(key, { ...document.doc, raw: '', source: document.source, item: document.item });
    return { rule: { object: r.object, document }, problems };
  }
}

/**
 * Validates every document: each must be a valid EgressRule; names must be unique per namespace
 * within the stream; an object's namespace must agree with an explicit -n. Every problem of every
 * document is returned with its place.
 */
export function validateDocuments(documents: readonly SourceDocument[], opts: ValidateOptions = {}): { rules: ValidatedRule[]; problems: Problem[] } {
  const v = new StreamValidator(opts);
  const rules: ValidatedRule[] = [];
  const problems: Problem[] = [];
  for (const d of documents) {
    const r = v.check(d);
    if (r.rule) rules.push(r.rule);
    problems.push(...r.problems);
  }
  return { rules, problems };
}

/** Whether `service` is a bare IPv4 address (which, as a domain, never matches). */
export function isBareIPv4(service: string): boolean {
  return parseIPv4(service) !== undefined;
}
