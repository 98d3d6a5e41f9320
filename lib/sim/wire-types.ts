/**
 * The decoded lb (and cli_inband, ip_route_lookup) messages as plain objects, field for field as in
 * lb.api.json / vlib.api.json, minus _vl_msg_id, client_index and context. Integers and enums
 * are numbers (u32 enums as their decoded big-endian value), bools are booleans, fixed byte
 * arrays are Uint8Array. These stand in for the codec's generated types until they exist.
 */

/** vl_api_address_t: af 0 (IPv4, address in un[0..3]) or 1 (IPv6); `un` is always 16 bytes. */
export interface Address {
  af: number;
  un: Uint8Array;
}

/** vl_api_address_with_prefix_t (= vl_api_prefix_t). */
export interface AddressWithPrefix {
  address: Address;
  len: number;
}

/** vl_api_prefix_matcher_t. */
export interface PrefixMatcher {
  le: number;
  ge: number;
}

/** vl_api_lb_vip_t. */
export interface LbVip {
  pfx: AddressWithPrefix;
  protocol: number;
  port: number;
}

/** The reply every lb mutating message gets. */
export interface RetvalReply {
  retval: number;
}

export interface LbConf {
  /** 4 bytes. */
  ip4_src_address: Uint8Array;
  /** 16 bytes. */
  ip6_src_address: Uint8Array;
  sticky_buckets_per_core: number;
  flow_timeout: number;
}
export type LbConfReply = RetvalReply;

export type LbConfGet = Record<string, never>;
export interface LbConfGetReply {
  retval: number;
  ip4_src_address: Uint8Array;
  ip6_src_address: Uint8Array;
  sticky_buckets_per_core: number;
  flow_timeout: number;
}

export interface LbAddDelVip {
  pfx: AddressWithPrefix;
  protocol: number;
  port: number;
  /** lb_encap_type (u32). */
  encap: number;
  dscp: number;
  /** lb_srv_type (u32). */
  type: number;
  target_port: number;
  node_port: number;
  new_flows_table_length: number;
  is_del: boolean;
}
export type LbAddDelVipReply = RetvalReply;

export interface LbAddDelVipV2 extends Omit<LbAddDelVip, 'is_del'> {
  src_ip_sticky: boolean;
  is_del: boolean;
}
export type LbAddDelVipV2Reply = RetvalReply;

export interface LbAddDelAs {
  pfx: AddressWithPrefix;
  protocol: number;
  port: number;
  as_address: Address;
  is_del: boolean;
  is_flush: boolean;
}
export type LbAddDelAsReply = RetvalReply;

export interface LbAddDelAsV2 {
  pfx: AddressWithPrefix;
  protocol: number;
  port: number;
  as_address: Address;
  weight: number;
  is_del: boolean;
  is_flush: boolean;
}
export type LbAddDelAsV2Reply = RetvalReply;

export interface LbAsSetWeight {
  pfx: AddressWithPrefix;
  protocol: number;
  port: number;
  as_address: Address;
  weight: number;
  is_flush: boolean;
}
export type LbAsSetWeightReply = RetvalReply;

export interface LbFlushVip {
  pfx: AddressWithPrefix;
  protocol: number;
  port: number;
}
export type LbFlushVipReply = RetvalReply;

export interface LbVipDump {
  pfx: AddressWithPrefix;
  pfx_matcher: PrefixMatcher;
  protocol: number;
  port: number;
}
export interface LbVipDetails {
  vip: LbVip;
  encap: number;
  dscp: number;
  srv_type: number;
  target_port: number;
  flow_table_length: number;
}

export interface LbAsDump {
  pfx: AddressWithPrefix;
  protocol: number;
  port: number;
}
export interface LbAsDetails {
  vip: LbVip;
  app_srv: Address;
  flags: number;
  in_use_since: number;
}

export type LbAsV2Dump = LbAsDump;
export interface LbAsV2Details {
  vip: LbVip;
  app_srv: Address;
  flags: number;
  in_use_since: number;
  weight: number;
  num_buckets: number;
}

export interface LbAddDelIntfNat {
  is_add: boolean;
  sw_if_index: number;
}
export type LbAddDelIntfNatReply = RetvalReply;

export interface CliInband {
  cmd: string;
}
export interface CliInbandReply {
  retval: number;
  reply: string;
}

/** Request messages the simulator answers with a single reply, by message name. */
/** ip_route_lookup (ip.api): one FIB entry of a table, by exact prefix or longest match. */
export interface IpRouteLookup {
  table_id: number;
  /** Nonzero: the entry of exactly this prefix; 0: the longest prefix that covers it. */
  exact: number;
  prefix: AddressWithPrefix;
}
/** vl_api_ip_route_t; the simulator's entries have no paths (the lb plugin's have none either). */
export interface IpRoute {
  table_id: number;
  stats_index: number;
  prefix: AddressWithPrefix;
  n_paths: number;
  paths: never[];
}
export interface IpRouteLookupReply {
  retval: number;
  route: IpRoute;
}

export interface SimReplyRequests {
  lb_conf: LbConf;
  lb_conf_get: LbConfGet;
  lb_add_del_vip: LbAddDelVip;
  lb_add_del_vip_v2: LbAddDelVipV2;
  lb_add_del_as: LbAddDelAs;
  lb_add_del_as_v2: LbAddDelAsV2;
  lb_as_set_weight: LbAsSetWeight;
  lb_flush_vip: LbFlushVip;
  lb_add_del_intf_nat4: LbAddDelIntfNat;
  lb_add_del_intf_nat6: LbAddDelIntfNat;
  cli_inband: CliInband;
  ip_route_lookup: IpRouteLookup;
}

/** The reply of each request of SimReplyRequests. */
export interface SimReplies {
  lb_conf: LbConfReply;
  lb_conf_get: LbConfGetReply;
  lb_add_del_vip: LbAddDelVipReply;
  lb_add_del_vip_v2: LbAddDelVipV2Reply;
  lb_add_del_as: LbAddDelAsReply;
  lb_add_del_as_v2: LbAddDelAsV2Reply;
  lb_as_set_weight: LbAsSetWeightReply;
  lb_flush_vip: LbFlushVipReply;
  lb_add_del_intf_nat4: LbAddDelIntfNatReply;
  lb_add_del_intf_nat6: LbAddDelIntfNatReply;
  cli_inband: CliInbandReply;
  ip_route_lookup: IpRouteLookupReply;
}

/** Dump requests the simulator answers with a stream of details, by message name. */
export interface SimDumpRequests {
  lb_vip_dump: LbVipDump;
  lb_as_dump: LbAsDump;
  lb_as_v2_dump: LbAsV2Dump;
}

/** The details message of each dump of SimDumpRequests. */
export interface SimDetails {
  lb_vip_dump: LbVipDetails;
  lb_as_dump: LbAsDetails;
  lb_as_v2_dump: LbAsV2Details;
}

export type SimReplyName = keyof SimReplyRequests;
export type SimDumpName = keyof SimDumpRequests;
export type SimMessageName = SimReplyName | SimDumpName;

/** Wire name of the reply / details message of each request. */
export const REPLY_MESSAGE: { readonly [N in SimReplyName]: `${N}_reply` } = {
  lb_conf: 'lb_conf_reply',
  lb_conf_get: 'lb_conf_get_reply',
  lb_add_del_vip: 'lb_add_del_vip_reply',
  lb_add_del_vip_v2: 'lb_add_del_vip_v2_reply',
  lb_add_del_as: 'lb_add_del_as_reply',
  lb_add_del_as_v2: 'lb_add_del_as_v2_reply',
  lb_as_set_weight: 'lb_as_set_weight_reply',
  lb_flush_vip: 'lb_flush_vip_reply',
  lb_add_del_intf_nat4: 'lb_add_del_intf_nat4_reply',
  lb_add_del_intf_nat6: 'lb_add_del_intf_nat6_reply',
  cli_inband: 'cli_inband_reply',
  ip_route_lookup: 'ip_route_lookup_reply',
};
export const DETAILS_MESSAGE: { readonly [N in SimDumpName]: string } = {
  lb_vip_dump: 'lb_vip_details',
  lb_as_dump: 'lb_as_details',
  lb_as_v2_dump: 'lb_as_v2_details',
};
