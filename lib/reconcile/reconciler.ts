import type { Config } from '../config/types.js';
import { type Logger, silentLogger } from '../model/log.js';
import type { DesiredLbState, Plan } from '../plan/types.js';
import { allSettledWindowed } from '../util/windowed.js';
import { type LbState, vipKeyString } from '../vpp/types.js';
import { applyOpsToCache, type LbCache, lbCacheFromState } from './cache.js';
import { diffLbState, type SyncScope } from './diff.js';
import { countOps, type LbOp, type LbSyncCounts } from './ops.js';
import { type AsChange, type FastPathFrontend, noteAsChange, planFastPath } from './transition.js';
import { WarmupTracker } from './warmup.js';

/**
 * What the reconciler needs of VPP: a full read and the execution of one op. `VppLbClient`
 * is one; a test or another dataplane can supply its own.
 *
 * @public
 */
export interface LbDataplane {
  /** Reads the lb conf and every VIP with all its AS slots. */
  getState(signal?: AbortSignal): Promise<LbState>;
  /** Sends one op; resolves when VPP accepted it. Calls may be pipelined. */
  execute(op: LbOp): Promise<void>;
}

/**
 * One frontend's plan as the reconciler reads it: the fast path's view, and the warmup's.
 *
 * @public
 */
export interface ReconcilerFrontend extends FastPathFrontend {
  /** Every backend of the frontend has a known state (the warmup may release it). */
  readonly settled: boolean;
}

/**
 * Where the desired state comes from: the control-plane core, which owns it. The reconciler
 * never plans on its own; it reads the full plan for a sync and one frontend's model for the
 * fast path.
 *
 * @public
 */
export interface DesiredStateSource {
  /** The running config (sync interval, warmup delays, frontend names). */
  readonly config: Config;
  /** The whole desired dataplane. */
  plan(): Plan;
  /** One frontend's current plan; undefined when the config has no such frontend. */
  model(frontend: string): ReconcilerFrontend | undefined;
}

/**
 * What changed, as the core reports it; the reconciler needs only this much of a change set.
 *
 * @public
 */
export interface DesiredStateChange {
  /** Non-null for a config reload: a full sync follows. */
  readonly reload: object | null;
  /** frontend → address → what the fast path should do. */
  readonly vips: ReadonlyMap<string, ReadonlyMap<string, AsChange>>;
}

/**
 * Raised by syncs when VPP is disabled or not connected (no dataplane attached).
 *
 * @public
 */
export class VppNotConnectedError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'VPP_NOT_CONNECTED' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'VppNotConnectedError';
  constructor() {
    super('VPP is not connected');
  }
}

/**
 * syncVip for a frontend the config does not have.
 *
 * @public
 */
export class FrontendNotFoundError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'FRONTEND_NOT_FOUND' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'FrontendNotFoundError';
  constructor(
    /** The name asked for. */
    readonly frontend: string,
  ) {
    super(`frontend "${frontend}" not found in config`);
  }
}

/**
 * What a sync did: the ops VPP accepted, by metric kind, and how many failed.
 *
 * @public
 */
export interface SyncResult extends LbSyncCounts {
  /** What the sync covered. */
  readonly scope: SyncScope;
  /** Ops VPP refused or that failed. */
  readonly errors: number;
}

/**
 * Options of {@link Reconciler}.
 *
 * @public
 */
export interface ReconcilerOptions {
  /** The owner of the desired state. */
  readonly source: DesiredStateSource;
  /** Where `vpp-lbsync-*`, `vpp-warmup-*` and `vpp-reconciler-*` records go; default silent. */
  readonly logger?: Logger;
  /** Called after every sync and fast-path run with what changed (for metrics). */
  readonly onSync?: (scope: SyncScope, counts: LbSyncCounts) => void;
  /** Clock in unix milliseconds; injectable for tests. */
  readonly now?: () => number;
  /** When the warmup started (the daemon's start), unix ms. Default: now. */
  readonly startedAt?: number;
  /** Period of warmup release attempts. Default 250 ms, as the original. */
  readonly warmupPollMs?: number;
  /**
   * Ops sent to VPP before the first is answered, at most. Default 256: as fast as an unbounded
   * pipeline, and no op waits behind so many others that its request timeout runs out.
   */
  readonly maxOpsInFlight?: number;
}

const ZERO: LbSyncCounts = { vip_added: 0, vip_removed: 0, as_added: 0, as_removed: 0, as_weight_updated: 0 };

function opFields(op: LbOp): Record<string, unknown> {
  if (op.kind === 'conf-set') {
    return {
      ip4_src_address: op.conf.ip4SrcAddress,
      ip6_src_address: op.conf.ip6SrcAddress,
      sticky_buckets_per_core: op.conf.stickyBucketsPerCore,
      flow_timeout: op.conf.flowTimeout,
    };
  }
  const f: Record<string, unknown> = { prefix: op.vip.prefix, protocol: op.vip.protocol, port: op.vip.port };
  if (op.kind === 'vip-add') Object.assign(f, { encap: op.encap, src_ip_sticky: op.srcIpSticky });
  if ('address' in op) f.address = op.address;
  if ('weight' in op) f.weight = op.weight;
  if ('flush' in op) f.flush = op.flush;
  return f;
}

const LOG_NAME: Record<LbOp['kind'], string> = {
  'conf-set': 'vpp-lb-conf-set',
  'vip-add': 'vpp-lbsync-vip-add',
  'vip-del': 'vpp-lbsync-vip-del',
  'as-add': 'vpp-lbsync-as-add',
  'as-del': 'vpp-lbsync-as-del',
  'as-weight': 'vpp-lbsync-as-weight',
};

/**
 * Turns the plan into VPP state. Full syncs read VPP, diff and repair (periodic, on connect, on
 * reload, on request); the fast path answers health transitions with just the set-weight calls
 * they need, planned against a cache of VPP's state, with no dump. Everything that writes to VPP
 * runs one at a time, so a sync planned before a transition can never overwrite the fast
 * path's newer weights: the fast path runs after it.
 *
 * After a start, the warmup (`startup-min-delay`, `startup-max-delay` of the config) keeps it
 * from touching VPP until each frontend's backends are known.
 *
 * @public
 */
export class Reconciler {
  readonly #source: DesiredStateSource;
  readonly #logger: Logger;
  readonly #onSync: ReconcilerOptions['onSync'];
  readonly #now: () => number;
  readonly #warmup: WarmupTracker;
  readonly #warmupPollMs: number;
  readonly #maxOpsInFlight: number;

  #dataplane: LbDataplane | null = null;
  #cache: LbCache | null = null;
  #chain: Promise<unknown> = Promise.resolve();
  /** frontend → address → change, waiting for the next fast path. */
  #pending = new Map<string, Map<string, AsChange>>();
  #fastPathScheduled = false;
  #syncTimer: NodeJS.Timeout | null = null;
  #warmupTimer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(opts: ReconcilerOptions) {
    this.#source = opts.source;
    this.#logger = opts.logger ?? silentLogger;
    this.#onSync = opts.onSync;
    this.#now = opts.now ?? Date.now;
    this.#warmupPollMs = opts.warmupPollMs ?? 250;
    this.#maxOpsInFlight = opts.maxOpsInFlight ?? 256;
    const lb = opts.source.config.vpp.lb;
    this.#warmup = new WarmupTracker(opts.startedAt ?? this.#now(), lb.startupMinDelay, lb.startupMaxDelay);
  }

  /** True once the warmup is over (or was disabled). */
  get warmedUp(): boolean {
    return this.#warmup.phase(this.#now()) === 'done' && this.#warmup.finished;
  }

  /** Whether a dataplane is attached. */
  get connected(): boolean {
    return this.#dataplane !== null;
  }

  /** VPP (re)connected: conf and a full sync, subject to the warmup; then the periodic sync. */
  attach(dataplane: LbDataplane): void {
    this.#dataplane = dataplane;
    this.#cache = null;
    this.#driveWarmup();
    if (this.#warmup.finished) this.#runSync('connect');
    this.#scheduleSyncLoop();
  }

  /** VPP went away: forget the cache; the next connect resyncs. */
  detach(): void {
    this.#dataplane = null;
    this.#cache = null;
    if (this.#syncTimer) clearTimeout(this.#syncTimer);
    this.#syncTimer = null;
  }

  /** Starts serving change sets (logs `vpp-reconciler-start`). */
  start(): void {
    this.#logger.info('vpp-reconciler-start', {});
  }

  /**
   * Takes a change set of the core: a reload runs a full sync; anything else is queued for the
   * fast path, which runs once per event-loop turn for everything queued in it, so a burst of
   * transitions becomes one batch of set-weight calls.
   */
  apply(change: DesiredStateChange): void {
    if (this.#closed) return;
    if (change.reload !== null) {
      this.configChanged();
      return;
    }
    if (change.vips.size === 0) return;
    for (const [frontend, ases] of change.vips) {
      let pending = this.#pending.get(frontend);
      if (!pending) {
        pending = new Map();
        this.#pending.set(frontend, pending);
      }
      for (const [address, c] of ases) noteAsChange(pending, address, c);
    }
    if (this.#fastPathScheduled) return;
    this.#fastPathScheduled = true;
    setImmediate(() => {
      this.#fastPathScheduled = false;
      const pending = this.#pending;
      this.#pending = new Map();
      void this.#fastPath(pending);
    });
  }

  /** The config changed (reload): push conf and run a full sync. */
  configChanged(): void {
    const config = this.#source.config;
    // Queued fast-path work was planned against the old config; the full sync covers it.
    this.#pending = new Map();
    this.#warmup.setDelays(config.vpp.lb.startupMinDelay, config.vpp.lb.startupMaxDelay);
    if (this.#dataplane && this.#warmup.finished) this.#runSync('reload');
    this.#scheduleSyncLoop();
  }

  /**
   * Full sync: create missing VIPs/ASes, remove stale ones, fix weights and conf. Runs after
   * any write in progress; ops VPP refuses are counted in `errors`, not thrown.
   *
   * @throws {@link VppNotConnectedError} when no dataplane is attached; the dataplane's
   *   error when reading VPP fails; {@link DesiredStateError} for an unprogrammable plan.
   */
  syncAll(signal?: AbortSignal): Promise<SyncResult> {
    return this.#exclusive(() => this.#sync('all', null, signal));
  }

  /**
   * Sync of one frontend's VIP; never removes VIPs or sets the lb conf.
   *
   * @throws {@link FrontendNotFoundError} when the config has no such frontend; otherwise as
   *   {@link Reconciler.syncAll}.
   */
  syncVip(frontend: string, signal?: AbortSignal): Promise<SyncResult> {
    if (!this.#source.config.frontends.has(frontend))
      return Promise.reject(new FrontendNotFoundError(frontend));
    return this.#exclusive(() => this.#sync('vip', frontend, signal));
  }

  /** Stops timers and waits for work in flight; later change sets are ignored. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#logger.info('vpp-reconciler-stop', {});
    if (this.#syncTimer) clearTimeout(this.#syncTimer);
    if (this.#warmupTimer) clearTimeout(this.#warmupTimer);
    this.#syncTimer = null;
    this.#warmupTimer = null;
    await this.#chain.catch(() => undefined);
  }

  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(fn, fn);
    this.#chain = run.catch(() => undefined);
    return run;
  }

  #runSync(reason: string): void {
    this.syncAll().catch((err: unknown) => {
      this.#logger.warn('vpp-lbsync-error', { scope: 'all', reason, err: (err as Error).message });
    });
  }

  #scheduleSyncLoop(): void {
    if (this.#syncTimer) clearTimeout(this.#syncTimer);
    this.#syncTimer = null;
    if (this.#closed || !this.#dataplane) return;
    const interval = this.#source.config.vpp.lb.syncInterval;
    this.#syncTimer = setTimeout(() => {
      this.#syncTimer = null;
      if (this.#warmup.finished && this.#dataplane) this.#runSync('interval');
      this.#scheduleSyncLoop();
    }, interval);
    this.#syncTimer.unref?.();
  }

  /** Advances the warmup: releases settled frontends, and ends it at startup-max-delay. */
  #driveWarmup(): void {
    if (this.#closed || this.#warmup.finished) return;
    if (this.#warmupTimer) clearTimeout(this.#warmupTimer);
    this.#warmupTimer = null;
    const now = this.#now();
    const phase = this.#warmup.phase(now);
    if (phase === 'done') {
      this.#warmup.finish();
      this.#logger.info('vpp-warmup-done', {});
      if (this.#dataplane) this.#runSync('warmup-done');
      return;
    }
    if (phase === 'release' && this.#dataplane) this.#releaseSettled();
    const wait = phase === 'hold' ? (this.#warmup.nextBoundaryIn(now) ?? 0) : this.#warmupPollMs;
    this.#warmupTimer = setTimeout(
      () => this.#driveWarmup(),
      Math.max(1, Math.min(wait, this.#warmup.nextBoundaryIn(now) ?? wait)),
    );
    this.#warmupTimer.unref?.();
  }

  #releaseSettled(): void {
    for (const fe of this.#source.config.frontends.values()) {
      if (this.#warmup.isReleased(fe.name)) continue;
      if (!this.#source.model(fe.name)?.settled) continue;
      this.#warmup.release(fe.name);
      this.#logger.info('vpp-warmup-release', { frontend: fe.name });
      this.syncVip(fe.name).catch((err: unknown) => {
        this.#logger.warn('vpp-lbsync-error', {
          scope: 'vip',
          frontend: fe.name,
          err: (err as Error).message,
        });
      });
    }
  }

  async #fastPath(pending: ReadonlyMap<string, ReadonlyMap<string, AsChange>>): Promise<void> {
    if (!this.#dataplane) return;
    if (!this.#warmup.finished) {
      if (this.#warmup.phase(this.#now()) === 'release') this.#releaseSettled();
      // Released frontends still get the fast path; held ones wait for their release sync.
    }
    await this.#exclusive(async () => {
      const dp = this.#dataplane;
      const cache = this.#cache;
      if (!dp || !cache) return;
      const t = planFastPath((name) => this.#source.model(name), pending, cache);
      const released = new Set(
        t.frontends.filter((f) => this.#warmup.isReleased(f.name)).map((f) => vipKeyString(f.vip)),
      );
      const ops = t.ops.filter((op) => op.kind === 'conf-set' || released.has(vipKeyString(op.vip)));
      if (ops.length < t.ops.length) {
        this.#logger.debug('vpp-lbsync-suppressed', { reason: 'warmup', ops: t.ops.length - ops.length });
      }
      const { done, failed } = await this.#execute(dp, ops, 'vip');
      applyOpsToCache(cache, done);
      const counts = countOps(done);
      this.#onSync?.('vip', counts);
      const resync = new Set(t.needsSync.filter((f) => this.#warmup.isReleased(f)));
      for (const op of failed) {
        if (op.kind === 'conf-set') continue;
        const fe = t.frontends.find((f) => vipKeyString(f.vip) === vipKeyString(op.vip));
        if (fe) resync.add(fe.name);
      }
      for (const fe of resync) {
        if (!this.#source.config.frontends.has(fe)) continue;
        await this.#sync('vip', fe).catch((err: unknown) => {
          this.#logger.warn('vpp-lbsync-error', { scope: 'vip', frontend: fe, err: (err as Error).message });
        });
      }
    });
  }

  async #sync(scope: SyncScope, frontend: string | null, signal?: AbortSignal): Promise<SyncResult> {
    const dp = this.#dataplane;
    if (!dp) throw new VppNotConnectedError();
    const started = this.#now();
    this.#logger.info('vpp-lbsync-start', frontend ? { scope, frontend } : { scope });
    const actual = await dp.getState(signal);
    const full = this.#source.plan();
    let desired: DesiredLbState = full;
    if (frontend !== null) {
      const fp = full.frontends.get(frontend);
      if (!fp) throw new FrontendNotFoundError(frontend);
      desired = { conf: full.conf, vips: [fp.vip] };
    }
    const ops = diffLbState(desired, actual, { scope });
    const { done, failed } = await this.#execute(dp, ops, scope);
    // Every sync reads all of VPP (its dump filters cannot be trusted), so the cache is rebuilt
    // from that read and advanced by what was applied since.
    const cache = lbCacheFromState(actual);
    applyOpsToCache(cache, done);
    this.#cache = cache;
    const counts = countOps(done);
    this.#onSync?.(scope, counts);
    const result: SyncResult = { ...ZERO, ...counts, scope, errors: failed.length };
    this.#logger.info('vpp-lbsync-done', {
      ...(frontend ? { scope, frontend } : { scope }),
      ...counts,
      errors: failed.length,
      duration_ms: this.#now() - started,
    });
    return result;
  }

  /**
   * Sends ops pipelined, in order, at most `maxOpsInFlight` unanswered; VPP answers in order,
   * so dependencies hold.
   */
  async #execute(
    dp: LbDataplane,
    ops: readonly LbOp[],
    scope: SyncScope,
  ): Promise<{ done: LbOp[]; failed: LbOp[] }> {
    const results = await allSettledWindowed(ops, (op) => dp.execute(op), this.#maxOpsInFlight);
    const done: LbOp[] = [];
    const failed: LbOp[] = [];
    results.forEach((r, i) => {
      const op = ops[i] as LbOp;
      if (r.status === 'fulfilled') {
        done.push(op);
        this.#logger.info(LOG_NAME[op.kind], { scope, ...opFields(op) });
      } else {
        failed.push(op);
        this.#logger.warn('vpp-lbsync-error', {
          scope,
          op: op.kind,
          ...opFields(op),
          err: (r.reason as Error).message,
        });
      }
    });
    return { done, failed };
  }
}
