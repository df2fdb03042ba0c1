// Today's Istio kinds (networking.istio.io/v1): one entry point for the kind registry. Pure.
export type { ModernCheck, ModernContext } from './common.ts';
export { fqdn } from './common.ts';
export { checkServiceEntrySpec, type ServiceEntrySpec } from './serviceentry.ts';
export { checkVirtualServiceSpec, type VirtualServiceSpec } from './virtualservice.ts';
export { checkDestinationRuleSpec, type DestinationRuleSpec } from './destinationrule.ts';
export { checkGatewaySpec, type GatewaySpec } from './gateway.ts';
