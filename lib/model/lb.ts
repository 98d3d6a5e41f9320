/**
 * The lb plugin's state in the control plane's terms: what VppLbClient reads from VPP and the
 * reconciler diffs against. Addresses are canonical text (IPv6 compressed, lower case);
 * prefixes are "address/len" with host bits cleared.
 */

/**
 * VPP's global lb configuration (`lb_conf` / `lb_conf_get`).
 *
 * @public
 */
export interface LbConf {
  /** Outer source address of GRE4 packets; "255.255.255.255" is VPP's unset default. */
  readonly ip4SrcAddress: string;
  /** Outer source address of GRE6 packets; "ffff:…:ffff" is VPP's unset default. */
  readonly ip6SrcAddress: string;
  /** Sticky-table buckets per worker thread: a power of two, at most 2^25. */
  readonly stickyBucketsPerCore: number;
  /** Idle time after which a sticky flow entry expires, in seconds (1-120). */
  readonly flowTimeout: number;
}

/**
 * How VPP encapsulates traffic towards an application server: GRE over IPv4 or IPv6, L3 DSR,
 * or NAT towards an IPv4 or IPv6 server. maglevd programs only `gre4` and `gre6`
 * ({@link GreEncap}); the others can be read back from a VPP configured by hand.
 *
 * @public
 */
export type LbEncap = 'gre4' | 'gre6' | 'l3dsr' | 'nat4' | 'nat6';

/**
 * IP protocol number of a VIP: 6 tcp, 17 udp, 255 any (all-port VIP, port 0).
 *
 * @public
 */
export type VipProtocol = number;

/**
 * What identifies a VIP in VPP: normalised prefix, protocol (255 when port is 0) and port.
 *
 * @public
 */
export interface VipKey {
  /** The VIP prefix, "address/len" with host bits cleared, e.g. "192.0.2.1/32". */
  readonly prefix: string;
  /** IP protocol number; 255 for an all-port VIP. */
  readonly protocol: VipProtocol;
  /** Destination port, 0-65535; 0 for an all-port VIP. */
  readonly port: number;
}

/**
 * One application server slot of a VIP, as VPP's `lb_as_v2_dump` reports it.
 *
 * @public
 */
export interface LbAs {
  /** The application server's address, canonical text. */
  readonly address: string;
  /** Maglev weight, 0-100; 0 keeps the slot but gives it no new flows. */
  readonly weight: number;
  /** New-flow table buckets pointing at this AS. */
  readonly numBuckets: number;
  /** 1 active; 0 removed and waiting for VPP's garbage collection. */
  readonly flags: number;
  /** Seconds of VPP uptime at the last deletion (meaningful only when flags is 0). */
  readonly inUseSince: number;
}

/**
 * One VIP as VPP holds it, with all its application server slots.
 *
 * @public
 */
export interface LbVip extends VipKey {
  /** Encapsulation towards the application servers. */
  readonly encap: LbEncap;
  /** From `show lb vips verbose`; null when it could not be read. */
  readonly srcIpSticky: boolean | null;
  /** VPP's VIP pool index (keys the stats counters); null when unknown. */
  readonly index: number | null;
  /** Buckets in the VIP's new-flow (Maglev) table; a power of two. */
  readonly flowTableLength: number;
  /** Every AS slot VPP lists for this VIP, active (flags 1) and removed (flags 0). */
  readonly ases: readonly LbAs[];
}

/**
 * Everything of VPP's lb plugin the control plane reads: the global conf and every VIP.
 *
 * @public
 */
export interface LbState {
  /** The global lb configuration. */
  readonly conf: LbConf;
  /** Every active VIP, in the order VPP listed them. */
  readonly vips: readonly LbVip[];
}

/**
 * The canonical string form of a VIP key, for maps: "198.51.100.1/32 6 80".
 *
 * @public
 */
export function vipKeyString(k: VipKey): string {
  return `${k.prefix} ${k.protocol} ${k.port}`;
}

/**
 * The encapsulations maglevd programs: GRE towards IPv4 or IPv6 application servers.
 *
 * @public
 */
export type GreEncap = 'gre4' | 'gre6';

/**
 * One lb plugin call, in the control plane's terms. The reconciler's diff produces them,
 * `VppLbClient.execute` sends them; weights are 0-100.
 *
 * @public
 */
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
  /** lb_as_set_weight; `flush` also evicts the AS's sticky flows. */
  | {
      readonly kind: 'as-weight';
      readonly vip: VipKey;
      readonly address: string;
      readonly weight: number;
      readonly flush: boolean;
    };

/**
 * The `kind` of an {@link LbOp}: "conf-set", "vip-add", "vip-del", "as-add", "as-del", "as-weight".
 *
 * @public
 */
export type LbOpKind = LbOp['kind'];
