import { formatDuration } from '../util/duration.js';
import type { ErrorClass, ProbeOutcome } from './outcome.js';
import { formatMs } from './units.js';

/**
 * When a successful probe counts as a latency spike: it took at least `factor` times the VIP's
 * rolling median and at least `marginMs` more than it. The margin keeps sub-millisecond jitter
 * on a quiet LAN from being called a spike; the minimum sample count keeps the first probes,
 * which have no median to compare with, from being judged.
 */
export interface SpikeRule {
  readonly factor: number;
  readonly marginMs: number;
  readonly minSamples: number;
}

export const DEFAULT_SPIKE_RULE: SpikeRule = Object.freeze({ factor: 4, marginMs: 50, minSamples: 20 });

/** An anomaly for the error panel. */
export interface Anomaly {
  readonly cls: ErrorClass;
  readonly detail: string;
}

export interface ClassifyContext {
  /** The VIP's rolling median before this probe, null without samples. */
  readonly p50: number | null;
  /** Samples behind that median. */
  readonly samples: number;
  readonly rule?: SpikeRule;
}

export function isSpike(latencyMs: number, ctx: ClassifyContext): boolean {
  const rule = ctx.rule ?? DEFAULT_SPIKE_RULE;
  if (ctx.p50 === null || ctx.samples < rule.minSamples) return false;
  return latencyMs >= ctx.p50 * rule.factor && latencyMs >= ctx.p50 + rule.marginMs;
}

/** Sorts a probe outcome into an error class with a short detail, or null when nothing is wrong. */
export function classify(o: ProbeOutcome, ctx: ClassifyContext): Anomaly | null {
  switch (o.kind) {
    case 'timeout':
      return { cls: 'timeout', detail: `no answer within ${formatDuration(o.timeoutMs)}` };
    case 'http-error':
      return {
        cls: 'http-err',
        detail: o.header === null ? `HTTP ${o.status}` : `HTTP ${o.status} from ${o.header}`,
      };
    case 'net-error':
      return { cls: 'net-err', detail: o.message.includes(o.code) ? o.message : `${o.code}: ${o.message}` };
    case 'ok':
      if (!isSpike(o.latencyMs, ctx)) return null;
      return {
        cls: 'spike',
        detail: `${formatMs(o.latencyMs)} (p50 ${formatMs(ctx.p50 as number)})${o.header === null ? '' : ` from ${o.header}`}`,
      };
  }
}
