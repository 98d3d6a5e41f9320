import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProbeAbortedError, type ProbeOptions, VipProbe } from '../../../lib/tui/probe.js';
import type { VipTarget } from '../../../lib/tui/targets.js';
import { makeTlsFixtures, type TlsFixtures } from '../health/tls-fixtures.js';

/** VipProbe against real HTTP, HTTPS and TCP servers on loopback addresses. */

interface Seen {
  url: string;
  host: string | undefined;
  userAgent: string | undefined;
  connection: string | undefined;
  remotePort: number | undefined;
  servername: string | false | null | undefined;
}

const HTTP_ADDR = '127.0.0.21';
const TCP_ADDR = '127.0.0.22';
const TLS_ADDR = '127.0.0.23';
const seen: Seen[] = [];
const closers: (() => Promise<void>)[] = [];
let httpPort = 0;
let tcpPort = 0;
let tlsPort = 0;
let closedPort = 0;
let tls: TlsFixtures;

function handle(req: IncomingMessage, res: ServerResponse): void {
  seen.push({
    url: req.url ?? '',
    host: req.headers.host,
    userAgent: req.headers['user-agent'],
    connection: req.headers.connection,
    remotePort: req.socket.remotePort,
    servername: (req.socket as TLSSocket).servername,
  });
  switch (req.url) {
    case '/':
      res.setHeader('X-IPng-Frontend', 'alpha');
      res.end('alpha\n');
      return;
    case '/fail':
      res.setHeader('X-IPng-Frontend', 'beta');
      res.writeHead(503).end('down\n');
      return;
    case '/missing':
      res.writeHead(404).end('no\n');
      return;
    case '/bare':
      res.end('no header\n');
      return;
    case '/two':
      res.setHeader('X-IPng-Frontend', ['a', 'b']);
      res.end();
      return;
    case '/slow-body':
      res.setHeader('X-IPng-Frontend', 'gamma');
      res.write('part');
      return; // never ends
    default:
      return; // "/slow": never answers
  }
}

function listen(server: Server | TcpServer, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      closers.push(
        () =>
          new Promise<void>((r) => {
            if ('closeAllConnections' in server) server.closeAllConnections();
            server.close(() => r());
          }),
      );
      resolve((server.address() as AddressInfo).port);
    });
  });
}

beforeAll(async () => {
  tls = makeTlsFixtures();
  httpPort = await listen(createHttpServer(handle), HTTP_ADDR);
  tlsPort = await listen(createHttpsServer({ key: tls.self.key, cert: tls.self.cert }, handle), TLS_ADDR);
  const sockets = new Set<import('node:net').Socket>();
  const tcp = createTcpServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  tcpPort = await listen(tcp, TCP_ADDR);
  closers.push(async () => {
    for (const s of sockets) s.destroy();
  });
  const gone = createTcpServer();
  closedPort = await listen(gone, TCP_ADDR);
  await new Promise<void>((r) => gone.close(() => r()));
});

afterAll(async () => {
  for (const c of closers.reverse()) await c();
  tls.cleanup();
});

const base: ProbeOptions = {
  timeoutMs: 5000,
  host: '',
  uri: '/',
  header: 'X-IPng-Frontend',
  insecure: false,
  keepalive: false,
};

function vip(kind: VipTarget['kind'], address: string, port: number): VipTarget {
  return {
    name: 'vip',
    frontend: 'vip',
    file: 't.yaml',
    address,
    protocol: 'tcp',
    port,
    kind,
    reason: 'test',
  };
}

async function probeWith(opts: Partial<ProbeOptions>, target: VipTarget, signal?: AbortSignal) {
  const p = new VipProbe({ ...base, ...opts });
  try {
    return await p.probe(target, signal);
  } finally {
    p.close();
  }
}

describe('VipProbe over HTTP', () => {
  it('GETs the URI on a new connection and reads the tallied header', async () => {
    seen.length = 0;
    const o = await probeWith({}, vip('http', HTTP_ADDR, httpPort));
    expect(o).toMatchObject({ kind: 'ok', status: 200, header: 'alpha' });
    expect(o.latencyMs).toBeGreaterThanOrEqual(0);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      url: '/',
      host: `${HTTP_ADDR}:${httpPort}`,
      connection: 'close',
      userAgent: expect.stringMatching(/^maglevt\//),
    });
  });

  it.each<[string, Partial<ProbeOptions>, object]>([
    [
      'a 5xx is an HTTP error that still names its backend',
      { uri: '/fail' },
      { kind: 'http-error', status: 503, header: 'beta' },
    ],
    ['a 4xx is an answer', { uri: '/missing' }, { kind: 'ok', status: 404, header: null }],
    ['a missing header is null', { uri: '/bare' }, { kind: 'ok', status: 200, header: null }],
    ['the header name is not case-sensitive', { header: 'x-ipng-FRONTEND' }, { kind: 'ok', header: 'alpha' }],
    ['a repeated header is joined', { uri: '/two' }, { kind: 'ok', header: 'a, b' }],
    [
      'headers that came count even when the body never ends',
      { uri: '/slow-body', timeoutMs: 300 },
      { kind: 'ok', status: 200, header: 'gamma' },
    ],
    [
      'no answer within the timeout is a timeout',
      { uri: '/slow', timeoutMs: 300 },
      { kind: 'timeout', timeoutMs: 300 },
    ],
  ])('%s', async (_what, opts, want) => {
    expect(await probeWith(opts, vip('http', HTTP_ADDR, httpPort))).toMatchObject(want);
  });

  it('sends the Host header it is given', async () => {
    seen.length = 0;
    await probeWith({ host: 'www.example.com' }, vip('http', HTTP_ADDR, httpPort));
    expect(seen[0]?.host).toBe('www.example.com');
  });

  it('a refused connection is a network error', async () => {
    expect(await probeWith({}, vip('http', TCP_ADDR, closedPort))).toMatchObject({
      kind: 'net-error',
      code: 'ECONNREFUSED',
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('opens a new connection for every probe, or reuses one with keepalive', async () => {
    for (const keepalive of [false, true]) {
      seen.length = 0;
      const p = new VipProbe({ ...base, keepalive });
      for (let i = 0; i < 3; i++) expect((await p.probe(vip('http', HTTP_ADDR, httpPort))).kind).toBe('ok');
      p.close();
      expect(new Set(seen.map((s) => s.remotePort)).size).toBe(keepalive ? 1 : 3);
      expect(seen.every((s) => s.connection === (keepalive ? 'keep-alive' : 'close'))).toBe(true);
    }
  });

  it('an abort ends the probe with ProbeAbortedError', async () => {
    const ac = new AbortController();
    const p = probeWith({ uri: '/slow' }, vip('http', HTTP_ADDR, httpPort), ac.signal);
    setTimeout(() => ac.abort(), 20);
    await expect(p).rejects.toBeInstanceOf(ProbeAbortedError);
    const pre = new AbortController();
    pre.abort();
    await expect(probeWith({}, vip('tcp', TCP_ADDR, tcpPort), pre.signal)).rejects.toBeInstanceOf(
      ProbeAbortedError,
    );
  });

  it('refuses a VIP that is not probed', async () => {
    await expect(probeWith({}, vip(null, HTTP_ADDR, 53))).rejects.toThrow(/is not probed/);
  });
});

describe('VipProbe over IPv6', () => {
  it('probes an IPv6 VIP, with the address in brackets in the Host header', async () => {
    const server = createHttpServer(handle);
    const port = await listen(server, '::1');
    seen.length = 0;
    expect(await probeWith({}, vip('http', '::1', port))).toMatchObject({ kind: 'ok', header: 'alpha' });
    expect(seen[0]?.host).toBe(`[::1]:${port}`);
    expect(await probeWith({}, vip('tcp', '::1', port))).toMatchObject({ kind: 'ok', status: null });
  });
});

describe('VipProbe over HTTPS', () => {
  it('verifies the certificate unless --insecure', async () => {
    const target = vip('https', TLS_ADDR, tlsPort);
    expect(await probeWith({}, target)).toMatchObject({
      kind: 'net-error',
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
    expect(await probeWith({ insecure: true }, target)).toMatchObject({
      kind: 'ok',
      status: 200,
      header: 'alpha',
    });
  });

  it('sends the Host name as TLS server name, never an address', async () => {
    seen.length = 0;
    await probeWith({ insecure: true, host: 'self.test:443' }, vip('https', TLS_ADDR, tlsPort));
    await probeWith({ insecure: true }, vip('https', TLS_ADDR, tlsPort));
    expect(seen.map((s) => [s.host, s.servername])).toEqual([
      ['self.test:443', 'self.test'],
      [`${TLS_ADDR}:${tlsPort}`, false],
    ]);
  });
});

describe('VipProbe over TCP', () => {
  it('a connect that opens is an answer without status or header', async () => {
    expect(await probeWith({}, vip('tcp', TCP_ADDR, tcpPort))).toMatchObject({
      kind: 'ok',
      status: null,
      header: null,
    });
  });

  it('a refused connect is a network error', async () => {
    expect(await probeWith({}, vip('tcp', TCP_ADDR, closedPort))).toMatchObject({
      kind: 'net-error',
      code: 'ECONNREFUSED',
    });
  });
});
