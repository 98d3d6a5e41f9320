import type { CombinedCounter, StatsEntry } from './decode.js';
import type { StatsSegmentReader } from './reader.js';

/**
 * The lb plugin's per-VIP counters. The plugin registers them at its first VIP with a bare
 * name (no leading slash, spaces inside), as simple counters indexed [thread][VIP pool index].
 */
export const LB_VIP_COUNTER_NAMES = {
  next: 'packet from existing sessions',
  first: 'first session packet',
  untracked: 'untracked packet',
  noServer: 'no server configured',
} as const;

/** FIB per-route counter: combined (packets, bytes), indexed [thread][FIB entry stats index]. */
export const ROUTE_TO_COUNTER_NAME = '/net/route/to';

export type LbVipCounterKind = keyof typeof LB_VIP_COUNTER_NAMES;

/** One VIP's packet counters, summed over VPP's threads. */
export type LbVipCounters = Record<LbVipCounterKind, bigint>;

export interface LbCountersQuery {
  /** VIP pool indexes to report; default: every index any of the lb vectors has. */
  vipIndexes?: Iterable<number>;
  /**
   * FIB stats indexes to report from /net/route/to; default none (the vector has one slot
   * per FIB entry, which may be a full routing table).
   */
  fibIndexes?: Iterable<number>;
}

export interface LbCountersSnapshot {
  vips: Map<number, LbVipCounters>;
  routes: Map<number, CombinedCounter>;
  /**
   * Counter names absent from the segment (or of an unexpected type). The four lb names are
   * missing until VPP has had its first VIP; their VIPs then read as zero.
   */
  missing: string[];
}

const LB_KINDS = Object.keys(LB_VIP_COUNTER_NAMES) as LbVipCounterKind[];

/** All names readLbVipCounters needs from the segment. */
export const LB_COUNTER_ENTRY_NAMES: readonly string[] = [
  ...Object.values(LB_VIP_COUNTER_NAMES),
  ROUTE_TO_COUNTER_NAME,
];

function sumSimple(values: readonly (readonly bigint[])[], index: number): bigint {
  let sum = 0n;
  for (const thread of values) sum += thread[index] ?? 0n;
  return sum;
}

/** Sums already-decoded entries (keyed by name) per VIP and per route. Pure. */
export function sumLbCounters(
  entries: ReadonlyMap<string, StatsEntry>,
  query: LbCountersQuery = {},
): LbCountersSnapshot {
  const missing: string[] = [];
  const simple = new Map<LbVipCounterKind, bigint[][]>();
  for (const kind of LB_KINDS) {
    const e = entries.get(LB_VIP_COUNTER_NAMES[kind]);
    if (e?.kind === 'simple') simple.set(kind, e.values);
    else missing.push(LB_VIP_COUNTER_NAMES[kind]);
  }
  let vipIndexes: Iterable<number>;
  if (query.vipIndexes !== undefined) {
    vipIndexes = query.vipIndexes;
  } else {
    let width = 0;
    for (const values of simple.values()) for (const thread of values) width = Math.max(width, thread.length);
    vipIndexes = Array.from({ length: width }, (_, i) => i);
  }
  const vips = new Map<number, LbVipCounters>();
  for (const index of vipIndexes) {
    const c: LbVipCounters = { next: 0n, first: 0n, untracked: 0n, noServer: 0n };
    for (const kind of LB_KINDS) {
      const values = simple.get(kind);
      if (values) c[kind] = sumSimple(values, index);
    }
    vips.set(index, c);
  }

  const routes = new Map<number, CombinedCounter>();
  const route = entries.get(ROUTE_TO_COUNTER_NAME);
  if (route?.kind !== 'combined') missing.push(ROUTE_TO_COUNTER_NAME);
  for (const index of query.fibIndexes ?? []) {
    let packets = 0n;
    let bytes = 0n;
    if (route?.kind === 'combined') {
      for (const thread of route.values) {
        const v = thread[index];
        if (v) {
          packets += v.packets;
          bytes += v.bytes;
        }
      }
    }
    routes.set(index, { packets, bytes });
  }
  return { vips, routes, missing };
}

/**
 * Reads the lb plugin's four per-VIP counters and /net/route/to in one consistent pass over
 * the segment and sums them over threads.
 */
export async function readLbVipCounters(
  reader: StatsSegmentReader,
  query: LbCountersQuery = {},
  signal?: AbortSignal,
): Promise<LbCountersSnapshot> {
  const entries = await reader.dumpNames(LB_COUNTER_ENTRY_NAMES, signal);
  return sumLbCounters(entries, query);
}
