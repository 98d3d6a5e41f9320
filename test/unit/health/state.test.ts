import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyAction,
  applyJitter,
  baseInterval,
  enterUnknown,
  initialDelay,
  isProbing,
  maxCounter,
  nextInterval,
  type RiseFall,
  recordResult,
} from '../../../lib/health/state.js';
import { BACKEND_STATES, type BackendState, type HealthStatus } from '../../../lib/health/types.js';

const RF: RiseFall = { rise: 2, fall: 3 }; // Max = 4, the example of the original's docs
const IV = { interval: 2000, fastInterval: 500, downInterval: 5000 };
const s = (state: BackendState, counter: number): HealthStatus => ({ state, counter });

function run(start: HealthStatus, results: readonly boolean[], rf: RiseFall = RF): HealthStatus[] {
  const out: HealthStatus[] = [];
  let cur = start;
  for (const ok of results) {
    cur = recordResult(cur, ok, rf);
    out.push(cur);
  }
  return out;
}

describe('recordResult: every state × result (rise 2, fall 3)', () => {
  const table: Array<[HealthStatus, boolean, HealthStatus]> = [
    [s('unknown', 1), true, s('up', 2)],
    [s('unknown', 1), false, s('down', 0)],
    [s('up', 2), true, s('up', 3)],
    [s('up', 3), true, s('up', 4)],
    [s('up', 4), true, s('up', 4)], // capped at Max
    [s('up', 4), false, s('up', 3)],
    [s('up', 3), false, s('up', 2)],
    [s('up', 2), false, s('down', 1)],
    [s('down', 0), true, s('down', 1)],
    [s('down', 1), true, s('up', 2)],
    [s('down', 1), false, s('down', 0)],
    [s('down', 0), false, s('down', 0)], // floored at 0
    [s('paused', 3), true, s('paused', 3)],
    [s('paused', 3), false, s('paused', 3)],
    [s('disabled', 1), true, s('disabled', 1)],
    [s('disabled', 1), false, s('disabled', 1)],
    [s('removed', 4), true, s('removed', 4)],
    [s('removed', 0), false, s('removed', 0)],
  ];
  it.each(table)('%o + %s → %o', (from, ok, to) => {
    expect(recordResult(from, ok, RF)).toEqual(to);
  });

  it('covers every state', () => {
    expect(new Set(table.map(([from]) => from.state))).toEqual(new Set(BACKEND_STATES));
  });
});

describe('unknown', () => {
  it.each([
    [1, 1],
    [2, 3],
    [3, 2],
    [5, 5],
  ])('rise %i fall %i: preloaded to rise-1, one pass is up, one failure is down', (rise, fall) => {
    const rf = { rise, fall };
    expect(enterUnknown(rf)).toEqual(s('unknown', rise - 1));
    expect(recordResult(enterUnknown(rf), true, rf).state).toBe('up');
    expect(recordResult(enterUnknown(rf), false, rf).state).toBe('down');
  });

  it('a failure while unknown is down whatever the counter', () => {
    for (let c = 0; c <= maxCounter(RF); c++) {
      const next = recordResult(s('unknown', c), false, RF);
      expect(next.state).toBe('down');
      expect(next.counter).toBeLessThan(RF.rise);
    }
  });
});

describe('rise and fall edges', () => {
  it.each([
    [1, 1],
    [2, 3],
    [3, 2],
    [4, 6],
  ])(
    'rise %i fall %i: fully down needs exactly rise passes, fully up exactly fall failures',
    (rise, fall) => {
      const rf = { rise, fall };
      const ups = run(s('down', 0), new Array(rise).fill(true), rf);
      expect(ups.slice(0, -1).every((x) => x.state === 'down')).toBe(true);
      expect(ups.at(-1)?.state).toBe('up');
      const downs = run(s('up', maxCounter(rf)), new Array(fall).fill(false), rf);
      expect(downs.slice(0, -1).every((x) => x.state === 'up')).toBe(true);
      expect(downs.at(-1)).toEqual(s('down', rise - 1));
    },
  );

  it('the documented example: counter 0 and 1 are down, 2, 3 and 4 are up', () => {
    const states = run(s('down', 0), [true, true, true, true, true]).map((x) => `${x.counter}:${x.state}`);
    expect(states).toEqual(['1:down', '2:up', '3:up', '4:up', '4:up']);
  });
});

describe('alternating results do not flap a settled backend', () => {
  const alternating = (first: boolean, n: number): boolean[] =>
    Array.from({ length: n }, (_, i) => (i % 2 === 0 ? first : !first));
  it.each([
    ['fully up, fail first', s('up', 4), false, 'up'],
    ['fully up, pass first', s('up', 4), true, 'up'],
    ['fully down, pass first', s('down', 0), true, 'down'],
    ['fully down, fail first', s('down', 0), false, 'down'],
    ['one below Max', s('up', 3), false, 'up'],
  ] as const)('%s', (_name, start, first, state) => {
    expect(run(start, alternating(first, 50)).every((x) => x.state === state)).toBe(true);
  });
});

describe('intervals', () => {
  it.each([
    [s('up', 4), IV.interval],
    [s('up', 3), IV.fastInterval],
    [s('up', 2), IV.fastInterval],
    [s('down', 1), IV.fastInterval],
    [s('down', 0), IV.downInterval],
    [s('unknown', 1), IV.fastInterval],
    [s('unknown', 0), IV.fastInterval],
  ])('%o → %i ms', (status, ms) => {
    expect(baseInterval(status, RF, IV)).toBe(ms);
  });

  it('jitter stays within ±10% and reaches both ends', () => {
    expect(applyJitter(1000, () => 0)).toBe(900);
    expect(applyJitter(1000, () => 0.5)).toBe(1000);
    expect(applyJitter(1000, () => 0.999999)).toBeCloseTo(1100, 2);
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 3_600_000 }),
        (r, ms) => {
          const j = applyJitter(ms, () => r);
          return j >= ms * 0.9 - 1e-9 && j < ms * 1.1 + 1e-9;
        },
      ),
    );
  });

  it('nextInterval is the base interval with jitter', () => {
    expect(nextInterval(s('down', 0), RF, IV, () => 0)).toBe(4500);
    expect(nextInterval(s('up', 4), RF, IV, () => 0.5)).toBe(2000);
  });

  it('first probes are spread evenly over one interval', () => {
    const delays = Array.from({ length: 10 }, (_, i) => initialDelay(i, 10, 1000));
    expect(delays).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    expect(initialDelay(0, 1, 1000)).toBe(0);
  });
});

describe('operator actions', () => {
  it.each([
    // action, state, enabled → outcome kind, resulting state, enabled
    ['pause', 'up', true, 'transition', 'paused', true],
    ['pause', 'unknown', true, 'transition', 'paused', true],
    ['pause', 'down', true, 'transition', 'paused', true],
    ['pause', 'paused', true, 'noop', 'paused', true],
    ['pause', 'disabled', false, 'refused-disabled', 'disabled', false],
    ['resume', 'paused', true, 'transition', 'unknown', true],
    ['resume', 'up', true, 'noop', 'up', true],
    ['resume', 'disabled', false, 'refused-disabled', 'disabled', false],
    ['disable', 'up', true, 'transition', 'disabled', false],
    ['disable', 'paused', true, 'transition', 'disabled', false],
    ['disable', 'disabled', false, 'noop', 'disabled', false],
    ['disable', 'disabled', true, 'noop', 'disabled', false], // repairs enabled=true, state disabled
    ['enable', 'disabled', false, 'transition', 'unknown', true],
    ['enable', 'up', true, 'noop', 'up', true],
    ['enable', 'paused', true, 'noop', 'paused', true],
  ] as const)('%s on %s (enabled %s) → %s %s', (action, state, enabled, kind, toState, toEnabled) => {
    const from = s(state, 3);
    const out = applyAction(action, from, enabled, RF);
    expect(out.kind).toBe(kind);
    if (out.kind === 'transition') {
      expect(out.status.state).toBe(toState);
      expect(out.enabled).toBe(toEnabled);
      expect(out.probing).toBe(isProbing(toState));
      if (toState === 'unknown') expect(out.status.counter).toBe(RF.rise - 1);
    } else if (out.kind === 'noop') {
      expect(out.enabled).toBe(toEnabled);
    }
  });
});

describe('properties', () => {
  const rf = fc.record({ rise: fc.integer({ min: 1, max: 10 }), fall: fc.integer({ min: 1, max: 10 }) });
  const results = fc.array(fc.boolean(), { maxLength: 200 });

  it('the counter stays in [0, rise+fall-1] and up iff counter >= rise once out of unknown', () => {
    fc.assert(
      fc.property(rf, results, (rf, rs) => {
        for (const st of run(enterUnknown(rf), rs, rf)) {
          if (st.counter < 0 || st.counter > maxCounter(rf)) return false;
          if (st.state === 'unknown') return false;
          if ((st.state === 'up') !== st.counter >= rf.rise) return false;
        }
        return true;
      }),
    );
  });

  it('inactive states ignore every result', () => {
    fc.assert(
      fc.property(
        rf,
        results,
        fc.constantFrom<BackendState>('paused', 'disabled', 'removed'),
        (rf, rs, state) => {
          const start = s(state, Math.min(rf.rise, maxCounter(rf)));
          return run(start, rs, rf).every((x) => x === start);
        },
      ),
    );
  });

  it('a state change needs the counter to cross rise: one result moves the counter by at most one', () => {
    fc.assert(
      fc.property(rf, results, (rf, rs) => {
        let prev = recordResult(enterUnknown(rf), true, rf);
        for (const st of run(prev, rs, rf)) {
          if (Math.abs(st.counter - prev.counter) > 1) return false;
          if (st.state !== prev.state && (st.state === 'up') !== st.counter >= rf.rise) return false;
          prev = st;
        }
        return true;
      }),
    );
  });

  it('from fully up, fewer than fall failures in a row never take a backend down when passes follow each', () => {
    fc.assert(
      fc.property(rf, fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 50 }), (rf, bursts) => {
        let st = s('up', maxCounter(rf));
        for (const b of bursts) {
          const fails = b % rf.fall; // < fall
          for (let i = 0; i < fails; i++) st = recordResult(st, false, rf);
          if (st.state !== 'up') return false;
          for (let i = 0; i < fails; i++) st = recordResult(st, true, rf);
        }
        return st.state === 'up' && st.counter === maxCounter(rf);
      }),
    );
  });

  it('the interval is always one of the three and the jitter bounds hold', () => {
    fc.assert(
      fc.property(rf, results, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (rf, rs, r) => {
        for (const st of run(enterUnknown(rf), rs, rf)) {
          const base = baseInterval(st, rf, IV);
          if (![IV.interval, IV.fastInterval, IV.downInterval].includes(base)) return false;
          const next = nextInterval(st, rf, IV, () => r);
          if (next < base * 0.9 - 1e-9 || next >= base * 1.1 + 1e-9) return false;
        }
        return true;
      }),
    );
  });
});
