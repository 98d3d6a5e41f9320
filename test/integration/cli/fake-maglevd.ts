import { create } from '@bufbuild/protobuf';
import { durationFromMs } from '@bufbuild/protobuf/wkt';
import {
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
  UnavailableError,
} from '../../../lib/api/errors.js';
import * as pb from '../../../lib/api/gen/maglev_pb.js';
import { MaglevGrpcServer, type MaglevHandlers } from '../../../lib/api/server.js';
import { EventBus } from '../../../lib/events/bus.js';
import type { FrontendState } from '../../../lib/events/types.js';
import type { BackendState } from '../../../lib/health/types.js';

/**
 * An in-memory stand-in for maglevd behind a real MaglevGrpcServer: a small but realistic
 * deployment (three frontends, pools with failover, backends in every state with transition
 * histories, VPP info, lb state and counters) whose operator actions change the state and
 * publish events the way maglevd does, and whose errors are maglevd's typed errors.
 */

interface FakeTransition {
  from: BackendState;
  to: BackendState;
  at: number;
  code: string;
  detail: string;
}

interface FakeBackend {
  name: string;
  address: string;
  state: BackendState;
  enabled: boolean;
  healthcheck: string;
  since: number;
  transitions: FakeTransition[];
}

interface FakeMember {
  backend: string;
  weight: number;
  overridden: boolean;
}

interface FakeFrontend {
  name: string;
  address: string;
  protocol: string;
  port: number;
  description: string;
  srcIpSticky: boolean;
  flushOnDown: boolean;
  pools: { name: string; members: FakeMember[] }[];
}

const MIN = 60_000;
const HOUR = 60 * MIN;

export class FakeMaglevd {
  readonly bus = new EventBus();
  /** When false, the VPP calls answer UnavailableError, as maglevd does without VPP. */
  vppConnected = true;
  /** When set, config check and reload report it as a semantic error. */
  configError = '';
  t0 = 0;
  readonly backends = new Map<string, FakeBackend>();
  frontends: FakeFrontend[] = [];

  constructor(now = Date.now()) {
    this.reset(now);
  }

  /** Back to the initial deployment, with times relative to `now`. */
  reset(now = Date.now()): void {
    this.t0 = now;
    this.vppConnected = true;
    this.configError = '';
    this.backends.clear();
    const b = (
      name: string,
      address: string,
      state: BackendState,
      healthcheck: string,
      history: FakeTransition[],
    ): FakeBackend => ({
      name,
      address,
      state,
      enabled: state !== 'disabled',
      healthcheck,
      since: history.at(-1)?.at ?? now - 2 * HOUR,
      transitions: history,
    });
    const t = (from: BackendState, to: BackendState, ago: number, code: string, detail: string) => ({
      from,
      to,
      at: now - ago,
      code,
      detail,
    });
    for (const backend of [
      b('nginx0', '192.0.2.10', 'up', 'http-check', [
        t('unknown', 'up', 2 * HOUR, 'L7OK', 'HTTP 200'),
        t('up', 'down', 15 * MIN, 'L7STS', 'HTTP 503'),
        t('down', 'up', 10 * MIN + 30_000, 'L7OK', 'HTTP 200'),
      ]),
      b('nginx1', '192.0.2.11', 'down', 'http-check', [
        t('unknown', 'up', 2 * HOUR, 'L7OK', 'HTTP 200'),
        t('up', 'down', 72 * MIN, 'L4CON', 'connect ECONNREFUSED 192.0.2.11:80'),
      ]),
      b('nginx2', '192.0.2.12', 'disabled', 'http-check', [
        t('unknown', 'up', 40 * HOUR, 'L7OK', 'HTTP 200'),
        t('up', 'disabled', 40 * HOUR - 5 * MIN, 'disabled', 'operator'),
      ]),
      b('api0', '198.51.100.20', 'paused', 'tcp-check', [
        t('unknown', 'up', 3 * HOUR, 'L4OK', ''),
        t('up', 'paused', 20 * MIN, 'paused', 'operator'),
      ]),
      b('api1', '198.51.100.21', 'unknown', 'tcp-check', []),
      b('dns0', '203.0.113.10', 'up', 'icmp-check', [t('unknown', 'up', 26 * HOUR, 'L3OK', '')]),
    ])
      this.backends.set(backend.name, backend);
    this.frontends = [
      {
        name: 'web',
        address: '192.0.2.1',
        protocol: 'tcp',
        port: 80,
        description: 'Public website',
        srcIpSticky: false,
        flushOnDown: true,
        pools: [
          {
            name: 'primary',
            members: [
              { backend: 'nginx0', weight: 100, overridden: false },
              { backend: 'nginx1', weight: 50, overridden: false },
            ],
          },
          { name: 'fallback', members: [{ backend: 'nginx2', weight: 100, overridden: false }] },
        ],
      },
      {
        name: 'api',
        address: '198.51.100.1',
        protocol: 'tcp',
        port: 443,
        description: 'API gateway',
        srcIpSticky: true,
        flushOnDown: false,
        pools: [
          {
            name: 'main',
            members: [
              { backend: 'api0', weight: 100, overridden: false },
              { backend: 'api1', weight: 100, overridden: false },
            ],
          },
        ],
      },
      {
        name: 'dns',
        address: '203.0.113.53',
        protocol: 'udp',
        port: 53,
        description: '',
        srcIpSticky: false,
        flushOnDown: true,
        pools: [{ name: 'main', members: [{ backend: 'dns0', weight: 100, overridden: false }] }],
      },
    ];
  }

  #backend(name: string): FakeBackend {
    const b = this.backends.get(name);
    if (!b) throw new NotFoundError(`backend "${name}" not found`);
    return b;
  }

  #frontend(name: string): FakeFrontend {
    const f = this.frontends.find((x) => x.name === name);
    if (!f) throw new NotFoundError(`frontend "${name}" not found`);
    return f;
  }

  #activePool(f: FakeFrontend): number {
    return f.pools.findIndex((p) => p.members.some((m) => this.#backend(m.backend).state === 'up'));
  }

  frontendState(f: FakeFrontend): FrontendState {
    const states = f.pools.flatMap((p) => p.members.map((m) => this.#backend(m.backend).state));
    if (states.includes('up')) return 'up';
    if (states.every((s) => s === 'down' || s === 'disabled')) return 'down';
    return 'unknown';
  }

  #frontendInfo(f: FakeFrontend): pb.FrontendInfo {
    const active = this.#activePool(f);
    return create(pb.FrontendInfoSchema, {
      name: f.name,
      address: f.address,
      protocol: f.protocol,
      port: f.port,
      description: f.description,
      srcIpSticky: f.srcIpSticky,
      flushOnDown: f.flushOnDown,
      state: this.frontendState(f),
      activePool: Math.max(0, active),
      pools: f.pools.map((p, i) => ({
        name: p.name,
        backends: p.members.map((m) => {
          const b = this.#backend(m.backend);
          return {
            name: b.name,
            address: b.address,
            weight: m.weight,
            effectiveWeight: i === active && b.state === 'up' ? m.weight : 0,
            state: b.state,
            enabled: b.enabled,
            weightOverridden: m.overridden,
          };
        }),
      })),
    });
  }

  #backendInfo(b: FakeBackend): pb.BackendInfo {
    const ns = (ms: number) => BigInt(ms) * 1_000_000n;
    return create(pb.BackendInfoSchema, {
      name: b.name,
      address: b.address,
      state: b.state,
      enabled: b.enabled,
      healthcheck: b.healthcheck,
      health: b.state === 'up' ? 4 : 0,
      rise: 2,
      fall: 3,
      stateSinceNs: ns(b.since),
      frontends: this.frontends
        .filter((f) => f.pools.some((p) => p.members.some((m) => m.backend === b.name)))
        .map((f) => f.name),
      transitions: b.transitions.map((t) => ({ ...t, atNs: ns(t.at) })),
      lastProbe:
        b.state === 'paused' || b.state === 'disabled'
          ? undefined
          : {
              ok: b.state === 'up',
              code: b.state === 'up' ? 'L7OK' : 'L4CON',
              detail: b.state === 'up' ? 'HTTP 200' : 'connect ECONNREFUSED',
              duration: durationFromMs(12),
              atNs: ns(this.t0 - 3000),
            },
    });
  }

  #transition(b: FakeBackend, to: BackendState, code: string): void {
    const tr = { from: b.state, to, at: Date.now(), code, detail: 'operator' };
    b.state = to;
    b.since = tr.at;
    b.transitions.push(tr);
    const users = this.frontends.filter((f) =>
      f.pools.some((p) => p.members.some((m) => m.backend === b.name)),
    );
    for (const f of users.length > 0 ? users : [null]) {
      this.bus.publish({
        kind: 'backend',
        backend: b.name,
        frontend: f?.name ?? null,
        address: b.address,
        transition: tr,
      });
    }
  }

  #vpp(): void {
    if (!this.vppConnected) throw new UnavailableError('VPP is not connected');
  }

  #config(): { ok: boolean; parseError: string; semanticError: string } {
    return { ok: this.configError === '', parseError: '', semanticError: this.configError };
  }

  readonly handlers: MaglevHandlers = {
    listFrontends: () =>
      create(pb.ListFrontendsResponseSchema, {
        names: this.frontends.map((f) => f.name),
        frontends: this.frontends.map((f) => this.#frontendInfo(f)),
      }),
    getFrontend: (req) => this.#frontendInfo(this.#frontend(req.name)),
    listBackends: () =>
      create(pb.ListBackendsResponseSchema, {
        names: [...this.backends.keys()],
        backends: [...this.backends.values()].map((b) => this.#backendInfo(b)),
      }),
    getBackend: (req) => this.#backendInfo(this.#backend(req.name)),
    pauseBackend: (req) => {
      const b = this.#backend(req.name);
      if (b.state === 'disabled')
        throw new FailedPreconditionError(`backend "${b.name}" is disabled; enable it first`);
      if (b.state !== 'paused') this.#transition(b, 'paused', 'paused');
      return this.#backendInfo(b);
    },
    resumeBackend: (req) => {
      const b = this.#backend(req.name);
      if (b.state === 'disabled')
        throw new FailedPreconditionError(`backend "${b.name}" is disabled; enable it first`);
      if (b.state === 'paused') this.#transition(b, 'unknown', 'resumed');
      return this.#backendInfo(b);
    },
    disableBackend: (req) => {
      const b = this.#backend(req.name);
      if (b.state !== 'disabled') this.#transition(b, 'disabled', 'disabled');
      b.enabled = false;
      return this.#backendInfo(b);
    },
    enableBackend: (req) => {
      const b = this.#backend(req.name);
      if (b.state === 'disabled') this.#transition(b, 'unknown', 'enabled');
      b.enabled = true;
      return this.#backendInfo(b);
    },
    listHealthChecks: () =>
      create(pb.ListHealthChecksResponseSchema, {
        names: HEALTHCHECKS.map((h) => h.name),
        healthchecks: HEALTHCHECKS,
      }),
    getHealthCheck: (req) => {
      const h = HEALTHCHECKS.find((x) => x.name === req.name);
      if (!h) throw new NotFoundError(`healthcheck "${req.name}" not found`);
      return h;
    },
    setFrontendPoolBackendWeight: (req) => {
      const f = this.#frontend(req.frontend);
      const pool = f.pools.find((p) => p.name === req.pool);
      if (!pool) throw new NotFoundError(`pool "${req.pool}" not found in frontend "${f.name}"`);
      const m = pool.members.find((x) => x.backend === req.backend);
      if (!m) throw new NotFoundError(`backend "${req.backend}" not found in pool "${pool.name}"`);
      if (req.weight > 100) throw new InvalidArgumentError(`weight ${req.weight} out of range 0-100`);
      m.weight = req.weight;
      m.overridden = true;
      return this.#frontendInfo(f);
    },
    checkConfig: () => create(pb.CheckConfigResponseSchema, this.#config()),
    reloadConfig: () => create(pb.ReloadConfigResponseSchema, this.#config()),
    getVPPInfo: () => {
      this.#vpp();
      return create(pb.VPPInfoSchema, {
        version: '24.10-release',
        buildDate: '2024-10-30T12:00:00',
        buildDirectory: '/w/workspace/vpp-merge-2410-ubuntu2204-x86_64',
        pid: 4242,
        boottimeNs: BigInt(this.t0 - 40 * HOUR) * 1_000_000n,
        connecttimeNs: BigInt(this.t0 - 72 * MIN) * 1_000_000n,
      });
    },
    getVPPLBState: () => {
      this.#vpp();
      return create(pb.VPPLBStateSchema, {
        conf: {
          ip4SrcAddress: '192.0.2.254',
          ip6SrcAddress: '2001:db8::fe',
          stickyBucketsPerCore: 65536,
          flowTimeout: 40,
        },
        vips: this.frontends.map((f, index) => {
          const info = this.#frontendInfo(f);
          const members = info.pools.flatMap((p) => p.backends);
          const total = members.reduce((s, m) => s + m.effectiveWeight, 0);
          return {
            prefix: `${f.address}/32`,
            protocol: f.protocol,
            port: f.port,
            encap: 'gre4',
            srcIpSticky: f.srcIpSticky,
            flowTableLength: 1024,
            frontend: f.name,
            index,
            ases: members.map((m) => ({
              address: m.address,
              weight: m.effectiveWeight,
              buckets: total === 0 ? 0 : Math.round((1024 * m.effectiveWeight) / total),
              flags: 1,
              backend: m.name,
            })),
          };
        }),
      });
    },
    syncVPPLBState: (req) => {
      this.#vpp();
      if (req.frontendName !== '') this.#frontend(req.frontendName);
      return create(pb.SyncVPPLBStateResponseSchema, {
        scope: req.frontendName === '' ? 'all' : 'vip',
        asWeightUpdated: req.frontendName === '' ? 2 : 1,
      });
    },
    getVPPLBCounters: () => {
      this.#vpp();
      return create(pb.VPPLBCountersSchema, {
        atNs: BigInt(this.t0) * 1_000_000n,
        vips: this.frontends.map((f, i) => ({
          prefix: `${f.address}/32`,
          protocol: f.protocol,
          port: f.port,
          frontend: f.name,
          nextPackets: BigInt(1_000_000 * (i + 1)),
          firstPackets: BigInt(2000 * (i + 1)),
          untrackedPackets: 0n,
          noServerPackets: BigInt(i),
          routePackets: BigInt(1_002_000 * (i + 1)),
          routeBytes: BigInt(1_400_000_000 * (i + 1)),
        })),
      });
    },
    planConfig: () => create(pb.PlanConfigResponseSchema, { ...this.#config(), preview: { before: 'plan' } }),
  };
}

const s = (ms: number) => durationFromMs(ms);

const HEALTHCHECKS: pb.HealthCheckInfo[] = [
  create(pb.HealthCheckInfoSchema, {
    name: 'http-check',
    type: 'http',
    port: 80,
    interval: s(2000),
    fastInterval: s(1000),
    downInterval: s(5000),
    timeout: s(1000),
    rise: 2,
    fall: 3,
    probeIpv4Src: '192.0.2.254',
    http: { path: '/healthz', host: 'www.example.com', method: 'GET', responseCodes: '200-399' },
  }),
  create(pb.HealthCheckInfoSchema, {
    name: 'tcp-check',
    type: 'tcp',
    port: 443,
    interval: s(1000),
    fastInterval: s(500),
    downInterval: s(3000),
    timeout: s(500),
    rise: 2,
    fall: 2,
  }),
  create(pb.HealthCheckInfoSchema, {
    name: 'icmp-check',
    type: 'icmp',
    interval: s(1000),
    fastInterval: s(1000),
    downInterval: s(1000),
    timeout: s(800),
    rise: 3,
    fall: 5,
  }),
];

/** A fake maglevd behind a real gRPC server on 127.0.0.1 and an ephemeral port. */
export async function startFakeMaglevd(): Promise<{
  fake: FakeMaglevd;
  server: MaglevGrpcServer;
  address: string;
  close(): Promise<void>;
}> {
  const fake = new FakeMaglevd();
  const server = new MaglevGrpcServer({
    address: '127.0.0.1:0',
    handlers: fake.handlers,
    events: {
      bus: fake.bus,
      frontendStates: () => fake.frontends.map((f) => [f.name, fake.frontendState(f)] as const),
    },
  });
  const port = await server.start();
  return { fake, server, address: `127.0.0.1:${port}`, close: () => server.close() };
}
