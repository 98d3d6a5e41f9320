/**
 * One client connection to VPP's binary API socket: the `sockclnt_create` handshake, requests
 * pipelined without limit and matched by context, dumps ended by `control_ping`, timeouts, and
 * `sockclnt_delete` on close. Single-use: reconnecting is the caller's job (a new object).
 */
import { EventEmitter } from 'node:events';
import { createConnection, type Socket } from 'node:net';
import {
  defaultVppCodec,
  FRAME_HEADER_BYTES,
  readMessageId,
  type VppCodec,
  type VppMessageCodec,
} from './codec/codec.js';
import {
  VppApiError,
  VppConnectError,
  VppDisconnectedError,
  type VppDisconnectReason,
  VppProtocolError,
  VppTimeoutError,
  VppUnsupportedMessageError,
} from './errors.js';
import { VppFrameReader } from './frame.js';
import type { VppMessageInputTypes, VppMessageTypes, VppServiceTypes } from './generated/index.js';
import type { ControlPingReply, SockclntCreateReply } from './generated/memclnt.js';

/**
 * Where a root VPP listens by default (`socksvr { default }`).
 *
 * @public
 */
export const DEFAULT_VPP_API_SOCKET = '/run/vpp/api.sock';

/** Fixed bootstrap ids: the message table arrives only in the reply to message 15. */
const SOCKCLNT_CREATE_ID = 15;
const SOCKCLNT_CREATE_REPLY_ID = 16;

/**
 * Requests answered by a single reply: what {@link VppConnection.request} takes.
 *
 * @public
 */
export type VppRequestName = Extract<
  {
    [K in keyof VppServiceTypes]: VppServiceTypes[K]['stream'] extends false ? K : never;
  }[keyof VppServiceTypes],
  keyof VppMessageTypes
>;
/**
 * Old-style dumps: a stream of details ended by the client's control_ping; what
 * {@link VppConnection.dump} takes.
 *
 * @public
 */
export type VppDumpName = Extract<
  {
    [K in keyof VppServiceTypes]: VppServiceTypes[K]['stream'] extends true ? K : never;
  }[keyof VppServiceTypes],
  keyof VppMessageTypes
>;
/**
 * The reply of a request, or the details message of a dump.
 *
 * @public
 */
export type VppReplyOf<N extends keyof VppServiceTypes> = VppMessageTypes[Extract<
  VppServiceTypes[N]['reply'],
  keyof VppMessageTypes
>];

/**
 * Options of a {@link VppConnection}. Every timeout is in milliseconds.
 *
 * @public
 */
export interface VppConnectionOptions {
  /** The unix socket of VPP's binary API. Default /run/vpp/api.sock. */
  readonly socketPath?: string;
  /** Shown by VPP's `show api clients`; at most 63 bytes. Default `vpp-api`. */
  readonly clientName?: string;
  /** Message definitions; default the generated ones. */
  readonly codec?: VppCodec;
  /** Socket connect plus handshake. Default 5000 ms. */
  readonly connectTimeoutMs?: number;
  /** Default timeout of request() and dump(). Default 10000 ms. */
  readonly requestTimeoutMs?: number;
  /** How long close() waits for `sockclnt_delete_reply`. Default 1000 ms. */
  readonly closeTimeoutMs?: number;
  /** Frame size cap; a bigger frame means the stream lost sync. Default 64 MiB. */
  readonly maxFrameBytes?: number;
  /** Called for every message sent and received, e.g. for debug logs and counters. Must not throw. */
  readonly trace?: (event: VppTraceEvent) => void;
}

/**
 * Options of one request, dump or ping.
 *
 * @public
 */
export interface VppRequestOptions {
  /**
   * Milliseconds to wait for the answer (for a dump, the whole stream); default the
   * connection's `requestTimeoutMs`.
   */
  readonly timeoutMs?: number;
  /**
   * Aborting rejects the call with the signal's reason; an answer arriving later is traced as
   * `unexpected`.
   */
  readonly signal?: AbortSignal;
}

/**
 * What `connected` reports, and what connect() resolves with.
 *
 * @public
 */
export interface VppConnectedEvent {
  /** The socket connected to. */
  readonly socketPath: string;
  /** The handle VPP assigned (`sockclnt_create_reply.index`), sent as client_index. */
  readonly clientIndex: number;
  /** Entries in VPP's message table. */
  readonly messageCount: number;
}

/**
 * What `disconnected` reports.
 *
 * @public
 */
export interface VppDisconnectedEvent {
  /**
   * `closed`: close() was called; `eof`: VPP closed the socket; `error`: socket error;
   * `protocol`: the stream lost sync.
   */
  readonly reason: VppDisconnectReason;
  /** The socket or framing error, for `error` and `protocol`. */
  readonly error?: Error;
}

/**
 * The events a {@link VppConnection} emits.
 *
 * @public
 */
export interface VppConnectionEvents {
  /** The handshake completed; emitted once, before connect() resolves. */
  connected: [VppConnectedEvent];
  /**
   * The connection ended after being connected, for whatever reason; emitted once. Pending calls
   * have failed with {@link VppDisconnectedError} by then.
   */
  disconnected: [VppDisconnectedEvent];
}

/**
 * What happened to a message: `ok`; `error` for a reply with nonzero retval; `unexpected` for a
 * message no request is waiting for (unknown id or context, or a late reply after a timeout);
 * `malformed` when it does not decode.
 *
 * @public
 */
export type VppTraceResult = 'ok' | 'error' | 'unexpected' | 'malformed';

/**
 * One message sent or received, as the `trace` option sees it.
 *
 * @public
 */
export interface VppTraceEvent {
  /** `send` for a message this client wrote, `recv` for one VPP sent. */
  readonly direction: 'send' | 'recv';
  /** The message name, or `#<id>` for an id this client has no definition for. */
  readonly name: string;
  /** The `_vl_msg_id` on the wire (VPP's id for the message). */
  readonly msgId: number;
  /** The `context` header, which pairs answers with requests; undefined when the message has none. */
  readonly context: number | undefined;
  /** The decoded message (content fields). For sends it is decoded from the bytes sent, on first access. */
  readonly message: unknown;
  /** A reply's retval; undefined for messages without one. */
  readonly retval: number | undefined;
  /** What became of the message. */
  readonly result: VppTraceResult;
  /**
   * Part of a dump: the dump request and the control_ping that follows it, each details
   * message and the control_ping_reply that ends the stream.
   */
  readonly multi: boolean;
}

class TraceEvent implements VppTraceEvent {
  private decoded: unknown;
  private done: boolean;
  constructor(
    readonly direction: 'send' | 'recv',
    readonly name: string,
    readonly msgId: number,
    readonly context: number | undefined,
    readonly retval: number | undefined,
    readonly result: VppTraceResult,
    readonly multi: boolean,
    decoded: unknown,
    private readonly codec: VppMessageCodec | undefined,
    private readonly payload: Buffer | undefined,
  ) {
    this.decoded = decoded;
    this.done = payload === undefined;
  }

  get message(): unknown {
    if (!this.done) {
      this.done = true;
      try {
        this.decoded = this.codec?.decode(this.payload!);
      } catch (e) {
        this.decoded = { error: (e as Error).message };
      }
    }
    return this.decoded;
  }
}

/**
 * The context after `c`: counts up from 1, wraps past 0xffffffff, never 0 (0 marks events).
 *
 * @public
 */
export function nextVppContext(c: number): number {
  return c >= 0xffffffff || c < 1 ? 1 : c + 1;
}

class PendingCall {
  rows: unknown[] | undefined;
  timer: NodeJS.Timeout | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  constructor(
    readonly name: string,
    readonly context: number,
    readonly replyId: number,
    readonly replyName: string,
    dump: boolean,
    readonly resolve: (v: unknown) => void,
    readonly reject: (e: unknown) => void,
  ) {
    this.rows = dump ? [] : undefined;
  }
}

/**
 * Lifecycle of a connection: single-use, it ends in `closed`.
 *
 * @public
 */
export type VppConnectionState = 'idle' | 'connecting' | 'connected' | 'closing' | 'closed';

/**
 * One client connection to VPP's binary API socket: handshake, pipelined requests matched by
 * context, dumps ended by `control_ping`, timeouts, a trace hook, and `sockclnt_delete` on close.
 * Single-use: after `disconnected`, make a new one (reconnecting with backoff is the caller's job).
 *
 * @public
 */
export class VppConnection extends EventEmitter<VppConnectionEvents> {
  /** The unix socket it connects to. */
  readonly socketPath: string;
  /** The message definitions it encodes and decodes with. */
  readonly codec: VppCodec;
  private readonly clientName: string;
  private readonly connectTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly closeTimeoutMs: number;
  private readonly trace: ((event: VppTraceEvent) => void) | undefined;
  private readonly reader: VppFrameReader;
  private socket: Socket | undefined;
  private _state: VppConnectionState = 'idle';
  private _clientIndex: number | undefined;
  private nameToId = new Map<string, number>();
  private idToCodec: (VppMessageCodec | undefined)[] = [];
  private vppTable = new Map<string, number>();
  private readonly pending = new Map<number, PendingCall>();
  private context = 0;
  private out: Buffer[] = [];
  private outBytes = 0;
  private flushTimer: NodeJS.Immediate | undefined;
  private handshake: ((payload: Buffer) => void) | undefined;
  private pingReplyId = -1;
  private closed: Promise<void> | undefined;
  private socketGone: Promise<void> = Promise.resolve();

  /** Sets the connection up; nothing happens on the socket until connect(). */
  constructor(options: VppConnectionOptions = {}) {
    super();
    this.socketPath = options.socketPath ?? DEFAULT_VPP_API_SOCKET;
    this.clientName = options.clientName ?? 'vpp-api';
    this.codec = options.codec ?? defaultVppCodec();
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 1000;
    this.trace = options.trace;
    this.reader = new VppFrameReader((p) => this.onFrame(p), {
      ...(options.maxFrameBytes !== undefined ? { maxFrameBytes: options.maxFrameBytes } : {}),
    });
  }

  /** Where in its lifecycle the connection is. */
  get state(): VppConnectionState {
    return this._state;
  }

  /** The handle from `sockclnt_create_reply`, once connected. */
  get clientIndex(): number | undefined {
    return this._clientIndex;
  }

  /** Requests and dumps awaiting their answer. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** VPP's message table: `<name>_<crc>` → id. Empty before connect(). */
  get messageTable(): ReadonlyMap<string, number> {
    return this.vppTable;
  }

  /**
   * Whether the connected VPP has this message with the CRC of our definitions, and its reply
   * (for a request). False before connect().
   */
  supports(name: string): boolean {
    return this.missing(name) === undefined;
  }

  /** The name_crc of every listed message (or its reply) that the connected VPP lacks. */
  missingMessages(names: readonly string[]): string[] {
    return names.flatMap((n) => {
      const m = this.missing(n);
      return m === undefined ? [] : [m];
    });
  }

  private missing(name: string): string | undefined {
    if (!this.codec.has(name)) return name;
    const own = this.codec.message(name);
    if (!this.nameToId.has(name)) return own.nameCrc;
    const svc = this.codec.service(name);
    if (svc && !this.nameToId.has(svc.reply)) return this.codec.message(svc.reply).nameCrc;
    return undefined;
  }

  /**
   * Connects and performs the handshake. Resolves once requests can be sent.
   *
   * @param signal - aborting rejects with the signal's reason and closes the socket
   * @throws {@link VppConnectError} when the socket cannot be opened, the handshake fails or
   *   times out (`connectTimeoutMs`), or connect() was already called
   */
  async connect(signal?: AbortSignal): Promise<VppConnectedEvent> {
    if (this._state !== 'idle')
      throw new VppConnectError(this.socketPath, `connect() on a connection that is ${this._state}`);
    signal?.throwIfAborted();
    const create = this.codec.message('sockclnt_create');
    // Encoded up front so a bad client name fails here, not inside a socket callback.
    const helloContext = this.allocContext();
    const hello = create.encodeFrame({ name: this.clientName }, SOCKCLNT_CREATE_ID, helloContext);
    this._state = 'connecting';
    const socket = createConnection(this.socketPath);
    this.socket = socket;
    this.socketGone = new Promise((resolve) => socket.once('close', () => resolve()));
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    let onError: ((e: Error) => void) | undefined;
    let onClose: (() => void) | undefined;
    try {
      const reply = await new Promise<SockclntCreateReply>((resolve, reject) => {
        const fail = (detail: string, cause?: unknown): void =>
          reject(new VppConnectError(this.socketPath, detail, cause === undefined ? undefined : { cause }));
        timer = setTimeout(
          () => fail(`no handshake within ${this.connectTimeoutMs} ms`),
          this.connectTimeoutMs,
        );
        onAbort = () => reject(signal?.reason);
        signal?.addEventListener('abort', onAbort, { once: true });
        onError = (e) => fail(e.message, e);
        onClose = () => fail('the socket closed during the handshake');
        socket.on('error', onError);
        socket.on('close', onClose);
        socket.on('data', (chunk) => this.onData(chunk));
        this.handshake = (payload) => {
          const id = readMessageId(payload);
          if (id !== SOCKCLNT_CREATE_REPLY_ID)
            return fail(`expected sockclnt_create_reply (id 16) first, got id ${id}`);
          try {
            const replyCodec = this.codec.message('sockclnt_create_reply');
            const r = replyCodec.decode(payload);
            const ok = r.response === 0;
            this.traceRecv(
              'sockclnt_create_reply',
              id,
              replyCodec.readContext(payload),
              r,
              undefined,
              ok ? 'ok' : 'error',
            );
            if (!ok) return fail(`sockclnt_create_reply.response is ${r.response}`);
            const echoed = replyCodec.readContext(payload);
            if (echoed !== helloContext) {
              return fail(`sockclnt_create_reply has context ${echoed}, the request had ${helloContext}`);
            }
            resolve(r);
          } catch (e) {
            fail((e as Error).message, e);
          }
        };
        socket.once('connect', () => this.enqueue(create, hello, false));
      });
      this.handshake = undefined;
      this.installTable(reply);
      this._clientIndex = reply.index;
      socket.on('error', (e) => this.teardown('error', e));
      socket.on('end', () => this.teardown('eof'));
      socket.on('close', () => this.teardown('eof'));
      this._state = 'connected';
      const ev: VppConnectedEvent = {
        socketPath: this.socketPath,
        clientIndex: reply.index,
        messageCount: reply.message_table.length,
      };
      this.emit('connected', ev);
      return ev;
    } catch (e) {
      this.handshake = undefined;
      this._state = 'closed';
      this.dropOutput();
      // Late socket errors after a failed handshake have nobody to tell.
      socket.on('error', () => {});
      socket.destroy();
      throw e;
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
      if (onError) socket.off('error', onError);
      if (onClose) socket.off('close', onClose);
    }
  }

  private installTable(reply: SockclntCreateReply): void {
    const byNameCrc = new Map<string, VppMessageCodec>();
    for (const name of this.codec.messageNames) {
      const c = this.codec.message(name);
      byNameCrc.set(c.nameCrc, c);
    }
    let maxId = 0;
    for (const e of reply.message_table) {
      this.vppTable.set(e.name, e.index);
      const c = byNameCrc.get(e.name);
      if (!c) continue;
      this.nameToId.set(c.name, e.index);
      maxId = Math.max(maxId, e.index);
    }
    this.idToCodec = new Array(maxId + 1);
    for (const [name, id] of this.nameToId) this.idToCodec[id] = this.codec.message(name);
    this.pingReplyId = this.nameToId.get('control_ping_reply') ?? -1;
  }

  /**
   * Sends a request and resolves with its reply. Calls pipeline without limit.
   *
   * @throws {@link VppApiError} for a reply with nonzero retval;
   *   {@link VppUnsupportedMessageError} when VPP lacks the message or its reply (nothing is
   *   sent); {@link VppEncodeError} for a bad value (nothing is sent); {@link VppTimeoutError};
   *   {@link VppDisconnectedError} when not connected or the connection ends first;
   *   {@link VppProtocolError} when VPP answers with another message
   */
  request<N extends VppRequestName>(
    name: N,
    msg: VppMessageInputTypes[N],
    options?: VppRequestOptions,
  ): Promise<VppReplyOf<N>> {
    return this.call(name, msg, options, false) as Promise<VppReplyOf<N>>;
  }

  /**
   * Sends a dump and a control_ping behind it; resolves with every details message before the
   * ping's reply, in the order they came.
   *
   * @throws as {@link VppConnection.request}; a nonzero retval of the ping's reply is a
   *   {@link VppApiError} for `<name> (control_ping)`
   */
  dump<N extends VppDumpName>(
    name: N,
    msg: VppMessageInputTypes[N],
    options?: VppRequestOptions,
  ): Promise<VppReplyOf<N>[]> {
    return this.call(name, msg, options, true) as Promise<VppReplyOf<N>[]>;
  }

  /**
   * Liveness check: a control_ping round trip (default timeout 5 s). VPP sends socket clients no
   * keepalives, so this is how a dead VPP is noticed.
   *
   * @throws as {@link VppConnection.request}
   */
  ping(options?: VppRequestOptions): Promise<ControlPingReply> {
    return this.request('control_ping', {}, { timeoutMs: 5000, ...options });
  }

  private call(
    name: string,
    msg: unknown,
    options: VppRequestOptions | undefined,
    dump: boolean,
    internal = false,
  ): Promise<unknown> {
    if (this._state !== 'connected' && !(internal && this._state === 'closing')) {
      return Promise.reject(
        new VppDisconnectedError(
          this._state === 'closing' || this._state === 'closed' ? 'closed' : 'not-connected',
        ),
      );
    }
    const svc = this.codec.service(name);
    if (!svc || svc.stream !== dump) {
      return Promise.reject(
        new VppProtocolError(name, dump ? 'is not a dump' : 'is not a request with a reply'),
      );
    }
    const missing = this.missing(name) ?? (dump ? this.missing('control_ping') : undefined);
    if (missing !== undefined) return Promise.reject(new VppUnsupportedMessageError(missing, name));
    const codec = this.codec.message(name);
    const context = this.allocContext();
    let frame: Buffer;
    let ping: Buffer | undefined;
    try {
      frame = codec.encodeFrame(msg, this.nameToId.get(name)!, context, this._clientIndex);
      if (dump) {
        ping = this.codec
          .message('control_ping')
          .encodeFrame({}, this.nameToId.get('control_ping')!, context, this._clientIndex);
      }
    } catch (e) {
      return Promise.reject(e);
    }
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const timeoutMs = options?.timeoutMs ?? this.requestTimeoutMs;
    return new Promise((resolve, reject) => {
      const p = new PendingCall(
        name,
        context,
        this.nameToId.get(svc.reply)!,
        svc.reply,
        dump,
        resolve,
        reject,
      );
      this.pending.set(context, p);
      p.timer = setTimeout(() => this.fail(p, new VppTimeoutError(name, timeoutMs)), timeoutMs);
      if (signal) {
        p.signal = signal;
        p.onAbort = () => this.fail(p, signal.reason);
        signal.addEventListener('abort', p.onAbort, { once: true });
      }
      this.enqueue(codec, frame, dump);
      if (ping) this.enqueue(this.codec.message('control_ping'), ping, true);
    });
  }

  private allocContext(): number {
    for (;;) {
      const c = nextVppContext(this.context);
      this.context = c;
      if (!this.pending.has(c)) return c;
    }
  }

  private settle(p: PendingCall): void {
    this.pending.delete(p.context);
    clearTimeout(p.timer);
    if (p.onAbort) p.signal?.removeEventListener('abort', p.onAbort);
  }

  private fail(p: PendingCall, e: unknown): void {
    if (this.pending.get(p.context) !== p) return;
    this.settle(p);
    p.reject(e);
  }

  private enqueue(codec: VppMessageCodec, frame: Buffer, multi: boolean): void {
    this.out.push(frame);
    this.outBytes += frame.length;
    if (this.trace) {
      const payload = frame.subarray(FRAME_HEADER_BYTES);
      this.trace(
        new TraceEvent(
          'send',
          codec.name,
          readMessageId(payload)!,
          codec.readContext(payload),
          undefined,
          'ok',
          multi,
          undefined,
          codec,
          payload,
        ),
      );
    }
    // Everything queued in one event-loop turn leaves in a single write.
    this.flushTimer ??= setImmediate(() => this.flush());
  }

  private flush(): void {
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
    if (this.out.length === 0 || !this.socket || this.socket.destroyed) return;
    const data = this.out.length === 1 ? this.out[0]! : Buffer.concat(this.out, this.outBytes);
    this.out = [];
    this.outBytes = 0;
    this.socket.write(data);
  }

  private dropOutput(): void {
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
    this.out = [];
    this.outBytes = 0;
  }

  private onData(chunk: Buffer): void {
    try {
      this.reader.push(chunk);
    } catch (e) {
      if (this.handshake) this.socket?.destroy(e as Error);
      else this.teardown('protocol', e as Error);
    }
  }

  private onFrame(payload: Buffer): void {
    if (this.handshake) {
      this.handshake(payload);
      return;
    }
    const id = readMessageId(payload);
    const codec = id === undefined ? undefined : this.idToCodec[id];
    if (!codec) {
      this.traceRecv(
        `#${id ?? '?'}`,
        id ?? -1,
        undefined,
        undefined,
        undefined,
        id === undefined ? 'malformed' : 'unexpected',
      );
      return;
    }
    const context = codec.readContext(payload);
    const p = context === undefined ? undefined : this.pending.get(context);
    let msg: Record<string, unknown>;
    try {
      msg = codec.decode(payload) as Record<string, unknown>;
    } catch (e) {
      this.traceRecv(codec.name, id!, context, undefined, undefined, 'malformed', p?.rows !== undefined);
      if (p) this.fail(p, e);
      return;
    }
    const retval = codec.hasRetval ? (msg['retval'] as number) : undefined;
    const expected =
      p !== undefined && (id === p.replyId || (p.rows !== undefined && id === this.pingReplyId));
    this.traceRecv(
      codec.name,
      id!,
      context,
      msg,
      retval,
      !expected ? 'unexpected' : retval ? 'error' : 'ok',
      expected && p.rows !== undefined,
    );
    if (!p) return;
    if (!expected) {
      this.fail(
        p,
        new VppProtocolError(p.name, `got ${codec.name} with context ${context}, expected ${p.replyName}`),
      );
      return;
    }
    if (p.rows !== undefined && id === p.replyId) {
      p.rows.push(msg);
      return;
    }
    this.settle(p);
    if (retval) p.reject(new VppApiError(p.rows !== undefined ? `${p.name} (control_ping)` : p.name, retval));
    else p.resolve(p.rows ?? msg);
  }

  private traceRecv(
    name: string,
    id: number,
    context: number | undefined,
    msg: unknown,
    retval: number | undefined,
    result: VppTraceResult,
    multi = false,
  ): void {
    this.trace?.(new TraceEvent('recv', name, id, context, retval, result, multi, msg, undefined, undefined));
  }

  private teardown(reason: VppDisconnectReason, error?: Error): void {
    if (this._state === 'closed' || this._state === 'idle' || this._state === 'connecting') return;
    const why: VppDisconnectReason = this._state === 'closing' ? 'closed' : reason;
    this._state = 'closed';
    this.dropOutput();
    const err = new VppDisconnectedError(why, error?.message, error ? { cause: error } : undefined);
    for (const p of [...this.pending.values()]) this.fail(p, err);
    this.socket?.destroy();
    this.emit('disconnected', error && why !== 'closed' ? { reason: why, error } : { reason: why });
  }

  /**
   * Sends `sockclnt_delete`, waits briefly for its reply (answers to earlier requests still
   * arrive first), then closes the socket. Requests still pending fail with VppDisconnectedError.
   * Resolves once the socket is gone. Safe to call in any state, any number of times.
   */
  close(): Promise<void> {
    this.closed ??= this.doClose();
    return this.closed;
  }

  private async doClose(): Promise<void> {
    if (this._state === 'connected') {
      this._state = 'closing';
      const handle = this._clientIndex ?? 0;
      try {
        await this.call(
          'sockclnt_delete',
          { index: handle },
          { timeoutMs: this.closeTimeoutMs },
          false,
          true,
        );
      } catch {
        // VPP frees the registration on EOF as well; a missing reply changes nothing.
      }
      this.flush();
      this.teardown('closed');
    } else if (this._state === 'idle') {
      this._state = 'closed';
    } else {
      this.socket?.destroy();
    }
    await this.socketGone;
  }
}
