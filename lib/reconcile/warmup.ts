/**
 * Restart neutrality (ORIGINAL.md §4.5). Straight after a start every backend is unknown, which
 * plans weight 0; syncing then would empty VPP's tables and black-hole new flows until the
 * rise counters catch up. So:
 *   [0, min)    hold: nothing touches VPP;
 *   [min, max)  release: each frontend is synced once every backend it uses has a known state;
 *   max         done: one full sync covers the stragglers and normal operation starts.
 * Both delays 0 disable the warmup. A config reload does not restart it.
 */

/**
 * The phase of the startup warmup: `hold` (nothing touches VPP), `release` (each frontend is
 * synced once its backends are known), `done` (normal operation).
 *
 * @beta
 */
export type WarmupPhase = 'hold' | 'release' | 'done';

/**
 * The warmup phase `elapsedMs` after the start; both delays 0 mean no warmup (`done`).
 *
 * @param minDelayMs - `startup-min-delay`, in milliseconds.
 * @param maxDelayMs - `startup-max-delay`, in milliseconds.
 * @beta
 */
export function warmupPhase(elapsedMs: number, minDelayMs: number, maxDelayMs: number): WarmupPhase {
  if (minDelayMs === 0 && maxDelayMs === 0) return 'done';
  if (elapsedMs < minDelayMs) return 'hold';
  if (elapsedMs < maxDelayMs) return 'release';
  return 'done';
}

/**
 * Tracks which frontends the warmup has released. Times are unix milliseconds.
 *
 * @beta
 */
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

  /** The phase at `now`; `done` once finish() was called, whatever the clock says. */
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

  /** Whether `frontend` may be synced: released, or the warmup is finished. */
  isReleased(frontend: string): boolean {
    return this.#finished || this.#released.has(frontend);
  }

  /** Marks `frontend` released: its backends are known and it was (or is being) synced. */
  release(frontend: string): void {
    this.#released.add(frontend);
  }

  /** Ends the warmup: every frontend counts as released from now on. */
  finish(): void {
    this.#finished = true;
  }

  /** Whether finish() was called, or the warmup was disabled from the start. */
  get finished(): boolean {
    return this.#finished;
  }
}
