export { type HeapBlock, SegmentHeap, StatsSegmentFullError } from './heap.js';
export { LbStatsCounters } from './lb.js';
export { StatsSegmentServer, type StatsSegmentServerOptions } from './server.js';
export { BufferSegmentStore, FdSegmentStore, type WritableSegment } from './store.js';
export {
  type CounterValue,
  StatsSegmentWriter,
  StatsSegmentWriterError,
  type StatsSegmentWriterOptions,
} from './writer.js';
