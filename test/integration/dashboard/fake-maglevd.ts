import { create } from '@bufbuild/protobuf';
import {
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
  UnavailableError,
} from '../../../lib/api/errors.js';
import * as pb from '../../../lib/api/gen/maglev_pb.js';
import { MaglevGrpcServer, type MaglevHandlers } from '../../../lib/api/server.js';
import { EventBus } from '../../../lib/events/bus.js';
import type { FrontendState, LogLevel } from '../../../lib/events/types.js';
import type { BackendState } from '../../../lib/health/types.js';
import { effectiveWeight, frontendState } from '../../../lib/plan/plan.js';

/**
 * An in-memory maglevd behind the real gRPC server: frontends with pools, backends whose
 * state a test flips, VPP info and an lb state derived from the effective weights. It
 * publishes on its event bus what maglevd publishes: a backend event per frontend using the
 * backend, a frontend event when a frontend's state changes, and log records
 * (backend-transition, probe-start/probe-done, vpp-api-send/recv, vpp-connect/disconnect).
 */

export interface FakeFrontendConfig {
  readonly name: string;
  readonly address: string;
  readonly protocol?: 'tcp' | 'udp' | 'any';
  readonly port?: number;
  readonly description?: string;
  readonly pools: readonly { name: string; backends: readonly { name: string; weight?: number }[] }[];
}

export interface FakeConfig {
  readonly backends: readonly { name: string; address: string; healthcheck?: string }[];
  readonly frontends: readonly FakeFrontendConfig[];
}

const FLOW_TABLE = 1024;

interface BackendRuntime {
  readonly name: string;
  readonly address: string;
  readonly healthcheck: string;
  state: BackendState;
  enabled: boolean;
  since: number;
  transitions: pb.Transition[];
}

function ns(ms: number): bigint {
  return BigInt(ms) * 1_000_000n;
}

export class FakeMaglevd {
  readonly bus = new EventBus();
  /** Every unary method called, in order (e.g. "getVPPLBState"). */
  readonly calls: string[] = [];
  /** When set, ReloadConfig refuses the configuration with this parse error. */
  reloadParseError: string | null = null;
  readonly #config: FakeConfig;
  readonly #backends = new Map<string, BackendRuntime>();
  readonly #overrides = new Map<string, number>();
  readonly #frontendStates = new Map<string, FrontendState>();
  #vppConnected = true;
  readonly #vppBoot = Date.now() - 3 * 86_400_000 - 4_242_000;
  readonly #vppConnect = Date.now() - 3_600_000;
  #server: MaglevGrpcServer | null = null;
  #port = 0;
  readonly #host: string;

  /** `host` is a loopback address to listen on (127.0.0.0/8 gives several maglevds their own host). */
  constructor(config: FakeConfig, opts: { host?: string } = {}) {
    this.#config = config;
    this.#host = opts.host ?? '127.0.0.1';
    const now = Date.now();
    for (const b of config.backends)
      this.#backends.set(b.name, {
        name: b.name,
        address: b.address,
        healthcheck: b.healthcheck ?? 'http',
        state: 'unknown',
        enabled: true,
        since: now,
        transitions: [],
      });
    for (const f of config.frontends) this.#frontendStates.set(f.name, this.#computeFrontendState(f));
  }

  /** host:port of the gRPC server. */
  get address(): string {
    return `${this.#host}:${this.#port}`;
  }

  /** Whether a WatchEvents stream (the dashboard's) is attached: events published now reach it. */
  get watched(): boolean {
    return this.bus.hasLogSubscribers;
  }

  get running(): boolean {
    return this.#server !== null;
  }

  /** Starts serving (again, on the same port after stop()). */
  async start(): Promise<string> {
    const server = new MaglevGrpcServer({
      address: `${this.#host}:${this.#port}`,
      handlers: this.#handlers(),
      events: { bus: this.bus, frontendStates: () => this.#frontendStates.entries() },
    });
    this.#port = await server.start();
    this.#server = server;
    return this.address;
  }

  /** Stops serving, as a crashed maglevd would; the state is kept for start(). */
  async stop(): Promise<void> {
    const s = this.#server;
    this.#server = null;
    await s?.close();
  }

  state(backend: string): BackendState {
    return this.#backend(backend).state;
  }

  /** Moves a backend to a state as the health checker or an operator would. */
  setState(backend: string, to: BackendState, code = to === 'up' ? 'L7OK' : 'L7STS', detail = ''): void {
    const b = this.#backend(backend);
    if (b.state === to) return;
    const from = b.state;
    const at = Date.now();
    b.state = to;
    b.since = at;
    if (to === 'disabled') b.enabled = false;
    else if (from === 'disabled') b.enabled = true;
    b.transitions.push(create(pb.TransitionSchema, { from, to, atNs: ns(at), code, detail }));
    if (b.transitions.length > 5) b.transitions.shift();
    this.log('info', 'backend-transition', { backend, from, to, code });
    const users = this.#config.frontends.filter((f) =>
      f.pools.some((p) => p.backends.some((m) => m.name === backend)),
    );
    const transition = { from, to, at, code, detail };
    if (users.length === 0)
      this.bus.publish({ kind: 'backend', backend, frontend: null, address: b.address, transition });
    for (const f of users)
      this.bus.publish({ kind: 'backend', backend, frontend: f.name, address: b.address, transition });
    for (const f of users) {
      const was = this.#frontendStates.get(f.name) ?? 'unknown';
      const now = this.#computeFrontendState(f);
      if (now !== was) {
        this.#frontendStates.set(f.name, now);
        this.bus.publish({ kind: 'frontend', frontend: f.name, from: was, to: now, at });
      }
    }
  }

  /** One probe of a backend, as the health checker logs it at debug level. */
  probe(backend: string): void {
    this.log('debug', 'probe-start', { backend });
    this.log('debug', 'probe-done', { backend, ok: true, code: 'L7OK' });
  }

  vppApi(direction: 'send' | 'recv', msg = 'lb_as_v2_dump'): void {
    this.log('debug', `vpp-api-${direction}`, { msg });
  }

  setVppConnected(connected: boolean): void {
    this.#vppConnected = connected;
    this.log(connected ? 'info' : 'warn', connected ? 'vpp-connect' : 'vpp-disconnect', {});
  }

  log(level: LogLevel, msg: string, attrs: Record<string, unknown>): void {
    this.bus.publish({ kind: 'log', level, msg, attrs, at: Date.now() });
  }

  async close(): Promise<void> {
    await this.stop();
  }

  // ---- model ----

  #backend(name: string): BackendRuntime {
    const b = this.#backends.get(name);
    if (!b) throw new NotFoundError(`backend "${name}" not found`);
    return b;
  }

  #weight(f: FakeFrontendConfig, pool: string, m: { name: string; weight?: number }): number {
    return this.#overrides.get(JSON.stringify([f.name, pool, m.name])) ?? m.weight ?? 100;
  }

  #plan(f: FakeFrontendConfig) {
    const active = Math.max(
      0,
      f.pools.findIndex((p) => p.backends.some((m) => this.#backend(m.name).state === 'up')),
    );
    return f.pools.map((p, i) =>
      p.backends.map((m) => {
        const b = this.#backend(m.name);
        const weight = this.#weight(f, p.name, m);
        const eff = b.state === 'removed' ? 0 : effectiveWeight(b.state, i === active, weight, true).weight;
        return { pool: p.name, name: m.name, b, weight, effectiveWeight: eff, state: b.state };
      }),
    );
  }

  #computeFrontendState(f: FakeFrontendConfig): FrontendState {
    return frontendState(this.#plan(f).flat());
  }

  #frontendInfo(f: FakeFrontendConfig): pb.FrontendInfo {
    const planned = this.#plan(f);
    const active = Math.max(
      0,
      planned.findIndex((p) => p.some((m) => m.state === 'up')),
    );
    return create(pb.FrontendInfoSchema, {
      name: f.name,
      address: f.address,
      protocol: f.protocol ?? 'tcp',
      port: f.port ?? 80,
      description: f.description ?? '',
      flushOnDown: true,
      state: this.#computeFrontendState(f),
      activePool: active,
      pools: f.pools.map((p, i) => ({
        name: p.name,
        backends: (planned[i] ?? []).map((m) => ({
          name: m.name,
          address: m.b.address,
          weight: m.weight,
          effectiveWeight: m.effectiveWeight,
          state: m.state,
          enabled: m.b.enabled,
          weightOverridden: this.#overrides.has(JSON.stringify([f.name, p.name, m.name])),
        })),
      })),
    });
  }

  #backendInfo(b: BackendRuntime): pb.BackendInfo {
    return create(pb.BackendInfoSchema, {
      name: b.name,
      address: b.address,
      state: b.state,
      enabled: b.enabled,
      healthcheck: b.healthcheck,
      transitions: b.transitions,
      health: b.state === 'up' ? 4 : 0,
      rise: 2,
      fall: 3,
      stateSinceNs: ns(b.since),
      frontends: this.#config.frontends
        .filter((f) => f.pools.some((p) => p.backends.some((m) => m.name === b.name)))
        .map((f) => f.name),
    });
  }

  #frontend(name: string): FakeFrontendConfig {
    const f = this.#config.frontends.find((x) => x.name === name);
    if (!f) throw new NotFoundError(`frontend "${name}" not found`);
    return f;
  }

  /**
   * A canned preview: in the frontends `only` names (default all), the backend's server goes to
   * `weightAfter` and its buckets are the ones that move. Not VPP's table; the real thing is
   * tested against vpp-lb-sim elsewhere.
   */
  #preview(backend: string, weightAfter: (now: number) => number, only?: string): pb.ChangePreview {
    const vips = this.#lbState().vips.map((v) => {
      const s = v.ases.find((a) => a.backend === backend);
      const after = s && (only === undefined || v.frontend === only) ? weightAfter(s.weight) : undefined;
      const head = { frontend: v.frontend, prefix: v.prefix, protocol: v.protocol, port: v.port };
      if (!s || after === undefined || after === s.weight)
        return { ...head, change: 'unchanged', flowTableLength: FLOW_TABLE };
      return {
        ...head,
        change: 'changed',
        flowTableLength: FLOW_TABLE,
        movedBuckets: after === 0 ? s.buckets : 0,
        servers: [
          {
            address: s.address,
            backend,
            change: 'changed',
            weightBefore: s.weight,
            weightAfter: after,
            bucketsBefore: s.buckets,
            bucketsAfter: after === 0 ? 0 : s.buckets,
          },
        ],
      };
    });
    const count = (c: string) => vips.filter((v) => v.change === c).length;
    return create(pb.ChangePreviewSchema, {
      before: 'vpp',
      vips,
      vipsChanged: count('changed'),
      vipsUnchanged: count('unchanged'),
    });
  }

  /** VPP's view: one AS per address, buckets shared out by weight (largest remainder). */
  #lbState(): pb.VPPLBState {
    const vips = this.#config.frontends.map((f) => {
      const byAddress = new Map<string, { backend: string; weight: number }>();
      for (const m of this.#plan(f).flat()) {
        const cur = byAddress.get(m.b.address);
        if (!cur || m.effectiveWeight > cur.weight)
          byAddress.set(m.b.address, { backend: m.name, weight: m.effectiveWeight });
      }
      const ases = [...byAddress].map(([address, v]) => ({ address, ...v, buckets: 0 }));
      const total = ases.reduce((n, a) => n + a.weight, 0);
      if (total > 0) {
        const exact = ases.map((a) => (a.weight / total) * FLOW_TABLE);
        for (const [i, a] of ases.entries()) a.buckets = Math.floor(exact[i] as number);
        let left = FLOW_TABLE - ases.reduce((n, a) => n + a.buckets, 0);
        const order = ases
          .map((a, i) => ({ i, frac: (exact[i] as number) - a.buckets }))
          .sort((x, y) => y.frac - x.frac);
        for (const { i } of order) {
          if (left-- <= 0) break;
          (ases[i] as { buckets: number }).buckets++;
        }
      }
      return {
        prefix: `${f.address}/32`,
        protocol: f.protocol ?? 'tcp',
        port: f.port ?? 80,
        encap: 'gre4',
        flowTableLength: FLOW_TABLE,
        frontend: f.name,
        ases: ases.map((a) => ({
          address: a.address,
          weight: a.weight,
          buckets: a.buckets,
          flags: 1,
          backend: a.backend,
        })),
      };
    });
    return create(pb.VPPLBStateSchema, {
      conf: { ip4SrcAddress: '192.0.2.254', stickyBucketsPerCore: 65536, flowTimeout: 40 },
      vips,
    });
  }

  #requireVpp(): void {
    if (!this.#vppConnected) throw new UnavailableError('VPP is not connected');
  }

  #handlers(): MaglevHandlers {
    const h: MaglevHandlers = {
      listFrontends: () =>
        create(pb.ListFrontendsResponseSchema, {
          names: this.#config.frontends.map((f) => f.name),
          frontends: this.#config.frontends.map((f) => this.#frontendInfo(f)),
        }),
      getFrontend: (r) => this.#frontendInfo(this.#frontend(r.name)),
      listBackends: () =>
        create(pb.ListBackendsResponseSchema, {
          names: [...this.#backends.keys()],
          backends: [...this.#backends.values()].map((b) => this.#backendInfo(b)),
        }),
      getBackend: (r) => this.#backendInfo(this.#backend(r.name)),
      pauseBackend: (r) => {
        const b = this.#backend(r.name);
        if (b.state === 'disabled') throw new FailedPreconditionError(`backend "${r.name}" is disabled`);
        if (r.dryRun) return { ...this.#backendInfo(b), preview: this.#preview(r.name, () => 0) };
        this.setState(r.name, 'paused', 'paused');
        return this.#backendInfo(b);
      },
      resumeBackend: (r) => {
        const b = this.#backend(r.name);
        if (b.state === 'disabled') throw new FailedPreconditionError(`backend "${r.name}" is disabled`);
        if (r.dryRun) return { ...this.#backendInfo(b), preview: this.#preview(r.name, (w) => w) };
        if (b.state === 'paused') this.setState(r.name, 'unknown', 'resumed');
        return this.#backendInfo(b);
      },
      enableBackend: (r) => {
        const b = this.#backend(r.name);
        if (r.dryRun) return { ...this.#backendInfo(b), preview: this.#preview(r.name, (w) => w) };
        if (b.state === 'disabled') this.setState(r.name, 'unknown', 'enabled');
        return this.#backendInfo(b);
      },
      disableBackend: (r) => {
        const b = this.#backend(r.name);
        if (r.dryRun) return { ...this.#backendInfo(b), preview: this.#preview(r.name, () => 0) };
        this.setState(r.name, 'disabled', 'disabled');
        return this.#backendInfo(b);
      },
      listHealthChecks: () =>
        create(pb.ListHealthChecksResponseSchema, {
          names: ['http'],
          healthchecks: [
            {
              name: 'http',
              type: 'http',
              port: 80,
              interval: { seconds: 2n },
              fastInterval: { nanos: 500_000_000 },
              downInterval: { seconds: 5n },
              timeout: { seconds: 1n },
              rise: 2,
              fall: 3,
            },
          ],
        }),
      getHealthCheck: (r) => {
        if (r.name !== 'http') throw new NotFoundError(`healthcheck "${r.name}" not found`);
        return create(pb.HealthCheckInfoSchema, { name: 'http', type: 'http', port: 80 });
      },
      setFrontendPoolBackendWeight: (r) => {
        const f = this.#frontend(r.frontend);
        const pool = f.pools.find((p) => p.name === r.pool);
        if (!pool) throw new NotFoundError(`pool "${r.pool}" not found in frontend "${r.frontend}"`);
        if (!pool.backends.some((m) => m.name === r.backend))
          throw new NotFoundError(`backend "${r.backend}" not in pool "${r.pool}"`);
        if (r.weight > 100) throw new InvalidArgumentError(`weight ${r.weight} is not 0-100`);
        if (r.dryRun)
          return { ...this.#frontendInfo(f), preview: this.#preview(r.backend, () => r.weight, f.name) };
        this.#overrides.set(JSON.stringify([r.frontend, r.pool, r.backend]), r.weight);
        return this.#frontendInfo(f);
      },
      checkConfig: () => create(pb.CheckConfigResponseSchema, { ok: true }),
      reloadConfig: () => {
        if (this.reloadParseError !== null)
          return create(pb.ReloadConfigResponseSchema, { ok: false, parseError: this.reloadParseError });
        this.log('info', 'config-reload', {});
        return create(pb.ReloadConfigResponseSchema, { ok: true });
      },
      getVPPInfo: () => {
        this.#requireVpp();
        return create(pb.VPPInfoSchema, {
          version: '25.06-release',
          buildDate: '2025-06-25T10:00:00',
          buildDirectory: '/w/workspace/vpp',
          pid: 4242,
          boottimeNs: ns(this.#vppBoot),
          connecttimeNs: ns(this.#vppConnect),
        });
      },
      getVPPLBState: () => {
        this.#requireVpp();
        return this.#lbState();
      },
      syncVPPLBState: (r) => {
        this.#requireVpp();
        return create(pb.SyncVPPLBStateResponseSchema, {
          scope: r.frontendName === '' ? 'all' : 'vip',
          ...(r.dryRun && { preview: this.#preview('', (w) => w) }),
        });
      },
      getVPPLBCounters: () => {
        this.#requireVpp();
        return create(pb.VPPLBCountersSchema, {});
      },
      planConfig: () =>
        this.reloadParseError !== null
          ? create(pb.PlanConfigResponseSchema, { ok: false, parseError: this.reloadParseError })
          : create(pb.PlanConfigResponseSchema, { ok: true, preview: this.#preview('', (w) => w) }),
    };
    // Record every call, so tests can count what the dashboard asks.
    return new Proxy(h, {
      get: (t, prop: string) => {
        const fn = (t as unknown as Record<string, (req: unknown) => unknown>)[prop];
        if (typeof fn !== 'function') return fn;
        return (req: unknown) => {
          this.calls.push(prop);
          return fn(req);
        };
      },
    });
  }
}

/** The config most dashboard tests use: a web frontend with a primary and a fallback pool. */
export const SAMPLE_CONFIG: FakeConfig = {
  backends: [
    { name: 'nginx0-ams', address: '192.0.2.10' },
    { name: 'nginx1-ams', address: '192.0.2.11' },
    { name: 'nginx0-fra', address: '192.0.2.20' },
    { name: 'api0', address: '192.0.2.30' },
    { name: 'api1', address: '192.0.2.31' },
  ],
  frontends: [
    {
      name: 'web-v4',
      address: '198.51.100.1',
      port: 80,
      description: 'Public web site over IPv4',
      pools: [
        {
          name: 'primary',
          backends: [
            { name: 'nginx0-ams', weight: 100 },
            { name: 'nginx1-ams', weight: 50 },
          ],
        },
        { name: 'fallback', backends: [{ name: 'nginx0-fra' }] },
      ],
    },
    {
      name: 'api-v4',
      address: '198.51.100.2',
      port: 443,
      description: 'Public API',
      pools: [
        {
          name: 'main',
          backends: [{ name: 'api0' }, { name: 'api1' }],
        },
      ],
    },
  ],
};
