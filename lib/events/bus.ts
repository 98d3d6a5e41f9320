import type { MaglevEvent } from './types.js';

/**
 * A subscriber of the {@link EventBus}. Called synchronously for each event; one that throws is
 * unsubscribed.
 *
 * @public
 */
export type EventListener = (event: MaglevEvent) => void;

/**
 * The daemon's event bus: log records, backend transitions and frontend transitions fan out to
 * every subscriber (gRPC WatchEvents streams, metrics, the log writer). Delivery is synchronous
 * and in order; a subscriber that throws is removed so one bad consumer cannot stall the rest.
 *
 * @public
 */
export class EventBus {
  /** Listener → whether it wants log events. */
  readonly #listeners = new Map<EventListener, boolean>();
  #logSubscribers = 0;

  /**
   * Subscribes `listener`; subscribing it again replaces its options.
   *
   * @param opts - `wantsLogs: false` skips log events (default true: every event).
   * @returns The function that unsubscribes; calling it more than once is harmless.
   */
  subscribe(listener: EventListener, opts: { wantsLogs?: boolean } = {}): () => void {
    const wantsLogs = opts.wantsLogs ?? true;
    this.#remove(listener);
    this.#listeners.set(listener, wantsLogs);
    if (wantsLogs) this.#logSubscribers++;
    return () => this.#remove(listener);
  }

  /** True when some subscriber wants log events: lets debug logging stay free when nobody listens. */
  get hasLogSubscribers(): boolean {
    return this.#logSubscribers > 0;
  }

  /** The number of subscribers. */
  get size(): number {
    return this.#listeners.size;
  }

  /**
   * Delivers `event` to every subscriber, in subscription order, before returning. Never
   * throws: a subscriber that throws is removed.
   */
  publish(event: MaglevEvent): void {
    for (const [l, wantsLogs] of this.#listeners) {
      if (event.kind === 'log' && !wantsLogs) continue;
      try {
        l(event);
      } catch {
        this.#remove(l);
      }
    }
  }

  #remove(listener: EventListener): void {
    const wantsLogs = this.#listeners.get(listener);
    if (wantsLogs === undefined) return;
    this.#listeners.delete(listener);
    if (wantsLogs) this.#logSubscribers--;
  }
}
