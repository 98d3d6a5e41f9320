/**
 * Checks a change preview against vpp-lb-sim: the simulator's tables are read before the
 * change is applied and after, and every VIP, every server's buckets and every moved slot must
 * be what the preview said. Works for the library's ChangePreview and the gRPC one alike.
 */
import { expect } from 'vitest';
import type { VppLbSimulator } from '../../lib/sim/server.js';
import { vipKeyString } from '../../lib/vpp/types.js';

export interface SimVip {
  /** Table slot → server address, null for drop. */
  readonly owners: (string | null)[];
  /** Active servers → buckets. */
  readonly buckets: Map<string, number>;
  /** Active servers → weight. */
  readonly weights: Map<string, number>;
  /** Removed servers still listed (flags 0). */
  readonly lingering: Set<string>;
}

/** The simulator's active VIPs by key ("prefix protocol port"): tables, buckets, weights. */
export function simVips(sim: VppLbSimulator): Map<string, SimVip> {
  const out = new Map<string, SimVip>();
  for (const v of sim.getState().vips) {
    if (!v.used) continue;
    const byIndex = new Map(v.ases.map((a) => [a.asIndex, a.address]));
    const owners = [...sim.plugin.newFlowTable(v.index)].map((i) =>
      i === 0 ? null : (byIndex.get(i) ?? '?'),
    );
    const buckets = new Map<string, number>();
    const weights = new Map<string, number>();
    const lingering = new Set<string>();
    for (const a of v.ases) {
      if (a.flags === 1) {
        buckets.set(a.address, a.numBuckets);
        weights.set(a.address, a.weight);
      } else lingering.add(a.address);
    }
    out.set(vipKeyString(v), { owners, buckets, weights, lingering });
  }
  return out;
}

/** The parts of a preview the check reads; protocols as numbers or as names. */
export interface CheckedPreview {
  readonly vips: ReadonlyArray<{
    readonly prefix: string;
    readonly protocol: number | string;
    readonly port: number;
    readonly change: string;
    readonly recreated: boolean;
    readonly flowTableLength: number;
    readonly movedBuckets: number;
    readonly servers: ReadonlyArray<{
      readonly address: string;
      readonly change: string;
      readonly weightAfter: number;
      readonly bucketsBefore: number;
      readonly bucketsAfter: number;
    }>;
  }>;
}

const PROTOCOLS: Record<string, number> = { tcp: 6, udp: 17, any: 255 };

export function previewKey(v: CheckedPreview['vips'][number]): string {
  const protocol =
    typeof v.protocol === 'number' ? v.protocol : (PROTOCOLS[v.protocol] ?? Number(v.protocol));
  return vipKeyString({ prefix: v.prefix, protocol, port: v.port });
}

/** True once the simulator holds the preview's "after": the VIP set and every active weight. */
export function reached(preview: CheckedPreview, after: Map<string, SimVip>): boolean {
  const keys = new Set(preview.vips.filter((v) => v.change !== 'removed').map(previewKey));
  if (keys.size !== after.size || [...keys].some((k) => !after.has(k))) return false;
  for (const v of preview.vips) {
    if (v.change === 'unchanged' || v.change === 'removed') continue;
    const a = after.get(previewKey(v)) as SimVip;
    const want = new Map(
      v.servers.filter((s) => s.change !== 'removed').map((s) => [s.address, s.weightAfter]),
    );
    if (want.size !== a.weights.size) return false;
    for (const [addr, w] of want) if (a.weights.get(addr) !== w) return false;
  }
  return true;
}

/**
 * Every VIP, every server's buckets, every moved slot: the preview against the simulator's
 * tables before and after the change. Removed servers of a VIP that stays (and is not
 * re-created) are still listed by the simulator, inactive.
 */
export function expectExact(
  preview: CheckedPreview,
  before: Map<string, SimVip>,
  after: Map<string, SimVip>,
): void {
  const keys = new Set([...before.keys(), ...after.keys()]);
  expect(new Set(preview.vips.map(previewKey))).toEqual(keys);
  for (const v of preview.vips) {
    const k = previewKey(v);
    const b = before.get(k);
    const a = after.get(k);
    if (b === undefined) expect(v.change, k).toBe('added');
    if (a === undefined) expect(v.change, k).toBe('removed');
    if (v.change === 'unchanged') {
      expect(a?.owners, k).toEqual(b?.owners);
      expect(v.movedBuckets).toBe(0);
      continue;
    }
    const length = (a ?? b)?.owners.length ?? 0;
    expect(v.flowTableLength, k).toBe(length);
    const ob = b?.owners ?? new Array<null>(length).fill(null);
    const oa = a?.owners ?? new Array<null>(length).fill(null);
    expect(v.movedBuckets, `${k} moved`).toBe(oa.filter((o, i) => o !== ob[i]).length);
    for (const s of v.servers) {
      expect(s.bucketsBefore, `${k} ${s.address} before`).toBe(b?.buckets.get(s.address) ?? 0);
      expect(s.bucketsAfter, `${k} ${s.address} after`).toBe(a?.buckets.get(s.address) ?? 0);
      // A re-created VIP is a new record: its predecessor keeps the removed servers.
      if (s.change === 'removed' && a !== undefined && !v.recreated) {
        expect(a.lingering.has(s.address), `${k} ${s.address} lingers`).toBe(true);
        expect(a.buckets.has(s.address)).toBe(false);
      }
    }
    // Every server with buckets in the simulator is in the preview.
    for (const [addr, n] of a?.buckets ?? []) {
      if (n > 0)
        expect(
          v.servers.some((s) => s.address === addr && s.bucketsAfter === n),
          `${k} ${addr}`,
        ).toBe(true);
    }
  }
}
