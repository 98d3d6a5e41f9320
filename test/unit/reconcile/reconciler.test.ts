import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigLoader } from '../../../lib/config/loader.js';
import type { Config } from '../../../lib/config/types.js';
import { ControlPlane } from '../../../lib/daemon/control-plane.js';
import { emptyOperatorState } from '../../../lib/daemon/operator-state.js';
import type { BackendState } from '../../../lib/health/types.js';
import { plan } from '../../../lib/plan/plan.js';
import { applyOps, type LbOp } from '../../../lib/reconcile/ops.js';
import {
  FrontendNotFoundError,
  type LbDataplane,
  Reconciler,
  VppNotConnectedError,
} from '../../../lib/reconcile/reconciler.js';
import type { LbState } from '../../../lib/vpp/types.js';

const YAML = (warmup: string) => `
maglev:
  healthchecks:
    tcp: { type: tcp, port: 80 }
  backends:
    a1: { address: 10.0.0.1, healthcheck: tcp }
    a2: { address: 10.0.0.2, healthcheck: tcp }
    b1: { address: 10.0.1.1, healthcheck: tcp }
    c1: { address: 10.0.2.1, healthcheck: tcp }
  frontends:
    web:
      address: 192.0.2.1
      port: 80
      pools:
        - name: primary
          backends: { a1: {}, a2: { weight: 50 } }
        - name: fallback
          backends: { b1: {} }
    other:
      address: 192.0.2.2
      port: 443
      pools:
        - name: only
          backends: { c1: {} }
  vpp:
    lb:
      ipv4-src-address: 192.0.2.254
${warmup}
`;

function load(warmup = '      startup-min-delay: 0s\n      startup-max-delay: 0s'): Config {
  return new ConfigLoader().parse(YAML(warmup), { filename: 'test.yaml' });
}

const EMPTY: LbState = {
  conf: {
    ip4SrcAddress: '255.255.255.255',
    ip6SrcAddress: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
    stickyBucketsPerCore: 1024,
    flowTimeout: 40,
  },
  vips: [],
};

/** VPP modelled by applyOps; records what was sent and how often state was read. */
class ModelDataplane implements LbDataplane {
  state: LbState = EMPTY;
  reads = 0;
  sent: LbOp[] = [];
  failNext: ((op: LbOp) => boolean) | null = null;
  async getState(): Promise<LbState> {
    this.reads++;
    return this.state;
  }
  async execute(op: LbOp): Promise<void> {
    this.sent.push(op);
    if (this.failNext?.(op)) {
      this.failNext = null;
      throw new Error('VPP said no (-6)');
    }
    this.state = applyOps(this.state, [op]);
  }
}

function setup(config: Config, now = () => Date.now()) {
  const states = new Map<string, BackendState>([
    ['a1', 'up'],
    ['a2', 'up'],
    ['b1', 'up'],
    ['c1', 'up'],
  ]);
  const dp = new ModelDataplane();
  const syncs: Array<[string, number]> = [];
  const core = new ControlPlane(config, states, emptyOperatorState);
  const r = new Reconciler({
    source: core,
    onSync: (scope, c) => syncs.push([scope, c.as_weight_updated]),
    now,
  });
  /** A health transition through the core, its change set handed to the reconciler. */
  const transition = (backend: string, to: BackendState) => {
    const from = core.states.get(backend) ?? 'unknown';
    states.set(backend, to);
    r.apply(core.healthTransition({ backend, address: '', from, to, at: 0, code: 'L4OK', detail: '' }));
  };
  return { r, dp, states, syncs, transition };
}

function weights(state: LbState, prefix: string): Record<string, number> {
  const v = state.vips.find((x) => x.prefix === prefix);
  return Object.fromEntries((v?.ases ?? []).filter((a) => a.flags === 1).map((a) => [a.address, a.weight]));
}

const until = (cond: () => boolean) =>
  vi.waitFor(() => expect(cond()).toBe(true), { timeout: 10_000, interval: 5 });

afterEach(() => {
  vi.useRealTimers();
});

describe('Reconciler', () => {
  it('refuses to sync while detached, and names unknown frontends', async () => {
    const { r } = setup(load());
    await expect(r.syncAll()).rejects.toBeInstanceOf(VppNotConnectedError);
    await expect(r.syncVip('nope')).rejects.toBeInstanceOf(FrontendNotFoundError);
    await r.close();
  });

  it('pipelines a sync with at most maxOpsInFlight ops unanswered, in order', async () => {
    const config = load();
    const states = new Map<string, BackendState>([
      ['a1', 'up'],
      ['a2', 'up'],
      ['b1', 'up'],
      ['c1', 'up'],
    ]);
    // VPP answering each op on a later turn: several are in flight at once.
    class SlowDataplane extends ModelDataplane {
      inFlight = 0;
      most = 0;
      override async execute(op: LbOp): Promise<void> {
        this.most = Math.max(this.most, ++this.inFlight);
        await new Promise((r) => setImmediate(r));
        this.inFlight--;
        return super.execute(op);
      }
    }
    const dp = new SlowDataplane();
    const r = new Reconciler({
      source: new ControlPlane(config, states, emptyOperatorState),
      maxOpsInFlight: 2,
    });
    r.attach(dp);
    await until(() => dp.state.vips.length === 2);
    const result = await r.syncAll();
    expect(result.errors).toBe(0);
    expect(dp.sent.length).toBeGreaterThan(4);
    expect(dp.most).toBe(2);
    expect(weights(dp.state, '192.0.2.1/32')).toEqual({ '10.0.0.1': 100, '10.0.0.2': 50, '10.0.1.1': 0 });
    await r.close();
  });

  it('a full sync from empty programs conf, VIPs, ASes and weights as planned', async () => {
    const config = load();
    const { r, dp, states } = setup(config);
    r.attach(dp);
    await until(() => dp.state.vips.length === 2);
    const result = await r.syncAll();
    expect(result).toMatchObject({ scope: 'all', vip_added: 0, errors: 0 });
    expect(dp.state.conf.ip4SrcAddress).toBe('192.0.2.254');
    expect(weights(dp.state, '192.0.2.1/32')).toEqual({ '10.0.0.1': 100, '10.0.0.2': 50, '10.0.1.1': 0 });
    const p = plan(config, states, new Map());
    expect(weights(dp.state, '192.0.2.2/32')).toEqual(
      Object.fromEntries(p.frontends.get('other')!.vip.ases.map((a) => [a.address, a.weight])),
    );
    await r.close();
  });

  it('the fast path sends only the set-weight calls of the affected VIP, with flush, and no dump', async () => {
    const { r, dp, transition } = setup(load());
    r.attach(dp);
    await r.syncAll();
    const reads = dp.reads;
    dp.sent = [];
    transition('a1', 'down');
    await until(() => dp.sent.length > 0);
    await r.syncAll().then(() => undefined); // drains the queue; its own diff is then empty
    const fast = dp.sent.filter((op) => op.kind === 'as-weight');
    expect(fast).toEqual([
      {
        kind: 'as-weight',
        vip: { prefix: '192.0.2.1/32', protocol: 6, port: 80 },
        address: '10.0.0.1',
        weight: 0,
        flush: true,
      },
    ]);
    expect(dp.reads).toBe(reads + 1); // only the explicit syncAll read VPP
    await r.close();
  });

  it('coalesces transitions of one event-loop turn and fails over to the next pool', async () => {
    const { r, dp, syncs, transition } = setup(load());
    r.attach(dp);
    await r.syncAll();
    dp.sent = [];
    syncs.length = 0;
    transition('a1', 'down');
    transition('a2', 'down');
    await until(() => syncs.length === 1);
    expect(weights(dp.state, '192.0.2.1/32')).toEqual({ '10.0.0.1': 0, '10.0.0.2': 0, '10.0.1.1': 100 });
    expect(dp.sent.map((op) => op.kind === 'as-weight' && [op.address, op.weight, op.flush])).toEqual([
      ['10.0.0.1', 0, true],
      ['10.0.0.2', 0, true],
      ['10.0.1.1', 100, false],
    ]);
    expect(syncs).toEqual([['vip', 3]]);
    await r.close();
  });

  it('falls back to a sync of the VIP when VPP refuses a fast-path call', async () => {
    const { r, dp, transition } = setup(load());
    r.attach(dp);
    await r.syncAll();
    const reads = dp.reads;
    dp.failNext = (op) => op.kind === 'as-weight';
    transition('c1', 'down');
    await until(() => dp.reads === reads + 1);
    await until(() => weights(dp.state, '192.0.2.2/32')['10.0.2.1'] === 0);
    await r.close();
  });

  it('repairs drift made behind its back on the next full sync', async () => {
    const { r, dp } = setup(load());
    r.attach(dp);
    await r.syncAll();
    dp.state = applyOps(dp.state, [
      {
        kind: 'as-weight',
        vip: { prefix: '192.0.2.1/32', protocol: 6, port: 80 },
        address: '10.0.0.2',
        weight: 7,
        flush: false,
      },
      {
        kind: 'vip-add',
        vip: { prefix: '203.0.113.9/32', protocol: 6, port: 25 },
        encap: 'gre4',
        srcIpSticky: false,
        flowTableLength: 1024,
      },
    ]);
    const result = await r.syncAll();
    expect(result).toMatchObject({ as_weight_updated: 1, vip_removed: 1 });
    expect(weights(dp.state, '192.0.2.1/32')['10.0.0.2']).toBe(50);
    expect(dp.state.vips.map((v) => v.prefix).sort()).toEqual(['192.0.2.1/32', '192.0.2.2/32']);
    await r.close();
  });

  it('warmup: holds, then releases each settled frontend, then syncs everything at the max delay', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const t0 = Date.now();
    const config = load('      startup-min-delay: 5s\n      startup-max-delay: 30s');
    const { r, dp, transition } = setup(config, () => Date.now());
    for (const b of ['a1', 'a2', 'b1', 'c1']) transition(b, 'unknown');
    r.attach(dp);
    await vi.advanceTimersByTimeAsync(4900);
    expect(dp.sent).toEqual([]); // hold: nothing touches VPP, not even a transition
    transition('c1', 'up');
    await vi.advanceTimersByTimeAsync(50);
    expect(dp.sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(400); // into the release phase: "other" is settled
    await until(() => dp.state.vips.length === 1);
    expect(dp.state.vips[0]?.prefix).toBe('192.0.2.2/32');
    expect(weights(dp.state, '192.0.2.2/32')).toEqual({ '10.0.2.1': 100 });
    // "web" still has unknown backends: released only at startup-max-delay by the full sync.
    await vi.advanceTimersByTimeAsync(30_000 - (Date.now() - t0) + 10);
    await until(() => dp.state.vips.length === 2);
    expect(r.warmedUp).toBe(true);
    await r.close();
  });
});
