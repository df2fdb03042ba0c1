// Istio 0.4 mesh configuration: the built-in defaults and the parsing of a mesh config YAML (the
// `mesh` key of the `istio` ConfigMap, or --meshConfigFile). Pure. Only the fields kube-inject
// uses are modelled; the others are accepted and ignored, as the original's proto decoding kept
// them without using them here.
import { parseDocument } from './stream.ts';
import type { Problem } from './errors.ts';

/** The proxy settings of MeshConfig.defaultConfig that the injected sidecar's arguments come from. */
export interface ProxyConfig {
  configPath: string;
  binaryPath: string;
  serviceCluster: string;
  /** Durations as Go prints them (`2s`, `1m30s`, `500ms`), which is how istioctl put them in args. */
  drainDuration: string;
  parentShutdownDuration: string;
  discoveryAddress: string;
  discoveryRefreshDelay: string;
  zipkinAddress: string;
  connectTimeout: string;
  statsdUdpAddress: string;
  proxyAdminPort: number;
  controlPlaneAuthPolicy: 'NONE' | 'MUTUAL_TLS';
}

export interface MeshConfig {
  /** The port the init container redirects captured traffic to (`-p`). */
  proxyListenPort: number;
  defaultConfig: ProxyConfig;
}

/**
 * Istio 0.4's compiled-in defaults (pilot/proxy/context.go at 0.4.0, DefaultProxyConfig and
 * DefaultMeshConfig): the base that a mesh config's fields are applied onto
 * (ApplyMeshConfigDefaults), so a field a ConfigMap or --meshConfigFile leaves out has this value.
 */
export function compiledMeshDefaults(): MeshConfig {
  return {
    proxyListenPort: 15001,
    defaultConfig: {
      configPath: '/etc/istio/proxy',
      binaryPath: '/usr/local/bin/envoy',
      serviceCluster: 'istio-proxy',
      drainDuration: '2s',
      parentShutdownDuration: '3s',
      discoveryAddress: 'istio-pilot:15003',
      discoveryRefreshDelay: '1s',
      zipkinAddress: '',
      connectTimeout: '1s',
      statsdUdpAddress: '',
      proxyAdminPort: 15000,
      controlPlaneAuthPolicy: 'NONE',
    },
  };
}

/**
 * What a cluster installed with Istio 0.4 gives kube-inject, used when egressctl works offline:
 * the compiled-in defaults with the mesh config of the `istio` ConfigMap (key `mesh`, namespace
 * istio-system) that Istio 0.4.0 installs applied on them (install/kubernetes/istio.yaml at tag
 * 0.4.0). istioctl 0.4 always read that ConfigMap, so it never used the compiled-in values alone.
 */
export function defaultMeshConfig(): MeshConfig {
  const compiled = compiledMeshDefaults();
  return {
    ...compiled,
    defaultConfig: {
      ...compiled.defaultConfig,
      drainDuration: '45s',
      parentShutdownDuration: '1m0s',
      discoveryAddress: 'istio-pilot.istio-system:15003',
      zipkinAddress: 'zipkin.istio-system:9411',
      connectTimeout: '10s',
      statsdUdpAddress: 'istio-mixer.istio-system:9125',
    },
  };
}

const DURATION_FIELDS = new Set(['drainDuration', 'parentShutdownDuration', 'discoveryRefreshDelay', 'connectTimeout']);
const STRING_FIELDS = new Set(['configPath', 'binaryPath', 'serviceCluster', 'discoveryAddress', 'zipkinAddress', 'statsdUdpAddress']);
// Other ProxyConfig and MeshConfig fields of 0.2-0.4, accepted and not used by kube-inject.
const OTHER_PROXY_FIELDS = new Set(['availabilityZone', 'customConfigFile', 'proxyBootstrapTemplatePath', 'interceptionMode']);
const OTHER_MESH_FIELDS = new Set([
  'mixerAddress', 'mixerCheckServer', 'mixerReportServer', 'disablePolicyChecks', 'proxyHttpPort', 'connectTimeout',
  'ingressClass', 'ingressService', 'ingressControllerMode', 'authPolicy', 'rdsRefreshDelay', 'enableTracing',
  'accessLogFile', 'egressProxyAddress', 'zipkinAddress', 'statsdUdpAddress', 'drainDuration', 'parentShutdownDuration',
  'discoveryAddress', 'discoveryRefreshDelay', 'authCertsTtl', 'mixerAddress', 'outboundTrafficPolicy',
  'sdsUdsPath', 'sdsRefreshDelay', 'enableClientSidePolicyCheck', 'policyCheckFailOpen',
]);

/** proto names (`drain_duration`) and JSON names (`drainDuration`) are both accepted, as jsonpb did. */
function camel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/**
 * Parses a duration as a mesh config may hold it: proto JSON (`1s`, `0.5s`, `1.500s`), Go
 * (`1m30s`, `500ms`), or `{seconds, nanos}`. Returns nanoseconds, or undefined.
 */
export function parseDuration(v: unknown): number | undefined {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const s = Number(o.seconds ?? 0);
    const n = Number(o.nanos ?? 0);
    if (!Number.isFinite(s) || !Number.isFinite(n)) return undefined;
    return s * 1e9 + n;
  }
  if (typeof v !== 'string') return undefined;
  if (v === '0') return 0;
  // \u00b5 (µ) escaped: a non-ASCII character in the bundle makes V8 hold all of its source as
  // two-byte text, which is slower to read and compile at every start (esbuild escapes strings,
  // not regular expression literals).
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|\u00b5s|ms|s|m|h)/y;
  let total = 0;
  let i = 0;
  while (i < v.length) {
    re.lastIndex = i;
    const m = re.exec(v);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_NS[m[2]];
    i = re.lastIndex;
  }
  return i > 0 ? Math.round(total) : undefined;
}

/** Formats nanoseconds as Go's time.Duration.String() does: `2s`, `1m30s`, `1.5s`, `500ms`, `0s`. */
export function formatDuration(ns: number): string {
  if (ns === 0) return '0s';
  const neg = ns < 0;
  let u = Math.abs(ns);
  let out: string;
  if (u < 1e9) {
    // Below a second Go uses the largest of ns, µs, ms that keeps the integer part non-zero.
    const [div, unit] = u < 1e3 ? [1, 'ns'] : u < 1e6 ? [1e3, 'µs'] : [1e6, 'ms'];
    out = trimFraction(u / div) + unit;
  } else {
    const h = Math.floor(u / 3600e9);
    u -= h * 3600e9;
    const m = Math.floor(u / 60e9);
    u -= m * 60e9;
    out = (h > 0 ? `${h}h` : '') + (h > 0 || m > 0 ? `${m}m` : '') + trimFraction(u / 1e9) + 's';
  }
  return neg ? `-${out}` : out;
}

function trimFraction(x: number): string {
  return String(Number(x.toFixed(9)));
}

/**
 * Parses a mesh config YAML onto the 0.4 defaults. Unknown fields are warnings (the mesh config of
 * a later Istio still works for what kube-inject needs); wrong types are problems.
 */
export function parseMeshConfig(text: string, source: string): { mesh: MeshConfig; problems: Problem[]; warnings: string[] } {
  const mesh = compiledMeshDefaults();
  const problems: Problem[] = [];
  const warnings: string[] = [];
  const doc = { index: 1, line: 1, startLine: 1, raw: text, hasContent: true };
  const r = parseDocument(source, doc);
  if (!r.ok) return { mesh, problems: [r.problem], warnings };
  const place = { source };
  const bad = (message: string) => problems.push({ place, message });
  if (r.value === null || r.value === undefined) return { mesh, problems, warnings };
  if (typeof r.value !== 'object' || Array.isArray(r.value)) {
    bad('mesh config must be a mapping');
    return { mesh, problems, warnings };
  }
  for (const [rawKey, value] of Object.entries(r.value as Record<string, unknown>)) {
    const key = camel(rawKey);
    if (key === 'proxyListenPort') {
      const n = port(value);
      if (n === undefined) bad(`proxyListenPort: ${JSON.stringify(value)} is not a port number`);
      else mesh.proxyListenPort = n;
    } else if (key === 'defaultConfig') {
      if (value === null) continue;
      if (typeof value !== 'object' || Array.isArray(value)) {
        bad('defaultConfig must be a mapping');
        continue;
      }
      parseProxyConfig(value as Record<string, unknown>, mesh.defaultConfig, bad, (w) => warnings.push(`${source}: ${w}`));
    } else if (!OTHER_MESH_FIELDS.has(key)) {
      warnings.push(`${source}: unknown mesh config field "${rawKey}" ignored`);
    }
  }
  return { mesh, problems, warnings };
}

function port(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined;
}

function parseProxyConfig(o: Record<string, unknown>, pc: ProxyConfig, bad: (m: string) => void, warn: (m: string) => void): void {
  for (const [rawKey, value] of Object.entries(o)) {
    const key = camel(rawKey);
    const path = `defaultConfig.${rawKey}`;
    if (DURATION_FIELDS.has(key)) {
      const ns = parseDuration(value);
      if (ns === undefined) bad(`${path}: ${JSON.stringify(value)} is not a duration (e.g. "1s", "500ms")`);
      else (pc as unknown as Record<string, string>)[key] = formatDuration(ns);
    } else if (STRING_FIELDS.has(key)) {
      if (typeof value !== 'string') bad(`${path}: ${JSON.stringify(value)} is not a string`);
      else (pc as unknown as Record<string, string>)[key] = value;
    } else if (key === 'proxyAdminPort') {
      const n = port(value);
      if (n === undefined) bad(`${path}: ${JSON.stringify(value)} is not a port number`);
      else pc.proxyAdminPort = n;
    } else if (key === 'controlPlaneAuthPolicy') {
      // proto JSON: the enum's name, or its number.
      const v = value === 0 ? 'NONE' : value === 1 ? 'MUTUAL_TLS' : value;
      if (v !== 'NONE' && v !== 'MUTUAL_TLS') bad(`${path}: ${JSON.stringify(value)} is not NONE or MUTUAL_TLS`);
      else pc.controlPlaneAuthPolicy = v;
    } else if (!OTHER_PROXY_FIELDS.has(key)) {
      warn(`unknown mesh config field "${path}" ignored`);
    }
  }
}
