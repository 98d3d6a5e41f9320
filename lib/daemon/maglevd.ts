import { MaglevGrpcServer } from '../api/server.js';
import { diffConfig } from '../config/diff.js';
import { ConfigLoader } from '../config/loader.js';
import type { Config } from '../config/types.js';
import { EventBus } from '../events/bus.js';
import { createLogger, type Logger } from '../events/logger.js';
import type { FrontendState, LogLevel } from '../events/types.js';
import { HealthChecker, type HealthCheckerOptions } from '../health/checker.js';
import type { BackendState, TransitionEvent } from '../health/types.js';
import { planFrontend, weightOverrideKey } from '../plan/plan.js';
import type { WeightOverrides } from '../plan/types.js';
import { Reconciler } from '../reconcile/reconciler.js';
import { buildInfo } from '../version.js';
import { VppClient } from '../vpp/client.js';
import { MaglevHandlersImpl } from './handlers.js';
import { MaglevMetrics, MetricsServer } from './metrics.js';
import {
  emptyOperatorState,
  loadOperatorState,
  type OperatorState,
  pruneOperatorState,
  saveOperatorState,
} from './operator-state.js';
import { frontendsByVipKey, VipCounterScraper } from './vip-counters.js';

export interface MaglevdOptions {
  readonly configPath: string;
  /** gRPC listen address; "" disables the API. */
  readonly grpcAddr: string;
  /** Prometheus listen address; "" disables it. */
  readonly metricsAddr: string;
  /** VPP API socket; "" disables VPP integration. */
  readonly vppApiAddr: string;
  /** VPP stats socket; "" disables the counters. */
  readonly vppStatsAddr: string;
  readonly logLevel: LogLevel;
  /** Operator state file; "" disables persistence. */
  readonly stateFile: string;
  readonly reflection: boolean;
  /** Where log lines go; default stdout. */
  readonly logStream?: NodeJS.WritableStream;
  readonly health?: HealthCheckerOptions;
  /** VPP reconnect delay; default 5 s as the original. */
  readonly vppReconnectMs?: number;
  /** VPP liveness ping period; default 10 s. */
  readonly vppPingMs?: number;
  /** Stats scrape period; default 5 s. */
  readonly statsIntervalMs?: number;
}

export interface MaglevdAddresses {
  /** Bound gRPC port (0 when disabled). */
  readonly grpcPort: number;
  readonly metricsPort: number;
}

/**
 * maglevd: loads the config, health-checks every backend, plans and reconciles VPP's lb state,
 * serves the gRPC API and /metrics, and keeps what operators did across restarts.
 */
export class Maglevd {
  readonly bus = new EventBus();
  readonly logger: Logger;
  readonly loader = new ConfigLoader();
  readonly metrics: MaglevMetrics;
  readonly checker: HealthChecker;
  readonly reconciler: Reconciler;
  readonly vpp: VppClient | null;
  readonly counters: VipCounterScraper | null;

  #config: Config;
  #operator: OperatorState = emptyOperatorState;
  #overrides: Map<string, number> = new Map();
  readonly #states = new Map<string, BackendState>();
  readonly #frontendStates = new Map<string, FrontendState>();
  readonly #opts: MaglevdOptions;
  #grpc: MaglevGrpcServer | null = null;
  #metricsServer: MetricsServer | null = null;
  #saving: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(opts: MaglevdOptions, config: Config, operator: OperatorState) {
    this.#opts = opts;
    this.#config = config;
    this.logger = createLogger({ level: opts.logLevel, stream: opts.logStream, bus: this.bus });
    this.metrics = new MaglevMetrics(this.#metricsSources());
    this.checker = new HealthChecker(config, opts.health);
    this.#operator = pruneOperatorState(operator, config);
    this.#overrides = overridesOf(this.#operator);
    this.reconciler = new Reconciler({
      inputs: { config: () => this.#config, states: () => this.#states, overrides: () => this.#overrides },
      logger: this.logger,
      onSync: (scope, counts) => this.metrics.lbsync(scope, counts),
    });
    this.vpp =
      opts.vppApiAddr === ''
        ? null
        : new VppClient({
            socketPath: opts.vppApiAddr,
            statsSocketPath: opts.vppStatsAddr,
            logger: this.logger,
            reconnectMs: opts.vppReconnectMs ?? 5000,
            pingMs: opts.vppPingMs ?? 10_000,
            onApi: (msg, direction, ok) => this.metrics.vppApi(msg, direction, ok),
          });
    this.counters =
      this.vpp && opts.vppStatsAddr !== ''
        ? new VipCounterScraper({
            vpp: this.vpp,
            logger: this.logger,
            intervalMs: opts.statsIntervalMs ?? 5000,
            frontendOf: () => frontendsByVipKey(this.#config),
          })
        : null;
  }

  /** Loads the config and the state file; throws ConfigError or StateFileError. */
  static async create(opts: MaglevdOptions): Promise<Maglevd> {
    const config = await new ConfigLoader().load(opts.configPath);
    const operator = opts.stateFile === '' ? emptyOperatorState : await loadOperatorState(opts.stateFile);
    return new Maglevd(opts, config, operator);
  }

  get config(): Config {
    return this.#config;
  }

  get configPath(): string {
    return this.#opts.configPath;
  }

  get operatorState(): OperatorState {
    return this.#operator;
  }

  /** Current health state of every backend (live view). */
  get states(): ReadonlyMap<string, BackendState> {
    return this.#states;
  }

  get overrides(): WeightOverrides {
    return this.#overrides;
  }

  frontendStates(): ReadonlyMap<string, FrontendState> {
    return this.#frontendStates;
  }

  async start(): Promise<MaglevdAddresses> {
    this.logger.info('starting', {
      version: buildInfo.version,
      commit: buildInfo.commit,
      date: buildInfo.date,
      config: this.#opts.configPath,
    });
    this.#wireChecker();
    this.#restoreOperatorActions();
    for (const b of this.checker.snapshot()) this.#states.set(b.name, b.state);
    this.#recomputeFrontends(null);
    this.checker.start();

    let grpcPort = 0;
    if (this.#opts.grpcAddr !== '') {
      this.#grpc = new MaglevGrpcServer({
        address: this.#opts.grpcAddr,
        handlers: new MaglevHandlersImpl(this),
        events: { bus: this.bus, frontendStates: () => this.#frontendStates.entries() },
        reflection: this.#opts.reflection,
        logger: this.logger,
        onCall: (c) =>
          this.metrics.grpcCall({
            method: c.method,
            type: c.type,
            code: String(c.code),
            seconds: c.seconds,
            sent: c.sent,
          }),
      });
      grpcPort = await this.#grpc.start();
      this.logger.info('grpc-listen', {
        addr: this.#opts.grpcAddr,
        port: grpcPort,
        reflection: this.#opts.reflection,
      });
    }
    let metricsPort = 0;
    if (this.#opts.metricsAddr !== '') {
      this.#metricsServer = new MetricsServer(this.metrics.registry);
      metricsPort = await this.#metricsServer.listen(this.#opts.metricsAddr);
      this.logger.info('metrics-listen', { addr: this.#opts.metricsAddr, port: metricsPort });
    }
    if (this.vpp) {
      this.vpp.on('connected', () => {
        this.reconciler.attach(this.vpp!.lb);
        this.counters?.resume();
      });
      this.vpp.on('disconnected', () => {
        this.reconciler.detach();
        this.counters?.pause();
      });
      this.vpp.start();
      this.counters?.start();
    } else {
      this.logger.warn('vpp-disabled', { reason: '--vpp-api-addr is empty' });
    }
    return { grpcPort, metricsPort };
  }

  /** SIGHUP / ReloadConfig: check first; a bad file changes nothing. */
  async reload(): Promise<{ ok: boolean; parseError: string; semanticError: string }> {
    const result = await this.loader.check(this.#opts.configPath);
    if (!result.ok) {
      const kind = result.parseError ? 'parse' : 'semantic';
      this.logger.error(`config-reload-${kind}-error`, {
        config: this.#opts.configPath,
        err: result.parseError || result.semanticError,
      });
      return result;
    }
    let next: Config;
    try {
      next = await this.loader.load(this.#opts.configPath);
    } catch (e) {
      // The file changed between check and load.
      const err = (e as Error).message;
      this.logger.error('config-reload-parse-error', { config: this.#opts.configPath, err });
      return { ok: false, parseError: err, semanticError: '' };
    }
    const diff = diffConfig(this.#config, next);
    const summary = this.checker.applyConfig(next);
    const previous = this.#operator;
    this.#operator = pruneOperatorState(this.#operator, next, new Set(diff.backends.healthcheckChanged));
    this.#overrides = overridesOf(this.#operator);
    this.#config = next;
    this.#states.clear();
    for (const b of this.checker.snapshot()) this.#states.set(b.name, b.state);
    if (this.#operator !== previous) this.#persist();
    this.#recomputeFrontends(null);
    this.reconciler.configChanged();
    this.logger.info('config-reload', {
      config: this.#opts.configPath,
      healthchecks_added: diff.healthchecks.added.length,
      healthchecks_removed: diff.healthchecks.removed.length,
      healthchecks_changed: diff.healthchecks.changed.length,
      backends_added: summary.added.length,
      backends_removed: summary.removed.length,
      backends_restarted: summary.restarted.length,
      frontends_added: diff.frontends.added.length,
      frontends_removed: diff.frontends.removed.length,
      frontends_changed: diff.frontends.changed.length,
    });
    return result;
  }

  /** Stops everything: streams, servers, probes, timers, the VPP session. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.logger.info('stopping', {});
    await this.#grpc?.close();
    await this.#metricsServer?.close();
    await this.counters?.close();
    await this.reconciler.close();
    await this.vpp?.close();
    await this.checker.close();
    await this.#saving;
  }

  // ---- operator actions (used by the gRPC handlers) ----

  setOperatorState(next: OperatorState): Promise<void> {
    this.#operator = next;
    this.#overrides = overridesOf(next);
    return this.#persist();
  }

  /** Writes the state file; writes are serialised so the newest state always lands last. */
  #persist(): Promise<void> {
    if (this.#opts.stateFile === '') return Promise.resolve();
    const state = this.#operator;
    const path = this.#opts.stateFile;
    this.#saving = this.#saving.then(() =>
      saveOperatorState(path, state).catch((e: unknown) => {
        this.logger.error('state-file-error', { path, err: (e as Error).message });
      }),
    );
    return this.#saving;
  }

  /** A pool weight changed at runtime: re-plan that backend's VIPs through the fast path. */
  weightChanged(frontend: string, backend: string, flush: boolean): void {
    this.#recomputeFrontends(backend);
    this.reconciler.noteTransition(backend, flush ? { flushFrontend: frontend } : undefined);
  }

  #restoreOperatorActions(): void {
    for (const [name, enabled] of Object.entries(this.#operator.enabled)) {
      if (!this.#config.backends.has(name)) continue;
      if (enabled) this.checker.enable(name);
      else this.checker.disable(name);
      this.logger.info('state-restore', { backend: name, action: enabled ? 'enable' : 'disable' });
    }
    for (const name of this.#operator.paused) {
      const b = this.#config.backends.has(name) ? this.checker.backend(name) : null;
      if (!b?.enabled) continue;
      this.checker.pause(name);
      this.logger.info('state-restore', { backend: name, action: 'pause' });
    }
  }

  #wireChecker(): void {
    this.checker.on('transition', (ev) => this.#onTransition(ev));
    this.checker.on('probe-start', (ev) => {
      if (this.logger.enabled('debug'))
        this.logger.debug('probe-start', { backend: ev.backend, address: ev.address, type: ev.type });
    });
    this.checker.on('probe-done', (ev) => {
      this.metrics.probe(ev.backend, ev.type, ev.result.ok, ev.result.code, ev.result.durationMs / 1000);
      if (this.logger.enabled('debug')) {
        this.logger.debug('probe-done', {
          backend: ev.backend,
          address: ev.address,
          type: ev.type,
          ok: ev.result.ok,
          code: ev.result.code,
          detail: ev.result.detail,
          duration_ms: Math.round(ev.result.durationMs * 1000) / 1000,
          state: ev.state,
          health: ev.counter,
        });
      }
    });
    this.checker.on('log', (rec) => this.logger[rec.level](rec.msg, rec.fields));
  }

  #onTransition(ev: TransitionEvent): void {
    if (ev.frontend === null) {
      this.#states.set(ev.backend, ev.to);
      this.metrics.transition(ev.backend, ev.from, ev.to);
      this.logger.info('backend-transition', {
        backend: ev.backend,
        address: ev.address,
        from: ev.from,
        to: ev.to,
        code: ev.code,
        detail: ev.detail,
      });
      if (ev.to !== 'removed') this.reconciler.noteTransition(ev.backend);
      const usedBy = this.checker.backend(ev.backend).frontends;
      if (usedBy.length === 0) this.bus.publish(backendEvent(ev));
      this.#recomputeFrontends(ev.backend);
      return;
    }
    this.bus.publish(backendEvent(ev));
  }

  /** Re-plans the frontends of one backend (all when null) and emits frontend transitions. */
  #recomputeFrontends(backend: string | null): void {
    const names =
      backend === null
        ? [...this.#config.frontends.keys()]
        : this.#config.backends.has(backend)
          ? this.checker.backend(backend).frontends
          : [];
    if (backend === null) {
      for (const name of [...this.#frontendStates.keys()]) {
        if (!this.#config.frontends.has(name)) this.#frontendStates.delete(name);
      }
    }
    const now = Date.now();
    for (const name of names) {
      const fe = this.#config.frontends.get(name);
      if (!fe) continue;
      const to = planFrontend(this.#config, fe, this.#states, this.#overrides).state;
      const from = this.#frontendStates.get(name);
      if (from === to) continue;
      this.#frontendStates.set(name, to);
      if (from === undefined) continue;
      this.logger.info('frontend-transition', { frontend: name, from, to });
      this.bus.publish({ kind: 'frontend', frontend: name, from, to, at: now });
    }
  }

  #metricsSources() {
    return {
      backends: () =>
        this.checker
          .snapshot()
          .map((b) => ({ name: b.name, state: b.state, health: b.counter, enabled: b.enabled })),
      poolMembers: () => {
        const out: Array<{
          frontend: string;
          pool: string;
          backend: string;
          weight: number;
          effectiveWeight: number;
        }> = [];
        for (const fe of this.#config.frontends.values()) {
          const p = planFrontend(this.#config, fe, this.#states, this.#overrides);
          for (const b of p.backends) {
            out.push({
              frontend: fe.name,
              pool: b.pool,
              backend: b.backend,
              weight: b.weight,
              effectiveWeight: b.effectiveWeight,
            });
          }
        }
        return out;
      },
      frontends: () => [...this.#frontendStates].map(([name, state]) => ({ name, state })),
      vpp: () => {
        const info = this.vpp?.info ?? null;
        return info
          ? {
              version: info.version,
              buildDate: info.buildDate,
              pid: info.pid,
              bootTime: info.bootTime,
              connectedSince: info.connectedSince,
            }
          : null;
      },
      vipCounters: () => this.counters?.metricsRows() ?? [],
    };
  }
}

function backendEvent(ev: TransitionEvent) {
  return {
    kind: 'backend' as const,
    backend: ev.backend,
    frontend: ev.frontend,
    address: ev.address,
    transition: { from: ev.from, to: ev.to, at: ev.at, code: ev.code, detail: ev.detail },
  };
}

function overridesOf(state: OperatorState): Map<string, number> {
  const m = new Map<string, number>();
  for (const [fe, pools] of Object.entries(state.weights)) {
    for (const [pool, members] of Object.entries(pools)) {
      for (const [be, w] of Object.entries(members)) m.set(weightOverrideKey(fe, pool, be), w);
    }
  }
  return m;
}
