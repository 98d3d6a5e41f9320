/**
 * A TLS front for a plaintext gRPC server on loopback: accepts TLS (ALPN h2, optionally
 * requiring a client certificate from a CA) and pipes the decrypted bytes to the plaintext
 * server. gRPC over TLS is the same HTTP/2 framing inside TLS, so a client sees exactly what a
 * TLS maglevd shows it: the handshake (certificate chain, names, client certificates) is real.
 * The server side of maglevd's TLS is tested on its own; this lets the clients be tested
 * against the fakes.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket, type Server as TlsServer } from 'node:tls';

export interface TlsProxyOptions {
  /** Plaintext gRPC server to forward to, "127.0.0.1:port". */
  readonly target: string;
  readonly cert: Buffer;
  readonly key: Buffer;
  /** When set, clients must present a certificate signed by this CA (mutual TLS). */
  readonly clientCa?: Buffer;
  /** Where to listen; default 127.0.0.1 on an ephemeral port. */
  readonly host?: string;
}

export interface TlsProxy {
  /** "127.0.0.1:port" */
  readonly address: string;
  readonly port: number;
  /** Common names of the client certificates of the connections accepted so far. */
  readonly clientNames: string[];
  close(): Promise<void>;
}

export async function startTlsProxy(opts: TlsProxyOptions): Promise<TlsProxy> {
  const colon = opts.target.lastIndexOf(':');
  const targetHost = opts.target.slice(0, colon);
  const targetPort = Number(opts.target.slice(colon + 1));
  const sockets = new Set<Socket>();
  const clientNames: string[] = [];
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  const server: TlsServer = createTlsServer(
    {
      cert: opts.cert,
      key: opts.key,
      ALPNProtocols: ['h2'],
      ...(opts.clientCa ? { ca: opts.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
    },
    (tls: TLSSocket) => {
      const cn = tls.getPeerCertificate()?.subject?.CN;
      if (typeof cn === 'string') clientNames.push(cn);
      const up = netConnect(targetPort, targetHost);
      track(up);
      tls.pipe(up).pipe(tls);
      const end = () => {
        tls.destroy();
        up.destroy();
      };
      tls.on('error', end).on('close', end);
      up.on('error', end).on('close', end);
    },
  );
  server.on('connection', track);
  // A refused handshake is the point of some tests, not a failure of the proxy.
  server.on('tlsClientError', () => {});
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as { port: number }).port;
  return {
    address: `${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    clientNames,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
