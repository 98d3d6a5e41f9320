/**
 * Planner, full diff and fast path against the number of VIPs. Each frontend has two pools of
 * four backends of its own; the fast path transitions one backend, so its cost should stay
 * flat while plan and diff grow with the VIP count.
 */
import type { BackendConfig, Config, FrontendConfig } from '../../lib/config/types.js';
import type { BackendState } from '../../lib/health/types.js';
import { plan } from '../../lib/plan/plan.js';
import { lbCacheFromState } from '../../lib/reconcile/cache.js';
import { diffLbState } from '../../lib/reconcile/diff.js';
import { applyOps } from '../../lib/reconcile/ops.js';
import { indexFrontendsByBackend, planTransition } from '../../lib/reconcile/transition.js';
import type { LbState } from '../../lib/vpp/types.js';

const v4 = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

function buildConfig(vips: number): Config {
  const backends = new Map<string, BackendConfig>();
  const frontends = new Map<string, FrontendConfig>();
  for (let f = 0; f < vips; f++) {
    const pools = [0, 1].map((p) => ({
      name: `pool${p}`,
      backends: [0, 1, 2, 3].map((i) => {
        const name = `be-${f}-${p}-${i}`;
        backends.set(name, {
          name,
          address: v4(f * 8 + p * 4 + i + 1),
          family: 4,
          healthcheck: 'hc',
          enabled: true,
        });
        return { name, weight: 100 };
      }),
    }));
    const name = `fe-${f}`;
    const address = `198.${18 + ((f >> 16) & 1)}.${(f >> 8) & 255}.${f & 255}`;
    frontends.set(name, {
      name,
      description: '',
      address,
      family: 4,
      protocol: 'tcp',
      port: 80,
      srcIpSticky: false,
      flushOnDown: true,
      pools,
    });
  }
  return {
    healthchecker: { transitionHistory: 5, netns: null },
    healthchecks: new Map(),
    backends,
    frontends,
    vpp: {
      lb: {
        syncInterval: 30_000,
        ipv4SrcAddress: '192.0.2.254',
        ipv6SrcAddress: null,
        stickyBucketsPerCore: 65536,
        flowTimeout: 40_000,
        startupMinDelay: 0,
        startupMaxDelay: 0,
      },
    },
  };
}

/** Mean milliseconds per call, after a warm-up of `minMs / 2`, over at least `minMs` of calls. */
function time(fn: () => void, minMs = 500): number {
  const warm = performance.now();
  for (let i = 0; i < 3 || performance.now() - warm < minMs / 2; i++) fn();
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < minMs) {
    fn();
    n++;
    now = performance.now();
  }
  return (now - start) / n;
}

const fmt = (ms: number) => (ms >= 1 ? `${ms.toFixed(1)} ms` : `${(ms * 1000).toFixed(1)} µs`);

const rows: string[] = [];
for (const vips of [100, 1000, 10_000]) {
  const config = buildConfig(vips);
  const states = new Map<string, BackendState>([...config.backends.keys()].map((k) => [k, 'up']));
  const p = plan(config, states);
  const empty: LbState = { conf: p.conf, vips: [] };
  const actual = applyOps(empty, diffLbState(p, empty, { scope: 'all' }));
  // Drift on 1% of the VIPs: one weight off each.
  const drifted: LbState = {
    ...actual,
    vips: actual.vips.map((v, i) =>
      i % 100 === 0 ? { ...v, ases: v.ases.map((a, j) => (j === 0 ? { ...a, weight: 1 } : a)) } : v,
    ),
  };
  const cache = lbCacheFromState(actual);
  const index = indexFrontendsByBackend(config);
  const down = new Map(states).set('be-7-0-0', 'down');

  const tPlan = time(() => plan(config, states));
  const tDiff = time(() => diffLbState(p, drifted, { scope: 'all' }));
  const tIndex = time(() => indexFrontendsByBackend(config));
  const tFast = time(() =>
    planTransition({ config, index, states: down, overrides: new Map(), cache }, ['be-7-0-0']),
  );
  rows.push(`| ${vips} | ${vips * 8} | ${fmt(tPlan)} | ${fmt(tDiff)} | ${fmt(tIndex)} | ${fmt(tFast)} |`);
}

process.stdout.write(
  [
    '| VIPs | ASes | plan (all) | diff (all, 1% drift) | index build | fast path (1 backend) |',
    '|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
  ].join('\n'),
);
