import { isDeepStrictEqual } from 'node:util';
import type { Config } from './types.js';

/**
 * Names that were added, removed or changed in one section, in file order.
 *
 * @public
 */
export interface NamedDiff {
  /** In the new config's order. */
  readonly added: readonly string[];
  /** In the old config's order. */
  readonly removed: readonly string[];
  /** Present in both with any field different; in the new config's order. */
  readonly changed: readonly string[];
}

/**
 * What a reload changes, section by section.
 *
 * @public
 */
export interface ConfigDiff {
  /** A check counts as changed when any of its fields (defaults included) changed. */
  readonly healthchecks: NamedDiff;
  /** A backend counts as changed when any of its fields changed. */
  readonly backends: NamedDiff & {
    /**
     * Backends present in both whose health check differs: it points at another check, or the
     * check it points at changed. The health checker restarts exactly these; the others keep
     * probing without interruption (an address change alone is updated in place).
     */
    readonly healthcheckChanged: readonly string[];
  };
  /** A frontend counts as changed when any field, pool, member or weight changed. */
  readonly frontends: NamedDiff;
  /** The healthchecker section (transition-history, netns) changed. */
  readonly healthchecker: boolean;
  /** The vpp section changed. */
  readonly vpp: boolean;
}

function sameData(a: unknown, b: unknown): boolean {
  // Compare as plain data: a Config built by hand (plain Maps) equals a loaded one (frozen Maps).
  return isDeepStrictEqual(plain(a), plain(b));
}

function plain(v: unknown): unknown {
  if (v instanceof Map) return [...v].map(([k, x]) => [k, plain(x)]);
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

function diffNamed<T>(a: ReadonlyMap<string, T>, b: ReadonlyMap<string, T>): NamedDiff {
  const added: string[] = [];
  const changed: string[] = [];
  for (const [name, v] of b) {
    if (!a.has(name)) added.push(name);
    else if (!sameData(a.get(name), v)) changed.push(name);
  }
  const removed = [...a.keys()].filter((n) => !b.has(n));
  return { added, removed, changed };
}

/**
 * The differences between two configs, section by section: from `a` (the running one) to `b`.
 * `diffConfig(c, c)` is empty. Configs compare as plain data, so a Config built by hand equals a
 * loaded one with the same content; warnings are not compared.
 *
 * @public
 */
export function diffConfig(a: Config, b: Config): ConfigDiff {
  const backends = diffNamed(a.backends, b.backends);
  const healthcheckChanged: string[] = [];
  for (const [name, nb] of b.backends) {
    const ob = a.backends.get(name);
    if (!ob) continue;
    if (
      ob.healthcheck !== nb.healthcheck ||
      !sameData(a.healthchecks.get(ob.healthcheck), b.healthchecks.get(nb.healthcheck))
    ) {
      healthcheckChanged.push(name);
    }
  }
  return {
    healthchecks: diffNamed(a.healthchecks, b.healthchecks),
    backends: { ...backends, healthcheckChanged },
    frontends: diffNamed(a.frontends, b.frontends),
    healthchecker: !sameData(a.healthchecker, b.healthchecker),
    vpp: !sameData(a.vpp, b.vpp),
  };
}
