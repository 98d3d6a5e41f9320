/**
 * Text layout for maglevc: colour, aligned label/value blocks, tables, durations and times.
 *
 * Static labels are dark blue when colour is on. Every label is padded inside its escape
 * sequences, so all labels carry escapes of the same length and columns line up whether or not
 * the terminal renders the colour; with colour off no escape sequence is written at all.
 */

const BLUE = '\x1b[34m';
const RED = '\x1b[31m';
const RESET = '\x1b[0m';

/**
 * How maglevc colours its output: labels on stdout, errors on stderr.
 *
 * @internal
 */
export interface Style {
  /** Whether labels (written to stdout) are coloured. */
  readonly color: boolean;
  /** A static label, padded to `width` visible characters. */
  label(text: string, width?: number): string;
  /** An error message (written to stderr). */
  error(text: string): string;
}

/**
 * Labels go to stdout and errors to stderr, and each may or may not be a terminal, so the two
 * are coloured independently (`errorColor` defaults to `color`).
 *
 * @internal
 */
export function makeStyle(color: boolean, errorColor = color): Style {
  return {
    color,
    label: (text, width = 0) => (color ? `${BLUE}${text.padEnd(width)}${RESET}` : text.padEnd(width)),
    error: (text) => (errorColor ? `${RED}${text}${RESET}` : text),
  };
}

/**
 * `--color`: always, never, or auto (a terminal, and NO_COLOR unset or empty).
 *
 * @internal
 */
export type ColorMode = 'always' | 'never' | 'auto';

/**
 * A `--color` value maglevc does not know.
 *
 * @internal
 */
export class ColorModeError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'COLOR_MODE' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'ColorModeError';
}

// The Go maglevc's --color was a boolean, so its spellings keep working.
const ALWAYS = new Set(['always', 'true', 't', '1', 'yes', 'on']);
const NEVER = new Set(['never', 'false', 'f', '0', 'no', 'off']);

/**
 * Parses a `--color` (or MAGLEV_COLOR) value; true/false (t/f), yes/no, on/off and 1/0 are
 * accepted too.
 *
 * @throws ColorModeError for any other value.
 *
 * @internal
 */
export function parseColorMode(text: string): ColorMode {
  const t = text.trim().toLowerCase();
  if (ALWAYS.has(t)) return 'always';
  if (NEVER.has(t)) return 'never';
  if (t === 'auto') return 'auto';
  throw new ColorModeError('expected always, never or auto (or true, false)');
}

/**
 * Whether to colour one stream. `auto` follows https://no-color.org: a NO_COLOR that is set and
 * not empty turns colour off; an explicit `always` (flag or MAGLEV_COLOR) still wins over it.
 *
 * @internal
 */
export function colorOn(mode: ColorMode, isTTY: boolean, noColor: boolean): boolean {
  if (mode !== 'auto') return mode === 'always';
  return isTTY && !noColor;
}

/**
 * Removes ANSI escape sequences (for measuring and for tests).
 *
 * @internal
 */
export function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching escape sequences is the point
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}

/**
 * Label/value rows, labels aligned in one column.
 *
 * @internal
 */
export function keyValues(
  rows: ReadonlyArray<readonly [string, string]>,
  style: Style,
  indent = '',
): string[] {
  const width = Math.max(0, ...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${indent}${style.label(k, width)}  ${v}`.trimEnd());
}

/**
 * A table: a header row of static labels, then the rows, columns two spaces apart.
 *
 * @internal
 */
export function table(
  headers: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  style: Style,
  indent = '',
): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const last = headers.length - 1;
  const head = headers.map((h, i) => style.label(h, i === last ? 0 : (widths[i] as number))).join('  ');
  const body = rows.map((r) =>
    headers
      .map((_, i) => (i === last ? (r[i] ?? '') : (r[i] ?? '').padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd(),
  );
  return [`${indent}${head}`.trimEnd(), ...body.map((l) => `${indent}${l}`)];
}

/**
 * One line of label/value pairs (`address 10.0.0.1 weight 100 ...`); values are padded to the
 * given widths so consecutive lines line up.
 *
 * @internal
 */
export function pairs(
  items: ReadonlyArray<readonly [string, string]>,
  style: Style,
  widths: readonly number[] = [],
): string {
  return items
    .map(([k, v], i) => `${style.label(k)} ${i === items.length - 1 ? v : v.padEnd(widths[i] ?? 0)}`)
    .join(' ')
    .trimEnd();
}

const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/**
 * A span of time in its two largest units: `10m30s`, `1h12m`, `1d16h`, `45s`. Below a second
 * it is shown in milliseconds; a negative span (clock skew) counts as zero.
 *
 * @internal
 */
export function formatSpan(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '0s';
  if (ms < 1000) return `${Math.floor(ms)}ms`;
  const i = UNITS.findIndex(([, size]) => ms >= size);
  const [u1, s1] = UNITS[i] as readonly [string, number];
  const n1 = Math.floor(ms / s1);
  const next = UNITS[i + 1];
  if (!next) return `${n1}${u1}`;
  const [u2, s2] = next;
  return `${n1}${u1}${Math.floor((ms - n1 * s1) / s2)}${u2}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * A point in time in local time, `2026-04-15 10:00:00.123`.
 *
 * @internal
 */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ` +
    `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`
  );
}

/**
 * Unix nanoseconds (as the API carries times) to milliseconds.
 *
 * @internal
 */
export function nsToMs(ns: bigint): number {
  return Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6;
}

/**
 * Words laid out in columns that fit `width`, as Tab lists candidates.
 *
 * @internal
 */
export function columns(words: readonly string[], width: number): string[] {
  if (words.length === 0) return [];
  const cell = Math.max(...words.map((w) => w.length)) + 2;
  const perLine = Math.max(1, Math.floor(width / cell));
  const lines: string[] = [];
  for (let i = 0; i < words.length; i += perLine) {
    lines.push(
      words
        .slice(i, i + perLine)
        .map((w) => w.padEnd(cell))
        .join('')
        .trimEnd(),
    );
  }
  return lines;
}
