/**
 * Talking to VPP: VppClient (session, reconnect, info), VppLbClient (typed lb operations), the stats segment.
 * Entry point `vpp-maglev/vpp`.
 */
export {
  jsonSafe,
  REQUIRED_MESSAGES,
  VppClient,
  type VppClientEvents,
  type VppClientOptions,
  type VppInfo,
  VppMissingMessagesError,
  VppNotConnected,
} from './client.js';
export {
  type AddVipOptions,
  DEFAULT_FLOW_TABLE_LENGTH,
  MAX_FLOW_TABLE_LENGTH,
  VppInvalidArgumentError,
  VppLbClient,
} from './lb-client.js';
export { parseShowLbVipsVerbose, type ShowLbVip, ShowLbVipsParseError } from './show-lb-vips.js';
export { readLbVipCounters, StatsSegmentReader } from './stats/index.js';
export {
  type LbAs,
  type LbConf,
  type LbEncap,
  type LbState,
  type LbVip,
  type VipKey,
  type VipProtocol,
  vipKeyString,
} from './types.js';
