import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAddress } from '../../../lib/config/address.js';
import { formatStatusRanges, parseStatusRanges } from '../../../lib/config/http-params.js';
import { durationText } from '../../../lib/config/stringify.js';
import { parseDuration } from '../../../lib/util/duration.js';

describe('parseAddress', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1', 4],
    ['0.0.0.0', '0.0.0.0', 4],
    ['255.255.255.255', '255.255.255.255', 4],
    ['2001:DB8::1', '2001:db8::1', 6],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1', 6],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1', 6],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1', 6],
    ['1:0:0:0:0:0:0:0', '1::', 6],
    ['::', '::', 6],
    ['::1', '::1', 6],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8', 6],
    ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7', 6],
    ['::ffff:192.0.2.1', '::ffff:c000:201', 6],
    ['64:ff9b::192.0.2.1', '64:ff9b::c000:201', 6],
  ])('%s is %s (IPv%d)', (text, address, family) => {
    expect(parseAddress(text)).toEqual({ address, family });
  });

  it.each([
    '',
    '192.0.2',
    '192.0.2.1.5',
    '192.0.2.256',
    '192.0.2.01',
    '192.0.2.1/32',
    '2001:db8::/64',
    '2001:db8:::1',
    '2001:db8::1::2',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '1::2:3:4:5:6:7:8',
    '12345::1',
    'fe80::1%eth0',
    'g::1',
    'localhost',
    ' 192.0.2.1',
  ])('%j is not one address', (text) => {
    expect(parseAddress(text)).toBeNull();
  });

  it('agrees with the URL parser on IPv6 canonical text', () => {
    fc.assert(
      fc.property(fc.ipV6(), (text) => {
        const a = parseAddress(text);
        expect(a?.family).toBe(6);
        expect(`[${a?.address}]`).toBe(new URL(`http://[${text}]/`).hostname);
      }),
    );
  });

  it('reads any IPv4 dotted quad', () => {
    fc.assert(
      fc.property(fc.ipV4(), (text) => {
        expect(parseAddress(text)).toEqual({ address: text, family: 4 });
      }),
    );
  });
});

describe('response codes', () => {
  it.each([
    ['200', [{ from: 200, to: 200 }]],
    ['200-399', [{ from: 200, to: 399 }]],
    [
      '200-299,301',
      [
        { from: 200, to: 299 },
        { from: 301, to: 301 },
      ],
    ],
    [
      ' 200 - 204 , 418 ',
      [
        { from: 200, to: 204 },
        { from: 418, to: 418 },
      ],
    ],
  ])('%j', (text, want) => {
    expect(parseStatusRanges(text)).toEqual(want);
  });

  it.each([
    ['', /is neither/],
    ['2xx', /is neither/],
    ['200,', /is neither/],
    ['99', /not an HTTP status/],
    ['500-400', /empty/],
  ])('%j is refused', (text, message) => {
    expect(parseStatusRanges(text)).toMatch(message);
  });

  it('formats what it parses', () => {
    expect(
      formatStatusRanges([
        { from: 200, to: 299 },
        { from: 301, to: 301 },
      ]),
    ).toBe('200-299,301');
  });
});

describe('durationText', () => {
  it.each([
    [0, '0s'],
    [1, '1ms'],
    [1500, '1s500ms'],
    [90_000, '1m30s'],
    [3_600_000, '1h'],
    [3_661_001, '1h1m1s1ms'],
    [0.5, '500000ns'],
  ])('%d ms is %s', (ms, text) => {
    expect(durationText(ms)).toBe(text);
  });

  it('parses back to the same number', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.nat(),
          fc.nat().map((n) => n / 1e6),
        ),
        (ms) => {
          expect(Math.round(parseDuration(durationText(ms)) * 1e6) / 1e6).toBe(ms);
        },
      ),
    );
  });
});
