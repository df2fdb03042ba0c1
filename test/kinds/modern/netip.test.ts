// Addresses and prefixes parse as Go's net/netip parses them (ParseAddr, ParsePrefix).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAddr, parsePrefix } from '../../../src/core/kinds/modern/netip.ts';

const addrs: Array<[string, string | 4 | 6]> = [
  ['1.2.3.4', 4],
  ['0.0.0.0', 4],
  ['255.255.255.255', 4],
  ['::', 6],
  ['::1', 6],
  ['2001:db8::68', 6],
  ['2001:0db8:0000:0000:0000:0000:0000:0068', 6],
  ['::ffff:1.2.3.4', 6],
  ['64:ff9b::192.0.2.33', 6],
  ['fe80::1%eth0', 6],
  ['01.2.3.4', 'IPv4 field has octet with leading zero'],
  ['256.1.1.1', 'IPv4 field has value >255'],
  ['1.2.3', 'IPv4 address too short'],
  ['1.2.3.4.5', 'IPv4 address too long'],
  ['1..2.3', 'IPv4 field must have at least one digit'],
  ['0x0a.0.0.1', 'unexpected character'],
  ['1.2.3.4%eth0', 'unexpected character'],
  ['%eth0', 'missing IPv6 address'],
  ['fe80::1%', 'zone must be a non-empty string'],
  ['1:2:3:4:5:6:7', 'address string too short'],
  ['1:2:3:4:5:6:7:8:9', 'trailing garbage after address'],
  ['1::2::3', 'multiple :: in address'],
  ['1:2:3:4::5:6:7:8', 'the :: must expand to at least one field of zeros'],
  ['12345::', 'IPv6 field has value >=2^16'],
  ['1:2:3:4:5:6:1.2.3.4', 6],
  ['1:2:3:4:5:1.2.3.4', 'embedded IPv4 address must replace the final 2 fields of the address'],
  ['1:', 'colon must be followed by more characters'],
  ['example.com', 'unexpected character'],
  ['', 'unable to parse IP'],
  ['localhost', 'unable to parse IP'],
];

for (const [input, want] of addrs) {
  test(`ParseAddr ${JSON.stringify(input)}`, () => {
    const r = parseAddr(input);
    if (typeof want === 'number') assert.deepEqual(r.ok && r.addr.family, want);
    else assert.equal(r.ok ? 'ok' : r.error, `ParseAddr(${JSON.stringify(input)}): ${want}`);
  });
}

test('a zone is kept with the address', () => {
  assert.deepEqual(parseAddr('fe80::1%eth0'), { ok: true, addr: { family: 6, zone: 'eth0' } });
});

const prefixes: Array<[string, string | number]> = [
  ['10.0.0.0/8', 8],
  ['10.1.2.3/8', 8],
  ['0.0.0.0/0', 0],
  ['1.2.3.4/32', 32],
  ['2001:db8::/32', 32],
  ['::/0', 0],
  ['::ffff:1.2.3.4/128', 128],
  ['1.2.3.4/33', 'prefix length out of range'],
  ['2001:db8::/129', 'prefix length out of range'],
  ['10.0.0.0/08', 'bad bits after slash: "08"'],
  ['10.0.0.0/+8', 'bad bits after slash: "+8"'],
  ['10.0.0.0/', 'bad bits after slash: ""'],
  ['10.0.0.0', "no '/'"],
  ['fe80::1%eth0/64', 'IPv6 zones cannot be present in a prefix'],
  ['10.15.0/16', 'ParseAddr("10.15.0"): IPv4 address too short'],
];

for (const [input, want] of prefixes) {
  test(`ParsePrefix ${JSON.stringify(input)}`, () => {
    const r = parsePrefix(input);
    if (typeof want === 'number') assert.equal(r.ok && r.prefix.bits, want);
    else assert.equal(r.ok ? 'ok' : r.error, `netip.ParsePrefix(${JSON.stringify(input)}): ${want}`);
  });
}
