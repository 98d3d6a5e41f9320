/**
 * The reconciler's diff: the ordered lb plugin calls that turn VPP's actual state into the
 * desired one. Pure and deterministic: the same desired and actual state give the same ops,
 * whatever the order of their lists.
 *
 * Order of the ops:
 * 1. `conf-set`, when the desired lb conf differs from VPP's (scope 'all' only);
 * 2. stale VIPs (scope 'all' only), in VIP order: each one's active ASes deleted with flush in
 *    numeric IP order, then the VIP deleted. Removals come before any add, so a frontend
 *    that changes between per-port and all-port on one address never meets VPP's conflict check;
 * 3. desired VIPs, in VIP order (prefix numerically with IPv4 first, protocol, port), one block
 *    each: a missing VIP is added, then its ASes; a VIP whose encap or src-ip-sticky differs is
 *    re-created (ASes deleted with flush, VIP deleted, VIP added, ASes added); otherwise stale
 *    ASes are deleted with flush, then missing ASes are added and differing weights set, all in
 *    numeric IP order, IPv4 first. VPP breaks Maglev ties by insertion order, so this order is
 *    what makes two maglevds build the same table.
 *
 * Rules:
 * - Only active AS slots (flags 1) are present; a removed one (flags 0, awaiting VPP's garbage
 *   collection) is absent. Adding it again is still an `as-add`: VPP revives the slot.
 * - Weights are set only where they differ. The op carries the desired AS's flush, so a backend
 *   whose transition the fast path missed is still flushed when the full sync lowers its weight.
 *   An AS already at weight 0 is left alone even if its state asks for a flush: flushing on
 *   every periodic sync would break flows again and again. Flushes on a transition to a state
 *   that asks for one are the fast path's job (`planTransition`).
 * - `srcIpSticky: null` in the actual state means VPP's stickiness could not be read; it never
 *   causes a re-creation (otherwise every sync would re-create the VIP). A known value that
 *   differs does. A differing encap always does.
 * - Scope 'vip' syncs only the VIPs in `desired.vips`: it neither removes VIPs nor sets the conf.
 */
import { ipSortKey } from '../plan/ip.js';
import { VIP_FLOW_TABLE_LENGTH } from '../plan/plan.js';
import type { DesiredAs, DesiredLbState, DesiredVip } from '../plan/types.js';
import { vipSortKey } from '../plan/vip.js';
import { type LbState, type LbVip, type VipKey, vipKeyString } from '../vpp/types.js';
import { type LbOp, lbConfString } from './ops.js';

/**
 * What a sync covers: `all` converges every VIP and the lb conf and removes stale VIPs; `vip`
 * converges only the given VIPs and never removes one.
 *
 * @public
 */
export type SyncScope = 'all' | 'vip';

/**
 * Options of {@link diffLbState}.
 *
 * @public
 */
export interface DiffOptions {
  /** What the diff covers. */
  readonly scope: SyncScope;
}

/**
 * A desired state that cannot be programmed as given (duplicate VIP or AS).
 *
 * @public
 */
export class DesiredStateError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'DESIRED_STATE' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'DesiredStateError';
  constructor(
    /** The VIP concerned, as `vipKeyString` renders it. */
    readonly vip: string,
    message: string,
  ) {
    super(`desired VIP ${vip}: ${message}`);
  }
}

function byKey<T>(items: readonly T[], key: (t: T) => string): T[] {
  return items
    .map((t) => [key(t), t] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map((x) => x[1]);
}

/** Active ASes (flags 1) by address → weight, sorted in numeric IP order. */
function activeAses(vip: LbVip): Map<string, number> {
  const m = new Map<string, number>();
  for (const a of byKey(vip.ases, (a) => ipSortKey(a.address))) {
    if (a.flags === 1 && !m.has(a.address)) m.set(a.address, a.weight);
  }
  return m;
}

function keyOf(v: VipKey): VipKey {
  return { prefix: v.prefix, protocol: v.protocol, port: v.port };
}

function deleteAses(ops: LbOp[], vip: VipKey, addresses: Iterable<string>): void {
  for (const address of addresses) ops.push({ kind: 'as-del', vip, address, flush: true });
}

function addVip(ops: LbOp[], d: DesiredVip, ases: readonly DesiredAs[]): void {
  const vip = keyOf(d);
  ops.push({
    kind: 'vip-add',
    vip,
    encap: d.encap,
    srcIpSticky: d.srcIpSticky,
    flowTableLength: VIP_FLOW_TABLE_LENGTH,
  });
  for (const a of ases) ops.push({ kind: 'as-add', vip, address: a.address, weight: a.weight, flush: false });
}

/**
 * Whether a VIP must be deleted and added again to reach the desired encap and stickiness.
 * An unknown actual stickiness (null) never asks for it.
 *
 * @public
 */
export function needsRecreate(
  desired: Pick<DesiredVip, 'encap' | 'srcIpSticky'>,
  actual: Pick<LbVip, 'encap' | 'srcIpSticky'>,
): boolean {
  return (
    actual.encap !== desired.encap ||
    (actual.srcIpSticky !== null && actual.srcIpSticky !== desired.srcIpSticky)
  );
}

/**
 * The ops for one desired VIP against its actual counterpart (undefined: absent from VPP), in
 * the order {@link diffLbState} describes.
 *
 * @throws {@link DesiredStateError} when the desired VIP lists an application server twice.
 * @public
 */
export function diffVip(d: DesiredVip, a: LbVip | undefined): LbOp[] {
  const ops: LbOp[] = [];
  const vip = keyOf(d);
  const ases = byKey(d.ases, (x) => ipSortKey(x.address));
  for (let i = 1; i < ases.length; i++) {
    if (ases[i]!.address === ases[i - 1]!.address) {
      throw new DesiredStateError(vipKeyString(d), `application server ${ases[i]!.address} listed twice`);
    }
  }
  if (a === undefined) {
    addVip(ops, d, ases);
    return ops;
  }
  const present = activeAses(a);
  if (needsRecreate(d, a)) {
    deleteAses(ops, vip, present.keys());
    ops.push({ kind: 'vip-del', vip });
    addVip(ops, d, ases);
    return ops;
  }
  const wanted = new Set(ases.map((x) => x.address));
  deleteAses(
    ops,
    vip,
    [...present.keys()].filter((addr) => !wanted.has(addr)),
  );
  for (const x of ases) {
    const w = present.get(x.address);
    if (w === undefined)
      ops.push({ kind: 'as-add', vip, address: x.address, weight: x.weight, flush: false });
    else if (w !== x.weight)
      ops.push({ kind: 'as-weight', vip, address: x.address, weight: x.weight, flush: x.flush });
  }
  return ops;
}

/**
 * The ordered ops that converge `actual` to `desired`. Pure: the same inputs give the same
 * ops whatever the order of their lists.
 *
 * Order: the lb conf when it differs (scope `all`); stale VIPs (scope `all`), each one's ASes
 * deleted with flush, then the VIP; then each desired VIP in VIP order (IPv4 first, numeric):
 * added with its ASes when missing, re-created when its encap or known stickiness differs,
 * otherwise stale ASes deleted with flush, missing ones added and differing weights set, in
 * numeric IP order (VPP breaks Maglev ties by insertion order). Removed AS slots (flags 0)
 * count as absent; an AS already at weight 0 is not flushed again.
 *
 * @throws {@link DesiredStateError} when two desired VIPs have the same key or one lists an
 *   application server twice.
 * @public
 */
export function diffLbState(desired: DesiredLbState, actual: LbState, options: DiffOptions): LbOp[] {
  const ops: LbOp[] = [];
  const wanted = new Map<string, DesiredVip>();
  for (const d of desired.vips) {
    const k = vipKeyString(d);
    if (wanted.has(k))
      throw new DesiredStateError(
        k,
        `planned twice (frontends ${wanted.get(k)!.frontend} and ${d.frontend})`,
      );
    wanted.set(k, d);
  }
  // VPP lists each active VIP once; should a key repeat anyway, its slots are taken together.
  const present = new Map<string, LbVip>();
  for (const a of actual.vips) {
    const k = vipKeyString(a);
    const prev = present.get(k);
    present.set(k, prev === undefined ? a : { ...prev, ases: [...prev.ases, ...a.ases] });
  }

  if (options.scope === 'all') {
    if (lbConfString(desired.conf) !== lbConfString(actual.conf))
      ops.push({ kind: 'conf-set', conf: desired.conf });
    const stale = byKey(
      [...present.entries()].filter(([k]) => !wanted.has(k)).map(([, a]) => a),
      vipSortKey,
    );
    for (const a of stale) {
      const vip = keyOf(a);
      deleteAses(ops, vip, activeAses(a).keys());
      ops.push({ kind: 'vip-del', vip });
    }
  }

  for (const d of byKey([...wanted.values()], vipSortKey))
    ops.push(...diffVip(d, present.get(vipKeyString(d))));
  return ops;
}
