import { EventEmitter } from 'node:events';
import { rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import {
  defaultVppCodec,
  readMessageId,
  type VppCodec,
  VppFrameReader,
  type VppMessageCodec,
} from '../../vpp-api/index.js';
import { SimulatedCrash, UnknownMessageError } from './errors.js';
import { LbPluginSim, type SimOperation, type SimState } from './lb-plugin.js';
import { claimSocketPath } from './socket-path.js';
import { LbStatsCounters } from './stats/lb.js';
import { StatsSegmentServer } from './stats/server.js';
import { StatsSegmentWriter } from './stats/writer.js';

/**
 * Options of {@link VppLbSimulator}.
 *
 * @public
 */
export interface VppLbSimulatorOptions {
  /** The API socket to serve (like VPP's /run/vpp/api.sock). */
  readonly socketPath: string;
  /** Also serve a stats segment here (like /run/vpp/stats.sock). */
  readonly statsSocketPath?: string;
  /** What show_version answers. */
  readonly version?: string;
  /** What show_version answers as the build date. */
  readonly buildDate?: string;
  /** What show_version answers as the build directory. */
  readonly buildDirectory?: string;
  /** The pid control_ping reports; a restart picks a new one. Default: a random one. */
  readonly pid?: number;
  /** Messages left out of the message table, as an older VPP would lack them. */
  readonly omitMessages?: readonly string[];
  /** Uptime source in seconds; default the process's monotonic clock. */
  readonly clock?: () => number;
  /** Operations kept in the log; default 100,000. */
  readonly logLimit?: number;
  /**
   * VPP threads the stats segment counts on (main plus workers): the counters' outer
   * dimension, which readers sum over. Default 1.
   */
  readonly statsThreads?: number;
}

/**
 * What one simulated packet adds to `/net/route/to`'s bytes when no size is given, in bytes.
 *
 * @public
 */
export const SIM_DEFAULT_PACKET_BYTES = 64;

/**
 * The events {@link VppLbSimulator} emits, with their listener arguments.
 *
 * @public
 */
export interface VppLbSimulatorEvents {
  /** An lb operation was handled (after it changed the state). */
  operation: [SimOperation];
  /** A client connected or went away. */
  client: [{ readonly event: 'connect' | 'disconnect'; readonly clients: number }];
  /** A request that would have crashed VPP: every client was dropped and the state reset. */
  crash: [{ readonly message: string; readonly reason: string }];
}

const SOCKCLNT_CREATE = 15;
const MEMCLNT_LAST_ID = 28;
const DEFAULT_CLIENT_INDEX_BASE = 0x80000000;

interface Fault {
  retval: number;
  count: number;
}

/**
 * VPP's lb plugin, faked on a real unix socket with VPP's own wire protocol: the handshake and
 * message table, control_ping, show_version, show_vpe_system_time, cli_inband (`show lb vips
 * verbose`, `show clock`, ...) and every lb message with VPP's validation, return values and
 * lifecycle (lib/sim/lb-plugin.ts). VPP's own client library can connect to it as to a VPP.
 * For tests it keeps a log of operations and can drop connections, stop answering, delay
 * replies, fail calls and restart.
 *
 * @public
 */
export class VppLbSimulator extends EventEmitter<VppLbSimulatorEvents> {
  /** The simulated plugin behind the socket: inspect or drive its state directly. */
  readonly plugin: LbPluginSim;
  readonly #opts: VppLbSimulatorOptions;
  readonly #codec: VppCodec = defaultVppCodec();
  readonly #byId = new Map<number, VppMessageCodec>();
  readonly #ids = new Map<string, number>();
  readonly #table: Array<{ index: number; name: string }> = [];
  readonly #sockets = new Set<Socket>();
  #server: Server | null = null;
  #stats: { writer: StatsSegmentWriter; server: StatsSegmentServer; counters: LbStatsCounters } | null = null;
  #pid: number;
  #nextClient = 1;
  #silent = false;
  #delayMs = 0;
  #bootedAt = Date.now();
  readonly #faults = new Map<string, Fault>();
  readonly #clock: () => number;

  /** Builds the message table and the plugin; nothing listens until {@link VppLbSimulator.start}. */
  constructor(opts: VppLbSimulatorOptions) {
    super();
    this.#opts = opts;
    this.#pid = opts.pid ?? 1000 + Math.floor(Math.random() * 60000);
    const t0 = performance.now();
    this.#clock = opts.clock ?? (() => (performance.now() - t0) / 1000);
    this.plugin = new LbPluginSim({ clock: this.#clock, logLimit: opts.logLimit ?? 100_000 });
    // Message ids other than memclnt's are handed out at VPP's start by plugin load order; the
    // simulator offsets them so that no client can rely on the generated order.
    for (const e of this.#codec.messageTable()) {
      const name = e.name.slice(0, e.name.lastIndexOf('_'));
      if (opts.omitMessages?.includes(name)) continue;
      const index = e.index > MEMCLNT_LAST_ID ? e.index + 500 : e.index;
      this.#table.push({ index, name: e.name });
      this.#ids.set(name, index);
      this.#byId.set(index, this.#codec.message(name));
    }
  }

  /** The API socket's path. */
  get socketPath(): string {
    return this.#opts.socketPath;
  }

  /** The pid control_ping reports; changes at every restart. */
  get pid(): number {
    return this.#pid;
  }

  /** Clients connected now. */
  get clients(): number {
    return this.#sockets.size;
  }

  /**
   * Binds the API socket and, when configured, the stats socket. A stale socket file (its
   * process is gone) is replaced; a socket another process listens on fails with
   * SimSocketInUseError naming the path. Either both sockets are served or neither is.
   *
   * @throws {@link SimSocketInUseError} when a socket path is taken; the system's error when
   *   the path cannot be bound (e.g. a missing directory).
   */
  async start(): Promise<void> {
    const statsPath = this.#opts.statsSocketPath;
    await claimSocketPath(this.#opts.socketPath, 'API');
    if (statsPath) await claimSocketPath(statsPath, 'stats');
    const server = createServer((s) => this.#serve(s));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#opts.socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#server = server;
    if (!statsPath) return;
    try {
      this.#startStats(statsPath);
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  #startStats(path: string): void {
    const writer = StatsSegmentWriter.inMemfd({ threads: this.#opts.statsThreads ?? 1 });
    try {
      writer.setBootTime(Math.floor(this.#bootedAt / 1000));
      const server = StatsSegmentServer.listen(path, writer.fd as number);
      this.#stats = { writer, server, counters: new LbStatsCounters(writer) };
      // VPP registers /net/route/to at boot, sized for the FIB entries it already has.
      for (const r of this.plugin.fib.routes()) this.#stats.counters.routeCreated(r.statsIndex);
      this.plugin.fib.takeCreated();
    } catch (err) {
      writer.close();
      throw err;
    }
  }

  /** Stops listening, drops every client and removes both socket files. */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const s of this.#sockets) s.destroy();
    if (server) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(this.#opts.socketPath, { force: true });
    }
    const stats = this.#stats;
    this.#stats = null;
    if (stats) {
      await stats.server.close();
      stats.writer.close();
    }
  }

  // ---- state and test knobs ----------------------------------------------------------------

  /** A snapshot of the plugin's state; see {@link LbPluginSim.getState}. */
  getState(): SimState {
    return this.plugin.getState();
  }

  /** The lb operations handled, oldest first (bounded by `logLimit`). */
  operations(): readonly SimOperation[] {
    return this.plugin.operations();
  }

  /** Drops every client connection, as a VPP crash or restart does. */
  dropConnections(): void {
    for (const s of this.#sockets) s.destroy();
  }

  /** While true, requests are read but never answered (a hung VPP). */
  setSilent(silent: boolean): void {
    this.#silent = silent;
  }

  /** Delays every reply by this many milliseconds (0 answers at once). */
  setReplyDelay(ms: number): void {
    this.#delayMs = ms;
  }

  /**
   * The next `count` calls of `message` (a message name such as "lb_add_del_as_v2") fail with
   * `retval` (a VPP error code, e.g. -6) and change nothing.
   */
  failNext(message: string, retval: number, count = 1): void {
    this.#faults.set(message, { retval, count });
  }

  /** A VPP restart: every client dropped, empty state, a new pid and boot time. */
  restart(): void {
    this.dropConnections();
    this.plugin.restart();
    this.#pid = 1000 + ((this.#pid + 7919) % 60000);
    this.#bootedAt = Date.now();
    this.#stats?.writer.setBootTime(Math.floor(this.#bootedAt / 1000));
    this.#routeCountersFor();
  }

  /**
   * Counts simulated traffic to a VIP (tests, demos), as VPP would: the packets reach the lb
   * plugin through the FIB entry of the VIP's prefix, so `/net/route/to` at that entry's stats
   * index counts them (packets and bytes; VIPs sharing a prefix share the entry), then the lb
   * counter `kind` at the VIP's pool index does. A VIP without an entry (deleted) only moves
   * its lb counter. `bytes` defaults to SIM_DEFAULT_PACKET_BYTES per packet; `thread` to 0.
   * Does nothing when no stats socket is served.
   */
  countVipPackets(
    vipIndex: number,
    kind: 'next' | 'first' | 'untracked' | 'noServer',
    packets: number,
    opts: { readonly bytes?: number; readonly thread?: number } = {},
  ): void {
    const stats = this.#stats;
    if (!stats) return;
    const thread = opts.thread ?? 0;
    const route = this.plugin.vipRouteStatsIndex(vipIndex);
    if (route !== undefined) {
      stats.counters.countRoute(
        route,
        BigInt(packets),
        BigInt(opts.bytes ?? packets * SIM_DEFAULT_PACKET_BYTES),
        thread,
      );
    }
    stats.counters.countVip(vipIndex, kind, BigInt(packets), thread);
  }

  /**
   * Counts packets and bytes on one FIB entry's `/net/route/to` (by its stats index). Does
   * nothing when no stats socket is served.
   */
  countRoutePackets(statsIndex: number, packets: number, bytes: number, thread = 0): void {
    this.#stats?.counters.countRoute(statsIndex, BigInt(packets), BigInt(bytes), thread);
  }

  // ---- the wire ------------------------------------------------------------------------------

  #serve(socket: Socket): void {
    this.#sockets.add(socket);
    const clientIndex = DEFAULT_CLIENT_INDEX_BASE + (this.#nextClient++ % 0x7fffffff);
    this.emit('client', { event: 'connect', clients: this.#sockets.size });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.#sockets.delete(socket);
      this.emit('client', { event: 'disconnect', clients: this.#sockets.size });
    });
    const out: Buffer[] = [];
    const reader = new VppFrameReader((payload) => {
      for (const f of this.#handle(socket, clientIndex, payload)) out.push(f);
    });
    socket.on('data', (chunk) => {
      try {
        reader.push(chunk);
      } catch {
        // A stream that lost sync: VPP would drop the client.
        socket.destroy();
        return;
      }
      if (out.length === 0) return;
      const frames = Buffer.concat(out.splice(0));
      if (this.#delayMs > 0) setTimeout(() => socket.destroyed || socket.write(frames), this.#delayMs);
      else socket.write(frames);
    });
  }

  #reply(name: string, msg: unknown, context: number): Buffer {
    const id = this.#ids.get(name);
    if (id === undefined) throw new UnknownMessageError(name);
    return this.#codec.message(name).encodeFrame(msg, id, context);
  }

  #handle(socket: Socket, clientIndex: number, payload: Buffer): Buffer[] {
    const id = readMessageId(payload);
    if (id === SOCKCLNT_CREATE) {
      const create = this.#codec.message('sockclnt_create');
      return [
        this.#codec
          .message('sockclnt_create_reply')
          .encodeFrame(
            { response: 0, index: clientIndex, message_table: this.#table },
            16,
            create.readContext(payload) ?? 0,
            0,
          ),
      ];
    }
    const codec = id === undefined ? undefined : this.#byId.get(id);
    if (!codec) return []; // VPP drops unknown ids silently.
    let msg: Record<string, unknown>;
    try {
      msg = codec.decode(payload) as Record<string, unknown>;
    } catch {
      return []; // A frame shorter than the message: VPP logs and drops it with no reply.
    }
    // VPP sends each reply to the client the request names; a wrong index gets nothing back.
    if (codec.readClientIndex(payload) !== undefined && codec.readClientIndex(payload) !== clientIndex)
      return [];
    if (this.#silent) return [];
    const context = codec.readContext(payload) ?? 0;
    const name = codec.name;
    const fault = this.#faults.get(name);
    if (fault && fault.count > 0) {
      fault.count--;
      if (fault.count === 0) this.#faults.delete(name);
      const svc = this.#codec.service(name);
      if (svc && !svc.stream) return [this.#reply(svc.reply, { retval: fault.retval }, context)];
    }
    switch (name) {
      case 'control_ping':
        return [
          this.#reply(
            'control_ping_reply',
            { retval: 0, client_index: clientIndex, vpe_pid: this.#pid },
            context,
          ),
        ];
      case 'sockclnt_delete':
        setImmediate(() => socket.end());
        return [this.#reply('sockclnt_delete_reply', { response: 1 }, context)];
      case 'show_version':
        return [
          this.#reply(
            'show_version_reply',
            {
              retval: 0,
              program: 'vpe',
              version: this.#opts.version ?? '26.10-rc0~374-gb575ec2c5',
              build_date: this.#opts.buildDate ?? '2026-08-22T03:00:55',
              build_directory: this.#opts.buildDirectory ?? '/w/workspace/vpp-sim',
            },
            context,
          ),
        ];
      case 'show_vpe_system_time':
        return [
          this.#reply(
            'show_vpe_system_time_reply',
            { retval: 0, vpe_system_time: Date.now() / 1000 },
            context,
          ),
        ];
      default:
        break;
    }
    if (!LbPluginSim.handles(name)) {
      const svc = this.#codec.service(name);
      // A message VPP knows but the simulator does not model: answer UNIMPLEMENTED (-9).
      return svc && !svc.stream ? [this.#reply(svc.reply, { retval: -9 }, context)] : [];
    }
    const isVipOp = name === 'lb_add_del_vip' || name === 'lb_add_del_vip_v2';
    const before = isVipOp && this.#stats ? this.#usedVipIndexes() : [];
    let result: ReturnType<LbPluginSim['handle']>;
    try {
      result = this.plugin.handle(name, msg);
    } catch (e) {
      if (e instanceof SimulatedCrash) {
        this.emit('crash', { message: name, reason: e.message });
        queueMicrotask(() => this.restart());
        return [];
      }
      if (e instanceof UnknownMessageError) return [];
      throw e;
    }
    const last = this.plugin.operations().at(-1);
    if (last) this.emit('operation', last);
    if (isVipOp) {
      this.#vipCountersFor(before);
      this.#routeCountersFor();
    }
    if (result.kind === 'reply') return [this.#reply(result.replyName, result.reply, context)];
    return result.details.map((d) => this.#reply(result.detailsName, d, context));
  }

  #usedVipIndexes(): number[] {
    return this.plugin
      .getState()
      .vips.filter((v) => v.used)
      .map((v) => v.index);
  }

  /** A new FIB entry's load-balance counters are zeroed, as load_balance_alloc does. */
  #routeCountersFor(): void {
    const created = this.plugin.fib.takeCreated();
    if (!this.#stats) return;
    for (const index of created) this.#stats.counters.routeCreated(index);
  }

  /** A new VIP's counters are registered and zeroed, as VPP does at VIP creation. */
  #vipCountersFor(before: number[]): void {
    if (!this.#stats) return;
    const had = new Set(before);
    for (const v of this.plugin.getState().vips) {
      if (v.used && !had.has(v.index)) this.#stats.counters.vipCreated(v.index);
    }
  }
}
