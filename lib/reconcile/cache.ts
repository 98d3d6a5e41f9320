/**
 * The reconciler's cached view of VPP's VIPs, which the fast path plans against instead of
 * dumping. It is refreshed from every full read of VPP and advanced by every op VPP accepted.
 * It is a mutable map on purpose: advancing it costs as much as the ops, not the number of VIPs.
 */
import { type LbEncap, type LbState, type VipKey, vipKeyString } from '../vpp/types.js';
import type { LbOp } from './ops.js';

/**
 * One VIP of the {@link LbCache}.
 *
 * @beta
 */
export interface CachedVip {
  /** The VIP's key as VPP reports it (protocol 255 for an all-port VIP). */
  readonly key: VipKey;
  /** The VIP's encapsulation. */
  readonly encap: LbEncap;
  /** null: not known (VPP's stickiness could not be read). */
  readonly srcIpSticky: boolean | null;
  /** Active ASes (flags 1) only: address → weight. */
  readonly ases: Map<string, number>;
}

/**
 * The reconciler's view of VPP's VIPs, keyed by `vipKeyString`.
 *
 * @beta
 */
export type LbCache = Map<string, CachedVip>;

/**
 * A cache holding exactly the VIPs and active ASes of `state`.
 *
 * @beta
 */
export function lbCacheFromState(state: LbState): LbCache {
  const cache: LbCache = new Map();
  for (const v of state.vips) {
    const k = vipKeyString(v);
    const ases = cache.get(k)?.ases ?? new Map<string, number>();
    for (const a of v.ases) if (a.flags === 1 && !ases.has(a.address)) ases.set(a.address, a.weight);
    cache.set(k, {
      key: { prefix: v.prefix, protocol: v.protocol, port: v.port },
      encap: v.encap,
      srcIpSticky: v.srcIpSticky,
      ases,
    });
  }
  return cache;
}

/**
 * Advances `cache` (in place) by ops VPP accepted, in the order they were sent. An op on a VIP
 * the cache does not hold changes nothing: the next full sync refreshes the cache anyway.
 *
 * @beta
 */
export function applyOpsToCache(cache: LbCache, ops: Iterable<LbOp>): void {
  for (const op of ops) {
    if (op.kind === 'conf-set') continue;
    const k = vipKeyString(op.vip);
    switch (op.kind) {
      case 'vip-add':
        cache.set(k, { key: op.vip, encap: op.encap, srcIpSticky: op.srcIpSticky, ases: new Map() });
        break;
      case 'vip-del':
        cache.delete(k);
        break;
      case 'as-add':
        cache.get(k)?.ases.set(op.address, op.weight);
        break;
      case 'as-weight': {
        const ases = cache.get(k)?.ases;
        if (ases?.has(op.address)) ases.set(op.address, op.weight);
        break;
      }
      case 'as-del':
        cache.get(k)?.ases.delete(op.address);
        break;
    }
  }
}
