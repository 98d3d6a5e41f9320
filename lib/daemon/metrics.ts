import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { BACKEND_STATES, type BackendState } from '../health/types.js';
import { parseListenAddress } from '../util/listen-address.js';

/**
 * Values maglevd computes at scrape time (gauges are never stale). Each method is called once
 * per scrape.
 *
 * @public
 */
export interface MetricsSources {
  /** Every backend: its state, health counter and enabled flag. */
  backends(): Iterable<{ name: string; state: BackendState; health: number; enabled: boolean }>;
  /** Every pool member with its configured (or overridden) and effective weight, 0-100. */
  poolMembers(): Iterable<{
    frontend: string;
    pool: string;
    backend: string;
    weight: number;
    effectiveWeight: number;
  }>;
  /** Every frontend's aggregate state. */
  frontends(): Iterable<{ name: string; state: 'unknown' | 'up' | 'down' }>;
  /** null while VPP is disconnected or disabled: the vpp gauges are then left out. */
  vpp(): {
    version: string;
    buildDate: string;
    pid: number;
    /** Unix milliseconds, or null when unknown. */
    bootTime: number | null;
    /** Unix milliseconds. */
    connectedSince: number;
  } | null;
  /** Per-VIP packet counters from the stats segment (packets; route bytes in bytes). */
  vipCounters(): Iterable<{
    prefix: string;
    protocol: string;
    port: number;
    next: number;
    first: number;
    untracked: number;
    noServer: number;
    routePackets: number;
    routeBytes: number;
  }>;
}

/**
 * What one lb sync changed, the `kind` label of maglev_vpp_lbsync_total.
 *
 * @public
 */
export type LbSyncKind = 'vip_added' | 'vip_removed' | 'as_added' | 'as_removed' | 'as_weight_updated';

/**
 * maglevd's Prometheus metrics, with the names of the Go maglevd 1.0 (docs/user-guide.md lists
 * them), plus Node's process and runtime defaults (less the gauges prom-client names `*_total`).
 * Counters are incremented by the methods below; gauges are read from `sources` at scrape time.
 *
 * @public
 */
export class MaglevMetrics {
  /** The registry holding every metric; serve it with {@link MetricsServer}. */
  readonly registry = new Registry();
  readonly #probes: Counter<'backend' | 'type' | 'result' | 'code'>;
  readonly #probeDuration: Histogram<'backend' | 'type'>;
  readonly #transitions: Counter<'backend' | 'from' | 'to'>;
  readonly #vppApi: Counter<'msg' | 'direction' | 'result'>;
  readonly #lbsync: Counter<'scope' | 'kind'>;
  readonly #grpcStarted: Counter<'grpc_type' | 'grpc_service' | 'grpc_method'>;
  readonly #grpcHandled: Counter<'grpc_type' | 'grpc_service' | 'grpc_method' | 'grpc_code'>;
  readonly #grpcSeconds: Histogram<'grpc_type' | 'grpc_service' | 'grpc_method'>;
  readonly #grpcSent: Counter<'grpc_type' | 'grpc_service' | 'grpc_method'>;

  /** Registers every metric in a new registry; the gauges read `sources`. */
  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    // prom-client's nodejs_active_{handles,requests,resources}_total are gauges named like
    // counters, which `promtool check metrics` rejects; each is the sum of the per-type gauge of
    // the same name without the suffix, so nothing is lost by leaving them out.
    for (const m of this.registry.getMetricsAsArray()) {
      if (m.name.endsWith('_total') && !(m instanceof Counter)) this.registry.removeSingleMetric(m.name);
    }

    new Gauge({
      name: 'maglev_backend_state',
      help: 'Backend health state: 1 for the current state, 0 for the others.',
      labelNames: ['backend', 'state'],
      registers,
      collect() {
        this.reset();
        for (const b of sources.backends()) {
          for (const s of BACKEND_STATES) this.set({ backend: b.name, state: s }, b.state === s ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'maglev_backend_health',
      help: 'The rise/fall health counter of the backend (0 .. rise+fall-1).',
      labelNames: ['backend'],
      registers,
      collect() {
        this.reset();
        for (const b of sources.backends()) this.set({ backend: b.name }, b.health);
      },
    });
    new Gauge({
      name: 'maglev_backend_enabled',
      help: 'Whether the backend is enabled (1) or disabled (0).',
      labelNames: ['backend'],
      registers,
      collect() {
        this.reset();
        for (const b of sources.backends()) this.set({ backend: b.name }, b.enabled ? 1 : 0);
      },
    });
    new Gauge({
      name: 'maglev_frontend_pool_backend_weight',
      help: 'Configured weight (0-100) of a pool member, including a runtime override.',
      labelNames: ['frontend', 'pool', 'backend'],
      registers,
      collect() {
        this.reset();
        for (const m of sources.poolMembers())
          this.set({ frontend: m.frontend, pool: m.pool, backend: m.backend }, m.weight);
      },
    });
    new Gauge({
      name: 'maglev_frontend_pool_backend_effective_weight',
      help: 'Weight VPP is given for a pool member now (0 unless up in the active pool).',
      labelNames: ['frontend', 'pool', 'backend'],
      registers,
      collect() {
        this.reset();
        for (const m of sources.poolMembers()) {
          this.set({ frontend: m.frontend, pool: m.pool, backend: m.backend }, m.effectiveWeight);
        }
      },
    });
    new Gauge({
      name: 'maglev_frontend_state',
      help: 'Frontend state: 1 for the current state (unknown, up, down), 0 for the others.',
      labelNames: ['frontend', 'state'],
      registers,
      collect() {
        this.reset();
        for (const f of sources.frontends()) {
          for (const s of ['unknown', 'up', 'down'] as const)
            this.set({ frontend: f.name, state: s }, f.state === s ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'maglev_vpp_connected',
      help: 'Whether maglevd is connected to VPP.',
      registers,
      collect() {
        this.set(sources.vpp() ? 1 : 0);
      },
    });
    omitWhenAbsent(
      new Gauge({
        name: 'maglev_vpp_uptime_seconds',
        help: "Seconds since VPP started (from the stats segment's /sys/boottime).",
        registers,
        collect() {
          this.reset();
          const v = sources.vpp();
          if (v?.bootTime != null) this.set((Date.now() - v.bootTime) / 1000);
        },
      }),
      () => sources.vpp()?.bootTime != null,
    );
    omitWhenAbsent(
      new Gauge({
        name: 'maglev_vpp_connected_seconds',
        help: 'Seconds since maglevd connected to VPP.',
        registers,
        collect() {
          this.reset();
          const v = sources.vpp();
          if (v) this.set((Date.now() - v.connectedSince) / 1000);
        },
      }),
      () => sources.vpp() !== null,
    );
    new Gauge({
      name: 'maglev_vpp_info',
      help: 'VPP version information (always 1).',
      labelNames: ['version', 'build_date', 'pid'],
      registers,
      collect() {
        this.reset();
        const v = sources.vpp();
        if (v) this.set({ version: v.version, build_date: v.buildDate, pid: String(v.pid) }, 1);
      },
    });
    // VPP's own counters: monotonic in VPP, exposed as counters whose value is read at scrape.
    const vipCounter = (
      name: string,
      help: string,
      labelNames: string[],
      pick: (
        c: ReturnType<MetricsSources['vipCounters']> extends Iterable<infer T> ? T : never,
      ) => Array<[Record<string, string>, number]>,
    ) =>
      new Counter({
        name,
        help,
        labelNames,
        registers,
        collect() {
          this.reset();
          for (const c of sources.vipCounters()) for (const [labels, v] of pick(c)) this.inc(labels, v);
        },
      });
    vipCounter(
      'maglev_vpp_lb_vip_packets_total',
      'Packets of a VIP by lb plugin counter: next (existing session), first, untracked, no-server.',
      ['prefix', 'protocol', 'port', 'kind'],
      (c) => {
        const l = { prefix: c.prefix, protocol: c.protocol, port: String(c.port) };
        return [
          [{ ...l, kind: 'next' }, c.next],
          [{ ...l, kind: 'first' }, c.first],
          [{ ...l, kind: 'untracked' }, c.untracked],
          [{ ...l, kind: 'no-server' }, c.noServer],
        ];
      },
    );
    vipCounter(
      'maglev_vpp_lb_vip_route_packets_total',
      "Packets through the VIP's FIB entry (/net/route/to).",
      ['prefix', 'protocol', 'port'],
      (c) => [[{ prefix: c.prefix, protocol: c.protocol, port: String(c.port) }, c.routePackets]],
    );
    vipCounter(
      'maglev_vpp_lb_vip_route_bytes_total',
      "Bytes through the VIP's FIB entry (/net/route/to).",
      ['prefix', 'protocol', 'port'],
      (c) => [[{ prefix: c.prefix, protocol: c.protocol, port: String(c.port) }, c.routeBytes]],
    );

    this.#probes = new Counter({
      name: 'maglev_probe_total',
      help: 'Health probes run, by result (success/failure) and probe code.',
      labelNames: ['backend', 'type', 'result', 'code'],
      registers,
    });
    this.#probeDuration = new Histogram({
      name: 'maglev_probe_duration_seconds',
      help: 'Duration of health probes.',
      labelNames: ['backend', 'type'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.#transitions = new Counter({
      name: 'maglev_backend_transitions_total',
      help: 'Backend state transitions.',
      labelNames: ['backend', 'from', 'to'],
      registers,
    });
    this.#vppApi = new Counter({
      name: 'maglev_vpp_api_total',
      help: 'VPP binary API messages, by message, direction (send/recv) and result (success/failure).',
      labelNames: ['msg', 'direction', 'result'],
      registers,
    });
    this.#lbsync = new Counter({
      name: 'maglev_vpp_lbsync_total',
      help: 'Changes the reconciler made in VPP, by scope (all/vip) and kind.',
      labelNames: ['scope', 'kind'],
      registers,
    });
    const grpcLabels = ['grpc_type', 'grpc_service', 'grpc_method'] as const;
    this.#grpcStarted = new Counter({
      name: 'grpc_server_started_total',
      help: 'RPCs started on the server.',
      labelNames: grpcLabels,
      registers,
    });
    this.#grpcHandled = new Counter({
      name: 'grpc_server_handled_total',
      help: 'RPCs completed on the server, by status code.',
      labelNames: [...grpcLabels, 'grpc_code'],
      registers,
    });
    this.#grpcSeconds = new Histogram({
      name: 'grpc_server_handling_seconds',
      help: 'Time from the start of an RPC to its end on the server.',
      labelNames: grpcLabels,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.#grpcSent = new Counter({
      name: 'grpc_server_msg_sent_total',
      help: 'Messages sent by the server.',
      labelNames: grpcLabels,
      registers,
    });
  }

  /** Counts one finished health probe and observes its duration in seconds. */
  probe(backend: string, type: string, ok: boolean, code: string, seconds: number): void {
    this.#probes.inc({ backend, type, result: ok ? 'success' : 'failure', code });
    this.#probeDuration.observe({ backend, type }, seconds);
  }

  /** Counts one backend state transition. */
  transition(backend: string, from: string, to: string): void {
    this.#transitions.inc({ backend, from, to });
  }

  /** Counts one VPP API message sent or received. */
  vppApi(msg: string, direction: 'send' | 'recv', ok: boolean): void {
    this.#vppApi.inc({ msg, direction, result: ok ? 'success' : 'failure' });
  }

  /** Counts of one sync; label sets with a zero count are never touched. */
  lbsync(scope: 'all' | 'vip', counts: Partial<Record<LbSyncKind, number>>): void {
    for (const [kind, n] of Object.entries(counts)) if (n) this.#lbsync.inc({ scope, kind }, n);
  }

  /** Records one finished gRPC call: started, handled (with its code), duration in seconds, messages sent. */
  grpcCall(info: {
    method: string;
    type: 'unary' | 'server_stream';
    code: string;
    seconds: number;
    sent: number;
  }): void {
    const labels = { grpc_type: info.type, grpc_service: 'maglev.Maglev', grpc_method: info.method };
    this.#grpcStarted.inc(labels);
    this.#grpcHandled.inc({ ...labels, grpc_code: info.code });
    this.#grpcSeconds.observe(labels, info.seconds);
    if (info.sent) this.#grpcSent.inc(labels, info.sent);
  }
}

/** A label-less gauge that is left out of the scrape while `present()` is false. */
function omitWhenAbsent(gauge: Gauge, present: () => boolean): void {
  const get = gauge.get.bind(gauge);
  gauge.get = async () => {
    const m = await get();
    return present() ? m : { ...m, values: [] };
  };
}

/**
 * Serves GET /metrics from a registry over plain HTTP; every other path is 404.
 *
 * @public
 */
export class MetricsServer {
  readonly #server: Server;
  constructor(
    /** The prom-client registry served. */
    readonly registry: Registry,
  ) {
    this.#server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics\n');
        return;
      }
      this.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
        (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(err)}\n`),
      );
    });
  }

  /**
   * Listens; resolves with the bound port (useful with port 0).
   *
   * @param addr - ":port", "host:port" or "[v6]:port".
   * @throws Error for a malformed address; rejects with the system's error (EADDRINUSE ...)
   *   when it cannot be bound.
   */
  listen(addr: string): Promise<number> {
    const { host, port } = parseListenAddress(addr);
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve((this.#server.address() as AddressInfo).port);
      });
    });
  }

  /** Stops listening and closes every open connection. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }
}
