/**
 * VppLbSimulator: VPP's lb plugin faked on a real unix socket, for tests and dry runs.
 * Entry point `vpp-maglev/sim`.
 */
export { ManualClock, type SimClock } from './clock.js';
export { SimInputError, SimSocketInUseError, SimulatedCrash, UnknownMessageError } from './errors.js';
export {
  type FibPrefix,
  type FibProtocol,
  FibSim,
  type FibSource,
  type SimRouteState,
} from './fib.js';
export {
  LbPluginSim,
  type LbPluginSimOptions,
  LbRetval,
  type SimAsState,
  type SimConfState,
  type SimOperation,
  type SimResult,
  type SimState,
  type SimVipState,
  VIP_TYPE_NAMES,
  type VipTypeName,
} from './lb-plugin.js';
export {
  buildMaglevTable,
  MAGLEV_DROP,
  type MaglevBackend,
  MaglevInputError,
  maglevBucketCounts,
  maglevHash,
} from './maglev.js';
export {
  SIM_DEFAULT_PACKET_BYTES,
  VppLbSimulator,
  type VppLbSimulatorEvents,
  type VppLbSimulatorOptions,
} from './server.js';
// The simulator's decoded messages, prefixed Sim (SimLbConf is lb_conf as decoded, not the lb model).
export type {
  Address as SimAddress,
  AddressWithPrefix as SimAddressWithPrefix,
  CliInband as SimCliInband,
  CliInbandReply as SimCliInbandReply,
  IpRoute as SimIpRoute,
  IpRouteLookup as SimIpRouteLookup,
  IpRouteLookupReply as SimIpRouteLookupReply,
  LbAddDelAs as SimLbAddDelAs,
  LbAddDelAsReply as SimLbAddDelAsReply,
  LbAddDelAsV2 as SimLbAddDelAsV2,
  LbAddDelAsV2Reply as SimLbAddDelAsV2Reply,
  LbAddDelIntfNat as SimLbAddDelIntfNat,
  LbAddDelIntfNatReply as SimLbAddDelIntfNatReply,
  LbAddDelVip as SimLbAddDelVip,
  LbAddDelVipReply as SimLbAddDelVipReply,
  LbAddDelVipV2 as SimLbAddDelVipV2,
  LbAddDelVipV2Reply as SimLbAddDelVipV2Reply,
  LbAsDetails as SimLbAsDetails,
  LbAsDump as SimLbAsDump,
  LbAsSetWeight as SimLbAsSetWeight,
  LbAsSetWeightReply as SimLbAsSetWeightReply,
  LbAsV2Details as SimLbAsV2Details,
  LbAsV2Dump as SimLbAsV2Dump,
  LbConf as SimLbConf,
  LbConfGet as SimLbConfGet,
  LbConfGetReply as SimLbConfGetReply,
  LbConfReply as SimLbConfReply,
  LbFlushVip as SimLbFlushVip,
  LbFlushVipReply as SimLbFlushVipReply,
  LbVip as SimLbVip,
  LbVipDetails as SimLbVipDetails,
  LbVipDump as SimLbVipDump,
  PrefixMatcher as SimPrefixMatcher,
  RetvalReply as SimRetvalReply,
  SimDetails,
  SimDumpName,
  SimDumpRequests,
  SimMessageName,
  SimReplies,
  SimReplyName,
  SimReplyRequests,
} from './wire-types.js';
