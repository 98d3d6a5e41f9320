import { UnavailableError } from '../api/errors.js';
import { GrpcListenError, isExposedListenAddress, MaglevGrpcServer } from '../api/server.js';
import { GrpcServerTls, type GrpcTlsFiles, loadGrpcTlsFiles } from '../api/tls.js';
import { ConfigParseError, ConfigSemanticError, formatProblem } from '../config/errors.js';
import { type CheckResult, ConfigLoader } from '../config/loader.js';
import type { Config } from '../config/types.js';
import { EventBus } from '../events/bus.js';
import { createLogger, type Logger } from '../events/logger.js';
import type { FrontendState, LogLevel } from '../events/types.js';
import { HealthChecker, type HealthCheckerOptions } from '../health/checker.js';
import { BackendNotFoundError } from '../health/errors.js';
import { applyAction, type OperatorAction } from '../health/state.js';
import type { BackendSnapshot, TransitionEvent } from '../health/types.js';
import { FrontendModel } from '../plan/frontend-model.js';
import { plan, weightOverrideKey } from '../plan/plan.js';
import type { FrontendPlan } from '../plan/types.js';
import {
  afterFastPath,
  afterFullSync,
  type BackendAssumption,
  type ChangePreview,
  healthcheckChangedBackends,
  lbStateFromPlan,
  namesFromConfigs,
  type PreviewSource,
  pendingForWeight,
  previewChange,
  statesAfterReload,
} from '../reconcile/preview.js';
import { FrontendNotFoundError, Reconciler, VppNotConnectedError } from '../reconcile/reconciler.js';
import type { AsChange } from '../reconcile/transition.js';
import { buildInfo } from '../version.js';
import { VppClient } from '../vpp/client.js';
import type { LbState } from '../vpp/types.js';
import { type ChangeSet, ControlPlane, type HealthTransition, overridesOf } from './control-plane.js';
import { MaglevHandlersImpl, type PlanConfigInput, type PlanConfigResult } from './handlers.js';
import { MaglevMetrics, MetricsServer } from './metrics.js';
import {
  emptyOperatorState,
  type OperatorState,
  operatorStateAfterReload,
  pruneOperatorState,
  recoverOperatorState,
  saveOperatorState,
  withEnabled,
  withPaused,
  withWeightOverride,
} from './operator-state.js';
import { frontendsByVipKey, VipCounterScraper } from './vip-counters.js';

/**
 * Options of {@link Maglevd.create}; bin/maglevd fills them from its flags.
 *
 * @public
 */
export interface MaglevdOptions {
  /** The YAML config file (maglev.yaml). */
  readonly configPath: string;
  /**
   * gRPC listen addresses, comma separated ("host:port", ":port", "unix:///path"); "" disables
   * the API.
   */
  readonly grpcAddr: string;
  /**
   * TLS of the gRPC TCP listeners (unix sockets stay plaintext); absent: plaintext. The files
   * are read at start and again by {@link Maglevd.reloadTls}.
   */
  readonly grpcTls?: { readonly certFile: string; readonly keyFile: string; readonly clientCaFile?: string };
  /**
   * Client certificate identities that may change things; every other verified client is
   * read-only. Needs `grpcTls.clientCaFile`. Absent: every client may do everything.
   */
  readonly grpcAdmins?: readonly string[];
  /** Prometheus listen address; "" disables it. */
  readonly metricsAddr: string;
  /** VPP API socket; "" disables VPP integration. */
  readonly vppApiAddr: string;
  /** VPP stats socket; "" disables the counters. */
  readonly vppStatsAddr: string;
  /** The least severe level logged. */
  readonly logLevel: LogLevel;
  /** Operator state file; "" disables persistence. */
  readonly stateFile: string;
  /** Serve gRPC server reflection. */
  readonly reflection: boolean;
  /** Where log lines go; default stdout. */
  readonly logStream?: NodeJS.WritableStream;
  /** Health checker overrides (for tests: probe launcher, jitter, clock). */
  readonly health?: HealthCheckerOptions;
  /** VPP reconnect delay in milliseconds; default 5 s as the original. */
  readonly vppReconnectMs?: number;
  /** VPP liveness ping period in milliseconds; default 10 s. */
  readonly vppPingMs?: number;
  /** Stats scrape period in milliseconds; default 5 s. */
  readonly statsIntervalMs?: number;
}

/**
 * The ports {@link Maglevd.start} bound (useful with port 0).
 *
 * @public
 */
export interface MaglevdAddresses {
  /** The first bound gRPC TCP port (0 when disabled or on unix sockets only). */
  readonly grpcPort: number;
  /** Bound /metrics port (0 when disabled). */
  readonly metricsPort: number;
}

/**
 * A component of maglevd could not start; the message names it (`gRPC listen 127.0.0.1:9090: ...`).
 *
 * @public
 */
export class ComponentStartError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'COMPONENT_START' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'ComponentStartError';
  constructor(
    /** The component and its address, e.g. "gRPC listen 127.0.0.1:9090". */
    readonly component: string,
    cause: unknown,
  ) {
    super(`${component}: ${describeError(cause)}`, { cause });
  }
}

/**
 * An operator action could not be saved to the state file, so it was not applied. Its name is
 * "FailedPreconditionError" so the gRPC API answers FAILED_PRECONDITION; the cause is the
 * file system's error.
 *
 * @public
 */
export class OperatorStateNotSavedError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'OPERATOR_STATE_NOT_SAVED' as const;
  /** The class name, for logs and for matching without `instanceof`; its code maps to gRPC FAILED_PRECONDITION. */
  override readonly name = 'OperatorStateNotSavedError';
  constructor(cause: unknown) {
    super(`not applied: ${(cause as Error).message} (the action could not be made to survive a restart)`, {
      cause,
    });
  }
}

function describeError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'EADDRINUSE') return 'address already in use';
  if (err?.code === 'EACCES') return 'permission denied';
  if (err?.code === 'EADDRNOTAVAIL') return 'address not available';
  return err instanceof Error ? err.message : String(e);
}

/**
 * What the result of a reload looks like (the gRPC ReloadConfig reply).
 *
 * @public
 */
export type ReloadResult = CheckResult;

/**
 * maglevd: composes the health checker, the control-plane core, the reconciler, the gRPC API,
 * /metrics and the VPP session.
 *
 * The {@link ControlPlane} owns the state. Inputs reach it as commands — a reload, a health
 * transition, an operator action — and each command's change set is handed to every consumer
 * in one place (`#dispatch`): logs and events once each, metrics, and the reconciler. Reloads
 * and operator actions run one at a time, so none sees another half-done.
 *
 * Library code: it reads no argv or environment and never exits; bin/maglevd does that.
 *
 * @public
 */
export class Maglevd {
  // Not `implements MaglevdServices`: that interface is internal; MaglevHandlersImpl's
  // constructor checks the fit where the daemon hands itself over.
  /** Every event (logs, backend and frontend transitions), as WatchEvents streams them. */
  readonly bus = new EventBus();
  /** The JSON logger writing to `logStream`. */
  readonly logger: Logger;
  /** The config loader every reload and check uses. */
  readonly loader = new ConfigLoader();
  /** The Prometheus metrics. */
  readonly metrics: MaglevMetrics;
  /** The health checker probing every backend. */
  readonly checker: HealthChecker;
  /** The control-plane core: owner of the config, states and overrides. */
  readonly core: ControlPlane;
  /** The reconciler keeping VPP in line with the plan. */
  readonly reconciler: Reconciler;
  /** The VPP session; null when `vppApiAddr` is "". */
  readonly vpp: VppClient | null;
  /** The stats-segment scraper; null when `vppStatsAddr` is "". */
  readonly counters: VipCounterScraper | null;

  readonly #opts: MaglevdOptions;
  /** Reloads and operator actions, one at a time. */
  #commands: Promise<unknown> = Promise.resolve();
  /** Transitions the checker reports while it applies a reload: part of that reload's change set. */
  #reloadTransitions: HealthTransition[] | null = null;
  /** What started, in order; closed in reverse. */
  readonly #running: Array<{ name: string; close: () => Promise<void> }> = [];
  #state: 'new' | 'starting' | 'running' | 'closed' = 'new';
  /** Settles when start() is over, whatever its outcome (or at close() when it never ran). */
  readonly #startup: Promise<void>;
  #startupDone: () => void = () => undefined;
  #closing: Promise<void> = Promise.resolve();
  #stateFileNote: string | null;
  /** The gRPC listeners' TLS, swapped by {@link Maglevd.reloadTls}; null without TLS. */
  #grpcTls: GrpcServerTls | null = null;

  private constructor(opts: MaglevdOptions, config: Config, operator: OperatorState, note: string | null) {
    this.#opts = opts;
    this.#stateFileNote = note;
    this.#startup = new Promise<void>((resolve) => {
      this.#startupDone = resolve;
    });
    this.logger = createLogger({ level: opts.logLevel, stream: opts.logStream, bus: this.bus });
    this.checker = new HealthChecker(config, opts.health);
    this.core = new ControlPlane(config, this.checker.states(), pruneOperatorState(operator, config));
    this.metrics = new MaglevMetrics(this.#metricsSources());
    this.reconciler = new Reconciler({
      source: this.core,
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
            frontendOf: () => frontendsByVipKey(this.core.config),
          })
        : null;
  }

  /**
   * Loads the config and the state file; nothing starts until {@link Maglevd.start}. A state
   * file that cannot be read or parsed is moved aside (see `recoverOperatorState`) and maglevd
   * starts without overrides.
   *
   * @throws {@link ConfigError} when the config file cannot be read, parsed or validated.
   */
  static async create(opts: MaglevdOptions): Promise<Maglevd> {
    const config = await new ConfigLoader().load(opts.configPath);
    let operator = emptyOperatorState;
    let note: string | null = null;
    if (opts.stateFile !== '') {
      const r = await recoverOperatorState(opts.stateFile);
      operator = r.state;
      note = r.problem;
    }
    return new Maglevd(opts, config, operator, note);
  }

  /** The running config. */
  get config(): Config {
    return this.core.config;
  }

  /** The config file reloads read. */
  get configPath(): string {
    return this.#opts.configPath;
  }

  /** The operator state (pauses, disables, weight overrides) now. */
  get operatorState(): OperatorState {
    return this.core.operator;
  }

  /** Every frontend's aggregate state, in config order. */
  frontendStates(): ReadonlyMap<string, FrontendState> {
    return this.core.frontendStates();
  }

  /** One frontend's plan; undefined for a name the config does not have. */
  frontendPlan(name: string): FrontendPlan | undefined {
    return this.core.frontendPlan(name);
  }

  /**
   * One backend's health snapshot.
   *
   * @throws {@link BackendNotFoundError} for a name the config does not have.
   */
  backend(name: string): BackendSnapshot {
    if (!this.core.config.backends.has(name)) throw new BackendNotFoundError(name);
    return this.checker.backend(name);
  }

  /**
   * Starts every component; the listeners first, so that a port that cannot be bound fails the
   * start before anything probes a backend or touches VPP. A component that fails to start
   * throws {@link ComponentStartError}; whatever had started is closed again. Starting twice,
   * or after close, throws Error.
   */
  async start(): Promise<MaglevdAddresses> {
    if (this.#state !== 'new') throw new Error(`maglevd cannot start: it is ${this.#state}`);
    this.#state = 'starting';
    this.logger.info('starting', {
      version: buildInfo.version,
      commit: buildInfo.commit,
      date: buildInfo.date,
      config: this.#opts.configPath,
    });
    this.#logWarnings(this.core.config);
    if (this.#stateFileNote)
      this.logger.error('state-file-corrupt', { path: this.#opts.stateFile, err: this.#stateFileNote });
    try {
      const addresses = await this.#startComponents();
      if (this.#closedNow()) throw new Error('maglevd was closed while it started');
      this.#state = 'running';
      this.#startupDone();
      return addresses;
    } catch (e) {
      this.#startupDone();
      if (this.#closedNow()) await this.#closing;
      else {
        this.#state = 'closed';
        this.logger.info('stopping', {});
        await this.#drain();
      }
      throw e;
    }
  }

  async #startComponents(): Promise<MaglevdAddresses> {
    let grpcPort = 0;
    if (this.#opts.grpcAddr !== '') {
      let tls: GrpcServerTls | undefined;
      if (this.#opts.grpcTls) {
        try {
          const { material, summary } = await loadGrpcTlsFiles(this.#tlsFiles(this.#opts.grpcTls));
          tls = new GrpcServerTls(material);
          this.logger.info('grpc-tls', {
            cert: this.#opts.grpcTls.certFile,
            subject: summary.subject,
            fingerprint: summary.fingerprint256,
            not_after: summary.notAfter,
            client_ca: this.#opts.grpcTls.clientCaFile ?? '',
          });
        } catch (e) {
          throw new ComponentStartError('gRPC TLS', e);
        }
        this.#grpcTls = tls;
      }
      const server = new MaglevGrpcServer({
        address: this.#opts.grpcAddr,
        ...(tls ? { tls } : {}),
        ...(this.#opts.grpcAdmins ? { admins: this.#opts.grpcAdmins } : {}),
        handlers: new MaglevHandlersImpl(this),
        events: { bus: this.bus, frontendStates: () => this.core.frontendStates().entries() },
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
      try {
        grpcPort = await server.start();
      } catch (e) {
        await server.close().catch(() => undefined);
        // Name the one listener that failed, with the system's reason ("address already in use").
        if (e instanceof GrpcListenError) throw new ComponentStartError(`gRPC listen ${e.address}`, e.cause);
        throw new ComponentStartError(`gRPC listen ${this.#opts.grpcAddr}`, e);
      }
      this.#running.push({ name: 'grpc', close: () => server.close() });
      for (const l of server.listeners) {
        this.logger.info('grpc-listen', {
          addr: l.address,
          port: l.port,
          ...(l.path === undefined ? {} : { path: l.path }),
          tls: l.tls,
          client_auth: l.tls && tls?.requireClientCertificate === true,
          reflection: this.#opts.reflection,
        });
        if (l.path !== undefined || !isExposedListenAddress(l.address)) continue;
        if (!l.tls)
          this.logger.warn('grpc-insecure', {
            addr: l.address,
            detail:
              'plaintext gRPC on a non-loopback address: anyone who can reach this port can drain, pause and re-weight backends and reload the config. Close it: listen on 127.0.0.1 or a unix socket (--grpc-addr unix:///run/vpp-maglev/maglevd.sock), or set --grpc-tls-cert, --grpc-tls-key and --grpc-client-ca (see maglevd(8), SECURITY)',
          });
        else if (!tls?.requireClientCertificate)
          this.logger.warn('grpc-unauthenticated', {
            addr: l.address,
            detail:
              'TLS without client certificates on a non-loopback address: the traffic is encrypted, but anyone who can reach this port can drain backends. Set --grpc-client-ca (and --grpc-admin for read-only clients)',
          });
      }
    }
    let metricsPort = 0;
    if (this.#opts.metricsAddr !== '') {
      const server = new MetricsServer(this.metrics.registry);
      try {
        metricsPort = await server.listen(this.#opts.metricsAddr);
      } catch (e) {
        await server.close().catch(() => undefined);
        throw new ComponentStartError(`metrics listen ${this.#opts.metricsAddr}`, e);
      }
      this.#running.push({ name: 'metrics', close: () => server.close() });
      this.logger.info('metrics-listen', { addr: this.#opts.metricsAddr, port: metricsPort });
    }
    if (this.#closedNow()) return { grpcPort, metricsPort };

    this.#wireChecker();
    this.#running.push({ name: 'healthchecker', close: () => this.checker.close() });
    this.#restoreOperatorActions();
    this.checker.start();

    this.reconciler.start();
    this.#running.push({ name: 'reconciler', close: () => this.reconciler.close() });
    const vpp = this.vpp;
    if (vpp) {
      vpp.on('connected', () => {
        this.reconciler.attach(vpp.lb);
        this.counters?.resume();
      });
      vpp.on('disconnected', () => {
        this.reconciler.detach();
        this.counters?.pause();
      });
      this.#running.push({ name: 'vpp', close: () => vpp.close() });
      vpp.start();
      const counters = this.counters;
      if (counters) {
        this.#running.push({ name: 'vpp-stats', close: () => counters.close() });
        counters.start();
      }
    } else {
      this.logger.warn('vpp-disabled', { reason: '--vpp-api-addr is empty' });
    }
    return { grpcPort, metricsPort };
  }

  /**
   * SIGHUP (with {@link Maglevd.reload}): re-reads the gRPC TLS certificate, key and client CA.
   * New handshakes use them; established connections and the listening sockets stay. A file
   * that fails to load keeps the old material in use and logs ERROR `grpc-tls-reload`; success
   * logs INFO `grpc-tls-reload`. Resolves true when the new material is in use; false without
   * TLS, before start, or on a problem.
   */
  async reloadTls(): Promise<boolean> {
    const files = this.#opts.grpcTls;
    const tls = this.#grpcTls;
    if (!files || !tls || this.#state === 'closed') return false;
    try {
      const { material, summary } = await loadGrpcTlsFiles(this.#tlsFiles(files));
      tls.update(material);
      this.logger.info('grpc-tls-reload', {
        cert: files.certFile,
        subject: summary.subject,
        fingerprint: summary.fingerprint256,
        not_after: summary.notAfter,
        client_ca: files.clientCaFile ?? '',
      });
      return true;
    } catch (e) {
      this.logger.error('grpc-tls-reload', {
        cert: files.certFile,
        err: (e as Error).message,
        detail: 'the previous certificate, key and client CA stay in use',
      });
      return false;
    }
  }

  #tlsFiles(files: NonNullable<MaglevdOptions['grpcTls']>): GrpcTlsFiles {
    return {
      ...files,
      labels: { cert: '--grpc-tls-cert', key: '--grpc-tls-key', clientCa: '--grpc-client-ca' },
    };
  }

  /**
   * SIGHUP and ReloadConfig: reads and parses the file once, validates it, builds the whole next
   * state and commits it in one turn of the event loop. A bad file changes nothing. A reload
   * asked for while maglevd starts is applied once it has started. Resolves with the verdict
   * (a bad file resolves with its problems; it does not reject).
   */
  reload(): Promise<ReloadResult> {
    if (this.#state === 'new' || this.#state === 'starting') return this.#startup.then(() => this.reload());
    return this.#command(() => this.#reload());
  }

  async #reload(): Promise<ReloadResult> {
    const path = this.#opts.configPath;
    let next: Config;
    try {
      next = await this.loader.load(path);
    } catch (e) {
      if (e instanceof ConfigParseError || e instanceof ConfigSemanticError) {
        const kind = e instanceof ConfigParseError ? 'parse' : 'semantic';
        const err = e.problems.map(formatProblem).join('\n');
        this.logger.error(`config-reload-${kind}-error`, { config: path, err });
        const warnings = e instanceof ConfigSemanticError ? e.warnings : [];
        return kind === 'parse'
          ? { ok: false, parseError: err, semanticError: '', warnings }
          : { ok: false, parseError: '', semanticError: err, warnings };
      }
      throw e;
    }
    if (this.#state === 'closed')
      return { ok: false, parseError: 'maglevd is stopping', semanticError: '', warnings: [] };
    this.#logWarnings(next);

    // The commit: no await from here to the dispatch.
    const before = this.core.operator;
    const previous = this.core.config;
    const transitions: HealthTransition[] = [];
    this.#reloadTransitions = transitions;
    let summary: ReturnType<HealthChecker['applyConfig']>;
    let operator: OperatorState;
    try {
      summary = this.checker.applyConfig(next);
      operator = operatorStateAfterReload(before, previous, next, new Set(summary.restarted));
      // A paused backend whose health check changed restarted from unknown: paused again here.
      for (const name of operator.paused) {
        const b = this.checker.backend(name);
        if (b.enabled && b.state !== 'paused') this.checker.pause(name);
      }
    } finally {
      this.#reloadTransitions = null;
    }
    const change = this.core.applyConfig(next, transitions, this.checker.states(), operator);
    this.#dispatch(change);
    const diff = change.reload;
    this.logger.info('config-reload', {
      config: path,
      healthchecks_added: diff?.healthchecks.added.length ?? 0,
      healthchecks_removed: diff?.healthchecks.removed.length ?? 0,
      healthchecks_changed: diff?.healthchecks.changed.length ?? 0,
      backends_added: summary.added.length,
      backends_removed: summary.removed.length,
      backends_restarted: summary.restarted.length,
      frontends_added: diff?.frontends.added.length ?? 0,
      frontends_removed: diff?.frontends.removed.length ?? 0,
      frontends_changed: diff?.frontends.changed.length ?? 0,
    });
    if (JSON.stringify(operator) !== JSON.stringify(before)) {
      await this.#save(operator).catch((e: unknown) => {
        // The pruned entries only name what no longer exists: the next start prunes them again.
        this.logger.error('state-file-error', { path: this.#opts.stateFile, err: (e as Error).message });
      });
    }
    return { ok: true, parseError: '', semanticError: '', warnings: next.warnings ?? [] };
  }

  /** Stops everything, in the reverse order of starting; one component's failure skips none. */
  close(): Promise<void> {
    if (this.#state === 'closed') return this.#closing;
    const wasStarting = this.#state === 'starting';
    this.#state = 'closed';
    this.logger.info('stopping', {});
    if (!wasStarting) this.#startupDone();
    // A start in progress notices the close after its current step; then everything is closed.
    this.#closing = this.#startup.then(() => this.#drain());
    return this.#closing;
  }

  /** What the config loads with but deserves a look (a timeout longer than its intervals ...). */
  #logWarnings(config: Config): void {
    for (const w of config.warnings ?? []) {
      this.logger.warn('config-warning', { config: this.#opts.configPath, warning: formatProblem(w) });
    }
  }

  /** Read through a method: a close() may have happened during an await. */
  #closedNow(): boolean {
    return this.#state === 'closed';
  }

  async #drain(): Promise<void> {
    while (this.#running.length > 0) {
      const c = this.#running.pop() as { name: string; close: () => Promise<void> };
      try {
        await c.close();
      } catch (e) {
        this.logger.error('stop-error', { component: c.name, err: (e as Error).message });
      }
    }
    await this.#commands.catch(() => undefined);
  }

  // ---- operator actions (the gRPC handlers call these) ----

  /**
   * pause / resume / enable / disable. The new operator state is saved first: when the state
   * file cannot be written the action fails and nothing changes. Resolves with the backend
   * after the action.
   *
   * @throws {@link BackendNotFoundError} for an unknown backend;
   *   {@link BackendDisabledError} for an action a disabled backend refuses;
   *   {@link OperatorStateNotSavedError} when the state file cannot be written.
   */
  backendAction(action: OperatorAction, name: string): Promise<BackendSnapshot> {
    return this.#command(async () => {
      this.backend(name);
      this.checker.checkAction(action, name);
      const config = this.core.config;
      let next = this.core.operator;
      if (action === 'pause' || action === 'resume') next = withPaused(next, name, action === 'pause');
      else {
        next = withEnabled(next, config, name, action === 'enable');
        // A disabled backend is not paused any more (disable supersedes pause).
        if (action === 'disable') next = withPaused(next, name, false);
      }
      await this.#saveForAction(next);
      this.#dispatch(this.core.setOperatorState(next));
      this.checker[action](name);
      return this.checker.backend(name);
    });
  }

  /**
   * SetFrontendPoolBackendWeight: saved first, like the other actions. `flush` flushes the
   * member's sticky entries along with the new weight.
   *
   * The names and the weight (0-100) are not validated here: the gRPC handler does that.
   *
   * @throws {@link OperatorStateNotSavedError} when the state file cannot be written.
   */
  setWeight(frontend: string, pool: string, backend: string, weight: number, flush: boolean): Promise<void> {
    return this.#command(async () => {
      const next = withWeightOverride(this.core.operator, this.core.config, frontend, pool, backend, weight);
      await this.#saveForAction(next);
      this.logger.info('frontend-weight-set', { frontend, pool, backend, weight, flush });
      this.#dispatch(this.core.setOperatorState(next, { frontend, pool, backend, flush }));
    });
  }

  /** CheckConfig: parses and validates the config file without applying it. */
  checkConfig(): Promise<CheckResult> {
    return this.loader.check(this.#opts.configPath);
  }

  // ---- previews (PlanConfig, dry-run actions): they read the state and change nothing ----

  /**
   * PlanConfig: what a reload to this config would do to VPP. The file is parsed as a reload
   * would; backends keep the state a reload leaves them in (see `statesAfterReload`).
   * Problems with the config come back in the result; nothing changes.
   *
   * @beta
   */
  async planConfig(input: PlanConfigInput): Promise<PlanConfigResult> {
    let next: Config;
    try {
      next =
        input.content !== undefined
          ? this.loader.parse(input.content, { filename: input.contentName ?? '<content>' })
          : await this.loader.load(input.path ?? this.#opts.configPath);
    } catch (e) {
      if (e instanceof ConfigParseError || e instanceof ConfigSemanticError) {
        const err = e.problems.map(formatProblem).join('\n');
        const warnings = e instanceof ConfigSemanticError ? e.warnings : [];
        return e instanceof ConfigParseError
          ? { ok: false, parseError: err, semanticError: '', warnings, preview: null }
          : { ok: false, parseError: '', semanticError: err, warnings, preview: null };
      }
      throw e;
    }
    const before = await this.#previewBefore();
    const core = this.core;
    const healthcheckChanged = healthcheckChangedBackends(core.config, next);
    const operator = operatorStateAfterReload(core.operator, core.config, next, healthcheckChanged);
    const { states, assumptions } = statesAfterReload(
      core.config,
      next,
      core.states,
      healthcheckChanged,
      input.assumeUp === true,
      new Set(operator.paused),
    );
    const applied = afterFullSync(plan(next, states, overridesOf(operator)), before.state);
    const names = namesFromConfigs(next, core.config);
    return {
      ok: true,
      parseError: '',
      semanticError: '',
      warnings: next.warnings ?? [],
      preview: previewChange(before.state, before.source, applied, names, assumptions),
    };
  }

  /**
   * A dry-run pause, resume, enable or disable: what it would do, with the errors the action
   * itself would raise. With `assumeUp`, a backend the action leaves unknown is previewed as up.
   *
   * @throws {@link BackendNotFoundError} for an unknown backend; {@link BackendDisabledError}
   *   for an action a disabled backend refuses.
   * @beta
   */
  async previewBackendAction(
    action: OperatorAction,
    name: string,
    assumeUp: boolean,
  ): Promise<{ backend: BackendSnapshot; preview: ChangePreview }> {
    this.backend(name);
    this.checker.checkAction(action, name);
    const before = await this.#previewBefore();
    const core = this.core;
    const config = core.config;
    const snap = this.checker.backend(name);
    const out = applyAction(action, { state: snap.state, counter: snap.counter }, snap.enabled, snap);
    const assumptions: BackendAssumption[] = [];
    let to = out.kind === 'transition' ? out.status.state : snap.state;
    if (out.kind === 'transition' && to === 'unknown') {
      to = assumeUp ? 'up' : 'unknown';
      assumptions.push({ backend: name, state: to, reason: action === 'resume' ? 'resumed' : 'enabled' });
    }
    const { models, pending } =
      to !== snap.state ? core.dryRunTransition(name, to) : { models: new Map(), pending: new Map() };
    const applied = afterFastPath((n) => models.get(n), pending, before.state);
    const preview = previewChange(
      before.state,
      before.source,
      applied,
      namesFromConfigs(config),
      assumptions,
    );
    return { backend: snap, preview };
  }

  /**
   * A dry-run SetFrontendPoolBackendWeight: what the weight change (0-100) would do to VPP.
   *
   * @beta
   */
  async previewSetWeight(
    frontend: string,
    pool: string,
    backend: string,
    weight: number,
    flush: boolean,
  ): Promise<ChangePreview> {
    const before = await this.#previewBefore();
    const core = this.core;
    const config = core.config;
    const next = withWeightOverride(core.operator, config, frontend, pool, backend, weight);
    const overrides = overridesOf(next);
    const fe = config.frontends.get(frontend);
    const configured = fe?.pools
      .find((p) => p.name === pool)
      ?.backends.find((b) => b.name === backend)?.weight;
    const models = new Map<string, FrontendModel>();
    const pending = new Map<string, Map<string, AsChange>>();
    if (fe && configured !== undefined) {
      const key = weightOverrideKey(frontend, pool, backend);
      const from = core.overrides.get(key) ?? configured;
      const to = overrides.get(key) ?? configured;
      models.set(frontend, new FrontendModel(config, fe, core.states, overrides));
      pending.set(frontend, pendingForWeight(config, backend, from, to, flush));
    }
    const applied = afterFastPath((n) => models.get(n), pending, before.state);
    return previewChange(before.state, before.source, applied, namesFromConfigs(config));
  }

  /**
   * A dry-run SyncVPPLBState: what a sync of everything, or of one frontend's VIP, would repair.
   * A sync needs VPP, and so does its preview.
   *
   * @throws {@link VppNotConnectedError} while VPP is not connected.
   * @beta
   */
  async previewSync(frontend: string): Promise<ChangePreview> {
    if (!this.vpp?.info) throw new VppNotConnectedError();
    const before = await this.#previewBefore();
    const full = this.core.plan();
    let applied = afterFullSync(full, before.state);
    if (frontend !== '') {
      const fp = full.frontends.get(frontend);
      if (!fp) throw new FrontendNotFoundError(frontend);
      applied = afterFullSync({ conf: full.conf, vips: [fp.vip] }, before.state, 'vip');
    }
    return previewChange(before.state, before.source, applied, namesFromConfigs(this.core.config));
  }

  /** "Before" of a preview: VPP's state when it is connected, else the current plan. */
  async #previewBefore(): Promise<{ state: LbState; source: PreviewSource }> {
    const vpp = this.vpp;
    if (vpp?.info) {
      try {
        return { state: await vpp.lb.getState(), source: 'vpp' };
      } catch (e) {
        // Never a preview against a guess: the caller learns VPP could not be read.
        throw new UnavailableError(`cannot read VPP's state for the preview: ${(e as Error).message}`, {
          cause: e,
        });
      }
    }
    return { state: lbStateFromPlan(this.core.plan()), source: 'plan' };
  }

  #command<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#commands.then(fn, fn);
    this.#commands = run.catch(() => undefined);
    return run;
  }

  async #save(state: OperatorState): Promise<void> {
    if (this.#opts.stateFile !== '') await saveOperatorState(this.#opts.stateFile, state);
  }

  async #saveForAction(state: OperatorState): Promise<void> {
    try {
      await this.#save(state);
    } catch (e) {
      this.logger.error('state-file-error', { path: this.#opts.stateFile, err: (e as Error).message });
      throw new OperatorStateNotSavedError(e);
    }
  }

  /** Hands one change set to every consumer. Each event is logged and published once, here. */
  #dispatch(change: ChangeSet): void {
    for (const t of change.backends) {
      this.metrics.transition(t.backend, t.from, t.to);
      this.logger.info('backend-transition', {
        backend: t.backend,
        address: t.address,
        from: t.from,
        to: t.to,
        code: t.code,
        detail: t.detail,
      });
      const transition = { from: t.from, to: t.to, at: t.at, code: t.code, detail: t.detail };
      const frontends = t.frontends.length === 0 ? [null] : t.frontends;
      for (const frontend of frontends) {
        this.bus.publish({ kind: 'backend', backend: t.backend, frontend, address: t.address, transition });
      }
    }
    for (const f of change.frontends) {
      this.logger.info('frontend-transition', { frontend: f.frontend, from: f.from, to: f.to });
      this.bus.publish({ kind: 'frontend', frontend: f.frontend, from: f.from, to: f.to, at: f.at });
    }
    this.reconciler.apply(change);
  }

  #restoreOperatorActions(): void {
    const operator = this.core.operator;
    for (const [name, enabled] of Object.entries(operator.enabled)) {
      if (!this.core.config.backends.has(name)) continue;
      if (enabled) this.checker.enable(name);
      else this.checker.disable(name);
      this.logger.info('state-restore', { backend: name, action: enabled ? 'enable' : 'disable' });
    }
    for (const name of operator.paused) {
      const b = this.core.config.backends.has(name) ? this.checker.backend(name) : null;
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
    if (this.#reloadTransitions) {
      this.#reloadTransitions.push(ev);
      return;
    }
    this.#dispatch(this.core.healthTransition(ev));
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
        for (const name of this.core.config.frontends.keys()) {
          const p = this.core.frontendPlan(name);
          for (const b of p?.backends ?? []) {
            out.push({
              frontend: name,
              pool: b.pool,
              backend: b.backend,
              weight: b.weight,
              effectiveWeight: b.effectiveWeight,
            });
          }
        }
        return out;
      },
      frontends: () => [...this.core.frontendStates()].map(([name, state]) => ({ name, state })),
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
