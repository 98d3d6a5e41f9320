/**
 * The native probe engine: what it does that the JS probes do not (TCP checks that never reach
 * the backend's accept queue), raw HTTP answers Node's own servers never send, its request
 * bytes against Node's, cancellation, slot reuse, shutdown and the fallback to JS probes. The
 * behaviour shared with the JS probes is tested for both engines in probes.test.ts.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthCheckConfig } from '../../../lib/config/types.js';
import { NetnsProber } from '../../../lib/health/netns.js';
import { type ProbeTarget, timeoutDetail } from '../../../lib/health/probes/common.js';
import { LocalProber, NativeProbeEngine, probeHttp } from '../../../lib/health/probes/index.js';
import { healthcheck, httpParams } from '../../support/health-config.js';
import { closedPort, tcpServer } from './servers.js';

const HOST = '127.0.0.41';

function target(address: string, hc: HealthCheckConfig): ProbeTarget {
  return { address, family: address.includes(':') ? 6 : 4, healthcheck: hc };
}
const tcp = (port: number, extra: Partial<HealthCheckConfig> = {}) =>
  healthcheck({ name: 't', type: 'tcp', port, timeout: 3000, ...extra });
const http = (
  port: number,
  params: Parameters<typeof httpParams>[0] = {},
  extra: Partial<HealthCheckConfig> = {},
) => healthcheck({ name: 'h', type: 'http', port, timeout: 3000, http: httpParams(params), ...extra });

function openEngine(): NativeProbeEngine {
  const e = NativeProbeEngine.open();
  if (e instanceof Error)
    throw new Error(`the native probe engine must be built for these tests: ${e.message}`);
  return e;
}

async function run(engine: NativeProbeEngine, t: ProbeTarget, signal?: AbortSignal) {
  const p = engine.probe(t, signal);
  if (p === null) throw new Error('the engine refused a target it should take');
  return p;
}

/** A server that answers every connection with `answer` (raw bytes), then closes. */
async function rawServer(
  host: string,
  answer: (request: string, socket: Socket) => void,
): Promise<{ port: number; requests: string[]; server: Server }> {
  const requests: string[] = [];
  const server = createServer((s) => {
    s.on('error', () => {});
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      if (!buf.includes('\r\n\r\n')) return;
      requests.push(buf);
      answer(buf, s);
    });
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  return { port: (server.address() as AddressInfo).port, requests, server };
}

/** Polls `done` until it holds (or 5 s pass): for what has no event to await. */
async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

const engine = openEngine();
afterAll(() => engine.close());

describe('native tcp probe', () => {
  it('passes with L4OK without the backend ever accepting the connection, as HAProxy does', async () => {
    const accepted: string[] = [];
    const srv = await tcpServer(HOST, accepted);
    try {
      const rs = await Promise.all(
        Array.from({ length: 20 }, () => run(engine, target(HOST, tcp(srv.port)))),
      );
      expect(rs.every((r) => r.ok && r.code === 'L4OK' && r.detail === 'connected')).toBe(true);
      expect(rs[0]?.durationMs).toBeGreaterThan(0);
      // A full connection made after the probes is accepted: the listener works, and saw none of them.
      await new Promise<void>((resolve) => {
        const c = connect(srv.port, HOST, () => {
          c.destroy();
          resolve();
        });
      });
      await until(() => accepted.length > 0);
      expect(accepted).toHaveLength(1);
    } finally {
      await srv.close();
    }
  });

  it('fails a closed port with L4CON connect ECONNREFUSED, over IPv4 and IPv6', async () => {
    const p4 = await closedPort(HOST);
    expect(await run(engine, target(HOST, tcp(p4)))).toMatchObject({
      ok: false,
      code: 'L4CON',
      detail: 'connect ECONNREFUSED',
    });
    const p6 = await closedPort('::1');
    expect(await run(engine, target('::1', tcp(p6)))).toMatchObject({ code: 'L4CON' });
  });

  it('binds probe-ipv4-src and probe-ipv6-src', async () => {
    // That the SYN leaves from the source address is proven in a namespace whose backend can
    // answer only that address (see "probes inside network namespaces" below).
    const srv = await tcpServer(HOST);
    const v6 = await tcpServer('::1');
    try {
      expect(await run(engine, target(HOST, tcp(srv.port, { probeIpv4Src: '127.0.0.42' })))).toMatchObject({
        ok: true,
      });
      expect(await run(engine, target('::1', tcp(v6.port, { probeIpv6Src: '::1' })))).toMatchObject({
        ok: true,
      });
    } finally {
      await v6.close();
      await srv.close();
    }
  });

  it('fails a source address the host does not have with L4CON connect EADDRNOTAVAIL', async () => {
    const srv = await tcpServer(HOST);
    try {
      const r = await run(engine, target(HOST, tcp(srv.port, { probeIpv4Src: '192.0.2.77' })));
      expect(r).toMatchObject({ ok: false, code: 'L4CON', detail: 'connect EADDRNOTAVAIL' });
    } finally {
      await srv.close();
    }
  });

  describe('against a listener whose accept queue is full', () => {
    // A process that listens with a backlog of 1 and never accepts: its event loop is blocked.
    // Two completed connections fill the queue; further SYNs are dropped and never answered.
    let child: ChildProcess;
    let port: number;
    const fillers: Socket[] = [];
    beforeAll(async () => {
      const code = `const s = require('node:net').createServer();
        s.listen({ port: 0, host: '${HOST}', backlog: 1 }, () => {
          process.stdout.write(s.address().port + '\\n');
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
        });`;
      child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
      port = await new Promise<number>((resolve) => {
        child.stdout?.setEncoding('utf8').once('data', (d: string) => resolve(Number(d.trim())));
      });
      for (let i = 0; i < 2; i++) {
        fillers.push(
          await new Promise<Socket>((resolve) => {
            const c = connect(port, HOST, () => resolve(c));
            c.on('error', () => {});
          }),
        );
      }
    });
    afterAll(async () => {
      for (const c of fillers) c.destroy();
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    });

    it('times a tcp probe out with L4TOUT', async () => {
      const r = await run(engine, target(HOST, tcp(port, { timeout: 300 })));
      expect(r).toMatchObject({ ok: false, code: 'L4TOUT', detail: 'timeout after 300ms' });
      expect(r.durationMs).toBeGreaterThanOrEqual(299);
    });

    it('times an http probe out in connect with L4TOUT, not L7TOUT', async () => {
      const r = await run(engine, target(HOST, http(port, {}, { timeout: 300 })));
      expect(r).toMatchObject({ ok: false, code: 'L4TOUT' });
    });
  });
});

describe('native http probe', () => {
  it('writes the very request Node http.request writes', async () => {
    const srv = await rawServer(HOST, (_req, s) => s.end('HTTP/1.1 204 No Content\r\n\r\n'));
    try {
      for (const params of [{ path: '/x?y=1' }, { path: '/', host: 'www.example.test', method: 'HEAD' }]) {
        srv.requests.length = 0;
        const hc = http(srv.port, params);
        expect(await probeHttp(target(HOST, hc))).toMatchObject({ ok: true });
        expect(await run(engine, target(HOST, hc))).toMatchObject({ ok: true });
        expect(srv.requests).toHaveLength(2);
        expect(srv.requests[1]).toBe(srv.requests[0]);
      }
    } finally {
      srv.server.close();
    }
  });

  it('sends Host with the port (and brackets for IPv6), without it for port 80', async () => {
    const { httpRequestBytes } = await import('../../../lib/health/probes/index.js');
    const text = (t: ProbeTarget) => {
      const b = httpRequestBytes(t);
      return typeof b === 'string' ? b : b.toString('latin1');
    };
    expect(text(target('::1', http(8080)))).toContain('\r\nHost: [::1]:8080\r\n');
    expect(text(target('10.0.0.1', http(80)))).toContain('\r\nHost: 10.0.0.1\r\n');
    expect(text(target('10.0.0.1', http(80, { path: '/a b' })))).toBe('request ERR_UNESCAPED_CHARACTERS');
  });

  const cases: [string, string, Record<string, unknown>, Parameters<typeof httpParams>[0]?][] = [
    [
      'a chunked body is de-chunked for the regex',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nall \r\n4;x=y\r\ngood\r\n0\r\n\r\n',
      { ok: true, code: 'L7OK', detail: 'status 200' },
      { responseRegex: '^all good$' },
    ],
    [
      'a body ended by the close is read to the end',
      'HTTP/1.0 200 OK\r\n\r\nhere it is: ready',
      { ok: true, code: 'L7OK' },
      { responseRegex: 'ready$' },
    ],
    [
      'an interim 100 Continue is skipped',
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n',
      { ok: false, code: 'L7STS', detail: 'status 503' },
    ],
    [
      'LF-only line ends are accepted',
      'HTTP/1.1 200 OK\nContent-Length: 2\n\nok',
      { ok: true, code: 'L7OK' },
      { responseRegex: '^ok$' },
    ],
    [
      'an answer that is not HTTP',
      'SSH-2.0-OpenSSH_9.2\r\n\r\n',
      { ok: false, code: 'L7RSP', detail: 'response HPE_INVALID_CONSTANT' },
    ],
    [
      'a bad status',
      'HTTP/1.1 2x0 OK\r\n\r\n',
      { ok: false, code: 'L7RSP', detail: 'response HPE_INVALID_STATUS' },
    ],
    [
      'a bad header name',
      'HTTP/1.1 200 OK\r\nBad Header: 1\r\n\r\n',
      { ok: false, code: 'L7RSP', detail: 'response HPE_INVALID_HEADER_TOKEN' },
    ],
    [
      'a bad Content-Length',
      'HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n',
      { ok: false, code: 'L7RSP', detail: 'response HPE_INVALID_CONTENT_LENGTH' },
    ],
    [
      'a bad chunk size',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      { ok: false, code: 'L7RSP', detail: 'body HPE_INVALID_CHUNK_SIZE' },
      { responseRegex: 'x' },
    ],
    ['a close before any answer', '', { ok: false, code: 'L7RSP', detail: 'response ECONNRESET' }],
    [
      'a close before Content-Length bytes came',
      'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc',
      { ok: false, code: 'L7RSP', detail: 'body ECONNRESET' },
      { responseRegex: 'abc' },
    ],
    [
      'a 204 has no body to wait for',
      'HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n',
      { ok: false, code: 'L7RSP', detail: 'body does not match /x/' },
      { responseRegex: 'x' },
    ],
  ];
  it.each(cases)('%s', async (_name, answer, expected, params = {}) => {
    const srv = await rawServer(HOST, (_req, s) => s.end(answer));
    try {
      expect(await run(engine, target(HOST, http(srv.port, params)))).toMatchObject(expected);
    } finally {
      srv.server.close();
    }
  });

  it('does not wait for the body when no regex needs it', async () => {
    // Headers promise a body that never comes: without a regex the status decides at once.
    const srv = await rawServer(HOST, (_req, s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n'));
    try {
      expect(await run(engine, target(HOST, http(srv.port, {}, { timeout: 5000 })))).toMatchObject({
        ok: true,
        code: 'L7OK',
      });
      const r = await run(engine, target(HOST, http(srv.port, { responseRegex: 'x' }, { timeout: 300 })));
      expect(r).toMatchObject({ ok: false, code: 'L7TOUT', detail: 'timeout after 300ms' });
    } finally {
      srv.server.close();
    }
  });

  it('refuses a head over 16 KiB with HPE_HEADER_OVERFLOW', async () => {
    const srv = await rawServer(HOST, (_req, s) =>
      s.end(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
    );
    try {
      expect(await run(engine, target(HOST, http(srv.port)))).toMatchObject({
        code: 'L7RSP',
        detail: 'response HPE_HEADER_OVERFLOW',
      });
    } finally {
      srv.server.close();
    }
  });
});

describe('native engine lifecycle', () => {
  it('cancels the probes of an aborted signal, and a reused slot never gets a stale result', async () => {
    const slow = await rawServer(HOST, () => {});
    const fast = await rawServer(HOST, (_req, s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
    try {
      const ac = new AbortController();
      const hung = Array.from({ length: 5 }, () => run(engine, target(HOST, http(slow.port)), ac.signal));
      ac.abort();
      const cancelled = await Promise.all(hung);
      expect(cancelled.every((r) => r.detail === 'probe cancelled' && !r.ok)).toBe(true);
      // The freed slots are reused at once, by probes of another server.
      const next = await Promise.all(
        Array.from({ length: 5 }, () => run(engine, target(HOST, http(fast.port)))),
      );
      expect(next.every((r) => r.ok && r.code === 'L7OK')).toBe(true);
      // An already aborted signal cancels without probing.
      expect(await run(engine, target(HOST, http(fast.port)), ac.signal)).toMatchObject({
        detail: 'probe cancelled',
      });
    } finally {
      slow.server.close();
      fast.server.close();
    }
  });

  it('a probe cancelled in the turn that started it never connects, and never answers', async () => {
    const srv = await rawServer(HOST, (_req, s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
    try {
      const answers: string[] = [];
      const ticket = engine.start(target(HOST, http(srv.port)), (_c, r) => answers.push(r.detail), null);
      expect(ticket).not.toBeNull();
      engine.cancel(ticket as number);
      // A probe started after it, and awaited: the turn is long over when it answers.
      expect(await run(engine, target(HOST, http(srv.port)))).toMatchObject({ ok: true });
      expect(srv.requests).toHaveLength(1);
      expect(answers).toEqual([]);
    } finally {
      srv.server.close();
    }
  });

  it('runs a thousand probes at once, each with its own result', async () => {
    const open = await tcpServer(HOST);
    const closed = await closedPort('127.0.0.43');
    try {
      const rs = await Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          i % 2 ? run(engine, target(HOST, tcp(open.port))) : run(engine, target('127.0.0.43', tcp(closed))),
        ),
      );
      rs.forEach((r, i) => {
        expect(r.code).toBe(i % 2 ? 'L4OK' : 'L4CON');
      });
    } finally {
      await open.close();
    }
  });

  it('close() ends the probes in flight as cancelled and lets the process exit', async () => {
    const slow = await rawServer(HOST, () => {});
    try {
      const own = openEngine();
      const p = run(own, target(HOST, http(slow.port, {}, { timeout: 60_000 })));
      own.close();
      expect(await p).toMatchObject({ ok: false, detail: 'probe cancelled' });
      expect(await own.probe(target(HOST, http(slow.port)))).toMatchObject({ detail: 'probe cancelled' });
    } finally {
      slow.server.close();
    }
    // A process whose engine ran probes and went idle exits on its own, without close().
    const code = `
      const { NativeProbeEngine } = await import(${JSON.stringify(new URL('../../../lib/health/probes/engine.ts', import.meta.url).href)});
      const e = NativeProbeEngine.open();
      const hc = { name: 't', type: 'tcp', port: 9, timeout: 500, http: null, probeIpv4Src: null, probeIpv6Src: null };
      const r = await e.probe({ address: '127.0.0.44', family: 4, healthcheck: hc });
      process.stdout.write(r.code);`;
    const out = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let stdout = '';
      child.stdout?.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
      });
      child.once('exit', (status) => resolve({ status, stdout }));
    });
    expect(out).toEqual({ status: 0, stdout: 'L4CON' });
  }, 30_000);
});

describe('LocalProber engine choice', () => {
  it('uses the native engine when the addon has one, JS probes when asked or when it is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'maglev-no-addon-'));
    const srv = await tcpServer(HOST);
    const probers = {
      native: new LocalProber(),
      js: new LocalProber({ engine: 'js' }),
      missing: new LocalProber({ packageRoot: empty }),
    };
    try {
      expect(probers.native.engine()).toEqual({ engine: 'native', reason: null });
      expect(probers.js.engine()).toEqual({ engine: 'js', reason: 'JS probes chosen' });
      const missing = probers.missing.engine();
      expect(missing.engine).toBe('js');
      expect(missing.reason).toContain(join(empty, 'build', 'Release', 'vpp_maglev_native.node'));
      for (const p of Object.values(probers)) {
        expect(await p.probe(target(HOST, tcp(srv.port)))).toMatchObject({ ok: true, code: 'L4OK' });
      }
    } finally {
      await Promise.all(Object.values(probers).map((p) => p.close()));
      await srv.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('HealthChecker on the native engine', () => {
  it('says which engine it uses, and a pause cancels the probe in flight: its socket closes, no result comes', async () => {
    const { HealthChecker } = await import('../../../lib/health/checker.js');
    const { backend, makeConfig } = await import('../../support/health-config.js');
    const { waitFor } = await import('./events.js');
    // Accepts, reads the request and never answers: a probe stays in flight until cancelled.
    const closed: string[] = [];
    let accepted = 0;
    const server = createServer((s) => {
      accepted++;
      s.on('error', () => {});
      s.on('close', () => closed.push('closed'));
      s.resume();
    });
    await new Promise<void>((r) => server.listen(0, HOST, r));
    const port = (server.address() as AddressInfo).port;
    const hc = http(port, {}, { timeout: 60_000, interval: 1000, fastInterval: 1000, downInterval: 1000 });
    const checker = new HealthChecker(
      makeConfig({ healthchecks: [hc], backends: [backend({ name: 'b', address: HOST, healthcheck: 'h' })] }),
    );
    try {
      const logs: unknown[] = [];
      checker.on('log', (r) => logs.push(r));
      const done: unknown[] = [];
      checker.on('probe-done', (d) => done.push(d));
      const started = waitFor(checker, 'probe-start', () => true);
      checker.start();
      expect(logs).toContainEqual(
        expect.objectContaining({
          msg: 'healthchecker-start',
          fields: expect.objectContaining({ probeEngine: 'native' }),
        }),
      );
      await started;
      // The backend has the probe's connection (and request) before it is cancelled.
      await until(() => accepted > 0);
      expect(checker.backend('b').probing).toBe(true);
      expect(checker.pause('b')).toMatchObject({ state: 'paused', probing: false });
      await until(() => closed.length > 0);
      expect(closed).toEqual(['closed']);
      // Long enough for a stray result to arrive on a later loop turn.
      await new Promise((r) => setTimeout(r, 50));
      expect(done).toEqual([]);
      expect(checker.backend('b')).toMatchObject({ state: 'paused', lastResult: null });
    } finally {
      await checker.close();
      server.close();
    }
  });
});

const icmp = (extra: Partial<HealthCheckConfig> = {}) =>
  healthcheck({ name: 'i', type: 'icmp', timeout: 3000, ...extra });

describe('native icmp probe', () => {
  it('gets echo replies from 127.0.0.x and ::1, and from its source addresses', async () => {
    for (const t of [
      target('127.0.0.1', icmp()),
      target('127.0.0.45', icmp()),
      target('::1', icmp()),
      target('127.0.0.45', icmp({ probeIpv4Src: '127.0.0.46' })),
      target('::1', icmp({ probeIpv6Src: '::1' })),
    ]) {
      expect(await run(engine, t)).toMatchObject({ ok: true, code: 'L4OK', detail: 'echo reply' });
    }
  });

  it('runs 500 probes at once to as many 127.0.0.0/8 addresses, each matched to its own reply', async () => {
    const addresses = Array.from({ length: 500 }, (_, i) => `127.1.${i >> 7}.${(i & 0x7f) + 1}`);
    const rs = await Promise.all(
      addresses.map((a, i) => run(engine, target(a, icmp(i % 3 ? {} : { timeout: 5000 })))),
    );
    expect(rs.filter((r) => !(r.ok && r.detail === 'echo reply'))).toEqual([]);
  });

  it('fails a source address the host does not have with SOCKERR, naming it', async () => {
    expect(await run(engine, target('127.0.0.1', icmp({ probeIpv4Src: '192.0.2.77' })))).toMatchObject({
      ok: false,
      code: 'SOCKERR',
      detail: 'icmp socket: bind 192.0.2.77: address not available',
    });
  });

  it('a probe cancelled after its request went out takes no reply, and never answers', async () => {
    const answers: string[] = [];
    const ticket = engine.start(target('127.0.0.47', icmp()), (_c, r) => answers.push(r.detail), null);
    expect(ticket).not.toBeNull();
    // The batch is handed to the engine in a microtask; the reply can only be read once the
    // loop polls, after every microtask. So the request is out and its reply not yet read.
    await Promise.resolve();
    await Promise.resolve();
    engine.cancel(ticket as number);
    // Probes after it, awaited: the cancelled one's reply has come and gone meanwhile.
    for (let i = 0; i < 3; i++) {
      expect(await run(engine, target('127.0.0.47', icmp()))).toMatchObject({ ok: true });
    }
    expect(answers).toEqual([]);
    const ac = new AbortController();
    const p = run(engine, target('127.0.0.48', icmp()), ac.signal);
    ac.abort();
    expect(await p).toMatchObject({ ok: false, code: 'L4CON', detail: 'probe cancelled' });
  });

  it('runs in the engine of a LocalProber that uses JS probes for tcp and http', async () => {
    const js = new LocalProber({ engine: 'js' });
    try {
      expect(await js.probe(target('127.0.0.1', icmp()))).toMatchObject({ ok: true, detail: 'echo reply' });
    } finally {
      await js.close();
    }
  });

  it('says that the native addon is missing, with code SOCKERR', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'maglev-no-addon-'));
    const missing = new LocalProber({ packageRoot: empty });
    try {
      const r = await missing.probe(target('127.0.0.1', icmp()));
      expect(r).toMatchObject({ ok: false, code: 'SOCKERR' });
      expect(r.detail).toMatch(/^ICMP probes need the native addon \(.*vpp_maglev_native\.node/);
    } finally {
      await missing.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

/**
 * Two namespaces of our own joined by a veth pair: the prober's (P) has 10.214.X.1 and .77
 * (fd00:214:X::1 and ::77), the target's (T) has 10.214.X.9 (fd00:214:X::9) and a route back
 * to .77 (::77) only, so T answers a probe only when it left from .77: what comes back proves the
 * source address. T also routes 10.217.X.0/24 as unreachable, so that probes to it through T
 * get an ICMP error. A third namespace (S), on a second veth pair, has 10.215.X.2 and
 * fd00:215:X::2 and ignores echo requests: probes to it time out. Probes run in a probe worker
 * inside P, as maglevd runs them with healthchecker.netns.
 */
describe('probes inside network namespaces of our own', () => {
  const X = process.pid % 250;
  const P = `mgli-${process.pid}-p`;
  const T = `mgli-${process.pid}-t`;
  const VP = `mgli${process.pid}p`;
  const VT = `mgli${process.pid}t`;
  const TARGET4 = `10.214.${X}.9`;
  const TARGET6 = `fd00:214:${X}::9`;
  const SRC4 = `10.214.${X}.77`;
  const SRC6 = `fd00:214:${X}::77`;
  const S = `mgli-${process.pid}-s`;
  const VP2 = `mgli${process.pid}q`;
  const VS = `mgli${process.pid}s`;
  const SILENT4 = `10.215.${X}.2`;
  const SILENT6 = `fd00:215:${X}::2`;
  const UNREACHABLE4 = `10.217.${X}.5`;
  let server: ChildProcess | null = null;
  let serverPort = 0;
  let raw: NetnsProber;
  let ping: NetnsProber;

  /** A probe worker in P without CAP_NET_RAW. */
  function unprivileged(): NetnsProber {
    return new NetnsProber({
      netns: P,
      launcher: (path, argv) => ({
        command: 'nsenter',
        args: [`--net=${path}`, '--', 'setpriv', '--bounding-set=-net_raw', '--', ...argv],
      }),
    });
  }
  function ip(...args: string[]): void {
    execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  }
  function sysctl(ns: string, setting: string): void {
    ip('netns', 'exec', ns, 'sysctl', '-qw', setting);
  }

  beforeAll(async () => {
    ip('netns', 'add', P);
    ip('netns', 'add', T);
    ip('-n', P, 'link', 'set', 'lo', 'up');
    ip('-n', T, 'link', 'set', 'lo', 'up');
    ip('-n', P, 'link', 'add', VP, 'type', 'veth', 'peer', 'name', VT, 'netns', T);
    ip('-n', P, 'addr', 'add', `10.214.${X}.1/24`, 'dev', VP);
    ip('-n', P, 'addr', 'add', `${SRC4}/24`, 'dev', VP);
    ip('-n', P, 'addr', 'add', `fd00:214:${X}::1/64`, 'dev', VP, 'nodad');
    // Deprecated, so that the kernel never picks it as the default source; bound, it works.
    ip('-n', P, 'addr', 'add', `${SRC6}/64`, 'dev', VP, 'nodad', 'preferred_lft', '0');
    ip('-n', T, 'addr', 'add', `${TARGET4}/32`, 'dev', VT);
    ip('-n', T, 'addr', 'add', `${TARGET6}/128`, 'dev', VT, 'nodad');
    ip('-n', P, 'link', 'set', VP, 'up');
    ip('-n', T, 'link', 'set', VT, 'up');
    ip('-n', T, 'route', 'add', `${SRC4}/32`, 'dev', VT);
    ip('-n', T, 'route', 'add', `${SRC6}/128`, 'dev', VT);
    ip('-n', T, 'route', 'add', 'unreachable', `10.217.${X}.0/24`);
    sysctl(T, 'net.ipv4.ip_forward=1');
    ip('-n', P, 'route', 'add', `10.217.${X}.0/24`, 'via', TARGET4);
    ip('netns', 'add', S);
    ip('-n', P, 'link', 'add', VP2, 'type', 'veth', 'peer', 'name', VS, 'netns', S);
    ip('-n', P, 'addr', 'add', `10.215.${X}.1/24`, 'dev', VP2);
    ip('-n', P, 'addr', 'add', `fd00:215:${X}::1/64`, 'dev', VP2, 'nodad');
    ip('-n', S, 'addr', 'add', `${SILENT4}/24`, 'dev', VS);
    ip('-n', S, 'addr', 'add', `${SILENT6}/64`, 'dev', VS, 'nodad');
    ip('-n', P, 'link', 'set', VP2, 'up');
    ip('-n', S, 'link', 'set', VS, 'up');
    sysctl(S, 'net.ipv4.icmp_echo_ignore_all=1');
    sysctl(S, 'net.ipv6.icmp.echo_ignore_all=1');
    // Ping sockets for root's group, for the worker that runs without CAP_NET_RAW.
    sysctl(P, 'net.ipv4.ping_group_range=0 0');
    raw = new NetnsProber({ netns: P });
    ping = unprivileged();
    serverPort = await closedPort('127.0.0.1');
    const code = `require('node:net').createServer((s) => s.on('error', () => {}).end())
      .listen(${serverPort}, '::', () => process.stdout.write('ready\\n'));`;
    const srv = spawn('ip', ['netns', 'exec', T, process.execPath, '-e', code], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    server = srv;
    await new Promise<void>((resolve, reject) => {
      srv.once('exit', (c) => reject(new Error(`server in ${T} exited with ${c}`)));
      srv.stdout?.setEncoding('utf8').on('data', (d: string) => {
        if (d.includes('ready')) resolve();
      });
    });
  }, 30_000);

  afterAll(async () => {
    await Promise.all([raw?.close(), ping?.close()]);
    if (server && server.exitCode === null) {
      const gone = new Promise((r) => server?.once('exit', r));
      server.kill('SIGTERM');
      await gone;
    }
    for (const ns of [P, T, S]) {
      try {
        ip('netns', 'del', ns);
      } catch {
        // Not made: beforeAll failed early.
      }
    }
  });

  it('icmp: an echo request from probe-ipv4-src / probe-ipv6-src gets its reply, from the default source none', async () => {
    const short = { timeout: 1000 };
    const [v4, v6, v4default, v6default] = await Promise.all([
      raw.probe(target(TARGET4, icmp({ probeIpv4Src: SRC4 }))),
      raw.probe(target(TARGET6, icmp({ probeIpv6Src: SRC6 }))),
      raw.probe(target(TARGET4, icmp(short))),
      raw.probe(target(TARGET6, icmp(short))),
    ]);
    expect(v4).toMatchObject({ ok: true, code: 'L4OK', detail: 'echo reply' });
    expect(v6).toMatchObject({ ok: true, code: 'L4OK', detail: 'echo reply' });
    expect(v4default).toMatchObject({ ok: false, code: 'L4TOUT', detail: timeoutDetail(1000) });
    expect(v6default).toMatchObject({ ok: false, code: 'L4TOUT', detail: timeoutDetail(1000) });
  });

  it('icmp: an address that never answers times out with L4TOUT, over IPv4 and IPv6', async () => {
    const started = performance.now();
    const rs = await Promise.all([
      raw.probe(target(SILENT4, icmp({ timeout: 700 }))),
      raw.probe(target(SILENT6, icmp({ timeout: 700 }))),
    ]);
    for (const r of rs) expect(r).toMatchObject({ ok: false, code: 'L4TOUT', detail: timeoutDetail(700) });
    expect(rs.every((r) => r.durationMs >= 690)).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(690);
  });

  it('icmp: an ICMP error about the request fails the probe with L4CON, naming its sender', async () => {
    expect(await raw.probe(target(UNREACHABLE4, icmp({ probeIpv4Src: SRC4 })))).toMatchObject({
      ok: false,
      code: 'L4CON',
      detail: `icmp destination unreachable (source=${TARGET4})`,
    });
  });

  it('icmp: 400 probes at once, answering and silent addresses interleaved, each get their own result', async () => {
    const rs = await Promise.all(
      Array.from({ length: 400 }, (_, i) =>
        raw.probe(
          i % 2
            ? target(`127.2.${i >> 7}.${(i & 0x7f) + 1}`, icmp({ timeout: 1500 }))
            : target(SILENT4, icmp({ timeout: 1500 })),
        ),
      ),
    );
    rs.forEach((r, i) => {
      expect([i, r.code]).toEqual([i, i % 2 ? 'L4OK' : 'L4TOUT']);
    });
  }, 20_000);

  it('icmp without CAP_NET_RAW: a ping socket (net.ipv4.ping_group_range) does the same', async () => {
    const [v4, v6, v4default, silent, error] = await Promise.all([
      ping.probe(target(TARGET4, icmp({ probeIpv4Src: SRC4 }))),
      ping.probe(target(TARGET6, icmp({ probeIpv6Src: SRC6 }))),
      ping.probe(target(TARGET4, icmp({ timeout: 1000 }))),
      ping.probe(target(SILENT6, icmp({ timeout: 700 }))),
      ping.probe(target(UNREACHABLE4, icmp({ probeIpv4Src: SRC4 }))),
    ]);
    expect(v4).toMatchObject({ ok: true, code: 'L4OK', detail: 'echo reply' });
    expect(v6).toMatchObject({ ok: true, code: 'L4OK', detail: 'echo reply' });
    expect(v4default).toMatchObject({ ok: false, code: 'L4TOUT' });
    expect(silent).toMatchObject({ ok: false, code: 'L4TOUT' });
    expect(error).toMatchObject({
      ok: false,
      code: 'L4CON',
      detail: `icmp destination unreachable (source=${TARGET4})`,
    });
  });

  it('icmp without CAP_NET_RAW and without ping sockets: SOCKERR naming CAP_NET_RAW', async () => {
    sysctl(P, 'net.ipv4.ping_group_range=1 0');
    // A worker of its own: the other one keeps the ping sockets it opened while allowed.
    const refused = unprivileged();
    try {
      expect(await refused.probe(target(TARGET4, icmp({ probeIpv4Src: SRC4 })))).toMatchObject({
        ok: false,
        code: 'SOCKERR',
        detail: 'icmp socket: operation not permitted (needs CAP_NET_RAW)',
      });
    } finally {
      await refused.close();
      sysctl(P, 'net.ipv4.ping_group_range=0 0');
    }
  });

  it('tcp: the SYN leaves from probe-ipv4-src / probe-ipv6-src (the backend answers no other)', async () => {
    const [v4, v6, v4default] = await Promise.all([
      raw.probe(target(TARGET4, tcp(serverPort, { probeIpv4Src: SRC4 }))),
      raw.probe(target(TARGET6, tcp(serverPort, { probeIpv6Src: SRC6 }))),
      raw.probe(target(TARGET4, tcp(serverPort, { timeout: 1000 }))),
    ]);
    expect(v4).toMatchObject({ ok: true, code: 'L4OK' });
    expect(v6).toMatchObject({ ok: true, code: 'L4OK' });
    expect(v4default).toMatchObject({ ok: false, code: 'L4TOUT' });
  });
});
