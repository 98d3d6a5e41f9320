/** Real servers on loopback addresses for probe tests. */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import type { TLSSocket } from 'node:tls';

export interface Seen {
  host?: string;
  userAgent?: string;
  method?: string;
  remoteAddress?: string;
  servername?: string | false | null;
}

export type Listening = { readonly port: number; close(): Promise<void> };

export function handler(seen: Seen[]) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    seen.push({
      host: req.headers.host,
      userAgent: req.headers['user-agent'],
      method: req.method,
      remoteAddress: req.socket.remoteAddress,
      servername: (req.socket as TLSSocket).servername,
    });
    const url = req.url ?? '/';
    if (url === '/ok') res.end('all good');
    else if (url === '/fail') {
      res.statusCode = 503;
      res.end('unavailable');
    } else if (url === '/redirect') {
      res.statusCode = 302;
      res.setHeader('location', '/ok');
      res.end();
    } else if (url === '/slow') {
      // Never answers; the probe must give up on its own.
    } else if (url === '/big-late') {
      res.write('x'.repeat(200 * 1024));
      res.end('MARKER');
    } else if (url === '/big-early') {
      res.write('MARKER');
      res.end('x'.repeat(200 * 1024));
    } else {
      res.statusCode = 404;
      res.end('not found');
    }
  };
}

function listen(server: Server | TcpServer, host: string, port = 0): Promise<Listening> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        port,
        close: () =>
          new Promise<void>((res) => {
            if ('closeAllConnections' in server) server.closeAllConnections();
            server.close(() => res());
          }),
      });
    });
  });
}

export function httpServer(host: string, seen: Seen[]): Promise<Listening> {
  return listen(createHttpServer(handler(seen)), host);
}

export function httpsServer(
  host: string,
  seen: Seen[],
  tls: { key: Buffer; cert: Buffer },
): Promise<Listening> {
  return listen(createHttpsServer({ key: tls.key, cert: tls.cert }, handler(seen)), host);
}

export function tcpServer(host: string, accepted: string[] = []): Promise<Listening> {
  const sockets = new Set<import('node:net').Socket>();
  const server = createTcpServer((s) => {
    accepted.push(s.remoteAddress ?? '');
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  return listen(server, host).then((l) => ({
    port: l.port,
    close: () => {
      for (const s of sockets) s.destroy();
      return l.close();
    },
  }));
}

/** A port on `host` that nothing listens on (bound once, then released). */
export async function closedPort(host: string): Promise<number> {
  const l = await listen(createTcpServer(), host);
  await l.close();
  return l.port;
}
