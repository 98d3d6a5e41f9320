/**
 * The decoded lb (and cli_inband, ip_route_lookup) messages as plain objects, field for field as in
 * lb.api.json / vlib.api.json, minus _vl_msg_id, client_index and context. Integers and enums
 * are numbers (u32 enums as their decoded big-endian value), bools are booleans, fixed byte
 * arrays are Uint8Array. These stand in for the codec's generated types until they exist.
 */

/**
 * vl_api_address_t: af 0 (IPv4, address in un[0..3]) or 1 (IPv6); `un` is always 16 bytes.
 *
 * @public
 */
export interface Address {
  /** Address family: 0 IPv4, 1 IPv6. */
  af: number;
  /** The address bytes: IPv4 in the first 4, always 16 long. */
  un: Uint8Array;
}

/**
 * vl_api_address_with_prefix_t (= vl_api_prefix_t).
 *
 * @public
 */
export interface AddressWithPrefix {
  /** The address. */
  address: Address;
  /** Prefix length in bits. */
  len: number;
}

/**
 * vl_api_prefix_matcher_t.
 *
 * @public
 */
export interface PrefixMatcher {
  /** Match prefixes of at most this length. */
  le: number;
  /** Match prefixes of at least this length. */
  ge: number;
}

/**
 * vl_api_lb_vip_t.
 *
 * @public
 */
export interface LbVip {
  /** The VIP's prefix. */
  pfx: AddressWithPrefix;
  /** IP protocol number; 255 for any. */
  protocol: number;
  /** The VIP port; 0 for all ports. */
  port: number;
}

/**
 * The reply every lb mutating message gets.
 *
 * @public
 */
export interface RetvalReply {
  /** 0, or a negative vnet_api_error_t. */
  retval: number;
}

/**
 * `lb_conf` as the simulator decodes it, fields as in the .api.json.
 *
 * @public
 */
export interface LbConf {
  /** 4 bytes. */
  ip4_src_address: Uint8Array;
  /** 16 bytes. */
  ip6_src_address: Uint8Array;
  /** Sticky flow-table buckets per worker, a power of two. */
  sticky_buckets_per_core: number;
  /** Idle flow timeout, seconds. */
  flow_timeout: number;
}
/**
 * `lb_conf_reply` as the simulator decodes it, fields as in the .api.json.
 *
 * @public
 */
export type LbConfReply = RetvalReply;

/**
 * `lb_conf_get` as the simulator decodes it, fields as in the .api.json.
 *
 * @public
 */
export type LbConfGet = Record<string, never>;
/**
 * `lb_conf_get_reply` as the simulator decodes it, fields as in the .api.json.
 *
 * @public
 */
export interface LbConfGetReply {
  /** Always 0. */
  retval: number;
  /** GRE source towards IPv4 ASes, 4 bytes. */
  ip4_src_address: Uint8Array;
  /** GRE source towards IPv6 ASes, 16 bytes. */
  ip6_src_address: Uint8Array;
  /** Sticky flow-table buckets per worker, a power of two. */
  sticky_buckets_per_core: number;
  /** Idle flow timeout, seconds. */
  flow_timeout: number;
}

/**
 * `lb_add_del_vip` as the simulator decodes it, fields as in the .api.json.
 *
 * @public
 */
export interface LbAddDelVip {
  /** The VIP's prefix. */
  pfx: AddressWithPrefix;
  /** IP protocol number; 255 for any. */
  protocol: number;
  /** The VIP port; 0 for all ports. */
  port: number;
  /** lb_encap_type (u32). */
  encap: number;
  /** DSCP for L3DSR VIPs. */
  dscp: number;
  /** lb_srv_type (u32). */
  type: number;
  /** NAT target port (host order). */
  target_port: number;
  /** NAT NodePort. */
  node_port: number;
  /** Slots of the new-flow table: a power of two (0 crashes VPP). */
  new_flows_table_length: number;
  /** Delete instead of add. */
  is_del: boolean;
}
/**
 * `lb_add_del_vip_reply` as the simulator decodes it, fields as in the .api.json.
 *
 * @public
 */
export type LbAddDelVipReply = RetvalReply;

/**
 * `lb_add_del_vip_v2` as the simulator decodes it, fields as in the .api.json.
 *
 * @public
 */
export interface LbAddDelVipV2 extends Omit<LbAddDelVip, 'is_del'> {
  /** Hash on addresses only (ports ignored). */
  src_ip_sticky: boolean;
  /** Delete instead of add. */
  is_del: boolean;
}
/**
 * `lb_add_del_vip_v2_reply` as the simulator decodes it, fields as in the .api.json.
 *
 * @public
 */
export type LbAddDelVipV2Reply = RetvalReply;

/**
 * `lb_add_del_as` as the simulator decodes it, fields as in the .api.json.
 *
 * @public
 */
export interface LbAddDelAs {
  /** The VIP's prefix. */
  pfx: AddressWithPrefix;
  /** IP protocol number; 255 for any. */
  protocol: number;
  /** The VIP port; 0 for all ports. */
  port: number;
  /** The application server's address. */
  as_address: Address;
  /** Delete instead of add. */
  is_del: boolean;
  /** Flush the AS's sticky flow entries. */
  is_flush: boolean;
}
/**
 * `lb_add_del_as_reply` as the simulator decodes it, fields as in the .api.json.
 *
 * @public
 */
export type LbAddDelAsReply = RetvalReply;

/**
 * `lb_add_del_as_v2` as the simulator decodes it, fields as in the .api.json.
 *
 * @public
 */
export interface LbAddDelAsV2 {
  /** The VIP's prefix. */
  pfx: AddressWithPrefix;
  /** IP protocol number; 255 for any. */
  protocol: number;
  /** The VIP port; 0 for all ports. */
  port: number;
  /** The application server's address. */
  as_address: Address;
  /** Weight 0-100. */
  weight: number;
  /** Delete instead of add. */
  is_del: boolean;
  /** Flush the AS's sticky flow entries. */
  is_flush: boolean;
}
/**
 * `lb_add_del_as_v2_reply` as the simulator decodes it, fields as in the .api.json.
 *
 * @public
 */
export type LbAddDelAsV2Reply = RetvalReply;

/**
 * `lb_as_set_weight` as the simulator decodes it, fields as in the .api.json.
 *
 * @public
 */
export interface LbAsSetWeight {
  /** The VIP's prefix. */
  pfx: AddressWithPrefix;
  /** IP protocol number; 255 for any. */
  protocol: number;
  /** The VIP port; 0 for all ports. */
  port: number;
  /** The application server's address. */
  as_address: Address;
  /** Weight 0-100. */
  weight: number;
  /** Flush the AS's sticky flow entries. */
  is_flush: boolean;
}
/**
 * `lb_as_set_weight_reply` as the simulator decodes it, fields as in the .api.json.
 *
 * @public
 */
export type LbAsSetWeightReply = RetvalReply;

/**
 * `lb_flush_vip` as the simulator decodes it, fields as in the .api.json.
 *
 * @public
 */
export interface LbFlushVip {
  /** The VIP's prefix. */
  pfx: AddressWithPrefix;
  /** IP protocol number; 255 for any. */
  protocol: number;
  /** The VIP port; 0 for all ports. */
  port: number;
}
/**
 * `lb_flush_vip_reply` as the simulator decodes it, fields as in the .api.json.
 *
 * @public
 */
export type LbFlushVipReply = RetvalReply;

/**
 * `lb_vip_dump` as the simulator decodes it, fields as in the .api.json.
 *
 * @public
 */
export interface LbVipDump {
  /** The VIP's prefix. */
  pfx: AddressWithPrefix;
  /** Which prefix lengths match (VPP ignores it). */
  pfx_matcher: PrefixMatcher;
  /** IP protocol number; 255 for any. */
  protocol: number;
  /** The VIP port; 0 for all ports. */
  port: number;
}
/**
 * `lb_vip_details` as the simulator decodes it, fields as in the .api.json.
 *
 * @public
 */
export interface LbVipDetails {
  /** The VIP. */
  vip: LbVip;
  /** lb_encap_type: 0 gre4, 1 gre6, 2 l3dsr, 3 nat4, 4 nat6. */
  encap: number;
  /** DSCP for L3DSR VIPs. */
  dscp: number;
  /** NAT service type: 0 ClusterIP, 1 NodePort. */
  srv_type: number;
  /** NAT target port (host order). */
  target_port: number;
  /** Slots of the new-flow table (u16 on the wire). */
  flow_table_length: number;
}

/**
 * `lb_as_dump` as the simulator decodes it, fields as in the .api.json.
 *
 * @public
 */
export interface LbAsDump {
  /** The VIP's prefix. */
  pfx: AddressWithPrefix;
  /** IP protocol number; 255 for any. */
  protocol: number;
  /** The VIP port; 0 for all ports. */
  port: number;
}
/**
 * `lb_as_details` as the simulator decodes it, fields as in the .api.json.
 *
 * @public
 */
export interface LbAsDetails {
  /** The VIP. */
  vip: LbVip;
  /** The application server's address. */
  app_srv: Address;
  /** lb_as_t flags: 1 used. */
  flags: number;
  /** Uptime second of the last removal. */
  in_use_since: number;
}

/**
 * `lb_as_v2_dump` as the simulator decodes it, fields as in the .api.json.
 *
 * @public
 */
export type LbAsV2Dump = LbAsDump;
/**
 * `lb_as_v2_details` as the simulator decodes it, fields as in the .api.json.
 *
 * @public
 */
export interface LbAsV2Details {
  /** The VIP. */
  vip: LbVip;
  /** The application server's address. */
  app_srv: Address;
  /** lb_as_t flags: 1 used. */
  flags: number;
  /** Uptime second of the last removal. */
  in_use_since: number;
  /** Weight 0-100. */
  weight: number;
  /** Slots of the new-flow table pointing at this AS. */
  num_buckets: number;
}

/**
 * `lb_add_del_intf_nat4` and `lb_add_del_intf_nat6` as the simulator decodes them, fields as in the .api.json.
 *
 * @public
 */
export interface LbAddDelIntfNat {
  /** Enable instead of disable. */
  is_add: boolean;
  /** The interface index. */
  sw_if_index: number;
}
/**
 * `lb_add_del_intf_nat_reply` as the simulator decodes it, fields as in the .api.json.
 *
 * @public
 */
export type LbAddDelIntfNatReply = RetvalReply;

/**
 * `cli_inband` as the simulator decodes it, fields as in the .api.json.
 *
 * @public
 */
export interface CliInband {
  /** The debug-CLI command line. */
  cmd: string;
}
/**
 * `cli_inband_reply` as the simulator decodes it, fields as in the .api.json.
 *
 * @public
 */
export interface CliInbandReply {
  /** 0, or a negative vnet_api_error_t. */
  retval: number;
  /** The command's output. */
  reply: string;
}

/** Request messages the simulator answers with a single reply, by message name. */
/**
 * ip_route_lookup (ip.api): one FIB entry of a table, by exact prefix or longest match.
 *
 * @public
 */
export interface IpRouteLookup {
  /** FIB table id; the simulator has only table 0. */
  table_id: number;
  /** Nonzero: the entry of exactly this prefix; 0: the longest prefix that covers it. */
  exact: number;
  /** The prefix looked up. */
  prefix: AddressWithPrefix;
}
/**
 * vl_api_ip_route_t; the simulator's entries have no paths (the lb plugin's have none either).
 *
 * @public
 */
export interface IpRoute {
  /** FIB table id; the simulator has only table 0. */
  table_id: number;
  /** The entry's load-balance index in `/net/route/to`. */
  stats_index: number;
  /** The entry's prefix. */
  prefix: AddressWithPrefix;
  /** Number of paths (the simulator reports none). */
  n_paths: number;
  /** The paths (always empty here). */
  paths: never[];
}
/**
 * `ip_route_lookup_reply` as the simulator decodes it, fields as in the .api.json.
 *
 * @public
 */
export interface IpRouteLookupReply {
  /** 0, or a negative vnet_api_error_t. */
  retval: number;
  /** The entry found. */
  route: IpRoute;
}

/**
 * `sim_reply_requests` as the simulator decodes it, fields as in the .api.json.
 *
 * @public
 */
export interface SimReplyRequests {
  /** Sets the global lb configuration. */
  lb_conf: LbConf;
  /** Reads the global lb configuration. */
  lb_conf_get: LbConfGet;
  /** Adds or deletes a VIP (the first version, without src_ip_sticky). */
  lb_add_del_vip: LbAddDelVip;
  /** Adds or deletes a VIP. */
  lb_add_del_vip_v2: LbAddDelVipV2;
  /** Adds or deletes (optionally flushing) an application server of a VIP. */
  lb_add_del_as: LbAddDelAs;
  /** Adds or deletes an application server of a VIP, with a weight. */
  lb_add_del_as_v2: LbAddDelAsV2;
  /** Sets an application server's weight, optionally flushing its flows. */
  lb_as_set_weight: LbAsSetWeight;
  /** Flushes a VIP's sticky flow table. */
  lb_flush_vip: LbFlushVip;
  /** Enables or disables NAT4 on an interface. */
  lb_add_del_intf_nat4: LbAddDelIntfNat;
  /** Enables or disables NAT6 on an interface. */
  lb_add_del_intf_nat6: LbAddDelIntfNat;
  /** Runs a debug-CLI command and returns its output. */
  cli_inband: CliInband;
  /** Looks a prefix up in a FIB table. */
  ip_route_lookup: IpRouteLookup;
}

/**
 * The reply of each request of SimReplyRequests.
 *
 * @public
 */
export interface SimReplies {
  /** The reply to lb_conf. */
  lb_conf: LbConfReply;
  /** The reply to lb_conf_get. */
  lb_conf_get: LbConfGetReply;
  /** The reply to lb_add_del_vip. */
  lb_add_del_vip: LbAddDelVipReply;
  /** The reply to lb_add_del_vip_v2. */
  lb_add_del_vip_v2: LbAddDelVipV2Reply;
  /** The reply to lb_add_del_as. */
  lb_add_del_as: LbAddDelAsReply;
  /** The reply to lb_add_del_as_v2. */
  lb_add_del_as_v2: LbAddDelAsV2Reply;
  /** The reply to lb_as_set_weight. */
  lb_as_set_weight: LbAsSetWeightReply;
  /** The reply to lb_flush_vip. */
  lb_flush_vip: LbFlushVipReply;
  /** The reply to lb_add_del_intf_nat4. */
  lb_add_del_intf_nat4: LbAddDelIntfNatReply;
  /** The reply to lb_add_del_intf_nat6. */
  lb_add_del_intf_nat6: LbAddDelIntfNatReply;
  /** The reply to cli_inband. */
  cli_inband: CliInbandReply;
  /** The reply to ip_route_lookup. */
  ip_route_lookup: IpRouteLookupReply;
}

/**
 * Dump requests the simulator answers with a stream of details, by message name.
 *
 * @public
 */
export interface SimDumpRequests {
  /** Lists VIPs. */
  lb_vip_dump: LbVipDump;
  /** Lists the application servers of VIPs. */
  lb_as_dump: LbAsDump;
  /** Lists the application servers of VIPs, with their weights. */
  lb_as_v2_dump: LbAsV2Dump;
}

/**
 * The details message of each dump of SimDumpRequests.
 *
 * @public
 */
export interface SimDetails {
  /** One record of lb_vip_dump. */
  lb_vip_dump: LbVipDetails;
  /** One record of lb_as_dump. */
  lb_as_dump: LbAsDetails;
  /** One record of lb_as_v2_dump. */
  lb_as_v2_dump: LbAsV2Details;
}

/**
 * The name of a request answered by one reply.
 *
 * @public
 */
export type SimReplyName = keyof SimReplyRequests;
/**
 * The name of a dump request.
 *
 * @public
 */
export type SimDumpName = keyof SimDumpRequests;
/**
 * Any message name the simulator handles.
 *
 * @public
 */
export type SimMessageName = SimReplyName | SimDumpName;

/**
 * Wire name of the reply / details message of each request.
 *
 * @public
 */
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
/**
 * Wire name of the details message of each dump.
 *
 * @public
 */
export const DETAILS_MESSAGE: { readonly [N in SimDumpName]: string } = {
  lb_vip_dump: 'lb_vip_details',
  lb_as_dump: 'lb_as_details',
  lb_as_v2_dump: 'lb_as_v2_details',
};
