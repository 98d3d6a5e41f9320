import {
  create,
  type DescMessage,
  type DescMethod,
  type MessageInitShape,
  type MessageShape,
} from '@bufbuild/protobuf';
import {
  type ChannelCredentials,
  type Client,
  connectivityState,
  credentials,
  Metadata,
  makeGenericClientConstructor,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import type {
  BackendInfo,
  CheckConfigResponse,
  FrontendInfo,
  HealthCheckInfo,
  ListBackendsResponse,
  ListFrontendsResponse,
  ListHealthChecksResponse,
  Maglev,
  PlanConfigResponse,
  Event as ProtoEvent,
  ReloadConfigResponse,
  SyncVPPLBStateResponse,
  VPPInfo,
  VPPLBCounters,
  VPPLBState,
  WatchRequestSchema,
} from './gen/maglev_pb.js';
import * as pb from './gen/maglev_pb.js';
import { grpcServiceDefinition } from './grpc-service.js';

const MaglevGenericClient = makeGenericClientConstructor(grpcServiceDefinition(pb.Maglev), 'maglev.Maglev');

/**
 * A failed call: the gRPC code and maglevd's message, without grpc-js's "N CODE:" prefix.
 *
 * @public
 */
export class MaglevCallError extends Error {
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name: string = 'MaglevCallError';
  constructor(
    /** The gRPC method, e.g. "PauseBackend". */
    readonly method: string,
    /** The gRPC status code. */
    readonly code: status,
    /** maglevd's error message (grpc-js's status details). */
    readonly details: string,
  ) {
    super(details || `${method}: ${status[code] ?? code}`);
  }
}

/**
 * A call that never reached maglevd: nothing listens at the address, the name does not resolve,
 * the peer is not a gRPC server, or no connection came up before the deadline. `reason` is short
 * and lower case (`connection refused`); `details` keeps grpc-js's own text for debugging.
 *
 * @public
 */
export class MaglevUnreachableError extends MaglevCallError {
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'MaglevUnreachableError';
  constructor(
    method: string,
    code: status,
    details: string,
    /** The address the client dials, as given to {@link MaglevClient}. */
    readonly address: string,
    /** Why no connection came up, e.g. "connection refused", "no connection within 10s". */
    readonly reason: string,
  ) {
    super(method, code, details);
    this.message = `cannot reach maglevd at ${address}: ${reason}`;
  }
}

// Socket errors as a person says them; the codes are those of Node's net module and getaddrinfo.
const SOCKET_ERRORS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bECONNREFUSED\b/, 'connection refused'],
  [/\bECONNRESET\b/, 'connection reset'],
  [/\bETIMEDOUT\b/, 'connection timed out'],
  [/\bEHOSTUNREACH\b/, 'no route to host'],
  [/\bENETUNREACH\b/, 'network is unreachable'],
  [/\bEADDRNOTAVAIL\b/, 'address not available'],
  [/\bENOENT\b/, 'no such socket'],
  [/\bEACCES\b/, 'permission denied'],
  [/\b(ENOTFOUND|EAI_AGAIN|EAI_NONAME)\b|Name resolution failed/, 'cannot resolve the host name'],
  // grpc-js's words for a peer that accepted TCP but closed it or spoke no HTTP/2 (not a gRPC
  // server), and for a connection lost while the call was in flight.
  [/Failed to connect|protocol error/i, 'the connection closed before the gRPC handshake'],
  [/Connection dropped/i, 'connection lost'],
];

// TLS handshake failures as an operator says them: Node's certificate verification errors and
// the TLS alerts OpenSSL reports when the server refused the client.
const TLS_ERRORS: ReadonlyArray<readonly [RegExp, (m: RegExpExecArray) => string]> = [
  [
    /Host: (.*?)\. is not in the cert's altnames: (.*?)(?:\. Resolution note|$)/,
    (m) => `TLS: maglevd's certificate is not valid for "${m[1]}" (it names ${m[2]})`,
  ],
  [
    /IP: (.*?) is not in the cert's list: (.*?)(?:\. Resolution note|$)/,
    (m) => `TLS: maglevd's certificate is not valid for "${m[1]}" (it names IP ${m[2]})`,
  ],
  [/ERR_TLS_CERT_ALTNAME_INVALID/, () => "TLS: maglevd's certificate is not valid for the name dialled"],
  [
    /unable to verify the first certificate|unable to get (?:local )?issuer certificate|self[- ]signed certificate|certificate signature failure/i,
    () => "TLS: maglevd's certificate is not signed by a CA this client trusts",
  ],
  [/certificate has expired/i, () => "TLS: maglevd's certificate has expired"],
  [/certificate is not yet valid/i, () => "TLS: maglevd's certificate is not yet valid"],
  [/alert certificate required/i, () => 'TLS: maglevd requires a client certificate'],
  [/alert certificate expired/i, () => "TLS: maglevd refused this client's certificate: it has expired"],
  [
    /alert (?:unknown ca|bad certificate|certificate unknown|access denied|unsupported certificate|decrypt error)/i,
    () => "TLS: maglevd refused this client's certificate",
  ],
  [
    /wrong version number|packet length too long|http request|unknown protocol/i,
    () => 'TLS: maglevd does not speak TLS at this address',
  ],
  [
    /no application protocol|alert no_application_protocol/i,
    () => 'TLS: the server does not offer HTTP/2 (not a gRPC server)',
  ],
  [/SSL routines:[^:]*:([^:]+):/, (m) => `TLS handshake failed: ${m[1]}`],
];

/**
 * The reason a call that never got a connection failed, from grpc-js's status text, which
 * carries the socket error (`No connection established. Last error: Error: connect
 * ECONNREFUSED 127.0.0.1:9090. Resolution note: `). On a TLS channel, handshake failures are
 * named, and a connection closed before gRPC started is most likely a refused client
 * certificate (TLS 1.3 clients finish their side of the handshake before the server checks it).
 */
function unreachableReason(code: status, details: string, timeoutMs: number, tls: boolean): string {
  if (code === status.DEADLINE_EXCEEDED) return `no connection within ${timeoutMs / 1000}s`;
  for (const [re, say] of TLS_ERRORS) {
    const m = re.exec(details);
    if (m) return say(m);
  }
  if (tls && /\bECONNRESET\b|Failed to connect|protocol error/i.test(details))
    return "the connection closed during the TLS handshake (maglevd may have refused this client's certificate, or requires one)";
  for (const [re, reason] of SOCKET_ERRORS) if (re.test(details)) return reason;
  const last = /Last error: (?:Error: )?(.*?)\.? Resolution note/.exec(details)?.[1];
  return last || details || 'no connection';
}

/**
 * TLS towards maglevd: the PEM contents, not file names (the binaries read the files).
 *
 * @public
 */
export interface MaglevClientTls {
  /** CA certificates that sign maglevd's certificate; default the system's trusted roots. */
  readonly ca?: Buffer | string;
  /** This client's certificate chain, for a maglevd that requires client certificates. */
  readonly cert?: Buffer | string;
  /** The private key of `cert`. */
  readonly key?: Buffer | string;
  /**
   * The name maglevd's certificate must carry; default the host of the address. Set it when
   * dialling an IP address or a unix socket whose certificate names a host.
   */
  readonly serverName?: string;
}

/**
 * Options of {@link MaglevClient}.
 *
 * @public
 */
export interface MaglevClientOptions {
  /** Deadline of unary calls in milliseconds; default 10 s. */
  readonly timeoutMs?: number;
  /** Dial maglevd over TLS; without it the channel is plaintext. */
  readonly tls?: MaglevClientTls;
}

/**
 * Per-call options of {@link MaglevClient}'s unary methods.
 *
 * @public
 */
export interface CallOptions {
  /** Deadline of this call in milliseconds; default the client's `timeoutMs`. */
  readonly timeoutMs?: number;
  /** Cancels the call; it then rejects with MaglevCallError code CANCELLED. */
  readonly signal?: AbortSignal;
}

/**
 * The methods of the maglev.Maglev service descriptor by camelCase name, each with its kind and
 * its request and reply schemas.
 *
 * @public
 */
export type MaglevMethods = (typeof Maglev)['method'];

/**
 * The unary RPCs of the maglev.Maglev service, by their camelCase names, as the service
 * descriptor declares them (so a new RPC in maglev.proto appears here without a hand-written
 * wrapper).
 *
 * @public
 */
export type MaglevUnaryMethod = {
  [K in keyof MaglevMethods]: MaglevMethods[K]['methodKind'] extends 'unary' ? K : never;
}[keyof MaglevMethods];

/**
 * The request of unary RPC `M`, as an init object (every field optional).
 *
 * @public
 */
export type MaglevRequest<M extends MaglevUnaryMethod> = MessageInitShape<MaglevMethods[M]['input']>;

/**
 * The reply message of unary RPC `M`.
 *
 * @public
 */
export type MaglevReply<M extends MaglevUnaryMethod> = MessageShape<MaglevMethods[M]['output']>;

type UnaryFn = (
  req: unknown,
  meta: Metadata,
  opts: { deadline: Date },
  cb: (err: ServiceError | null, res: unknown) => void,
) => { cancel(): void };

function text(v: Buffer | string | undefined): Buffer | null {
  return v === undefined ? null : Buffer.isBuffer(v) ? v : Buffer.from(v);
}

function channelCredentials(tls: MaglevClientTls | undefined): ChannelCredentials {
  if (tls === undefined) return credentials.createInsecure();
  return credentials.createSsl(text(tls.ca), text(tls.key), text(tls.cert));
}

/**
 * The typed client of maglevd's gRPC API, used by maglevc and maglevd-frontend. Plaintext unless
 * {@link MaglevClientOptions.tls} is given.
 *
 * {@link MaglevClient.call} reaches every unary RPC, typed from the service descriptor; the
 * named methods are shorthands for the common calls. Every unary call resolves with maglevd's
 * reply message and rejects with {@link MaglevCallError} carrying maglevd's gRPC code (NOT_FOUND
 * for an unknown name, INVALID_ARGUMENT, FAILED_PRECONDITION, PERMISSION_DENIED for a read-only
 * client, UNAVAILABLE when VPP is not connected), or with {@link MaglevUnreachableError} when
 * the call never reached maglevd.
 *
 * @public
 */
export class MaglevClient {
  /** The address dialled: "host:port", "[v6]:port" or "unix:/path". */
  readonly address: string;
  readonly #client: Client;
  readonly #timeoutMs: number;
  readonly #tls: boolean;

  /**
   * Creates the channel; it connects lazily, on the first call.
   *
   * @param address - gRPC target: "host:port", "[v6]:port" or "unix:/path".
   */
  constructor(address: string, opts: MaglevClientOptions = {}) {
    this.address = address;
    const serverName = opts.tls?.serverName;
    const channelOptions =
      serverName === undefined
        ? {}
        : { 'grpc.ssl_target_name_override': serverName, 'grpc.default_authority': serverName };
    this.#client = new MaglevGenericClient(address, channelCredentials(opts.tls), channelOptions);
    this.#timeoutMs = opts.timeoutMs ?? 10_000;
    this.#tls = opts.tls !== undefined;
  }

  /**
   * A failed call as MaglevCallError, or MaglevUnreachableError when it never reached maglevd.
   * maglevd itself answers UNAVAILABLE too (VPP not connected), so the code alone cannot tell;
   * the channel's state can: a call maglevd answered leaves it READY.
   */
  #callError(method: string, code: status, details: string, timeoutMs: number): MaglevCallError {
    const unreached =
      (code === status.UNAVAILABLE || code === status.DEADLINE_EXCEEDED) &&
      this.#client.getChannel().getConnectivityState(false) !== connectivityState.READY;
    return unreached
      ? new MaglevUnreachableError(
          method,
          code,
          details,
          this.address,
          unreachableReason(code, details, timeoutMs, this.#tls),
        )
      : new MaglevCallError(method, code, details);
  }

  /**
   * Calls unary RPC `method` (camelCase, e.g. `"getFrontend"`) with `req`; the request and
   * reply types come from the service descriptor.
   */
  call<M extends MaglevUnaryMethod>(
    method: M,
    req: MaglevRequest<M>,
    opts: CallOptions = {},
  ): Promise<MaglevReply<M>> {
    const desc: DescMethod = pb.Maglev.method[method];
    const rpc = desc.name;
    const fn = (this.#client as unknown as Record<string, UnaryFn>)[rpc] as UnaryFn;
    return new Promise((resolve, reject) => {
      if (opts.signal?.aborted) {
        reject(new MaglevCallError(rpc, status.CANCELLED, 'cancelled'));
        return;
      }
      const timeoutMs = opts.timeoutMs ?? this.#timeoutMs;
      const deadline = new Date(Date.now() + timeoutMs);
      const onAbort = () => call.cancel();
      const request = create(desc.input, req as MessageInitShape<DescMessage>);
      const call = fn.call(this.#client, request, new Metadata(), { deadline }, (err, res) => {
        opts.signal?.removeEventListener('abort', onAbort);
        if (err) reject(this.#callError(rpc, err.code, err.details, timeoutMs));
        else resolve(res as MaglevReply<M>);
      });
      opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Every frontend with its state, VIP and pools (ListFrontends). */
  listFrontends(o?: CallOptions): Promise<ListFrontendsResponse> {
    return this.call('listFrontends', {}, o);
  }
  /** One frontend by name (GetFrontend); NOT_FOUND when there is none. */
  getFrontend(name: string, o?: CallOptions): Promise<FrontendInfo> {
    return this.call('getFrontend', { name }, o);
  }
  /** Every backend with its health state and counters (ListBackends). */
  listBackends(o?: CallOptions): Promise<ListBackendsResponse> {
    return this.call('listBackends', {}, o);
  }
  /** One backend by name (GetBackend); NOT_FOUND when there is none. */
  getBackend(name: string, o?: CallOptions): Promise<BackendInfo> {
    return this.call('getBackend', { name }, o);
  }
  /** Pauses a backend's health checks; its weight goes to 0 without flush. Resolves with the backend after the change. */
  pauseBackend(name: string, o?: CallOptions): Promise<BackendInfo> {
    return this.call('pauseBackend', { name }, o);
  }
  /** Resumes a paused backend: it restarts from unknown. Resolves with the backend after the change. */
  resumeBackend(name: string, o?: CallOptions): Promise<BackendInfo> {
    return this.call('resumeBackend', { name }, o);
  }
  /** Enables a disabled backend: it restarts from unknown. Resolves with the backend after the change. */
  enableBackend(name: string, o?: CallOptions): Promise<BackendInfo> {
    return this.call('enableBackend', { name }, o);
  }
  /** Disables a backend: weight 0 with flush, checks stopped. Resolves with the backend after the change. */
  disableBackend(name: string, o?: CallOptions): Promise<BackendInfo> {
    return this.call('disableBackend', { name }, o);
  }
  /**
   * A dry-run pause, resume, enable or disable: the backend as it is, with `preview` set to
   * what the action would do. `assumeUp` previews a backend the action leaves unknown as up.
   */
  previewBackendAction(
    action: 'pause' | 'resume' | 'enable' | 'disable',
    name: string,
    opts: { readonly assumeUp?: boolean } = {},
    o?: CallOptions,
  ): Promise<BackendInfo> {
    const method = (
      {
        pause: 'pauseBackend',
        resume: 'resumeBackend',
        enable: 'enableBackend',
        disable: 'disableBackend',
      } as const
    )[action];
    return this.call(method, { name, dryRun: true, assumeUp: opts.assumeUp === true }, o);
  }
  /** Every health check of the config (ListHealthChecks). */
  listHealthChecks(o?: CallOptions): Promise<ListHealthChecksResponse> {
    return this.call('listHealthChecks', {}, o);
  }
  /** One health check by name (GetHealthCheck); NOT_FOUND when there is none. */
  getHealthCheck(name: string, o?: CallOptions): Promise<HealthCheckInfo> {
    return this.call('getHealthCheck', { name }, o);
  }
  /**
   * Overrides a pool member's weight (0-100) at runtime, or previews it with `dryRun`; resolves
   * with the frontend after the change. INVALID_ARGUMENT for a weight out of range, NOT_FOUND
   * for an unknown frontend, pool or backend.
   */
  setFrontendPoolBackendWeight(
    req: MaglevRequest<'setFrontendPoolBackendWeight'>,
    o?: CallOptions,
  ): Promise<FrontendInfo> {
    return this.call('setFrontendPoolBackendWeight', req, o);
  }
  /** Parses and validates maglevd's config file without applying it (CheckConfig). */
  checkConfig(o?: CallOptions): Promise<CheckConfigResponse> {
    return this.call('checkConfig', {}, o);
  }
  /** Reloads maglevd's config file and applies it, as SIGHUP does (ReloadConfig). */
  reloadConfig(o?: CallOptions): Promise<ReloadConfigResponse> {
    return this.call('reloadConfig', {}, o);
  }
  /**
   * Previews a configuration (a file maglevd reads, the text of one, or neither: maglevd's own
   * file) against what runs now; changes nothing.
   */
  planConfig(req: MaglevRequest<'planConfig'> = {}, o?: CallOptions): Promise<PlanConfigResponse> {
    return this.call('planConfig', req, o);
  }
  /** VPP's version, connection state and uptime as maglevd sees them (GetVPPInfo). */
  getVPPInfo(o?: CallOptions): Promise<VPPInfo> {
    return this.call('getVPPInfo', {}, o);
  }
  /** The lb state read back from VPP: conf, VIPs and ASes (GetVPPLBState); UNAVAILABLE without VPP. */
  getVPPLBState(o?: CallOptions): Promise<VPPLBState> {
    return this.call('getVPPLBState', {}, o);
  }
  /** Syncs all of VPP, or only the VIP of the frontend named (`frontend_name` on the wire). */
  syncVPPLBState(frontend = '', o?: CallOptions): Promise<SyncVPPLBStateResponse> {
    return this.call('syncVPPLBState', { frontendName: frontend }, o);
  }
  /** A dry-run sync: zero counts, with `preview` set to what the sync would repair. */
  previewSyncVPPLBState(frontend = '', o?: CallOptions): Promise<SyncVPPLBStateResponse> {
    return this.call('syncVPPLBState', { frontendName: frontend, dryRun: true }, o);
  }
  /** Per-VIP packet counters from VPP's stats segment (GetVPPLBCounters). */
  getVPPLBCounters(o?: CallOptions): Promise<VPPLBCounters> {
    return this.call('getVPPLBCounters', {}, o);
  }

  /**
   * WatchEvents as an async iterator. It ends when the server ends the stream or the signal
   * aborts; a failed stream throws MaglevCallError (or MaglevUnreachableError).
   *
   * @param req - Which events to receive (log level, frontends, backends); see WatchRequest.
   * @param signal - Ends the iteration without an error when aborted.
   */
  async *watchEvents(
    req: MessageInitShape<typeof WatchRequestSchema>,
    signal?: AbortSignal,
  ): AsyncGenerator<ProtoEvent> {
    const fn = (
      this.#client as unknown as Record<string, (r: unknown) => NodeJS.ReadableStream & { cancel(): void }>
    ).WatchEvents as (r: unknown) => NodeJS.ReadableStream & { cancel(): void };
    const stream = fn.call(this.#client, create(pb.WatchRequestSchema, req));
    const onAbort = () => stream.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const ev of stream) yield ev as unknown as ProtoEvent;
    } catch (e) {
      const err = e as Partial<ServiceError>;
      if (err.code === status.CANCELLED && signal?.aborted) return;
      throw this.#callError(
        'WatchEvents',
        err.code ?? status.UNKNOWN,
        err.details ?? String(e),
        this.#timeoutMs,
      );
    } finally {
      signal?.removeEventListener('abort', onAbort);
      stream.cancel();
    }
  }

  /**
   * Resolves once the channel is connected, or rejects with grpc-js's error after `timeoutMs`
   * milliseconds.
   */
  waitForReady(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#client.waitForReady(Date.now() + timeoutMs, (err) => (err ? reject(err) : resolve()));
    });
  }

  /** Closes the channel; calls in flight fail and later calls reject. */
  close(): void {
    this.#client.close();
  }
}
