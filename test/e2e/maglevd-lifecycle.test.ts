/**
 * Regression tests for maglevd's lifecycle and reload, each against the built binaries with
 * vpp-lb-sim and real HTTP backends on loopback: the ways routine operator work used to crash
 * it, leave it half-reloaded or leave a zombie behind.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type * as pb from '../../lib/api/gen/maglev_pb.js';
import type { DemoBackendServer } from '../../lib/demo/backend-server.js';
import {
  type LoggedProcess,
  observe,
  startBackends,
  startBin,
  startMaglevd,
  startSim,
  Workspace,
  weightsOf,
} from '../support/e2e-harness.js';

const VIP = '198.51.100.1/32';

interface Spec {
  readonly backends: Record<string, string>;
  readonly pools: ReadonlyArray<readonly string[]>;
  readonly syncInterval?: string;
}

function config(port: number, spec: Spec): string {
  const backends = Object.entries(spec.backends)
    .map(([n, a]) => `    ${n}: { address: ${a}, healthcheck: http }`)
    .join('\n');
  const pools = spec.pools
    .map(
      (members, i) =>
        `        - name: p${i}\n          backends: { ${members.map((m) => `${m}: {}`).join(', ')} }`,
    )
    .join('\n');
  return `
maglev:
  healthchecks:
    http:
      type: http
      port: ${port}
      interval: 1s
      fast-interval: 200ms
      down-interval: 1s
      timeout: 500ms
      rise: 1
      fall: 1
      params: { path: /healthz }
  backends:
${backends}
  frontends:
    web:
      address: 198.51.100.1
      protocol: tcp
      port: 80
      pools:
${pools}
  vpp:
    lb:
      ipv4-src-address: 192.0.2.254
      sync-interval: ${spec.syncInterval ?? '1h'}
      startup-min-delay: 0s
      startup-max-delay: 0s
`;
}

let port = 0;
let servers: Map<string, DemoBackendServer>;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  const b = await startBackends(['b1', 'b2', 'b3']);
  port = b.port;
  servers = b.backends;
});

afterAll(async () => {
  for (const s of servers?.values() ?? []) await s.stop();
});

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** A workspace with the simulator and maglevd running on `spec`. */
async function running(spec: Spec, extra: string[] = []) {
  const ws = new Workspace();
  ws.writeConfig(config(port, spec));
  const sim = await startSim(ws);
  const obs = await observe(ws);
  const d = await startMaglevd(ws, extra);
  cleanups.push(async () => {
    d.client.close();
    await d.proc.stop();
    await obs.conn.close();
    await sim.stop();
    ws.remove();
  });
  const weights = async () => weightsOf(await obs.lb.getState(), VIP);
  return { ws, sim, obs, proc: d.proc, client: d.client, weights };
}

const alive = (p: LoggedProcess) => p.child.exitCode === null && p.child.signalCode === null;

describe('reload', () => {
  const before: Spec = { backends: { b1: '127.0.0.2', b2: '127.0.0.3' }, pools: [['b1', 'b2']] };
  const after: Spec = { backends: { b1: '127.0.0.2', b3: '127.0.0.4' }, pools: [['b1', 'b3']] };

  for (const how of ['SIGHUP', 'ReloadConfig'] as const) {
    it(`${how} that removes one backend and adds another applies both at once, and VPP follows without waiting for the periodic sync`, async () => {
      const d = await running(before);
      await expect.poll(d.weights, { timeout: 30_000 }).toEqual({ '127.0.0.2': 100, '127.0.0.3': 100 });
      d.ws.writeConfig(config(port, after));
      const from = d.proc.lines.length;
      if (how === 'SIGHUP') {
        d.proc.child.kill('SIGHUP');
        await d.proc.waitLog((l) => l.msg === 'config-reload', 30_000, from);
      } else {
        expect(await d.client.reloadConfig()).toMatchObject({ ok: true });
      }
      expect(alive(d.proc)).toBe(true);
      expect((await d.client.listBackends()).names).toEqual(['b1', 'b3']);
      expect((await d.client.getBackend('b3')).name).toBe('b3');
      expect(await d.client.getBackend('b2').catch((e: unknown) => e)).toMatchObject({ code: 5 });
      // sync-interval is an hour: only the reload's own sync can have done this.
      await expect.poll(d.weights, { timeout: 30_000 }).toEqual({ '127.0.0.2': 100, '127.0.0.4': 100 });
      const removed = d.proc.lines
        .slice(from)
        .filter((l) => l.msg === 'backend-transition' && l.backend === 'b2');
      expect(removed).toEqual([expect.objectContaining({ to: 'removed' })]);
    });
  }
});

describe('start and stop', () => {
  it('a SIGHUP while maglevd starts is applied once it has started', async () => {
    const ws = new Workspace();
    cleanups.push(() => ws.remove());
    ws.writeConfig(config(port, { backends: { b1: '127.0.0.2' }, pools: [['b1']] }));
    const proc = startBin('maglevd', [
      '--config',
      ws.config,
      '--grpc-addr',
      '127.0.0.1:0',
      '--metrics-addr',
      '127.0.0.1:0',
      '--vpp-api-addr',
      '',
    ]);
    cleanups.push(async () => void (await proc.stop()));
    await proc.waitLog((l) => l.msg === 'starting');
    proc.child.kill('SIGHUP');
    await proc.waitLog((l) => l.msg === 'config-reload', 30_000);
    expect(alive(proc)).toBe(true);
    expect(await proc.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  async function taken(): Promise<{ server: Server; port: number }> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return { server, port: (server.address() as { port: number }).port };
  }

  const cases: Array<[string, (p: number) => string[], (p: number) => string]> = [
    [
      'the gRPC port is taken',
      (p) => ['--grpc-addr', `127.0.0.1:${p}`, '--metrics-addr', '127.0.0.1:0'],
      (p) => `maglevd: gRPC listen 127.0.0.1:${p}: address already in use`,
    ],
    [
      'the metrics port is taken',
      (p) => ['--grpc-addr', '127.0.0.1:0', '--metrics-addr', `127.0.0.1:${p}`],
      (p) => `maglevd: metrics listen 127.0.0.1:${p}: address already in use`,
    ],
    [
      'the gRPC address is nonsense',
      () => ['--grpc-addr', 'nonsense', '--metrics-addr', '127.0.0.1:0'],
      () => 'maglevd: gRPC listen nonsense: ',
    ],
  ];
  for (const [name, args, message] of cases) {
    it(`exits 1 naming the component when ${name}, and leaves nothing running`, async () => {
      const { port: busy } = await taken();
      const ws = new Workspace();
      cleanups.push(() => ws.remove());
      ws.writeConfig(config(port, { backends: { b1: '127.0.0.2' }, pools: [['b1']] }));
      const sim = await startSim(ws);
      cleanups.push(async () => void (await sim.stop()));
      const proc = startBin('maglevd', [
        '--config',
        ws.config,
        '--vpp-api-addr',
        ws.apiSock,
        '--vpp-stats-addr',
        ws.statsSock,
        ...args(busy),
      ]);
      cleanups.push(async () => void (await proc.stop('SIGKILL')));
      expect(await proc.exited).toEqual({ code: 1, signal: null });
      expect(proc.stderr.join('\n')).toContain(message(busy));
      // It never got as far as probing backends or connecting VPP.
      expect(proc.lines.filter((l) => ['healthchecker-start', 'vpp-connect'].includes(l.msg))).toEqual([]);
    });
  }

  it('SIGTERM while the VPP handshake hangs exits promptly with 0', async () => {
    const ws = new Workspace();
    cleanups.push(() => ws.remove());
    ws.writeConfig(config(port, { backends: { b1: '127.0.0.2' }, pools: [['b1']] }));
    // A "VPP" that accepts the connection and never answers the handshake.
    const accepted = new Set<Socket>();
    const silent = createServer((s) => accepted.add(s));
    await new Promise<void>((resolve) => silent.listen(ws.apiSock, resolve));
    // It never reads, so it never sees the peer's end: close its sockets before the server.
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          for (const s of accepted) s.destroy();
          silent.close(() => resolve());
        }),
    );
    const connected = new Promise<void>((resolve) => silent.once('connection', () => resolve()));
    const proc = startBin('maglevd', [
      '--config',
      ws.config,
      '--grpc-addr',
      '127.0.0.1:0',
      '--metrics-addr',
      '127.0.0.1:0',
      '--vpp-api-addr',
      ws.apiSock,
      '--vpp-stats-addr',
      '',
    ]);
    cleanups.push(async () => void (await proc.stop('SIGKILL')));
    await connected;
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toEqual({ code: 0, signal: null });
  });
});

describe('config warnings', () => {
  it('a config the original accepts but deserves a look loads, and each warning is logged at start and reload', async () => {
    const spec: Spec = { backends: { b1: '127.0.0.2' }, pools: [['b1']] };
    const ws = new Workspace();
    cleanups.push(() => ws.remove());
    // ORIGINAL §1.7's own example: a timeout longer than the interval.
    ws.writeConfig(config(port, spec).replace('timeout: 500ms', 'timeout: 3s'));
    const sim = await startSim(ws);
    cleanups.push(async () => void (await sim.stop()));
    const d = await startMaglevd(ws);
    cleanups.push(async () => {
      d.client.close();
      await d.proc.stop();
    });
    const first = await d.proc.waitLog((l) => l.msg === 'config-warning');
    expect(first.level).toBe('WARN');
    expect(String(first.warning)).toContain('timeout');
    const from = d.proc.lines.length;
    expect(await d.client.reloadConfig()).toMatchObject({ ok: true });
    await d.proc.waitLog((l) => l.msg === 'config-warning', 30_000, from);
  });
});

describe('logs', () => {
  it('each backend transition is logged once, and published once per frontend', async () => {
    const d = await running({ backends: { b1: '127.0.0.2', b2: '127.0.0.3' }, pools: [['b1'], ['b2']] });
    await expect.poll(d.weights, { timeout: 30_000 }).toEqual({ '127.0.0.2': 100, '127.0.0.3': 0 });
    await expect.poll(async () => (await d.client.getBackend('b2')).state, { timeout: 30_000 }).toBe('up');
    const abort = new AbortController();
    cleanups.push(() => abort.abort());
    const seen: pb.Event[] = [];
    void (async () => {
      for await (const ev of d.client.watchEvents({ log: true, backend: true }, abort.signal)) seen.push(ev);
    })().catch(() => undefined);
    const reloads = () =>
      seen.filter((e) => e.event.case === 'log' && e.event.value.msg === 'config-reload').length;
    // A reload is a marker in the stream: once it arrives, everything published before it has.
    const barrier = async () => {
      const n = reloads();
      await d.client.reloadConfig();
      await expect.poll(reloads, { timeout: 30_000 }).toBeGreaterThan(n);
    };
    await expect
      .poll(
        async () => {
          await d.client.reloadConfig();
          return reloads();
        },
        { timeout: 30_000 },
      )
      .toBeGreaterThan(0);
    const from = d.proc.lines.length;
    const mark = seen.length;
    await d.client.pauseBackend('b2');
    await barrier();
    const lines = d.proc.lines.slice(from).filter((l) => l.msg === 'backend-transition');
    expect(lines).toEqual([expect.objectContaining({ backend: 'b2', from: 'up', to: 'paused' })]);
    const streamed = seen.slice(mark);
    expect(
      streamed.filter((e) => e.event.case === 'log' && e.event.value.msg === 'backend-transition'),
    ).toHaveLength(1);
    const backendEvents = streamed.filter((e) => e.event.case === 'backend');
    expect(backendEvents.map((e) => e.event.case === 'backend' && e.event.value.frontend)).toEqual(['web']);
  });
});

describe('state file', () => {
  it('a corrupt state file is moved aside, logged at ERROR, and maglevd starts without overrides', async () => {
    const ws = new Workspace();
    cleanups.push(() => ws.remove());
    ws.writeConfig(config(port, { backends: { b1: '127.0.0.2' }, pools: [['b1']] }));
    writeFileSync(ws.stateFile, '{"version": 1, "paused": [');
    const sim = await startSim(ws);
    cleanups.push(async () => void (await sim.stop()));
    const d = await startMaglevd(ws);
    cleanups.push(async () => {
      d.client.close();
      await d.proc.stop();
    });
    const line = await d.proc.waitLog((l) => l.msg === 'state-file-corrupt');
    expect(line.level).toBe('ERROR');
    expect(String(line.err)).toContain('not JSON');
    const aside = readdirSync(ws.dir).filter((f) => f.startsWith('state.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(existsSync(ws.stateFile)).toBe(false);
    expect((await d.client.getBackend('b1')).state).not.toBe('paused');
  });

  it('an action whose state cannot be saved fails with the reason and changes nothing', async () => {
    const ws = new Workspace();
    cleanups.push(() => ws.remove());
    const dir = join(ws.dir, 'state');
    mkdirSync(dir);
    const stateFile = join(dir, 'state.json');
    ws.writeConfig(config(port, { backends: { b1: '127.0.0.2' }, pools: [['b1']] }));
    const sim = await startSim(ws);
    cleanups.push(async () => void (await sim.stop()));
    const d = await startMaglevd(ws, [], { stateFile });
    cleanups.push(async () => {
      d.client.close();
      await d.proc.stop();
    });
    await expect.poll(async () => (await d.client.getBackend('b1')).state, { timeout: 30_000 }).toBe('up');
    // The state directory becomes a file: no write can succeed, whoever maglevd runs as.
    rmSync(dir, { recursive: true });
    writeFileSync(dir, '');
    chmodSync(dir, 0o444);
    const err = await d.client.pauseBackend('b1').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 9 }); // FAILED_PRECONDITION
    expect(String((err as Error).message)).toContain('not applied');
    expect(String((err as Error).message)).toContain(stateFile);
    expect((await d.client.getBackend('b1')).state).toBe('up');
    const logged = await d.proc.waitLog((l) => l.msg === 'state-file-error');
    expect(logged.level).toBe('ERROR');
  });
});
