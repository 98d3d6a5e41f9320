import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthCheckConfig } from '../../../lib/config/types.js';
import { NetnsProber } from '../../../lib/health/netns.js';
import type { ProbeTarget } from '../../../lib/health/probes/common.js';
import {
  IcmpPinger,
  LocalProber,
  MAX_BODY_BYTES,
  probeHttp,
  probeTcp,
  USER_AGENT,
} from '../../../lib/health/probes/index.js';
import type { ProbeResult } from '../../../lib/health/types.js';
import { healthcheck, httpParams } from '../../support/health-config.js';
import { closedPort, httpServer, httpsServer, type Listening, type Seen, tcpServer } from './servers.js';
import { makeTlsFixtures, type TlsFixtures } from './tls-fixtures.js';

const HTTP_HOST = '127.0.0.2';
const HTTPS_HOST = '127.0.0.4';
const TCP_HOST = '127.0.0.5';

function target(address: string, hc: HealthCheckConfig): ProbeTarget {
  return { address, family: address.includes(':') ? 6 : 4, healthcheck: hc };
}

function http(
  port: number,
  params: Parameters<typeof httpParams>[0],
  extra: Partial<HealthCheckConfig> = {},
) {
  return healthcheck({ name: 'h', type: 'http', port, timeout: 3000, http: httpParams(params), ...extra });
}

function https(port: number, params: Parameters<typeof httpParams>[0]) {
  return healthcheck({ name: 'h', type: 'https', port, timeout: 3000, http: httpParams(params) });
}

// The native engine (through LocalProber, which sends tcp and http there) must behave as the JS
// probes do: every http test runs against both.
const native = new LocalProber();
afterAll(() => native.close());
type Run = (t: ProbeTarget, signal?: AbortSignal) => Promise<ProbeResult>;
const ENGINES: [string, Run][] = [
  ['js', probeHttp],
  [
    'native',
    (t, signal) => {
      expect(native.engine()).toEqual({ engine: 'native', reason: null });
      return native.probe(t, signal);
    },
  ],
];

describe.each(ENGINES)('http probe (%s)', (_name, probe) => {
  const seen: Seen[] = [];
  let v4: Listening;
  let v6: Listening;
  beforeAll(async () => {
    v4 = await httpServer(HTTP_HOST, seen);
    v6 = await httpServer('::1', seen);
  });
  afterAll(async () => {
    await v4.close();
    await v6.close();
  });

  it('passes on 200 with L7OK, sends the user agent and a fresh connection', async () => {
    seen.length = 0;
    const r = await probe(target(HTTP_HOST, http(v4.port, { path: '/ok' })));
    expect(r).toMatchObject({ ok: true, code: 'L7OK', detail: 'status 200' });
    expect(r.durationMs).toBeGreaterThan(0);
    expect(seen[0]?.userAgent).toBe(USER_AGENT);
    expect(USER_AGENT).toMatch(/^vpp-maglev\/\S+$/);
    expect(seen[0]?.host).toBe(`${HTTP_HOST}:${v4.port}`);
  });

  it('works over IPv6', async () => {
    const r = await probe(target('::1', http(v6.port, { path: '/ok' })));
    expect(r).toMatchObject({ ok: true, code: 'L7OK' });
  });

  it('fails 503 with L7STS', async () => {
    const r = await probe(target(HTTP_HOST, http(v4.port, { path: '/fail' })));
    expect(r).toMatchObject({ ok: false, code: 'L7STS', detail: 'status 503' });
  });

  it('accepts 3xx by default and honours response-codes', async () => {
    expect((await probe(target(HTTP_HOST, http(v4.port, { path: '/redirect' })))).ok).toBe(true);
    const strict = http(v4.port, { path: '/redirect', responseCodes: [{ from: 200, to: 299 }] });
    expect(await probe(target(HTTP_HOST, strict))).toMatchObject({
      ok: false,
      code: 'L7STS',
      detail: 'status 302',
    });
    const only503 = http(v4.port, { path: '/fail', responseCodes: [{ from: 503, to: 503 }] });
    expect((await probe(target(HTTP_HOST, only503))).ok).toBe(true);
  });

  it('checks the body against response-regex', async () => {
    const good = await probe(target(HTTP_HOST, http(v4.port, { path: '/ok', responseRegex: 'all\\s+good' })));
    expect(good).toMatchObject({ ok: true, code: 'L7OK' });
    const bad = await probe(target(HTTP_HOST, http(v4.port, { path: '/ok', responseRegex: '^ready$' })));
    expect(bad).toMatchObject({ ok: false, code: 'L7RSP', detail: 'body does not match /^ready$/' });
  });

  it(`reads at most ${MAX_BODY_BYTES} bytes of the body`, async () => {
    const early = await probe(
      target(HTTP_HOST, http(v4.port, { path: '/big-early', responseRegex: 'MARKER' })),
    );
    expect(early.ok).toBe(true);
    const late = await probe(
      target(HTTP_HOST, http(v4.port, { path: '/big-late', responseRegex: 'MARKER' })),
    );
    expect(late).toMatchObject({ ok: false, code: 'L7RSP' });
  });

  it('sends the Host header and the method from params', async () => {
    seen.length = 0;
    const r = await probe(
      target(HTTP_HOST, http(v4.port, { path: '/ok', host: 'www.example.test', method: 'HEAD' })),
    );
    expect(r.ok).toBe(true);
    expect(seen[0]).toMatchObject({ host: 'www.example.test', method: 'HEAD' });
  });

  it('times out a slow response with L7TOUT', async () => {
    const r = await probe(target(HTTP_HOST, http(v4.port, { path: '/slow' }, { timeout: 300 })));
    expect(r).toMatchObject({ ok: false, code: 'L7TOUT', detail: 'timeout after 300ms' });
    expect(r.durationMs).toBeGreaterThanOrEqual(290);
  });

  it('fails a refused connection with L4CON', async () => {
    const port = await closedPort('127.0.0.3');
    const r = await probe(target('127.0.0.3', http(port, { path: '/ok' })));
    expect(r).toMatchObject({ ok: false, code: 'L4CON', detail: 'connect ECONNREFUSED' });
  });

  it('binds probe-ipv4-src', async () => {
    seen.length = 0;
    const r = await probe(target(HTTP_HOST, http(v4.port, { path: '/ok' }, { probeIpv4Src: '127.0.0.9' })));
    expect(r.ok).toBe(true);
    expect(seen[0]?.remoteAddress).toBe('127.0.0.9');
  });

  it('stops at once when aborted', async () => {
    const ac = new AbortController();
    const p = probe(target(HTTP_HOST, http(v4.port, { path: '/slow' }, { timeout: 30_000 })), ac.signal);
    ac.abort();
    expect(await p).toMatchObject({ ok: false, detail: 'probe cancelled' });
  });
});

describe('https probe', () => {
  let tls: TlsFixtures;
  const seen: Seen[] = [];
  let self: Listening;
  let leaf: Listening;
  beforeAll(async () => {
    tls = makeTlsFixtures();
    self = await httpsServer(HTTPS_HOST, seen, tls.self);
    leaf = await httpsServer(HTTPS_HOST, seen, tls.leaf);
  });
  afterAll(async () => {
    await self.close();
    await leaf.close();
    tls.cleanup();
  });

  it('rejects a self-signed certificate when verifying, with L6RSP', async () => {
    const r = await probeHttp(target(HTTPS_HOST, https(self.port, { path: '/ok' })));
    expect(r).toMatchObject({ ok: false, code: 'L6RSP' });
    expect(r.detail).toMatch(/^tls .*SELF_SIGNED/);
  });

  it('accepts it with insecure-skip-verify', async () => {
    const r = await probeHttp(
      target(HTTPS_HOST, https(self.port, { path: '/ok', insecureSkipVerify: true })),
    );
    expect(r).toMatchObject({ ok: true, code: 'L7OK', detail: 'status 200' });
  });

  it('sends server-name as SNI (and the Host header name when server-name is unset)', async () => {
    seen.length = 0;
    await probeHttp(
      target(
        HTTPS_HOST,
        https(self.port, { path: '/ok', insecureSkipVerify: true, serverName: 'self.test' }),
      ),
    );
    await probeHttp(
      target(HTTPS_HOST, https(self.port, { path: '/ok', insecureSkipVerify: true, host: 'h.test:8443' })),
    );
    expect(seen.map((s) => s.servername)).toEqual(['self.test', 'h.test']);
  });

  describe('with the test CA trusted (NODE_EXTRA_CA_CERTS in a probe worker)', () => {
    let worker: NetnsProber;
    beforeAll(() => {
      // A worker process, not in any namespace: `env` only adds the CA file to its environment.
      worker = new NetnsProber({
        netns: 'current',
        launcher: (_path, argv) => ({ command: 'env', args: [`NODE_EXTRA_CA_CERTS=${tls.caFile}`, ...argv] }),
      });
    });
    afterAll(() => worker.close());

    it('passes when the certificate carries server-name', async () => {
      const r = await worker.probe(
        target(HTTPS_HOST, https(leaf.port, { path: '/ok', serverName: 'backend.test' })),
      );
      expect(r).toMatchObject({ ok: true, code: 'L7OK' });
    });

    it('fails with L6RSP when it does not', async () => {
      const r = await worker.probe(
        target(HTTPS_HOST, https(leaf.port, { path: '/ok', serverName: 'other.test' })),
      );
      expect(r).toMatchObject({ ok: false, code: 'L6RSP' });
      expect(r.detail).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
    });

    it('checks the address when no name is configured', async () => {
      const r = await worker.probe(target(HTTPS_HOST, https(leaf.port, { path: '/ok' })));
      expect(r).toMatchObject({ ok: false, code: 'L6RSP' });
      expect(r.detail).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
    });
  });
});

describe('tcp probe', () => {
  const accepted: string[] = [];
  let open: Listening;
  beforeAll(async () => {
    open = await tcpServer(TCP_HOST, accepted);
  });
  afterAll(() => open.close());

  const tcp = (port: number, extra: Partial<HealthCheckConfig> = {}) =>
    healthcheck({ name: 't', type: 'tcp', port, timeout: 2000, ...extra });

  it('passes on an open port with L4OK', async () => {
    expect(await probeTcp(target(TCP_HOST, tcp(open.port)))).toMatchObject({ ok: true, code: 'L4OK' });
  });

  it('fails on a closed port with L4CON', async () => {
    const port = await closedPort('127.0.0.6');
    expect(await probeTcp(target('127.0.0.6', tcp(port)))).toMatchObject({
      ok: false,
      code: 'L4CON',
      detail: 'connect ECONNREFUSED',
    });
  });

  it('works over IPv6 and binds probe-ipv6-src / probe-ipv4-src', async () => {
    const v6 = await tcpServer('::1');
    try {
      expect(await probeTcp(target('::1', tcp(v6.port, { probeIpv6Src: '::1' })))).toMatchObject({
        ok: true,
      });
    } finally {
      await v6.close();
    }
    accepted.length = 0;
    await probeTcp(target(TCP_HOST, tcp(open.port, { probeIpv4Src: '127.0.0.10' })));
    expect(accepted).toEqual(['127.0.0.10']);
  });
});

describe('icmp probe', () => {
  const pinger = new IcmpPinger();
  afterAll(() => pinger.close());
  const icmp = (extra: Partial<HealthCheckConfig> = {}) =>
    healthcheck({ name: 'p', type: 'icmp', timeout: 2000, ...extra });

  it('gets an echo reply from 127.0.0.1 and ::1', async () => {
    expect(await pinger.probe(target('127.0.0.1', icmp()))).toMatchObject({ ok: true, code: 'L4OK' });
    expect(await pinger.probe(target('::1', icmp()))).toMatchObject({ ok: true, code: 'L4OK' });
  });

  it('many probes at once share a socket and each gets its own reply', async () => {
    const rs = await Promise.all(
      Array.from({ length: 20 }, (_, i) => pinger.probe(target(`127.0.1.${i + 1}`, icmp()))),
    );
    expect(rs.every((r) => r.ok)).toBe(true);
  });

  it('sends from probe-ipv4-src', async () => {
    // That the request leaves from that address is proven in engine.test.ts, in a namespace
    // whose target can answer no other.
    const r = await pinger.probe(target('127.0.0.1', icmp({ probeIpv4Src: '127.0.0.77' })));
    expect(r).toMatchObject({ ok: true, code: 'L4OK', detail: 'echo reply' });
  });

  it('sends from probe-ipv6-src', async () => {
    expect(await pinger.probe(target('::1', icmp({ probeIpv6Src: '::1' })))).toMatchObject({ ok: true });
  });

  it('says that CAP_NET_RAW is missing, with code SOCKERR', async () => {
    // The worker runs without CAP_NET_RAW in its bounding set: its raw socket is refused. It
    // runs in a namespace of its own, whose net.ipv4.ping_group_range refuses ping sockets too
    // (the host's may allow them, which is the fallback).
    const script =
      'ip link set lo up && sysctl -qw net.ipv4.ping_group_range="1 0" && ' +
      'exec setpriv --bounding-set=-net_raw -- "$@"';
    const worker = new NetnsProber({
      netns: 'current',
      launcher: (_path, argv) => ({
        command: 'unshare',
        args: ['--net', '--', 'sh', '-c', script, 'sh', ...argv],
      }),
    });
    try {
      const r = await worker.probe(target('127.0.0.1', icmp()));
      expect(r).toMatchObject({
        ok: false,
        code: 'SOCKERR',
        detail: 'icmp socket: operation not permitted (needs CAP_NET_RAW)',
      });
    } finally {
      await worker.close();
    }
  });
});
