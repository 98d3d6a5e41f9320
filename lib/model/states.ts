/**
 * Backend health states, as the Go original names them (ORIGINAL.md §2.1).
 * unknown: not yet known (start, resume, enable); up/down: by the rise/fall counter;
 * paused: probing stopped by an operator; disabled: taken out by an operator;
 * removed: gone from the configuration after a reload.
 */
export type BackendState = 'unknown' | 'up' | 'down' | 'paused' | 'disabled' | 'removed';

/** Every backend state, in the order above. */
export const BACKEND_STATES: readonly BackendState[] = [
  'unknown',
  'up',
  'down',
  'paused',
  'disabled',
  'removed',
];

/** Frontend aggregate state (ORIGINAL.md §3.4); see `frontendState` in lib/plan for the rule. */
export type FrontendState = 'unknown' | 'up' | 'down';

/** Every frontend state. */
export const FRONTEND_STATES: readonly FrontendState[] = ['unknown', 'up', 'down'];

/** The bounds of a pool member's weight, configured or set at runtime. */
export const MIN_WEIGHT = 0;
export const MAX_WEIGHT = 100;
