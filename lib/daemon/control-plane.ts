/**
 * The control-plane core: the one owner of maglevd's state — the running config, every
 * backend's health state and the operator's overrides — and of the plan derived from them.
 *
 * Every input is a command (a config to apply, a health transition, an operator's weight
 * change). Each command updates the state synchronously and returns a {@link ChangeSet}: the
 * backend and frontend transitions it caused and, per frontend, the application servers whose
 * desired weight may have changed. The reconciler, the event bus, the logs and the metrics all
 * consume that one result; nobody mirrors the state or plans it again.
 *
 * The core does no I/O and has no clock of its own beyond the timestamps the commands carry.
 */
import { type ConfigDiff, diffConfig } from '../config/diff.js';
import { frontendNamesByBackend } from '../config/frontends.js';
import type { Config } from '../config/types.js';
import type { BackendState, TransitionCode } from '../health/types.js';
import { FrontendModel } from '../plan/frontend-model.js';
import { desiredLbConf, weightOverrideKey } from '../plan/plan.js';
import type { DesiredVip, FrontendPlan, FrontendState, Plan, WeightOverrides } from '../plan/types.js';
import { vipSortKey } from '../plan/vip.js';
import { type AsChange, noteAsChange, noteTransition } from '../reconcile/transition.js';
import type { OperatorState } from './operator-state.js';

/**
 * A backend's health changed (a probe result, an operator action or a reload).
 *
 * @public
 */
export interface BackendChange {
  /** The backend's name. */
  readonly backend: string;
  /** The backend's address. */
  readonly address: string;
  /** The state before. */
  readonly from: BackendState;
  /** The state after. */
  readonly to: BackendState;
  /** Unix milliseconds. */
  readonly at: number;
  /** Why, as the health checker codes it (e.g. a probe result or an operator action). */
  readonly code: TransitionCode;
  /** Human-readable detail of the cause, e.g. the probe's error; may be empty. */
  readonly detail: string;
  /** Frontends that reference the backend (for `removed`: that referenced it), in config order. */
  readonly frontends: readonly string[];
}

/**
 * A frontend's aggregate state changed.
 *
 * @public
 */
export interface FrontendChange {
  /** The frontend's name. */
  readonly frontend: string;
  /** The state before. */
  readonly from: FrontendState;
  /** The state after. */
  readonly to: FrontendState;
  /** Unix milliseconds. */
  readonly at: number;
}

/**
 * The result of one command: what changed, for every consumer.
 *
 * @public
 */
export interface ChangeSet {
  /** The kind of command: a config applied, a health transition, an operator state change. */
  readonly cause: 'config' | 'health' | 'operator';
  /** Backend transitions, in the order they happened. */
  readonly backends: readonly BackendChange[];
  /** Frontend transitions (a frontend that appears or goes away has none). */
  readonly frontends: readonly FrontendChange[];
  /** frontend → address → what the fast path should do. Empty for a reload (it syncs fully). */
  readonly vips: ReadonlyMap<string, ReadonlyMap<string, AsChange>>;
  /** Set for a config reload. */
  readonly reload: ConfigDiff | null;
}

/**
 * A health transition as the health checker reports it.
 *
 * @public
 */
export interface HealthTransition {
  /** The backend's name. */
  readonly backend: string;
  /** The backend's address. */
  readonly address: string;
  /** The state before. */
  readonly from: BackendState;
  /** The state after. */
  readonly to: BackendState;
  /** Unix milliseconds. */
  readonly at: number;
  /** Why, as the health checker codes it. */
  readonly code: TransitionCode;
  /** Human-readable detail of the cause; may be empty. */
  readonly detail: string;
}

/**
 * The weight overrides of an operator state, keyed by `weightOverrideKey`.
 *
 * @public
 */
export function overridesOf(state: OperatorState): Map<string, number> {
  const m = new Map<string, number>();
  for (const [fe, pools] of Object.entries(state.weights)) {
    for (const [pool, members] of Object.entries(pools)) {
      for (const [be, w] of Object.entries(members)) m.set(weightOverrideKey(fe, pool, be), w);
    }
  }
  return m;
}

class ChangeBuilder {
  readonly backends: BackendChange[] = [];
  readonly frontends: FrontendChange[] = [];
  readonly vips = new Map<string, Map<string, AsChange>>();

  /** The frontend's pending changes, created on first use (and kept only when not empty). */
  pendingOf(frontend: string): Map<string, AsChange> {
    let m = this.vips.get(frontend);
    if (!m) {
      m = new Map();
      this.vips.set(frontend, m);
    }
    return m;
  }

  note(frontend: string, addresses: Iterable<string>, change: AsChange): void {
    const m = this.pendingOf(frontend);
    for (const a of addresses) noteAsChange(m, a, change);
  }

  build(cause: ChangeSet['cause'], reload: ConfigDiff | null = null): ChangeSet {
    for (const [fe, m] of this.vips) if (m.size === 0) this.vips.delete(fe);
    return { cause, backends: this.backends, frontends: this.frontends, vips: this.vips, reload };
  }
}

/**
 * The control-plane core: the one owner of maglevd's running config, every backend's health
 * state and the operator's overrides, and of the plan derived from them. Each command updates
 * the state synchronously and returns a {@link ChangeSet}. No I/O, no clock of its own.
 *
 * @public
 */
export class ControlPlane {
  #config: Config;
  #operator: OperatorState;
  #overrides: Map<string, number>;
  readonly #states = new Map<string, BackendState>();
  #models = new Map<string, FrontendModel>();
  #frontendsOf = new Map<string, string[]>();
  /** The last state of every frontend, as reported in frontend transitions. */
  readonly #frontendStates = new Map<string, FrontendState>();

  /**
   * @param config - The running config.
   * @param states - Every backend's health state now (as the health checker reports it).
   * @param operator - The operator state, already pruned to `config`.
   */
  constructor(config: Config, states: ReadonlyMap<string, BackendState>, operator: OperatorState) {
    this.#config = config;
    this.#operator = operator;
    this.#overrides = overridesOf(operator);
    for (const [name, s] of states) this.#states.set(name, s);
    this.#rebuild();
    for (const [name, m] of this.#models) this.#frontendStates.set(name, m.state);
  }

  /** The running config. */
  get config(): Config {
    return this.#config;
  }

  /** The operator state (pauses, disables, weight overrides) as last set. */
  get operator(): OperatorState {
    return this.#operator;
  }

  /** The operator's weight overrides, keyed by `weightOverrideKey`. */
  get overrides(): WeightOverrides {
    return this.#overrides;
  }

  /** Every backend's health state. */
  get states(): ReadonlyMap<string, BackendState> {
    return this.#states;
  }

  /** Every frontend's aggregate state, in config order. */
  frontendStates(): ReadonlyMap<string, FrontendState> {
    return this.#frontendStates;
  }

  /** The incremental model of one frontend (the reconciler's fast path reads it). */
  model(frontend: string): FrontendModel | undefined {
    return this.#models.get(frontend);
  }

  /** Frontends referencing a backend, in config order. */
  frontendsOf(backend: string): readonly string[] {
    return this.#frontendsOf.get(backend) ?? [];
  }

  /**
   * What {@link ControlPlane.healthTransition} would hand the fast path if `backend` moved to
   * `state`, worked out on copies of the models of its frontends: nothing here changes. For
   * dry runs (the fast path's preview).
   */
  dryRunTransition(
    backend: string,
    state: BackendState,
  ): {
    readonly models: ReadonlyMap<string, FrontendModel>;
    readonly pending: Map<string, Map<string, AsChange>>;
  } {
    const models = new Map<string, FrontendModel>();
    const pending = new Map<string, Map<string, AsChange>>();
    for (const name of this.frontendsOf(backend)) {
      const fe = this.#config.frontends.get(name);
      if (!fe) continue;
      const m = new FrontendModel(this.#config, fe, this.#states, this.#overrides);
      models.set(name, m);
      const changes = new Map<string, AsChange>();
      noteTransition(changes, m, backend, state);
      pending.set(name, changes);
    }
    return { models, pending };
  }

  /** One frontend's full plan (for views); undefined when the config has no such frontend. */
  frontendPlan(frontend: string): FrontendPlan | undefined {
    return this.#models.get(frontend)?.plan();
  }

  /** The whole desired dataplane (for full syncs). O(size of the config). */
  plan(): Plan {
    const frontends = new Map<string, FrontendPlan>();
    const vips: Array<readonly [string, DesiredVip]> = [];
    for (const [name, m] of this.#models) {
      const p = m.plan();
      frontends.set(name, p);
      vips.push([`${vipSortKey(p.vip)} ${name}`, p.vip]);
    }
    vips.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return { conf: desiredLbConf(this.#config.vpp.lb), vips: vips.map((v) => v[1]), frontends };
  }

  /**
   * Commits a new config at once: the health checker has already applied it and reports
   * `transitions` (removed backends, restarted checks) and every backend's state after it;
   * `operator` is the operator state pruned to the new config. Nothing is observable half-done:
   * the caller runs this in the same turn as the checker's reload.
   */
  applyConfig(
    next: Config,
    transitions: readonly HealthTransition[],
    states: ReadonlyMap<string, BackendState>,
    operator: OperatorState,
  ): ChangeSet {
    const diff = diffConfig(this.#config, next);
    const previousFrontendsOf = this.#frontendsOf;
    const nextFrontendsOf = frontendNamesByBackend(next);
    const out = new ChangeBuilder();
    for (const t of transitions) {
      const frontends =
        t.to === 'removed'
          ? (previousFrontendsOf.get(t.backend) ?? [])
          : (nextFrontendsOf.get(t.backend) ?? []);
      out.backends.push({ ...t, frontends });
    }
    this.#config = next;
    this.#operator = operator;
    this.#overrides = overridesOf(operator);
    this.#states.clear();
    for (const [name, s] of states) this.#states.set(name, s);
    this.#rebuild();
    const at = transitions.at(-1)?.at ?? Date.now();
    for (const name of [...this.#frontendStates.keys()]) {
      if (!this.#models.has(name)) this.#frontendStates.delete(name);
    }
    for (const [name, m] of this.#models) this.#noteFrontendState(out, name, m.state, at);
    return out.build('config', diff);
  }

  /**
   * A backend changed health state. A transition of a backend the config does not have, or to
   * `removed`, is reported in the change set but changes no plan.
   */
  healthTransition(t: HealthTransition): ChangeSet {
    const out = new ChangeBuilder();
    const frontends = this.#frontendsOf.get(t.backend) ?? [];
    out.backends.push({ ...t, frontends });
    if (this.#config.backends.has(t.backend) && t.to !== 'removed') {
      this.#states.set(t.backend, t.to);
      for (const fe of frontends) {
        const m = this.#models.get(fe);
        if (!m) continue;
        noteTransition(out.pendingOf(fe), m, t.backend, t.to);
        this.#noteFrontendState(out, fe, m.state, t.at);
      }
    }
    return out.build('health');
  }

  /**
   * The operator state changed (pause/resume/enable/disable are recorded here, their health
   * effect arrives as a health transition). A weight change re-plans that member; `flush`
   * asks the fast path to flush the member's application server with its new weight.
   */
  setOperatorState(
    next: OperatorState,
    weightChange?: { frontend: string; pool: string; backend: string; flush: boolean },
    at: number = Date.now(),
  ): ChangeSet {
    this.#operator = next;
    this.#overrides = overridesOf(next);
    const out = new ChangeBuilder();
    if (weightChange) {
      const { frontend, pool, backend, flush } = weightChange;
      const m = this.#models.get(frontend);
      if (m) {
        const w = this.#overrides.get(weightOverrideKey(frontend, pool, backend)) ?? null;
        const changed = m.setWeight(pool, backend, w);
        out.note(frontend, changed, 'weight');
        if (flush) out.note(frontend, m.addressesOf(backend), 'flush');
        this.#noteFrontendState(out, frontend, m.state, at);
      }
    }
    return out.build('operator');
  }

  #noteFrontendState(out: ChangeBuilder, frontend: string, to: FrontendState, at: number): void {
    const from = this.#frontendStates.get(frontend);
    if (from === to) return;
    this.#frontendStates.set(frontend, to);
    if (from !== undefined) out.frontends.push({ frontend, from, to, at });
  }

  #rebuild(): void {
    const models = new Map<string, FrontendModel>();
    for (const fe of this.#config.frontends.values()) {
      models.set(fe.name, new FrontendModel(this.#config, fe, this.#states, this.#overrides));
    }
    this.#models = models;
    this.#frontendsOf = frontendNamesByBackend(this.#config);
  }
}
