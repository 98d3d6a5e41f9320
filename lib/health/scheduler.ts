/**
 * One timer for all backends: a min-heap of due times drained by a single setTimeout. Ten
 * thousand backends cost ten thousand heap records, not ten thousand armed timers, and all
 * probes due in the same millisecond start in one event-loop turn.
 *
 * The heap lives in typed arrays (due time, tie-break, generation) beside an array of handles,
 * so that sifting compares numbers in a few contiguous kilobytes instead of chasing ten
 * thousand objects around the heap. A handle is reused for every schedule of its item: moving
 * or cancelling it bumps its generation, and the records it leaves behind are skipped when
 * they surface (and compacted away when they pile up).
 *
 * Timer slack: an item may fire a little early, by up to 1/64 of its delay and at most
 * MAX_SLACK_MS, so that when the queue wakes up for one item it also takes those due just
 * after it. Ten thousand probes a second then cost a few hundred wake-ups, not a thousand; an
 * interval of one second moves by at most 4 ms, well inside its ±10% jitter.
 */

/** The most an item fires before its time. */
export const MAX_SLACK_MS = 4;
const SLACK_FRACTION = 1 / 64;

export interface TimerHandle {
  readonly at: number;
  /** Not (or no longer) waiting: fired or cancelled. */
  readonly cancelled: boolean;
}

class Entry<T> implements TimerHandle {
  at = 0;
  gen = 0;
  queued = false;
  constructor(
    public item: T,
    /** A handle is only ever reused by its own queue. */
    readonly queue: TimerQueue<T>,
  ) {}

  get cancelled(): boolean {
    return !this.queued;
  }
}

export class TimerQueue<T> {
  private at = new Float64Array(64);
  private early = new Float64Array(64);
  private order = new Float64Array(64);
  private gens = new Int32Array(64);
  private entries: Entry<T>[] = [];
  private length = 0;
  private stale = 0;
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;
  private armedAt = Number.POSITIVE_INFINITY;
  private closed = false;

  /**
   * @param fire - called with each item once its time has come, and the time it was due
   * @param now - the monotonic clock in milliseconds
   */
  constructor(
    private readonly fire: (item: T, plannedAt: number) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Items waiting. */
  get size(): number {
    return this.length - this.stale;
  }

  /**
   * Calls fire(item) at monotonic time `at` (or as soon as possible when that has passed).
   * Passing the handle of an earlier schedule of this queue reuses it: a waiting one moves to
   * the new time, a fired or cancelled one waits again, now for `item` at `at`.
   */
  schedule(item: T, at: number, reuse?: TimerHandle | null): TimerHandle {
    const e = reuse instanceof Entry && reuse.queue === this ? (reuse as Entry<T>) : new Entry(item, this);
    if (e.queued) this.stale++;
    e.gen = (e.gen + 1) | 0;
    e.item = item;
    e.at = at;
    e.queued = false;
    if (this.closed) return e;
    e.queued = true;
    const slack = Math.min(MAX_SLACK_MS, Math.max(0, (at - this.now()) * SLACK_FRACTION));
    this.push(e, at, at - slack);
    if (this.stale > 64 && this.stale > this.length >> 1) this.compact();
    if (at < this.armedAt) this.arm();
    return e;
  }

  cancel(handle: TimerHandle): void {
    if (!(handle instanceof Entry) || handle.queue !== this || !handle.queued) return;
    handle.queued = false;
    handle.gen = (handle.gen + 1) | 0;
    this.stale++;
    if (this.stale > 64 && this.stale > this.length >> 1) this.compact();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.armedAt = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.length; i++) {
      const e = this.entries[i] as Entry<T>;
      e.queued = false;
      e.gen = (e.gen + 1) | 0;
    }
    this.entries = [];
    this.length = 0;
    this.stale = 0;
  }

  private live(i: number): boolean {
    return this.gens[i] === (this.entries[i] as Entry<T>).gen;
  }

  /** Drops records of moved or cancelled handles from the top. */
  private skipStale(): void {
    while (this.length > 0 && !this.live(0)) {
      this.stale--;
      this.removeTop();
    }
  }

  private arm(): void {
    this.skipStale();
    const top = this.length > 0 ? (this.at[0] as number) : Number.POSITIVE_INFINITY;
    if (top === this.armedAt && this.timer) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.armedAt = Number.POSITIVE_INFINITY;
    if (this.length === 0 || this.closed) return;
    this.armedAt = top;
    this.timer = setTimeout(() => this.run(), Math.max(0, top - this.now()));
  }

  private run(): void {
    this.timer = null;
    this.armedAt = Number.POSITIVE_INFINITY;
    // setTimeout works in whole milliseconds: take everything due within the next one, and
    // what its slack lets go early.
    const limit = this.now() + 1;
    while (this.length > 0 && !this.closed) {
      if (!this.live(0)) {
        this.stale--;
        this.removeTop();
        continue;
      }
      if ((this.early[0] as number) > limit) break;
      const e = this.entries[0] as Entry<T>;
      const plannedAt = this.at[0] as number;
      this.removeTop();
      e.queued = false;
      this.fire(e.item, plannedAt);
    }
    if (!this.closed) this.arm();
  }

  private before(i: number, j: number): boolean {
    const a = this.at[i] as number;
    const b = this.at[j] as number;
    return a < b || (a === b && (this.order[i] as number) < (this.order[j] as number));
  }

  private move(from: number, to: number): void {
    this.at[to] = this.at[from] as number;
    this.early[to] = this.early[from] as number;
    this.order[to] = this.order[from] as number;
    this.gens[to] = this.gens[from] as number;
    this.entries[to] = this.entries[from] as Entry<T>;
  }

  private push(e: Entry<T>, at: number, early: number): void {
    if (this.length === this.at.length) this.grow();
    let i = this.length++;
    const order = this.seq++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pa = this.at[parent] as number;
      if (pa < at || (pa === at && (this.order[parent] as number) < order)) break;
      this.move(parent, i);
      i = parent;
    }
    this.at[i] = at;
    this.early[i] = early;
    this.order[i] = order;
    this.gens[i] = e.gen;
    this.entries[i] = e;
  }

  private removeTop(): void {
    // Records past the end keep their handle referenced until overwritten: handles belong to
    // backends, which hold them anyway, and shrinking the array on every pop costs more.
    const n = --this.length;
    if (n === 0) return;
    // Sift the last record down from the root, using slot n as its scratch copy.
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && this.before(r, l) ? r : l;
      if (!this.before(child, n)) break;
      this.move(child, i);
      i = child;
    }
    this.move(n, i);
  }

  private grow(): void {
    const size = this.at.length * 2;
    const grown = <A extends Float64Array | Int32Array>(a: A, make: (n: number) => A): A => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.at = grown(this.at, (n) => new Float64Array(n));
    this.early = grown(this.early, (n) => new Float64Array(n));
    this.order = grown(this.order, (n) => new Float64Array(n));
    this.gens = grown(this.gens, (n) => new Int32Array(n));
  }

  /** Rebuilds the heap from its live records when stale ones dominate. */
  private compact(): void {
    let n = 0;
    for (let i = 0; i < this.length; i++) {
      if (this.live(i)) {
        if (i !== n) this.move(i, n);
        n++;
      }
    }
    this.length = n;
    this.entries.length = n;
    this.stale = 0;
    for (let i = (n >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private siftDown(i: number): void {
    const n = this.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const r = l + 1;
      const child = r < n && this.before(r, l) ? r : l;
      if (!this.before(child, i)) return;
      this.swap(i, child);
      i = child;
    }
  }

  private swap(i: number, j: number): void {
    const at = this.at[i] as number;
    const early = this.early[i] as number;
    const order = this.order[i] as number;
    const gen = this.gens[i] as number;
    const entry = this.entries[i] as Entry<T>;
    this.move(j, i);
    this.at[j] = at;
    this.early[j] = early;
    this.order[j] = order;
    this.gens[j] = gen;
    this.entries[j] = entry;
  }
}
