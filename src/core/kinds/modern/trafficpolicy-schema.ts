// A DestinationRule's traffic policy: its types and its CRD schema (istio/api@v1.30.3
// networking/v1alpha3/destination_rule.proto, kubernetes/customresourcedefinitions.gen.yaml). The
// same policy appears at the top, in every subset, and (without tunnel, proxyProtocol and
// retryBudget, with a port) in portLevelSettings. Pure.

import { bool, duration, enumOf, int32, list, map, num, obj, plainDuration, str, strings, uint32, uint64, type ObjectSchema, lazy } from './schema.ts';

export type SimpleLB = 'UNSPECIFIED' | 'LEAST_CONN' | 'RANDOM' | 'PASSTHROUGH' | 'ROUND_ROBIN' | 'LEAST_REQUEST';
export type ClientTLSMode = 'DISABLE' | 'SIMPLE' | 'MUTUAL' | 'ISTIO_MUTUAL';

export interface ConsistentHashLB {
  httpHeaderName?: string;
  httpCookie?: { name: string; path?: string; ttl?: string; attributes?: { name: string; value?: string }[] };
  useSourceIp?: boolean;
  httpQueryParameterName?: string;
  ringHash?: { minimumRingSize?: number };
  maglev?: { tableSize?: number };
  /** Deprecated: use ringHash. */
  minimumRingSize?: number;
}
export interface LocalityLoadBalancerSetting {
  distribute?: { from?: string; to?: Record<string, number> }[];
  failover?: { from?: string; to?: string }[];
  failoverPriority?: string[];
  enabled?: boolean;
}
export interface LoadBalancerSettings {
  simple?: SimpleLB;
  consistentHash?: ConsistentHashLB;
  localityLbSetting?: LocalityLoadBalancerSetting;
  warmupDurationSecs?: string;
  warmup?: { duration: string; minimumPercent?: number; aggression?: number };
}
export interface ConnectionPoolSettings {
  tcp?: {
    maxConnections?: number;
    connectTimeout?: string;
    tcpKeepalive?: { probes?: number; time?: string; interval?: string };
    maxConnectionDuration?: string;
    idleTimeout?: string;
  };
  http?: {
    http1MaxPendingRequests?: number;
    http2MaxRequests?: number;
    maxRequestsPerConnection?: number;
    maxRetries?: number;
    idleTimeout?: string;
    h2UpgradePolicy?: 'DEFAULT' | 'DO_NOT_UPGRADE' | 'UPGRADE';
    useClientProtocol?: boolean;
    maxConcurrentStreams?: number;
  };
}
export interface OutlierDetection {
  /** Deprecated: use consecutive5xxErrors or consecutiveGatewayErrors. */
  consecutiveErrors?: number;
  splitExternalLocalOriginErrors?: boolean;
  consecutiveLocalOriginFailures?: number;
  consecutiveGatewayErrors?: number;
  consecutive5xxErrors?: number;
  interval?: string;
  baseEjectionTime?: string;
  maxEjectionPercent?: number;
  minHealthPercent?: number;
}
export interface ClientTLSSettings {
  mode?: ClientTLSMode;
  clientCertificate?: string;
  privateKey?: string;
  caCertificates?: string;
  credentialName?: string;
  subjectAltNames?: string[];
  sni?: string;
  insecureSkipVerify?: boolean;
  caCrl?: string;
}
export interface PortTrafficPolicy {
  port?: { number?: number };
  loadBalancer?: LoadBalancerSettings;
  connectionPool?: ConnectionPoolSettings;
  outlierDetection?: OutlierDetection;
  tls?: ClientTLSSettings;
}
export interface TrafficPolicy {
  loadBalancer?: LoadBalancerSettings;
  connectionPool?: ConnectionPoolSettings;
  outlierDetection?: OutlierDetection;
  tls?: ClientTLSSettings;
  portLevelSettings?: PortTrafficPolicy[];
  tunnel?: { protocol?: string; targetHost: string; targetPort: number };
  proxyProtocol?: { version?: 'V1' | 'V2' };
  retryBudget?: { percent?: number; minRetryConcurrency?: number };
}

export const SIMPLE_LB: readonly SimpleLB[] = ['UNSPECIFIED', 'LEAST_CONN', 'RANDOM', 'PASSTHROUGH', 'ROUND_ROBIN', 'LEAST_REQUEST'];
export const CLIENT_TLS_MODES: readonly ClientTLSMode[] = ['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL'];

/** The fields of a traffic policy and of its port-level settings, built on first use (start-up). */
const portFields = lazy(() => {
  const consistentHash = obj(
    {
      httpCookie: obj({ attributes: list(obj({ name: str(), value: str() }, { required: ['name'] })), name: str(), path: str(), ttl: plainDuration() }, { required: ['name'] }),
      httpHeaderName: str(),
      httpQueryParameterName: str(),
      maglev: obj({ tableSize: uint64() }),
      minimumRingSize: uint64(),
      ringHash: obj({ minimumRingSize: uint64() }),
      useSourceIp: bool(),
    },
    { oneOf: [['httpHeaderName', 'httpCookie', 'useSourceIp', 'httpQueryParameterName'], ['ringHash', 'maglev']] },
  );

  const loadBalancer = obj(
    {
      consistentHash,
      localityLbSetting: obj({
        distribute: list(obj({ from: str(), to: map(uint32()) })),
        enabled: bool(),
        failover: list(obj({ from: str(), to: str() })),
        failoverPriority: strings(),
      }),
      simple: enumOf(...SIMPLE_LB),
      warmup: obj({ aggression: num({ minimum: 0 }), duration: duration(), minimumPercent: num({ minimum: 0, maximum: 100 }) }, { required: ['duration'] }),
      warmupDurationSecs: duration(),
    },
    { oneOf: [['simple', 'consistentHash']] },
  );

  const connectionPool = obj({
    http: obj({
      h2UpgradePolicy: enumOf('DEFAULT', 'DO_NOT_UPGRADE', 'UPGRADE'),
      http1MaxPendingRequests: int32(),
      http2MaxRequests: int32(),
      idleTimeout: duration(),
      maxConcurrentStreams: int32(),
      maxRequestsPerConnection: int32(),
      maxRetries: int32(),
      useClientProtocol: bool(),
    }),
    tcp: obj({
      connectTimeout: duration(),
      idleTimeout: plainDuration(),
      maxConnectionDuration: duration(),
      maxConnections: int32(),
      tcpKeepalive: obj({ interval: duration(), probes: uint32(), time: duration() }),
    }),
  });

  const outlierDetection = obj({
    baseEjectionTime: duration(),
    consecutive5xxErrors: uint32(),
    consecutiveErrors: int32(),
    consecutiveGatewayErrors: uint32(),
    consecutiveLocalOriginFailures: uint32(),
    interval: duration(),
    maxEjectionPercent: int32(),
    minHealthPercent: int32(),
    splitExternalLocalOriginErrors: bool(),
  });

  const tls = obj({
    caCertificates: str(),
    caCrl: str(),
    clientCertificate: str(),
    credentialName: str(),
    insecureSkipVerify: bool(),
    mode: enumOf(...CLIENT_TLS_MODES),
    privateKey: str(),
    sni: str(),
    subjectAltNames: strings(),
  });

  return { connectionPool, loadBalancer, outlierDetection, tls };
});

export const trafficPolicySchema = (): ObjectSchema =>
  obj({
    ...portFields(),
    portLevelSettings: list(obj({ ...portFields(), port: obj({ number: uint32() }) }), { maxItems: 4096 }),
    proxyProtocol: obj({ version: enumOf('V1', 'V2') }),
    retryBudget: obj({ minRetryConcurrency: uint32(), percent: num({ minimum: 0, maximum: 100 }) }),
    tunnel: obj({ protocol: str(), targetHost: str(), targetPort: uint32() }, { required: ['targetHost', 'targetPort'] }),
  });

export const workloadSelectorSchema = (): ObjectSchema =>
  obj({
    matchLabels: map(str({ maxLength: 63, rules: [{ message: 'wildcard not allowed in label value match', ok: (v: string) => !v.includes('*') }] }), {
      maxProperties: 4096,
      rules: [
        { message: 'wildcard not allowed in label key match', ok: (m: Record<string, string>) => Object.keys(m).every((k) => !k.includes('*')) },
        { message: 'key must not be empty', ok: (m: Record<string, string>) => Object.keys(m).every((k) => k.length !== 0) },
      ],
    }),
  });
