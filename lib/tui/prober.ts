import type { ProbeOutcome } from './outcome.js';
import { ProbeAbortedError } from './probe.js';
import type { VipTarget } from './targets.js';

/** ±10%: probes of many VIPs started together drift apart instead of arriving in bursts. */
export const DEFAULT_JITTER = 0.1;

/** The pause before the next probe: interval × (1 ± jitter), `random` in [0, 1). */
export function jitteredInterval(intervalMs: number, jitter: number, random: number): number {
  return intervalMs * (1 - jitter + 2 * jitter * random);
}

export type ProbeFn = (target: VipTarget, signal: AbortSignal) => Promise<ProbeOutcome>;

export interface ProberOptions {
  readonly intervalMs: number;
  readonly jitter?: number;
  readonly probe: ProbeFn;
  /** Called with each finished probe (never for aborted ones). */
  readonly onResult: (index: number, outcome: ProbeOutcome) => void;
  /** A probe that threw something other than an abort; the loop goes on. */
  readonly onError?: (index: number, err: unknown) => void;
  readonly random?: () => number;
}

interface Loop {
  timer: NodeJS.Timeout | null;
  inFlight: Promise<void> | null;
}

/**
 * Probes every VIP over and over, one probe at a time per VIP: the next starts a jittered
 * interval after the previous one started, or at once when that one took longer. A VIP that
 * times out is therefore probed about once per timeout. Targets without a probe kind are skipped.
 */
export class Prober {
  readonly #targets: readonly VipTarget[];
  readonly #opts: ProberOptions;
  readonly #loops: Loop[];
  readonly #abort = new AbortController();
  #running = false;
  #paused = false;

  constructor(targets: readonly VipTarget[], opts: ProberOptions) {
    if (!(opts.intervalMs > 0)) throw new RangeError(`probe interval must be > 0 ms, not ${opts.intervalMs}`);
    this.#targets = targets;
    this.#opts = opts;
    this.#loops = targets.map(() => ({ timer: null, inFlight: null }));
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** Starts every VIP's first probe now. */
  start(): void {
    if (this.#running || this.#abort.signal.aborted) return;
    this.#running = true;
    this.#targets.forEach((t, i) => {
      if (t.kind !== null && !this.#paused) this.#schedule(i, 0);
    });
  }

  /** Starts no new probe until resume(); probes in flight finish and are reported. */
  pause(): void {
    this.#paused = true;
    for (const loop of this.#loops) {
      if (loop.timer) clearTimeout(loop.timer);
      loop.timer = null;
    }
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    if (!this.#running) return;
    this.#targets.forEach((t, i) => {
      const loop = this.#loops[i] as Loop;
      if (t.kind !== null && loop.timer === null && loop.inFlight === null) this.#schedule(i, 0);
    });
  }

  #schedule(i: number, delayMs: number): void {
    const loop = this.#loops[i] as Loop;
    loop.timer = setTimeout(() => {
      loop.timer = null;
      this.#run(i);
    }, delayMs);
  }

  #run(i: number): void {
    const loop = this.#loops[i] as Loop;
    const target = this.#targets[i] as VipTarget;
    const started = performance.now();
    const pause = jitteredInterval(
      this.#opts.intervalMs,
      this.#opts.jitter ?? DEFAULT_JITTER,
      (this.#opts.random ?? Math.random)(),
    );
    loop.inFlight = this.#opts.probe(target, this.#abort.signal).then(
      (outcome) => {
        loop.inFlight = null;
        if (this.#abort.signal.aborted) return;
        this.#opts.onResult(i, outcome);
        this.#next(i, started, pause);
      },
      (err: unknown) => {
        loop.inFlight = null;
        if (this.#abort.signal.aborted || err instanceof ProbeAbortedError) return;
        this.#opts.onError?.(i, err);
        this.#next(i, started, pause);
      },
    );
  }

  #next(i: number, started: number, pause: number): void {
    if (!this.#running || this.#paused) return;
    this.#schedule(i, Math.max(0, pause - (performance.now() - started)));
  }

  /** Starts no new probe and waits for those in flight to be reported (each ends by its timeout). */
  async stop(): Promise<void> {
    this.#running = false;
    this.pause();
    await Promise.all(this.#loops.map((l) => l.inFlight));
  }

  /** Stops at once: probes in flight are aborted and not reported. Resolves when all have ended. */
  async close(): Promise<void> {
    this.#running = false;
    this.pause();
    this.#abort.abort();
    await Promise.all(this.#loops.map((l) => l.inFlight));
  }
}
