/**
 * Durations in the Go `time.ParseDuration` syntax the original's config and flags use:
 * a sequence of decimal numbers each with a unit, such as "300ms", "1.5s", "2m30s".
 * Values are returned in milliseconds (fractions kept, so "1500us" is 1.5).
 */

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;

/**
 * Thrown by {@link parseDuration}; the message says what is wrong with the text.
 *
 * @public
 */
export class DurationParseError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'DURATION_PARSE' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'DurationParseError';
  constructor(
    /** The text that did not parse, as given. */
    readonly text: string,
    reason: string,
  ) {
    super(`invalid duration ${JSON.stringify(text)}: ${reason}`);
  }
}

/**
 * Parses a Go-style duration ("300ms", "1.5s", "2m30s", optionally signed) into milliseconds.
 * "0" alone is accepted, as in Go; any other number needs a unit.
 *
 * @returns Milliseconds; fractions are kept ("1500us" is 1.5).
 * @throws {@link DurationParseError} when the text is empty, lacks a unit or has an unknown one.
 * @public
 */
export function parseDuration(text: string): number {
  let rest = text.trim();
  if (rest === '') throw new DurationParseError(text, 'empty');
  let sign = 1;
  if (rest[0] === '-' || rest[0] === '+') {
    if (rest[0] === '-') sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  let total = 0;
  let parts = 0;
  while (rest.length > 0) {
    const m = PART.exec(rest);
    if (!m) {
      const hint = /^\d+(\.\d+)?$/.test(rest)
        ? 'missing unit (use ms, s, m or h, e.g. "2s")'
        : 'expected a number followed by a unit (ns, us, ms, s, m, h)';
      throw new DurationParseError(text, hint);
    }
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    rest = rest.slice(m[0].length);
    parts++;
  }
  if (parts === 0) throw new DurationParseError(text, 'empty');
  return sign * total;
}

/**
 * Formats milliseconds the way Go prints a time.Duration ("1m30s", "500ms", "0s"); the
 * inverse of {@link parseDuration}.
 *
 * @public
 */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let rest = Math.abs(ms);
  let out = '';
  if (rest < 1000) {
    out = rest >= 1 ? `${trim(rest)}ms` : rest >= 1e-3 ? `${trim(rest * 1e3)}µs` : `${trim(rest * 1e6)}ns`;
    return neg ? `-${out}` : out;
  }
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = rest / 1000;
  if (h > 0) out += `${h}h`;
  if (h > 0 || m > 0) out += `${m}m`;
  out += `${trim(s)}s`;
  return neg ? `-${out}` : out;
}

function trim(n: number): string {
  return String(Number(n.toFixed(9)));
}
