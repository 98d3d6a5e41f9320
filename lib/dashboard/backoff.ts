/**
 * Reconnect backoff: doubling from `initialMs` up to `maxMs`.
 *
 * @internal
 */
export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
}

/**
 * The delay before reconnect attempt `attempt` (0-based), with "equal jitter": between half
 * and all of the capped exponential delay, so many dashboards restarting together do not
 * reconnect in step. `random` is a number in [0, 1). Pure.
 *
 * @internal
 */
export function backoffDelay(attempt: number, opts: BackoffOptions, random: number): number {
  const exp = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.min(Math.max(0, attempt), 30));
  return Math.round(exp / 2 + (exp / 2) * Math.min(Math.max(random, 0), 1));
}

/**
 * Resolves after `ms`, or at once when the signal aborts (never rejects).
 *
 * @internal
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
