/**
 * maglevd end to end: the built maglevd against the built vpp-lb-sim and real HTTP backends on
 * loopback. The tests run in order and share one setup, as an operator's session would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MaglevClient } from '../../lib/api/client.js';
import type { DemoBackendServer } from '../../lib/demo/backend-server.js';
import type { VppLbClient } from '../../lib/vpp/lb-client.js';
import type { VppConnection } from '../../vpp-api/index.js';
import {
  type LoggedProcess,
  observe,
  startBackends,
  startMaglevd,
  startSim,
  Workspace,
  webSiteConfig,
  weightsOf,
} from '../support/e2e-harness.js';

const VIP = '198.51.100.1/32';
const KEY = { prefix: VIP, protocol: 6, port: 80 };

function config(
  port: number,
  opts: { warmup?: [string, string]; extra?: string; weight2?: number } = {},
): string {
  return webSiteConfig(port, {
    transitionHistory: 10,
    syncInterval: '1s',
    ...(opts.warmup && { warmup: opts.warmup }),
    ...(opts.extra !== undefined && { extraFrontends: opts.extra }),
    ...(opts.weight2 !== undefined && { weight2: opts.weight2 }),
  });
}

const ws = new Workspace();
let port = 0;
let backends: Map<string, DemoBackendServer>;
let sim: LoggedProcess;
let maglevd: LoggedProcess;
let client: MaglevClient;
let obs: { lb: VppLbClient; conn: VppConnection };

async function weights(): Promise<Record<string, number>> {
  return weightsOf(await obs.lb.getState(), VIP);
}

function backend(name: string): DemoBackendServer {
  return backends.get(name) as DemoBackendServer;
}

beforeAll(async () => {
  const b = await startBackends(['web1', 'web2', 'spare']);
  port = b.port;
  backends = b.backends;
  ws.writeConfig(config(port));
  sim = await startSim(ws);
  obs = await observe(ws);
  const d = await startMaglevd(ws);
  maglevd = d.proc;
  client = d.client;
});

afterAll(async () => {
  client?.close();
  await maglevd?.stop();
  await obs?.conn.close();
  await sim?.stop();
  for (const s of backends?.values() ?? []) await s.stop();
  ws.remove();
});

describe('maglevd against the simulator', () => {
  it('logs "starting" first, with version, commit and date', async () => {
    const first = maglevd.lines[0];
    expect(first).toMatchObject({ msg: 'starting', level: 'INFO' });
    expect(first).toHaveProperty('version');
    expect(first).toHaveProperty('commit');
    expect(first).toHaveProperty('date');
  });

  it('the first sync programs conf, the VIP, every AS and the planned weights', async () => {
    await expect
      .poll(weights, { timeout: 30_000 })
      .toEqual({ '127.0.0.2': 100, '127.0.0.3': 50, '127.0.0.4': 0 });
    const state = await obs.lb.getState();
    expect(state.conf).toMatchObject({
      ip4SrcAddress: '192.0.2.254',
      stickyBucketsPerCore: 65536,
      flowTimeout: 40,
    });
    expect(state.vips).toHaveLength(1);
    expect(state.vips[0]).toMatchObject({ ...KEY, encap: 'gre4', srcIpSticky: false, flowTableLength: 1024 });
    const fe = await client.getFrontend('web');
    expect(fe).toMatchObject({ state: 'up', activePool: 0 });
  });

  it('a killed backend gets weight 0 with its flows flushed', async () => {
    const from = maglevd.lines.length;
    await backend('web2').stop();
    await expect
      .poll(weights, { timeout: 30_000 })
      .toEqual({ '127.0.0.2': 100, '127.0.0.3': 0, '127.0.0.4': 0 });
    const line = await maglevd.waitLog(
      (l) => l.msg === 'vpp-lbsync-as-weight' && l.address === '127.0.0.3' && l.weight === 0,
      30_000,
      from,
    );
    expect(line.flush).toBe(true);
    await maglevd.waitLog(
      (l) => l.msg === 'backend-transition' && l.backend === 'web2' && l.to === 'down',
      30_000,
      from,
    );
    expect((await client.getBackend('web2')).state).toBe('down');
  });

  it('all primary backends down: the fallback pool takes the weights, and back', async () => {
    await backend('web1').stop();
    await expect
      .poll(weights, { timeout: 30_000 })
      .toEqual({ '127.0.0.2': 0, '127.0.0.3': 0, '127.0.0.4': 100 });
    expect((await client.getFrontend('web')).activePool).toBe(1);
    await backend('web1').start();
    await backend('web2').start();
    await expect
      .poll(weights, { timeout: 30_000 })
      .toEqual({ '127.0.0.2': 100, '127.0.0.3': 50, '127.0.0.4': 0 });
  });

  it('pause, disable and a weight override over gRPC reach VPP and the state file', async () => {
    await client.setFrontendPoolBackendWeight({
      frontend: 'web',
      pool: 'primary',
      backend: 'web2',
      weight: 20,
    });
    await expect.poll(weights, { timeout: 30_000 }).toMatchObject({ '127.0.0.3': 20 });
    const paused = await client.pauseBackend('web1');
    expect(paused.state).toBe('paused');
    await expect.poll(weights, { timeout: 30_000 }).toMatchObject({ '127.0.0.2': 0 });
    const from = maglevd.lines.length;
    await client.disableBackend('spare');
    await maglevd.waitLog(
      (l) => l.msg === 'backend-transition' && l.backend === 'spare' && l.to === 'disabled',
      30_000,
      from,
    );
    // Disabling flushes even though pool failover had already drained it to 0.
    await maglevd.waitLog(
      (l) =>
        l.msg === 'vpp-lbsync-as-weight' && l.address === '127.0.0.4' && l.weight === 0 && l.flush === true,
      30_000,
      from,
    );
    const err = await client.pauseBackend('spare').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 9 }); // FAILED_PRECONDITION
    const bad = await client
      .setFrontendPoolBackendWeight({ frontend: 'web', pool: 'primary', backend: 'web2', weight: 101 })
      .catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: 3 }); // INVALID_ARGUMENT
    expect(await client.getBackend('nope').catch((e: unknown) => e)).toMatchObject({ code: 5 }); // NOT_FOUND
  });

  it('drift made by hand in VPP is repaired on the next tick', async () => {
    await client.resumeBackend('web1');
    await client.enableBackend('spare');
    await expect
      .poll(weights, { timeout: 30_000 })
      .toEqual({ '127.0.0.2': 100, '127.0.0.3': 20, '127.0.0.4': 0 });
    await obs.lb.setAsWeight(KEY, '127.0.0.2', 3, false);
    await obs.lb.delAs(KEY, '127.0.0.4', true);
    await obs.lb.addVip({ prefix: '203.0.113.50/32', protocol: 17, port: 53 }, { encap: 'gre4' });
    await expect
      .poll(weights, { timeout: 30_000 })
      .toEqual({ '127.0.0.2': 100, '127.0.0.3': 20, '127.0.0.4': 0 });
    await expect
      .poll(async () => (await obs.lb.getState()).vips.map((v) => v.prefix), { timeout: 30_000 })
      .toEqual([VIP]);
  });

  it('a bad reload keeps the old config running; a good one applies', async () => {
    ws.writeConfig(`${config(port)}\n  bogus: 1\n`);
    const bad = await client.reloadConfig();
    expect(bad.ok).toBe(false);
    expect(bad.parseError).toContain('bogus');
    expect((await client.listFrontends()).names).toEqual(['web']);
    ws.writeConfig(
      config(port, {
        extra: `    api:
      address: 198.51.100.2
      protocol: tcp
      port: 443
      pools:
        - name: only
          backends: { web1: {} }`,
      }),
    );
    const from = maglevd.lines.length;
    maglevd.child.kill('SIGHUP');
    await maglevd.waitLog((l) => l.msg === 'config-reload', 30_000, from);
    expect((await client.listFrontends()).names).toEqual(['web', 'api']);
    await expect
      .poll(async () => weightsOf(await obs.lb.getState(), '198.51.100.2/32'), { timeout: 30_000 })
      .toEqual({
        '127.0.0.2': 100,
      });
  });

  it('a simulator restart is noticed and VPP is programmed again', async () => {
    const from = maglevd.lines.length;
    await obs.conn.close();
    await sim.stop();
    await maglevd.waitLog((l) => l.msg === 'vpp-disconnect', 30_000, from);
    sim = await startSim(ws);
    obs = await observe(ws);
    await maglevd.waitLog((l) => l.msg === 'vpp-connect', 60_000, from);
    await expect
      .poll(weights, { timeout: 30_000 })
      .toEqual({ '127.0.0.2': 100, '127.0.0.3': 20, '127.0.0.4': 0 });
  });

  it('GetVPPInfo, GetVPPLBState and SyncVPPLBState answer from VPP', async () => {
    const info = await client.getVPPInfo();
    expect(info.version).toContain('26.10');
    expect(info.pid).toBeGreaterThan(0);
    const lb = await client.getVPPLBState();
    const web = lb.vips.find((v) => v.prefix === VIP);
    expect(web).toMatchObject({ frontend: 'web', protocol: 'tcp', encap: 'gre4' });
    expect(web?.ases.find((a) => a.address === '127.0.0.2')).toMatchObject({ backend: 'web1', weight: 100 });
    const sync = await client.syncVPPLBState('web');
    expect(sync).toMatchObject({ scope: 'vip', vipAdded: 0 });
    expect(await client.syncVPPLBState('nope').catch((e: unknown) => e)).toMatchObject({ code: 5 });
  });

  it('a restart keeps the weights (warmup) and restores the operator state', async () => {
    ws.writeConfig(config(port, { warmup: ['1s', '20s'] }));
    await client.pauseBackend('web2');
    await expect.poll(weights, { timeout: 30_000 }).toMatchObject({ '127.0.0.3': 0 });
    client.close();
    expect(await maglevd.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    const before = await weights();
    const d = await startMaglevd(ws);
    maglevd = d.proc;
    client = d.client;
    // During the warmup nothing touches VPP, so weights stay as they were...
    await maglevd.waitLog((l) => l.msg === 'vpp-connect');
    expect(await weights()).toEqual(before);
    // ...then the frontend is released once its backends are known, with the pause restored.
    await maglevd.waitLog((l) => l.msg === 'vpp-warmup-release' && l.frontend === 'web', 30_000);
    expect((await client.getBackend('web2')).state).toBe('paused');
    await expect
      .poll(weights, { timeout: 30_000 })
      .toEqual({ '127.0.0.2': 100, '127.0.0.3': 0, '127.0.0.4': 0 });
  });

  it('SIGTERM stops it cleanly with exit 0', async () => {
    client.close();
    expect(await maglevd.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(maglevd.lines.some((l) => l.msg === 'stopping')).toBe(true);
  });
});
