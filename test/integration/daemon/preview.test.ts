/**
 * PlanConfig and the dry-run actions of a real maglevd (in this process, over real gRPC) that
 * health-checks TCP listeners on loopback and programs vpp-lb-sim (in this process, on a real
 * socket, with a clock the test moves). Every preview is applied afterwards for real and
 * compared with the simulator's tables: weight changes, pool failover and failback, servers
 * added and removed by a reload, and a removed server that lingers in VPP and is re-added.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MaglevCallError, MaglevClient } from '../../../lib/api/client.js';
import type * as pb from '../../../lib/api/gen/maglev_pb.js';
import { Maglevd } from '../../../lib/daemon/maglevd.js';
import { lbStateFromPlan } from '../../../lib/reconcile/preview.js';
import { VppLbSimulator } from '../../../lib/sim/server.js';
import { VppLbClient } from '../../../lib/vpp/lb-client.js';
import { vipKeyString } from '../../../lib/vpp/types.js';
import { VppConnection } from '../../../vpp-api/index.js';
import { expectExact, reached, type SimVip, simVips } from '../../support/preview-check.js';

const LIVE = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6', '127.0.0.7', '127.0.0.8'];
const DEAD = '127.0.0.9';
const DEAD2 = '127.0.0.10';

interface Shape {
  /** Extra members of web's primary pool. */
  readonly webPrimary?: string;
  /** web's fallback pool, e.g. "d: {}, e: {}". */
  readonly webFallback?: string;
  /** Extra backends (definitions). */
  readonly backends?: string;
  /** The api frontend (or nothing). */
  readonly api?: boolean;
  readonly cWeight?: number;
}

let port = 0;

function config(s: Shape = {}): string {
  const fallback = s.webFallback ?? 'd: {}, e: {}';
  return `
maglev:
  healthchecks:
    tcp: { type: tcp, port: ${port}, interval: 300ms, fast-interval: 100ms, down-interval: 300ms, timeout: 250ms, rise: 1, fall: 1 }
  backends:
    a: { address: ${LIVE[0]}, healthcheck: tcp }
    b: { address: ${LIVE[1]}, healthcheck: tcp }
    c: { address: ${LIVE[2]}, healthcheck: tcp }
    d: { address: ${LIVE[3]}, healthcheck: tcp }
    e: { address: ${LIVE[4]}, healthcheck: tcp }
    dead: { address: ${DEAD}, healthcheck: tcp }
${s.backends ?? ''}
  frontends:
    web:
      address: 198.51.100.1
      protocol: tcp
      port: 80
      pools:
        - name: primary
          backends: { a: {}, b: { weight: 50 }, c: { weight: ${s.cWeight ?? 100} }${s.webPrimary ?? ''} }
        - name: fallback
          backends: { ${fallback} }
${
  s.api === false
    ? ''
    : `    api:
      address: 198.51.100.2
      protocol: tcp
      port: 443
      pools:
        - name: main
          backends: { c: {}, d: { weight: 30 }, dead: {} }
`
}
  vpp:
    lb:
      ipv4-src-address: 192.0.2.254
      sync-interval: 1h
      startup-min-delay: 0s
      startup-max-delay: 0s
`;
}

let dir: string;
let cfgPath: string;
let now = 1000;
let sim: VppLbSimulator;
let maglevd: Maglevd;
let client: MaglevClient;
const listeners: Server[] = [];

async function listen(address: string, p: number): Promise<Server> {
  const s = createServer((sock) => sock.destroy());
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen(p, address, () => resolve());
  });
  return s;
}

/** Resolves once `ok` holds (vi.waitFor also works in beforeAll, unlike expect.poll). */
async function until(what: string, ok: () => boolean | Promise<boolean>): Promise<void> {
  await vi.waitFor(
    async () => {
      if (!(await ok())) throw new Error(`not yet: ${what}`);
    },
    { timeout: 20_000, interval: 20 },
  );
}

/** Resolves once VPP holds maglevd's current plan (every VIP, every weight). */
async function converged(): Promise<void> {
  await until('VPP holds the plan', () => {
    const want = lbStateFromPlan(maglevd.core.plan());
    const have = simVips(sim);
    if (have.size !== want.vips.length) return false;
    return want.vips.every((v) => {
      const h = have.get(vipKeyString(v));
      return (
        h !== undefined &&
        h.weights.size === v.ases.length &&
        v.ases.every((a) => h.weights.get(a.address) === a.weight)
      );
    });
  });
}

async function states(want: Record<string, string>): Promise<void> {
  await until(`states ${JSON.stringify(want)}`, async () => {
    const r = await client.listBackends();
    return r.backends.filter((b) => b.name in want).every((b) => b.state === want[b.name]);
  });
}

/** Applies `act`, waits until VPP holds the preview's after, and checks it slot by slot. */
async function applyAndCheck(
  preview: pb.ChangePreview,
  before: Map<string, SimVip>,
  act: () => Promise<unknown>,
) {
  await act();
  await until('VPP holds the preview', () => reached(preview, simVips(sim)));
  expectExact(preview, before, simVips(sim));
}

function vip(p: pb.ChangePreview | undefined, frontend: string): pb.VIPChange {
  const v = p?.vips.find((x) => x.frontend === frontend);
  if (!v) throw new Error(`no VIP of ${frontend} in the preview`);
  return v;
}

function server(v: pb.VIPChange, backend: string): pb.ASChange {
  const s = v.servers.find((x) => x.backend === backend);
  if (!s) throw new Error(`no server ${backend} in the preview of ${v.frontend}`);
  return s;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'maglev-preview-d-'));
  const first = await listen(LIVE[0] as string, 0);
  port = (first.address() as { port: number }).port;
  listeners.push(first);
  for (const a of LIVE.slice(1)) listeners.push(await listen(a, port));
  sim = new VppLbSimulator({ socketPath: join(dir, 'api.sock'), clock: () => now });
  await sim.start();
  cfgPath = join(dir, 'maglev.yaml');
  writeFileSync(cfgPath, config());
  maglevd = await Maglevd.create({
    configPath: cfgPath,
    grpcAddr: '127.0.0.1:0',
    metricsAddr: '',
    vppApiAddr: sim.socketPath,
    vppStatsAddr: '',
    logLevel: 'error',
    stateFile: join(dir, 'state.json'),
    reflection: false,
    logStream: new Writable({ write: (_c, _e, cb) => cb() }),
  });
  const { grpcPort } = await maglevd.start();
  client = new MaglevClient(`127.0.0.1:${grpcPort}`);
  await states({ a: 'up', b: 'up', c: 'up', d: 'up', e: 'up', dead: 'down' });
  await converged();
}, 60_000);

afterAll(async () => {
  client?.close();
  await maglevd?.close();
  await sim?.close();
  for (const l of listeners) await new Promise((r) => l.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('dry-run actions', () => {
  it('a weight change: nothing changes until it is applied, then VPP matches the preview', async () => {
    const before = simVips(sim);
    const dry = await client.setFrontendPoolBackendWeight({
      frontend: 'web',
      pool: 'primary',
      backend: 'b',
      weight: 20,
      dryRun: true,
    });
    // The answer is the frontend as it is now, plus the preview.
    expect(dry.pools[0]?.backends.find((m) => m.name === 'b')).toMatchObject({
      weight: 50,
      weightOverridden: false,
    });
    const p = dry.preview as pb.ChangePreview;
    expect(p.before).toBe('vpp');
    const web = vip(p, 'web');
    expect(web).toMatchObject({ change: 'changed', recreated: false, flowTableLength: 1024 });
    expect(web.movedBuckets).toBeGreaterThan(0);
    expect(server(web, 'b')).toMatchObject({
      change: 'changed',
      weightBefore: 50,
      weightAfter: 20,
      flush: false,
    });
    expect(server(web, 'a')).toMatchObject({ change: 'unchanged', weightBefore: 100, weightAfter: 100 });
    expect(server(web, 'a').bucketsAfter).toBeGreaterThan(server(web, 'a').bucketsBefore);
    expect(vip(p, 'api')).toMatchObject({ change: 'unchanged', movedBuckets: 0, servers: [] });
    expect(p).toMatchObject({ vipsChanged: 1, vipsUnchanged: 1, vipsAdded: 0, vipsRemoved: 0 });
    expect(simVips(sim)).toEqual(before);
    expect(maglevd.operatorState.weights).toEqual({});

    await applyAndCheck(p, before, () =>
      client.setFrontendPoolBackendWeight({ frontend: 'web', pool: 'primary', backend: 'b', weight: 20 }),
    );
  });

  it('a weight change with flush flushes even at an unchanged weight', async () => {
    const r = await client.setFrontendPoolBackendWeight({
      frontend: 'web',
      pool: 'primary',
      backend: 'b',
      weight: 20,
      flush: true,
      dryRun: true,
    });
    const web = vip(r.preview, 'web');
    expect(web).toMatchObject({ change: 'changed', movedBuckets: 0 });
    expect(server(web, 'b')).toMatchObject({ change: 'unchanged', flush: true });
  });

  it('pool failover and failback, with and without assume_up', async () => {
    // a paused: primary keeps b and c.
    let before = simVips(sim);
    let r = await client.previewBackendAction('pause', 'a');
    expect(r.state).toBe('up');
    expect(server(vip(r.preview, 'web'), 'a')).toMatchObject({
      weightBefore: 100,
      weightAfter: 0,
      bucketsAfter: 0,
    });
    await applyAndCheck(r.preview as pb.ChangePreview, before, () => client.pauseBackend('a'));

    // c disabled: it leaves web's primary and api's pool, flushed in both.
    before = simVips(sim);
    r = await client.previewBackendAction('disable', 'c');
    expect(server(vip(r.preview, 'web'), 'c')).toMatchObject({ weightAfter: 0, flush: true });
    expect(server(vip(r.preview, 'api'), 'c')).toMatchObject({ weightAfter: 0, flush: true });
    await applyAndCheck(r.preview as pb.ChangePreview, before, () => client.disableBackend('c'));

    // b paused: nothing up in primary, so the fallback pool takes over.
    before = simVips(sim);
    r = await client.previewBackendAction('pause', 'b');
    const web = vip(r.preview, 'web');
    expect(server(web, 'd')).toMatchObject({ weightBefore: 0, weightAfter: 100 });
    expect(server(web, 'e')).toMatchObject({ weightBefore: 0, weightAfter: 100 });
    expect(web.movedBuckets).toBe(1024);
    await applyAndCheck(r.preview as pb.ChangePreview, before, () => client.pauseBackend('b'));

    // Resuming b leaves it unknown at first (weight 0): nothing changes right away...
    const plain = await client.previewBackendAction('resume', 'b');
    expect(vip(plain.preview, 'web').change).toBe('unchanged');
    expect(plain.preview?.assumptions).toEqual([
      expect.objectContaining({ backend: 'b', state: 'unknown', reason: 'resumed' }),
    ]);
    // ...and once its check passes, primary serves again: that is what assume_up shows.
    before = simVips(sim);
    r = await client.previewBackendAction('resume', 'b', { assumeUp: true });
    expect(r.preview?.assumptions[0]).toMatchObject({ backend: 'b', state: 'up' });
    expect(server(vip(r.preview, 'web'), 'b')).toMatchObject({ weightBefore: 0, weightAfter: 20 });
    expect(server(vip(r.preview, 'web'), 'd')).toMatchObject({ weightBefore: 100, weightAfter: 0 });
    await applyAndCheck(r.preview as pb.ChangePreview, before, () => client.resumeBackend('b'));

    for (const [name, act] of [
      ['a', () => client.resumeBackend('a')],
      ['c', () => client.enableBackend('c')],
    ] as const) {
      before = simVips(sim);
      r = await client.previewBackendAction(name === 'a' ? 'resume' : 'enable', name, { assumeUp: true });
      await applyAndCheck(r.preview as pb.ChangePreview, before, act);
    }
    await states({ a: 'up', b: 'up', c: 'up' });
  });

  it('refuses what the action would refuse, and changes nothing', async () => {
    await client.disableBackend('e');
    const err = await client.previewBackendAction('pause', 'e').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MaglevCallError);
    expect((err as MaglevCallError).code).toBe(status.FAILED_PRECONDITION);
    const missing = await client.previewBackendAction('pause', 'nope').catch((e: unknown) => e);
    expect((missing as MaglevCallError).code).toBe(status.NOT_FOUND);
    const range = await client
      .setFrontendPoolBackendWeight({
        frontend: 'web',
        pool: 'primary',
        backend: 'a',
        weight: 101,
        dryRun: true,
      })
      .catch((e: unknown) => e);
    expect((range as MaglevCallError).code).toBe(status.INVALID_ARGUMENT);
    // A dry-run disable of an enabled backend leaves it enabled.
    const r = await client.previewBackendAction('disable', 'd');
    expect(r).toMatchObject({ state: 'up', enabled: true });
    expect((await client.getBackend('d')).state).toBe('up');
    await client.enableBackend('e');
    await states({ e: 'up' });
    await converged();
  });
});

describe('dry-run sync', () => {
  it('previews the repair of drift, then the sync makes exactly that', async () => {
    await converged();
    const conn = new VppConnection({ socketPath: sim.socketPath, clientName: 'drift' });
    await conn.connect();
    try {
      const lb = new VppLbClient(() => conn);
      // Someone set a weight by hand.
      await lb.setAsWeight({ prefix: '198.51.100.1/32', protocol: 6, port: 80 }, LIVE[0] as string, 7, false);
    } finally {
      await conn.close();
    }
    const before = simVips(sim);
    // A sync of api's VIP leaves web's drift alone.
    const one = await client.previewSyncVPPLBState('api');
    expect(one.preview?.vips.map((v) => v.change)).toEqual(['unchanged', 'unchanged']);
    const r = await client.previewSyncVPPLBState();
    expect(r).toMatchObject({ scope: 'all', asWeightUpdated: 0 });
    const web = vip(r.preview, 'web');
    expect(server(web, 'a')).toMatchObject({ weightBefore: 7, weightAfter: 100 });
    expect(simVips(sim)).toEqual(before);
    await applyAndCheck(r.preview as pb.ChangePreview, before, () => client.syncVPPLBState());
    const missing = await client.previewSyncVPPLBState('nope').catch((e: unknown) => e);
    expect((missing as MaglevCallError).code).toBe(status.NOT_FOUND);
  });
});

describe('PlanConfig', () => {
  it('answers parse and semantic errors exactly as CheckConfig', async () => {
    const good = config();
    for (const bad of [
      'maglev:\n  frontends: [oops\n',
      good.replace('healthcheck: tcp }', 'healthcheck: nope }'),
    ]) {
      writeFileSync(cfgPath, bad);
      const check = await client.checkConfig();
      const plan = await client.planConfig();
      expect(check.ok).toBe(false);
      expect({ ok: plan.ok, parseError: plan.parseError, semanticError: plan.semanticError }).toEqual({
        ok: check.ok,
        parseError: check.parseError,
        semanticError: check.semanticError,
      });
      expect(plan.preview).toBeUndefined();
      const viaContent = await client.planConfig({ content: Buffer.from(bad), contentName: cfgPath });
      expect(viaContent.parseError).toBe(check.parseError);
      expect(viaContent.semanticError).toBe(check.semanticError);
    }
    writeFileSync(cfgPath, good);
    const err = await client
      .planConfig({ path: cfgPath, content: Buffer.from(good) })
      .catch((e: unknown) => e);
    expect((err as MaglevCallError).code).toBe(status.INVALID_ARGUMENT);
    const missing = await client.planConfig({ path: join(dir, 'absent.yaml') });
    expect(missing.ok).toBe(false);
    expect(missing.parseError).toContain('absent.yaml');
  });

  it("the running config against itself, read from maglevd's own file: nothing changes", async () => {
    writeFileSync(cfgPath, config());
    const r = await client.planConfig();
    expect(r.ok).toBe(true);
    expect(r.preview?.vips.map((v) => v.change)).toEqual(['unchanged', 'unchanged']);
    expect(r.preview?.lbConfChanged).toBe(false);
  });

  it('a reload that adds and removes servers and frontends matches the simulator afterwards', async () => {
    // f and g answer their checks, h never does; e leaves, api goes, c's weight changes. The
    // operator's weight override on b survives the reload.
    const next = config({
      webPrimary: ', f: {}, g: { weight: 10 }, h: {}',
      webFallback: 'd: {}',
      backends: [
        `    f: { address: ${LIVE[5]}, healthcheck: tcp }`,
        `    g: { address: ${LIVE[6]}, healthcheck: tcp }`,
        `    h: { address: ${DEAD2}, healthcheck: tcp }`,
      ].join('\n'),
      api: false,
      cWeight: 60,
    });
    const path = join(dir, 'next.yaml');
    writeFileSync(path, next);
    const unknown = await client.planConfig({ path });
    // Without assume_up, new backends start unknown, weight 0: nothing new for them yet.
    expect(unknown.preview?.assumptions.map((a) => [a.backend, a.state, a.reason])).toEqual([
      ['f', 'unknown', 'added'],
      ['g', 'unknown', 'added'],
      ['h', 'unknown', 'added'],
    ]);
    expect(server(vip(unknown.preview, 'web'), 'f')).toMatchObject({ change: 'added', weightAfter: 0 });

    const before = simVips(sim);
    const r = await client.planConfig({
      content: Buffer.from(next),
      contentName: 'next.yaml',
      assumeUp: true,
    });
    const p = r.preview as pb.ChangePreview;
    expect(p.assumptions.map((a) => a.state)).toEqual(['up', 'up', 'up']);
    const web = vip(p, 'web');
    expect(server(web, 'f')).toMatchObject({ change: 'added', weightBefore: 0, weightAfter: 100 });
    expect(server(web, 'g')).toMatchObject({ change: 'added', weightAfter: 10 });
    expect(server(web, 'c')).toMatchObject({ change: 'changed', weightBefore: 100, weightAfter: 60 });
    expect(server(web, 'b')).toMatchObject({ weightAfter: 20 });
    expect(server(web, 'e')).toMatchObject({ change: 'removed', flush: true, bucketsAfter: 0 });
    expect(vip(p, 'api')).toMatchObject({ change: 'removed', prefix: '198.51.100.2/32', protocol: 'tcp' });
    expect(p).toMatchObject({ vipsChanged: 1, vipsRemoved: 1 });

    // h's check fails, so VPP ends where the preview would with h down: ask for that preview,
    // assuming up only what answers (the same config, with h at a weight that cannot matter).
    const settled = await client.planConfig({
      content: Buffer.from(next.replace('h: {}', 'h: { weight: 0 }')),
      assumeUp: true,
    });
    writeFileSync(cfgPath, next);
    await applyAndCheck(settled.preview as pb.ChangePreview, before, async () => {
      expect((await client.reloadConfig()).ok).toBe(true);
    });
    await states({ f: 'up', g: 'up', h: 'down' });
    // e lingers in VPP: removed, not yet collected.
    expect(simVips(sim).get('198.51.100.1/32 6 80')?.lingering).toEqual(new Set([LIVE[4]]));
    // And the first preview differs from the settled one only in h's weight.
    expect(
      vip(settled.preview, 'web')
        .servers.filter((x) => x.backend !== 'h')
        .map((x) => x.weightAfter),
    ).toEqual(web.servers.filter((x) => x.backend !== 'h').map((x) => x.weightAfter));
  });

  it('re-adding a server that still lingers in VPP (revived), exactly', async () => {
    // e was removed by the last reload and VPP has not collected it (the clock stands still).
    const next = config({
      webPrimary: ', f: {}',
      webFallback: 'd: {}, e: {}',
      backends: `    f: { address: ${LIVE[5]}, healthcheck: tcp }`,
      api: false,
      cWeight: 60,
    });
    writeFileSync(cfgPath, next);
    const before = simVips(sim);
    const r = await client.planConfig({ assumeUp: true });
    const p = r.preview as pb.ChangePreview;
    const web = vip(p, 'web');
    expect(server(web, 'e')).toMatchObject({ change: 'added', weightAfter: 0 });
    expect(server(web, 'g')).toMatchObject({ change: 'removed' });
    await applyAndCheck(p, before, async () => expect((await client.reloadConfig()).ok).toBe(true));
    // Revived, not added a second time.
    const e = sim
      .getState()
      .vips.find((v) => v.used)
      ?.ases.filter((a) => a.address === LIVE[4]);
    expect(e).toHaveLength(1);
    await states({ e: 'up' });
  });

  it('a weight change after the lingering server is collected, exactly', async () => {
    await converged();
    now += 130;
    const before = simVips(sim);
    expect(before.get('198.51.100.1/32 6 80')?.lingering).toEqual(new Set());
    const r = await client.setFrontendPoolBackendWeight({
      frontend: 'web',
      pool: 'primary',
      backend: 'f',
      weight: 5,
      dryRun: true,
    });
    await applyAndCheck(r.preview as pb.ChangePreview, before, () =>
      client.setFrontendPoolBackendWeight({ frontend: 'web', pool: 'primary', backend: 'f', weight: 5 }),
    );
  });
});

describe('without VPP', () => {
  it("previews against maglevd's current plan, and says so", async () => {
    const path = join(dir, 'novpp.yaml');
    writeFileSync(path, config());
    const d = await Maglevd.create({
      configPath: path,
      grpcAddr: '127.0.0.1:0',
      metricsAddr: '',
      vppApiAddr: '',
      vppStatsAddr: '',
      logLevel: 'error',
      stateFile: '',
      reflection: false,
      logStream: new Writable({ write: (_c, _e, cb) => cb() }),
    });
    const { grpcPort } = await d.start();
    const c = new MaglevClient(`127.0.0.1:${grpcPort}`);
    try {
      await until('a up', async () => (await c.getBackend('a')).state === 'up');
      const same = await c.planConfig();
      expect(same.preview).toMatchObject({ before: 'plan', vipsUnchanged: 2, vipsChanged: 0 });
      const r = await c.previewBackendAction('disable', 'a');
      expect(r.preview?.before).toBe('plan');
      expect(server(vip(r.preview, 'web'), 'a')).toMatchObject({
        weightBefore: 100,
        weightAfter: 0,
        flush: true,
      });
    } finally {
      c.close();
      await d.close();
    }
  });
});
