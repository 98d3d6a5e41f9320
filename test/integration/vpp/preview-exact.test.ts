/**
 * The preview is exact: for random sequences of desired states, the ops a full sync sends are
 * executed against vpp-lb-sim (VPP's lb plugin, on a real socket, through VppLbClient) and the
 * simulator's buckets per server and new-flow tables are compared with what the preview said
 * beforehand: buckets_after per server, and moved_buckets slot by slot. Removed servers linger
 * in the simulator (flags 0) until its garbage collection, which the test drives with the clock,
 * and some steps bring lingering servers back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VIP_FLOW_TABLE_LENGTH } from '../../../lib/plan/plan.js';
import type { DesiredLbState, DesiredVip } from '../../../lib/plan/types.js';
import {
  afterFastPath,
  afterFullSync,
  type ChangePreview,
  lbStateFromPlan,
  type PreviewFrontend,
  previewChange,
} from '../../../lib/reconcile/preview.js';
import type { AsChange } from '../../../lib/reconcile/transition.js';
import { VppLbSimulator } from '../../../lib/sim/server.js';
import { VppLbClient } from '../../../lib/vpp/lb-client.js';
import { type LbConf, vipKeyString } from '../../../lib/vpp/types.js';
import { VppConnection } from '../../../vpp-api/index.js';
import {
  expectExact as expectExactOn,
  type SimVip,
  simVips as simVipsOf,
} from '../../support/preview-check.js';

const CONF: LbConf = {
  ip4SrcAddress: '192.0.2.254',
  ip6SrcAddress: '2001:db8::fe',
  stickyBucketsPerCore: 1024,
  flowTimeout: 40,
};

/** Three VIP shapes: IPv4 per-port, IPv4 all-port, IPv6 per-port with IPv6 servers. */
const VIPS = [
  { prefix: '198.51.100.1/32', protocol: 6, port: 80, encap: 'gre4' as const },
  { prefix: '198.51.100.2/32', protocol: 255, port: 0, encap: 'gre4' as const },
  { prefix: '2001:db8:100::1/128', protocol: 17, port: 53, encap: 'gre6' as const },
];
const V4 = Array.from({ length: 8 }, (_, i) => `10.0.${i % 3}.${10 + i * 7}`);
const V6 = Array.from({ length: 6 }, (_, i) => `2001:db8:1::${(i * 37 + 1).toString(16)}`);

const names = {
  frontendOf: (v: { prefix: string }) => `fe-${v.prefix}`,
  backendOf: (_f: string, a: string) => `be-${a}`,
};

let dir: string;
let now = 0;
let sim: VppLbSimulator;
let conn: VppConnection;
let lb: VppLbClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'maglev-preview-'));
  sim = new VppLbSimulator({ socketPath: join(dir, 'api.sock'), clock: () => now });
  await sim.start();
  conn = new VppConnection({
    socketPath: sim.socketPath,
    clientName: 'preview-test',
    requestTimeoutMs: 10_000,
  });
  await conn.connect();
  lb = new VppLbClient(() => conn);
});

afterAll(async () => {
  await conn?.close();
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

const simVips = (): Map<string, SimVip> => simVipsOf(sim);

async function execute(ops: Parameters<VppLbClient['execute']>[0][]): Promise<void> {
  for (const op of ops) await lb.execute(op);
}

function expectExact(preview: ChangePreview, before: Map<string, SimVip>, after: Map<string, SimVip>): void {
  expectExactOn(preview, before, after);
}

const weight = fc.oneof(fc.constant(0), fc.constant(100), fc.integer({ min: 1, max: 100 }), fc.constant(1));

/** A desired VIP: a random subset of its family's servers, random weights. */
function desiredVip(i: number): fc.Arbitrary<DesiredVip> {
  const shape = VIPS[i] as (typeof VIPS)[number];
  const pool = shape.encap === 'gre4' ? V4 : V6;
  return fc
    .tuple(
      fc.subarray(pool, { minLength: 0 }),
      fc.array(weight, { minLength: pool.length, maxLength: pool.length }),
    )
    .map(([addrs, ws]) => ({
      prefix: shape.prefix,
      protocol: shape.protocol,
      port: shape.port,
      frontend: `fe-${shape.prefix}`,
      encap: shape.encap,
      srcIpSticky: false,
      ases: addrs.map((address) => ({ address, weight: ws[pool.indexOf(address)] as number, flush: false })),
    }));
}

const desiredState: fc.Arbitrary<DesiredLbState> = fc
  .tuple(desiredVip(0), desiredVip(1), desiredVip(2), fc.subarray([0, 1, 2], { minLength: 0 }), fc.boolean())
  .map(([a, b, c, which, sticky]) => ({
    conf: CONF,
    vips: which.map((i) => {
      const v = [a, b, c][i] as DesiredVip;
      // Sometimes the IPv4 per-port VIP changes stickiness: re-created.
      return i === 0 && sticky ? { ...v, srcIpSticky: true } : v;
    }),
  }));

/** A step: optionally let time pass (garbage collection), then converge to a desired state. */
const step = fc.record({ gcSeconds: fc.constantFrom(0, 0, 5, 75), desired: desiredState });

describe('the preview against vpp-lb-sim', () => {
  it('a full sync (reload) leaves exactly the buckets and tables the preview announced', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 2, maxLength: 5 }), async (steps) => {
        for (const s of steps) {
          now += s.gcSeconds;
          const state = await lb.getState();
          const tablesBefore = simVips();
          const applied = afterFullSync(s.desired, state);
          const preview = previewChange(state, 'vpp', applied, names);
          await execute([...applied.ops]);
          expectExact(preview, tablesBefore, simVips());
        }
      }),
      { numRuns: 100 },
    );
  }, 120_000);

  it('counts a lingering server revived by an add, and one collected before it, exactly', async () => {
    const vip = VIPS[0] as (typeof VIPS)[number];
    const desired = (ases: Array<[string, number]>): DesiredLbState => ({
      conf: CONF,
      vips: [
        {
          ...vip,
          frontend: 'web',
          srcIpSticky: false,
          ases: ases.map(([address, w]) => ({ address, weight: w, flush: false })),
        },
      ],
    });
    const converge = async (d: DesiredLbState) => {
      const state = await lb.getState();
      const before = simVips();
      const applied = afterFullSync(d, state);
      const preview = previewChange(state, 'vpp', applied, names);
      await execute([...applied.ops]);
      expectExact(preview, before, simVips());
      return preview;
    };
    await converge({ conf: CONF, vips: [] });
    now += 200; // collect whatever earlier tests left
    await converge(
      desired([
        ['10.0.0.1', 100],
        ['10.0.0.2', 100],
        ['10.0.0.3', 100],
        ['10.0.0.4', 100],
      ]),
    );
    // .2 removed: it lingers with flags 0 and no buckets; the others split its 256.
    const p1 = await converge(
      desired([
        ['10.0.0.1', 100],
        ['10.0.0.3', 100],
        ['10.0.0.4', 100],
      ]),
    );
    const v1 = p1.vips[0];
    expect(v1?.servers.find((s) => s.address === '10.0.0.2')).toMatchObject({
      change: 'removed',
      bucketsBefore: 256,
      bucketsAfter: 0,
      flush: true,
    });
    expect(simVips().get(vipKeyString(vip))?.lingering).toEqual(new Set(['10.0.0.2']));
    // Re-added before GC: VPP revives the slot; the table is the one of the weights alone.
    const p2 = await converge(
      desired([
        ['10.0.0.1', 50],
        ['10.0.0.2', 100],
        ['10.0.0.3', 100],
        ['10.0.0.4', 100],
      ]),
    );
    expect(p2.vips[0]?.servers.map((s) => [s.address, s.bucketsAfter])).toEqual([
      ['10.0.0.1', 150],
      ['10.0.0.2', 292],
      ['10.0.0.3', 291],
      ['10.0.0.4', 291],
    ]);
    expect(
      sim
        .getState()
        .vips.find((v) => v.used)
        ?.ases.filter((a) => a.address === '10.0.0.2'),
    ).toHaveLength(1);
    // Removed again and collected before it comes back: VPP's pass runs on 60 s ticks, at most
    // once a minute per VIP, and frees servers removed at least 10 s before.
    await converge(
      desired([
        ['10.0.0.1', 50],
        ['10.0.0.3', 100],
        ['10.0.0.4', 100],
      ]),
    );
    now += 130;
    expect(simVips().get(vipKeyString(vip))?.lingering.size).toBe(0);
    await converge(
      desired([
        ['10.0.0.1', 50],
        ['10.0.0.2', 0],
        ['10.0.0.3', 100],
        ['10.0.0.4', 100],
      ]),
    );
  });

  it("a fast-path change (operator action) leaves exactly the preview's buckets", async () => {
    const vip = VIPS[0] as (typeof VIPS)[number];
    const base: DesiredVip = {
      ...vip,
      frontend: 'web',
      srcIpSticky: false,
      ases: V4.slice(0, 6).map((address, i) => ({ address, weight: i < 3 ? 100 : 0, flush: false })),
    };
    const state0 = await lb.getState();
    await execute([...afterFullSync({ conf: CONF, vips: [base] }, state0).ops]);
    // Failover: the first three go to 0 (one flushed), the other three to 100.
    const failed: DesiredVip = {
      ...base,
      ases: base.ases.map((a, i) => ({ address: a.address, weight: i < 3 ? 0 : 100, flush: i === 0 })),
    };
    const model: PreviewFrontend = {
      vip: { ...base, frontend: 'web' },
      asCount: failed.ases.length,
      desiredAs: (address) => failed.ases.find((a) => a.address === address),
      desiredVip: () => failed,
    };
    const pending = new Map<string, Map<string, AsChange>>([
      ['web', new Map(failed.ases.map((a, i) => [a.address, i === 0 ? 'transition' : 'weight'] as const))],
    ]);
    const state = await lb.getState();
    const before = simVips();
    const applied = afterFastPath(() => model, pending, state);
    expect(applied.ops.every((op) => op.kind === 'as-weight')).toBe(true);
    const preview = previewChange(state, 'vpp', applied, names);
    await execute([...applied.ops]);
    expectExact(preview, before, simVips());
    const v = preview.vips.find((x) => x.prefix === vip.prefix);
    expect(v?.movedBuckets).toBe(VIP_FLOW_TABLE_LENGTH);
    expect(v?.servers[0]).toMatchObject({
      change: 'changed',
      weightBefore: 100,
      weightAfter: 0,
      flush: true,
    });
  });

  it('previews from the plan equal previews from VPP when VPP follows the plan', async () => {
    const d: DesiredLbState = {
      conf: CONF,
      vips: [
        {
          ...(VIPS[2] as (typeof VIPS)[number]),
          frontend: 'dns',
          srcIpSticky: false,
          ases: V6.slice(0, 4).map((address, i) => ({ address, weight: 25 * (i + 1), flush: false })),
        },
      ],
    };
    const state0 = await lb.getState();
    await execute([...afterFullSync(d, state0).ops]);
    now += 200;
    const fromVpp = await lb.getState();
    const next: DesiredLbState = {
      conf: CONF,
      vips: [{ ...(d.vips[0] as DesiredVip), ases: (d.vips[0] as DesiredVip).ases.slice(1) }],
    };
    const a = previewChange(fromVpp, 'vpp', afterFullSync(next, fromVpp), names);
    const planned = lbStateFromPlan(d);
    const b = previewChange(planned, 'plan', afterFullSync(next, planned), names);
    expect(b.vips).toEqual(a.vips);
  });
});
