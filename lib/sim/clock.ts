/**
 * Clocks for the simulator. The lb plugin reads VPP's uptime in whole seconds; the simulator
 * asks an injected function for it, so tests can step time explicitly and a server can use the
 * real monotonic clock.
 */

/** Seconds, possibly fractional, on any monotonic origin. */
export type SimClock = () => number;

/** A clock that only moves when told to. */
export class ManualClock {
  #now: number;

  constructor(start = 0) {
    this.#now = start;
  }

  /** The current reading; pass `clock.now` (bound) as a SimClock. */
  readonly now = (): number => this.#now;

  set(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < this.#now) {
      throw new RangeError(`ManualClock.set: ${seconds} is not a finite time ≥ ${this.#now}`);
    }
    this.#now = seconds;
  }

  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw new RangeError(`ManualClock.advance: ${seconds} is not a finite duration ≥ 0`);
    }
    this.#now += seconds;
  }
}
