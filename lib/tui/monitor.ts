import { type Anomaly, classify, DEFAULT_SPIKE_RULE, type SpikeRule } from './classify.js';
import { DEFAULT_ERROR_CAPACITY, type ErrorEntry, ErrorLog } from './error-log.js';
import { DEFAULT_LATENCY_WINDOW, type LatencySummary, LatencyWindow } from './latency.js';
import { type ErrorClass, isFailure, outcomeLabel, type ProbeOutcome } from './outcome.js';
import { DEFAULT_RECENCY_MS, DEFAULT_TALLY_VALUES, HeaderTally, type TallyEntry } from './tally.js';
import type { VipTarget } from './targets.js';

export interface MonitorOptions {
  /** Latency samples kept per VIP. */
  readonly latencyWindow?: number;
  /** A tallied value seen within this many ms is live. */
  readonly recencyMs?: number;
  readonly tallyValues?: number;
  readonly errorCapacity?: number;
  readonly spike?: SpikeRule;
}

/** One VIP's figures at a moment. */
export interface VipRow {
  readonly target: VipTarget;
  /** Probes recorded since the start or the last reset. */
  readonly total: number;
  readonly failed: number;
  /** Successful probes' latency: failures have no answer time to speak of. */
  readonly latency: LatencySummary;
  /** The last probe's label (HTTP status, "open", "timeout", an error code); null before any. */
  readonly last: string | null;
  readonly lastOk: boolean | null;
  readonly tally: readonly TallyEntry[];
}

export interface MonitorSnapshot {
  readonly at: number;
  /** When counting started: the start, or the last reset. */
  readonly since: number;
  readonly rows: readonly VipRow[];
  /** Oldest first. */
  readonly errors: readonly ErrorEntry[];
  readonly errorTotals: Readonly<Record<ErrorClass, number>>;
}

class VipStats {
  total = 0;
  failed = 0;
  last: ProbeOutcome | null = null;
  readonly latency: LatencyWindow;
  readonly tally: HeaderTally;

  constructor(opts: MonitorOptions) {
    this.latency = new LatencyWindow(opts.latencyWindow ?? DEFAULT_LATENCY_WINDOW);
    this.tally = new HeaderTally({
      recencyMs: opts.recencyMs ?? DEFAULT_RECENCY_MS,
      maxValues: opts.tallyValues ?? DEFAULT_TALLY_VALUES,
    });
  }

  record(o: ProbeOutcome, now: number, spike: SpikeRule): Anomaly | null {
    const anomaly = classify(o, {
      p50: this.latency.percentile(50),
      samples: this.latency.size,
      rule: spike,
    });
    this.total++;
    if (isFailure(o)) this.failed++;
    else this.latency.push(o.latencyMs);
    if ((o.kind === 'ok' || o.kind === 'http-error') && o.header !== null) this.tally.add(o.header, now);
    this.last = o;
    return anomaly;
  }
}

/**
 * Everything maglevt shows, fed by probe outcomes: per-VIP counters, latency, the header tally,
 * and the error log. No I/O and no clock of its own, so it is tested with plain values.
 */
export class Monitor {
  readonly targets: readonly VipTarget[];
  readonly #opts: MonitorOptions;
  #stats: VipStats[];
  readonly #errors: ErrorLog;
  #since: number;

  constructor(targets: readonly VipTarget[], now: number, opts: MonitorOptions = {}) {
    this.targets = targets;
    this.#opts = opts;
    this.#stats = targets.map(() => new VipStats(opts));
    this.#errors = new ErrorLog(opts.errorCapacity ?? DEFAULT_ERROR_CAPACITY);
    this.#since = now;
  }

  /** Records the outcome of a probe of targets[index]; returns the anomaly logged, if any. */
  record(index: number, outcome: ProbeOutcome, now: number): Anomaly | null {
    const stats = this.#stats[index];
    const target = this.targets[index];
    if (!stats || !target) throw new RangeError(`no VIP at index ${index}`);
    const anomaly = stats.record(outcome, now, this.#opts.spike ?? DEFAULT_SPIKE_RULE);
    if (anomaly) this.#errors.add(target.name, anomaly.cls, anomaly.detail, now);
    return anomaly;
  }

  /** Forgets every counter, sample, tally and error: counting starts again at `now`. */
  reset(now: number): void {
    this.#stats = this.targets.map(() => new VipStats(this.#opts));
    this.#errors.clear();
    this.#since = now;
  }

  snapshot(now: number): MonitorSnapshot {
    return {
      at: now,
      since: this.#since,
      rows: this.targets.map((target, i) => {
        const s = this.#stats[i] as VipStats;
        return {
          target,
          total: s.total,
          failed: s.failed,
          latency: s.latency.summary(),
          last: s.last === null ? null : outcomeLabel(s.last),
          lastOk: s.last === null ? null : !isFailure(s.last),
          tally: s.tally.entries(now),
        };
      }),
      errors: [...this.#errors.entries()],
      errorTotals: this.#errors.totals(),
    };
  }
}

/** VIPs that were probed and never answered: what makes `maglevt --once` exit 1. */
export function failedVips(snapshot: MonitorSnapshot): VipRow[] {
  return snapshot.rows.filter((r) => r.target.kind !== null && r.failed === r.total);
}
