import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ColorModeError,
  colorOn,
  columns,
  formatSpan,
  formatTime,
  keyValues,
  makeStyle,
  nsToMs,
  pairs,
  parseColorMode,
  stripAnsi,
  table,
} from '../../../lib/cli/format.js';

process.env.TZ = 'UTC';

const color = makeStyle(true);
const plain = makeStyle(false);

describe('formatSpan: the two largest units', () => {
  it.each([
    [0, '0s'],
    [-5000, '0s'],
    [350, '350ms'],
    [999.9, '999ms'],
    [1000, '1s'],
    [45_000, '45s'],
    [60_000, '1m0s'],
    [630_000, '10m30s'],
    [3_599_000, '59m59s'],
    [4_320_000, '1h12m'],
    [4_359_000, '1h12m'],
    [86_400_000, '1d0h'],
    [144_000_000, '1d16h'],
    [40 * 86_400_000 + 3_600_000 * 5 + 59_000, '40d5h'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatSpan(ms)).toBe(text);
  });

  it('never shows more than two units and never grows when the span shrinks (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 10 * 365 * 86_400_000 }), (ms) => {
        const s = formatSpan(ms);
        expect(s).toMatch(/^\d+[dhms](\d+[hms])?$/);
        const units = s.match(/[dhms]/g) ?? [];
        expect(units.length).toBeLessThanOrEqual(2);
      }),
    );
  });
});

describe('times', () => {
  it('formats local time to the millisecond and converts API nanoseconds', () => {
    expect(formatTime(Date.UTC(2026, 3, 15, 10, 0, 5, 7))).toBe('2026-04-15 10:00:05.007');
    expect(nsToMs(1_776_247_205_007_500_000n)).toBe(1_776_247_205_007.5);
  });
});

describe('labels and layout', () => {
  const rows = [
    ['address', '192.0.2.1'],
    ['src-ip-sticky', 'false'],
    ['port', '80'],
  ] as const;

  it('aligns label/value rows identically with and without colour', () => {
    const c = keyValues(rows, color);
    const p = keyValues(rows, plain);
    expect(p).toEqual(['address        192.0.2.1', 'src-ip-sticky  false', 'port           80']);
    expect(c.map(stripAnsi)).toEqual(p);
  });

  it('colours labels dark blue, each carrying escapes of the same length', () => {
    const c = keyValues(rows, color);
    for (const line of c) {
      expect(line.startsWith('\x1b[34m')).toBe(true);
      expect(line).toMatch(/^.\[34m[a-z-]+ *.\[0m {2}\S/);
      expect(line.length - stripAnsi(line).length).toBe('\x1b[34m\x1b[0m'.length);
    }
  });

  it('writes no escape sequence at all without colour', () => {
    const out = [
      ...keyValues(rows, plain),
      ...table(['name', 'state'], [['nginx0', 'up']], plain),
      pairs([['address', '10.0.0.1']], plain),
      plain.error('boom'),
    ].join('\n');
    expect(out).not.toContain('\x1b');
    expect(color.error('boom')).toBe('\x1b[31mboom\x1b[0m');
  });

  it('lays out tables in aligned columns', () => {
    expect(
      table(
        ['name', 'state', 'frontends'],
        [
          ['nginx0', 'up', 'web'],
          ['a', 'disabled', ''],
        ],
        plain,
      ),
    ).toEqual(['name    state     frontends', 'nginx0  up        web', 'a       disabled']);
  });

  it('pads pair values so consecutive lines line up', () => {
    const w = [10, 3];
    expect([
      pairs(
        [
          ['address', '10.0.0.1'],
          ['weight', '100'],
          ['flow-table-buckets', '512'],
        ],
        plain,
        w,
      ),
      pairs(
        [
          ['address', '10.0.0.100'],
          ['weight', '0'],
          ['flow-table-buckets', '0'],
        ],
        plain,
        w,
      ),
    ]).toEqual([
      'address 10.0.0.1   weight 100 flow-table-buckets 512',
      'address 10.0.0.100 weight 0   flow-table-buckets 0',
    ]);
  });

  it('lays words out in columns that fit the width', () => {
    expect(columns(['nginx0', 'nginx1', 'nginx2', 'api0'], 20)).toEqual(['nginx0  nginx1', 'nginx2  api0']);
    expect(columns([], 80)).toEqual([]);
  });
});

describe('colour modes', () => {
  it.each([
    ['always', 'always'],
    ['true', 'always'],
    ['1', 'always'],
    ['TRUE', 'always'],
    ['never', 'never'],
    ['false', 'never'],
    ['0', 'never'],
    ['Off', 'never'],
    ['auto', 'auto'],
  ] as const)('%s is %s', (text, mode) => {
    expect(parseColorMode(text)).toBe(mode);
  });

  it('refuses anything else, saying what it takes', () => {
    expect(() => parseColorMode('sometimes')).toThrow(ColorModeError);
    expect(() => parseColorMode('')).toThrow('expected always, never or auto (or true, false)');
  });

  it('auto colours a terminal unless NO_COLOR is set; always and never ignore both', () => {
    expect(colorOn('auto', true, false)).toBe(true);
    expect(colorOn('auto', false, false)).toBe(false);
    expect(colorOn('auto', true, true)).toBe(false);
    expect(colorOn('always', false, true)).toBe(true);
    expect(colorOn('never', true, false)).toBe(false);
  });

  it('labels and errors are coloured independently (stdout and stderr)', () => {
    const labelsOnly = makeStyle(true, false);
    expect(labelsOnly.label('name')).toBe('\x1b[34mname\x1b[0m');
    expect(labelsOnly.error('boom')).toBe('boom');
    const errorsOnly = makeStyle(false, true);
    expect(errorsOnly.label('name', 6)).toBe('name  ');
    expect(errorsOnly.error('boom')).toBe('\x1b[31mboom\x1b[0m');
  });
});
