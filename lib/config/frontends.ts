import type { Config, FrontendConfig } from './types.js';

/**
 * The frontends whose pools use each backend, by backend name, in config order, each frontend
 * once however many of its pools use the backend. Build it once per config: the daemon's core,
 * the health checker and the transition planner all answer "which frontends does this backend
 * touch" from it.
 *
 * @public
 */
export function frontendsByBackend(config: Config): Map<string, FrontendConfig[]> {
  const index = new Map<string, FrontendConfig[]>();
  for (const fe of config.frontends.values()) {
    for (const pool of fe.pools) {
      for (const member of pool.backends) {
        const list = index.get(member.name);
        // A frontend's pools are visited together, so "already listed" is "listed last".
        if (list === undefined) index.set(member.name, [fe]);
        else if (list.at(-1) !== fe) list.push(fe);
      }
    }
  }
  return index;
}

/**
 * {@link frontendsByBackend} with frontend names.
 *
 * @public
 */
export function frontendNamesByBackend(config: Config): Map<string, string[]> {
  const names = new Map<string, string[]>();
  for (const [backend, fes] of frontendsByBackend(config))
    names.set(
      backend,
      fes.map((fe) => fe.name),
    );
  return names;
}
