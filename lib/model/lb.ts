/**
 * The lb plugin's state in the control plane's terms: what VppLbClient reads from VPP and the
 * reconciler diffs against. Addresses are canonical text (IPv6 compressed, lower case);
 * prefixes are "address/len" with host bits cleared.
 */

/** VPP's global lb configuration (`lb_conf` / `lb_conf_get`). */
export interface LbConf {
  /** Outer source of GRE4; "255.255.255.255" is VPP's unset default. */
  readonly ip4SrcAddress: string;
  /** Outer source of GRE6; "ffff:…:ffff" is VPP's unset default. */
  readonly ip6SrcAddress: string;
  readonly stickyBucketsPerCore: number;
  /** Seconds. */
  readonly flowTimeout: number;
}

export type LbEncap = 'gre4' | 'gre6' | 'l3dsr' | 'nat4' | 'nat6';

/** IP protocol number of a VIP: 6 tcp, 17 udp, 255 any (all-port VIP, port 0). */
export type VipProtocol = number;

/** What identifies a VIP in VPP: normalised prefix, protocol (255 when port is 0) and port. */
export interface VipKey {
  readonly prefix: string;
  readonly protocol: VipProtocol;
  readonly port: number;
}

export interface LbAs {
  readonly address: string;
  readonly weight: number;
  /** New-flow table buckets pointing at this AS. */
  readonly numBuckets: number;
  /** 1 active; 0 removed and waiting for VPP's garbage collection. */
  readonly flags: number;
  /** Seconds of VPP uptime at the last deletion (meaningful only when flags is 0). */
  readonly inUseSince: number;
}

export interface LbVip extends VipKey {
  readonly encap: LbEncap;
  /** From `show lb vips verbose`; null when it could not be read. */
  readonly srcIpSticky: boolean | null;
  /** VPP's VIP pool index (keys the stats counters); null when unknown. */
  readonly index: number | null;
  readonly flowTableLength: number;
  /** Every AS slot VPP lists for this VIP, active (flags 1) and removed (flags 0). */
  readonly ases: readonly LbAs[];
}

export interface LbState {
  readonly conf: LbConf;
  readonly vips: readonly LbVip[];
}

/** The canonical string form of a VIP key, for maps: "198.51.100.1/32 6 80". */
export function vipKeyString(k: VipKey): string {
  return `${k.prefix} ${k.protocol} ${k.port}`;
}

/** The encapsulations maglevd programs: GRE towards IPv4 or IPv6 application servers. */
export type GreEncap = 'gre4' | 'gre6';

/** One lb plugin call, in the control plane's terms. */
export type LbOp =
  /** lb_conf with every field explicit. */
  | { readonly kind: 'conf-set'; readonly conf: LbConf }
  /** lb_add_del_vip_v2, add. */
  | {
      readonly kind: 'vip-add';
      readonly vip: VipKey;
      readonly encap: GreEncap;
      readonly srcIpSticky: boolean;
      readonly flowTableLength: number;
    }
  /** lb_add_del_vip_v2, delete (after its ASes were deleted with flush). */
  | { readonly kind: 'vip-del'; readonly vip: VipKey }
  /** lb_add_del_as_v2, add (or revive a removed AS). is_flush has no use on add. */
  | {
      readonly kind: 'as-add';
      readonly vip: VipKey;
      readonly address: string;
      readonly weight: number;
      readonly flush: false;
    }
  /** lb_add_del_as_v2, delete; always flushed so no sticky flow keeps a dead AS alive. */
  | { readonly kind: 'as-del'; readonly vip: VipKey; readonly address: string; readonly flush: true }
  /** lb_as_set_weight. */
  | {
      readonly kind: 'as-weight';
      readonly vip: VipKey;
      readonly address: string;
      readonly weight: number;
      readonly flush: boolean;
    };

export type LbOpKind = LbOp['kind'];
