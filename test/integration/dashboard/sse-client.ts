import { request } from 'node:http';

/** One frame of an event stream as a browser's EventSource would see it (comments too). */
export interface SseFrame {
  readonly id: string | null;
  readonly event: string | null;
  readonly data: string | null;
  readonly retry: number | null;
  readonly comment: string | null;
}

/**
 * A minimal EventSource for tests: one HTTP request, frames parsed as they arrive and kept,
 * `next()` waits for the next frame that matches.
 */
export class SseClient {
  readonly frames: SseFrame[] = [];
  readonly status: Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>;
  #cursor = 0;
  #waiters: (() => void)[] = [];
  #buffer = '';
  #closed = false;
  readonly #req: ReturnType<typeof request>;

  constructor(url: string, headers: Record<string, string> = {}) {
    let resolveStatus!: (v: {
      status: number;
      headers: Record<string, string | string[] | undefined>;
    }) => void;
    let rejectStatus!: (e: Error) => void;
    this.status = new Promise((res, rej) => {
      resolveStatus = res;
      rejectStatus = rej;
    });
    this.#req = request(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
      resolveStatus({ status: res.statusCode ?? 0, headers: res.headers });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => this.#feed(chunk));
      res.on('end', () => this.#end());
      res.on('error', () => this.#end());
    });
    this.#req.on('error', (e) => {
      rejectStatus(e);
      this.#end();
    });
    this.#req.end();
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Frames with an event name, parsed data, from the start. */
  events(type?: string): { id: string; event: string; data: unknown }[] {
    return this.frames
      .filter((f) => f.event !== null && (type === undefined || f.event === type))
      .map((f) => ({ id: f.id ?? '', event: f.event ?? '', data: JSON.parse(f.data ?? 'null') }));
  }

  /** Waits for the next frame after the last one returned that matches. */
  async next(match: (f: SseFrame) => boolean = () => true, timeoutMs = 20_000): Promise<SseFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.#cursor < this.frames.length) {
        const f = this.frames[this.#cursor++] as SseFrame;
        if (match(f)) return f;
      }
      if (this.#closed) throw new Error('event stream closed');
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Waits for the next named event, parsed. */
  async nextEvent<T = Record<string, unknown>>(
    type: string,
    match: (data: T) => boolean = () => true,
    timeoutMs?: number,
  ): Promise<{ id: string; data: T }> {
    const f = await this.next((f) => f.event === type && match(JSON.parse(f.data ?? 'null') as T), timeoutMs);
    return { id: f.id ?? '', data: JSON.parse(f.data ?? 'null') as T };
  }

  close(): void {
    this.#req.destroy();
    this.#end();
  }

  #feed(chunk: string): void {
    this.#buffer += chunk;
    for (;;) {
      const end = this.#buffer.indexOf('\n\n');
      if (end < 0) break;
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      let id: string | null = null;
      let event: string | null = null;
      let retry: number | null = null;
      let comment: string | null = null;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) comment = line.slice(1).trim();
        else if (line.startsWith('id: ')) id = line.slice(4);
        else if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
        else if (line.startsWith('retry: ')) retry = Number(line.slice(7));
      }
      this.frames.push({ id, event, data: data.length > 0 ? data.join('\n') : null, retry, comment });
    }
    this.#wake();
  }

  #end(): void {
    this.#closed = true;
    this.#wake();
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }
}
