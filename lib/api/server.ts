import { chmod, lstat, unlink } from 'node:fs/promises';
import { createConnection, createServer as createNetServer, isIP } from 'node:net';
import { dirname } from 'node:path';
import { create } from '@bufbuild/protobuf';
import {
  experimental,
  type Metadata,
  Server,
  ServerCredentials,
  ServerInterceptingCall,
  type ServerInterceptor,
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
import { ListenAddressError, parseListenAddress } from '../util/listen-address.js';
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
import { type GrpcCaller, type GrpcServerTls, grpcCallPermitted, peerIdentities } from './tls.js';

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
  /**
   * Listen address(es): "host:port", ":port" (all interfaces), "unix:///path" or "unix:/path";
   * a list, or one string with commas, binds each.
   */
  readonly address: string | readonly string[];
  /**
   * TLS of every TCP listener (unix sockets stay plaintext: their file permissions guard them);
   * absent: plaintext, as the Go maglevd serves.
   */
  readonly tls?: GrpcServerTls;
  /**
   * Certificate identities allowed to change things (see {@link grpcCallPermitted}); every
   * other verified client is read-only. Needs `tls` with a client CA. Absent: everyone admitted
   * may do everything.
   */
  readonly admins?: readonly string[];
  /** Mode of unix sockets, set once bound; default 0o660 (owner and group). */
  readonly unixSocketMode?: number;
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
 * One gRPC listener: a TCP address (Go notation, as given) or a unix socket path.
 *
 * @public
 */
export type GrpcListenTarget =
  | { readonly kind: 'tcp'; readonly address: string }
  | { readonly kind: 'unix'; readonly path: string };

/**
 * Parses `--grpc-addr`: addresses separated by commas (or given as a list), each "host:port",
 * ":port", "[v6]:port", "unix:///abs/path" or "unix:path". Empty entries are skipped. Pure.
 *
 * @throws {@link ListenAddressError} naming the address and what is wrong with it.
 * @public
 */
export function parseGrpcListenTargets(addresses: string | readonly string[]): GrpcListenTarget[] {
  const list = typeof addresses === 'string' ? addresses.split(',') : addresses;
  const out: GrpcListenTarget[] = [];
  for (const raw of list) {
    const a = raw.trim();
    if (a === '') continue;
    if (a.startsWith('unix:')) {
      let path = a.slice('unix:'.length);
      if (path.startsWith('//')) {
        // unix:///abs/path: an empty authority, then the absolute path.
        path = path.slice(2);
        if (!path.startsWith('/'))
          throw new ListenAddressError(a, 'expected unix:///absolute/path or unix:path (no host part)');
      }
      if (path === '' || path.endsWith('/')) throw new ListenAddressError(a, 'expected a socket file path');
      out.push({ kind: 'unix', path });
      continue;
    }
    parseListenAddress(a);
    out.push({ kind: 'tcp', address: a });
  }
  return out;
}

/**
 * Whether a listen address can be reached from other hosts: a unix socket never; a TCP address
 * unless it is a loopback address (127.0.0.0/8, ::1, ::ffff:127.x.y.z) or "localhost". All
 * interfaces (":9090", "0.0.0.0", "::") and host names are exposed. Pure.
 *
 * @throws {@link ListenAddressError} for a malformed address.
 * @public
 */
export function isExposedListenAddress(addr: string): boolean {
  if (addr.trim().startsWith('unix:')) return false;
  const { host } = parseListenAddress(addr);
  if (host === undefined) return true;
  const h = host.toLowerCase();
  if (h === 'localhost') return false;
  if (isIP(h) === 4) return !h.startsWith('127.');
  if (isIP(h) === 6) return !(h === '::1' || h.startsWith('::ffff:127.'));
  return true;
}

/**
 * A bound listener, as {@link MaglevGrpcServer.listeners} reports it.
 *
 * @public
 */
export interface GrpcBoundListener {
  /** The address as given ("127.0.0.1:0", "unix:///run/vpp-maglev/maglevd.sock"). */
  readonly address: string;
  /** The bound TCP port; 0 for a unix socket. */
  readonly port: number;
  /** The socket file of a unix listener. */
  readonly path?: string;
  /** Whether it speaks TLS. */
  readonly tls: boolean;
}

/** What the access check reads of a call (unary or streaming). */
type CallContext = Pick<ServerUnaryCall<unknown, unknown>, 'metadata' | 'getAuthContext' | 'getPeer'>;

/**
 * One listener of {@link MaglevGrpcServer} could not be bound: `address` names it (as given, or
 * "unix:/path"), `cause` is the system's error (its `code`, e.g. EADDRINUSE) or the socket file's
 * problem ("/run/x.sock exists and is not a socket", "another process listens on this socket").
 *
 * @public
 */
export class GrpcListenError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'GRPC_LISTEN' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'GrpcListenError';
  constructor(
    /** The listener that failed. */
    readonly address: string,
    cause: unknown,
  ) {
    super(`gRPC listen ${address}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** Metadata of calls that came over a unix socket: marked by that listener's interceptor. */
const localCalls = new WeakSet<Metadata>();

/** Marks each call of a unix listener as local; a client cannot forge this (no header involved). */
const markLocal: ServerInterceptor = (_method, call) =>
  new ServerInterceptingCall(call, {
    start: (next) =>
      next({
        onReceiveMetadata: (metadata, pass) => {
          localCalls.add(metadata);
          pass(metadata);
        },
      }),
  });

/**
 * Makes way for a unix socket: a socket file nobody listens on (left by a crash) is removed; a
 * live one, or a file that is not a socket, is an error naming it. The directory must exist.
 */
async function prepareUnixSocket(path: string): Promise<void> {
  let st: Awaited<ReturnType<typeof lstat>>;
  try {
    st = await lstat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    try {
      await lstat(dirname(path));
    } catch {
      throw new Error(`directory ${dirname(path)} does not exist`);
    }
    return;
  }
  if (!st.isSocket()) throw new Error(`${path} exists and is not a socket`);
  const live = await new Promise<boolean>((resolve) => {
    const c = createConnection(path);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
  if (live) throw new Error(`${path}: another process listens on this socket`);
  await unlink(path);
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
 * fed from the event bus. Plaintext, as the Go maglevd serves, unless `tls` is given; with
 * `admins`, calls that change things are refused (PERMISSION_DENIED, logged WARN
 * `grpc-permission-denied`) to verified clients that are not admins.
 *
 * @public
 */
export class MaglevGrpcServer {
  readonly #opts: MaglevGrpcServerOptions;
  readonly #server = new Server();
  readonly #streams = new Set<ServerWritableStream<pb.WatchRequest, pb.Event>>();
  readonly #logger: Logger;
  readonly #admins: ReadonlySet<string> | undefined;
  readonly #listeners: GrpcBoundListener[] = [];
  #port = 0;

  /**
   * Registers the service; nothing is bound until {@link MaglevGrpcServer.start}.
   *
   * @throws Error when `opts.handlers` lacks a method of the service, or `admins` is given
   *   without TLS requiring client certificates.
   */
  constructor(opts: MaglevGrpcServerOptions) {
    this.#opts = opts;
    this.#logger = opts.logger ?? silentLogger;
    if (opts.admins !== undefined && !opts.tls?.requireClientCertificate)
      throw new Error('admin identities need TLS with a client CA: without it no client has an identity');
    this.#admins = opts.admins === undefined ? undefined : new Set(opts.admins);
    this.#server.addService(grpcServiceDefinition(pb.Maglev), this.#implementation());
    if (opts.reflection ?? true) {
      const pkg = { 'maglev.Maglev': { fileDescriptorProtos: fileDescriptorProtos(pb.file_maglev) } };
      new ReflectionService(pkg as unknown as ConstructorParameters<typeof ReflectionService>[0]).addToServer(
        this.#server,
      );
    }
  }

  /** The first bound TCP port (useful with port 0); 0 before start or with unix sockets only. */
  get port(): number {
    return this.#port;
  }

  /** Every bound listener, in the order given; empty before start. */
  get listeners(): readonly GrpcBoundListener[] {
    return this.#listeners;
  }

  /**
   * Binds every listener and serves; resolves with the first TCP port (0 when there is none).
   * A TCP port that cannot be bound rejects with the system's error (its `code`, e.g.
   * EADDRINUSE): grpc-js itself only says "No address added". A unix socket file left by a
   * process that is gone is replaced; one another process listens on is an error.
   */
  async start(): Promise<number> {
    const targets = parseGrpcListenTargets(this.#opts.address);
    if (targets.length === 0) throw new ListenAddressError(String(this.#opts.address), 'no address');
    for (const t of targets) {
      const given = t.kind === 'tcp' ? t.address : `unix:${t.path}`;
      try {
        await this.#listen(t);
      } catch (e) {
        if (e instanceof ListenAddressError) throw e;
        throw new GrpcListenError(given, e);
      }
    }
    return this.#port;
  }

  async #listen(t: GrpcListenTarget): Promise<void> {
    if (t.kind === 'tcp') {
      const address = grpcListenAddress(t.address);
      await probeBind(address);
      const port = await this.#bind(
        address,
        this.#opts.tls?.credentials ?? ServerCredentials.createInsecure(),
      );
      if (this.#port === 0) this.#port = port;
      this.#listeners.push({ address: t.address, port, tls: this.#opts.tls !== undefined });
      return;
    }
    const given = `unix:${t.path}`;
    await prepareUnixSocket(t.path);
    const local = experimental.createServerCredentialsWithInterceptors(ServerCredentials.createInsecure(), [
      markLocal,
    ]);
    await this.#bind(given, local);
    // Bound with the process's umask; narrowed at once to owner and group (the socket's
    // directory, /run/vpp-maglev, is the first guard).
    await chmod(t.path, this.#opts.unixSocketMode ?? 0o660);
    this.#listeners.push({ address: given, port: 0, path: t.path, tls: false });
  }

  #bind(address: string, credentials: ServerCredentials): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.bindAsync(address, credentials, (err, port) => (err ? reject(err) : resolve(port)));
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
        const denied = this.#refusal(call, method.name, call.request);
        if (denied !== null) {
          callback({ code: status.PERMISSION_DENIED, details: denied });
          this.#observe(method.name, 'unary', status.PERMISSION_DENIED, started, 0);
          return;
        }
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

  /** Who made the call: local (unix socket) or the identities of its client certificate. */
  #caller(call: CallContext): GrpcCaller {
    if (localCalls.has(call.metadata)) return { local: true, identities: [] };
    const cert = call.getAuthContext().sslPeerCertificate;
    return { local: false, identities: cert ? peerIdentities(cert) : [] };
  }

  /** null when the caller may make the call; else the PERMISSION_DENIED message (and a WARN). */
  #refusal(call: CallContext, method: string, request: unknown): string | null {
    if (this.#admins === undefined) return null;
    const caller = this.#caller(call);
    if (grpcCallPermitted(this.#admins, caller, method, request)) return null;
    const identity = caller.identities[0] ?? '(no client certificate)';
    this.#logger.warn('grpc-permission-denied', { method, identity, peer: call.getPeer() });
    return `permission denied: ${identity} is read-only and may not call ${method} (only previews and reads; ask for an admin certificate)`;
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
    const denied = this.#refusal(call, 'WatchEvents', call.request);
    if (denied !== null) {
      call.emit('error', { code: status.PERMISSION_DENIED, details: denied });
      this.#observe('WatchEvents', 'server_stream', status.PERMISSION_DENIED, started, 0);
      return;
    }
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
