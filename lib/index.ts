/**
 * vpp-maglev: a control plane for the FD.io VPP lb plugin.
 *
 * @packageDocumentation
 */
export type * from './config/types.js';
export {
  editDistance,
  type FlagKind,
  type FlagSource,
  type FlagSpec,
  type FlagSpecs,
  type FlagValue,
  type FlagValues,
  formatHelp,
  type HelpOptions,
  type ParsedFlags,
  type ParseOptions,
  parseFlags,
  UsageError,
} from './flags/flags.js';
export { DurationParseError, formatDuration, parseDuration } from './util/duration.js';
export { type BuildInfo, buildInfo, formatVersion } from './version.js';
