// Which input documents `convert` works on, and the validation of its Istio 0.x inputs. Pure.
//
// validateInput() validates a 0.x object with the kind registry's validator (core/objects.ts), the
// one every command uses.
import type { EgressRuleSpec } from '../kinds/egressrule.ts';
import { isObject } from '../fields.ts';
import type { RouteRuleSpec } from '../kinds/routerule.ts';
import type { DestinationPolicySpec } from '../kinds/destinationpolicy.ts';
import { checkObject } from '../objects.ts';
import type { SourceDocument } from '../stream.ts';

export const LEGACY_GROUP = 'config.istio.io';
export const LEGACY_KINDS = ['EgressRule', 'RouteRule', 'DestinationPolicy'] as const;
export type LegacyKind = (typeof LEGACY_KINDS)[number];

interface Base {
  doc: SourceDocument;
  name: string;
  /** metadata.namespace, or the default namespace. */
  namespace: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export type LegacyObject =
  | (Base & { kind: 'EgressRule'; spec: EgressRuleSpec })
  | (Base & { kind: 'RouteRule'; spec: RouteRuleSpec })
  | (Base & { kind: 'DestinationPolicy'; spec: DestinationPolicySpec });

/** The 0.x kind of a document: its kind, with no apiVersion or one of group config.istio.io. */
export function legacyKind(value: unknown): LegacyKind | undefined {
  if (!isObject(value) || typeof value.kind !== 'string') return undefined;
  if (!(LEGACY_KINDS as readonly string[]).includes(value.kind)) return undefined;
  const av = value.apiVersion;
  if (av === undefined || av === null || (typeof av === 'string' && av.split('/')[0] === LEGACY_GROUP)) return value.kind as LegacyKind;
  return undefined;
}

/**
 * Validates one 0.x object (Istio 0.4's rules): the object with its namespace settled, or every
 * problem with it.
 */
export function validateInput(d: SourceDocument, kind: LegacyKind, defaultNamespace: string): { object?: LegacyObject; problems: string[] } {
  // The kind registry's validator, as every command uses it (kind, apiVersion, metadata, spec).
  const r = checkObject(d.value, { namespace: defaultNamespace });
  if (!r.object) return { problems: r.problems };
  const m = r.object.metadata;
  const base = { doc: d, name: m.name, namespace: m.namespace ?? defaultNamespace, labels: m.labels, annotations: m.annotations };
  return { object: { ...base, kind, spec: r.object.spec } as LegacyObject, problems: [] };
}
