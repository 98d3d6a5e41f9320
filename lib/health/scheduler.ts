/**
 * One timer for all backends: a min-heap of due times drained by a single setTimeout. Ten
 * thousand backends cost ten thousand heap entries, not ten thousand armed timers, and all
 * probes due in the same millisecond start in one event-loop turn.
 */

export interface TimerHandle {
  readonly at: number;
  cancelled: boolean;
}

interface Entry<T> extends TimerHandle {
  readonly seq: number;
  readonly item: T;
}

function before<T>(a: Entry<T>, b: Entry<T>): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

export class TimerQueue<T> {
  private heap: Entry<T>[] = [];
  private seq = 0;
  private cancelledCount = 0;
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
    return this.heap.length - this.cancelledCount;
  }

  /** Calls fire(item) at monotonic time `at` (or as soon as possible when that has passed). */
  schedule(item: T, at: number): TimerHandle {
    const entry: Entry<T> = { at, seq: this.seq++, item, cancelled: false };
    if (this.closed) {
      entry.cancelled = true;
      return entry;
    }
    this.push(entry);
    if (at < this.armedAt) this.arm();
    return entry;
  }

  cancel(handle: TimerHandle): void {
    if (handle.cancelled) return;
    handle.cancelled = true;
    this.cancelledCount++;
    // Lazy deletion; rebuild when dead entries dominate so that memory stays bounded.
    if (this.cancelledCount > 64 && this.cancelledCount > this.heap.length / 2) this.compact();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.armedAt = Number.POSITIVE_INFINITY;
    for (const e of this.heap) e.cancelled = true;
    this.heap = [];
    this.cancelledCount = 0;
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.armedAt = Number.POSITIVE_INFINITY;
    const top = this.heap[0];
    if (!top || this.closed) return;
    this.armedAt = top.at;
    this.timer = setTimeout(() => this.run(), Math.max(0, top.at - this.now()));
  }

  private run(): void {
    this.timer = null;
    this.armedAt = Number.POSITIVE_INFINITY;
    // setTimeout works in whole milliseconds: take everything due within the next one.
    const limit = this.now() + 1;
    for (;;) {
      const top = this.heap[0];
      if (!top || top.at > limit || this.closed) break;
      this.pop();
      if (top.cancelled) {
        this.cancelledCount--;
        continue;
      }
      top.cancelled = true;
      this.fire(top.item, top.at);
    }
    if (!this.closed) this.arm();
  }

  private push(e: Entry<T>): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent] as Entry<T>;
      if (!before(e, p)) break;
      h[i] = p;
      i = parent;
    }
    h[i] = e;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop() as Entry<T>;
    if (h.length === 0) return;
    let i = 0;
    const n = h.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && before(h[r] as Entry<T>, h[l] as Entry<T>) ? r : l;
      const c = h[child] as Entry<T>;
      if (!before(c, last)) break;
      h[i] = c;
      i = child;
    }
    h[i] = last;
  }

  private compact(): void {
    const live = this.heap.filter((e) => !e.cancelled);
    this.heap = [];
    this.cancelledCount = 0;
    for (const e of live) this.push(e);
    this.arm();
  }
}
