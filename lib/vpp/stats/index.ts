export type {
  CombinedCounter,
  CombinedStatsEntry,
  CounterSums,
  GaugeStatsEntry,
  HistogramStatsEntry,
  NameVectorStatsEntry,
  ScalarStatsEntry,
  SimpleStatsEntry,
  StatsEntry,
  StatsEntryBase,
  SymlinkStatsEntry,
  UnsupportedStatsEntry,
} from './decode.js';
export {
  StatsAddonMissingError,
  StatsSegmentBusyError,
  StatsSegmentClosedError,
  StatsSegmentError,
  StatsSegmentLayoutError,
  StatsSegmentVersionError,
  StatsSocketError,
} from './errors.js';
export { STATS_SEGMENT_DEFAULT_SIZE, STATS_SEGMENT_VERSION, StatType } from './layout.js';
export {
  LB_COUNTER_ENTRY_NAMES,
  LB_VIP_COUNTER_NAMES,
  type LbCountersQuery,
  type LbCountersSnapshot,
  type LbVipCounterKind,
  type LbVipCounters,
  ROUTE_TO_COUNTER_NAME,
  readLbVipCounters,
} from './lb-counters.js';
export { findPackageRoot, loadNativeAddon, type NativeAddon, type NativeFdServer } from './native.js';
export { StatsSegmentReader, type StatsSegmentReaderOptions, type StatsSegmentView } from './reader.js';
export { BufferSegmentSource, FdSegmentSource, type SegmentSource } from './source.js';
