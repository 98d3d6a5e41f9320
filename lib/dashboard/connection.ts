import { status as grpcStatus } from '@grpc/grpc-js';
import { MaglevCallError, MaglevClient, type MaglevClientTls } from '../api/client.js';
import type * as pb from '../api/gen/maglev_pb.js';
import { type Logger, silentLogger } from '../events/logger.js';
import { backoffDelay, sleep } from './backoff.js';
import { applyEvent } from './reduce.js';
import { CoalescingRunner } from './runner.js';
import type {
  BackendAction,
  BackendView,
  DashboardEvent,
  FrontendView,
  LbStateView,
  MaglevdSnapshot,
  MaglevdStatus,
  PreviewResponse,
  PreviewView,
  VppView,
} from './types.js';
import {
  backendView,
  dashboardEventOf,
  frontendView,
  healthCheckView,
  lbStateView,
  previewView,
  vppInfoView,
} from './views.js';

/** How often a connection does what; every field has the production default. */
/**
 * The timers of the dashboard's connection to each maglevd, in milliseconds.
 *
 * @internal
 */
export interface ConnectionTimings {
  /** Full re-read of frontends, backends, health checks and VPP info; default 30 s. */
  readonly refreshIntervalMs: number;
  /** Reachability probe; default 5 s. */
  readonly healthIntervalMs: number;
  /** GetVPPLBState at most this often; default 1 s. */
  readonly lbMinIntervalMs: number;
  /** First WatchEvents reconnect delay, doubling after each failure; default 500 ms. */
  readonly backoffInitialMs: number;
  /** Longest WatchEvents reconnect delay; default 30 s. */
  readonly backoffMaxMs: number;
  /** Deadline of each unary call; default 5 s. */
  readonly callTimeoutMs: number;
  /**
   * vpp-api-send / vpp-api-recv records (one per VPP message) are passed on at most once per
   * direction per this interval: the page only flashes an arrow for them. Default 200 ms.
   */
  readonly apiPulseIntervalMs: number;
}

/**
 * The defaults of {@link ConnectionTimings}, used for every timing not given.
 *
 * @internal
 */
export const DEFAULT_CONNECTION_TIMINGS: ConnectionTimings = Object.freeze({
  refreshIntervalMs: 30_000,
  healthIntervalMs: 5_000,
  lbMinIntervalMs: 1_000,
  backoffInitialMs: 500,
  backoffMaxMs: 30_000,
  callTimeoutMs: 5_000,
  apiPulseIntervalMs: 200,
});

/**
 * Which maglevd a MaglevdConnection follows, its timers, and where its events go.
 *
 * @internal
 */
export interface MaglevdConnectionOptions {
  /** maglevd's gRPC address, host:port or unix:///path. */
  readonly address: string;
  /** Display name. */
  readonly name: string;
  /** Reach maglevd over TLS; plaintext without it. */
  readonly tls?: MaglevClientTls;
  readonly timings?: Partial<ConnectionTimings>;
  readonly logger?: Logger;
  /** Every change, in order; the snapshot already includes it when this is called. */
  readonly onEvent: (event: DashboardEvent) => void;
}

const VPP_API_PULSES = new Map<string, string>([
  ['vpp-api-send', 'send'],
  ['vpp-api-send-multi', 'send'],
  ['vpp-api-recv', 'recv'],
  ['vpp-api-recv-multi', 'recv'],
]);

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The dashboard's link to one maglevd: a WatchEvents stream at debug level, a periodic full
 * refresh, a reachability probe and a rate-limited read of VPP's lb state, all feeding one
 * snapshot. Everything it learns becomes a DashboardEvent, applied to the snapshot and passed
 * to `onEvent`. It reconnects forever; a maglevd that is down only affects its own snapshot.
 *
 * @internal
 */
export class MaglevdConnection {
  readonly name: string;
  readonly address: string;
  readonly #timings: ConnectionTimings;
  readonly #tls: MaglevClientTls | undefined;
  readonly #logger: Logger;
  readonly #onEvent: (event: DashboardEvent) => void;
  readonly #abort = new AbortController();
  readonly #refresh: CoalescingRunner;
  readonly #lb: CoalescingRunner;
  readonly #dirtyBackends = new Set<string>();
  readonly #dirtyFrontends = new Set<string>();
  readonly #lastPulse = new Map<string, number>();
  readonly #timers: ReturnType<typeof setInterval>[] = [];
  #client: MaglevClient;
  #snap: MaglevdSnapshot;
  #watchLoop: Promise<void> | null = null;
  #refetch: Promise<void> | null = null;
  #probing: Promise<void> | null = null;
  #streaming = false;
  #started = false;

  constructor(opts: MaglevdConnectionOptions) {
    this.name = opts.name;
    this.address = opts.address;
    this.#timings = { ...DEFAULT_CONNECTION_TIMINGS, ...opts.timings };
    this.#tls = opts.tls;
    this.#logger = opts.logger ?? silentLogger;
    this.#onEvent = opts.onEvent;
    this.#client = this.#newClient();
    this.#snap = {
      name: opts.name,
      address: opts.address,
      status: { connected: false, streaming: false, error: null, since: null },
      frontends: [],
      backends: [],
      healthchecks: [],
      vpp: { state: '', info: null, error: null },
      lb: null,
    };
    this.#refresh = new CoalescingRunner(() => this.#fullRefresh(), 0);
    this.#lb = new CoalescingRunner(() => this.#lbRefresh(), this.#timings.lbMinIntervalMs);
  }

  /** Everything known now. */
  get snapshot(): MaglevdSnapshot {
    return this.#snap;
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#watchLoop = this.#watch();
    this.#refresh.trigger();
    this.#timers.push(
      setInterval(() => this.#refresh.trigger(), this.#timings.refreshIntervalMs),
      setInterval(() => this.#probe(), this.#timings.healthIntervalMs),
    );
  }

  /** Stops every loop and closes the gRPC channel; resolves once all are gone. */
  async close(): Promise<void> {
    this.#abort.abort();
    for (const t of this.#timers) clearInterval(t);
    this.#timers.length = 0;
    await Promise.all([this.#refresh.close(), this.#lb.close()]);
    await Promise.allSettled([this.#watchLoop, this.#refetch, this.#probing]);
    this.#client.close();
  }

  // ---- admin actions: each re-reads what it changed, so the page follows at once ----

  async backendAction(action: BackendAction, backend: string): Promise<BackendView> {
    const o = this.#callOpts();
    const info =
      action === 'pause'
        ? await this.#client.pauseBackend(backend, o)
        : action === 'resume'
          ? await this.#client.resumeBackend(backend, o)
          : action === 'enable'
            ? await this.#client.enableBackend(backend, o)
            : await this.#client.disableBackend(backend, o);
    const view = backendView(info);
    this.#emitIfChanged({ type: 'backend', maglevd: this.name, backend: view });
    for (const f of view.frontends) this.#dirtyFrontends.add(f);
    this.#scheduleRefetch();
    this.#lb.trigger();
    return view;
  }

  async setWeight(req: {
    frontend: string;
    pool: string;
    backend: string;
    weight: number;
    flush: boolean;
  }): Promise<FrontendView> {
    const view = frontendView(await this.#client.setFrontendPoolBackendWeight(req, this.#callOpts()));
    this.#emitIfChanged({ type: 'frontend', maglevd: this.name, frontend: view });
    this.#lb.trigger();
    return view;
  }

  async syncLbState(frontend: string): Promise<pb.SyncVPPLBStateResponse> {
    const res = await this.#client.syncVPPLBState(frontend, this.#callOpts());
    this.#lb.trigger();
    return res;
  }

  async reloadConfig(): Promise<pb.ReloadConfigResponse> {
    const res = await this.#client.reloadConfig(this.#callOpts());
    this.#refresh.trigger();
    return res;
  }

  // ---- previews of the admin actions: they change nothing, so nothing is re-read ----

  /** What a backend action would do; throws what the action would throw. */
  async previewBackendAction(
    action: BackendAction,
    backend: string,
    assumeUp: boolean,
  ): Promise<PreviewView> {
    const info = await this.#client.previewBackendAction(action, backend, { assumeUp }, this.#callOpts());
    return previewView(required(info.preview));
  }

  async previewSetWeight(req: {
    frontend: string;
    pool: string;
    backend: string;
    weight: number;
    flush: boolean;
  }): Promise<PreviewView> {
    const info = await this.#client.setFrontendPoolBackendWeight({ ...req, dryRun: true }, this.#callOpts());
    return previewView(required(info.preview));
  }

  async previewSync(frontend: string): Promise<PreviewView> {
    const res = await this.#client.previewSyncVPPLBState(frontend, this.#callOpts());
    return previewView(required(res.preview));
  }

  /** What a reload of maglevd's own file would do, or why maglevd would refuse it. */
  async previewReload(assumeUp: boolean): Promise<PreviewResponse> {
    const r = await this.#client.planConfig({ assumeUp }, this.#callOpts());
    return {
      ok: r.ok,
      parseError: r.parseError,
      semanticError: r.semanticError,
      preview: r.ok ? previewView(required(r.preview)) : null,
    };
  }

  // ---- internals ----

  #newClient(): MaglevClient {
    return new MaglevClient(this.address, {
      timeoutMs: this.#timings.callTimeoutMs,
      ...(this.#tls && { tls: this.#tls }),
    });
  }

  #callOpts() {
    return { signal: this.#abort.signal, timeoutMs: this.#timings.callTimeoutMs };
  }

  #emit(event: DashboardEvent): void {
    this.#snap = applyEvent(this.#snap, event);
    this.#onEvent(event);
  }

  /** Emits an object event only when it differs from what the snapshot holds. */
  #emitIfChanged(event: Extract<DashboardEvent, { type: 'frontend' | 'backend' }>): void {
    const current =
      event.type === 'frontend'
        ? this.#snap.frontends.find((f) => f.name === event.frontend.name)
        : this.#snap.backends.find((b) => b.name === event.backend.name);
    const next = event.type === 'frontend' ? event.frontend : event.backend;
    if (current && same(current, next)) return;
    this.#emit(event);
  }

  #setStatus(connected: boolean, error: string | null): void {
    const s = this.#snap.status;
    const reachChanged = s.since === null || s.connected !== connected;
    const streaming = connected && this.#streaming;
    // Only a change is news; a maglevd that stays down keeps its first error.
    if (!reachChanged && s.streaming === streaming) return;
    const status: MaglevdStatus = {
      connected,
      streaming,
      error: connected ? null : reachChanged ? error : s.error,
      since: reachChanged ? Date.now() : s.since,
    };
    if (reachChanged && connected)
      this.#logger.info('maglevd-connected', { maglevd: this.name, address: this.address });
    else if (reachChanged)
      this.#logger.warn('maglevd-unreachable', { maglevd: this.name, address: this.address, err: error });
    this.#emit({ type: 'maglevd', maglevd: this.name, status });
    // Back after an outage: whatever happened meanwhile is only in maglevd's state.
    if (reachChanged && connected && s.since !== null) this.#refresh.trigger();
  }

  #setStreaming(streaming: boolean): void {
    this.#streaming = streaming;
    if (streaming) this.#setStatus(true, null);
    else if (this.#snap.status.connected) this.#setStatus(true, null);
  }

  #markDown(e: unknown): void {
    if (this.#abort.signal.aborted) return;
    this.#setStatus(false, errorText(e));
  }

  async #watch(): Promise<void> {
    const signal = this.#abort.signal;
    let attempt = 0;
    while (!signal.aborted) {
      let first = true;
      try {
        const client = this.#client;
        for await (const e of client.watchEvents(
          { log: true, logLevel: 'debug', backend: true, frontend: true },
          signal,
        )) {
          if (first) {
            first = false;
            attempt = 0;
            this.#setStreaming(true);
            // The stream only carries what happens from now on; catch up on the gap.
            this.#refresh.trigger();
          }
          this.#onWatchEvent(e);
        }
        if (!signal.aborted) this.#logger.info('maglevd-watch-ended', { maglevd: this.name });
      } catch (e) {
        if (!signal.aborted)
          this.#logger.debug('maglevd-watch-error', { maglevd: this.name, err: errorText(e) });
      }
      if (signal.aborted) break;
      this.#setStreaming(false);
      await sleep(
        backoffDelay(
          attempt++,
          { initialMs: this.#timings.backoffInitialMs, maxMs: this.#timings.backoffMaxMs },
          Math.random(),
        ),
        signal,
      );
    }
  }

  #onWatchEvent(e: pb.Event): void {
    const ev = dashboardEventOf(this.name, e);
    if (!ev) return;
    switch (ev.type) {
      case 'transition':
        this.#emit(ev);
        this.#dirtyBackends.add(ev.backend);
        if (ev.frontend !== null) this.#dirtyFrontends.add(ev.frontend);
        this.#scheduleRefetch();
        this.#lb.trigger();
        return;
      case 'frontend-state': {
        const known = this.#snap.frontends.find((f) => f.name === ev.frontend);
        // The from == to replay at subscribe is news only when it differs from what we hold.
        if (ev.from === ev.to && known?.state === ev.to) return;
        this.#emit(ev);
        this.#dirtyFrontends.add(ev.frontend);
        this.#scheduleRefetch();
        return;
      }
      case 'log': {
        const direction = VPP_API_PULSES.get(ev.msg);
        if (direction !== undefined) {
          const now = Date.now();
          if (now - (this.#lastPulse.get(direction) ?? 0) < this.#timings.apiPulseIntervalMs) return;
          this.#lastPulse.set(direction, now);
        }
        this.#emit(ev);
        if (ev.msg === 'vpp-connect' || ev.msg === 'vpp-disconnect') {
          this.#refreshVpp().catch(() => {});
          this.#lb.trigger();
        } else if (ev.msg.startsWith('config-reload')) {
          this.#refresh.trigger();
        }
        return;
      }
      default:
        this.#emit(ev);
    }
  }

  /** Re-reads the backends and frontends a burst of events touched, once per event-loop turn. */
  #scheduleRefetch(): void {
    if (this.#refetch || this.#abort.signal.aborted) return;
    this.#refetch = new Promise<void>((resolve) => setImmediate(resolve))
      .then(async () => {
        const backends = [...this.#dirtyBackends];
        const frontends = [...this.#dirtyFrontends];
        this.#dirtyBackends.clear();
        this.#dirtyFrontends.clear();
        const o = this.#callOpts();
        const [bs, fs] = await Promise.all([
          Promise.allSettled(backends.map((b) => this.#client.getBackend(b, o))),
          Promise.allSettled(frontends.map((f) => this.#client.getFrontend(f, o))),
        ]);
        if (this.#abort.signal.aborted) return;
        for (const r of bs)
          if (r.status === 'fulfilled')
            this.#emitIfChanged({ type: 'backend', maglevd: this.name, backend: backendView(r.value) });
        for (const r of fs)
          if (r.status === 'fulfilled')
            this.#emitIfChanged({ type: 'frontend', maglevd: this.name, frontend: frontendView(r.value) });
      })
      .catch((e: unknown) =>
        this.#logger.debug('maglevd-refetch-error', { maglevd: this.name, err: errorText(e) }),
      )
      .finally(() => {
        this.#refetch = null;
        if (this.#dirtyBackends.size > 0 || this.#dirtyFrontends.size > 0) this.#scheduleRefetch();
      });
  }

  #probe(): void {
    if (this.#probing || this.#abort.signal.aborted) return;
    this.#probing = this.#client
      .listFrontends(this.#callOpts())
      .then(
        () => this.#setStatus(true, null),
        (e: unknown) => {
          if (this.#abort.signal.aborted) return;
          this.#markDown(e);
          // A fresh channel reconnects at once; grpc-js's own backoff would grow to minutes.
          this.#client.close();
          this.#client = this.#newClient();
        },
      )
      .finally(() => {
        this.#probing = null;
      });
  }

  async #fullRefresh(): Promise<void> {
    const o = this.#callOpts();
    let lists: [pb.ListFrontendsResponse, pb.ListBackendsResponse, pb.ListHealthChecksResponse];
    try {
      lists = await Promise.all([
        this.#client.listFrontends(o),
        this.#client.listBackends(o),
        this.#client.listHealthChecks(o),
      ]);
    } catch (e) {
      this.#markDown(e);
      return;
    }
    const [fl, bl, hl] = lists;
    // A maglevd may answer List* with names only (as the Go original does): fetch each then.
    let full: [pb.FrontendInfo[], pb.BackendInfo[], pb.HealthCheckInfo[]] | null = null;
    try {
      full = await Promise.all([
        fl.frontends.length === fl.names.length
          ? fl.frontends
          : Promise.all(fl.names.map((n) => this.#client.getFrontend(n, o))),
        bl.backends.length === bl.names.length
          ? bl.backends
          : Promise.all(bl.names.map((n) => this.#client.getBackend(n, o))),
        hl.healthchecks.length === hl.names.length
          ? hl.healthchecks
          : Promise.all(hl.names.map((n) => this.#client.getHealthCheck(n, o))),
      ]);
    } catch (e) {
      // Something was removed between List and Get: the next refresh sees a settled config.
      this.#logger.debug('maglevd-refresh-error', { maglevd: this.name, err: errorText(e) });
    }
    if (this.#abort.signal.aborted) return;
    this.#setStatus(true, null);
    if (full) {
      const [frontends, backends, healthchecks] = full;
      const next = {
        frontends: frontends.map(frontendView),
        backends: backends.map(backendView),
        healthchecks: healthchecks.map(healthCheckView),
      };
      const s = this.#snap;
      if (!same(next, { frontends: s.frontends, backends: s.backends, healthchecks: s.healthchecks }))
        this.#emit({ type: 'snapshot', maglevd: this.name, snapshot: { ...this.#snap, ...next } });
    }
    await this.#refreshVpp();
    this.#lb.trigger();
  }

  async #refreshVpp(): Promise<void> {
    let vpp: VppView;
    try {
      vpp = {
        state: 'connected',
        info: vppInfoView(await this.#client.getVPPInfo(this.#callOpts())),
        error: null,
      };
    } catch (e) {
      if (this.#abort.signal.aborted) return;
      if (!(e instanceof MaglevCallError) || e.code !== grpcStatus.UNAVAILABLE) {
        this.#logger.debug('maglevd-vpp-info-error', { maglevd: this.name, err: errorText(e) });
        return;
      }
      // UNAVAILABLE from a maglevd we reach means its VPP is down (or not configured).
      vpp = { state: 'disconnected', info: null, error: e.message };
    }
    if (!same(vpp, this.#snap.vpp)) this.#emit({ type: 'vpp', maglevd: this.name, vpp });
  }

  async #lbRefresh(): Promise<void> {
    let lb: LbStateView | null;
    try {
      lb = lbStateView(await this.#client.getVPPLBState(this.#callOpts()), Date.now());
    } catch (e) {
      if (this.#abort.signal.aborted) return;
      if (!(e instanceof MaglevCallError) || e.code !== grpcStatus.UNAVAILABLE) {
        this.#logger.debug('maglevd-lb-state-error', { maglevd: this.name, err: errorText(e) });
        return;
      }
      lb = null;
    }
    if (this.#abort.signal.aborted) return;
    if (!same(lb?.vips ?? null, this.#snap.lb?.vips ?? null))
      this.#emit({ type: 'lbstate', maglevd: this.name, lb });
  }
}

/** A maglevd that ignored dry_run (older than previews) has acted: say so, never show nothing. */
function required(p: pb.ChangePreview | undefined): pb.ChangePreview {
  if (!p) throw new Error('this maglevd does not preview changes (dry_run unknown to it)');
  return p;
}
