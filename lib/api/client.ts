import { create, type DescMessage, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import {
  type Client,
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
  override readonly name = 'MaglevCallError';
  constructor(
    readonly method: string,
    readonly code: status,
    readonly details: string,
  ) {
    super(details || `${method}: ${status[code] ?? code}`);
  }
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
      const deadline = new Date(Date.now() + (opts.timeoutMs ?? this.#timeoutMs));
      const onAbort = () => call.cancel();
      const call = fn.call(this.#client, create(schema, init), new Metadata(), { deadline }, (err, res) => {
        opts.signal?.removeEventListener('abort', onAbort);
        if (err) reject(new MaglevCallError(method, err.code, err.details));
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
      throw new MaglevCallError('WatchEvents', err.code ?? status.UNKNOWN, err.details ?? String(e));
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
