import { create } from '@bufbuild/protobuf';
import { type Duration, DurationSchema } from '@bufbuild/protobuf/wkt';
import { InvalidArgumentError, NotFoundError, UnavailableError } from '../api/errors.js';
import type {
  BackendInfo,
  BackendRequest,
  CheckConfigResponse,
  FrontendInfo,
  GetBackendRequest,
  GetFrontendRequest,
  GetHealthCheckRequest,
  HealthCheckInfo,
  ListBackendsResponse,
  ListFrontendsResponse,
  ListHealthChecksResponse,
  PlanConfigRequest,
  PlanConfigResponse,
  ChangePreview as ProtoChangePreview,
  ReloadConfigResponse,
  SetWeightRequest,
  SyncVPPLBStateRequest,
  SyncVPPLBStateResponse,
  VPPInfo,
  VPPLBCounters,
  VPPLBState,
} from '../api/gen/maglev_pb.js';
import * as pb from '../api/gen/maglev_pb.js';
import type { MaglevHandlers } from '../api/server.js';
import type { CheckResult } from '../config/loader.js';
import type { Config, HealthCheckConfig } from '../config/types.js';
import type { FrontendState } from '../events/types.js';
import type { OperatorAction } from '../health/state.js';
import type { BackendSnapshot } from '../health/types.js';
import type { FrontendPlan } from '../plan/types.js';
import { vipProtocolName } from '../plan/vip.js';
import type { ChangePreview } from '../reconcile/preview.js';
import type { Reconciler } from '../reconcile/reconciler.js';
import type { VppClient } from '../vpp/client.js';
import { vipKeyString } from '../vpp/types.js';
import { frontendsByVipKey, type VipCounterScraper } from './vip-counters.js';

/**
 * The config a PlanConfig previews: a file, its text, or (neither) maglevd's own file.
 *
 * @beta
 */
export interface PlanConfigInput {
  /** A config file maglevd reads (on maglevd's host). */
  readonly path?: string;
  /** The YAML text of a config. */
  readonly content?: string;
  /** The name problems in `content` are reported under. */
  readonly contentName?: string;
  /** Preview backends that start unknown as up. */
  readonly assumeUp?: boolean;
}

/**
 * The PlanConfig answer: CheckConfig's verdict and, when the config is usable, the preview.
 *
 * @beta
 */
export interface PlanConfigResult extends CheckResult {
  /** What applying the config would change in VPP; null when the config is not usable. */
  readonly preview: ChangePreview | null;
}

/**
 * What the gRPC handlers need of the daemon. Reads come from the control-plane core's views;
 * actions are commands that the daemon serialises and hands to the core.
 *
 * @internal
 */
export interface MaglevdServices {
  /** The running config. */
  readonly config: Config;
  /** One frontend's plan; undefined for an unknown name. */
  frontendPlan(name: string): FrontendPlan | undefined;
  /** Every frontend's aggregate state, in config order. */
  frontendStates(): ReadonlyMap<string, FrontendState>;
  /** Throws BackendNotFoundError for a name the config does not have. */
  backend(name: string): BackendSnapshot;
  /** Pause, resume, enable or disable; resolves with the backend after it. */
  backendAction(action: OperatorAction, name: string): Promise<BackendSnapshot>;
  /** Sets a pool member's weight override, 0-100. */
  setWeight(frontend: string, pool: string, backend: string, weight: number, flush: boolean): Promise<void>;
  /** Parses and validates the config file without applying it. */
  checkConfig(): Promise<CheckResult>;
  /** Reloads and applies the config file. */
  reload(): Promise<CheckResult>;
  /** PlanConfig; see Maglevd.planConfig. */
  planConfig(input: PlanConfigInput): Promise<PlanConfigResult>;
  /** A dry-run backend action: the backend as it is and what the action would do. */
  previewBackendAction(
    action: OperatorAction,
    name: string,
    assumeUp: boolean,
  ): Promise<{ backend: BackendSnapshot; preview: ChangePreview }>;
  /** A dry-run sync of everything ("") or of one frontend's VIP. */
  previewSync(frontend: string): Promise<ChangePreview>;
  /** A dry-run weight change. */
  previewSetWeight(
    frontend: string,
    pool: string,
    backend: string,
    weight: number,
    flush: boolean,
  ): Promise<ChangePreview>;
  /** The VPP session; null when maglevd runs without VPP. */
  readonly vpp: VppClient | null;
  /** The reconciler keeping VPP in line with the plan. */
  readonly reconciler: Reconciler;
  /** The stats-segment scraper; null without a stats socket. */
  readonly counters: VipCounterScraper | null;
}

function ns(ms: number | null | undefined): bigint {
  return ms == null ? 0n : BigInt(Math.round(ms)) * 1_000_000n;
}

function duration(ms: number): Duration {
  const seconds = Math.floor(ms / 1000);
  return create(DurationSchema, { seconds: BigInt(seconds), nanos: Math.round((ms - seconds * 1000) * 1e6) });
}

/**
 * The protobuf form of a change preview.
 *
 * @internal
 */
export function previewToProto(p: ChangePreview): ProtoChangePreview {
  const count = (c: string) => p.vips.filter((v) => v.change === c).length;
  return create(pb.ChangePreviewSchema, {
    before: p.before,
    lbConfChanged: p.lbConfChanged,
    vipsAdded: count('added'),
    vipsRemoved: count('removed'),
    vipsChanged: count('changed'),
    vipsUnchanged: count('unchanged'),
    assumptions: p.assumptions.map((a) => ({ backend: a.backend, state: a.state, reason: a.reason })),
    vips: p.vips.map((v) => ({
      frontend: v.frontend,
      prefix: v.prefix,
      protocol: vipProtocolName(v.protocol),
      port: v.port,
      change: v.change,
      recreated: v.recreated,
      flowTableLength: v.flowTableLength,
      movedBuckets: v.movedBuckets,
      servers: v.servers.map((s) => ({ ...s })),
    })),
  });
}

function formatRanges(ranges: readonly { from: number; to: number }[]): string {
  return ranges.map((r) => (r.from === r.to ? String(r.from) : `${r.from}-${r.to}`)).join(',');
}

/**
 * maglevd's implementation of the gRPC service, on top of the daemon's components. Each method
 * implements the {@link MaglevHandlers} method of the same name.
 *
 * @internal
 */
export class MaglevHandlersImpl implements MaglevHandlers {
  constructor(private readonly d: MaglevdServices) {}

  #frontendInfo(name: string): FrontendInfo {
    const config = this.d.config;
    const fe = config.frontends.get(name);
    if (!fe) throw new NotFoundError(`frontend "${name}" not found`);
    const p = this.d.frontendPlan(name) as FrontendPlan;
    const planned = new Map(p.backends.map((b) => [`${b.pool}\0${b.backend}`, b]));
    return create(pb.FrontendInfoSchema, {
      name: fe.name,
      address: fe.address,
      protocol: fe.protocol,
      port: fe.port,
      description: fe.description,
      srcIpSticky: fe.srcIpSticky,
      flushOnDown: fe.flushOnDown,
      state: this.d.frontendStates().get(fe.name) ?? p.state,
      activePool: p.activePool ?? 0,
      pools: fe.pools.map((pool) => ({
        name: pool.name,
        backends: pool.backends.map((m) => {
          const pb_ = planned.get(`${pool.name}\0${m.name}`);
          const snap = this.d.backend(m.name);
          return {
            name: m.name,
            weight: pb_?.weight ?? m.weight,
            effectiveWeight: pb_?.effectiveWeight ?? 0,
            state: snap.state,
            enabled: snap.enabled,
            weightOverridden: (pb_?.weight ?? m.weight) !== m.weight,
            address: snap.address,
          };
        }),
      })),
    });
  }

  #backendInfo(b: BackendSnapshot): BackendInfo {
    const last = b.history.at(-1);
    return create(pb.BackendInfoSchema, {
      name: b.name,
      address: b.address,
      state: b.state,
      enabled: b.enabled,
      healthcheck: b.healthcheck,
      transitions: b.history.map((t) => ({
        from: t.from,
        to: t.to,
        atNs: ns(t.at),
        code: t.code,
        detail: t.detail,
      })),
      health: b.counter,
      rise: b.rise,
      fall: b.fall,
      lastProbe: b.lastResult
        ? {
            ok: b.lastResult.ok,
            code: b.lastResult.code,
            detail: b.lastResult.detail,
            duration: duration(b.lastResult.durationMs),
            atNs: ns(b.lastProbeAt),
          }
        : undefined,
      stateSinceNs: ns(last?.at ?? null),
      frontends: [...b.frontends],
    });
  }

  #healthCheckInfo(hc: HealthCheckConfig): HealthCheckInfo {
    return create(pb.HealthCheckInfoSchema, {
      name: hc.name,
      type: hc.type,
      port: hc.port ?? 0,
      interval: duration(hc.interval),
      fastInterval: duration(hc.fastInterval),
      downInterval: duration(hc.downInterval),
      timeout: duration(hc.timeout),
      rise: hc.rise,
      fall: hc.fall,
      probeIpv4Src: hc.probeIpv4Src ?? '',
      probeIpv6Src: hc.probeIpv6Src ?? '',
      http: hc.http
        ? {
            path: hc.http.path,
            host: hc.http.host ?? '',
            method: hc.http.method,
            responseCodes: formatRanges(hc.http.responseCodes),
            responseRegex: hc.http.responseRegex ?? '',
            serverName: hc.http.serverName ?? '',
            insecureSkipVerify: hc.http.insecureSkipVerify,
          }
        : undefined,
    });
  }

  #backend(name: string): BackendSnapshot {
    if (!this.d.config.backends.has(name)) throw new NotFoundError(`backend "${name}" not found`);
    return this.d.backend(name);
  }

  /** {@inheritDoc MaglevHandlers.listFrontends} */
  listFrontends(): ListFrontendsResponse {
    const names = [...this.d.config.frontends.keys()];
    return create(pb.ListFrontendsResponseSchema, {
      names,
      frontends: names.map((n) => this.#frontendInfo(n)),
    });
  }

  /** {@inheritDoc MaglevHandlers.getFrontend} */
  getFrontend(req: GetFrontendRequest): FrontendInfo {
    return this.#frontendInfo(req.name);
  }

  /** {@inheritDoc MaglevHandlers.listBackends} */
  listBackends(): ListBackendsResponse {
    const names = [...this.d.config.backends.keys()];
    return create(pb.ListBackendsResponseSchema, {
      names,
      backends: names.map((n) => this.#backendInfo(this.d.backend(n))),
    });
  }

  /** {@inheritDoc MaglevHandlers.getBackend} */
  getBackend(req: GetBackendRequest): BackendInfo {
    return this.#backendInfo(this.#backend(req.name));
  }

  async #act(action: OperatorAction, req: BackendRequest): Promise<BackendInfo> {
    this.#backend(req.name);
    if (req.dryRun) {
      const r = await this.d.previewBackendAction(action, req.name, req.assumeUp);
      const info = this.#backendInfo(r.backend);
      info.preview = previewToProto(r.preview);
      return info;
    }
    return this.#backendInfo(await this.d.backendAction(action, req.name));
  }

  /** {@inheritDoc MaglevHandlers.pauseBackend} */
  pauseBackend(req: BackendRequest): Promise<BackendInfo> {
    return this.#act('pause', req);
  }

  /** {@inheritDoc MaglevHandlers.resumeBackend} */
  resumeBackend(req: BackendRequest): Promise<BackendInfo> {
    return this.#act('resume', req);
  }

  /** {@inheritDoc MaglevHandlers.enableBackend} */
  enableBackend(req: BackendRequest): Promise<BackendInfo> {
    return this.#act('enable', req);
  }

  /** {@inheritDoc MaglevHandlers.disableBackend} */
  disableBackend(req: BackendRequest): Promise<BackendInfo> {
    return this.#act('disable', req);
  }

  /** {@inheritDoc MaglevHandlers.listHealthChecks} */
  listHealthChecks(): ListHealthChecksResponse {
    const checks = [...this.d.config.healthchecks.values()];
    return create(pb.ListHealthChecksResponseSchema, {
      names: checks.map((c) => c.name),
      healthchecks: checks.map((c) => this.#healthCheckInfo(c)),
    });
  }

  /** {@inheritDoc MaglevHandlers.getHealthCheck} */
  getHealthCheck(req: GetHealthCheckRequest): HealthCheckInfo {
    const hc = this.d.config.healthchecks.get(req.name);
    if (!hc) throw new NotFoundError(`healthcheck "${req.name}" not found`);
    return this.#healthCheckInfo(hc);
  }

  /** {@inheritDoc MaglevHandlers.setFrontendPoolBackendWeight} */
  async setFrontendPoolBackendWeight(req: SetWeightRequest): Promise<FrontendInfo> {
    const config = this.d.config;
    const fe = config.frontends.get(req.frontend);
    if (!fe) throw new NotFoundError(`frontend "${req.frontend}" not found`);
    const pool = fe.pools.find((p) => p.name === req.pool);
    if (!pool) throw new NotFoundError(`pool "${req.pool}" not found in frontend "${req.frontend}"`);
    if (!pool.backends.some((b) => b.name === req.backend)) {
      throw new NotFoundError(
        `backend "${req.backend}" not found in pool "${req.pool}" of frontend "${req.frontend}"`,
      );
    }
    if (!Number.isInteger(req.weight) || req.weight < 0 || req.weight > 100) {
      throw new InvalidArgumentError(`weight ${req.weight} out of range: must be 0-100`);
    }
    if (req.dryRun) {
      const preview = await this.d.previewSetWeight(
        req.frontend,
        req.pool,
        req.backend,
        req.weight,
        req.flush,
      );
      const info = this.#frontendInfo(req.frontend);
      info.preview = previewToProto(preview);
      return info;
    }
    await this.d.setWeight(req.frontend, req.pool, req.backend, req.weight, req.flush);
    return this.#frontendInfo(req.frontend);
  }

  /** {@inheritDoc MaglevHandlers.checkConfig} */
  async checkConfig(): Promise<CheckConfigResponse> {
    return create(pb.CheckConfigResponseSchema, await this.d.checkConfig());
  }

  /** {@inheritDoc MaglevHandlers.planConfig} */
  async planConfig(req: PlanConfigRequest): Promise<PlanConfigResponse> {
    if (req.path !== '' && req.content.length > 0)
      throw new InvalidArgumentError('set path or content, not both');
    let input: PlanConfigInput;
    if (req.content.length > 0) {
      const contentName = req.contentName || '<content>';
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(req.content);
      } catch {
        return create(pb.PlanConfigResponseSchema, {
          ok: false,
          parseError: `${contentName}: not UTF-8 text`,
        });
      }
      input = { content: text, contentName, assumeUp: req.assumeUp };
    } else {
      input = req.path === '' ? { assumeUp: req.assumeUp } : { path: req.path, assumeUp: req.assumeUp };
    }
    const r = await this.d.planConfig(input);
    return create(pb.PlanConfigResponseSchema, {
      ok: r.ok,
      parseError: r.parseError,
      semanticError: r.semanticError,
      preview: r.preview ? previewToProto(r.preview) : undefined,
    });
  }

  /** {@inheritDoc MaglevHandlers.reloadConfig} */
  async reloadConfig(): Promise<ReloadConfigResponse> {
    return create(pb.ReloadConfigResponseSchema, await this.d.reload());
  }

  #vpp() {
    const vpp = this.d.vpp;
    if (!vpp) throw new UnavailableError('VPP integration is disabled (--vpp-api-addr is empty)');
    const info = vpp.info;
    if (!info) throw new UnavailableError('VPP is not connected');
    return { vpp, info };
  }

  /** {@inheritDoc MaglevHandlers.getVPPInfo} */
  getVPPInfo(): VPPInfo {
    const { info } = this.#vpp();
    return create(pb.VPPInfoSchema, {
      version: info.version,
      buildDate: info.buildDate,
      buildDirectory: info.buildDirectory,
      pid: info.pid,
      boottimeNs: ns(info.bootTime),
      connecttimeNs: ns(info.connectedSince),
    });
  }

  /** {@inheritDoc MaglevHandlers.getVPPLBState} */
  async getVPPLBState(): Promise<VPPLBState> {
    const { vpp } = this.#vpp();
    const state = await vpp.lb.getState();
    const config = this.d.config;
    const byVip = frontendsByVipKey(config);
    return create(pb.VPPLBStateSchema, {
      conf: state.conf,
      vips: state.vips.map((v) => {
        const frontend = byVip.get(vipKeyString(v)) ?? '';
        const fe = config.frontends.get(frontend);
        const backendOf = new Map<string, string>();
        for (const pool of fe?.pools ?? []) {
          for (const m of pool.backends) {
            const addr = config.backends.get(m.name)?.address;
            if (addr && !backendOf.has(addr)) backendOf.set(addr, m.name);
          }
        }
        return {
          prefix: v.prefix,
          protocol: vipProtocolName(v.protocol),
          port: v.port,
          encap: v.encap,
          srcIpSticky: v.srcIpSticky ?? false,
          flowTableLength: v.flowTableLength,
          frontend,
          index: v.index ?? 0,
          ases: v.ases.map((a) => ({
            address: a.address,
            weight: a.weight,
            buckets: a.numBuckets,
            flags: a.flags,
            inUseSince: a.inUseSince,
            backend: backendOf.get(a.address) ?? '',
          })),
        };
      }),
    });
  }

  /** {@inheritDoc MaglevHandlers.syncVPPLBState} */
  async syncVPPLBState(req: SyncVPPLBStateRequest): Promise<SyncVPPLBStateResponse> {
    this.#vpp();
    if (req.frontendName !== '' && !this.d.config.frontends.has(req.frontendName)) {
      throw new NotFoundError(`frontend "${req.frontendName}" not found in config`);
    }
    if (req.dryRun) {
      const preview = await this.d.previewSync(req.frontendName);
      return create(pb.SyncVPPLBStateResponseSchema, {
        scope: req.frontendName === '' ? 'all' : 'vip',
        preview: previewToProto(preview),
      });
    }
    const r =
      req.frontendName === ''
        ? await this.d.reconciler.syncAll()
        : await this.d.reconciler.syncVip(req.frontendName);
    return create(pb.SyncVPPLBStateResponseSchema, {
      scope: r.scope,
      vipAdded: r.vip_added,
      vipRemoved: r.vip_removed,
      asAdded: r.as_added,
      asRemoved: r.as_removed,
      asWeightUpdated: r.as_weight_updated,
    });
  }

  /** {@inheritDoc MaglevHandlers.getVPPLBCounters} */
  getVPPLBCounters(): VPPLBCounters {
    this.#vpp();
    const counters = this.d.counters;
    if (!counters) throw new UnavailableError('VPP stats are disabled (--vpp-stats-addr is empty)');
    const snap = counters.snapshot();
    if (!snap)
      throw new UnavailableError(
        `VPP stats not read yet${counters.lastError ? `: ${counters.lastError}` : ''}`,
      );
    return create(pb.VPPLBCountersSchema, {
      atNs: ns(snap.at),
      vips: snap.vips.map((v) => ({
        prefix: v.prefix,
        protocol: vipProtocolName(v.protocol),
        port: v.port,
        frontend: v.frontend,
        nextPackets: v.next,
        firstPackets: v.first,
        untrackedPackets: v.untracked,
        noServerPackets: v.noServer,
        routePackets: v.routePackets,
        routeBytes: v.routeBytes,
      })),
    });
  }
}
