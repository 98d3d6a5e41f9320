import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { Config } from '../config/types.js';

/**
 * What operators changed at runtime and maglevd must not lose: paused and disabled backends and
 * pool weight overrides. Kept in a JSON state file, written atomically after every change, and
 * restored at start.
 *
 * Across a config reload: a pause survives while the backend exists and is enabled (the daemon
 * drops pauses of backends the reload leaves disabled); a runtime enable/disable survives while
 * the backend exists with an unchanged health check and an unchanged YAML `enabled` (when either
 * changes, the YAML `enabled` is authoritative, as in the Go original); a weight override
 * survives while its frontend, pool and member exist and the member's configured weight is
 * unchanged (an edited weight in the YAML is a newer decision than the override).
 *
 * @public
 */
export interface OperatorState {
  /** Backends an operator paused, sorted. */
  readonly paused: readonly string[];
  /** Runtime enabled flag of backends an operator enabled or disabled. */
  readonly enabled: Readonly<Record<string, boolean>>;
  /** frontend → pool → backend → weight (0-100). */
  readonly weights: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, number>>>>>>;
  /** Configured weight each override replaced, to notice a YAML edit on reload. */
  readonly replaced: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, number>>>>>>;
}

/**
 * The state with no runtime changes (frozen).
 *
 * @public
 */
export const emptyOperatorState: OperatorState = Object.freeze({
  paused: [],
  enabled: {},
  weights: {},
  replaced: {},
});

const weightMap = z.record(
  z.string(),
  z.record(z.string(), z.record(z.string(), z.number().int().min(0).max(100))),
);
const fileSchema = z.strictObject({
  version: z.literal(1),
  paused: z.array(z.string()).default([]),
  enabled: z.record(z.string(), z.boolean()).default({}),
  weights: weightMap.default({}),
  replaced: weightMap.default({}),
});

/**
 * The state file could not be read, parsed or written; the message names the file and the
 * problem; `cause` is the underlying error when there is one.
 *
 * @public
 */
export class StateFileError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'STATE_FILE' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'StateFileError';
  constructor(
    /** The state file's path. */
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`state file ${path}: ${message}`, options);
  }
}

/**
 * Reads the state file; a missing file is an empty state.
 *
 * @throws {@link StateFileError} when the file cannot be read, is not JSON or is not a
 *   version-1 state file.
 * @public
 */
export async function loadOperatorState(path: string): Promise<OperatorState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyOperatorState;
    throw new StateFileError(path, (e as Error).message, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new StateFileError(path, `not JSON: ${(e as Error).message}`, { cause: e });
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StateFileError(path, `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const { version: _v, ...state } = parsed.data;
  return state;
}

/**
 * The state read at start, and what was wrong with the file when it could not be used.
 *
 * @public
 */
export interface RecoveredOperatorState {
  /** The state to start with: the file's, or empty when it could not be used. */
  readonly state: OperatorState;
  /** Why the file was not used and where it was moved; null when it was fine or absent. */
  readonly problem: string | null;
}

/**
 * Reads the state file at start. A file that cannot be read or is not a valid state file is
 * moved aside to `<path>.corrupt-<timestamp>` (kept for a post-mortem; nothing is deleted) and
 * maglevd starts without overrides: a bad state file must never keep the daemon down.
 *
 * @param now - Names the moved-aside file.
 * @public
 */
export async function recoverOperatorState(
  path: string,
  now: Date = new Date(),
): Promise<RecoveredOperatorState> {
  try {
    return { state: await loadOperatorState(path), problem: null };
  } catch (e) {
    const reason = e instanceof StateFileError ? e.message : (e as Error).message;
    const aside = `${path}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
    try {
      await rename(path, aside);
      return { state: emptyOperatorState, problem: `${reason}; moved aside to ${aside}` };
    } catch (r) {
      return {
        state: emptyOperatorState,
        problem: `${reason}; could not move it aside: ${(r as Error).message}`,
      };
    }
  }
}

/**
 * Writes the state file atomically: a temporary file, fsync, then rename over the old one.
 * Creates the directory when missing.
 *
 * @throws {@link StateFileError} when the file cannot be written.
 * @public
 */
export async function saveOperatorState(path: string, state: OperatorState): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  const body = `${JSON.stringify({ version: 1, ...state }, null, 2)}\n`;
  try {
    await mkdir(dirname(path), { recursive: true });
    const fh = await open(tmp, 'w', 0o640);
    try {
      await fh.writeFile(body);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new StateFileError(path, (e as Error).message, { cause: e });
  }
}

type WeightTree = Record<string, Record<string, Record<string, number>>>;

function setNested(tree: WeightTree, a: string, b: string, c: string, v: number): void {
  const pools = tree[a] ?? {};
  tree[a] = pools;
  const members = pools[b] ?? {};
  pools[b] = members;
  members[c] = v;
}

function configuredWeight(
  config: Config,
  frontend: string,
  pool: string,
  backend: string,
): number | undefined {
  return config.frontends
    .get(frontend)
    ?.pools.find((p) => p.name === pool)
    ?.backends.find((b) => b.name === backend)?.weight;
}

/**
 * The part of the state that still applies to a (new) config; see the rules above.
 * `reset` names the backends whose runtime enable/disable the reload resets (their health
 * check or their YAML `enabled` changed).
 *
 * @public
 */
export function pruneOperatorState(
  state: OperatorState,
  config: Config,
  reset: ReadonlySet<string> = new Set(),
): OperatorState {
  const weights: Record<string, Record<string, Record<string, number>>> = {};
  const replaced: Record<string, Record<string, Record<string, number>>> = {};
  for (const [fe, pools] of Object.entries(state.weights)) {
    for (const [pool, members] of Object.entries(pools)) {
      for (const [be, w] of Object.entries(members)) {
        const now = configuredWeight(config, fe, pool, be);
        const was = state.replaced[fe]?.[pool]?.[be];
        if (now === undefined || (was !== undefined && was !== now)) continue;
        setNested(weights, fe, pool, be, w);
        setNested(replaced, fe, pool, be, was ?? now);
      }
    }
  }
  return {
    paused: state.paused.filter((b) => config.backends.has(b)),
    enabled: Object.fromEntries(
      Object.entries(state.enabled).filter(([b]) => config.backends.has(b) && !reset.has(b)),
    ),
    weights,
    replaced,
  };
}

/**
 * The operator state after a reload from `previous` to `next` (the rules above): entries of
 * removed backends go; a runtime enable/disable goes when the backend's health check changed
 * (`restarted`) or its YAML `enabled` changed; a pause stays only for a backend that is enabled
 * after the reload.
 *
 * @public
 */
export function operatorStateAfterReload(
  state: OperatorState,
  previous: Config,
  next: Config,
  restarted: ReadonlySet<string>,
): OperatorState {
  const reset = new Set(restarted);
  for (const [name, b] of next.backends) {
    const old = previous.backends.get(name);
    if (old && old.enabled !== b.enabled) reset.add(name);
  }
  const pruned = pruneOperatorState(state, next, reset);
  const enabled = (name: string) => pruned.enabled[name] ?? next.backends.get(name)?.enabled ?? false;
  return { ...pruned, paused: pruned.paused.filter(enabled) };
}

/**
 * State with one weight override set (or cleared when it equals the configured weight, or the
 * member is not in the config).
 *
 * @public
 */
export function withWeightOverride(
  state: OperatorState,
  config: Config,
  frontend: string,
  pool: string,
  backend: string,
  weight: number,
): OperatorState {
  const configured = configuredWeight(config, frontend, pool, backend);
  const weights = structuredClone(state.weights) as Record<string, Record<string, Record<string, number>>>;
  const replaced = structuredClone(state.replaced) as Record<string, Record<string, Record<string, number>>>;
  if (configured === undefined || configured === weight) {
    delete weights[frontend]?.[pool]?.[backend];
    delete replaced[frontend]?.[pool]?.[backend];
  } else {
    setNested(weights, frontend, pool, backend, weight);
    setNested(replaced, frontend, pool, backend, configured);
  }
  return { ...state, weights, replaced };
}

/**
 * State with a backend's paused flag set.
 *
 * @public
 */
export function withPaused(state: OperatorState, backend: string, paused: boolean): OperatorState {
  const rest = state.paused.filter((b) => b !== backend);
  return { ...state, paused: paused ? [...rest, backend].sort() : rest };
}

/**
 * State with a backend's runtime enabled flag recorded (dropped when it equals the YAML's).
 *
 * @public
 */
export function withEnabled(
  state: OperatorState,
  config: Config,
  backend: string,
  enabled: boolean,
): OperatorState {
  const { [backend]: _old, ...rest } = state.enabled;
  const yaml = config.backends.get(backend)?.enabled;
  return { ...state, enabled: yaml === enabled ? rest : { ...rest, [backend]: enabled } };
}
