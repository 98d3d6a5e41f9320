import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DurationParseError, formatDuration, parseDuration } from '../../../lib/util/duration.js';

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['1s', 1000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['2m30s', 150_000],
    ['1h', 3_600_000],
    ['100us', 0.1],
    ['-2s', -2000],
  ])('%s = %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    ['', 'empty'],
    ['5', 'missing unit'],
    ['2 s', 'expected a number'],
    ['abc', 'expected a number'],
    ['1d', 'expected a number'],
  ])('rejects %j (%s)', (text, why) => {
    expect(() => parseDuration(text)).toThrow(DurationParseError);
    expect(() => parseDuration(text)).toThrow(why);
  });

  it('formats what it parses back to the same value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBeCloseTo(ms, 6);
      }),
    );
  });

  it.each([
    [0, '0s'],
    [500, '500ms'],
    [2000, '2s'],
    [90_000, '1m30s'],
    [3_600_000, '1h0m0s'],
  ])('formats %d as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
