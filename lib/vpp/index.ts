/**
 * Talking to VPP: VppClient (session, reconnect, info), VppLbClient (typed lb operations), the stats segment.
 * Entry point `vpp-maglev/vpp`.
 */

// The connection VppLbClient runs on, from the vpp-api entry point.
export type { VppConnection, VppRequestOptions } from '../../vpp-api/index.js';
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
export {
  type ParseShowLbVipsOptions,
  parseShowLbVipsVerbose,
  type ShowLbVip,
  type ShowLbVipAs,
  ShowLbVipsParseError,
} from './show-lb-vips.js';
export {
  type CombinedCounter,
  type CombinedStatsEntry,
  type CounterSums,
  type GaugeStatsEntry,
  type HistogramStatsEntry,
  LB_VIP_COUNTER_NAMES,
  type LbCountersQuery,
  type LbCountersSnapshot,
  type LbVipCounterKind,
  type LbVipCounters,
  type NameVectorStatsEntry,
  readLbVipCounters,
  type ScalarStatsEntry,
  type SegmentSource,
  type SimpleStatsEntry,
  StatsAddonMissingError,
  type StatsEntry,
  type StatsEntryBase,
  StatsSegmentBusyError,
  StatsSegmentClosedError,
  StatsSegmentError,
  StatsSegmentLayoutError,
  StatsSegmentReader,
  type StatsSegmentReaderOptions,
  StatsSegmentVersionError,
  type StatsSegmentView,
  StatsSocketError,
  type SymlinkStatsEntry,
  type UnsupportedStatsEntry,
} from './stats/index.js';
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
