/**
 * One timer for all backends: a min-heap of due times drained by a single setTimeout. Ten
 * thousand backends cost ten thousand heap entries, not ten thousand armed timers, and all
 * probes due in the same millisecond start in one event-loop turn. Each entry knows its place
 * in the heap, so a cancel removes it at once, and a handle can be scheduled again: a backend
 * reuses one entry for its whole life instead of allocating one per probe.
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

interface Entry<T> extends TimerHandle {
  at: number;
  /** The earliest it may fire: `at` less the slack. */
  early: number;
  seq: number;
  item: T;
  /** Position in the heap; -1 when not in it. */
  index: number;
  cancelled: boolean;
  /** The queue the entry belongs to: a handle is only ever reused by its own queue. */
  readonly queue: TimerQueue<T>;
}

function before<T>(a: Entry<T>, b: Entry<T>): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

export class TimerQueue<T> {
  private heap: Entry<T>[] = [];
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

  get size(): number {
    return this.heap.length;
  }

  /**
   * Calls fire(item) at monotonic time `at` (or as soon as possible when that has passed).
   * Passing the handle of an earlier schedule of this queue reuses it: a waiting one moves to
   * the new time, a fired or cancelled one waits again, now for `item` at `at`.
   */
  schedule(item: T, at: number, reuse?: TimerHandle | null): TimerHandle {
    const e = reuse as Entry<T> | null | undefined;
    const early = at - Math.min(MAX_SLACK_MS, Math.max(0, (at - this.now()) * SLACK_FRACTION));
    if (e?.queue === this && e.index >= 0) {
      const earlier = at < e.at;
      e.at = at;
      e.early = early;
      e.seq = this.seq++;
      e.item = item;
      if (earlier) this.up(e.index);
      else this.down(e.index);
      if (e.index === 0 || at < this.armedAt) this.arm();
      return e;
    }
    const entry: Entry<T> =
      e?.queue === this ? e : { at, early, seq: 0, item, index: -1, cancelled: true, queue: this };
    entry.at = at;
    entry.early = early;
    entry.seq = this.seq++;
    entry.item = item;
    if (this.closed) return entry;
    entry.cancelled = false;
    entry.index = this.heap.length;
    this.heap.push(entry);
    this.up(entry.index);
    if (at < this.armedAt) this.arm();
    return entry;
  }

  cancel(handle: TimerHandle): void {
    const e = handle as Entry<T>;
    if (e.queue !== this || e.index < 0) return;
    this.remove(e.index);
    e.cancelled = true;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.armedAt = Number.POSITIVE_INFINITY;
    for (const e of this.heap) {
      e.cancelled = true;
      e.index = -1;
    }
    this.heap = [];
  }

  private arm(): void {
    const top = this.heap[0];
    if (top && top.at === this.armedAt && this.timer) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.armedAt = Number.POSITIVE_INFINITY;
    if (!top || this.closed) return;
    this.armedAt = top.at;
    this.timer = setTimeout(() => this.run(), Math.max(0, top.at - this.now()));
  }

  private run(): void {
    this.timer = null;
    this.armedAt = Number.POSITIVE_INFINITY;
    // setTimeout works in whole milliseconds: take everything due within the next one, and
    // what its slack lets go early.
    const limit = this.now() + 1;
    for (;;) {
      const top = this.heap[0];
      if (!top || top.early > limit || this.closed) break;
      this.remove(0);
      top.cancelled = true;
      this.fire(top.item, top.at);
    }
    if (!this.closed) this.arm();
  }

  private place(i: number, e: Entry<T>): void {
    this.heap[i] = e;
    e.index = i;
  }

  private up(i: number): void {
    const h = this.heap;
    const e = h[i] as Entry<T>;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent] as Entry<T>;
      if (!before(e, p)) break;
      this.place(i, p);
      i = parent;
    }
    this.place(i, e);
  }

  private down(i: number): void {
    const h = this.heap;
    const n = h.length;
    const e = h[i] as Entry<T>;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && before(h[r] as Entry<T>, h[l] as Entry<T>) ? r : l;
      const c = h[child] as Entry<T>;
      if (!before(c, e)) break;
      this.place(i, c);
      i = child;
    }
    this.place(i, e);
  }

  private remove(i: number): void {
    const h = this.heap;
    const gone = h[i] as Entry<T>;
    const last = h.pop() as Entry<T>;
    gone.index = -1;
    if (last === gone) return;
    this.place(i, last);
    if (i > 0 && before(last, h[(i - 1) >> 1] as Entry<T>)) this.up(i);
    else this.down(i);
  }
}
