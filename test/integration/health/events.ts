import type { HealthChecker } from '../../../lib/health/checker.js';
import type { HealthCheckerEvents } from '../../../lib/health/types.js';

/** Resolves with the first `event` that satisfies `match`; rejects after `timeoutMs`. */
export function waitFor<K extends keyof HealthCheckerEvents>(
  checker: HealthChecker,
  event: K,
  match: (...args: HealthCheckerEvents[K]) => boolean,
  timeoutMs = 20_000,
): Promise<HealthCheckerEvents[K][0]> {
  return new Promise((resolve, reject) => {
    const listener = (...args: HealthCheckerEvents[K]): void => {
      if (!match(...args)) return;
      clearTimeout(timer);
      checker.off(event, listener as never);
      resolve(args[0]);
    };
    const timer = setTimeout(() => {
      checker.off(event, listener as never);
      reject(new Error(`no matching ${String(event)} event within ${timeoutMs} ms`));
    }, timeoutMs);
    checker.on(event, listener as never);
  });
}

/** Collects every event of one kind until stopped. */
export function record<K extends keyof HealthCheckerEvents>(
  checker: HealthChecker,
  event: K,
): { readonly events: Array<HealthCheckerEvents[K][0]>; stop(): void } {
  const events: Array<HealthCheckerEvents[K][0]> = [];
  const listener = (...args: HealthCheckerEvents[K]): void => {
    events.push(args[0]);
  };
  checker.on(event, listener as never);
  return { events, stop: () => checker.off(event, listener as never) };
}
