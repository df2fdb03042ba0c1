// The VirtualService spec: its types and its CRD schema (istio/api@v1.30.3
// networking/v1alpha3/virtual_service.proto, kubernetes/customresourcedefinitions.gen.yaml, served
// as networking.istio.io/v1). Field names are the CRD's lowerCamel names. Pure.

import { bool, duration, enumOf, int32, list, map, num, obj, str, stringMap, strings, uint32, type ObjectSchema, lazy } from './schema.ts';

export interface StringMatch {
  exact?: string;
  prefix?: string;
  regex?: string;
}
export interface PortSelector {
  number?: number;
}
export interface Destination {
  host: string;
  subset?: string;
  port?: PortSelector;
}
export interface HeaderOperations {
  set?: Record<string, string>;
  add?: Record<string, string>;
  remove?: string[];
}
export interface Headers {
  request?: HeaderOperations;
  response?: HeaderOperations;
}
export interface HTTPRouteDestination {
  destination: Destination;
  weight?: number;
  headers?: Headers;
}
export interface RouteDestination {
  destination: Destination;
  weight?: number;
}
export interface HTTPMatchRequest {
  name?: string;
  uri?: StringMatch;
  scheme?: StringMatch;
  method?: StringMatch;
  authority?: StringMatch;
  headers?: Record<string, StringMatch>;
  port?: number;
  sourceLabels?: Record<string, string>;
  gateways?: string[];
  queryParams?: Record<string, StringMatch>;
  ignoreUriCase?: boolean;
  withoutHeaders?: Record<string, StringMatch>;
  sourceNamespace?: string;
  statPrefix?: string;
}
export interface HTTPRedirect {
  uri?: string;
  authority?: string;
  port?: number;
  derivePort?: 'FROM_PROTOCOL_DEFAULT' | 'FROM_REQUEST_PORT';
  scheme?: string;
  redirectCode?: number;
}
export interface HTTPDirectResponse {
  status: number;
  body?: { string?: string; bytes?: string };
}
export interface HTTPRewrite {
  uri?: string;
  authority?: string;
  uriRegexRewrite?: { match?: string; rewrite?: string };
}
export interface HTTPRetry {
  attempts?: number;
  perTryTimeout?: string;
  retryOn?: string;
  retryRemoteLocalities?: boolean;
  retryIgnorePreviousHosts?: boolean;
  backoff?: string;
}
export interface Percent {
  value?: number;
}
export interface CorsPolicy {
  allowOrigin?: string[];
  allowOrigins?: StringMatch[];
  allowMethods?: string[];
  allowHeaders?: string[];
  exposeHeaders?: string[];
  maxAge?: string;
  allowCredentials?: boolean;
  unmatchedPreflights?: 'UNSPECIFIED' | 'FORWARD' | 'IGNORE';
}
export interface HTTPFaultInjection {
  delay?: { fixedDelay?: string; exponentialDelay?: string; percentage?: Percent; percent?: number };
  abort?: { httpStatus?: number; grpcStatus?: string; http2Error?: string; percentage?: Percent };
}
export interface HTTPMirrorPolicy {
  destination: Destination;
  percentage?: Percent;
}
export interface HTTPRoute {
  name?: string;
  match?: HTTPMatchRequest[];
  route?: HTTPRouteDestination[];
  redirect?: HTTPRedirect;
  directResponse?: HTTPDirectResponse;
  delegate?: { name?: string; namespace?: string };
  rewrite?: HTTPRewrite;
  timeout?: string;
  retries?: HTTPRetry;
  fault?: HTTPFaultInjection;
  mirror?: Destination;
  mirrors?: HTTPMirrorPolicy[];
  /** Deprecated; the CRD also accepts it as `mirror_percent`. */
  mirrorPercent?: number;
  mirror_percent?: number;
  mirrorPercentage?: Percent;
  corsPolicy?: CorsPolicy;
  headers?: Headers;
}
export interface TLSMatchAttributes {
  sniHosts: string[];
  destinationSubnets?: string[];
  port?: number;
  sourceLabels?: Record<string, string>;
  gateways?: string[];
  sourceNamespace?: string;
}
export interface TLSRoute {
  match: TLSMatchAttributes[];
  route?: RouteDestination[];
}
export interface L4MatchAttributes {
  destinationSubnets?: string[];
  port?: number;
  sourceSubnet?: string;
  sourceLabels?: Record<string, string>;
  gateways?: string[];
  sourceNamespace?: string;
}
export interface TCPRoute {
  match?: L4MatchAttributes[];
  route?: RouteDestination[];
}
export interface VirtualServiceSpec {
  hosts?: string[];
  gateways?: string[];
  http?: HTTPRoute[];
  tls?: TLSRoute[];
  tcp?: TCPRoute[];
  exportTo?: string[];
}

const MATCH_TYPES = [['exact', 'prefix', 'regex']] as const;
export const stringMatch = (): ObjectSchema => obj({ exact: str(), prefix: str(), regex: str() }, { oneOf: MATCH_TYPES });
const percent = () => obj({ value: num() });
export const destination = (): ObjectSchema => obj({ host: str(), subset: str(), port: obj({ number: uint32() }) }, { required: ['host'] });
const headerOps = () => obj({ add: stringMap(), remove: strings(), set: stringMap() });
const headers = () => obj({ request: headerOps(), response: headerOps() });
const routeDestination = () => obj({ destination: destination(), weight: int32() }, { required: ['destination'] });
const sourceFields = () => ({ gateways: strings(), port: uint32(), sourceLabels: stringMap(), sourceNamespace: str() });

const httpMatch = lazy(() => obj({
  authority: stringMatch(),
  gateways: strings(),
  headers: map(stringMatch()),
  ignoreUriCase: bool(),
  method: stringMatch(),
  name: str(),
  port: uint32(),
  queryParams: map(stringMatch()),
  scheme: stringMatch(),
  sourceLabels: stringMap(),
  sourceNamespace: str(),
  statPrefix: str(),
  uri: stringMatch(),
  withoutHeaders: map(stringMatch()),
}));

const httpRoute = lazy(() => obj({
  corsPolicy: obj({
    allowCredentials: bool(),
    allowHeaders: strings(),
    allowMethods: strings(),
    allowOrigin: strings(),
    allowOrigins: list(stringMatch()),
    exposeHeaders: strings(),
    maxAge: duration(),
    unmatchedPreflights: enumOf('UNSPECIFIED', 'FORWARD', 'IGNORE'),
  }),
  delegate: obj({ name: str(), namespace: str() }),
  directResponse: obj(
    { body: obj({ bytes: str(), string: str() }, { oneOf: [['string', 'bytes']] }), status: uint32() },
    { required: ['status'] },
  ),
  fault: obj({
    abort: obj({ grpcStatus: str(), http2Error: str(), httpStatus: int32(), percentage: percent() }, { oneOf: [['httpStatus', 'grpcStatus', 'http2Error']] }),
    delay: obj({ exponentialDelay: duration(), fixedDelay: duration(), percent: int32(), percentage: percent() }, { oneOf: [['fixedDelay', 'exponentialDelay']] }),
  }),
  headers: headers(),
  match: list(httpMatch()),
  mirror: destination(),
  mirror_percent: uint32(),
  mirrorPercent: uint32(),
  mirrorPercentage: percent(),
  mirrors: list(obj({ destination: destination(), percentage: percent() }, { required: ['destination'] })),
  name: str(),
  redirect: obj(
    {
      authority: str(),
      derivePort: enumOf('FROM_PROTOCOL_DEFAULT', 'FROM_REQUEST_PORT'),
      port: uint32(),
      redirectCode: uint32(),
      scheme: str(),
      uri: str(),
    },
    { oneOf: [['port', 'derivePort']] },
  ),
  retries: obj({
    attempts: int32(),
    backoff: duration(),
    perTryTimeout: duration(),
    retryIgnorePreviousHosts: bool(),
    retryOn: str(),
    retryRemoteLocalities: bool(),
  }),
  rewrite: obj({ authority: str(), uri: str(), uriRegexRewrite: obj({ match: str(), rewrite: str() }) }),
  route: list(obj({ destination: destination(), headers: headers(), weight: int32() }, { required: ['destination'] })),
  timeout: duration(),
}));

const tlsRoute = lazy(() => obj(
  {
    match: list(obj({ ...sourceFields(), destinationSubnets: strings(), sniHosts: strings() }, { required: ['sniHosts'] })),
    route: list(routeDestination()),
  },
  { required: ['match'] },
));

const tcpRoute = lazy(() => obj({
  match: list(obj({ ...sourceFields(), destinationSubnets: strings(), sourceSubnet: str() })),
  route: list(routeDestination()),
}));

export const virtualServiceSchema = lazy(() => obj({
  exportTo: strings(),
  gateways: strings(),
  hosts: strings(),
  http: list(httpRoute()),
  tcp: list(tcpRoute()),
  tls: list(tlsRoute()),
}));
