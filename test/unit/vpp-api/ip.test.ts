import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addressFromString,
  addressToString,
  ip4FromString,
  ip4ToString,
  ip6FromString,
  ip6ToString,
  prefixFromString,
  prefixToString,
  VppAddressError,
} from '../../../vpp-api/index.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('ip helpers', () => {
  it('builds vl_api_address_t with the address in the first union bytes', () => {
    const a = addressFromString('192.0.2.1');
    expect(a.af).toBe(0);
    expect(hex(a.un)).toBe('c0000201' + '00'.repeat(12));
    const b = addressFromString('2001:db8::1');
    expect(b.af).toBe(1);
    expect(hex(b.un)).toBe('20010db8000000000000000000000001');
  });

  const canonical: [string, string][] = [
    ['192.0.2.1', '192.0.2.1'],
    ['0.0.0.0', '0.0.0.0'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0db8:0000:0000:0000:0000:0002:0001', '2001:db8::2:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['fe80:0:0:0:1:0:0:0', 'fe80::1:0:0:0'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ['::ffff:c000:201', '::ffff:192.0.2.1'],
    ['64:ff9b::192.0.2.1', '64:ff9b::c000:201'],
  ];
  for (const [input, out] of canonical) {
    it(`${input} → ${out}`, () => {
      expect(addressToString(addressFromString(input))).toBe(out);
    });
  }

  const invalid = [
    '',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '01.2.3.4',
    '1.2.3.-4',
    'a.b.c.d',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    '12345::',
    'g::1',
    'fe80::1%eth0',
    ':1::',
    '1:2:3:4:5:6:7:8::',
  ];
  for (const s of invalid) {
    it(`refuses ${JSON.stringify(s)}`, () => {
      expect(() => addressFromString(s)).toThrow(VppAddressError);
    });
  }

  it('parses and prints prefixes', () => {
    expect(prefixFromString('198.51.100.1/32')).toEqual({
      address: addressFromString('198.51.100.1'),
      len: 32,
    });
    expect(prefixFromString('2001:db8::/32').len).toBe(32);
    expect(prefixFromString('192.0.2.1')).toEqual({ address: addressFromString('192.0.2.1'), len: 32 });
    expect(prefixFromString('2001:db8::1').len).toBe(128);
    expect(prefixToString(prefixFromString('2001:DB8:0::/48'))).toBe('2001:db8::/48');
    // Host bits stay as given: VPP masks them itself.
    expect(prefixToString(prefixFromString('198.51.100.7/24'))).toBe('198.51.100.7/24');
    for (const bad of [
      '192.0.2.0/33',
      '2001:db8::/129',
      '192.0.2.0/',
      '192.0.2.0/-1',
      '192.0.2.0/08',
      '192.0.2.0/x',
    ]) {
      expect(() => prefixFromString(bad), bad).toThrow(VppAddressError);
    }
  });

  it('bare ip4/ip6 byte forms and family errors', () => {
    expect(hex(ip4FromString('10.0.0.1'))).toBe('0a000001');
    expect(ip4ToString(new Uint8Array([10, 0, 0, 1]))).toBe('10.0.0.1');
    expect(ip6ToString(ip6FromString('2001:db8::1'))).toBe('2001:db8::1');
    expect(() => addressToString({ af: 2, un: new Uint8Array(16) })).toThrow(/unknown address family/);
    expect(() => ip6FromString('192.0.2.1')).toThrow(VppAddressError);
  });

  it('property: IPv6 text agrees with the WHATWG URL serializer and round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.boolean(), (b, sparse) => {
        // Sparse addresses exercise zero-run compression.
        const bytes = sparse ? b.map((x, i) => (i % 4 < 2 || x < 128 ? 0 : x)) : b;
        const text = ip6ToString(bytes);
        expect(ip6FromString(text)).toEqual(bytes);
        const mapped =
          bytes.subarray(0, 10).every((x) => x === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
        if (!mapped) expect(text).toBe(new URL(`http://[${text}]/`).hostname.slice(1, -1));
      }),
      { numRuns: 2000 },
    );
  });

  it('property: IPv4 text round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (b) => {
        const a = { af: 0, un: new Uint8Array(16) };
        a.un.set(b);
        expect(addressFromString(addressToString(a))).toEqual(a);
      }),
    );
  });
});
