import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A stand-in load balancer on a loopback VIP: each new connection goes to the next backend in
 * turn, whether it is alive or not — like Maglev before health checks have caught up, a flow
 * hashed to a dead backend fails (the client's connection is reset).
 */
export class RoundRobinVip {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #next = 0;

  constructor(
    readonly address: string,
    readonly backends: readonly { address: string; port: number }[],
  ) {
    this.#server = createServer((client) => this.#forward(client));
  }

  #track(s: Socket): void {
    this.#sockets.add(s);
    s.on('close', () => this.#sockets.delete(s));
    s.on('error', () => {});
  }

  #forward(client: Socket): void {
    this.#track(client);
    const b = this.backends[this.#next++ % this.backends.length] as { address: string; port: number };
    const upstream = connect({ host: b.address, port: b.port });
    this.#track(upstream);
    upstream.on('error', () => client.resetAndDestroy());
    upstream.on('connect', () => {
      client.pipe(upstream);
      upstream.pipe(client);
    });
    client.on('close', () => upstream.destroy());
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, this.address, () => resolve());
    });
    return (this.#server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
