/**
 * Backend health states, as the Go original names them (ORIGINAL.md §2.1).
 * unknown: not yet known (start, resume, enable); up/down: by the rise/fall counter;
 * paused: probing stopped by an operator; disabled: taken out by an operator;
 * removed: gone from the configuration after a reload.
 */
export type BackendState = 'unknown' | 'up' | 'down' | 'paused' | 'disabled' | 'removed';

export const BACKEND_STATES: readonly BackendState[] = [
  'unknown',
  'up',
  'down',
  'paused',
  'disabled',
  'removed',
];
