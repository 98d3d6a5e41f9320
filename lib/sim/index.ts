/**
 * VppLbSimulator: VPP's lb plugin faked on a real unix socket, for tests and dry runs.
 * Entry point `vpp-maglev/sim`.
 */
export { ManualClock, type SimClock } from './clock.js';
export { SimSocketInUseError, SimulatedCrash } from './errors.js';
export {
  type FibPrefix,
  type FibProtocol,
  FibSim,
  type FibSource,
  type SimRouteState,
} from './fib.js';
export { LbPluginSim, type LbPluginSimOptions, type SimOperation, type SimState } from './lb-plugin.js';
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
