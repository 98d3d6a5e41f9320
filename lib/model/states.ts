/**
 * Backend health states, as the Go original names them (ORIGINAL.md §2.1).
 * unknown: not yet known (start, resume, enable); up/down: by the rise/fall counter;
 * paused: probing stopped by an operator; disabled: taken out by an operator;
 * removed: gone from the configuration after a reload.
 *
 * @public
 */
export type BackendState = 'unknown' | 'up' | 'down' | 'paused' | 'disabled' | 'removed';

/**
 * Every backend state, in the order above.
 *
 * @public
 */
export const BACKEND_STATES: readonly BackendState[] = [
  'unknown',
  'up',
  'down',
  'paused',
  'disabled',
  'removed',
];

/**
 * Frontend aggregate state (ORIGINAL.md §3.4): up while some pool member carries traffic
 * (nonzero effective weight); unknown while nothing real is known of its backends (all
 * unknown, paused, disabled or removed); down otherwise. `frontendState` in lib/plan computes it.
 *
 * @public
 */
export type FrontendState = 'unknown' | 'up' | 'down';

/**
 * Every frontend state.
 *
 * @public
 */
export const FRONTEND_STATES: readonly FrontendState[] = ['unknown', 'up', 'down'];

/**
 * The lowest weight of a pool member, configured or set at runtime: no new flows.
 *
 * @public
 */
export const MIN_WEIGHT = 0;

/**
 * The highest weight of a pool member, configured or set at runtime (VPP's limit).
 *
 * @public
 */
export const MAX_WEIGHT = 100;
