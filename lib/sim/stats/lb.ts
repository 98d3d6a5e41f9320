import {
  LB_VIP_COUNTER_NAMES,
  type LbVipCounterKind,
  ROUTE_TO_COUNTER_NAME,
} from '../../vpp/stats/lb-counters.js';
import type { CounterValue, StatsSegmentWriter } from './writer.js';

/**
 * The lb plugin's and the FIB's counters in a simulated segment, kept the way VPP keeps them:
 * the four per-VIP simple counters appear at the first VIP, are indexed by VIP pool index and
 * zeroed when a VIP (re)uses an index; /net/route/to is a combined counter indexed by the FIB
 * entry's stats index.
 */
export class LbStatsCounters {
  constructor(readonly writer: StatsSegmentWriter) {}

  /** Whether the four lb counters exist yet (VPP registers them at its first VIP). */
  get registered(): boolean {
    return this.writer.entryIndex(LB_VIP_COUNTER_NAMES.next) !== undefined;
  }

  /** Call when VPP would create a VIP at `vipIndex`: registers the counters and zeroes the index. */
  vipCreated(vipIndex: number): void {
    for (const name of Object.values(LB_VIP_COUNTER_NAMES)) {
      if (this.writer.entryIndex(name) === undefined) this.writer.addSimpleCounter(name);
      this.writer.zeroIndex(name, vipIndex);
    }
  }

  /** Counts packets against one VIP on one VPP thread. */
  countVip(vipIndex: number, kind: LbVipCounterKind, packets: CounterValue = 1n, thread = 0): void {
    const name = LB_VIP_COUNTER_NAMES[kind];
    if (this.writer.entryIndex(name) === undefined) this.vipCreated(vipIndex);
    this.writer.incrementSimple(name, thread, vipIndex, packets);
  }

  /** Call when VPP would create a FIB entry's load-balance object: zeroes its route counter. */
  routeCreated(statsIndex: number): void {
    if (this.writer.entryIndex(ROUTE_TO_COUNTER_NAME) === undefined)
      this.writer.addCombinedCounter(ROUTE_TO_COUNTER_NAME);
    this.writer.zeroIndex(ROUTE_TO_COUNTER_NAME, statsIndex);
  }

  /** Counts packets and bytes against a FIB entry's stats index on one VPP thread. */
  countRoute(fibIndex: number, packets: CounterValue, bytes: CounterValue, thread = 0): void {
    if (this.writer.entryIndex(ROUTE_TO_COUNTER_NAME) === undefined)
      this.writer.addCombinedCounter(ROUTE_TO_COUNTER_NAME);
    this.writer.incrementCombined(ROUTE_TO_COUNTER_NAME, thread, fibIndex, packets, bytes);
  }
}
