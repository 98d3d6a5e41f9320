/**
 * maglev.yaml: ConfigLoader, the typed Config, errors with file:line:col, diff and stringify.
 * Entry point `vpp-maglev/config`.
 */
export { type ConfigDiff, diffConfig, type NamedDiff } from './diff.js';
export {
  ConfigError,
  ConfigParseError,
  type ConfigProblem,
  ConfigSemanticError,
  type ConfigWarning,
  formatProblem,
  formatWarning,
} from './errors.js';
export { frontendNamesByBackend, frontendsByBackend } from './frontends.js';
export { type CheckResult, ConfigLoader, type ConfigParseOptions } from './loader.js';
export { stringifyConfig } from './stringify.js';
export type * from './types.js';
