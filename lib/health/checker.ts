import { EventEmitter } from 'node:events';
import { frontendNamesByBackend } from '../config/frontends.js';
import type { BackendConfig, Config, HealthCheckConfig } from '../config/types.js';
import {
  BackendDisabledError,
  BackendNotFoundError,
  HealthCheckerClosedError,
  UnknownHealthCheckError,
} from './errors.js';
import { type NetnsLauncher, NetnsProber } from './netns.js';
import type { ProbeTarget } from './probes/common.js';
import { LocalProber, type Prober } from './probes/index.js';
import { type TimerHandle, TimerQueue } from './scheduler.js';
import {
  applyAction,
  enterUnknown,
  initialDelay,
  isProbing,
  nextInterval,
  type OperatorAction,
  recordResult,
} from './state.js';
import type {
  BackendSnapshot,
  BackendState,
  HealthCheckerEvents,
  HealthStatus,
  LogLevel,
  ProbeResult,
  Transition,
  TransitionCode,
} from './types.js';

/**
 * Options of {@link HealthChecker}; every one has a default for production use.
 *
 * @public
 */
export interface HealthCheckerOptions {
  /** How a probe worker enters `healthchecker.netns`; default nsenter(1). */
  readonly netnsLauncher?: NetnsLauncher;
  /** The probe worker's command line; default: found next to the library. */
  readonly probeWorkerCommand?: readonly string[];
  /** [0, 1) source for jitter and spreading; default Math.random. */
  readonly random?: () => number;
}

/**
 * What a reload changed, by backend name.
 *
 * @public
 */
export interface ReloadSummary {
  /** Backends new in the config: they start from unknown. */
  readonly added: readonly string[];
  /** Backends no longer in the config: their probes stopped. */
  readonly removed: readonly string[];
  /** Health check changed: a fresh worker, state unknown (or disabled). */
  readonly restarted: readonly string[];
  /** Health check unchanged: probing went on; the address or frontends may have changed. */
  readonly kept: readonly string[];
}

interface Runtime {
  readonly name: string;
  address: string;
  target: ProbeTarget;
  hc: HealthCheckConfig;
  /** The `enabled` of the YAML as last loaded. */
  yamlEnabled: boolean;
  /** The runtime flag: YAML, then disable/enable. */
  enabled: boolean;
  status: HealthStatus;
  history: Transition[];
  frontends: readonly string[];
  /**
   * The last result, kept as fields rather than the result object: with numeric fields that
   * are updated in place, a probe leaves nothing behind for the garbage collector to promote
   * (snapshots build the object). lastCode null: no probe has finished yet.
   */
  lastCode: ProbeResult['code'] | null;
  lastOk: boolean;
  lastDetail: string;
  lastDurationMs: number;
  /** Milliseconds since the epoch of the last result; meaningful once lastCode is set. */
  lastProbeAt: number;
  /** The backend's one timer entry, reused for every probe. */
  timer: TimerHandle | null;
  /** A probe is in flight. */
  inflight: boolean;
  /** The probe in flight, when the prober started it with start(), and that prober. */
  ticket: number | null;
  ticketOwner: Prober | null;
  /** Aborts the probe in flight when probing stops; one per run of probes, not per probe. */
  abort: AbortController | null;
  /** Bumped whenever probing stops or restarts, so that late results are dropped. */
  generation: number;
}

const ACTION_CODE: Record<OperatorAction, TransitionCode> = {
  pause: 'paused',
  resume: 'resumed',
  disable: 'disabled',
  enable: 'enabled',
};

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every(
    (k) =>
      Object.hasOwn(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}

function probeError(err: unknown, durationMs: number): ProbeResult {
  return {
    ok: false,
    code: 'L4CON',
    detail: `probe error: ${err instanceof Error ? err.message : String(err)}`,
    durationMs,
  };
}

function validate(config: Config): void {
  for (const b of config.backends.values()) {
    if (!config.healthchecks.has(b.healthcheck)) throw new UnknownHealthCheckError(b.name, b.healthcheck);
  }
}

/**
 * Probes every configured backend once, however many frontends use it, and keeps its health
 * state with the Go original's rise/fall rules. Emits `transition` (once per backend state
 * change), `probe-start`, `probe-done` and `log` records. Probes run in this process, or in a worker inside `healthchecker.netns`.
 *
 * @public
 */
export class HealthChecker extends EventEmitter<HealthCheckerEvents> {
  private config: Config;
  private readonly backends = new Map<string, Runtime>();
  private readonly queue: TimerQueue<Runtime>;
  private prober: Prober;
  private readonly retiredProbers = new Set<Promise<void>>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly random: () => number;
  private readonly socketErrorsLogged = new Set<string>();
  private started = false;
  private closed = false;

  constructor(
    config: Config,
    private readonly options: HealthCheckerOptions = {},
  ) {
    super();
    validate(config);
    this.config = config;
    this.random = options.random ?? Math.random;
    this.queue = new TimerQueue((rt, plannedAt) => this.runProbe(rt, plannedAt));
    this.prober = this.makeProber(config.healthchecker.netns);
    const frontends = frontendNamesByBackend(config);
    for (const b of config.backends.values()) {
      this.backends.set(b.name, this.newRuntime(b, config, frontends.get(b.name) ?? []));
    }
  }

  /** Starts probing. The first probes are spread over each backend's first interval. */
  start(): void {
    if (this.closed) throw new HealthCheckerClosedError('start');
    if (this.started) return;
    this.started = true;
    const probing = [...this.backends.values()].filter((rt) => isProbing(rt.status.state));
    probing.forEach((rt, i) => {
      this.schedule(rt, initialDelay(i, probing.length, rt.hc.fastInterval));
    });
    // Which engine runs tcp and http probes here; a worker in a namespace picks its own.
    const engine = this.prober instanceof LocalProber ? this.prober.engine() : null;
    this.log('info', 'healthchecker-start', {
      backends: this.backends.size,
      netns: this.config.healthchecker.netns,
      ...(engine ? { probeEngine: engine.engine } : {}),
      ...(engine?.reason ? { probeEngineReason: engine.reason } : {}),
    });
  }

  /** Stops every probe and worker; resolves once all sockets, timers and children are gone. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.queue.close();
    for (const rt of this.backends.values()) this.stopProbing(rt);
    await Promise.allSettled([...this.inflight]);
    await this.prober.close();
    await Promise.allSettled([...this.retiredProbers]);
  }

  /** The current view of one backend. */
  backend(name: string): BackendSnapshot {
    return this.snap(this.get(name));
  }

  /** Every backend's state, in config order (cheaper than a snapshot). */
  states(): Map<string, BackendState> {
    return new Map([...this.backends.values()].map((rt) => [rt.name, rt.status.state]));
  }

  /** Every backend, in config order. */
  snapshot(): BackendSnapshot[] {
    return [...this.backends.values()].map((rt) => this.snap(rt));
  }

  /** Stops probing the backend; state paused. Refused for a disabled backend. */
  pause(name: string): BackendSnapshot {
    return this.act('pause', name);
  }

  /** Resumes probing a paused backend from unknown. Refused for a disabled backend. */
  resume(name: string): BackendSnapshot {
    return this.act('resume', name);
  }

  /**
   * Throws what `pause`/`resume`/`enable`/`disable` would throw (BackendNotFoundError,
   * BackendDisabledError), without changing anything: lets a caller check an action before it
   * records it elsewhere.
   */
  checkAction(action: OperatorAction, name: string): void {
    const rt = this.get(name);
    const out = applyAction(action, rt.status, rt.enabled, rt.hc);
    if (out.kind === 'refused-disabled') {
      throw new BackendDisabledError(rt.name, action === 'pause' ? 'pause' : 'resume');
    }
  }

  /** Takes the backend out: state disabled, enabled false, probing stops. */
  disable(name: string): BackendSnapshot {
    return this.act('disable', name);
  }

  /** Puts a disabled backend back: state unknown, probing restarts. */
  enable(name: string): BackendSnapshot {
    return this.act('enable', name);
  }

  /**
   * Applies a reloaded config. New backends start; removed ones stop (state removed, then they
   * are forgotten). A backend whose health check changed gets a fresh start from unknown, and
   * the YAML `enabled` decides for it. One whose health check is unchanged keeps probing without
   * a gap and keeps its state, counter, pause and runtime enabled flag; its address is updated in
   * place. Where the YAML `enabled` value itself changed, it is applied as enable or disable.
   */
  applyConfig(next: Config): ReloadSummary {
    if (this.closed) throw new HealthCheckerClosedError('applyConfig');
    validate(next);
    const added: string[] = [];
    const removed: string[] = [];
    const restarted: string[] = [];
    const kept: string[] = [];
    const frontends = frontendNamesByBackend(next);

    for (const [name, rt] of this.backends) {
      if (next.backends.has(name)) continue;
      this.stopProbing(rt);
      this.backends.delete(name);
      removed.push(name);
      const from = rt.status.state;
      rt.status = { state: 'removed', counter: rt.status.counter };
      this.transition(rt, from, 'removed', 'removed', 'removed from the configuration');
    }

    if (next.healthchecker.netns !== this.config.healthchecker.netns) {
      const old = this.prober;
      this.prober = this.makeProber(next.healthchecker.netns);
      const closing = old.close();
      this.retiredProbers.add(closing);
      void closing.finally(() => this.retiredProbers.delete(closing));
      this.log('info', 'healthchecker-netns', {
        from: this.config.healthchecker.netns,
        to: next.healthchecker.netns,
      });
    }
    const netnsChanged = next.healthchecker.netns !== this.config.healthchecker.netns;

    const order = new Map<string, Runtime>();
    for (const b of next.backends.values()) {
      const hc = next.healthchecks.get(b.healthcheck) as HealthCheckConfig;
      const rt = this.backends.get(b.name);
      const fes = frontends.get(b.name) ?? [];
      if (!rt) {
        const fresh = this.newRuntime(b, next, fes);
        order.set(b.name, fresh);
        added.push(b.name);
        if (this.started && isProbing(fresh.status.state)) {
          this.schedule(fresh, this.random() * fresh.hc.fastInterval);
        }
        continue;
      }
      order.set(b.name, rt);
      rt.frontends = fes;
      if (!deepEqual(rt.hc, hc)) {
        restarted.push(b.name);
        this.stopProbing(rt);
        rt.hc = hc;
        rt.address = b.address;
        rt.target = { address: b.address, family: b.family, healthcheck: hc };
        rt.yamlEnabled = b.enabled;
        rt.enabled = b.enabled;
        const from = rt.status.state;
        rt.status = b.enabled ? enterUnknown(hc) : { state: 'disabled', counter: hc.rise - 1 };
        if (from !== rt.status.state) {
          this.transition(
            rt,
            from,
            rt.status.state,
            'config',
            `healthcheck ${JSON.stringify(hc.name)} changed`,
          );
        }
        if (this.started && isProbing(rt.status.state)) this.schedule(rt, this.random() * hc.fastInterval);
        continue;
      }
      kept.push(b.name);
      if (rt.address !== b.address) {
        rt.address = b.address;
        rt.target = { address: b.address, family: b.family, healthcheck: rt.hc };
      }
      if (b.enabled !== rt.yamlEnabled) {
        rt.yamlEnabled = b.enabled;
        this.actOn(rt, b.enabled ? 'enable' : 'disable', 'config');
      }
      // In-flight probes in the old namespace are abandoned and redone in the new one.
      if (netnsChanged && this.started && isProbing(rt.status.state)) {
        this.stopProbing(rt);
        this.schedule(rt, this.random() * rt.hc.fastInterval);
      }
    }
    this.backends.clear();
    for (const [name, rt] of order) this.backends.set(name, rt);

    const cap = next.healthchecker.transitionHistory;
    for (const rt of this.backends.values()) {
      if (rt.history.length > cap) rt.history.splice(0, rt.history.length - cap);
    }
    this.config = next;
    return { added, removed, restarted, kept };
  }

  private makeProber(netns: string | null): Prober {
    if (netns === null) return new LocalProber();
    return new NetnsProber({
      netns,
      launcher: this.options.netnsLauncher,
      workerCommand: this.options.probeWorkerCommand,
      onLog: (rec) => this.emit('log', rec),
    });
  }

  private newRuntime(b: BackendConfig, config: Config, frontends: readonly string[]): Runtime {
    const hc = config.healthchecks.get(b.healthcheck) as HealthCheckConfig;
    return {
      name: b.name,
      address: b.address,
      target: { address: b.address, family: b.family, healthcheck: hc },
      hc,
      yamlEnabled: b.enabled,
      enabled: b.enabled,
      status: b.enabled ? enterUnknown(hc) : { state: 'disabled', counter: hc.rise - 1 },
      history: [],
      frontends,
      lastCode: null,
      lastOk: false,
      lastDetail: '',
      // Doubles from the start, so that V8 keeps them as in-place number fields.
      lastDurationMs: 0.5,
      lastProbeAt: 0.5,
      timer: null,
      inflight: false,
      ticket: null,
      ticketOwner: null,
      abort: null,
      generation: 0,
    };
  }

  private get(name: string): Runtime {
    if (this.closed) throw new HealthCheckerClosedError('backend lookup');
    const rt = this.backends.get(name);
    if (!rt) throw new BackendNotFoundError(name);
    return rt;
  }

  private act(action: OperatorAction, name: string): BackendSnapshot {
    const rt = this.get(name);
    this.actOn(rt, action, 'operator');
    return this.snap(rt);
  }

  private actOn(rt: Runtime, action: OperatorAction, by: 'operator' | 'config'): void {
    const out = applyAction(action, rt.status, rt.enabled, rt.hc);
    if (out.kind === 'refused-disabled') {
      throw new BackendDisabledError(rt.name, action === 'pause' ? 'pause' : 'resume');
    }
    rt.enabled = out.enabled;
    if (out.kind === 'noop') return;
    const from = rt.status.state;
    rt.status = out.status;
    this.stopProbing(rt);
    // An operator resume or enable probes at once: whoever asked wants to see the result.
    if (out.probing && this.started) this.schedule(rt, 0);
    this.transition(rt, from, out.status.state, ACTION_CODE[action], `${ACTION_CODE[action]} by ${by}`);
  }

  private schedule(rt: Runtime, delayMs: number): void {
    if (!this.started || this.closed) return;
    rt.timer = this.queue.schedule(rt, performance.now() + delayMs, rt.timer);
  }

  private stopProbing(rt: Runtime): void {
    rt.generation++;
    if (rt.timer) this.queue.cancel(rt.timer);
    if (rt.ticket !== null) rt.ticketOwner?.cancel?.(rt.ticket);
    rt.ticket = null;
    rt.ticketOwner = null;
    rt.abort?.abort();
    rt.abort = null;
    rt.inflight = false;
  }

  /** A result of a probe started with Prober.start: cancelled ones never come back. */
  private readonly onProbeDone = (rt: Runtime, result: ProbeResult): void => {
    rt.ticket = null;
    rt.ticketOwner = null;
    this.onResult(rt, result);
  };

  private runProbe(rt: Runtime, plannedAt: number): void {
    if (rt.inflight || !isProbing(rt.status.state)) return;
    rt.inflight = true;
    const target = rt.target;
    if (this.listenerCount('probe-start') > 0) {
      this.emit('probe-start', {
        backend: rt.name,
        address: target.address,
        type: target.healthcheck.type,
        plannedAt,
        startedAt: performance.now(),
      });
    }
    const prober = this.prober;
    if (prober.start && prober.cancel) {
      // The cheap way: no promise, no AbortSignal; stopProbing cancels by ticket.
      try {
        rt.ticket = prober.start(target, this.onProbeDone, rt);
        rt.ticketOwner = prober;
      } catch (err) {
        const generation = rt.generation;
        const result = probeError(err, 0);
        queueMicrotask(() => {
          if (rt.generation === generation) this.onResult(rt, result);
        });
      }
      return;
    }
    const generation = rt.generation;
    rt.abort ??= new AbortController();
    const signal = rt.abort.signal;
    const started = performance.now();
    // A prober should never fail, but if one does the backend must not stall: count a failure.
    const failed = (err: unknown): ProbeResult => probeError(err, performance.now() - started);
    let pending: Promise<ProbeResult>;
    try {
      pending = prober.probe(target, signal);
    } catch (err) {
      pending = Promise.resolve(failed(err));
    }
    const p = pending.then(
      (result) => {
        this.inflight.delete(p);
        if (rt.generation === generation) this.onResult(rt, result);
      },
      (err: unknown) => {
        this.inflight.delete(p);
        if (rt.generation === generation) this.onResult(rt, failed(err));
      },
    );
    this.inflight.add(p);
  }

  private onResult(rt: Runtime, result: ProbeResult): void {
    rt.inflight = false;
    rt.lastCode = result.code;
    rt.lastOk = result.ok;
    rt.lastDetail = result.detail;
    rt.lastDurationMs = result.durationMs;
    rt.lastProbeAt = Date.now();
    const from = rt.status;
    const next = recordResult(from, result.ok, rt.hc);
    // Steady state (up at Max, down at 0) keeps the same status object: nothing to collect.
    rt.status = next.state === from.state && next.counter === from.counter ? from : next;
    if (result.code === 'SOCKERR' && !this.socketErrorsLogged.has(result.detail)) {
      this.socketErrorsLogged.add(result.detail);
      this.log('warn', 'probe-socket-error', {
        backend: rt.name,
        type: rt.hc.type,
        detail: result.detail,
      });
    }
    if (this.listenerCount('probe-done') > 0) {
      this.emit('probe-done', {
        backend: rt.name,
        address: rt.target.address,
        type: rt.hc.type,
        result,
        state: rt.status.state,
        counter: rt.status.counter,
      });
    }
    if (rt.status.state !== from.state) {
      this.transition(rt, from.state, rt.status.state, result.code, result.detail);
    }
    this.schedule(rt, nextInterval(rt.status, rt.hc, rt.hc, this.random));
  }

  private transition(
    rt: Runtime,
    from: BackendState,
    to: BackendState,
    code: TransitionCode,
    detail: string,
  ): void {
    const at = Date.now();
    rt.history.push({ from, to, at, code, detail });
    const cap = this.config.healthchecker.transitionHistory;
    if (rt.history.length > cap) rt.history.splice(0, rt.history.length - cap);
    // A raw transition, once per backend: who uses the backend, and the log line, are the
    // concern of whoever owns the control-plane state.
    this.emit('transition', { backend: rt.name, address: rt.address, from, to, at, code, detail });
  }

  private log(level: LogLevel, msg: string, fields: Record<string, unknown>): void {
    if (this.listenerCount('log') > 0) this.emit('log', { level, msg, fields });
  }

  private snap(rt: Runtime): BackendSnapshot {
    return {
      name: rt.name,
      address: rt.address,
      healthcheck: rt.hc.name,
      state: rt.status.state,
      enabled: rt.enabled,
      counter: rt.status.counter,
      rise: rt.hc.rise,
      fall: rt.hc.fall,
      frontends: rt.frontends,
      history: [...rt.history],
      lastResult:
        rt.lastCode === null
          ? null
          : { ok: rt.lastOk, code: rt.lastCode, detail: rt.lastDetail, durationMs: rt.lastDurationMs },
      lastProbeAt: rt.lastCode === null ? null : rt.lastProbeAt,
      probing: rt.inflight,
    };
  }
}
