/**
 * The preview ("plan") of a change: what a reload or an operator action would do to VPP's lb
 * plugin, VIP by VIP, before it is made. Pure: no I/O, no clock.
 *
 * "After" is never estimated. It is derived the way maglevd itself will get there: the ops the
 * reconciler would send (the full diff for a reload, the fast path and the VIP syncs it falls
 * back to for an operator action) are applied to "before" with the model of VPP's handlers
 * (`applyOps`: a deleted AS lingers inactive, an add revives it), and the buckets come from
 * VPP's own Maglev algorithm (`plan/maglev.ts`, which the simulator shares). A table depends
 * only on its length and the set of active servers with weight > 0, so once maglevd has applied
 * the change VPP's buckets per server equal the preview's.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Config } from '../config/types.js';
import type { BackendState } from '../health/types.js';
import { ipSortKey } from '../plan/ip.js';
import { buildMaglevTable, type MaglevBackend, maglevBucketCounts } from '../plan/maglev.js';
import { VIP_FLOW_TABLE_LENGTH } from '../plan/plan.js';
import type { DesiredLbState, DesiredVip } from '../plan/types.js';
import { frontendVipKey, vipSortKey } from '../plan/vip.js';
import type { LbState, LbVip, VipKey } from '../vpp/types.js';
import { vipKeyString } from '../vpp/types.js';
import { type LbCache, lbCacheFromState } from './cache.js';
import { diffLbState, diffVip, type SyncScope } from './diff.js';
import { applyOps, type LbOp, lbConfString } from './ops.js';
import { type AsChange, type FastPathFrontend, planFastPath } from './transition.js';

/**
 * How a VIP or an application server comes out of the change.
 * @beta
 */
export type PreviewChange = 'added' | 'removed' | 'changed' | 'unchanged';

/**
 * One application server of a VIP, before and after.
 * @beta
 */
export interface ServerPreview {
  /** The application server's address. */
  readonly address: string;
  /** The backend at this address in the VIP's frontend; "" if none. */
  readonly backend: string;
  /** By membership and weight; `unchanged` servers may still gain or lose buckets. */
  readonly change: PreviewChange;
  /** Its weight in VPP before the change, 0-100 (0 when it was not there). */
  readonly weightBefore: number;
  /** Its weight in VPP after the change, 0-100 (0 when it goes). */
  readonly weightAfter: number;
  /** Maglev table slots it owns before the change. */
  readonly bucketsBefore: number;
  /** Maglev table slots it owns after the change: exactly what VPP will show. */
  readonly bucketsAfter: number;
  /** The change flushes its established flows (is_flush on delete or set-weight). */
  readonly flush: boolean;
}

/**
 * One VIP, before and after the change.
 * @beta
 */
export interface VipPreview extends VipKey {
  /** The VIP's frontend after the change (before it, for a removed VIP); "" if none. */
  readonly frontend: string;
  /** Whether the VIP is added, removed, changed (its servers or weights) or unchanged. */
  readonly change: PreviewChange;
  /** Deleted and added again (encap or src-ip-sticky differs): every flow loses its server. */
  readonly recreated: boolean;
  /** Length of the new-flow table after the change (before it, for a removed VIP). */
  readonly flowTableLength: number;
  /** Table slots whose server changes, "drop" counting as a server. */
  readonly movedBuckets: number;
  /** Active before or after, in numeric IP order; empty for an unchanged VIP. */
  readonly servers: readonly ServerPreview[];
}

/**
 * A backend whose state the preview had to assume (it starts from unknown).
 * @beta
 */
export interface BackendAssumption {
  /** The backend's name. */
  readonly backend: string;
  /** The state the preview assumed: `unknown` (weight 0), or `up` when asked to assume up. */
  readonly state: BackendState;
  /** Why its state is not known: new, restarted by a health-check change, enabled or resumed. */
  readonly reason: 'added' | 'healthcheck changed' | 'enabled' | 'resumed';
}

/**
 * Where "before" came from: read from VPP, or maglevd's current plan when VPP is not there.
 * @beta
 */
export type PreviewSource = 'vpp' | 'plan';

/**
 * What a change (a reload, an operator action, a sync) would do to VPP, VIP by VIP, computed
 * without changing anything. After applying, VPP's bucket counts equal `bucketsAfter`.
 * @beta
 */
export interface ChangePreview {
  /** Where "before" came from. */
  readonly before: PreviewSource;
  /** Every VIP present before or after, in VIP order. */
  readonly vips: readonly VipPreview[];
  /** The backends whose state the preview assumed. */
  readonly assumptions: readonly BackendAssumption[];
  /** The change would set a different lb_conf. */
  readonly lbConfChanged: boolean;
}

/** Names for the preview's rows: the frontend of a VIP and the backend at an address. */
export interface PreviewNames {
  frontendOf(vip: VipKey): string;
  backendOf(frontend: string, address: string): string;
}

/** The dataplane a plan describes, as VPP would hold it once maglevd has programmed it. */
export function lbStateFromPlan(plan: DesiredLbState): LbState {
  return {
    conf: plan.conf,
    vips: plan.vips.map((v) => ({
      prefix: v.prefix,
      protocol: v.protocol,
      port: v.port,
      encap: v.encap,
      srcIpSticky: v.srcIpSticky,
      index: null,
      flowTableLength: VIP_FLOW_TABLE_LENGTH,
      ases: v.ases.map((a) => ({
        address: a.address,
        weight: a.weight,
        numBuckets: 0,
        flags: 1,
        inUseSince: 0,
      })),
    })),
  };
}

/** What VPP holds after a change, and the ops that take it there. */
export interface Applied {
  readonly after: LbState;
  readonly ops: readonly LbOp[];
}

/**
 * A reload or a sync: the reconciler's sync of `desired` against `before` (scope 'vip' syncs
 * only the VIPs in `desired` and removes none).
 */
export function afterFullSync(desired: DesiredLbState, before: LbState, scope: SyncScope = 'all'): Applied {
  const ops = diffLbState(desired, before, { scope });
  return { after: applyOps(before, ops), ops };
}

/** A frontend's plan as the fast path and its fallback VIP sync read it (a FrontendModel). */
export interface PreviewFrontend extends FastPathFrontend {
  desiredVip(): DesiredVip;
}

/**
 * An operator action: the fast path's set-weight calls for `pending` (frontend → address →
 * change, as the control plane reports them), planned against the cache a sync of `before`
 * leaves; then, for every frontend the fast path could not converge, the VIP sync the
 * reconciler falls back to.
 */
export function afterFastPath(
  model: (frontend: string) => PreviewFrontend | undefined,
  pending: ReadonlyMap<string, ReadonlyMap<string, AsChange>>,
  before: LbState,
): Applied {
  if (pending.size === 0) return { after: before, ops: [] };
  // Only the pending frontends' VIPs can change: work on those alone, and hand every other VIP
  // through as the same object, so the cost is that of the frontends, not of all of VPP.
  const keys = new Set<string>();
  for (const name of pending.keys()) {
    const m = model(name);
    if (m) keys.add(vipKeyString(m.vip));
  }
  const touched: LbVip[] = [];
  const untouched: LbVip[] = [];
  for (const v of before.vips) (keys.has(vipKeyString(v)) ? touched : untouched).push(v);
  const part: LbState = { conf: before.conf, vips: touched };
  const cache: LbCache = lbCacheFromState(part);
  const t = planFastPath(model, pending, cache);
  let after = t.ops.length > 0 ? applyOps(part, t.ops) : part;
  const ops: LbOp[] = [...t.ops];
  for (const name of t.needsSync) {
    const m = model(name);
    if (!m) continue;
    const desired = m.desiredVip();
    const sync = diffVip(desired, mergedVips(after).get(vipKeyString(desired)));
    if (sync.length === 0) continue;
    after = applyOps(after, sync);
    ops.push(...sync);
  }
  return { after: { conf: before.conf, vips: [...untouched, ...after.vips] }, ops };
}

/** VIPs by key; should VPP list a key twice (a deleted VIP's leftovers), its slots are merged. */
function mergedVips(state: LbState): Map<string, LbVip> {
  const m = new Map<string, LbVip>();
  for (const v of state.vips) {
    const k = vipKeyString(v);
    const prev = m.get(k);
    m.set(k, prev === undefined ? v : { ...prev, ases: [...prev.ases, ...v.ases] });
  }
  return m;
}

/** Active application servers (flags 1) by address → weight. */
function activeWeights(vip: LbVip | undefined): Map<string, number> {
  const m = new Map<string, number>();
  for (const a of vip?.ases ?? []) if (a.flags === 1 && !m.has(a.address)) m.set(a.address, a.weight);
  return m;
}

function sameWeights(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, w] of a) if (b.get(k) !== w) return false;
  return true;
}

/** The 16-byte ip46 form VPP sorts and hashes (IPv4: 12 zero bytes and the address). */
export function ip46Bytes(address: string): Uint8Array {
  const key = ipSortKey(address);
  const hex = key.slice(2);
  const out = new Uint8Array(16);
  const offset = 16 - hex.length / 2;
  for (let i = 0; i < hex.length / 2; i++) out[offset + i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Slots per backend index of a table built by buildMaglevTable. */
function countsOf(table: Int32Array, n: number): number[] {
  const counts = new Array<number>(n).fill(0);
  for (let i = 0; i < table.length; i++) {
    const owner = table[i] as number;
    if (owner >= 0) counts[owner] = (counts[owner] as number) + 1;
  }
  return counts;
}

/** Per-server buckets and the moved slots of one VIP whose servers changed. */
function tables(
  addresses: readonly string[],
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
  lengthBefore: number,
  lengthAfter: number,
): { bucketsBefore: number[]; bucketsAfter: number[]; moved: number } {
  const bytes = addresses.map(ip46Bytes);
  const b: MaglevBackend[] = addresses.map((a, i) => ({
    address: bytes[i] as Uint8Array,
    weight: before.get(a) ?? 0,
  }));
  const a: MaglevBackend[] = addresses.map((x, i) => ({
    address: bytes[i] as Uint8Array,
    weight: after.get(x) ?? 0,
  }));
  const zeros = () => addresses.map(() => 0);
  if (lengthBefore !== lengthAfter) {
    // Tables of different lengths share no slots: every new flow is placed afresh.
    return {
      bucketsBefore: maglevBucketCounts(b, lengthBefore),
      bucketsAfter: maglevBucketCounts(a, lengthAfter),
      moved: Math.max(lengthBefore, lengthAfter),
    };
  }
  // Both tables index into `addresses`, so equal numbers mean the same server (-1: drop). A side
  // without a weighted server is all drop: no table to build. Counting a table's slots gives
  // VPP's num_buckets (maglevBucketCounts is the same number in closed form).
  const tb = b.some((x) => x.weight > 0) ? buildMaglevTable(b, lengthBefore) : null;
  const ta = a.some((x) => x.weight > 0) ? buildMaglevTable(a, lengthAfter) : null;
  let moved = 0;
  for (let i = 0; i < lengthAfter; i++) if ((tb?.[i] ?? -1) !== (ta?.[i] ?? -1)) moved++;
  return {
    bucketsBefore: tb ? countsOf(tb, addresses.length) : zeros(),
    bucketsAfter: ta ? countsOf(ta, addresses.length) : zeros(),
    moved,
  };
}

/**
 * Compares VPP's state before and after a change, VIP by VIP. `ops` are the calls that lead
 * from one to the other (for re-creations and flushes, which the states alone do not show).
 */
export function compareLbStates(
  before: LbState,
  after: LbState,
  ops: readonly LbOp[],
  names: PreviewNames,
): VipPreview[] {
  const b = mergedVips(before);
  const a = mergedVips(after);
  const recreated = new Set<string>();
  const flushed = new Set<string>();
  const touched = new Set<string>();
  for (const op of ops) {
    if (op.kind === 'conf-set') continue;
    const k = vipKeyString(op.vip);
    touched.add(k);
    if (op.kind === 'vip-del' && a.has(k)) recreated.add(k);
    if ((op.kind === 'as-del' || op.kind === 'as-weight') && op.flush) flushed.add(`${k} ${op.address}`);
  }

  const keys = new Map<string, VipKey>();
  for (const [k, v] of b) keys.set(k, v);
  for (const [k, v] of a) keys.set(k, v);
  const ordered = [...keys]
    .map(([k, v]) => [vipSortKey(v), k, v] as const)
    .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));

  const out: VipPreview[] = [];
  for (const [, k, key] of ordered) {
    const vb = b.get(k);
    const va = a.get(k);
    const key_: VipKey = { prefix: key.prefix, protocol: key.protocol, port: key.port };
    const frontend = names.frontendOf(key_);
    if (vb !== undefined && vb === va && !touched.has(k)) {
      // Handed through untouched (see afterFastPath): nothing to compare.
      out.push({
        ...key_,
        frontend,
        change: 'unchanged',
        recreated: false,
        flowTableLength: vb.flowTableLength,
        movedBuckets: 0,
        servers: [],
      });
      continue;
    }
    const wb = activeWeights(vb);
    const wa = activeWeights(va);
    const lenB = vb?.flowTableLength ?? 0;
    const lenA = va?.flowTableLength ?? 0;
    const isRecreated = recreated.has(k);
    let anyFlush = false;
    if (touched.has(k))
      for (const addr of new Set([...wb.keys(), ...wa.keys()])) anyFlush ||= flushed.has(`${k} ${addr}`);
    const change: PreviewChange =
      vb === undefined
        ? 'added'
        : va === undefined
          ? 'removed'
          : isRecreated || lenB !== lenA || anyFlush || !sameWeights(wb, wa)
            ? 'changed'
            : 'unchanged';
    const flowTableLength = va?.flowTableLength ?? lenB;
    if (change === 'unchanged') {
      out.push({
        ...key_,
        frontend,
        change,
        recreated: false,
        flowTableLength,
        movedBuckets: 0,
        servers: [],
      });
      continue;
    }
    const addresses = [...new Set([...wb.keys(), ...wa.keys()])]
      .map((x) => [ipSortKey(x), x] as const)
      .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
      .map((x) => x[1]);
    // An absent table drops everything: the same as a table with no weighted server.
    const t = tables(addresses, wb, wa, lenB || lenA, lenA || lenB);
    const servers: ServerPreview[] = addresses.map((address, i) => {
      const before_ = wb.get(address);
      const after_ = wa.get(address);
      return {
        address,
        backend: names.backendOf(frontend, address),
        change:
          before_ === undefined
            ? 'added'
            : after_ === undefined
              ? 'removed'
              : before_ !== after_
                ? 'changed'
                : 'unchanged',
        weightBefore: before_ ?? 0,
        weightAfter: after_ ?? 0,
        bucketsBefore: vb === undefined ? 0 : (t.bucketsBefore[i] as number),
        bucketsAfter: va === undefined ? 0 : (t.bucketsAfter[i] as number),
        flush: isRecreated ? before_ !== undefined : flushed.has(`${k} ${address}`),
      };
    });
    out.push({
      ...key_,
      frontend,
      change,
      recreated: isRecreated,
      flowTableLength,
      movedBuckets: t.moved,
      servers,
    });
  }
  return out;
}

/** The whole preview of a change that took `before` to `applied.after`. */
export function previewChange(
  before: LbState,
  source: PreviewSource,
  applied: Applied,
  names: PreviewNames,
  assumptions: readonly BackendAssumption[] = [],
): ChangePreview {
  return {
    before: source,
    vips: compareLbStates(before, applied.after, applied.ops, names),
    assumptions,
    lbConfChanged: lbConfString(before.conf) !== lbConfString(applied.after.conf),
  };
}

/**
 * The backends present in both configs whose health check differs (another check, or the same
 * check changed): those the health checker restarts, as `diffConfig` lists them. Computed per
 * check rather than per backend, so that 50,000 backends sharing a few checks cost a few
 * comparisons.
 */
export function healthcheckChangedBackends(current: Config, next: Config): Set<string> {
  const same = new Map<string, boolean>();
  const out = new Set<string>();
  for (const [name, nb] of next.backends) {
    const ob = current.backends.get(name);
    if (!ob) continue;
    let unchanged = false;
    if (ob.healthcheck === nb.healthcheck) {
      const known = same.get(nb.healthcheck);
      unchanged =
        known ??
        isDeepStrictEqual(current.healthchecks.get(ob.healthcheck), next.healthchecks.get(nb.healthcheck));
      same.set(nb.healthcheck, unchanged);
    }
    if (!unchanged) out.add(name);
  }
  return out;
}

/**
 * Every backend's state right after a reload to `next`, as the health checker's `applyConfig`
 * leaves it: a new backend, or one whose health check changed, starts unknown (disabled when
 * the YAML disables it); a kept one keeps its state, except that a change of its YAML `enabled`
 * acts as enable or disable. Backends `next` drops are absent. The backends that start from
 * unknown are the preview's assumptions; with `assumeUp` they are planned as up instead.
 */
export function statesAfterReload(
  current: Config,
  next: Config,
  states: ReadonlyMap<string, BackendState>,
  healthcheckChanged: ReadonlySet<string>,
  assumeUp = false,
  /** Backends paused after the reload (a paused backend whose health check changed stays paused). */
  paused: ReadonlySet<string> = new Set(),
): { states: Map<string, BackendState>; assumptions: BackendAssumption[] } {
  const out = new Map<string, BackendState>();
  const assumptions: BackendAssumption[] = [];
  const fresh = (name: string, reason: BackendAssumption['reason']): BackendState => {
    const state: BackendState = assumeUp ? 'up' : 'unknown';
    assumptions.push({ backend: name, state, reason });
    return state;
  };
  for (const b of next.backends.values()) {
    const now = states.get(b.name);
    const was = current.backends.get(b.name);
    if (now === undefined || was === undefined) {
      out.set(b.name, b.enabled ? fresh(b.name, 'added') : 'disabled');
    } else if (healthcheckChanged.has(b.name)) {
      if (!b.enabled) out.set(b.name, 'disabled');
      else out.set(b.name, paused.has(b.name) ? 'paused' : fresh(b.name, 'healthcheck changed'));
    } else if (b.enabled !== was.enabled) {
      if (!b.enabled) out.set(b.name, now === 'removed' ? now : 'disabled');
      else out.set(b.name, now === 'disabled' ? fresh(b.name, 'enabled') : now);
    } else {
      out.set(b.name, now);
    }
  }
  return { states: out, assumptions };
}

/**
 * What the control plane hands the fast path for a pool member's weight change
 * (ControlPlane.setOperatorState): the member's address when its weight changes, and as a
 * flush when one is asked for.
 */
export function pendingForWeight(
  config: Config,
  backend: string,
  weightBefore: number,
  weightAfter: number,
  flush: boolean,
): Map<string, AsChange> {
  const pending = new Map<string, AsChange>();
  const address = config.backends.get(backend)?.address;
  if (address === undefined) return pending;
  if (flush) pending.set(address, 'flush');
  else if (weightBefore !== weightAfter) pending.set(address, 'weight');
  return pending;
}

/**
 * Names from configs, the first that knows a VIP or frontend winning: pass the config after the
 * change first, then the one before it, so a removed VIP is still named.
 */
export function namesFromConfigs(...configs: readonly Config[]): PreviewNames {
  let byVip: Map<string, string> | null = null;
  const byFrontend = new Map<string, Map<string, string>>();
  return {
    frontendOf(vip) {
      if (byVip === null) {
        byVip = new Map();
        for (const c of [...configs].reverse())
          for (const fe of c.frontends.values()) byVip.set(vipKeyString(frontendVipKey(fe)), fe.name);
      }
      return byVip.get(vipKeyString(vip)) ?? '';
    },
    backendOf(frontend, address) {
      let m = byFrontend.get(frontend);
      if (m === undefined) {
        m = new Map();
        for (const c of [...configs].reverse()) {
          const fe = c.frontends.get(frontend);
          if (!fe) continue;
          const own = new Map<string, string>();
          for (const pool of fe.pools)
            for (const member of pool.backends) {
              const a = c.backends.get(member.name)?.address;
              if (a !== undefined && !own.has(a)) own.set(a, member.name);
            }
          for (const [a, name] of own) m.set(a, name);
        }
        byFrontend.set(frontend, m);
      }
      return m.get(address) ?? '';
    },
  };
}
