import type { MaglevApi } from './commands.js';
import type { Slot } from './walk.js';

/**
 * Live names for Tab completion of a slot, asked of maglevd with a short deadline so a slow or
 * absent server never blocks the prompt for long. Pools and pool members are taken from the
 * frontend named earlier on the line.
 *
 * @internal
 */
export async function namesFor(
  client: MaglevApi,
  slot: Slot,
  args: Readonly<Record<string, string>>,
  timeoutMs: number,
): Promise<string[]> {
  const o = { timeoutMs };
  switch (slot.kind) {
    case 'frontend': {
      const r = await client.listFrontends(o);
      return r.names.length > 0 ? r.names : r.frontends.map((f) => f.name);
    }
    case 'backend': {
      if (args.frontend !== undefined && args.pool !== undefined) {
        const f = await client.getFrontend(args.frontend, o);
        return f.pools.find((p) => p.name === args.pool)?.backends.map((b) => b.name) ?? [];
      }
      const r = await client.listBackends(o);
      return r.names.length > 0 ? r.names : r.backends.map((b) => b.name);
    }
    case 'pool': {
      if (args.frontend === undefined) return [];
      const f = await client.getFrontend(args.frontend, o);
      return f.pools.map((p) => p.name);
    }
    case 'healthcheck': {
      const r = await client.listHealthChecks(o);
      return r.names.length > 0 ? r.names : r.healthchecks.map((h) => h.name);
    }
    default:
      return [...(slot.choices ?? [])];
  }
}

/**
 * The longest common prefix of some words.
 *
 * @internal
 */
export function commonPrefix(words: readonly string[]): string {
  if (words.length === 0) return '';
  let p = words[0] as string;
  for (const w of words) {
    let i = 0;
    while (i < p.length && i < w.length && p[i] === w[i]) i++;
    p = p.slice(0, i);
  }
  return p;
}
