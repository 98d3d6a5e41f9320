/**
 * Restart neutrality (ORIGINAL.md §4.5). Straight after a start every backend is unknown, which
 * plans weight 0; syncing then would empty VPP's tables and black-hole new flows until the
 * rise counters catch up. So:
 *   [0, min)    hold: nothing touches VPP;
 *   [min, max)  release: each frontend is synced once every backend it uses has a known state;
 *   max         done: one full sync covers the stragglers and normal operation starts.
 * Both delays 0 disable the warmup. A config reload does not restart it.
 */
export type WarmupPhase = 'hold' | 'release' | 'done';

export function warmupPhase(elapsedMs: number, minDelayMs: number, maxDelayMs: number): WarmupPhase {
  if (minDelayMs === 0 && maxDelayMs === 0) return 'done';
  if (elapsedMs < minDelayMs) return 'hold';
  if (elapsedMs < maxDelayMs) return 'release';
  return 'done';
}

/** Tracks which frontends the warmup has released. */
export class WarmupTracker {
  readonly #startedAt: number;
  readonly #released = new Set<string>();
  #finished = false;

  constructor(
    startedAt: number,
    private minDelayMs: number,
    private maxDelayMs: number,
  ) {
    this.#startedAt = startedAt;
    if (minDelayMs === 0 && maxDelayMs === 0) this.#finished = true;
  }

  /** A reload may change the delays; the clock keeps running from the original start. */
  setDelays(minDelayMs: number, maxDelayMs: number): void {
    this.minDelayMs = minDelayMs;
    this.maxDelayMs = maxDelayMs;
  }

  phase(now: number): WarmupPhase {
    if (this.#finished) return 'done';
    return warmupPhase(now - this.#startedAt, this.minDelayMs, this.maxDelayMs);
  }

  /** Milliseconds from `now` until the next phase boundary; null when done. */
  nextBoundaryIn(now: number): number | null {
    const p = this.phase(now);
    if (p === 'done') return null;
    const elapsed = now - this.#startedAt;
    return Math.max(0, (p === 'hold' ? this.minDelayMs : this.maxDelayMs) - elapsed);
  }

  isReleased(frontend: string): boolean {
    return this.#finished || this.#released.has(frontend);
  }

  release(frontend: string): void {
    this.#released.add(frontend);
  }

  /** Ends the warmup: every frontend counts as released from now on. */
  finish(): void {
    this.#finished = true;
  }

  get finished(): boolean {
    return this.#finished;
  }
}
