// IPv4 addresses and CIDR blocks: strict parsing and set arithmetic. Pure.
//
// IPv4 is parsed here, strictly: four dotted decimal parts (ipaddr.js on its own accepts
// `10.15.0/16` and `0x0a.0.0.1`, which Kubernetes and Istio reject). ipaddr.js only recognises
// IPv6, to say that it is not supported. Blocks are handled as inclusive ranges of 32-bit numbers.

import ipaddr from 'ipaddr.js';

export interface Cidr {
  /** The network address as a 32-bit unsigned number (host bits cleared). */
  base: number;
  prefix: number;
  /** The address as written, as a number (host bits possibly set). */
  address: number;
  /** True when the address as written had host bits set (e.g. `10.0.0.1/24`). */
  hostBitsSet: boolean;
}

export type CidrResult = { ok: true; cidr: Cidr } | { ok: false; error: string };

const PREFIX = /^(0|[1-9][0-9]?)$/;

/** Parses a strict dotted-decimal IPv4 address to a 32-bit number, or undefined. */
export function parseIPv4(s: string): number | undefined {
  // Four decimal parts without leading zeros, each at most 255 (what ipaddr's
  // isValidFourPartDecimal accepts), read character by character: ipaddr's own parser made
  // `get` of 10,000 rules spend most of its validation in it, and even a regular expression costs
  // its compilation at every start.
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return undefined;
      n = n * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return undefined; // a leading zero
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return undefined;
    } else return undefined;
  }
  if (dots !== 3 || digits === 0) return undefined;
  return n * 256 + part;
}

export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/**
 * Parses `A.B.C.D/N`. The messages are Istio 0.4's: `X is not a valid CIDR block` when the shape
 * is wrong, `X is not a valid IPv4 address` when the address is IPv6 or malformed.
 */
export function parseCidr(s: string): CidrResult {
  const slash = s.indexOf('/');
  if (slash < 0 || slash !== s.lastIndexOf('/')) return { ok: false, error: `${s} is not a valid CIDR block` };
  const addr = s.slice(0, slash);
  const pre = s.slice(slash + 1);
  if (!PREFIX.test(pre)) return { ok: false, error: `${s} is not a valid CIDR block` };
  const prefix = Number(pre);
  const address = parseIPv4(addr);
  if (address === undefined) {
    if (addr.includes(':') && ipaddr.IPv6.isValid(addr)) return { ok: false, error: `${s} is not a valid IPv4 address` };
    return { ok: false, error: `${s} is not a valid CIDR block` };
  }
  if (prefix > 32) return { ok: false, error: `${s} is not a valid CIDR block` };
  const base = (address & maskOf(prefix)) >>> 0;
  return { ok: true, cidr: { base, prefix, address, hostBitsSet: base !== address } };
}

export function formatIPv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** The block in canonical form: its network address and prefix (`10.0.0.0/24` for `10.0.0.1/24`). */
export function formatCidr(c: Pick<Cidr, 'base' | 'prefix'>): string {
  return `${formatIPv4(c.base)}/${c.prefix}`;
}

/** The last address of a block. */
export function lastAddress(c: Pick<Cidr, 'base' | 'prefix'>): number {
  return (c.base + 2 ** (32 - c.prefix) - 1) >>> 0;
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return outer.prefix <= inner.prefix && ((inner.base & maskOf(outer.prefix)) >>> 0) === outer.base;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return contains(a, b) || contains(b, a);
}

export function cidr(base: number, prefix: number): Cidr {
  const b = (base & maskOf(prefix)) >>> 0;
  return { base: b, prefix, address: b, hostBitsSet: false };
}

/** Inclusive range [start, end] of addresses. */
type Range = [number, number];

function toRanges(blocks: readonly Cidr[]): Range[] {
  const r: Range[] = blocks.map((c) => [c.base, lastAddress(c)]);
  r.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: Range[] = [];
  for (const [s, e] of r) {
    const last = out[out.length - 1];
    if (last && s <= last[1] + 1) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** The fewest CIDR blocks covering exactly the addresses from `start` to `end`. */
function rangeToCidrs(start: number, end: number): Cidr[] {
  const out: Cidr[] = [];
  let s = start;
  while (s <= end) {
    // Largest block aligned at s that does not pass end.
    let size = s === 0 ? 2 ** 32 : 2 ** Math.min(32, trailingZeros(s));
    while (s + size - 1 > end) size /= 2;
    out.push(cidr(s, 32 - Math.log2(size)));
    s += size;
  }
  return out;
}

function trailingZeros(n: number): number {
  let z = 0;
  while (z < 32 && (n & 2 ** z) === 0) z++;
  return z;
}

/** Merges overlapping and adjacent blocks into the fewest blocks covering the same addresses. */
export function mergeCidrs(blocks: readonly Cidr[]): Cidr[] {
  return toRanges(blocks).flatMap(([s, e]) => rangeToCidrs(s, e));
}

/** The addresses of `include` that are in none of `exclude`, as the fewest blocks. */
export function subtractCidrs(include: readonly Cidr[], exclude: readonly Cidr[]): Cidr[] {
  const inc = toRanges(include);
  const exc = toRanges(exclude);
  const out: Range[] = [];
  let j = 0;
  for (const [s0, e] of inc) {
    let s = s0;
    while (j < exc.length && exc[j][1] < s) j++;
    let k = j;
    while (s <= e && k < exc.length && exc[k][0] <= e) {
      const [xs, xe] = exc[k];
      if (xs > s) out.push([s, xs - 1]);
      s = Math.max(s, xe + 1);
      k++;
    }
    if (s <= e) out.push([s, e]);
  }
  return out.flatMap(([s, e]) => rangeToCidrs(s, e));
}

/** Every IPv4 address: what "capture all" means. */
export const ALL_IPV4: Cidr = cidr(0, 0);

export interface RangeListResult {
  cidrs: Cidr[];
  errors: string[];
  /** One line per block written with host bits set, naming the network it stands for. */
  warnings: string[];
}

/**
 * Parses a comma-separated list of CIDR blocks as given to `--includeIPRanges`: spaces around
 * commas allowed, every item checked, every problem reported.
 */
export function parseCidrList(list: string): RangeListResult {
  const cidrs: Cidr[] = [];
  const errors: string[] = [];
  const warnings: string[] = [];
  const items = list.split(',').map((x) => x.trim());
  items.forEach((item, i) => {
    if (item === '') {
      errors.push(`empty item ${i + 1} in IP range list "${list}"`);
      return;
    }
    const r = parseCidr(item);
    if (!r.ok) {
      errors.push(r.error);
      return;
    }
    if (r.cidr.hostBitsSet) warnings.push(`${item} has host bits set; it stands for the network ${formatCidr(r.cidr)}`);
    cidrs.push(r.cidr);
  });
  return { cidrs, errors, warnings };
}
