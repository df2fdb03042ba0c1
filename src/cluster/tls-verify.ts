// Verifying the API server's certificate chain against the kubeconfig's certificate authority in
// JavaScript, so that a connection needs no trust store in OpenSSL.
//
// Why: Node 20 builds its bundled root store (~140 certificates, ~24 ms here) for every TLS client
// context, even one given its own `ca` (nodejs/node#56301), and a five-object create takes ~65 ms
// in all. A context made with `ca: []` has an empty trust store and costs ~1 ms; the chain is then
// checked here, on the certificates the server sent, before anything is written on the connection.
//
// This check only ever says yes to a chain that OpenSSL would accept too: it knows a narrow,
// common shape (a path to a self-signed certificate of the kubeconfig's CA, X.509 v3 with
// basicConstraints, keyUsage, extendedKeyUsage and subjectAltName, modern signatures and keys)
// and answers `fallback` for everything else, including every chain it rejects. The caller then
// connects again the ordinary way, with the CA as Node's `ca` (the root store build included), and
// OpenSSL decides, with its own error. So a certificate is never accepted on weaker grounds than
// Node's own verification, and every error the user sees is still OpenSSL's.
//
// Checked, for every certificate of the path: the signature with its issuer's key (crypto's
// X509Certificate.verify), that the issuer names it (checkIssued: subject/issuer names, key
// identifiers, the issuer's keyUsage), the validity dates, the signature algorithm and key size
// (allow-lists), every critical extension understood; for the issuers: basicConstraints CA:TRUE,
// keyCertSign when keyUsage is present, path lengths, serverAuth when extendedKeyUsage is present;
// for the server's own certificate: serverAuth and a key usage for TLS when present. The host name
// or IP address is checked by the caller with tls.checkServerIdentity, as Node does.
import { X509Certificate } from 'node:crypto';

export type Verdict = { ok: true } | { ok: false; why: string };

const OID = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
};

/** Extensions that never appear critical in a chain this check accepts, nor change its meaning. */
const HARMLESS_NONCRITICAL = new Set([
  OID.subjectKeyId, OID.authorityKeyId, OID.subjectAltName,
  '2.5.29.32', // certificatePolicies (not critical: no policy processing is asked for)
  '2.5.29.31', // cRLDistributionPoints
  '1.3.6.1.5.5.7.1.1', // authorityInfoAccess
  '2.5.29.18', // issuerAltName
  '1.3.6.1.4.1.11129.2.4.2', // signed certificate timestamps
]);
const UNDERSTOOD = new Set([OID.basicConstraints, OID.keyUsage, OID.extKeyUsage, ...HARMLESS_NONCRITICAL]);

/** Signature algorithms accepted here (anything else: OpenSSL decides). */
const SIGNATURES = new Set([
  '1.2.840.113549.1.1.11', // sha256WithRSAEncryption
  '1.2.840.113549.1.1.12', // sha384WithRSAEncryption
  '1.2.840.113549.1.1.13', // sha512WithRSAEncryption
  '1.2.840.10045.4.3.2', // ecdsa-with-SHA256
  '1.2.840.10045.4.3.3', // ecdsa-with-SHA384
  '1.2.840.10045.4.3.4', // ecdsa-with-SHA512
  '1.3.101.112', // Ed25519
]);
const CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

// Key usage bits (RFC 5280 4.2.1.3), as the first byte of the BIT STRING.
const KU_DIGITAL_SIGNATURE = 0x80;
const KU_KEY_ENCIPHERMENT = 0x20;
const KU_KEY_AGREEMENT = 0x08;
const KU_KEY_CERT_SIGN = 0x04;

export interface ParsedCertificate {
  x509: X509Certificate;
  der: Buffer;
  version: number;
  signatureOid: string;
  notBefore: number;
  notAfter: number;
  extensions: Map<string, { critical: boolean; value: Buffer }>;
  /** basicConstraints: undefined when absent. */
  basic?: { ca: boolean; pathLen?: number };
  /** The first byte of keyUsage's bits (the second holds only decipherOnly); undefined when absent. */
  keyUsage?: number;
  extKeyUsage?: string[];
}

class DerError extends Error {}

interface Tlv {
  tag: number;
  start: number;
  end: number;
}

function tlv(buf: Buffer, pos: number, limit: number): Tlv {
  if (pos + 2 > limit) throw new DerError('truncated');
  const tag = buf[pos]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tag');
  let len = buf[pos + 1]!;
  let start = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new DerError('bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[start + i]!;
    start += n;
  }
  const end = start + len;
  if (end > limit) throw new DerError('truncated');
  return { tag, start, end };
}

function children(buf: Buffer, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = t.start; p < t.end; ) {
    const c = tlv(buf, p, t.end);
    out.push(c);
    p = c.end;
  }
  return out;
}

function oid(buf: Buffer, t: Tlv): string {
  if (t.tag !== 0x06 || t.end === t.start) throw new DerError('not an OID');
  const parts: number[] = [];
  let v = 0;
  for (let i = t.start; i < t.end; i++) {
    v = v * 128 + (buf[i]! & 0x7f);
    if (!(buf[i]! & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  const first = parts.shift()!;
  return [first < 80 ? Math.floor(first / 40) : 2, first < 80 ? first % 40 : first - 80, ...parts].join('.');
}

function time(buf: Buffer, t: Tlv): number {
  const s = buf.toString('latin1', t.start, t.end);
  let m: RegExpExecArray | null;
  let year: number;
  if (t.tag === 0x17 && (m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s))) year = Number(m[1]) < 50 ? 2000 + Number(m[1]) : 1900 + Number(m[1]);
  else if (t.tag === 0x18 && (m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s))) year = Number(m[1]);
  else throw new DerError('not a DER time');
  return Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/** Reads what the checks need from a DER certificate; throws on anything it does not understand. */
export function parseCertificate(der: Buffer, parsed?: X509Certificate): ParsedCertificate {
  const x509 = parsed ?? new X509Certificate(der);
  const cert = tlv(der, 0, der.length);
  if (cert.tag !== 0x30 || cert.end !== der.length) throw new DerError('not a certificate');
  const [tbs, sigAlg] = children(der, cert);
  if (!tbs || !sigAlg || tbs.tag !== 0x30 || sigAlg.tag !== 0x30) throw new DerError('not a certificate');
  const signatureOid = oid(der, children(der, sigAlg)[0]!);
  const parts = children(der, tbs);
  let i = 0;
  let version = 1;
  if (parts[0]?.tag === 0xa0) {
    const v = children(der, parts[0])[0]!;
    if (v.tag !== 0x02 || v.end - v.start !== 1) throw new DerError('bad version');
    version = der[v.start]! + 1;
    i = 1;
  }
  // serial, signature, issuer, validity, subject, subjectPublicKeyInfo
  const validity = parts[i + 3];
  if (!validity || validity.tag !== 0x30) throw new DerError('no validity');
  const [nb, na] = children(der, validity);
  if (!nb || !na) throw new DerError('no validity');
  const extensions = new Map<string, { critical: boolean; value: Buffer }>();
  for (const p of parts.slice(i + 6)) {
    if (p.tag !== 0xa3) continue; // issuer/subject unique IDs
    const seq = children(der, p)[0];
    if (!seq || seq.tag !== 0x30) throw new DerError('bad extensions');
    for (const ext of children(der, seq)) {
      const f = children(der, ext);
      const id = oid(der, f[0]!);
      let critical = false;
      let k = 1;
      if (f[1]?.tag === 0x01) {
        critical = der[f[1].start] !== 0;
        k = 2;
      }
      const value = f[k];
      if (!value || value.tag !== 0x04) throw new DerError('bad extension');
      if (extensions.has(id)) throw new DerError(`duplicate extension ${id}`);
      extensions.set(id, { critical, value: der.subarray(value.start, value.end) });
    }
  }
  const out: ParsedCertificate = { x509, der, version, signatureOid, notBefore: time(der, nb), notAfter: time(der, na), extensions };
  const bc = extensions.get(OID.basicConstraints);
  if (bc) {
    const seq = tlv(bc.value, 0, bc.value.length);
    if (seq.tag !== 0x30) throw new DerError('bad basicConstraints');
    let ca = false;
    let pathLen: number | undefined;
    for (const f of children(bc.value, seq)) {
      if (f.tag === 0x01) ca = bc.value[f.start] !== 0;
      else if (f.tag === 0x02) {
        if (f.end - f.start > 2 || bc.value[f.start]! & 0x80) throw new DerError('bad pathLen');
        pathLen = bc.value.readUIntBE(f.start, f.end - f.start);
      } else throw new DerError('bad basicConstraints');
    }
    out.basic = { ca, pathLen };
  }
  const ku = extensions.get(OID.keyUsage);
  if (ku) {
    const bits = tlv(ku.value, 0, ku.value.length);
    if (bits.tag !== 0x03 || bits.end - bits.start < 2) throw new DerError('bad keyUsage');
    out.keyUsage = ku.value[bits.start + 1]!;
  }
  const eku = extensions.get(OID.extKeyUsage);
  if (eku) {
    const seq = tlv(eku.value, 0, eku.value.length);
    if (seq.tag !== 0x30) throw new DerError('bad extKeyUsage');
    out.extKeyUsage = children(eku.value, seq).map((t) => oid(eku.value, t));
  }
  return out;
}

/** Why this certificate is outside what the check knows, or undefined. */
function shapeProblem(c: ParsedCertificate, role: 'leaf' | 'issuer'): string | undefined {
  if (c.version !== 3) return `an X.509 v${c.version} certificate`;
  for (const [id, e] of c.extensions) {
    if (e.critical && !UNDERSTOOD.has(id)) return `the critical extension ${id}`;
    if (!UNDERSTOOD.has(id)) return `the extension ${id}`;
  }
  if (!SIGNATURES.has(c.signatureOid)) return `the signature algorithm ${c.signatureOid}`;
  const key = c.x509.publicKey;
  const d = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    if (!(d.modulusLength !== undefined && d.modulusLength >= 2048)) return `an RSA key of ${d.modulusLength} bits`;
  } else if (key.asymmetricKeyType === 'ec') {
    if (!CURVES.has(d.namedCurve ?? '')) return `the curve ${d.namedCurve}`;
  } else if (key.asymmetricKeyType !== 'ed25519') return `a ${key.asymmetricKeyType} key`;
  if (role === 'issuer') {
    if (!c.basic?.ca) return 'an issuer without basicConstraints CA:TRUE';
    if (c.keyUsage !== undefined && !(c.keyUsage & KU_KEY_CERT_SIGN)) return 'an issuer without keyCertSign';
    if (c.extKeyUsage && !c.extKeyUsage.includes(OID.serverAuth)) return 'an issuer whose extendedKeyUsage lacks serverAuth';
  } else {
    if (c.keyUsage !== undefined && !(c.keyUsage & (KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT | KU_KEY_AGREEMENT))) return 'a server certificate whose keyUsage allows no TLS use';
    if (c.extKeyUsage && !c.extKeyUsage.includes(OID.serverAuth)) return 'a server certificate whose extendedKeyUsage lacks serverAuth';
  }
  return undefined;
}

function selfSigned(c: ParsedCertificate): boolean {
  return c.x509.checkIssued(c.x509) && c.x509.verify(c.x509.publicKey);
}

/**
 * The kubeconfig's CA bundle, read once: the message when it holds no certificate or a block that
 * is not one (Node ignores garbage in `ca` silently, and the handshake then fails as "unknown
 * authority", which points the wrong way; `what` names it), else its certificates as the quick
 * check uses them (those it cannot read are left to OpenSSL).
 */
export function readCaBundle(pem: Buffer | string, what: string): { problem: string } | { anchors: ParsedCertificate[] } {
  const blocks = pem.toString('latin1').match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
  if (!blocks) return { problem: `cannot parse ${what}: it holds no PEM certificate (-----BEGIN CERTIFICATE-----)` };
  const anchors: ParsedCertificate[] = [];
  for (let i = 0; i < blocks.length; i++) {
    let x509: X509Certificate;
    try {
      x509 = new X509Certificate(blocks[i]!);
    } catch (e) {
      return { problem: `cannot parse ${what}: certificate ${i + 1} of ${blocks.length} is not a valid X.509 certificate (${(e as Error).message})` };
    }
    try {
      anchors.push(parseCertificate(x509.raw, x509));
    } catch {
      // Not usable by the quick check: OpenSSL will be asked (a chain needing it falls back).
    }
  }
  return { anchors };
}

/** The certificates of a PEM bundle (the kubeconfig's CA), parsed; those that do not parse are left out. */
export function parseAnchors(pem: Buffer | string): ParsedCertificate[] {
  const blocks = pem.toString().match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  const out: ParsedCertificate[] = [];
  for (const b of blocks) {
    try {
      const x509 = new X509Certificate(b);
      out.push(parseCertificate(x509.raw, x509));
    } catch {
      // Not usable here: OpenSSL will be asked (a chain needing it falls back).
    }
  }
  return out;
}

const MAX_DEPTH = 8;

/**
 * Whether the chain the server sent (DER, its own certificate first, in any order after it) leads
 * to a self-signed certificate of `anchors` with every check above passed at `now`. Anything else
 * is `{ ok: false }` with the reason: the caller lets OpenSSL decide. The host is not checked here.
 */
export function verifyChain(presented: Buffer[], anchors: ParsedCertificate[], now = Date.now()): Verdict {
  if (presented.length === 0) return { ok: false, why: 'the server sent no certificate' };
  if (anchors.length === 0) return { ok: false, why: 'no usable certificate authority' };
  let certs: ParsedCertificate[];
  try {
    certs = presented.map((d) => parseCertificate(d));
  } catch (e) {
    return { ok: false, why: `a certificate the check cannot read (${(e as Error).message})` };
  }
  const leaf = certs[0]!;
  const problem = shapeProblem(leaf, 'leaf');
  if (problem) return { ok: false, why: problem };
  if (anchors.some((a) => a.der.equals(leaf.der))) return { ok: false, why: 'the server certificate is itself in the certificate authority bundle' };
  let why = 'no path to a self-signed certificate of the certificate authority';
  // Depth-first over issuers, the CA's own certificates first (as OpenSSL prefers trusted ones).
  const extend = (path: ParsedCertificate[]): boolean => {
    const last = path[path.length - 1]!;
    if (path.length > MAX_DEPTH) return false;
    const candidates = [...anchors.map((c) => ({ c, trusted: true })), ...certs.slice(1).map((c) => ({ c, trusted: false }))];
    for (const { c, trusted } of candidates) {
      if (path.some((p) => p.der.equals(c.der))) continue;
      if (!last.x509.checkIssued(c.x509) || !last.x509.verify(c.x509.publicKey)) continue;
      const p = shapeProblem(c, 'issuer');
      if (p) {
        why = p;
        continue;
      }
      const next = [...path, c];
      if (trusted && selfSigned(c)) {
        const v = pathProblem(next, now);
        if (v === undefined) return true;
        why = v;
        continue;
      }
      if (extend(next)) return true;
    }
    return false;
  };
  return extend([leaf]) ? { ok: true } : { ok: false, why };
}

/** Dates and path lengths along a complete path (leaf first, self-signed anchor last). */
function pathProblem(path: ParsedCertificate[], now: number): string | undefined {
  for (const c of path) {
    if (now < c.notBefore) return 'a certificate not yet valid';
    if (now > c.notAfter) return 'an expired certificate';
  }
  // An issuer's pathLen bounds the CA certificates below it (the leaf not counted).
  for (let i = 1; i < path.length; i++) {
    const pl = path[i]!.basic?.pathLen;
    if (pl !== undefined && i - 1 > pl) return 'a path length constraint exceeded';
  }
  return undefined;
}
