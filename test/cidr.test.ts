import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import './helpers/fc-seed.ts';
import { parseCidr, parseCidrList, formatCidr, contains, overlaps, mergeCidrs, subtractCidrs, cidr, lastAddress, ALL_IPV4, parseIPv4, type Cidr } from '../src/core/cidr.ts';

const p = (s: string): Cidr => {
  const r = parseCidr(s);
  if (!r.ok) throw new Error(r.error);
  return r.cidr;
};
const f = (l: Cidr[]) => l.map(formatCidr);

test('strict parsing: four dotted decimal parts, prefix 0-32', () => {
  for (const ok of ['0.0.0.0/0', '10.0.0.1/24', '255.255.255.255/32', '91.198.174.192/27']) assert.ok(parseCidr(ok).ok, ok);
  for (const bad of ['10.15.0/16', '0x0a.0.0.1/8', '10.0.0.0/33', '10.0.0.0/', '/8', '10.0.0.0', '010.0.0.0/8', '1.2.3.4/08', ' 1.2.3.4/8', '1.2.3.4/8/9', '1.2.3.4 /8', '1.2.3.256/8', '١.2.3.4/8']) {
    assert.equal(parseCidr(bad).ok, false, bad);
  }
  assert.deepEqual(parseCidr('::/0'), { ok: false, error: '::/0 is not a valid IPv4 address' });
  assert.equal(parseIPv4('192.168.0.1'), 0xc0a80001);
});

test('host bits are kept apart from the network', () => {
  const c = p('10.0.0.1/24');
  assert.equal(formatCidr(c), '10.0.0.0/24');
  assert.equal(c.hostBitsSet, true);
  assert.equal(p('10.0.0.0/24').hostBitsSet, false);
});

test('contains and overlaps', () => {
  assert.ok(contains(p('10.0.0.0/8'), p('10.1.0.0/16')));
  assert.ok(!contains(p('10.1.0.0/16'), p('10.0.0.0/8')));
  assert.ok(overlaps(p('10.1.0.0/16'), p('10.0.0.0/8')));
  assert.ok(!overlaps(p('10.0.0.0/16'), p('10.1.0.0/16')));
  assert.ok(contains(ALL_IPV4, p('1.2.3.4/32')));
});

test('merge joins adjacent and contained blocks', () => {
  assert.deepEqual(f(mergeCidrs([p('10.0.0.128/25'), p('10.0.0.0/25'), p('10.0.1.0/24'), p('10.0.1.7/32')])), ['10.0.0.0/23']);
  assert.deepEqual(f(mergeCidrs([p('10.0.0.0/24'), p('10.0.2.0/24')])), ['10.0.0.0/24', '10.0.2.0/24']);
  assert.deepEqual(f(mergeCidrs([p('0.0.0.0/1'), p('128.0.0.0/1')])), ['0.0.0.0/0']);
});

test('subtract carves the excluded blocks out', () => {
  assert.deepEqual(f(subtractCidrs([p('10.0.0.0/8')], [p('10.0.0.0/9')])), ['10.128.0.0/9']);
  assert.deepEqual(f(subtractCidrs([p('10.0.0.0/24')], [p('10.0.0.0/24')])), []);
  assert.deepEqual(f(subtractCidrs([p('10.0.0.0/30')], [p('10.0.0.1/32')])), ['10.0.0.0/32', '10.0.0.2/31']);
  assert.deepEqual(f(subtractCidrs([ALL_IPV4], [p('0.0.0.0/1')])), ['128.0.0.0/1']);
  assert.deepEqual(f(subtractCidrs([p('10.0.0.0/24')], [p('192.168.0.0/16')])), ['10.0.0.0/24']);
});

test('list parsing: spaces around commas, every item checked, host-bit warnings', () => {
  const r = parseCidrList('172.30.0.0/16, 172.20.0.0/16 ,10.0.0.1/24');
  assert.deepEqual(f(r.cidrs), ['172.30.0.0/16', '172.20.0.0/16', '10.0.0.0/24']);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.warnings, ['10.0.0.1/24 has host bits set; it stands for the network 10.0.0.0/24']);
  const bad = parseCidrList('10.0.0.0/8,,10.15.0/16');
  assert.deepEqual(bad.errors, ['empty item 2 in IP range list "10.0.0.0/8,,10.15.0/16"', '10.15.0/16 is not a valid CIDR block']);
});

// Property: set arithmetic agrees with address-by-address membership.
// Blocks drawn from one /16 (10.0.0.0/16) so that they overlap and touch often, plus the odd
// block anywhere, so that carving and joining are really exercised.
const arbBlock = fc.oneof(
  { weight: 9, arbitrary: fc.tuple(fc.integer({ min: 0x0a000000, max: 0x0a00ffff }), fc.integer({ min: 18, max: 32 })) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 })) },
).map(([a, pr]) => cidr(a >>> 0, pr));
const inAny = (blocks: Cidr[], a: number) => blocks.some((b) => a >= b.base && a <= lastAddress(b));

test('property: subtract and merge agree with membership', () => {
  const interesting = { overlapping: 0, merged: 0 };
  fc.assert(fc.property(fc.array(arbBlock, { maxLength: 5 }), fc.array(arbBlock, { maxLength: 5 }), fc.array(fc.integer({ min: 0x09ff0000, max: 0x0a01ffff }), { maxLength: 30 }), (inc, exc, probes) => {
    const diff = subtractCidrs(inc, exc);
    const merged = mergeCidrs(inc);
    // probe near block edges too
    const pts = [...probes, ...inc.flatMap((b) => [b.base, lastAddress(b)]), ...exc.flatMap((b) => [b.base - 1, lastAddress(b) + 1])].map((x) => x >>> 0);
    for (const a of pts) {
      assert.equal(inAny(diff, a), inAny(inc, a) && !inAny(exc, a));
      assert.equal(inAny(merged, a), inAny(inc, a));
    }
    // merged blocks are sorted and disjoint, and no two neighbours could be one block
    for (let i = 1; i < merged.length; i++) {
      const [a, b] = [merged[i - 1], merged[i]];
      assert.ok(b.base > lastAddress(a));
      const joinable = a.prefix === b.prefix && a.prefix > 0 && lastAddress(a) + 1 === b.base && a.base % 2 ** (33 - a.prefix) === 0;
      assert.ok(!joinable, `${formatCidr(a)} and ${formatCidr(b)} make one block`);
    }
    if (inc.some((x) => exc.some((y) => overlaps(x, y)))) interesting.overlapping++;
    if (merged.length < inc.length) interesting.merged++;
  }), { numRuns: 500 });
  assert.ok(interesting.overlapping >= 50 && interesting.merged >= 50, JSON.stringify(interesting));
});
