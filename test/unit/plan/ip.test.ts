import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressParseError, compareIp, ipFamily, ipSortKey, sortIps } from '../../../lib/plan/ip.js';
import { compareVipKeys, vipSortKey } from '../../../lib/plan/vip.js';

/** Text forms of an IPv6 address given as a bigint: compressed and fully expanded. */
function v6Text(n: bigint, compress: boolean): string {
  const groups = Array.from({ length: 8 }, (_, i) =>
    Number((n >> BigInt(112 - 16 * i)) & 0xffffn).toString(16),
  );
  if (!compress) return groups.join(':');
  // Compress the first longest run of zero groups (two or more), as canonical text does.
  let best = [-1, 0];
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best[1]! && j - i >= 2) best = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  if (best[0]! < 0) return groups.join(':');
  return `${groups.slice(0, best[0]).join(':')}::${groups.slice(best[0]! + best[1]!).join(':')}`;
}

const v4Text = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');

const arbAddress = fc.oneof(
  fc.nat({ max: 0xffffffff }).map((n) => ({ family: 4, n: BigInt(n), text: v4Text(n) })),
  fc
    .tuple(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), fc.boolean())
    .map(([n, c]) => ({ family: 6, n, text: v6Text(n, c) })),
  // Sparse IPv6 values exercise :: compression.
  fc.tuple(fc.nat({ max: 7 }), fc.nat({ max: 0xffff }), fc.boolean()).map(([g, v, c]) => {
    const n = BigInt(v) << BigInt(16 * g);
    return { family: 6, n, text: v6Text(n, c) };
  }),
);

describe('numeric IP order', () => {
  it('is numeric, not textual, and puts IPv4 first', () => {
    expect(
      sortIps(['10.0.0.10', '2001:db8::1', '10.0.0.2', '9.255.255.255', '::1', '10.0.0.100', '2001:db8::a']),
    ).toEqual(['9.255.255.255', '10.0.0.2', '10.0.0.10', '10.0.0.100', '::1', '2001:db8::1', '2001:db8::a']);
  });

  it('agrees with the numeric value of the address', () => {
    fc.assert(
      fc.property(arbAddress, arbAddress, (a, b) => {
        const want =
          a.family !== b.family ? Math.sign(a.family - b.family) : a.n < b.n ? -1 : a.n > b.n ? 1 : 0;
        expect(Math.sign(compareIp(a.text, b.text))).toBe(want);
        expect(ipFamily(a.text)).toBe(a.family);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads every spelling of an IPv6 address the same', () => {
    expect(ipSortKey('::ffff:192.0.2.1')).toBe(ipSortKey('0:0:0:0:0:ffff:c000:201'));
    expect(ipSortKey('::192.0.2.1')).toBe(ipSortKey('::c000:201'));
    expect(ipSortKey('1:2:3:4:5:6:192.0.2.1')).toBe(ipSortKey('1:2:3:4:5:6:c000:201'));
    expect(ipSortKey('2001:DB8::1')).toBe(ipSortKey('2001:db8:0:0:0:0:0:1'));
    expect(ipSortKey('::')).toBe(`6:${'0'.repeat(32)}`);
  });

  it.each([
    '',
    '10.0.0',
    '10.0.0.256',
    '10.0.0.1.2',
    '10.0.0.-1',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '12345::',
    ':1.2.3.4',
    '1:2:3:4:5:6:7::8',
    'fe80::1%eth0',
    '198.51.100.1/32',
  ])('rejects %j', (text) => {
    expect(() => ipSortKey(text)).toThrow(AddressParseError);
  });
});

describe('VIP order', () => {
  it('orders by prefix numerically, then protocol, then port', () => {
    const keys = [
      { prefix: '2001:db8::1/128', protocol: 6, port: 80 },
      { prefix: '10.0.0.10/32', protocol: 6, port: 80 },
      { prefix: '10.0.0.2/32', protocol: 17, port: 53 },
      { prefix: '10.0.0.2/32', protocol: 6, port: 443 },
      { prefix: '10.0.0.2/32', protocol: 6, port: 80 },
      { prefix: '10.0.0.2/32', protocol: 255, port: 0 },
    ];
    expect([...keys].sort(compareVipKeys).map(vipSortKey)).toEqual(
      [keys[4], keys[3], keys[2], keys[5], keys[1], keys[0]].map((k) => vipSortKey(k!)),
    );
  });
});
