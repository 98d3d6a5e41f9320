import { describe, expect, it } from 'vitest';
import { diffConfig } from '../../../lib/config/diff.js';
import { HealthChecker } from '../../../lib/health/checker.js';
import type { BackendState } from '../../../lib/health/types.js';
import { FrontendModel } from '../../../lib/plan/frontend-model.js';
import { buildMaglevTable } from '../../../lib/plan/maglev.js';
import type { DesiredLbState } from '../../../lib/plan/types.js';
import {
  afterFullSync,
  compareLbStates,
  healthcheckChangedBackends,
  ip46Bytes,
  lbStateFromPlan,
  namesFromConfigs,
  pendingForWeight,
  statesAfterReload,
} from '../../../lib/reconcile/preview.js';
import { type AsChange, noteTransition } from '../../../lib/reconcile/transition.js';
import type { LbConf } from '../../../lib/vpp/types.js';
import { backend, frontend, healthcheck, makeConfig } from '../../support/health-config.js';

const CONF: LbConf = {
  ip4SrcAddress: '0.0.0.0',
  ip6SrcAddress: '::',
  stickyBucketsPerCore: 1024,
  flowTimeout: 40,
};
const KEY = { prefix: '198.51.100.1/32', protocol: 6, port: 80 };
const names = { frontendOf: () => 'web', backendOf: (_f: string, a: string) => `be-${a}` };

function desired(weights: Record<string, number>, srcIpSticky = false): DesiredLbState {
  return {
    conf: CONF,
    vips: [
      {
        ...KEY,
        frontend: 'web',
        encap: 'gre4',
        srcIpSticky,
        ases: Object.entries(weights).map(([address, weight]) => ({ address, weight, flush: false })),
      },
    ],
  };
}

describe('ip46Bytes', () => {
  it('gives VPP ip46 form: IPv4 after 12 zero bytes, IPv6 as is', () => {
    expect([...ip46Bytes('10.0.0.1')]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 1]);
    expect([...ip46Bytes('2001:db8::1')]).toEqual([
      0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
    ]);
  });
});

describe('compareLbStates', () => {
  const four = { '10.0.0.1': 100, '10.0.0.2': 100, '10.0.0.3': 100, '10.0.0.4': 100 };

  it("reproduces VPP's bucket counts (LB-PLUGIN.md §4.4) and counts moved slots table by table", () => {
    const before = lbStateFromPlan(desired(four));
    const applied = afterFullSync(desired({ ...four, '10.0.0.1': 50 }), before);
    const [v] = compareLbStates(before, applied.after, applied.ops, names);
    expect(v?.change).toBe('changed');
    expect(v?.servers.map((s) => [s.address, s.change, s.bucketsBefore, s.bucketsAfter])).toEqual([
      ['10.0.0.1', 'changed', 256, 150],
      ['10.0.0.2', 'unchanged', 256, 292],
      ['10.0.0.3', 'unchanged', 256, 291],
      ['10.0.0.4', 'unchanged', 256, 291],
    ]);
    const addrs = Object.keys(four);
    const tb = buildMaglevTable(
      addrs.map((a) => ({ address: ip46Bytes(a), weight: 100 })),
      1024,
    );
    const ta = buildMaglevTable(
      addrs.map((a, i) => ({ address: ip46Bytes(a), weight: i === 0 ? 50 : 100 })),
      1024,
    );
    const moved = [...ta].filter((x, i) => x !== tb[i]).length;
    expect(v?.movedBuckets).toBe(moved);
    // At least .1's lost buckets move; Maglev is not minimally disruptive, so others move too.
    expect(moved).toBeGreaterThan(256 - 150);
  });

  it('names an unchanged VIP without listing its servers', () => {
    const before = lbStateFromPlan(desired(four));
    const applied = afterFullSync(desired(four), before);
    expect(applied.ops).toEqual([]);
    expect(compareLbStates(before, applied.after, applied.ops, names)).toEqual([
      {
        ...KEY,
        frontend: 'web',
        change: 'unchanged',
        recreated: false,
        flowTableLength: 1024,
        movedBuckets: 0,
        servers: [],
      },
    ]);
  });

  it('an added VIP moves every bucket that now has a server; one without weight moves none', () => {
    const empty = { conf: CONF, vips: [] };
    const added = afterFullSync(desired(four), empty);
    expect(compareLbStates(empty, added.after, added.ops, names)[0]).toMatchObject({
      change: 'added',
      movedBuckets: 1024,
    });
    const idle = afterFullSync(desired({ '10.0.0.1': 0 }), empty);
    expect(compareLbStates(empty, idle.after, idle.ops, names)[0]).toMatchObject({
      change: 'added',
      movedBuckets: 0,
      servers: [expect.objectContaining({ change: 'added', bucketsAfter: 0 })],
    });
    const removed = afterFullSync({ conf: CONF, vips: [] }, added.after);
    const [r] = compareLbStates(added.after, removed.after, removed.ops, names);
    expect(r).toMatchObject({ change: 'removed', movedBuckets: 1024, flowTableLength: 1024 });
    expect(r?.servers.every((s) => s.change === 'removed' && s.flush && s.bucketsAfter === 0)).toBe(true);
  });

  it('marks a re-created VIP and flushes all its servers, though the table is the same', () => {
    const before = lbStateFromPlan(desired(four));
    const applied = afterFullSync(desired(four, true), before);
    const [v] = compareLbStates(before, applied.after, applied.ops, names);
    expect(v).toMatchObject({ change: 'changed', recreated: true, movedBuckets: 0 });
    expect(v?.servers.every((s) => s.flush && s.change === 'unchanged')).toBe(true);
  });
});

describe('statesAfterReload', () => {
  const hc = healthcheck({ name: 'hc', type: 'tcp' });
  const hc2 = healthcheck({ name: 'hc', type: 'tcp', rise: 3 });
  const fe = (...names_: string[]) => frontend('web', '198.51.100.1', names_);

  it("leaves every backend in the state the health checker's own reload leaves it", () => {
    const current = makeConfig({
      healthchecks: [hc],
      backends: [
        backend({ name: 'kept', address: '10.0.0.1', healthcheck: 'hc' }),
        backend({ name: 'paused', address: '10.0.0.2', healthcheck: 'hc' }),
        backend({ name: 'opdisabled', address: '10.0.0.3', healthcheck: 'hc' }),
        backend({ name: 'yamloff', address: '10.0.0.4', healthcheck: 'hc' }),
        backend({ name: 'yamlon', address: '10.0.0.5', healthcheck: 'hc', enabled: false }),
        backend({ name: 'gone', address: '10.0.0.6', healthcheck: 'hc' }),
        backend({ name: 'pausedhc', address: '10.0.0.7', healthcheck: 'hc' }),
      ],
      frontends: [fe('kept', 'paused', 'opdisabled', 'yamloff', 'yamlon', 'gone', 'pausedhc')],
    });
    const next = makeConfig({
      healthchecks: [hc, { ...hc2, name: 'hc2' }],
      backends: [
        backend({ name: 'kept', address: '10.0.0.1', healthcheck: 'hc' }),
        backend({ name: 'paused', address: '10.0.0.2', healthcheck: 'hc' }),
        backend({ name: 'opdisabled', address: '10.0.0.3', healthcheck: 'hc' }),
        backend({ name: 'yamloff', address: '10.0.0.4', healthcheck: 'hc', enabled: false }),
        backend({ name: 'yamlon', address: '10.0.0.5', healthcheck: 'hc' }),
        backend({ name: 'pausedhc', address: '10.0.0.7', healthcheck: 'hc2' }),
        backend({ name: 'new', address: '10.0.0.8', healthcheck: 'hc' }),
        backend({ name: 'newoff', address: '10.0.0.9', healthcheck: 'hc', enabled: false }),
      ],
      frontends: [fe('kept', 'paused', 'opdisabled', 'yamloff', 'yamlon', 'pausedhc', 'new', 'newoff')],
    });
    const checker = new HealthChecker(current);
    checker.pause('paused');
    checker.pause('pausedhc');
    checker.disable('opdisabled');
    const before = checker.states();
    const hcChanged = new Set(diffConfig(current, next).backends.healthcheckChanged);
    // The same set the health checker restarts, computed per check rather than per backend.
    expect(healthcheckChangedBackends(current, next)).toEqual(hcChanged);
    expect(hcChanged).toEqual(new Set(['pausedhc']));
    const { states, assumptions } = statesAfterReload(current, next, before, hcChanged);
    checker.applyConfig(next);
    expect(states).toEqual(checker.states());
    expect(assumptions).toEqual([
      { backend: 'yamlon', state: 'unknown', reason: 'enabled' },
      { backend: 'pausedhc', state: 'unknown', reason: 'healthcheck changed' },
      { backend: 'new', state: 'unknown', reason: 'added' },
    ]);
    const up = statesAfterReload(current, next, before, hcChanged, true);
    expect(up.states.get('new')).toBe('up');
    expect(up.states.get('kept')).toBe('unknown');
    expect(up.assumptions.every((a) => a.state === 'up')).toBe(true);
    void checker.close();
  });
});

describe('pending changes, as the control plane hands them to the fast path', () => {
  const hc = healthcheck({ name: 'hc', type: 'tcp' });
  const config = makeConfig({
    healthchecks: [hc],
    backends: ['a', 'b', 'c', 'd'].map((n, i) =>
      backend({ name: n, address: `10.0.0.${i + 1}`, healthcheck: 'hc' }),
    ),
    frontends: [frontend('web', '198.51.100.1', ['a', 'b'], ['c', 'd'])],
  });
  const fe = config.frontends.get('web')!;

  it('a transition names its own address; a failover both pools', () => {
    const states = new Map<string, BackendState>([
      ['a', 'up'],
      ['b', 'up'],
      ['c', 'up'],
      ['d', 'up'],
    ]);
    const m = new FrontendModel(config, fe, states, new Map());
    const first = new Map<string, AsChange>();
    noteTransition(first, m, 'a', 'down');
    expect(first).toEqual(new Map([['10.0.0.1', 'transition']]));
    // b goes too: the primary pool has none up, the backup takes over.
    const second = new Map<string, AsChange>();
    noteTransition(second, m, 'b', 'down');
    expect(m.activePool).toBe(1);
    expect(second).toEqual(
      new Map([
        ['10.0.0.1', 'weight'],
        ['10.0.0.2', 'transition'],
        ['10.0.0.3', 'weight'],
        ['10.0.0.4', 'weight'],
      ]),
    );
    // Notes merge: a later weight change never weakens a transition already noted.
    noteTransition(second, m, 'b', 'down');
    expect(second.get('10.0.0.2')).toBe('transition');
  });

  it('a weight change names the member, a flush always', () => {
    expect(pendingForWeight(config, 'a', 100, 100, false)).toEqual(new Map());
    expect(pendingForWeight(config, 'a', 100, 20, false)).toEqual(new Map([['10.0.0.1', 'weight']]));
    expect(pendingForWeight(config, 'a', 100, 100, true)).toEqual(new Map([['10.0.0.1', 'flush']]));
  });

  it('names come from the newer config first, then the older', () => {
    const older = makeConfig({
      healthchecks: [hc],
      backends: [backend({ name: 'old', address: '10.0.0.9', healthcheck: 'hc' })],
      frontends: [frontend('gone', '198.51.100.2', ['old'])],
    });
    const n = namesFromConfigs(config, older);
    expect(n.frontendOf(KEY)).toBe('web');
    expect(n.frontendOf({ prefix: '198.51.100.2/32', protocol: 6, port: 80 })).toBe('gone');
    expect(n.frontendOf({ prefix: '198.51.100.3/32', protocol: 6, port: 80 })).toBe('');
    expect(n.backendOf('web', '10.0.0.3')).toBe('c');
    expect(n.backendOf('gone', '10.0.0.9')).toBe('old');
  });
});
