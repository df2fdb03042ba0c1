// IPv4 and IPv6 addresses and prefixes, parsed as Go's net/netip parses them (ParseAddr,
// ParsePrefix), because today's Istio validates ServiceEntry addresses, gateway binds, endpoint
// addresses and TCP/TLS destination subnets with those two functions. Pure.
//
// What that means, concretely:
// - IPv4 is exactly four dotted decimal fields, each 0-255, without leading zeros (`01.2.3.4` and
//   `10.15.0/16` are refused; so are `0x0a.0.0.1` and `1.2.3.4.5`).
// - IPv6 has up to eight hex fields of at most four digits, at most one `::` that stands for at least
//   one zero field, an optional embedded IPv4 in the last 32 bits, and an optional `%zone` (an
//   address only: a prefix with a zone is refused).
// - A prefix is `ADDR/BITS`, BITS decimal without sign or leading zero, at most 32 (IPv4) or 128
//   (IPv6, IPv4-mapped included). Host bits may be set (`10.0.0.1/8` is accepted), as in Go.
//
// ipaddr.js is not used: it accepts forms netip refuses and refuses zones netip accepts.

export interface Addr {
  /** 4 for IPv4, 6 for IPv6 (an IPv4-mapped IPv6 address is 6, as in Go). */
  family: 4 | 6;
  zone?: string;
}

export type AddrResult = { ok: true; addr: Addr } | { ok: false; error: string };

const HEX = /[0-9a-fA-F]/;

/** Go's parseIPv4: the error text (without the `ParseAddr(...)` prefix), or undefined when valid. */
function ipv4Error(s: string): string | undefined {
  let val = 0;
  let digits = 0;
  let fields = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 1 && val === 0) return 'IPv4 field has octet with leading zero';
      val = val * 10 + (c - 48);
      digits++;
      if (val > 255) return 'IPv4 field has value >255';
    } else if (c === 46) {
      if (i === 0 || i === s.length - 1 || s.charCodeAt(i - 1) === 46) return 'IPv4 field must have at least one digit';
      if (fields === 3) return 'IPv4 address too long';
      fields++;
      val = 0;
      digits = 0;
    } else {
      return 'unexpected character';
    }
  }
  if (fields < 3) return 'IPv4 address too short';
  return undefined;
}

/** Go's parseIPv6 without the zone: the error text, or undefined when valid. */
function ipv6Error(s: string): string | undefined {
  let bytes = 0; // how many of the 16 bytes are filled
  let ellipsis = -1;
  let rest = s;
  if (rest.startsWith('::')) {
    ellipsis = 0;
    rest = rest.slice(2);
    if (rest === '') return undefined;
  }
  while (bytes < 16) {
    let off = 0;
    let acc = 0;
    while (off < rest.length && HEX.test(rest[off]!)) {
      acc = acc * 16 + parseInt(rest[off]!, 16);
      if (acc > 0xffff) return 'IPv6 field has value >=2^16';
      off++;
    }
    if (off === 0) return 'each colon-separated field must have at least one digit';
    if (off < rest.length && rest[off] === '.') {
      if (ellipsis < 0 && bytes !== 12) return 'embedded IPv4 address must replace the final 2 fields of the address';
      if (bytes + 4 > 16) return 'too many hex fields to fit an embedded IPv4 at the end of the address';
      const e = ipv4Error(rest);
      if (e !== undefined) return e;
      rest = '';
      bytes += 4;
      break;
    }
    bytes += 2;
    rest = rest.slice(off);
    if (rest === '') break;
    if (rest[0] !== ':') return 'unexpected character, want colon';
    if (rest.length === 1) return 'colon must be followed by more characters';
    rest = rest.slice(1);
    if (rest[0] === ':') {
      if (ellipsis >= 0) return 'multiple :: in address';
      ellipsis = bytes;
      rest = rest.slice(1);
      if (rest === '') break;
    }
  }
  if (rest !== '') return 'trailing garbage after address';
  if (bytes < 16) {
    if (ellipsis < 0) return 'address string too short';
  } else if (ellipsis >= 0) {
    return 'the :: must expand to at least one field of zeros';
  }
  return undefined;
}

/** netip.ParseAddr. The error text is Go's (`ParseAddr("x"): unable to parse IP`), for reference only. */
export function parseAddr(s: string): AddrResult {
  const fail = (msg: string): AddrResult => ({ ok: false, error: `ParseAddr(${JSON.stringify(s)}): ${msg}` });
  // By UTF-16 units: `.`, `:` and `%` are never part of a surrogate pair.
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '.') {
      const e = ipv4Error(s);
      return e === undefined ? { ok: true, addr: { family: 4 } } : fail(e);
    }
    if (c === ':') {
      const pct = s.indexOf('%');
      const body = pct < 0 ? s : s.slice(0, pct);
      const zone = pct < 0 ? undefined : s.slice(pct + 1);
      if (zone === '') return fail('zone must be a non-empty string');
      const e = ipv6Error(body);
      if (e !== undefined) return fail(e);
      return { ok: true, addr: zone === undefined ? { family: 6 } : { family: 6, zone } };
    }
    if (c === '%') return fail('missing IPv6 address');
  }
  return fail('unable to parse IP');
}

export function isValidIP(s: string): boolean {
  return parseAddr(s).ok;
}

export interface Prefix {
  addr: Addr;
  bits: number;
}

export type PrefixResult = { ok: true; prefix: Prefix } | { ok: false; error: string };

/** netip.ParsePrefix (the last `/` splits address and bits). */
export function parsePrefix(s: string): PrefixResult {
  const fail = (msg: string): PrefixResult => ({ ok: false, error: `netip.ParsePrefix(${JSON.stringify(s)}): ${msg}` });
  const slash = s.lastIndexOf('/');
  if (slash < 0) return fail("no '/'");
  const a = parseAddr(s.slice(0, slash));
  if (!a.ok) return fail(a.error);
  if (a.addr.zone !== undefined) return fail('IPv6 zones cannot be present in a prefix');
  const bitsStr = s.slice(slash + 1);
  if (!/^(0|[1-9][0-9]*)$/.test(bitsStr)) return fail(`bad bits after slash: ${JSON.stringify(bitsStr)}`);
  const bits = Number(bitsStr);
  if (bits > (a.addr.family === 4 ? 32 : 128)) return fail('prefix length out of range');
  return { ok: true, prefix: { addr: a.addr, bits } };
}
