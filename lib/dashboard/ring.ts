/**
 * The replay ring behind the SSE stream: the newest events, bounded by count and by age, each
 * with an id `<epoch>-<seq>`. A browser that reconnects with `Last-Event-ID` gets what it
 * missed, or is told to resync when that is no longer possible: the ring dropped events it
 * needs, or the id comes from another epoch (a restarted server). Pure: time is a parameter.
 */

/**
 * One event in the replay ring, with its sequence number, id and arrival time.
 *
 * @internal
 */
export interface RingEntry<T> {
  readonly seq: number;
  readonly id: string;
  readonly at: number;
  readonly item: T;
}

/**
 * The ring's epoch and bounds.
 *
 * @internal
 */
export interface ReplayRingOptions {
  /** Identifies this server's lifetime; ids from any other epoch mean resync. */
  readonly epoch: string;
  /** Default 2000. */
  readonly maxEvents?: number;
  /** Default 30 s. */
  readonly maxAgeMs?: number;
}

/**
 * What a reconnecting client gets: the events after its id, or a resync.
 *
 * @internal
 */
export type ReplayResult<T> =
  | { readonly kind: 'replay'; readonly entries: readonly RingEntry<T>[] }
  | { readonly kind: 'resync'; readonly reason: string };

/**
 * Splits `<epoch>-<seq>`; null when malformed. The epoch itself may contain dashes.
 *
 * @internal
 */
export function parseEventId(id: string): { epoch: string; seq: number } | null {
  const dash = id.lastIndexOf('-');
  if (dash <= 0) return null;
  const seqText = id.slice(dash + 1);
  if (!/^\d{1,15}$/.test(seqText)) return null;
  return { epoch: id.slice(0, dash), seq: Number(seqText) };
}

/**
 * The bounded, pure replay ring the SSE broker keeps (see this module's comment).
 *
 * @internal
 */
export class ReplayRing<T> {
  readonly epoch: string;
  readonly #maxEvents: number;
  readonly #maxAgeMs: number;
  // A simple array is fine at 2000 entries: shift() on a small array is cheap next to a write.
  readonly #entries: RingEntry<T>[] = [];
  #seq = 0;

  constructor(opts: ReplayRingOptions) {
    if (opts.epoch === '' || opts.epoch.includes('\n')) throw new Error('ReplayRing: bad epoch');
    this.epoch = opts.epoch;
    this.#maxEvents = opts.maxEvents ?? 2000;
    this.#maxAgeMs = opts.maxAgeMs ?? 30_000;
    if (this.#maxEvents < 1) throw new Error('ReplayRing: maxEvents must be at least 1');
  }

  /** The sequence number of the newest event (0 before the first). */
  get seq(): number {
    return this.#seq;
  }

  /** The id of the newest event: a client holding it has missed nothing. */
  get lastId(): string {
    return `${this.epoch}-${this.#seq}`;
  }

  get size(): number {
    return this.#entries.length;
  }

  push(item: T, now: number): RingEntry<T> {
    this.#seq++;
    const entry = { seq: this.#seq, id: `${this.epoch}-${this.#seq}`, at: now, item };
    this.#entries.push(entry);
    if (this.#entries.length > this.#maxEvents) this.#entries.shift();
    this.prune(now);
    return entry;
  }

  /** Drops events older than the age limit. */
  prune(now: number): void {
    const oldest = now - this.#maxAgeMs;
    while (this.#entries.length > 0 && (this.#entries[0] as RingEntry<T>).at < oldest) this.#entries.shift();
  }

  /** The events after `lastEventId`, or why the client must resync instead. */
  since(lastEventId: string, now: number): ReplayResult<T> {
    this.prune(now);
    const parsed = parseEventId(lastEventId);
    if (!parsed) return { kind: 'resync', reason: 'malformed event id' };
    if (parsed.epoch !== this.epoch) return { kind: 'resync', reason: 'server restarted' };
    if (parsed.seq > this.#seq) return { kind: 'resync', reason: 'event id from the future' };
    // The first sequence number still held; with nothing held, the next one to come.
    const first = this.#entries.length > 0 ? (this.#entries[0] as RingEntry<T>).seq : this.#seq + 1;
    if (parsed.seq + 1 < first) return { kind: 'resync', reason: 'missed events were dropped' };
    return { kind: 'replay', entries: this.#entries.filter((e) => e.seq > parsed.seq) };
  }
}
