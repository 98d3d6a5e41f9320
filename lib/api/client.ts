import { create, type DescMessage, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import {
  type Client,
  connectivityState,
  credentials,
  Metadata,
  makeGenericClientConstructor,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import * as pb from './gen/maglev_pb.js';
import { grpcServiceDefinition } from './grpc-service.js';

const MaglevGenericClient = makeGenericClientConstructor(grpcServiceDefinition(pb.Maglev), 'maglev.Maglev');

/** A failed call: the gRPC code and maglevd's message, without grpc-js's "N CODE:" prefix. */
export class MaglevCallError extends Error {
  override readonly name: string = 'MaglevCallError';
  constructor(
    readonly method: string,
    readonly code: status,
    readonly details: string,
  ) {
    super(details || `${method}: ${status[code] ?? code}`);
  }
}

/**
 * A call that never reached maglevd: nothing listens at the address, the name does not resolve,
 * the peer is not a gRPC server, or no connection came up before the deadline. `reason` is short
 * and lower case (`connection refused`); `details` keeps grpc-js's own text for debugging.
 */
export class MaglevUnreachableError extends MaglevCallError {
  override readonly name = 'MaglevUnreachableError';
  constructor(
    method: string,
    code: status,
    details: string,
    readonly address: string,
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

/**
 * The reason a call that never got a connection failed, from grpc-js's status text, which
 * carries the socket error (`No connection established. Last error: Error: connect
 * ECONNREFUSED 127.0.0.1:9090. Resolution note: `).
 */
function unreachableReason(code: status, details: string, timeoutMs: number): string {
  if (code === status.DEADLINE_EXCEEDED) return `no connection within ${timeoutMs / 1000}s`;
  for (const [re, reason] of SOCKET_ERRORS) if (re.test(details)) return reason;
  const last = /Last error: (?:Error: )?(.*?)\.? Resolution note/.exec(details)?.[1];
  return last || details || 'no connection';
}

export interface MaglevClientOptions {
  /** Deadline of unary calls in milliseconds; default 10 s. */
  readonly timeoutMs?: number;
}

export interface CallOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

type UnaryFn = (
  req: unknown,
  meta: Metadata,
  opts: { deadline: Date },
  cb: (err: ServiceError | null, res: unknown) => void,
) => { cancel(): void };

/** The typed client of maglevd's gRPC API, used by maglevc and maglevd-frontend. */
export class MaglevClient {
  readonly address: string;
  readonly #client: Client;
  readonly #timeoutMs: number;

  constructor(address: string, opts: MaglevClientOptions = {}) {
    this.address = address;
    this.#client = new MaglevGenericClient(address, credentials.createInsecure());
    this.#timeoutMs = opts.timeoutMs ?? 10_000;
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
          unreachableReason(code, details, timeoutMs),
        )
      : new MaglevCallError(method, code, details);
  }

  #unary<I extends DescMessage, O extends DescMessage>(
    method: string,
    schema: I,
    init: MessageInitShape<I>,
    opts: CallOptions = {},
  ): Promise<MessageShape<O>> {
    const fn = (this.#client as unknown as Record<string, UnaryFn>)[method] as UnaryFn;
    return new Promise((resolve, reject) => {
      if (opts.signal?.aborted) {
        reject(new MaglevCallError(method, status.CANCELLED, 'cancelled'));
        return;
      }
      const timeoutMs = opts.timeoutMs ?? this.#timeoutMs;
      const deadline = new Date(Date.now() + timeoutMs);
      const onAbort = () => call.cancel();
      const call = fn.call(this.#client, create(schema, init), new Metadata(), { deadline }, (err, res) => {
        opts.signal?.removeEventListener('abort', onAbort);
        if (err) reject(this.#callError(method, err.code, err.details, timeoutMs));
        else resolve(res as MessageShape<O>);
      });
      opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  listFrontends(o?: CallOptions) {
    return this.#unary<typeof pb.ListFrontendsRequestSchema, typeof pb.ListFrontendsResponseSchema>(
      'ListFrontends',
      pb.ListFrontendsRequestSchema,
      {},
      o,
    );
  }
  getFrontend(name: string, o?: CallOptions) {
    return this.#unary<typeof pb.GetFrontendRequestSchema, typeof pb.FrontendInfoSchema>(
      'GetFrontend',
      pb.GetFrontendRequestSchema,
      { name },
      o,
    );
  }
  listBackends(o?: CallOptions) {
    return this.#unary<typeof pb.ListBackendsRequestSchema, typeof pb.ListBackendsResponseSchema>(
      'ListBackends',
      pb.ListBackendsRequestSchema,
      {},
      o,
    );
  }
  getBackend(name: string, o?: CallOptions) {
    return this.#unary<typeof pb.GetBackendRequestSchema, typeof pb.BackendInfoSchema>(
      'GetBackend',
      pb.GetBackendRequestSchema,
      { name },
      o,
    );
  }
  pauseBackend(name: string, o?: CallOptions) {
    return this.#unary<typeof pb.BackendRequestSchema, typeof pb.BackendInfoSchema>(
      'PauseBackend',
      pb.BackendRequestSchema,
      { name },
      o,
    );
  }
  resumeBackend(name: string, o?: CallOptions) {
    return this.#unary<typeof pb.BackendRequestSchema, typeof pb.BackendInfoSchema>(
      'ResumeBackend',
      pb.BackendRequestSchema,
      { name },
      o,
    );
  }
  enableBackend(name: string, o?: CallOptions) {
    return this.#unary<typeof pb.BackendRequestSchema, typeof pb.BackendInfoSchema>(
      'EnableBackend',
      pb.BackendRequestSchema,
      { name },
      o,
    );
  }
  disableBackend(name: string, o?: CallOptions) {
    return this.#unary<typeof pb.BackendRequestSchema, typeof pb.BackendInfoSchema>(
      'DisableBackend',
      pb.BackendRequestSchema,
      { name },
      o,
    );
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
  ) {
    const method = {
      pause: 'PauseBackend',
      resume: 'ResumeBackend',
      enable: 'EnableBackend',
      disable: 'DisableBackend',
    }[action];
    return this.#unary<typeof pb.BackendRequestSchema, typeof pb.BackendInfoSchema>(
      method,
      pb.BackendRequestSchema,
      { name, dryRun: true, assumeUp: opts.assumeUp === true },
      o,
    );
  }
  listHealthChecks(o?: CallOptions) {
    return this.#unary<typeof pb.ListHealthChecksRequestSchema, typeof pb.ListHealthChecksResponseSchema>(
      'ListHealthChecks',
      pb.ListHealthChecksRequestSchema,
      {},
      o,
    );
  }
  getHealthCheck(name: string, o?: CallOptions) {
    return this.#unary<typeof pb.GetHealthCheckRequestSchema, typeof pb.HealthCheckInfoSchema>(
      'GetHealthCheck',
      pb.GetHealthCheckRequestSchema,
      { name },
      o,
    );
  }
  setFrontendPoolBackendWeight(req: MessageInitShape<typeof pb.SetWeightRequestSchema>, o?: CallOptions) {
    return this.#unary<typeof pb.SetWeightRequestSchema, typeof pb.FrontendInfoSchema>(
      'SetFrontendPoolBackendWeight',
      pb.SetWeightRequestSchema,
      req,
      o,
    );
  }
  checkConfig(o?: CallOptions) {
    return this.#unary<typeof pb.CheckConfigRequestSchema, typeof pb.CheckConfigResponseSchema>(
      'CheckConfig',
      pb.CheckConfigRequestSchema,
      {},
      o,
    );
  }
  reloadConfig(o?: CallOptions) {
    return this.#unary<typeof pb.ReloadConfigRequestSchema, typeof pb.ReloadConfigResponseSchema>(
      'ReloadConfig',
      pb.ReloadConfigRequestSchema,
      {},
      o,
    );
  }
  /**
   * Previews a configuration (a file maglevd reads, the text of one, or neither: maglevd's own
   * file) against what runs now; changes nothing.
   */
  planConfig(req: MessageInitShape<typeof pb.PlanConfigRequestSchema> = {}, o?: CallOptions) {
    return this.#unary<typeof pb.PlanConfigRequestSchema, typeof pb.PlanConfigResponseSchema>(
      'PlanConfig',
      pb.PlanConfigRequestSchema,
      req,
      o,
    );
  }
  getVPPInfo(o?: CallOptions) {
    return this.#unary<typeof pb.GetVPPInfoRequestSchema, typeof pb.VPPInfoSchema>(
      'GetVPPInfo',
      pb.GetVPPInfoRequestSchema,
      {},
      o,
    );
  }
  getVPPLBState(o?: CallOptions) {
    return this.#unary<typeof pb.GetVPPLBStateRequestSchema, typeof pb.VPPLBStateSchema>(
      'GetVPPLBState',
      pb.GetVPPLBStateRequestSchema,
      {},
      o,
    );
  }
  /** Syncs all of VPP, or only the VIP of the frontend named (`frontend_name` on the wire). */
  syncVPPLBState(frontend = '', o?: CallOptions) {
    return this.#unary<typeof pb.SyncVPPLBStateRequestSchema, typeof pb.SyncVPPLBStateResponseSchema>(
      'SyncVPPLBState',
      pb.SyncVPPLBStateRequestSchema,
      { frontendName: frontend },
      o,
    );
  }
  /** A dry-run sync: zero counts, with `preview` set to what the sync would repair. */
  previewSyncVPPLBState(frontend = '', o?: CallOptions) {
    return this.#unary<typeof pb.SyncVPPLBStateRequestSchema, typeof pb.SyncVPPLBStateResponseSchema>(
      'SyncVPPLBState',
      pb.SyncVPPLBStateRequestSchema,
      { frontendName: frontend, dryRun: true },
      o,
    );
  }
  getVPPLBCounters(o?: CallOptions) {
    return this.#unary<typeof pb.GetVPPLBCountersRequestSchema, typeof pb.VPPLBCountersSchema>(
      'GetVPPLBCounters',
      pb.GetVPPLBCountersRequestSchema,
      {},
      o,
    );
  }

  /**
   * WatchEvents as an async iterator. It ends when the server ends the stream or the signal
   * aborts; a failed stream throws MaglevCallError.
   */
  async *watchEvents(
    req: MessageInitShape<typeof pb.WatchRequestSchema>,
    signal?: AbortSignal,
  ): AsyncGenerator<pb.Event> {
    const fn = (
      this.#client as unknown as Record<string, (r: unknown) => NodeJS.ReadableStream & { cancel(): void }>
    ).WatchEvents as (r: unknown) => NodeJS.ReadableStream & { cancel(): void };
    const stream = fn.call(this.#client, create(pb.WatchRequestSchema, req));
    const onAbort = () => stream.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const ev of stream) yield ev as unknown as pb.Event;
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

  /** Resolves once the channel is connected, or rejects after timeoutMs. */
  waitForReady(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#client.waitForReady(Date.now() + timeoutMs, (err) => (err ? reject(err) : resolve()));
    });
  }

  close(): void {
    this.#client.close();
  }
}
