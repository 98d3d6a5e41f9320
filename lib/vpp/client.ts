import { EventEmitter } from 'node:events';
import { VppConnection, type VppTraceEvent } from '../../vpp-api/index.js';
import { type Logger, silentLogger } from '../model/log.js';
import { VppLbClient } from './lb-client.js';
import { StatsSegmentReader } from './stats/reader.js';

/**
 * What maglevd knows about the VPP it is connected to.
 *
 * @public
 */
export interface VppInfo {
  /** VPP's version string (show_version), e.g. "26.10-release". */
  readonly version: string;
  /** When VPP was built, as VPP prints it. */
  readonly buildDate: string;
  /** The directory VPP was built in, as VPP reports it. */
  readonly buildDirectory: string;
  /** VPP's process id (control_ping_reply.vpe_pid). */
  readonly pid: number;
  /** When VPP started, unix ms; null when it could not be determined. */
  readonly bootTime: number | null;
  /** When this connection was made, unix ms. */
  readonly connectedSince: number;
}

/**
 * The VPP API messages VppClient needs: a VPP that lacks one is refused at connect with
 * {@link VppMissingMessagesError} naming it.
 *
 * @public
 */
export const REQUIRED_MESSAGES: readonly string[] = [
  'control_ping',
  'show_version',
  'cli_inband',
  'lb_conf',
  'lb_conf_get',
  'lb_add_del_vip_v2',
  'lb_add_del_as_v2',
  'lb_as_set_weight',
  'lb_vip_dump',
  'lb_as_v2_dump',
  'lb_flush_vip',
];

/**
 * The VPP connected to lacks messages maglevd needs (an old VPP, or the lb plugin not loaded).
 * VppClient logs it as `vpp-connect-error` and retries.
 *
 * @public
 */
export class VppMissingMessagesError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'VPP_MISSING_MESSAGES' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'VppMissingMessagesError';
  constructor(
    /** The names of the missing messages, e.g. "lb_as_v2_dump". */
    readonly missing: readonly string[],
  ) {
    super(`VPP lacks ${missing.join(', ')} (the lb plugin of VPP 26.10 or newer is needed)`);
  }
}

/**
 * The events of {@link VppClient}, as `EventEmitter` listener arguments.
 *
 * @public
 */
export interface VppClientEvents {
  /** A session is up: every required message exists and VPP's info was read. */
  connected: [VppInfo];
  /** An established session ended: VPP went away, a liveness ping failed, or close() was called ("closed"). */
  disconnected: [{ reason: string }];
}

/**
 * Options of {@link VppClient}.
 *
 * @public
 */
export interface VppClientOptions {
  /** VPP's API socket, e.g. "/run/vpp/api.sock". */
  readonly socketPath: string;
  /** The stats socket, e.g. "/run/vpp/stats.sock"; "" or absent for none. */
  readonly statsSocketPath?: string;
  /** The client name VPP records for the session; default "vpp-maglev". */
  readonly clientName?: string;
  /** Where `vpp-connect`, `vpp-disconnect` and the debug wire trail go; default silent. */
  readonly logger?: Logger;
  /** First reconnect delay in milliseconds; doubles after each failure up to maxReconnectMs. Default 5000. */
  readonly reconnectMs?: number;
  /** Longest reconnect delay in milliseconds. Default 30000. */
  readonly maxReconnectMs?: number;
  /** Liveness control_ping period in milliseconds; default 10000. */
  readonly pingMs?: number;
  /** How long one API request waits for its reply, in milliseconds; default 10000. */
  readonly requestTimeoutMs?: number;
  /**
   * Called for every API message sent or received (maglevd counts them in maglev_vpp_api_total);
   * `ok` is false for a failed send or an error reply.
   */
  readonly onApi?: (msg: string, direction: 'send' | 'recv', ok: boolean) => void;
}

/**
 * JSON-safe form of a decoded message for the debug trail: bigints become decimal strings,
 * byte arrays hex strings, recursively.
 *
 * @internal
 */
export function jsonSafe(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (Array.isArray(v)) return v.map(jsonSafe);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = jsonSafe(x);
    return out;
  }
  return v;
}

/**
 * The log record name of a traced message, as the Go original named them: a dump's messages
 * (the request, its control_ping, the details and the closing control_ping_reply) are
 * `vpp-api-send-multi` / `vpp-api-recv-multi`, everything else `vpp-api-send` / `vpp-api-recv`.
 */
export function vppApiLogName(ev: Pick<VppTraceEvent, 'direction' | 'multi'>): string {
  return `vpp-api-${ev.direction}${ev.multi ? '-multi' : ''}`;
}

/**
 * The fields of a `vpp-api-*` record. The message name is `message` and the decoded content
 * `payload`: a field named `msg` would be a second `msg` key beside the record's name.
 */
export function vppApiLogFields(ev: VppTraceEvent): Record<string, unknown> {
  return {
    message: ev.name,
    context: ev.context,
    ...(ev.retval !== undefined ? { retval: ev.retval } : {}),
    result: ev.result,
    payload: jsonSafe(ev.message),
  };
}

/**
 * The session with VPP: connects, checks that every message maglevd needs exists, reads VPP's
 * version, pid and boot time, pings every 10 s, and on any failure tears down, logs
 * `vpp-disconnect` and reconnects with backoff. The stats segment is opened with it.
 *
 * @example
 * ```ts
 * const vpp = new VppClient({ socketPath: '/run/vpp/api.sock' });
 * vpp.on('connected', async () => console.log(await vpp.lb.getState()));
 * vpp.start();
 * ```
 * @public
 */
export class VppClient extends EventEmitter<VppClientEvents> {
  /**
   * The lb operations over the current session. Its calls reject with {@link VppNotConnected}
   * while there is none.
   */
  readonly lb: VppLbClient;
  readonly #opts: VppClientOptions;
  readonly #logger: Logger;
  #conn: VppConnection | null = null;
  #stats: StatsSegmentReader | null = null;
  #info: VppInfo | null = null;
  #timer: NodeJS.Timeout | null = null;
  #failures = 0;
  #running = false;
  #closed = false;
  readonly #abortConnect = new AbortController();
  #connecting: Promise<void> | null = null;

  constructor(opts: VppClientOptions) {
    super();
    this.#opts = opts;
    this.#logger = opts.logger ?? silentLogger;
    this.lb = new VppLbClient(() => {
      if (!this.#conn || !this.#info) throw new VppNotConnected();
      return this.#conn;
    });
  }

  /** Connected VPP's info; null while disconnected. */
  get info(): VppInfo | null {
    return this.#info;
  }

  /** The stats segment reader while connected (null if the stats socket could not be opened). */
  get stats(): StatsSegmentReader | null {
    return this.#info ? this.#stats : null;
  }

  /**
   * Starts connecting, and keeps reconnecting until close(); a second call does nothing.
   * Failures are logged (`vpp-connect-error`), never thrown.
   */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule(0);
  }

  /**
   * Ends the session and stops reconnecting; a handshake in progress is abandoned. Resolves
   * once the sockets and timers are gone. The client cannot be started again.
   */
  async close(): Promise<void> {
    this.#closed = true;
    // A handshake in progress (VPP hung, or slow to answer) is abandoned, not waited for.
    this.#abortConnect.abort(new Error('the VPP client was closed'));
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#connecting?.catch(() => undefined);
    await this.#teardown('closed');
  }

  #schedule(delay: number): void {
    if (this.#closed) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#connecting = this.#connect().finally(() => {
        this.#connecting = null;
      });
    }, delay);
  }

  #trace = (ev: VppTraceEvent): void => {
    const ok = ev.result === 'ok';
    this.#opts.onApi?.(ev.name, ev.direction, ok);
    if (this.#logger.enabled('debug')) this.#logger.debug(vppApiLogName(ev), vppApiLogFields(ev));
  };

  async #connect(): Promise<void> {
    const conn = new VppConnection({
      socketPath: this.#opts.socketPath,
      clientName: this.#opts.clientName ?? 'vpp-maglev',
      requestTimeoutMs: this.#opts.requestTimeoutMs ?? 10_000,
      trace: this.#trace,
    });
    try {
      await conn.connect(this.#abortConnect.signal);
      const missing = conn.missingMessages(REQUIRED_MESSAGES);
      if (missing.length > 0) throw new VppMissingMessagesError(missing);
      this.#conn = conn;
      const [version, ping] = await Promise.all([conn.request('show_version', {}), conn.ping()]);
      let stats: StatsSegmentReader | null = null;
      if (this.#opts.statsSocketPath) {
        stats = new StatsSegmentReader();
        try {
          await stats.connect(this.#opts.statsSocketPath);
        } catch (e) {
          this.#logger.warn('vpp-stats-error', {
            socket: this.#opts.statsSocketPath,
            err: (e as Error).message,
          });
          await stats.close().catch(() => undefined);
          stats = null;
        }
      }
      this.#stats = stats;
      const bootTime = await this.#bootTime(conn, stats);
      this.#info = {
        version: version.version,
        buildDate: version.build_date,
        buildDirectory: version.build_directory,
        pid: ping.vpe_pid,
        bootTime,
        connectedSince: Date.now(),
      };
    } catch (e) {
      this.#conn = null;
      await conn.close().catch(() => undefined);
      if (this.#closed) return;
      this.#failures++;
      const delay = Math.min(
        (this.#opts.reconnectMs ?? 5000) * 2 ** Math.min(this.#failures - 1, 10),
        this.#opts.maxReconnectMs ?? 30_000,
      );
      this.#logger.warn('vpp-connect-error', {
        socket: this.#opts.socketPath,
        err: (e as Error).message,
        retry_ms: delay,
      });
      this.#schedule(delay);
      return;
    }
    if (this.#closed) {
      await this.#teardown('closed');
      return;
    }
    this.#failures = 0;
    conn.once('disconnected', (ev) => {
      if (this.#conn === conn) void this.#lost(ev.error?.message ?? ev.reason);
    });
    const info = this.#info;
    this.#logger.info('vpp-connect', {
      socket: this.#opts.socketPath,
      version: info.version,
      build_date: info.buildDate,
      pid: info.pid,
      stats: this.#stats !== null,
    });
    this.#startPing(conn);
    this.emit('connected', info);
  }

  /** Boot time from the stats segment's /sys/boottime, else from `show clock`'s uptime. */
  async #bootTime(conn: VppConnection, stats: StatsSegmentReader | null): Promise<number | null> {
    if (stats) {
      const s = await stats.bootTime().catch(() => null);
      if (s !== null && s > 0) return s * 1000;
    }
    try {
      const r = await conn.request('cli_inband', { cmd: 'show clock' });
      const m = /Time now\s+([0-9.]+)/.exec(r.reply);
      if (m) return Date.now() - Number(m[1]) * 1000;
    } catch {
      // An old VPP or a restricted CLI: the boot time stays unknown.
    }
    return null;
  }

  #pingTimer: NodeJS.Timeout | null = null;

  #startPing(conn: VppConnection): void {
    const period = this.#opts.pingMs ?? 10_000;
    const tick = () => {
      this.#pingTimer = setTimeout(() => {
        if (this.#conn !== conn) return;
        conn.ping({ timeoutMs: Math.min(5000, period) }).then(
          () => tick(),
          (e: unknown) => {
            if (this.#conn === conn) void this.#lost(`liveness ping failed: ${(e as Error).message}`);
          },
        );
      }, period);
      this.#pingTimer.unref?.();
    };
    tick();
  }

  async #lost(reason: string): Promise<void> {
    await this.#teardown(reason);
    if (!this.#closed) this.#schedule(this.#opts.reconnectMs ?? 5000);
  }

  async #teardown(reason: string): Promise<void> {
    if (this.#pingTimer) clearTimeout(this.#pingTimer);
    this.#pingTimer = null;
    const conn = this.#conn;
    const wasConnected = this.#info !== null;
    this.#conn = null;
    this.#info = null;
    const stats = this.#stats;
    this.#stats = null;
    await stats?.close().catch(() => undefined);
    if (conn) await conn.close().catch(() => undefined);
    if (wasConnected) {
      // Our own close is the expected end of a session; anything else is VPP going away.
      const level = reason === 'closed' ? 'info' : 'warn';
      this.#logger[level]('vpp-disconnect', { socket: this.#opts.socketPath, reason });
      this.emit('disconnected', { reason });
    }
  }
}

/**
 * An lb call through {@link VppClient.lb} while VPP is not connected; nothing was sent.
 *
 * @public
 */
export class VppNotConnected extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'VPP_NOT_CONNECTED' as const;
  /** "VppNotConnectedError", for logs and for matching without `instanceof`. */
  override readonly name = 'VppNotConnectedError';
  constructor() {
    super('VPP is not connected');
  }
}
