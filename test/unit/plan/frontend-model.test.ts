import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Config } from '../../../lib/config/types.js';
import { ControlPlane } from '../../../lib/daemon/control-plane.js';
import { emptyOperatorState, withWeightOverride } from '../../../lib/daemon/operator-state.js';
import type { BackendState } from '../../../lib/health/types.js';
import { FrontendModel } from '../../../lib/plan/frontend-model.js';
import { plan, planFrontend, weightOverrideKey } from '../../../lib/plan/plan.js';
import type { DesiredAs, FrontendState } from '../../../lib/plan/types.js';
import { makeConfig } from './fixtures.js';

/** Six backends; b2 and b5 share an address, as two backends on one server may. */
const NAMES = ['b1', 'b2', 'b3', 'b4', 'b5', 'b6'];
const ADDRESSES = ['10.0.0.1', '10.0.0.2', '10.0.0.10', '10.0.0.11', '10.0.0.2', '10.0.0.100'];
const STATES: BackendState[] = ['unknown', 'up', 'down', 'paused', 'disabled', 'removed'];

/** Up to 3 frontends of 1-3 pools; a backend may sit in several pools of one frontend. */
const arbConfig: fc.Arbitrary<Config> = fc
  .array(
    fc.record({
      flushOnDown: fc.boolean(),
      pools: fc.array(
        fc
          .subarray(NAMES, { minLength: 1 })
          .chain((ns) =>
            fc.tuple(...ns.map((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: 100 })))),
          ),
        { minLength: 1, maxLength: 3 },
      ),
    }),
    { minLength: 1, maxLength: 3 },
  )
  .map((fes) =>
    makeConfig({
      backends: Object.fromEntries(NAMES.map((n, i) => [n, ADDRESSES[i]!])),
      frontends: Object.fromEntries(
        fes.map((f, i) => [
          `fe${i}`,
          {
            address: `198.51.100.${i + 1}`,
            flushOnDown: f.flushOnDown,
            pools: f.pools.map((p, j) => [`pool${j}`, p] as const),
          },
        ]),
      ),
    }),
  );

type Step =
  | { kind: 'state'; backend: string; state: BackendState }
  | { kind: 'weight'; frontend: number; pool: number; backend: string; weight: number | null };

const arbStep: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('state' as const),
    backend: fc.constantFrom(...NAMES),
    state: fc.constantFrom(...STATES),
  }),
  fc.record({
    kind: fc.constant('weight' as const),
    frontend: fc.nat(2),
    pool: fc.nat(2),
    backend: fc.constantFrom(...NAMES),
    weight: fc.option(fc.integer({ min: 0, max: 100 })),
  }),
);

const asMap = (ases: readonly DesiredAs[]) => new Map(ases.map((a) => [a.address, a]));

describe('FrontendModel', () => {
  it('after any sequence of state and weight changes, plans exactly what planFrontend plans from scratch', () => {
    fc.assert(
      fc.property(arbConfig, fc.array(arbStep, { maxLength: 40 }), (config, steps) => {
        const states = new Map<string, BackendState>();
        const overrides = new Map<string, number>();
        const models = new Map(
          [...config.frontends.values()].map((fe) => [
            fe.name,
            new FrontendModel(config, fe, states, overrides),
          ]),
        );
        for (const step of steps) {
          const before = new Map([...models].map(([n, m]) => [n, asMap(m.desiredVip().ases)]));
          const reported = new Map<string, Set<string>>();
          if (step.kind === 'state') {
            states.set(step.backend, step.state);
            for (const [n, m] of models) reported.set(n, m.setState(step.backend, step.state));
          } else {
            const fe = [...config.frontends.values()][step.frontend];
            const pool = fe?.pools[step.pool];
            if (!fe || !pool?.backends.some((b) => b.name === step.backend)) continue;
            const key = weightOverrideKey(fe.name, pool.name, step.backend);
            if (step.weight === null) overrides.delete(key);
            else overrides.set(key, step.weight);
            reported.set(
              fe.name,
              (models.get(fe.name) as FrontendModel).setWeight(pool.name, step.backend, step.weight),
            );
          }
          for (const fe of config.frontends.values()) {
            const m = models.get(fe.name) as FrontendModel;
            const want = planFrontend(config, fe, states, overrides);
            expect(m.plan()).toEqual(want);
            expect(m.state).toBe(want.state);
            expect(m.activePool).toBe(want.activePool);
            expect(m.asCount).toBe(want.vip.ases.length);
            expect(m.settled).toBe(want.backends.every((b) => b.state !== 'unknown'));
            // Every application server whose desired weight or flush changed was reported.
            const now = asMap(want.vip.ases);
            const was = before.get(fe.name) as Map<string, DesiredAs>;
            for (const a of new Set([...now.keys(), ...was.keys()])) {
              if (JSON.stringify(now.get(a)) !== JSON.stringify(was.get(a))) {
                expect(reported.get(fe.name)?.has(a), `${fe.name} ${a} changed unreported`).toBe(true);
              }
            }
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('a transition in a 10,000-backend frontend touches one server; a failover touches both pools', () => {
    const backends: Record<string, string> = {};
    const primary: Array<[string, number]> = [];
    for (let i = 0; i < 10_000; i++) {
      const name = `b${i}`;
      backends[name] = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      primary.push([name, 100]);
    }
    backends.spare = '10.255.0.1';
    const config = makeConfig({
      backends,
      frontends: {
        big: {
          address: '198.51.100.1',
          pools: [
            ['primary', primary],
            ['fallback', [['spare', 100]]],
          ],
        },
      },
    });
    const states = new Map<string, BackendState>([...config.backends.keys()].map((n) => [n, 'up']));
    const m = new FrontendModel(config, config.frontends.get('big')!, states, new Map());
    expect(m.setState('b7', 'down')).toEqual(new Set([backends.b7]));
    expect(m.desiredAs(backends.b7!)?.weight).toBe(0);
    const sizes: number[] = [];
    for (let i = 0; i < 10_000; i++) if (i !== 7) sizes.push(m.setState(`b${i}`, 'down').size);
    // Each transition touched its own server only, but the last: the failover re-weights both pools.
    expect(sizes.slice(0, -1).every((n) => n === 1)).toBe(true);
    expect(sizes.at(-1)).toBe(10_001);
    expect(m.activePool).toBe(1);
    expect(m.setState('b42', 'up').size).toBe(10_001);
    expect(m.activePool).toBe(0);
    expect(m.setState('b43', 'up')).toEqual(new Set([backends.b43]));
  });
});

describe('ControlPlane', () => {
  const frontendStates = (config: Config, states: Map<string, BackendState>, overrides = new Map()) =>
    new Map([...plan(config, states, overrides).frontends].map(([n, p]) => [n, p.state]));

  it('reports each frontend transition once, as an independent re-plan sees it, and a change set covering every changed server', () => {
    fc.assert(
      fc.property(arbConfig, fc.array(arbStep, { maxLength: 30 }), (config, steps) => {
        const states = new Map<string, BackendState>();
        const core = new ControlPlane(config, states, emptyOperatorState);
        let overrides = new Map<string, number>();
        let seen: Map<string, FrontendState> = frontendStates(config, states);
        for (const step of steps) {
          const before = plan(config, states, overrides);
          let change: ReturnType<ControlPlane['healthTransition']>;
          if (step.kind === 'state') {
            if (step.state === 'removed') continue; // only a reload removes a backend
            const from = states.get(step.backend) ?? 'unknown';
            // The dry run changes nothing, and foresees exactly what the transition hands the
            // fast path.
            const dry = core.dryRunTransition(step.backend, step.state);
            expect(core.plan()).toEqual(before);
            states.set(step.backend, step.state);
            change = core.healthTransition({
              backend: step.backend,
              address: '',
              from,
              to: step.state,
              at: 1,
              code: 'L4OK',
              detail: '',
            });
            expect(change.vips).toEqual(new Map([...dry.pending].filter(([, m]) => m.size > 0)));
          } else {
            const fe = [...config.frontends.values()][step.frontend];
            const pool = fe?.pools[step.pool];
            if (!fe || !pool?.backends.some((b) => b.name === step.backend)) continue;
            const configured = pool.backends.find((b) => b.name === step.backend)!.weight;
            const next = withWeightOverride(
              core.operator,
              config,
              fe.name,
              pool.name,
              step.backend,
              step.weight ?? configured,
            );
            change = core.setOperatorState(next, {
              frontend: fe.name,
              pool: pool.name,
              backend: step.backend,
              flush: false,
            });
            overrides = new Map(core.overrides);
          }
          const after = plan(config, states, overrides);
          expect(core.plan()).toEqual(after);
          const now = frontendStates(config, states, overrides);
          const expected = [...now]
            .filter(([n, s]) => seen.get(n) !== s)
            .map(([n, s]) => [n, seen.get(n), s]);
          expect(change.frontends.map((f) => [f.frontend, f.from, f.to])).toEqual(expected);
          seen = now;
          for (const [name, fp] of after.frontends) {
            const was = asMap(before.frontends.get(name)!.vip.ases);
            for (const a of fp.vip.ases) {
              if (JSON.stringify(was.get(a.address)) !== JSON.stringify(a)) {
                expect(change.vips.get(name)?.has(a.address), `${name} ${a.address}`).toBe(true);
              }
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
