/**
 * The operations the reconciler sends to VPP's lb plugin, their counts for
 * `maglev_vpp_lbsync_total{kind}`, and `applyOps`, a model of what VPP does with them.
 */

import {
  type LbAs,
  type LbConf,
  type LbOp,
  type LbOpKind,
  type LbState,
  type LbVip,
  type VipKey,
  vipKeyString,
} from '../model/lb.js';
import { ipFamily } from '../plan/ip.js';

export type { LbOp, LbOpKind } from '../model/lb.js';

/**
 * Counts per `kind` label of `maglev_vpp_lbsync_total` (lb_conf is not counted there).
 *
 * @public
 */
export interface LbSyncCounts {
  /** VIPs added (`vip-add` ops). */
  vip_added: number;
  /** VIPs deleted (`vip-del` ops). */
  vip_removed: number;
  /** Application servers added or revived (`as-add` ops). */
  as_added: number;
  /** Application servers deleted (`as-del` ops). */
  as_removed: number;
  /** Weights set (`as-weight` ops). */
  as_weight_updated: number;
}

/**
 * A `kind` label value of `maglev_vpp_lbsync_total`.
 *
 * @public
 */
export type LbSyncKind = keyof LbSyncCounts;

/**
 * The `kind` label values of `maglev_vpp_lbsync_total`, in a fixed order.
 *
 * @public
 */
export const LB_SYNC_KINDS: readonly LbSyncKind[] = [
  'vip_added',
  'vip_removed',
  'as_added',
  'as_removed',
  'as_weight_updated',
];

const KIND_OF_OP: Record<LbOpKind, LbSyncKind | null> = {
  'conf-set': null,
  'vip-add': 'vip_added',
  'vip-del': 'vip_removed',
  'as-add': 'as_added',
  'as-del': 'as_removed',
  'as-weight': 'as_weight_updated',
};

/**
 * The metric label an op counts under; null for lb_conf.
 *
 * @public
 */
export function lbSyncKind(op: LbOp): LbSyncKind | null {
  return KIND_OF_OP[op.kind];
}

/**
 * How many ops of each metric kind `ops` holds; `conf-set` is not counted.
 *
 * @public
 */
export function countOps(ops: Iterable<LbOp>): LbSyncCounts {
  const c: LbSyncCounts = { vip_added: 0, vip_removed: 0, as_added: 0, as_removed: 0, as_weight_updated: 0 };
  for (const op of ops) {
    const k = lbSyncKind(op);
    if (k !== null) c[k]++;
  }
  return c;
}

/**
 * The canonical form of an lb conf, for comparing desired with actual: equal strings mean
 * equal confs.
 *
 * @public
 */
export function lbConfString(c: LbConf): string {
  return `${c.ip4SrcAddress} ${c.ip6SrcAddress} ${c.stickyBucketsPerCore} ${c.flowTimeout}`;
}

/**
 * Why VPP would refuse an op, as {@link applyOps} models it.
 *
 * @beta
 */
export class LbOpError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'LB_OP' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'LbOpError';
  constructor(
    /** The refused op. */
    readonly op: LbOp,
    /** The error code VPP returns for it, e.g. -6 (NO_SUCH_ENTRY) or -81 (VALUE_EXIST). */
    readonly retval: number,
    reason: string,
  ) {
    super(
      `${op.kind} ${'vip' in op ? vipKeyString(op.vip) : ''}${'address' in op ? ` ${op.address}` : ''}: ${reason} (${retval})`,
    );
  }
}

const VNET_API_ERROR_NO_SUCH_ENTRY = -6;
const VNET_API_ERROR_VALUE_EXIST = -81;
const VNET_API_ERROR_INVALID_ADDRESS_FAMILY = -97;

/**
 * What VPP's lb plugin makes of `ops`, applied in order to `state` (which is not modified),
 * following vpp-api/LB-PLUGIN.md §2: an add of an active AS or VIP and any op on an absent VIP,
 * absent AS or removed AS (set-weight) throw LbOpError, as VPP would refuse them; an AS add
 * revives a removed AS; an AS delete marks it removed (flags 0); a VIP add appends an empty VIP.
 *
 * Not modelled: garbage collection (removed ASes stay), the removed ASes a deleted VIP leaves
 * in the AS dump (a deleted VIP disappears with its ASes), num_buckets (kept, 0 for new ASes),
 * the VIP pool index (null for new VIPs) and the per-port/all-port conflict rules.
 *
 * @returns The state after the ops.
 * @throws {@link LbOpError} at the first op VPP would refuse.
 * @beta
 */
export function applyOps(state: LbState, ops: Iterable<LbOp>): LbState {
  let conf = state.conf;
  const vips = new Map<string, { vip: LbVip; ases: LbAs[] }>();
  for (const v of state.vips) vips.set(vipKeyString(v), { vip: v, ases: [...v.ases] });

  const vipOf = (op: LbOp & { vip: VipKey }) => {
    const v = vips.get(vipKeyString(op.vip));
    if (v === undefined) throw new LbOpError(op, VNET_API_ERROR_NO_SUCH_ENTRY, 'no such VIP');
    return v;
  };

  for (const op of ops) {
    switch (op.kind) {
      case 'conf-set':
        conf = op.conf;
        break;
      case 'vip-add': {
        const key = vipKeyString(op.vip);
        if (vips.has(key)) throw new LbOpError(op, VNET_API_ERROR_VALUE_EXIST, 'VIP exists');
        vips.set(key, {
          vip: {
            prefix: op.vip.prefix,
            protocol: op.vip.protocol,
            port: op.vip.port,
            encap: op.encap,
            srcIpSticky: op.srcIpSticky,
            index: null,
            flowTableLength: op.flowTableLength,
            ases: [],
          },
          ases: [],
        });
        break;
      }
      case 'vip-del':
        vipOf(op);
        vips.delete(vipKeyString(op.vip));
        break;
      case 'as-add': {
        const v = vipOf(op);
        if (ipFamily(op.address) !== (v.vip.encap === 'gre6' || v.vip.encap === 'nat6' ? 6 : 4)) {
          throw new LbOpError(
            op,
            VNET_API_ERROR_INVALID_ADDRESS_FAMILY,
            `address family differs from ${v.vip.encap}`,
          );
        }
        if (v.ases.some((a) => a.address === op.address && a.flags === 1)) {
          throw new LbOpError(op, VNET_API_ERROR_VALUE_EXIST, 'AS is active');
        }
        const i = v.ases.findIndex((a) => a.address === op.address);
        const prev = v.ases[i];
        if (prev === undefined) {
          v.ases.push({ address: op.address, weight: op.weight, numBuckets: 0, flags: 1, inUseSince: 0 });
        } else {
          v.ases[i] = { ...prev, flags: 1, weight: op.weight };
        }
        break;
      }
      case 'as-del': {
        const v = vipOf(op);
        let i = v.ases.findIndex((a) => a.address === op.address && a.flags === 1);
        if (i < 0) i = v.ases.findIndex((a) => a.address === op.address);
        const prev = v.ases[i];
        if (prev === undefined) throw new LbOpError(op, VNET_API_ERROR_NO_SUCH_ENTRY, 'no such AS');
        v.ases[i] = { ...prev, flags: 0, numBuckets: 0 };
        break;
      }
      case 'as-weight': {
        const v = vipOf(op);
        const i = v.ases.findIndex((a) => a.address === op.address && a.flags === 1);
        const prev = v.ases[i];
        if (prev === undefined) throw new LbOpError(op, VNET_API_ERROR_NO_SUCH_ENTRY, 'no such active AS');
        v.ases[i] = { ...prev, weight: op.weight };
        break;
      }
    }
  }
  return { conf, vips: [...vips.values()].map((v) => ({ ...v.vip, ases: v.ases })) };
}
