/**
 * The tally of a response header's values (which backend answered). A value seen within the
 * recency window is "live" — the backend gets traffic now; older ones are drained. The number of
 * distinct values is bounded so a header carrying something unique per response (a request id)
 * cannot grow memory without end: past the bound the value seen longest ago is forgotten.
 */

/** A value seen within this many milliseconds is live. */
export const DEFAULT_RECENCY_MS = 5000;
/** Distinct values remembered per VIP. */
export const DEFAULT_TALLY_VALUES = 32;

export interface TallyEntry {
  readonly value: string;
  readonly count: number;
  /** When it was last seen (ms since the epoch). */
  readonly lastSeen: number;
  /** Seen within the recency window. */
  readonly live: boolean;
}

export class HeaderTally {
  readonly recencyMs: number;
  readonly maxValues: number;
  readonly #entries = new Map<string, { count: number; lastSeen: number }>();

  constructor(opts: { recencyMs?: number; maxValues?: number } = {}) {
    this.recencyMs = opts.recencyMs ?? DEFAULT_RECENCY_MS;
    this.maxValues = opts.maxValues ?? DEFAULT_TALLY_VALUES;
    if (!(this.recencyMs >= 0)) throw new RangeError(`recency must be >= 0 ms, not ${this.recencyMs}`);
    if (!Number.isInteger(this.maxValues) || this.maxValues < 1)
      throw new RangeError(`a tally needs room for at least one value, not ${this.maxValues}`);
  }

  get size(): number {
    return this.#entries.size;
  }

  add(value: string, now: number): void {
    const e = this.#entries.get(value);
    if (e) {
      e.count++;
      e.lastSeen = Math.max(e.lastSeen, now);
      return;
    }
    if (this.#entries.size >= this.maxValues) this.#evictOldest();
    this.#entries.set(value, { count: 1, lastSeen: now });
  }

  #evictOldest(): void {
    let oldest: string | undefined;
    let at = Number.POSITIVE_INFINITY;
    for (const [v, e] of this.#entries) {
      if (e.lastSeen < at) {
        at = e.lastSeen;
        oldest = v;
      }
    }
    if (oldest !== undefined) this.#entries.delete(oldest);
  }

  clear(): void {
    this.#entries.clear();
  }

  /** Every value with its count, sorted by value so columns stay put while counts change. */
  entries(now: number): TallyEntry[] {
    return [...this.#entries]
      .map(([value, e]) => ({
        value,
        count: e.count,
        lastSeen: e.lastSeen,
        live: now - e.lastSeen <= this.recencyMs,
      }))
      .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  }
}
