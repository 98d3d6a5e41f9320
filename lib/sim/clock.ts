/**
 * Clocks for the simulator. The lb plugin reads VPP's uptime in whole seconds; the simulator
 * asks an injected function for it, so tests can step time explicitly and a server can use the
 * real monotonic clock.
 */

/**
 * A clock reading in seconds, possibly fractional, on any monotonic origin.
 *
 * @public
 */
export type SimClock = () => number;

/**
 * A clock that only moves when told to, for deterministic tests.
 *
 * @public
 */
export class ManualClock {
  #now: number;

  /** @param start - The first reading, in seconds. */
  constructor(start = 0) {
    this.#now = start;
  }

  /** The current reading; pass `clock.now` (bound) as a SimClock. */
  readonly now = (): number => this.#now;

  /**
   * Moves the clock to a reading, in seconds.
   *
   * @throws RangeError when the reading is not finite or earlier than the current one.
   */
  set(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < this.#now) {
      throw new RangeError(`ManualClock.set: ${seconds} is not a finite time ≥ ${this.#now}`);
    }
    this.#now = seconds;
  }

  /**
   * Moves the clock forward by a duration, in seconds.
   *
   * @throws RangeError when the duration is not finite or negative.
   */
  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw new RangeError(`ManualClock.advance: ${seconds} is not a finite duration ≥ 0`);
    }
    this.#now += seconds;
  }
}
