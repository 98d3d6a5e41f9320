/**
 * Milliseconds for a narrow column: two decimals below 10 ms, one below 100 ms, whole
 * milliseconds below 10 s, then seconds. "-" for no value.
 */
export function formatMs(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 10) return `${ms.toFixed(2)}ms`;
  if (ms < 100) return `${ms.toFixed(1)}ms`;
  if (ms < 10_000) return `${Math.round(ms)}ms`;
  return `${(ms / 1000).toFixed(1)}s`;
}

/** "99.5%": one decimal, except 100% and 0% which are exact; "-" before the first probe. */
export function formatPercent(ok: number, total: number): string {
  if (total === 0) return '-';
  if (ok === total) return '100%';
  if (ok === 0) return '0%';
  // Never round a partial failure up to 100% or down to 0%.
  const p = Math.min(99.9, Math.max(0.1, Math.floor((ok / total) * 1000) / 10));
  return `${p.toFixed(1)}%`;
}
