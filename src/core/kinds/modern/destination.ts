// Route destinations, subset names and gateway references: the parts of Istio 1.30's
// VirtualService validation that HTTP, TLS and TCP routes share (validateDestination,
// validateSubsetName, validateHTTPRouteDestinations, validateRouteDestinations,
// validateGatewayNames). Pure.

import { at, fqdnProblem, isDNS1123Label, portProblem, push, wildcardDomainProblem, type Findings } from './common.ts';
import { headerOperationProblems } from './headers.ts';
import { goQuote } from './text.ts';
import type { Destination, HTTPRouteDestination, RouteDestination } from './virtualservice-schema.ts';

/** validateSubsetName. */
export function subsetNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'subset name cannot be empty';
  if (!isDNS1123Label(name)) return `subset name is invalid: ${name}`;
  return undefined;
}

/** validateDestination. */
export function checkDestination(d: Destination | undefined, path: string, f: Findings): void {
  if (d === undefined) return;
  const host = d.host ?? '';
  if (f.bad.size === 0 || !f.bad.has(`${path}.host`)) {
    if (host === '*') f.problems.push(`invalid destination host ${host}`);
    else push(f.problems, wildcardDomainProblem(host), host === '' ? `${path}.host` : undefined);
  }
  if (d.subset) push(f.problems, subsetNameProblem(d.subset));
  if (d.port !== undefined) push(f.problems, portProblem(d.port.number ?? 0), `${path}.port.number`);
}

function checkWeight(weight: number | undefined, path: string, f: Findings): number {
  const w = weight ?? 0;
  if (w < 0) f.problems.push(at(`weight ${w} < 0`, `${path}.weight`));
  return w;
}

/** validateHTTPRouteDestinations (gateway semantics off: destinations are checked). */
export function checkHTTPRouteDestinations(routes: HTTPRouteDestination[] | undefined, path: string, f: Findings): void {
  let total = 0;
  const list = routes ?? [];
  for (let i = 0; i < list.length; i++) {
    if (!(i in list)) continue; // a hole, skipped as forEach skips it
    const r = list[i]!;
    if (r === null) continue;
    const p = `${path}[${i}]`;
    if (r.destination === undefined && !f.bad.has(`${p}.destination`)) f.problems.push(at('destination is required', p));
    if (r.headers !== undefined) headerOperationProblems(r.headers, `${p}.headers`, f.problems);
    if (r.destination !== undefined) checkDestination(r.destination, `${p}.destination`, f);
    total += checkWeight(r.weight, p, f);
  }
  if ((routes ?? []).length > 1 && total === 0) f.problems.push(at('total destination weight = 0', path));
}

/** validateRouteDestinations: TCP and TLS routes. */
export function checkRouteDestinations(routes: RouteDestination[] | undefined, path: string, f: Findings): void {
  let total = 0;
  (routes ?? []).forEach((r, i) => {
    if (r === null) return;
    const p = `${path}[${i}]`;
    if (r.destination === undefined && !f.bad.has(`${p}.destination`)) f.problems.push(at('destination is required', p));
    checkDestination(r.destination, `${p}.destination`, f);
    total += checkWeight(r.weight, p, f);
  });
  if ((routes ?? []).length > 1 && total === 0) f.problems.push(at('total destination weight = 0', path));
}

/**
 * validateGatewayNames: `namespace/name`, or a legacy name (`name.namespace`, a warning). Istio
 * stops at the first name without a slash; we check every name.
 */
export function checkGatewayNames(names: string[] | undefined, path: string, f: Findings): void {
  (names ?? []).forEach((name, i) => {
    if (name === null) return;
    const slash = name.indexOf('/');
    if (slash < 0) {
      if (name.includes('.')) {
        const parts = name.split('.');
        f.warnings.push(`using legacy gatewayName format ${goQuote(name)}; prefer the <namespace>/<name> format: ${goQuote(`${parts[1]}/${parts[0]}`)}`);
      }
      push(f.problems, fqdnProblem(name), name === '' ? `${path}[${i}]` : undefined);
      return;
    }
    const ns = name.slice(0, slash);
    const gw = name.slice(slash + 1);
    if (ns === '' || gw === '') f.problems.push(at('config namespace and gateway name cannot be empty', `${path}[${i}]`));
    if (!isDNS1123Label(ns)) f.problems.push(`invalid value for namespace: ${goQuote(ns)}`);
    if (!isDNS1123Label(gw)) f.problems.push(`invalid value for gateway name: ${goQuote(gw)}`);
  });
}
