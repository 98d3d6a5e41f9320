/**
 * vpp-maglev: a control plane for the FD.io VPP lb plugin.
 *
 * @packageDocumentation
 */
export { type ConfigDiff, diffConfig, type NamedDiff } from './config/diff.js';
export {
  ConfigError,
  ConfigParseError,
  type ConfigProblem,
  ConfigSemanticError,
} from './config/errors.js';
export { type CheckResult, ConfigLoader, type ConfigParseOptions } from './config/loader.js';
export { stringifyConfig } from './config/stringify.js';
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
