/** The lb state model, defined in the shared vocabulary (lib/model) and re-exported here. */
export * from '../model/lb.js';
