/**
 * The shared vocabulary of vpp-maglev: backend and frontend states, log levels, weight bounds,
 * VIP keys, the lb state model and the lb operations. Every layer imports it; it imports nothing.
 */
export * from './lb.js';
export * from './log.js';
export * from './states.js';
