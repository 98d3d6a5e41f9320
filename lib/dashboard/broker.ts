import type { IncomingMessage, ServerResponse } from 'node:http';
import { ReplayRing, type RingEntry } from './ring.js';
import { formatSseComment, formatSseEvent, formatSseRetry } from './sse.js';
import type { DashboardEvent } from './types.js';

/**
 * The SSE stream's replay ring, heartbeat and limits.
 *
 * @internal
 */
export interface EventBrokerOptions {
  /**
   * Identifies this server's lifetime in event ids; a browser resuming with an id from another
   * epoch is told to resync. The dashboard server picks a random one by default.
   */
  readonly epoch: string;
  /** Replay ring bound, in events; default 2000. */
  readonly maxEvents?: number;
  /** Replay ring bound, in milliseconds of age; default 30 s. */
  readonly maxAgeMs?: number;
  /** `: ping` comment interval; default 15 s. */
  readonly pingIntervalMs?: number;
  /** The `retry:` hint, how long browsers wait before reconnecting; default 3 s. */
  readonly retryMs?: number;
  /** A client that has this much unsent output is dropped (it reconnects and replays); default 4 MiB. */
  readonly maxBufferedBytes?: number;
}

interface Stored {
  readonly type: DashboardEvent['type'];
  readonly json: string;
}

/**
 * The in-process broker between the maglevd connections and the browsers' EventSource
 * streams: numbers every event, keeps the replay ring and writes SSE frames to each client.
 *
 * @internal
 */
export class EventBroker {
  readonly #ring: ReplayRing<Stored>;
  readonly #clients = new Set<ServerResponse>();
  readonly #retryMs: number;
  readonly #maxBuffered: number;
  readonly #ping: ReturnType<typeof setInterval>;

  constructor(opts: EventBrokerOptions) {
    this.#ring = new ReplayRing<Stored>({
      epoch: opts.epoch,
      ...(opts.maxEvents !== undefined && { maxEvents: opts.maxEvents }),
      ...(opts.maxAgeMs !== undefined && { maxAgeMs: opts.maxAgeMs }),
    });
    this.#retryMs = opts.retryMs ?? 3000;
    this.#maxBuffered = opts.maxBufferedBytes ?? 4 * 1024 * 1024;
    this.#ping = setInterval(() => this.#broadcast(formatSseComment('ping')), opts.pingIntervalMs ?? 15_000);
  }

  /** The id of the newest event: a snapshot taken now includes everything up to it. */
  get lastEventId(): string {
    return this.#ring.lastId;
  }

  get clients(): number {
    return this.#clients.size;
  }

  publish(event: DashboardEvent): void {
    const entry = this.#ring.push({ type: event.type, json: JSON.stringify(event) }, Date.now());
    this.#broadcast(frame(entry));
  }

  /**
   * Turns a request into an event stream. `Last-Event-ID` (sent by EventSource when it
   * reconnects) or the `lastEventId` query parameter asks for a replay of what was missed.
   */
  attach(req: IncomingMessage, res: ServerResponse, lastEventId: string | null): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // nginx and friends must not buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    req.socket.setNoDelay(true);
    let out = formatSseRetry(this.#retryMs);
    if (lastEventId !== null) {
      const replay = this.#ring.since(lastEventId, Date.now());
      if (replay.kind === 'replay') for (const e of replay.entries) out += frame(e);
      else out += formatSseEvent(this.#ring.lastId, 'resync', JSON.stringify({ reason: replay.reason }));
    }
    res.write(out);
    this.#clients.add(res);
    const drop = () => this.#clients.delete(res);
    res.on('close', drop);
    req.on('close', drop);
  }

  /** Ends every stream and stops the heartbeat. */
  close(): void {
    clearInterval(this.#ping);
    for (const c of this.#clients) c.end();
    this.#clients.clear();
  }

  #broadcast(text: string): void {
    for (const c of this.#clients) {
      if (c.writableLength > this.#maxBuffered) {
        this.#clients.delete(c);
        c.destroy();
        continue;
      }
      c.write(text);
    }
  }
}

function frame(e: RingEntry<Stored>): string {
  return formatSseEvent(e.id, e.item.type, e.item.json);
}
