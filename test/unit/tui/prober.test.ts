import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProbeOutcome } from '../../../lib/tui/outcome.js';
import { ProbeAbortedError } from '../../../lib/tui/probe.js';
import { jitteredInterval, Prober } from '../../../lib/tui/prober.js';
import type { VipTarget } from '../../../lib/tui/targets.js';
import { target } from './support.js';

const answer: ProbeOutcome = { kind: 'ok', latencyMs: 1, status: 200, header: null };

/** Resolves once `cond` holds, checked after every reported result. */
function waitUntil(cond: () => boolean, hook: { check: () => void }): Promise<void> {
  return new Promise((resolve) => {
    hook.check = () => {
      if (cond()) resolve();
    };
    hook.check();
  });
}

describe('jitteredInterval', () => {
  it('stays within ±jitter of the interval and spans it', () => {
    expect(jitteredInterval(100, 0.1, 0)).toBeCloseTo(90);
    expect(jitteredInterval(100, 0.1, 0.5)).toBeCloseTo(100);
    expect(jitteredInterval(100, 0.1, 0.999999)).toBeCloseTo(110);
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (interval, jitter, r) => {
          const d = jitteredInterval(interval, jitter, r);
          expect(d).toBeGreaterThanOrEqual(interval * (1 - jitter) - 1e-9);
          expect(d).toBeLessThan(interval * (1 + jitter) + 1e-9);
        },
      ),
    );
  });
});

describe('Prober', () => {
  it('probes every probeable VIP repeatedly, one probe at a time per VIP, never the others', async () => {
    const targets = [target('a'), target('udp', { kind: null }), target('b', { kind: 'tcp' })];
    const results: number[] = [];
    const inFlight = new Map<string, number>();
    let overlap = false;
    const hook = { check: () => {} };
    const prober = new Prober(targets, {
      intervalMs: 1,
      probe: async (t: VipTarget) => {
        const n = (inFlight.get(t.name) ?? 0) + 1;
        inFlight.set(t.name, n);
        if (n > 1) overlap = true;
        await new Promise((r) => setImmediate(r));
        inFlight.set(t.name, n - 1);
        return answer;
      },
      onResult: (i) => {
        results.push(i);
        hook.check();
      },
    });
    prober.start();
    await waitUntil(
      () => results.filter((i) => i === 0).length >= 5 && results.filter((i) => i === 2).length >= 5,
      hook,
    );
    await prober.close();
    expect(results).not.toContain(1);
    expect(overlap).toBe(false);
  });

  it('pause starts no new probe; resume starts them again', async () => {
    const hook = { check: () => {} };
    let started = 0;
    let reported = 0;
    const prober = new Prober([target('a')], {
      intervalMs: 1,
      probe: async () => {
        started++;
        return answer;
      },
      onResult: () => {
        reported++;
        hook.check();
      },
    });
    prober.start();
    await waitUntil(() => reported >= 2, hook);
    prober.pause();
    expect(prober.paused).toBe(true);
    // What was in flight when pausing is still reported; nothing after it starts.
    await new Promise((r) => setImmediate(r));
    const frozen = started;
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(started).toBe(frozen);
    prober.resume();
    expect(prober.paused).toBe(false);
    await waitUntil(() => started >= frozen + 3, hook);
    await prober.close();
  });

  it('stop() waits for the probes in flight and reports them', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const reported: ProbeOutcome[] = [];
    let calls = 0;
    const prober = new Prober([target('a')], {
      intervalMs: 1,
      probe: async () => {
        calls++;
        await gate;
        return answer;
      },
      onResult: (_i, o) => reported.push(o),
    });
    prober.start();
    await new Promise((r) => setTimeout(r, 5));
    expect(calls).toBe(1);
    const stopped = prober.stop();
    release();
    await stopped;
    expect(reported).toEqual([answer]);
    expect(calls).toBe(1);
  });

  it('close() aborts the probes in flight, reports nothing more and resolves once they end', async () => {
    const reported: number[] = [];
    let aborted = false;
    const prober = new Prober([target('a'), target('b')], {
      intervalMs: 1,
      probe: (t, signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            reject(new ProbeAbortedError(t.name));
          });
        }),
      onResult: (i) => reported.push(i),
      onError: () => reported.push(-1),
    });
    prober.start();
    await new Promise((r) => setTimeout(r, 5));
    await prober.close();
    expect(aborted).toBe(true);
    expect(reported).toEqual([]);
  });

  it('a probe that throws is reported to onError and the VIP is probed again', async () => {
    const hook = { check: () => {} };
    const errors: unknown[] = [];
    const prober = new Prober([target('a')], {
      intervalMs: 1,
      probe: async () => {
        throw new Error('boom');
      },
      onResult: () => {},
      onError: (_i, e) => {
        errors.push(e);
        hook.check();
      },
    });
    prober.start();
    await waitUntil(() => errors.length >= 3, hook);
    await prober.close();
    expect((errors[0] as Error).message).toBe('boom');
  });

  it('refuses a zero interval', () => {
    expect(() => new Prober([], { intervalMs: 0, probe: async () => answer, onResult: () => {} })).toThrow(
      /interval must be > 0/,
    );
  });
});
