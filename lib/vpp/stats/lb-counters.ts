import type { CombinedCounter } from './decode.js';
import type { StatsSegmentReader } from './reader.js';

/**
 * The lb plugin's per-VIP counters, by the key {@link LbVipCounters} uses: packets of existing
 * flows, first packets of new flows, packets not tracked in the sticky table, and packets
 * dropped for want of an application server. The plugin registers them at its first VIP with a
 * bare name (no leading slash, spaces inside), as simple counters indexed [thread][VIP pool index].
 *
 * @public
 */
export const LB_VIP_COUNTER_NAMES = {
  next: 'packet from existing sessions',
  first: 'first session packet',
  untracked: 'untracked packet',
  noServer: 'no server configured',
} as const;

/**
 * FIB per-route counter: combined (packets, bytes), indexed [thread][FIB entry stats index].
 *
 * @public
 */
export const ROUTE_TO_COUNTER_NAME = '/net/route/to';

/**
 * A per-VIP counter of the lb plugin: "next", "first", "untracked" or "noServer" (see
 * {@link LB_VIP_COUNTER_NAMES}).
 *
 * @public
 */
export type LbVipCounterKind = keyof typeof LB_VIP_COUNTER_NAMES;

/**
 * One VIP's packet counters, summed over VPP's threads.
 *
 * @public
 */
export type LbVipCounters = Record<LbVipCounterKind, bigint>;

/**
 * What {@link readLbVipCounters} reads.
 *
 * @public
 */
export interface LbCountersQuery {
  /** VIP pool indexes to report; default: every index any of the lb vectors has. */
  vipIndexes?: Iterable<number>;
  /**
   * FIB stats indexes to report from /net/route/to; default none (the vector has one slot
   * per FIB entry, which may be a full routing table).
   */
  fibIndexes?: Iterable<number>;
}

/**
 * The result of {@link readLbVipCounters}, read in one consistent pass.
 *
 * @public
 */
export interface LbCountersSnapshot {
  /** Counters by VIP pool index (see `LbVip.index`). */
  vips: Map<number, LbVipCounters>;
  /** Packets and bytes routed to each asked-for FIB entry, by its stats index. */
  routes: Map<number, CombinedCounter>;
  /**
   * Counter names absent from the segment (or of an unexpected type). The four lb names are
   * missing until VPP has had its first VIP; their VIPs then read as zero.
   */
  missing: string[];
}

const LB_KINDS = Object.keys(LB_VIP_COUNTER_NAMES) as LbVipCounterKind[];

/**
 * All names readLbVipCounters needs from the segment.
 *
 * @public
 */
export const LB_COUNTER_ENTRY_NAMES: readonly string[] = [
  ...Object.values(LB_VIP_COUNTER_NAMES),
  ROUTE_TO_COUNTER_NAME,
];

function indexList(what: string, indexes: Iterable<number> | undefined): number[] | undefined {
  if (indexes === undefined) return undefined;
  const list = [...indexes];
  for (const i of list) {
    if (!Number.isInteger(i) || i < 0 || i > 0xffff_ffff)
      throw new RangeError(`${what}: ${i} is not a counter index`);
  }
  return list;
}

/**
 * Reads the lb plugin's four per-VIP counters and /net/route/to in one consistent pass over
 * the segment and sums them over threads. Only the spans of the vectors that hold the asked-for
 * indexes are copied out, so a large FIB costs nothing but the routes asked for.
 *
 * @throws RangeError when an index is not an integer in 0..2^32-1; otherwise what
 *   {@link StatsSegmentReader.read} throws.
 * @public
 */
export async function readLbVipCounters(
  reader: StatsSegmentReader,
  query: LbCountersQuery = {},
  signal?: AbortSignal,
): Promise<LbCountersSnapshot> {
  const vipIndexes = indexList('vipIndexes', query.vipIndexes);
  const fibIndexes = indexList('fibIndexes', query.fibIndexes) ?? [];
  return reader.read((view) => {
    const missing: string[] = [];
    const sums = new Map<LbVipCounterKind, bigint[]>();
    let width = 0;
    for (const kind of LB_KINDS) {
      const s = view.sumCounters(LB_VIP_COUNTER_NAMES[kind], vipIndexes);
      if (s?.kind === 'simple') {
        sums.set(kind, s.values);
        width = Math.max(width, s.values.length);
      } else {
        missing.push(LB_VIP_COUNTER_NAMES[kind]);
      }
    }
    // Without a list, every index any vector has; the sums are then positional.
    const indexes = vipIndexes ?? Array.from({ length: width }, (_, i) => i);
    const vips = new Map<number, LbVipCounters>();
    for (const [k, index] of indexes.entries()) {
      const c: LbVipCounters = { next: 0n, first: 0n, untracked: 0n, noServer: 0n };
      for (const kind of LB_KINDS) c[kind] = sums.get(kind)?.[k] ?? 0n;
      vips.set(index, c);
    }

    const routes = new Map<number, CombinedCounter>();
    const route = view.sumCounters(ROUTE_TO_COUNTER_NAME, fibIndexes);
    if (route?.kind !== 'combined') missing.push(ROUTE_TO_COUNTER_NAME);
    for (const [k, index] of fibIndexes.entries()) {
      const v = route?.kind === 'combined' ? route.values[k] : undefined;
      routes.set(index, v ?? { packets: 0n, bytes: 0n });
    }
    return { vips, routes, missing };
  }, signal);
}
