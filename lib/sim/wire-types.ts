/**
 * The lb (and cli_inband, ip_route_lookup) messages the simulator handles, as the codec decodes
 * requests and encodes replies: the types generated from VPP's `.api.json` (vpp-api/generated),
 * under the names the simulator has always used. Requests are the decoded messages; replies
 * and details are what the codec's encoder accepts.
 */

import type {
  IpRouteInput as IpRoute,
  IpRouteLookup,
  IpRouteLookupReplyInput as IpRouteLookupReply,
} from '../../vpp-api/generated/ip.js';
import type {
  Address,
  Prefix as AddressWithPrefix,
  PrefixMatcher,
} from '../../vpp-api/generated/ip_types.js';
import type {
  LbAddDelAs,
  LbAddDelAsReplyInput as LbAddDelAsReply,
  LbAddDelAsV2,
  LbAddDelAsV2ReplyInput as LbAddDelAsV2Reply,
  LbAddDelIntfNat4 as LbAddDelIntfNat,
  LbAddDelIntfNat4ReplyInput as LbAddDelIntfNatReply,
  LbAddDelVip,
  LbAddDelVipReplyInput as LbAddDelVipReply,
  LbAddDelVipV2,
  LbAddDelVipV2ReplyInput as LbAddDelVipV2Reply,
  LbAsDetailsInput as LbAsDetails,
  LbAsDump,
  LbAsSetWeight,
  LbAsSetWeightReplyInput as LbAsSetWeightReply,
  LbAsV2DetailsInput as LbAsV2Details,
  LbAsV2Dump,
  LbConf,
  LbConfGet,
  LbConfGetReplyInput as LbConfGetReply,
  LbConfReplyInput as LbConfReply,
  LbFlushVip,
  LbFlushVipReplyInput as LbFlushVipReply,
  LbVipDetailsInput as LbVipDetails,
  LbVipDump,
} from '../../vpp-api/generated/lb.js';
import type { LbVip } from '../../vpp-api/generated/lb_types.js';
import type { CliInband, CliInbandReplyInput as CliInbandReply } from '../../vpp-api/generated/vlib.js';

/** The reply every lb mutating message gets: 0, or a negative vnet_api_error_t. @public */
export interface RetvalReply {
  /** 0, or a negative vnet_api_error_t. */
  readonly retval: number;
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

// The generated types, under the simulator's names (each documented where it is generated).
export type {
  /** `vl_api_address_t`: af 0 (IPv4, address in un[0..3]) or 1 (IPv6); `un` is 16 bytes. */
  Address,
  /** `vl_api_address_with_prefix_t` (= `vl_api_prefix_t`). */
  AddressWithPrefix,
  /** `cli_inband`. */
  CliInband,
  /** `cli_inband_reply`. */
  CliInbandReply,
  /** `vl_api_ip_route_t`, as a reply carries it. */
  IpRoute,
  /** `ip_route_lookup`. */
  IpRouteLookup,
  /** `ip_route_lookup_reply`. */
  IpRouteLookupReply,
  /** `lb_add_del_as`. */
  LbAddDelAs,
  /** `lb_add_del_as_reply`. */
  LbAddDelAsReply,
  /** `lb_add_del_as_v2`. */
  LbAddDelAsV2,
  /** `lb_add_del_as_v2_reply`. */
  LbAddDelAsV2Reply,
  /** `lb_add_del_intf_nat4` / `lb_add_del_intf_nat6` (the same fields). */
  LbAddDelIntfNat,
  /** `lb_add_del_intf_nat4_reply` / `_nat6_reply`. */
  LbAddDelIntfNatReply,
  /** `lb_add_del_vip`. */
  LbAddDelVip,
  /** `lb_add_del_vip_reply`. */
  LbAddDelVipReply,
  /** `lb_add_del_vip_v2`. */
  LbAddDelVipV2,
  /** `lb_add_del_vip_v2_reply`. */
  LbAddDelVipV2Reply,
  /** `lb_as_details`. */
  LbAsDetails,
  /** `lb_as_dump`. */
  LbAsDump,
  /** `lb_as_set_weight`. */
  LbAsSetWeight,
  /** `lb_as_set_weight_reply`. */
  LbAsSetWeightReply,
  /** `lb_as_v2_details`. */
  LbAsV2Details,
  /** `lb_as_v2_dump`. */
  LbAsV2Dump,
  /** `lb_conf`. */
  LbConf,
  /** `lb_conf_get`. */
  LbConfGet,
  /** `lb_conf_get_reply`. */
  LbConfGetReply,
  /** `lb_conf_reply`. */
  LbConfReply,
  /** `lb_flush_vip`. */
  LbFlushVip,
  /** `lb_flush_vip_reply`. */
  LbFlushVipReply,
  /** `vl_api_lb_vip_t`. */
  LbVip,
  /** `lb_vip_details`. */
  LbVipDetails,
  /** `lb_vip_dump`. */
  LbVipDump,
  /** `vl_api_prefix_matcher_t`. */
  PrefixMatcher,
};
