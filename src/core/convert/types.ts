// The types `convert` shares between its parts: the options and result the CLI sees, and the
// objects being built before they are written. Pure.
import type { Problem } from '../errors.ts';
import type { SourceDocument } from '../stream.ts';

export interface ConvertOptions {
  /** The namespace of source objects that name none. */
  defaultNamespace: string;
  /** The cluster's DNS domain, for hosts built from IstioService name + namespace. */
  domain?: string;
  /** Carry a 0.x `https` egress port as today's TLS pass-through instead of TLS origination. */
  tlsPassthrough?: boolean;
}

export interface ConvertResult {
  /** The whole output stream, documents separated by `---\n`; empty when there are problems. */
  text: string;
  warnings: Problem[];
  problems: Problem[];
  /**
   * Inputs converted, by their kind (`EgressRule`, `RouteRule`, `DestinationPolicy`, `Ingress`,
   * `workload` for un-injected workloads), objects written by their kind (`ServiceEntry`,
   * `VirtualService`, `DestinationRule`, `Gateway`), and `unchanged` documents passed through.
   */
  counts: Record<string, number>;
}

export type ModernKind = 'ServiceEntry' | 'Gateway' | 'VirtualService' | 'DestinationRule';

/** The order of kinds among the objects written at one place. */
export const KIND_ORDER: readonly ModernKind[] = ['ServiceEntry', 'Gateway', 'VirtualService', 'DestinationRule'];

/** An object of today's Istio being built: its name is settled last, when all names are known. */
export interface OutputObject {
  kind: ModernKind;
  namespace: string;
  /** The name wanted; the final one may carry a hash when two objects want the same. */
  baseName: string;
  /** What the name stands for (a host, an Ingress): two keys wanting one name both get a hash. */
  nameKey: string;
  /** Set by the naming pass. */
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  spec: Record<string, unknown>;
  /** The documents it was made from; the first in input order is where it is written. */
  sources: SourceDocument[];
  /** Creation order, for a stable order among objects written at one place. */
  seq: number;
  /** Where parts of the spec came from (`spec.http[2]` -> its RouteRule), for the places of problems. */
  partSources?: ReadonlyMap<string, SourceDocument>;
}
