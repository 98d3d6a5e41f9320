/**
 * The simulator's Maglev table is VPP's, and the control plane's previews compute the same
 * table: one implementation, kept in lib/plan/maglev.ts, serves both.
 */
export * from '../plan/maglev.js';
