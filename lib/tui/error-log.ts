import type { ErrorClass } from './outcome.js';

/** Entries the error panel keeps by default; older ones are dropped. */
export const DEFAULT_ERROR_CAPACITY = 500;

/**
 * How far back a repeat is looked for. A VIP that keeps failing the same way would otherwise
 * push everything else off the panel ten times a second.
 */
const COALESCE_LOOKBACK = 16;

export interface ErrorEntry {
  readonly vip: string;
  readonly cls: ErrorClass;
  readonly detail: string;
  /** When it first and last happened (ms since the epoch). */
  readonly firstAt: number;
  readonly lastAt: number;
  /** How many times in a row this VIP had this error. */
  readonly count: number;
}

/**
 * A bounded log of anomalies, oldest first. The same error of the same VIP, with nothing else
 * from that VIP in between, is one entry with a count that moves to the end when it repeats.
 */
export class ErrorLog {
  readonly capacity: number;
  #entries: ErrorEntry[] = [];
  readonly #totals = new Map<ErrorClass, number>();

  constructor(capacity: number = DEFAULT_ERROR_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`error log capacity must be a whole number >= 1, not ${capacity}`);
    this.capacity = capacity;
  }

  add(vip: string, cls: ErrorClass, detail: string, at: number): void {
    this.#totals.set(cls, (this.#totals.get(cls) ?? 0) + 1);
    const stop = Math.max(0, this.#entries.length - COALESCE_LOOKBACK);
    for (let i = this.#entries.length - 1; i >= stop; i--) {
      const e = this.#entries[i] as ErrorEntry;
      if (e.vip !== vip) continue;
      if (e.cls === cls && e.detail === detail) {
        this.#entries.splice(i, 1);
        this.#entries.push({ ...e, lastAt: at, count: e.count + 1 });
        return;
      }
      break;
    }
    this.#entries.push({ vip, cls, detail, firstAt: at, lastAt: at, count: 1 });
    if (this.#entries.length > this.capacity) this.#entries.splice(0, this.#entries.length - this.capacity);
  }

  /** Entries oldest first. */
  entries(): readonly ErrorEntry[] {
    return this.#entries;
  }

  /** Every anomaly counted since the start or the last clear, by class (dropped ones included). */
  totals(): Readonly<Record<ErrorClass, number>> {
    return {
      timeout: this.#totals.get('timeout') ?? 0,
      'http-err': this.#totals.get('http-err') ?? 0,
      'net-err': this.#totals.get('net-err') ?? 0,
      spike: this.#totals.get('spike') ?? 0,
    };
  }

  clear(): void {
    this.#entries = [];
    this.#totals.clear();
  }
}
