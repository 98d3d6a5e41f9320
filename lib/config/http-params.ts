import type { StatusRange } from './types.js';

const RANGE = /^(\d+)(?:\s*-\s*(\d+))?$/;

/**
 * Parses an accepted-status list such as "200-299,301" into ranges, in the order written.
 * Returns a message saying what is wrong when the text is not such a list.
 */
export function parseStatusRanges(text: string): StatusRange[] | string {
  const out: StatusRange[] = [];
  for (const raw of text.split(',')) {
    const part = raw.trim();
    const m = RANGE.exec(part);
    if (!m) {
      return `response-codes must be a list of codes and ranges such as "200-299,301"; ${JSON.stringify(part)} is neither`;
    }
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    for (const code of [from, to]) {
      if (code < 100 || code > 599) return `response-codes: ${code} is not an HTTP status code (100-599)`;
    }
    if (from > to) return `response-codes: the range ${from}-${to} is empty (write it low-high)`;
    out.push({ from, to });
  }
  return out;
}

/** The inverse of parseStatusRanges: "200-299,301". */
export function formatStatusRanges(ranges: readonly StatusRange[]): string {
  return ranges.map((r) => (r.from === r.to ? String(r.from) : `${r.from}-${r.to}`)).join(',');
}
