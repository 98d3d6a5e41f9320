import type {
  BackendStateName,
  FrontendStateName,
  FrontendView,
  LbStateView,
  LbVipView,
  PoolMemberView,
} from './types.js';

/**
 * Pure derivations shared by the dashboard server and the single-page app: pool semantics
 * (as maglevd applies them), the frontend health icon, bucket shares and age formatting.
 * No I/O, no imports at runtime.
 */

/**
 * The effective weight of a pool member (ORIGINAL.md §3.2): its weight only when up in the active pool.
 *
 * @internal
 */
export function memberEffectiveWeight(
  state: BackendStateName,
  inActivePool: boolean,
  weight: number,
): number {
  return state === 'up' && inActivePool ? weight : 0;
}

/**
 * The first pool with a member up; 0 when none is (every weight is 0 then anyway).
 *
 * @internal
 */
export function activePoolIndex(pools: FrontendView['pools']): number {
  const i = pools.findIndex((p) => p.backends.some((b) => b.state === 'up'));
  return Math.max(i, 0);
}

/**
 * Frontend aggregate state (ORIGINAL.md §3.4).
 *
 * @internal
 */
export function aggregateFrontendState(
  members: readonly Pick<PoolMemberView, 'state' | 'effectiveWeight'>[],
): FrontendStateName {
  let real = false;
  for (const m of members) {
    if (m.effectiveWeight > 0) return 'up';
    if (m.state === 'up' || m.state === 'down') real = true;
  }
  return real ? 'down' : 'unknown';
}

/**
 * A frontend with one backend's state changed and the pool semantics re-applied, so the page
 * can show a transition at once; maglevd's own view of the frontend follows and wins.
 *
 * @internal
 */
export function withBackendState(fe: FrontendView, backend: string, state: BackendStateName): FrontendView {
  if (!fe.pools.some((p) => p.backends.some((b) => b.name === backend))) return fe;
  const pools = fe.pools.map((p) => ({
    ...p,
    backends: p.backends.map((b) => (b.name === backend ? { ...b, state } : b)),
  }));
  const active = activePoolIndex(pools);
  const weighted = pools.map((p, i) => ({
    ...p,
    backends: p.backends.map((b) => ({
      ...b,
      effectiveWeight: memberEffectiveWeight(b.state, i === active, b.weight),
    })),
  }));
  return {
    ...fe,
    pools: weighted,
    activePool: active,
    state: aggregateFrontendState(weighted.flatMap((p) => p.backends)),
  };
}

/**
 * The health icon of a frontend card (drawn as inline SVG by the web app):
 * - `ok` (green tick): every backend of every pool is up;
 * - `degraded` (amber triangle): the first pool serves, but some backend (in any pool) is not up;
 * - `fallback` (orange disc, one "!"): a later pool serves, the first has nothing up;
 * - `down` (red octagon, "!!"): nothing serves (no member has an effective weight);
 * - `unknown` (grey disc, "?"): nothing is known yet (every backend unknown, paused or disabled).
 * While `settling` (a transition arrived and VPP's lb state was not re-read yet) `down` is
 * shown as `degraded`, so a failover in progress does not flash the red octagon.
 *
 * @internal
 */
export type FrontendHealth = 'ok' | 'degraded' | 'fallback' | 'down' | 'unknown';

/**
 * The health a frontend's row shows, from its members' states and weights (see
 * {@link FrontendHealth}); `settling` softens `down` to `degraded`.
 *
 * @internal
 */
export function frontendHealth(fe: FrontendView, settling = false): FrontendHealth {
  const members = fe.pools.flatMap((p) => p.backends);
  const state = aggregateFrontendState(members);
  if (state === 'unknown') return 'unknown';
  if (state === 'down') return settling ? 'degraded' : 'down';
  const serving = fe.pools.findIndex((p) => p.backends.some((b) => b.effectiveWeight > 0));
  if (serving > 0) return 'fallback';
  return members.every((b) => b.state === 'up') ? 'ok' : 'degraded';
}

/**
 * A tooltip for each {@link FrontendHealth}.
 *
 * @internal
 */
export const HEALTH_TITLES: Readonly<Record<FrontendHealth, string>> = {
  ok: 'all backends serving',
  degraded: 'degraded: some backends are not up',
  fallback: 'serving from a fallback pool',
  down: 'nothing serving',
  unknown: 'state unknown',
};

/**
 * VPP's VIP of a frontend in an lb state, if VPP has it.
 *
 * @internal
 */
export function vipOf(lb: LbStateView | null, frontend: string): LbVipView | undefined {
  return lb?.vips.find((v) => v.frontend === frontend);
}

/**
 * One pool member's slice of the VIP's new-flow table.
 *
 * @internal
 */
export interface BucketShare {
  readonly pool: string;
  readonly backend: string;
  /** null when VPP's lb state does not list the member. */
  readonly buckets: number | null;
  /** buckets / all buckets of the VIP, 0..1; 0 when the VIP has none. */
  readonly share: number;
}

/**
 * Every member's buckets in VPP, in pool order. A backend in two pools shares one AS, so it
 * is counted once (in its first pool); later appearances show its buckets with share 0.
 *
 * @internal
 */
export function bucketShares(fe: FrontendView, lb: LbStateView | null): BucketShare[] {
  const vip = vipOf(lb, fe.name);
  const total = vip ? vip.ases.reduce((n, a) => n + a.buckets, 0) : 0;
  const seen = new Set<string>();
  const out: BucketShare[] = [];
  for (const p of fe.pools) {
    for (const b of p.backends) {
      const as =
        vip?.ases.find((a) => a.backend === b.name) ?? vip?.ases.find((a) => a.address === b.address);
      const buckets = as ? as.buckets : null;
      const first = !seen.has(as?.address ?? `name:${b.name}`);
      seen.add(as?.address ?? `name:${b.name}`);
      out.push({
        pool: p.name,
        backend: b.name,
        buckets,
        share: first && buckets !== null && total > 0 ? buckets / total : 0,
      });
    }
  }
  return out;
}

const UNITS: readonly (readonly [string, number])[] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/**
 * An age in the two largest units: `10m30s`, `1h12m`, `1d16h`, `42s`; `now` under a second.
 * A second unit of 0 is left out (`2h`, not `2h0m`).
 *
 * @internal
 */
export function formatAge(ms: number): string {
  if (!Number.isFinite(ms) || ms < 1000) return 'now';
  let rest = Math.floor(ms);
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    if (parts.length === 0 && rest < size) continue;
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n}${unit}`);
    else if (parts.length > 0) break;
    if (parts.length === 2) break;
  }
  return parts.join('');
}

/**
 * Display names of maglevds: the host of each address, or the whole address where two share
 * a host (several maglevds on one machine, or on loopback in tests).
 *
 * @internal
 */
export function displayNames(addresses: readonly string[]): string[] {
  const hosts = addresses.map(hostOf);
  return addresses.map((a, i) => {
    const h = hosts[i] as string;
    return hosts.filter((x) => x === h).length > 1 ? a : h;
  });
}

/**
 * The host part of "host:port", "[v6]:port", "v6" or "host"; "localhost" for "unix:PATH".
 *
 * @internal
 */
export function hostOf(address: string): string {
  // A unix socket reaches a maglevd on this machine, as grpc-js's authority for it says.
  if (address.startsWith('unix:')) return 'localhost';
  if (address.startsWith('[')) {
    const end = address.indexOf(']');
    return end > 0 ? address.slice(1, end) : address;
  }
  const colons = address.split(':').length - 1;
  if (colons === 1) return address.slice(0, address.indexOf(':'));
  return address;
}
