import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A small HTTP backend for demos and tests: answers the health path with 200 "ok" while
 * healthy and 503 while not, every other path with its own name, and names itself in a
 * response header (maglevt tallies it). It can be stopped and started again on the same
 * address to simulate a crash.
 *
 * @internal
 */
export class DemoBackendServer {
  /** The name it answers with, in the body and the name header. */
  readonly name: string;
  /** The IP address it listens on, such as "127.0.0.2". */
  readonly address: string;
  #port: number;
  #healthy = true;
  #server: Server | null = null;
  readonly #sockets = new Set<Socket>();
  readonly #header: string;
  readonly #healthPath: string;

  /**
   * Sets the server up without listening.
   *
   * @param opts - `port` defaults to 0 (a free port); `header`, the response header carrying the
   *   name, to X-IPng-Frontend; `healthPath` to /healthz.
   */
  constructor(opts: { name: string; address: string; port?: number; header?: string; healthPath?: string }) {
    this.name = opts.name;
    this.address = opts.address;
    this.#port = opts.port ?? 0;
    this.#header = opts.header ?? 'X-IPng-Frontend';
    this.#healthPath = opts.healthPath ?? '/healthz';
  }

  /** The port: the bound one once started (kept across stop and start), else the one asked for. */
  get port(): number {
    return this.#port;
  }

  /** Whether it is listening now. */
  get listening(): boolean {
    return this.#server !== null;
  }

  /** Whether the health path answers 200. */
  get healthy(): boolean {
    return this.#healthy;
  }

  /** Whether the health path answers 200 (true) or 503 (false). */
  setHealthy(healthy: boolean): void {
    this.#healthy = healthy;
  }

  /**
   * Listens (again, on the same port after a stop); resolves to the port. Does nothing when
   * already listening.
   *
   * @throws Error from listen, such as EADDRINUSE or EADDRNOTAVAIL.
   */
  async start(): Promise<number> {
    if (this.#server) return this.#port;
    const server = createServer((req, res) => {
      res.setHeader(this.#header, this.name);
      res.setHeader('connection', 'close');
      const path = (req.url ?? '/').split('?')[0];
      if (path === this.#healthPath) {
        res
          .writeHead(this.#healthy ? 200 : 503, { 'content-type': 'text/plain' })
          .end(this.#healthy ? 'ok\n' : 'unhealthy\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`${this.name}\n`);
    });
    server.on('connection', (s) => {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, this.address, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
    return this.#port;
  }

  /** Stops listening and drops open connections, as a crashed backend would. */
  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = null;
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
