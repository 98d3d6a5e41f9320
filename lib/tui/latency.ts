/**
 * Rolling latency percentiles over the most recent samples. The window is bounded by count, not
 * time: at maglevt's default cadence (100 ms) the default 1,000 samples cover the last 100 s,
 * and memory stays fixed however long it runs.
 */

/** Samples kept per VIP by default. */
export const DEFAULT_LATENCY_WINDOW = 1000;

/**
 * The nearest-rank percentile of ascending `sorted` values: the smallest sample such that at
 * least p% of the samples are at or below it. Always one of the samples; null when there are none.
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0-100, not ${p}`);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

export interface LatencySummary {
  readonly count: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

/** The first index in ascending `sorted` whose value is >= x. */
function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A ring of the last `capacity` latency samples, in milliseconds, kept sorted alongside: a
 * sample moves the sorted copy by one insertion and one removal (a memmove, no sort), so the
 * median a spike check needs after every probe, and the percentiles of every frame, cost a
 * lookup.
 */
export class LatencyWindow {
  readonly capacity: number;
  readonly #ring: number[] = [];
  readonly #sorted: number[] = [];
  #next = 0;

  constructor(capacity: number = DEFAULT_LATENCY_WINDOW) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`latency window capacity must be a whole number >= 1, not ${capacity}`);
    this.capacity = capacity;
  }

  get size(): number {
    return this.#ring.length;
  }

  push(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError(`latency must be a finite number >= 0, not ${ms}`);
    if (this.#ring.length < this.capacity) {
      this.#ring.push(ms);
    } else {
      const old = this.#ring[this.#next] as number;
      this.#sorted.splice(lowerBound(this.#sorted, old), 1);
      this.#ring[this.#next] = ms;
    }
    this.#sorted.splice(lowerBound(this.#sorted, ms), 0, ms);
    this.#next = (this.#next + 1) % this.capacity;
  }

  clear(): void {
    this.#ring.length = 0;
    this.#sorted.length = 0;
    this.#next = 0;
  }

  /** The samples held, oldest first. */
  samples(): number[] {
    if (this.#ring.length < this.capacity) return [...this.#ring];
    return [...this.#ring.slice(this.#next), ...this.#ring.slice(0, this.#next)];
  }

  percentile(p: number): number | null {
    return percentile(this.#sorted, p);
  }

  summary(): LatencySummary {
    const s = this.#sorted;
    return {
      count: s.length,
      p50: percentile(s, 50),
      p95: percentile(s, 95),
      p99: percentile(s, 99),
      max: s.length === 0 ? null : (s[s.length - 1] as number),
    };
  }
}
