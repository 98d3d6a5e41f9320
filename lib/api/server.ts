import { createServer as createNetServer } from 'node:net';
import { create } from '@bufbuild/protobuf';
import {
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServerWritableStream,
  type sendUnaryData,
  status,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import type { EventBus } from '../events/bus.js';
import { type Logger, silentLogger } from '../events/logger.js';
import { type FrontendState, type LogLevel, logLevelRank, type MaglevEvent } from '../events/types.js';
import { parseListenAddress } from '../util/listen-address.js';
import { grpcStatusOf, InvalidArgumentError } from './errors.js';
import type {
  BackendInfo,
  BackendRequest,
  CheckConfigRequest,
  CheckConfigResponse,
  FrontendInfo,
  GetBackendRequest,
  GetFrontendRequest,
  GetHealthCheckRequest,
  GetVPPInfoRequest,
  GetVPPLBCountersRequest,
  GetVPPLBStateRequest,
  HealthCheckInfo,
  ListBackendsRequest,
  ListBackendsResponse,
  ListFrontendsRequest,
  ListFrontendsResponse,
  ListHealthChecksRequest,
  ListHealthChecksResponse,
  PlanConfigRequest,
  PlanConfigResponse,
  Event as ProtoEvent,
  ReloadConfigRequest,
  ReloadConfigResponse,
  SetWeightRequest,
  SyncVPPLBStateRequest,
  SyncVPPLBStateResponse,
  VPPInfo,
  VPPLBCounters,
  VPPLBState,
} from './gen/maglev_pb.js';
import * as pb from './gen/maglev_pb.js';
import { fileDescriptorProtos, grpcServiceDefinition } from './grpc-service.js';

/**
 * A value, or a promise of it: what a {@link MaglevHandlers} method may return.
 *
 * @public
 */
export type Awaitable<T> = T | Promise<T>;

/**
 * What maglevd implements behind the gRPC service (all but WatchEvents, which the server runs).
 * One method per RPC, named as the RPC in camelCase, taking the request message and returning
 * the reply. A thrown error becomes the call's status through {@link grpcStatusOf} (so throw
 * {@link NotFoundError} and its kin), its message the status details.
 *
 * @public
 */
export interface MaglevHandlers {
  /** Every frontend, in config order. */
  listFrontends(req: ListFrontendsRequest): Awaitable<ListFrontendsResponse>;
  /** One frontend; throw NotFoundError for an unknown name. */
  getFrontend(req: GetFrontendRequest): Awaitable<FrontendInfo>;
  /** Every backend, in config order. */
  listBackends(req: ListBackendsRequest): Awaitable<ListBackendsResponse>;
  /** One backend; throw NotFoundError for an unknown name. */
  getBackend(req: GetBackendRequest): Awaitable<BackendInfo>;
  /** Pauses a backend's checks (or, with `dry_run`, previews it); the backend after. */
  pauseBackend(req: BackendRequest): Awaitable<BackendInfo>;
  /** Resumes a paused backend (or previews it); the backend after. */
  resumeBackend(req: BackendRequest): Awaitable<BackendInfo>;
  /** Enables a disabled backend (or previews it); the backend after. */
  enableBackend(req: BackendRequest): Awaitable<BackendInfo>;
  /** Disables a backend (or previews it); the backend after. */
  disableBackend(req: BackendRequest): Awaitable<BackendInfo>;
  /** Every health check of the config. */
  listHealthChecks(req: ListHealthChecksRequest): Awaitable<ListHealthChecksResponse>;
  /** One health check; throw NotFoundError for an unknown name. */
  getHealthCheck(req: GetHealthCheckRequest): Awaitable<HealthCheckInfo>;
  /** Overrides a pool member's weight, 0-100 (or previews it); the frontend after. */
  setFrontendPoolBackendWeight(req: SetWeightRequest): Awaitable<FrontendInfo>;
  /** Parses and validates the config file without applying it. */
  checkConfig(req: CheckConfigRequest): Awaitable<CheckConfigResponse>;
  /** Reloads and applies the config file. */
  reloadConfig(req: ReloadConfigRequest): Awaitable<ReloadConfigResponse>;
  /** VPP's version and connection state. */
  getVPPInfo(req: GetVPPInfoRequest): Awaitable<VPPInfo>;
  /** The lb state read back from VPP; throw UnavailableError without VPP. */
  getVPPLBState(req: GetVPPLBStateRequest): Awaitable<VPPLBState>;
  /** Converges VPP to the plan, all of it or one frontend's VIP (or previews it). */
  syncVPPLBState(req: SyncVPPLBStateRequest): Awaitable<SyncVPPLBStateResponse>;
  /** Per-VIP counters from VPP's stats segment. */
  getVPPLBCounters(req: GetVPPLBCountersRequest): Awaitable<VPPLBCounters>;
  /** Previews a config against what runs now; changes nothing. */
  planConfig(req: PlanConfigRequest): Awaitable<PlanConfigResponse>;
}

/**
 * Where WatchEvents streams come from.
 *
 * @public
 */
export interface EventSource {
  /** The bus whose events every stream forwards, filtered by its WatchRequest. */
  readonly bus: EventBus;
  /** Current state of every frontend, in config order: replayed to each new subscriber. */
  frontendStates(): Iterable<readonly [string, FrontendState]>;
}

/**
 * Observes every finished call, for the grpc_server_* metrics: the method (PascalCase), its
 * kind, the status code, the duration in seconds and the messages received and sent.
 *
 * @public
 */
export type CallObserver = (info: {
  readonly method: string;
  readonly type: 'unary' | 'server_stream';
  readonly code: status;
  readonly seconds: number;
  readonly received: number;
  readonly sent: number;
}) => void;

/**
 * Options of {@link MaglevGrpcServer}.
 *
 * @public
 */
export interface MaglevGrpcServerOptions {
  /** Listen address: "host:port", ":port" (all interfaces) or "unix:/path". */
  readonly address: string;
  /** The unary RPCs' implementation. */
  readonly handlers: MaglevHandlers;
  /** The source of WatchEvents streams. */
  readonly events: EventSource;
  /** Serve gRPC server reflection (grpcurl and friends); default true. */
  readonly reflection?: boolean;
  /** Where handler errors mapped to INTERNAL are logged; default silent. */
  readonly logger?: Logger;
  /** Called once per finished call, for metrics. */
  readonly onCall?: CallObserver;
  /** Events queued for a slow WatchEvents client before its stream is ended. Default 4096. */
  readonly maxQueuedEvents?: number;
}

/**
 * Normalises Go-style listen addresses for grpc-js: ":9090" means every interface ("[::]:9090");
 * other addresses, and "unix:/path", are returned as given.
 *
 * @public
 */
export function grpcListenAddress(addr: string): string {
  if (addr.startsWith('unix:')) return addr;
  if (addr.startsWith(':')) return `[::]${addr}`;
  return addr;
}

/** Binds and releases a TCP "host:port" (port > 0) to learn why it cannot be bound, if it cannot. */
async function probeBind(addr: string): Promise<void> {
  if (addr.startsWith('unix:')) return;
  // A malformed address throws ListenAddressError, which names it.
  const { host, port } = parseListenAddress(addr);
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen({ host, port, exclusive: true }, () => {
      probe.close(() => resolve());
    });
  });
}

function nsOf(ms: number): bigint {
  return BigInt(Math.round(ms)) * 1_000_000n;
}

function stringAttrs(attrs: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined) continue;
    out[k] = typeof v === 'string' ? v : v instanceof Error ? v.message : (JSON.stringify(v) ?? String(v));
  }
  return out;
}

/**
 * The protobuf form of an event, as WatchEvents sends it.
 *
 * @public
 */
export function eventToProto(e: MaglevEvent): ProtoEvent {
  switch (e.kind) {
    case 'log':
      return create(pb.EventSchema, {
        event: {
          case: 'log',
          value: { level: e.level, msg: e.msg, attrs: stringAttrs(e.attrs), atNs: nsOf(e.at) },
        },
      });
    case 'backend':
      return create(pb.EventSchema, {
        event: {
          case: 'backend',
          value: {
            backend: e.backend,
            frontend: e.frontend ?? '',
            address: e.address,
            transition: { ...e.transition, atNs: nsOf(e.transition.at) },
          },
        },
      });
    case 'frontend':
      return create(pb.EventSchema, {
        event: {
          case: 'frontend',
          value: { frontend: e.frontend, from: e.from, to: e.to, atNs: nsOf(e.at) },
        },
      });
  }
}

interface WatchFilter {
  readonly log: boolean;
  readonly minLevel: number;
  readonly backend: boolean;
  readonly frontend: boolean;
}

export function watchFilter(req: pb.WatchRequest): WatchFilter {
  const any = req.log || req.backend || req.frontend;
  const level = (req.logLevel || 'info').toLowerCase() as LogLevel;
  const rank = logLevelRank(level);
  if (rank < 0)
    throw new InvalidArgumentError(
      `invalid log_level "${req.logLevel}": expected debug, info, warn or error`,
    );
  return {
    log: any ? req.log : true,
    minLevel: rank,
    backend: any ? req.backend : true,
    frontend: any ? req.frontend : true,
  };
}

function accepts(f: WatchFilter, e: MaglevEvent): boolean {
  if (e.kind === 'log') return f.log && logLevelRank(e.level) >= f.minLevel;
  return e.kind === 'backend' ? f.backend : f.frontend;
}

/**
 * maglevd's gRPC server: the maglev.Maglev service, server reflection, and WatchEvents streams
 * fed from the event bus. Plaintext, as the Go maglevd serves.
 *
 * @public
 */
export class MaglevGrpcServer {
  readonly #opts: MaglevGrpcServerOptions;
  readonly #server = new Server();
  readonly #streams = new Set<ServerWritableStream<pb.WatchRequest, pb.Event>>();
  readonly #logger: Logger;
  #port = 0;

  /**
   * Registers the service; nothing is bound until {@link MaglevGrpcServer.start}.
   *
   * @throws Error when `opts.handlers` lacks a method of the service.
   */
  constructor(opts: MaglevGrpcServerOptions) {
    this.#opts = opts;
    this.#logger = opts.logger ?? silentLogger;
    this.#server.addService(grpcServiceDefinition(pb.Maglev), this.#implementation());
    if (opts.reflection ?? true) {
      const pkg = { 'maglev.Maglev': { fileDescriptorProtos: fileDescriptorProtos(pb.file_maglev) } };
      new ReflectionService(pkg as unknown as ConstructorParameters<typeof ReflectionService>[0]).addToServer(
        this.#server,
      );
    }
  }

  /** The bound port (useful with port 0); 0 before start. */
  get port(): number {
    return this.#port;
  }

  /**
   * Binds and serves; resolves with the port. A TCP port that cannot be bound rejects with the
   * system's error (its `code`, e.g. EADDRINUSE): grpc-js itself only says "No address added".
   */
  async start(): Promise<number> {
    await probeBind(grpcListenAddress(this.#opts.address));
    return new Promise((resolve, reject) => {
      this.#server.bindAsync(
        grpcListenAddress(this.#opts.address),
        ServerCredentials.createInsecure(),
        (err, port) => {
          if (err) reject(new Error(`gRPC listen on ${this.#opts.address}: ${err.message}`, { cause: err }));
          else {
            this.#port = port;
            resolve(port);
          }
        },
      );
    });
  }

  /** Ends every WatchEvents stream, lets calls in flight finish (at most 5 s, then forces), then stops. */
  close(): Promise<void> {
    for (const s of this.#streams) s.end();
    this.#streams.clear();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#server.forceShutdown();
        resolve();
      }, 5000);
      this.#server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  #implementation(): UntypedServiceImplementation {
    const h = this.#opts.handlers;
    const impl: UntypedServiceImplementation = {};
    for (const method of pb.Maglev.methods) {
      if (method.methodKind === 'server_streaming') continue;
      const fn = (h as unknown as Record<string, (req: unknown) => Awaitable<unknown>>)[method.localName];
      if (typeof fn !== 'function') throw new Error(`handler ${method.localName} missing`);
      impl[method.name] = (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
        const started = performance.now();
        Promise.resolve()
          .then(() => fn.call(h, call.request))
          .then(
            (reply) => {
              callback(null, reply);
              this.#observe(method.name, 'unary', status.OK, started, 1);
            },
            (err: unknown) => {
              const code = grpcStatusOf(err);
              const message = err instanceof Error ? err.message : String(err);
              if (code === status.INTERNAL)
                this.#logger.error('grpc-error', { method: method.name, err: message });
              callback({ code, details: message });
              this.#observe(method.name, 'unary', code, started, 0);
            },
          );
      };
    }
    impl.WatchEvents = (call: ServerWritableStream<pb.WatchRequest, pb.Event>) => this.#watch(call);
    return impl;
  }

  #observe(
    method: string,
    type: 'unary' | 'server_stream',
    code: status,
    started: number,
    sent: number,
  ): void {
    this.#opts.onCall?.({
      method,
      type,
      code,
      seconds: (performance.now() - started) / 1000,
      received: 1,
      sent,
    });
  }

  #watch(call: ServerWritableStream<pb.WatchRequest, pb.Event>): void {
    const started = performance.now();
    let filter: WatchFilter;
    try {
      filter = watchFilter(call.request);
    } catch (e) {
      call.emit('error', { code: status.INVALID_ARGUMENT, details: (e as Error).message });
      this.#observe('WatchEvents', 'server_stream', status.INVALID_ARGUMENT, started, 0);
      return;
    }
    const max = this.#opts.maxQueuedEvents ?? 4096;
    const queue: pb.Event[] = [];
    let writable = true;
    let sent = 0;
    let finished = false;
    const flush = () => {
      while (writable && queue.length > 0) {
        writable = call.write(queue.shift() as pb.Event);
        sent++;
      }
    };
    const send = (e: pb.Event) => {
      if (finished) return;
      if (queue.length >= max) {
        finish(status.RESOURCE_EXHAUSTED);
        call.emit('error', {
          code: status.RESOURCE_EXHAUSTED,
          details: `client too slow: ${max} events queued`,
        });
        return;
      }
      queue.push(e);
      flush();
    };
    call.on('drain', () => {
      writable = true;
      flush();
    });
    const unsubscribe = this.#opts.events.bus.subscribe(
      (e) => {
        if (accepts(filter, e)) send(eventToProto(e));
      },
      { wantsLogs: filter.log },
    );
    const finish = (code: status) => {
      if (finished) return;
      finished = true;
      unsubscribe();
      this.#streams.delete(call);
      this.#observe('WatchEvents', 'server_stream', code, started, sent);
    };
    this.#streams.add(call);
    call.on('cancelled', () => finish(status.CANCELLED));
    call.on('close', () => finish(status.OK));
    call.on('error', () => finish(status.UNKNOWN));
    if (filter.frontend) {
      const now = Date.now();
      for (const [frontend, state] of this.#opts.events.frontendStates()) {
        send(eventToProto({ kind: 'frontend', frontend, from: state, to: state, at: now }));
      }
    }
  }
}
