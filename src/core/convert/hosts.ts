// Hosts of today's Istio from 0.x references, always fully qualified. Pure.
//
// 0.x resolved an IstioService {name, namespace, domain} as NAME.NAMESPACE.svc.DOMAIN, the
// namespace defaulting to the rule's own and the domain to the mesh's; `service` named an
// external host as it is. Writing the FQDN (not the short name, as the 0.8 converter did) keeps
// the meaning when the object lands in a namespace (0.8 bug #6571).
import type { IstioService } from '../kinds/istio-service.ts';

export const DEFAULT_DOMAIN = 'cluster.local';

/** The host an IstioService names, or undefined when it names none (neither name nor service). */
export function hostOf(svc: IstioService, namespace: string, domain: string = DEFAULT_DOMAIN): string | undefined {
  if (svc.service) return svc.service;
  if (!svc.name) return undefined;
  return `${svc.name}.${svc.namespace || namespace}.svc.${svc.domain || domain}`;
}

/** The host of a Kubernetes Service by name. */
export function serviceHost(name: string, namespace: string, domain: string = DEFAULT_DOMAIN): string {
  return `${name}.${namespace}.svc.${domain}`;
}

/**
 * The synthetic host of an EgressRule whose destination is a CIDR block or an IP address: today's
 * ServiceEntry needs a host beside its `addresses`. It names the rule and its namespace under the
 * reserved top-level domain `.invalid` (RFC 2606): never resolvable, and never the name of a
 * Kubernetes Service. (The 0.8 converter used NAME.NAMESPACE.svc.cluster.local, which is the
 * host of the Service NAME in NAMESPACE when there is one, e.g. an ExternalName Service named
 * like the rule, and today's Istio would merge the two.)
 */
export function egressRuleHost(ruleName: string, namespace: string): string {
  return `${ruleName}.${namespace}.egressrule.invalid`;
}

/** Whether a host is a short name that today's Istio would qualify with the object's namespace. */
export function isShortName(host: string): boolean {
  return host !== '*' && !host.includes('.') && !host.includes(':');
}
