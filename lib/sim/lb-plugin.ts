/**
 * The state and message handlers of VPP's lb plugin, as LB-PLUGIN.md describes them, with no
 * data plane and no I/O: requests and replies are the decoded objects of wire-types.ts, time
 * comes from an injected clock, and garbage collection runs on handler events and on tick().
 *
 * Faithful on purpose, quirks included: pool indices reused most-recently-freed first, the
 * family inferred from the bytes, stale fields in reused pool slots, retvals in VPP's check
 * order, dump filters that ignore or mis-compare their arguments.
 */
import {
  ADDRESS_IP4,
  ADDRESS_IP6,
  clearHostBits,
  decodeAddress,
  encodeAddress,
  formatIp4,
  formatIp6,
  formatIp46,
  formatIp46Prefix,
  type Ip46,
  ip46Equal,
  isIp4,
  isIp4Prefix,
} from './address.js';
import { runCli } from './cli.js';
import type { SimClock } from './clock.js';
import { SimInputError, SimulatedCrash, UnknownMessageError } from './errors.js';
import { type FibPrefix, FibSim, type SimRouteState } from './fib.js';
import { buildMaglevTable, MAGLEV_DROP, type MaglevBackend, maglevBucketCounts } from './maglev.js';
import { Pool } from './pool.js';
import {
  type Address,
  type AddressWithPrefix,
  type CliInband,
  type CliInbandReply,
  DETAILS_MESSAGE,
  type IpRouteLookup,
  type IpRouteLookupReply,
  type LbAddDelAs,
  type LbAddDelAsV2,
  type LbAddDelIntfNat,
  type LbAddDelVip,
  type LbAddDelVipV2,
  type LbAsDetails,
  type LbAsDump,
  type LbAsSetWeight,
  type LbAsV2Details,
  type LbConf,
  type LbConfGetReply,
  type LbFlushVip,
  type LbVip,
  type LbVipDetails,
  type LbVipDump,
  REPLY_MESSAGE,
  type RetvalReply,
  type SimDetails,
  type SimDumpName,
  type SimDumpRequests,
  type SimMessageName,
  type SimReplies,
  type SimReplyName,
  type SimReplyRequests,
} from './wire-types.js';

/**
 * vnet_api_error_t values the lb handlers return, by VPP's name.
 *
 * @public
 */
export const LbRetval = {
  OK: 0,
  INVALID_SW_IF_INDEX: -2,
  NO_SUCH_FIB: -3,
  NO_SUCH_ENTRY: -6,
  INVALID_VALUE: -7,
  INVALID_MEMORY_SIZE: -70,
  INVALID_ARGUMENT: -73,
  VALUE_EXIST: -81,
  INVALID_ADDRESS_FAMILY: -97,
} as const;

/**
 * The plugin's internal VIP types (lb_vip_type_t), by value.
 *
 * @public
 */
export const VIP_TYPE_NAMES = [
  'ip6-gre6',
  'ip6-gre4',
  'ip4-gre6',
  'ip4-gre4',
  'ip4-l3dsr',
  'ip4-nat4',
  'ip6-nat6',
] as const;
/**
 * The name of a VIP type, as `show lb vips` prints it.
 *
 * @public
 */
export type VipTypeName = (typeof VIP_TYPE_NAMES)[number];

const T_IP6_GRE6 = 0;
const T_IP6_GRE4 = 1;
const T_IP4_GRE6 = 2;
const T_IP4_GRE4 = 3;
const T_IP4_L3DSR = 4;
const T_IP4_NAT4 = 5;
const T_IP6_NAT6 = 6;

const ENCAP_GRE4 = 0;
const ENCAP_GRE6 = 1;
const ENCAP_L3DSR = 2;
const ENCAP_NAT4 = 3;
const ENCAP_NAT6 = 4;

const SRV_TYPE_NODEPORT = 1;

const VIP_FLAG_USED = 0x1;

function vipMapKey(prefix: Ip46, plen: number, protocol: number, port: number): string {
  return `${Buffer.from(prefix.buffer, prefix.byteOffset, prefix.byteLength).toString('hex')}/${plen}/${protocol}/${port}`;
}
const VIP_FLAG_SRC_IP_STICKY = 0x2;
const AS_FLAG_USED = 0x1;

/** LB_GARBAGE_RUN and LB_CONCURRENCY_TIMEOUT. */
const GC_PERIOD = 60;
const GC_MIN_AGE = 10;

const U32 = 0x1_0000_0000;

function isIp4Type(t: number): boolean {
  return t === T_IP4_GRE6 || t === T_IP4_GRE4 || t === T_IP4_L3DSR || t === T_IP4_NAT4;
}
function isIp6Type(t: number): boolean {
  return t === T_IP6_GRE6 || t === T_IP6_GRE4 || t === T_IP6_NAT6;
}
/** lb_encap_is_ip4: the outer (AS) family of the type. */
function encapIsIp4(t: number): boolean {
  return t === T_IP6_GRE4 || t === T_IP4_GRE4 || t === T_IP4_L3DSR || t === T_IP4_NAT4;
}
function typeToApiEncap(t: number): number {
  switch (t) {
    case T_IP4_GRE6:
    case T_IP6_GRE6:
      return ENCAP_GRE6;
    case T_IP4_L3DSR:
      return ENCAP_L3DSR;
    case T_IP4_NAT4:
      return ENCAP_NAT4;
    case T_IP6_NAT6:
      return ENCAP_NAT6;
    default:
      return ENCAP_GRE4;
  }
}
/** The API handler's encap → type mapping; unmapped combinations stay 0 (ip6-gre6). */
function apiEncapToType(ip4: boolean, encap: number): number {
  if (ip4) {
    if (encap === ENCAP_GRE4) return T_IP4_GRE4;
    if (encap === ENCAP_GRE6) return T_IP4_GRE6;
    if (encap === ENCAP_L3DSR) return T_IP4_L3DSR;
    if (encap === ENCAP_NAT4) return T_IP4_NAT4;
    return T_IP6_GRE6;
  }
  if (encap === ENCAP_GRE4) return T_IP6_GRE4;
  if (encap === ENCAP_NAT6) return T_IP6_NAT6;
  return T_IP6_GRE6;
}

/** clib_u32_loop_gt(a, b): a is at or after b in u32 wrap-around time. */
function loopGe(a: number, b: number): boolean {
  return (((a - b) % U32) + U32) % U32 < 0x7fffffff;
}
function isPow2(x: number): boolean {
  return (x & (x - 1)) === 0;
}
function bswap16(x: number): number {
  return ((x & 0xff) << 8) | ((x >>> 8) & 0xff);
}

interface AsRecord {
  address: Ip46;
  flags: number;
  weight: number;
  /** u32 uptime seconds of the last removal; stale in a reused slot. */
  lastUsed: number;
  vipIndex: number;
}

interface VipRecord {
  prefix: Ip46;
  plen: number;
  protocol: number;
  port: number;
  type: number;
  /** The shared encap-args byte: dscp for L3DSR, srv_type for NAT. Stale in a reused slot. */
  encapByte0: number;
  /** target_port as the add request carried it (host order). Stale in a reused slot. */
  targetPort: number;
  flags: number;
  lastGc: number;
  tableLength: number;
  /**
   * The new-flow table depends only on the length and the active weighted {address, weight}
   * set, so it is built when first looked at after a change, not on every change: adding
   * 1000 ASes one by one to a 65536-slot VIP would otherwise rebuild it 1000 times.
   * Global AS index per slot (0 = drop); null until built.
   */
  table: Uint32Array | null;
  /** Slots per global AS index, by the closed form of LB-PLUGIN.md §4.3; null until computed. */
  counts: Map<number, number> | null;
  /** The VIP's AS slots: indices into the global AS pool. */
  asSlots: Pool<number>;
  /** False for a NodePort VIP whose add failed after creation (no per-port filter entry). */
  hasPortFilter: boolean;
}

/** VPP's global lb settings, in wire form. */
interface Conf {
  ip4: Uint8Array;
  ip6: Uint8Array;
  stickyBuckets: number;
  flowTimeout: number;
}

function defaultConf(): Conf {
  return {
    ip4: new Uint8Array(4).fill(0xff),
    ip6: new Uint8Array(16).fill(0xff),
    stickyBuckets: 1024,
    flowTimeout: 40,
  };
}

/**
 * One handled request (or restart), in order.
 *
 * @public
 */
export interface SimOperation {
  /** 1, 2, ... over the simulator's life (restarts included). */
  readonly seq: number;
  /** Uptime seconds (as the clock read it) when the request was handled. */
  readonly at: number;
  /** The request's message name, e.g. "lb_add_del_as_v2", or "restart". */
  readonly name: string;
  /** The decoded request as handled. */
  readonly msg: unknown;
  /** The reply's retval; 0 for dumps; null when the request crashed VPP. */
  readonly retval: number | null;
  /** Set when the retval came from failNext(), not from the plugin. */
  readonly injected?: true;
  /** Number of details sent, for dumps. */
  readonly details?: number;
  /** The crash reason, when the request was a simulated crash. */
  readonly crash?: string;
}

/**
 * One application server of a simulated VIP.
 *
 * @public
 */
export interface SimAsState {
  /** Slot in the VIP's AS pool (dump order). */
  readonly slot: number;
  /** Index in the global AS pool (shown as "dpo" by the CLI). */
  readonly asIndex: number;
  /** The AS's address, IPv4 or IPv6 text. */
  readonly address: string;
  /** Weight 0-100. */
  readonly weight: number;
  /** 1 active, 0 removed and waiting for garbage collection. */
  readonly flags: number;
  /** Slots of the VIP's new-flow table pointing at this AS. */
  readonly numBuckets: number;
  /** Uptime second of the last removal (stale for an AS never removed in a reused slot). */
  readonly inUseSince: number;
}

/**
 * One VIP of the simulated plugin, as `show lb vips verbose` would describe it.
 *
 * @public
 */
export interface SimVipState {
  /** VIP pool index (stats counter index); 0 is the hidden placeholder. */
  readonly index: number;
  /** As VPP prints it: "10.0.0.0/24", "2001:db8::/64". */
  readonly prefix: string;
  /** Internal prefix length (IPv4: 96 + len). */
  readonly plen: number;
  /** IP protocol number; 255 for any. */
  readonly protocol: number;
  /** The port; 0 for all ports. */
  readonly port: number;
  /** The internal VIP type. */
  readonly type: VipTypeName;
  /** API encap value of the type (what lb_vip_dump reports). */
  readonly encap: number;
  /** lb_vip_t flags: 0x1 used, 0x2 src-ip-sticky. */
  readonly flags: number;
  /** False once deleted (kept until garbage collection frees it). */
  readonly used: boolean;
  /** Hash on addresses only. */
  readonly srcIpSticky: boolean;
  /** Slots of the new-flow table. */
  readonly flowTableLength: number;
  /** Uptime second of the VIP's last garbage-collection pass. */
  readonly lastGc: number;
  /** The shared dscp / srv_type byte. */
  readonly dscp: number;
  /** The same byte read as a NAT srv_type (1 NodePort). */
  readonly srvType: number;
  /** Host-order target port as last written to this pool slot. */
  readonly targetPort: number;
  /** The VIP's AS slots in dump order, removed ones included until collected. */
  readonly ases: readonly SimAsState[];
}

/**
 * The simulated plugin's global configuration (lb_conf).
 *
 * @public
 */
export interface SimConfState {
  /** GRE source address towards IPv4 ASes. */
  readonly ip4SrcAddress: string;
  /** GRE source address towards IPv6 ASes. */
  readonly ip6SrcAddress: string;
  /** Sticky flow-table buckets per worker. */
  readonly stickyBucketsPerCore: number;
  /** Idle flow timeout, seconds. */
  readonly flowTimeout: number;
}

/**
 * A snapshot of the whole simulated plugin.
 *
 * @public
 */
export interface SimState {
  /** Uptime seconds as the clock reads it. */
  readonly uptime: number;
  /** The global lb configuration. */
  readonly conf: SimConfState;
  /** Every VIP in pool order, deleted-but-uncollected ones included, placeholder excluded. */
  readonly vips: readonly SimVipState[];
  /** Elements in the VIP pool, placeholder included (what `show lb` counts). */
  readonly vipPoolElements: number;
  /** Elements in the AS pool, drop placeholder excluded. */
  readonly asPoolElements: number;
  /** sw_if_index values with NAT4 enabled, ascending. */
  readonly nat4Interfaces: readonly number[];
  /** sw_if_index values with NAT6 enabled, ascending. */
  readonly nat6Interfaces: readonly number[];
  /** FIB table 0 of both families, by stats index: boot entries and VIP prefixes. */
  readonly routes: readonly SimRouteState[];
}

/**
 * What {@link LbPluginSim.handle} answers: one reply, or the details of a dump.
 *
 * @public
 */
export type SimResult =
  | { readonly kind: 'reply'; readonly replyName: string; readonly reply: RetvalReply & object }
  | { readonly kind: 'details'; readonly detailsName: string; readonly details: readonly object[] };

/**
 * Options of {@link LbPluginSim}.
 *
 * @public
 */
export interface LbPluginSimOptions {
  /** Uptime source in seconds; uptime restarts from the reading at construction / restart(). */
  clock: SimClock;
  /** Wall clock in epoch milliseconds, for `show clock`. */
  wallClock?: () => number;
  /** Valid sw_if_index values for the NAT interface messages (local0 is always 0). */
  swIfIndexes?: readonly number[];
  /** Largest new-flow table the simulated heap can hold; larger (and 0) crash. 2^26 by default. */
  maxTableLength?: number;
  /** Operations kept in the log; the oldest are dropped beyond this. */
  logLimit?: number;
}

const REPLY_NAMES = new Set<string>(Object.keys(REPLY_MESSAGE));
const DUMP_NAMES = new Set<string>(Object.keys(DETAILS_MESSAGE));

/**
 * VPP's lb plugin, simulated: the API handlers with VPP's validation (and its crashes, as
 * {@link SimulatedCrash}), the Maglev tables, garbage collection and the FIB entries of VIPs.
 * One instance is one VPP process. No I/O: {@link VppLbSimulator} serves it on a socket.
 *
 * @public
 */
export class LbPluginSim {
  /** Table 0 of the FIB: boot entries and one entry per VIP prefix, as lb_vip_add_adjacency makes. */
  readonly fib = new FibSim();
  readonly #clock: SimClock;
  readonly #wallClock: () => number;
  readonly #swIfIndexes: ReadonlySet<number>;
  readonly #maxTableLength: number;
  readonly #logLimit: number;

  #origin = 0;
  #nextGcAt = GC_PERIOD;
  #conf = defaultConf();
  #vips = new Pool<VipRecord>();
  /** Active VIPs by key: VPP scans its pool, the simulator looks up (same answers, less time). */
  #vipByKey = new Map<string, number>();
  #ass = new Pool<AsRecord>();
  /** vip_index_by_nodeport: never cleared on VIP delete. */
  #nodePorts = new Set<number>();
  #nat4 = new Set<number>();
  #nat6 = new Set<number>();
  #lastBarrier = 0;

  #log: SimOperation[] = [];
  #seq = 0;
  #faults = new Map<string, { retval: number; remaining: number }[]>();

  /** Starts the simulated VPP: empty state, uptime 0 at the clock's current reading. */
  constructor(options: LbPluginSimOptions) {
    this.#clock = options.clock;
    this.#wallClock = options.wallClock ?? (() => Date.now());
    this.#swIfIndexes = new Set(options.swIfIndexes ?? [0]);
    this.#maxTableLength = options.maxTableLength ?? 2 ** 26;
    this.#logLimit = options.logLimit ?? 10_000;
    this.#reset();
  }

  // ---- time and garbage collection -------------------------------------------------------

  /** Uptime seconds as the clock reads it (fractional). */
  uptime(): number {
    return this.#clock() - this.#origin;
  }

  /** (u32) vlib_time_now(). */
  #now(): number {
    return Math.floor(this.uptime()) % U32;
  }

  /**
   * Runs the periodic passes of lb-gc-process that are due: one at every multiple of 60 s of
   * uptime, each at its own time. Handlers call this first, so the outcome does not depend on
   * how often a caller ticks.
   */
  tick(): void {
    const up = this.uptime();
    while (this.#nextGcAt <= up) {
      this.#globalGc(this.#nextGcAt % U32);
      this.#nextGcAt += GC_PERIOD;
    }
  }

  /** A global pass right now, as the CLI commands `lb vip …` / `lb conf …` trigger. */
  collectGarbage(): void {
    this.tick();
    this.#globalGc(this.#now());
  }

  /** lb_vip_garbage_collection: frees removed, unreferenced ASes once a pass is due. */
  #vipGc(vip: VipRecord, now: number): void {
    if (!loopGe(now, vip.lastGc + GC_PERIOD)) return;
    vip.lastGc = now;
    for (const [slot, asIndex] of [...vip.asSlots.entries()]) {
      const as = this.#ass.items[asIndex] as AsRecord;
      if ((as.flags & AS_FLAG_USED) === 0 && loopGe(now, as.lastUsed + GC_MIN_AGE)) {
        vip.asSlots.put(slot);
        this.#ass.put(asIndex);
      }
    }
  }

  /** lb_garbage_collection: every VIP, then frees deleted VIPs left without AS slots. */
  #globalGc(now: number): void {
    const gone: number[] = [];
    for (const [index, vip] of this.#vips.entries()) {
      this.#vipGc(vip, now);
      if ((vip.flags & VIP_FLAG_USED) === 0 && vip.asSlots.size === 0) gone.push(index);
    }
    for (const index of gone) this.#vips.put(index);
  }

  // ---- lifecycle, log and faults -----------------------------------------------------------

  #reset(): void {
    this.#origin = this.#clock();
    this.#nextGcAt = GC_PERIOD;
    this.#conf = defaultConf();
    this.#vips = new Pool<VipRecord>();
    this.#vipByKey = new Map();
    this.#ass = new Pool<AsRecord>();
    this.#nodePorts = new Set();
    this.#nat4 = new Set();
    this.#nat6 = new Set();
    this.#lastBarrier = 0;
    this.fib.reset();
    // Slot 0 of each pool is a permanent placeholder: the "drop" AS and a VIP no key can match
    // (its all-ones prefix is never a normalised /0 prefix).
    this.#ass.get(() => ({
      address: new Uint8Array(16).fill(0xff),
      flags: 0,
      weight: 0,
      lastUsed: 0,
      vipIndex: -1,
    }));
    this.#vips.get(() => ({
      prefix: new Uint8Array(16).fill(0xff),
      plen: 0,
      protocol: 255,
      port: 0,
      type: T_IP6_GRE6,
      encapByte0: 0,
      targetPort: 0,
      flags: VIP_FLAG_USED,
      lastGc: 0,
      tableLength: 1,
      table: null,
      counts: null,
      asSlots: new Pool<number>(),
      hasPortFilter: false,
    }));
  }

  /** VPP restarted: empty state, uptime from 0. The log and pending faults are kept. */
  restart(): void {
    this.#reset();
    this.#record({ name: 'restart', msg: {}, retval: 0 });
  }

  /**
   * The next `count` calls of `name` answer `retval` without touching the state.
   *
   * @throws RangeError for a name that is not a request answered by a reply, a retval that
   *   is not an i32, or a count below 1.
   */
  failNext(name: SimReplyName, retval: number, count = 1): void {
    if (!REPLY_NAMES.has(name)) {
      throw new RangeError(
        `failNext: ${JSON.stringify(name)} is not a request with a reply (dumps carry no retval)`,
      );
    }
    if (!Number.isInteger(retval) || retval < -(2 ** 31) || retval >= 2 ** 31) {
      throw new RangeError(`failNext: retval ${retval} is not an i32`);
    }
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`failNext: count ${count} is not ≥ 1`);
    const q = this.#faults.get(name) ?? [];
    q.push({ retval, remaining: count });
    this.#faults.set(name, q);
  }

  /** Drops every pending injected failure. */
  clearFaults(): void {
    this.#faults.clear();
  }

  #takeFault(name: string): number | undefined {
    const q = this.#faults.get(name);
    const f = q?.[0];
    if (q === undefined || f === undefined) return undefined;
    if (--f.remaining === 0) q.shift();
    if (q.length === 0) this.#faults.delete(name);
    return f.retval;
  }

  /** Handled requests, oldest first (bounded by logLimit). */
  operations(): readonly SimOperation[] {
    return this.#log;
  }

  #record(op: Omit<SimOperation, 'seq' | 'at'>): void {
    this.#log.push({ seq: ++this.#seq, at: this.uptime(), ...op });
    if (this.#log.length > this.#logLimit) this.#log.splice(0, this.#log.length - this.#logLimit);
  }

  // ---- dispatch ------------------------------------------------------------------------------

  /**
   * Handles one decoded request by message name: the entry point for the socket server.
   *
   * @throws {@link UnknownMessageError} for names it does not know; {@link SimulatedCrash} for
   *   requests that would bring VPP down (nothing changed); {@link SimInputError} for a
   *   malformed request object.
   */
  handle(name: string, msg: object): SimResult {
    if (REPLY_NAMES.has(name)) {
      const n = name as SimReplyName;
      return {
        kind: 'reply',
        replyName: REPLY_MESSAGE[n],
        reply: this.request(n, msg as SimReplyRequests[typeof n]),
      };
    }
    if (DUMP_NAMES.has(name)) {
      const n = name as SimDumpName;
      return {
        kind: 'details',
        detailsName: DETAILS_MESSAGE[n],
        details: this.dump(n, msg as SimDumpRequests[typeof n]),
      };
    }
    throw new UnknownMessageError(name);
  }

  /** Whether handle() knows this message name. */
  static handles(name: string): name is SimMessageName {
    return REPLY_NAMES.has(name) || DUMP_NAMES.has(name);
  }

  /**
   * A request answered by one reply, typed by message name.
   *
   * @throws {@link SimulatedCrash} for a request that would bring VPP down (nothing changed);
   *   {@link SimInputError} for a malformed request object.
   */
  request<N extends SimReplyName>(name: N, msg: SimReplyRequests[N]): SimReplies[N] {
    this.tick();
    const injected = this.#takeFault(name);
    if (injected !== undefined) {
      this.#record({ name, msg, retval: injected, injected: true });
      return failedReply(name, injected) as SimReplies[N];
    }
    let reply: RetvalReply;
    try {
      reply = this.#dispatchReply(name, msg);
    } catch (e) {
      if (e instanceof SimulatedCrash) this.#record({ name, msg, retval: null, crash: e.reason });
      throw e;
    }
    if (name !== 'cli_inband' && name !== 'lb_conf_get') this.#lastBarrier = this.uptime();
    this.#record({ name, msg, retval: reply.retval });
    return reply as SimReplies[N];
  }

  /**
   * A dump: the details it streams (its end is the control_ping reply, not ours to send).
   *
   * @throws {@link SimInputError} for a malformed request object.
   */
  dump<N extends SimDumpName>(name: N, msg: SimDumpRequests[N]): SimDetails[N][] {
    this.tick();
    let details: object[];
    switch (name) {
      case 'lb_vip_dump':
        details = this.#vipDump(msg as LbVipDump);
        break;
      case 'lb_as_dump':
        details = this.#asDump(msg as LbAsDump, false);
        break;
      case 'lb_as_v2_dump':
        details = this.#asDump(msg as LbAsDump, true);
        break;
      default:
        throw new UnknownMessageError(name);
    }
    this.#record({ name, msg, retval: 0, details: details.length });
    return details as SimDetails[N][];
  }

  #dispatchReply(name: SimReplyName, msg: SimReplyRequests[SimReplyName]): RetvalReply {
    switch (name) {
      case 'lb_conf':
        return { retval: this.#lbConf(msg as LbConf) };
      case 'lb_conf_get':
        return this.#confGet();
      case 'lb_add_del_vip': {
        const m = msg as LbAddDelVip;
        return { retval: this.#addDelVip(name, m, false) };
      }
      case 'lb_add_del_vip_v2': {
        const m = msg as LbAddDelVipV2;
        return { retval: this.#addDelVip(name, m, m.src_ip_sticky) };
      }
      case 'lb_add_del_as': {
        const m = msg as LbAddDelAs;
        return { retval: this.#addDelAs(name, m, 100, false) };
      }
      case 'lb_add_del_as_v2': {
        const m = msg as LbAddDelAsV2;
        return { retval: this.#addDelAs(name, m, m.weight, m.is_flush) };
      }
      case 'lb_as_set_weight':
        return { retval: this.#setWeight(name, msg as LbAsSetWeight) };
      case 'lb_flush_vip':
        return { retval: this.#flushVip(msg as LbFlushVip) };
      case 'lb_add_del_intf_nat4':
        return { retval: this.#natIntf(msg as LbAddDelIntfNat, this.#nat4) };
      case 'lb_add_del_intf_nat6':
        return { retval: this.#natIntf(msg as LbAddDelIntfNat, this.#nat6) };
      case 'cli_inband':
        return this.#cli(msg as CliInband);
      case 'ip_route_lookup':
        return this.#routeLookup(msg as IpRouteLookup);
      default:
        throw new UnknownMessageError(name);
    }
  }

  // ---- handlers ------------------------------------------------------------------------------

  #lbConf(m: LbConf): number {
    checkBytes('lb_conf', 'ip4_src_address', m.ip4_src_address, 4);
    checkBytes('lb_conf', 'ip6_src_address', m.ip6_src_address, 16);
    const buckets =
      m.sticky_buckets_per_core === 0xffffffff ? this.#conf.stickyBuckets : m.sticky_buckets_per_core;
    const timeout = m.flow_timeout === 0xffffffff ? this.#conf.flowTimeout : m.flow_timeout;
    if (!isPow2(buckets)) return LbRetval.INVALID_MEMORY_SIZE;
    if (buckets === 0) {
      throw new SimulatedCrash(
        'lb_conf',
        'sticky_buckets_per_core 0 passes the power-of-two check; the first LB packet on each thread then reads and writes out of bounds',
      );
    }
    this.#conf = {
      ip4: Uint8Array.from(m.ip4_src_address),
      ip6: Uint8Array.from(m.ip6_src_address),
      stickyBuckets: buckets,
      flowTimeout: timeout,
    };
    return LbRetval.OK;
  }

  #confGet(): LbConfGetReply {
    return {
      retval: 0,
      ip4_src_address: Uint8Array.from(this.#conf.ip4),
      ip6_src_address: Uint8Array.from(this.#conf.ip6),
      sticky_buckets_per_core: this.#conf.stickyBuckets,
      flow_timeout: this.#conf.flowTimeout,
    };
  }

  /**
   * Decodes and normalises a VIP key as the handlers do. `zeroUndecoded` is true for the VIP
   * messages, whose address starts zeroed; elsewhere an unknown af leaves garbage, which is
   * undefined behaviour here.
   */
  #vipKey(
    name: string,
    pfx: AddressWithPrefix,
    protocol: number,
    port: number,
    zeroUndecoded: boolean,
  ): { prefix: Ip46; plen: number; protocol: number; port: number } {
    checkAddress(name, 'pfx.address', pfx.address);
    let prefix = decodeAddress(pfx.address);
    if (prefix === null) {
      if (!zeroUndecoded) {
        throw new SimulatedCrash(
          name,
          `pfx.address.af ${pfx.address.af} leaves the VIP address uninitialised`,
        );
      }
      prefix = new Uint8Array(16);
    }
    const plen = (pfx.len + (pfx.address.af === 0 ? 96 : 0)) & 0xff;
    if (plen > 128) {
      throw new SimulatedCrash(
        name,
        `prefix length ${pfx.len} (internal ${plen}) makes the host-bit mask undefined`,
      );
    }
    return { prefix: clearHostBits(prefix, plen), plen, protocol: port === 0 ? 255 : protocol, port };
  }

  /** lb_vip_port_find_index with LB_LKP_SAME_IP_PORT: an active VIP with this exact key. */
  #findVip(prefix: Ip46, plen: number, protocol: number, port: number): number | undefined {
    return this.#vipByKey.get(vipMapKey(prefix, plen, protocol, port));
  }

  /** The first active VIP on the prefix matching `pred` (other lookup kinds). */
  #findOnPrefix(prefix: Ip46, plen: number, pred: (v: VipRecord) => boolean): VipRecord | undefined {
    for (const [, v] of this.#vips.entries()) {
      if ((v.flags & VIP_FLAG_USED) !== 0 && v.plen === plen && ip46Equal(v.prefix, prefix) && pred(v))
        return v;
    }
    return undefined;
  }

  #addDelVip(name: string, m: LbAddDelVip, srcIpSticky: boolean): number {
    const key = this.#vipKey(name, m.pfx, m.protocol, m.port, true);
    if (m.is_del) {
      const index = this.#findVip(key.prefix, key.plen, key.protocol, key.port);
      if (index === undefined) return LbRetval.NO_SUCH_ENTRY;
      return this.#delVip(index);
    }
    const type = apiEncapToType(isIp4Prefix(key.prefix, key.plen), m.encap);
    return this.#addVip(name, key, type, m, srcIpSticky);
  }

  #addVip(
    name: string,
    key: { prefix: Ip46; plen: number; protocol: number; port: number },
    type: number,
    m: LbAddDelVip,
    srcIpSticky: boolean,
  ): number {
    const { prefix, plen, port } = key;
    if (this.#findVip(prefix, plen, key.protocol, port) !== undefined) return LbRetval.VALUE_EXIST;
    if (port !== 0 && this.#findOnPrefix(prefix, plen, (v) => v.port === 0)) return LbRetval.VALUE_EXIST;
    const sibling = this.#findOnPrefix(prefix, plen, (v) => v.protocol !== key.protocol || v.port !== port);
    if (port === 0 && sibling) return LbRetval.VALUE_EXIST;
    if (port !== 0 && sibling && sibling.type !== type) return LbRetval.INVALID_ARGUMENT;
    const length = m.new_flows_table_length >>> 0;
    if (!isPow2(length)) return LbRetval.INVALID_MEMORY_SIZE;
    if (isIp4Prefix(prefix, plen) && !isIp4Type(type)) return LbRetval.INVALID_ADDRESS_FAMILY;
    if (!isIp4Prefix(prefix, plen) && !isIp6Type(type)) return LbRetval.INVALID_ADDRESS_FAMILY;
    const dscp = m.dscp & 0x3f;
    if (type === T_IP4_L3DSR && dscp >= 64) return LbRetval.VALUE_EXIST;
    if (length === 0 || length > this.#maxTableLength) {
      throw new SimulatedCrash(
        name,
        length === 0
          ? 'new_flows_table_length 0 passes the power-of-two check and the table build asks for 2^32 entries'
          : `new_flows_table_length ${length} does not fit in the main heap (limit ${this.#maxTableLength})`,
      );
    }

    const now = this.#now();
    const { index: vipIndex, item } = this.#vips.get(() => ({
      prefix,
      plen,
      protocol: 255,
      port: 0,
      type,
      encapByte0: 0,
      targetPort: 0,
      flags: 0,
      lastGc: now,
      tableLength: length,
      table: null,
      counts: null,
      asSlots: new Pool<number>(),
      hasPortFilter: false,
    }));
    const vip = item;
    vip.prefix = prefix;
    vip.plen = plen;
    vip.protocol = port !== 0 ? key.protocol : 255;
    vip.port = port;
    vip.lastGc = now;
    vip.type = type;
    const nat = type === T_IP4_NAT4 || type === T_IP6_NAT6;
    // The request's srv_type is read without byte-swapping and truncated to its low byte,
    // which on a little-endian host is the first wire byte.
    const srvType = (m.type >>> 24) & 0xff;
    if (type === T_IP4_L3DSR) vip.encapByte0 = dscp;
    else if (nat) {
      vip.encapByte0 = srvType;
      vip.targetPort = m.target_port & 0xffff;
    }
    vip.flags = VIP_FLAG_USED | (srcIpSticky ? VIP_FLAG_SRC_IP_STICKY : 0);
    this.#vipByKey.set(vipMapKey(vip.prefix, vip.plen, vip.protocol, vip.port), vipIndex);
    vip.asSlots = new Pool<number>();
    vip.tableLength = length;
    this.#rebuild(vip);
    vip.hasPortFilter = false;
    // lb_vip_add_adjacency: a port VIP shares the entry of a VIP on the same prefix with
    // another protocol or port; otherwise the prefix gets its entry, before the NodePort
    // check below can still refuse the VIP.
    if (port === 0 || !sibling) this.fib.addSource(vipFibPrefix(vip), 'lb');

    if (nat && port !== 0 && srvType === SRV_TYPE_NODEPORT) {
      // The VIP exists from here on even though the reply says it already did.
      if (this.#nodePorts.has(port)) return LbRetval.VALUE_EXIST;
      this.#nodePorts.add(port);
    }
    vip.hasPortFilter = port !== 0;
    return LbRetval.OK;
  }

  #delVip(index: number): number {
    if (index === 0) return LbRetval.INVALID_VALUE;
    const vip = this.#vips.items[index] as VipRecord;
    const slots = [...vip.asSlots.entries()];
    if (slots.length > 0) {
      const now = this.#now();
      this.#vipGc(vip, now);
      // The removal is applied to every AS found before the pass, including any the pass
      // just freed: VPP writes those fields into the freed slots, where a reuse finds them.
      for (const [, asIndex] of slots) {
        const as = this.#ass.items[asIndex] as AsRecord;
        as.flags &= ~AS_FLAG_USED;
        as.lastUsed = now;
      }
      this.#rebuild(vip);
    }
    // lb_vip_del_adjacency: the entry stays while another VIP on the prefix uses it.
    const sharing =
      vip.port !== 0 &&
      this.#findOnPrefix(vip.prefix, vip.plen, (v) => v.protocol !== vip.protocol || v.port !== vip.port);
    if (!sharing) this.fib.removeSource(vipFibPrefix(vip), 'lb');
    const rv = vip.port !== 0 && !vip.hasPortFilter ? LbRetval.NO_SUCH_ENTRY : LbRetval.OK;
    vip.flags &= ~VIP_FLAG_USED;
    this.#vipByKey.delete(vipMapKey(vip.prefix, vip.plen, vip.protocol, vip.port));
    return rv;
  }

  /** The global index of the AS of `vip` with this address, active or removed. */
  #findAs(vip: VipRecord, address: Ip46): number | undefined {
    for (const [, asIndex] of vip.asSlots.entries()) {
      if (ip46Equal((this.#ass.items[asIndex] as AsRecord).address, address)) return asIndex;
    }
    return undefined;
  }

  #asRequest(
    name: string,
    m: { pfx: AddressWithPrefix; protocol: number; port: number; as_address: Address },
  ): { vipIndex: number; vip: VipRecord; address: Ip46 } | number {
    const key = this.#vipKey(name, m.pfx, m.protocol, m.port, false);
    checkAddress(name, 'as_address', m.as_address);
    const vipIndex = this.#findVip(key.prefix, key.plen, key.protocol, key.port);
    if (vipIndex === undefined) return LbRetval.NO_SUCH_ENTRY;
    const address = decodeAddress(m.as_address);
    if (address === null) {
      throw new SimulatedCrash(name, `as_address.af ${m.as_address.af} leaves the AS address uninitialised`);
    }
    return { vipIndex, vip: this.#vips.items[vipIndex] as VipRecord, address };
  }

  #addDelAs(name: string, m: LbAddDelAs, weight: number, _flush: boolean): number {
    const r = this.#asRequest(name, m);
    if (typeof r === 'number') return r;
    const { vipIndex, vip, address } = r;
    const now = this.#now();
    const found = this.#findAs(vip, address);
    if (m.is_del) {
      if (found === undefined) return LbRetval.NO_SUCH_ENTRY;
      this.#vipGc(vip, now);
      const as = this.#ass.items[found] as AsRecord;
      as.flags &= ~AS_FLAG_USED;
      as.lastUsed = now;
      // A flush would evict this AS's sticky entries; there are none without a data plane.
      this.#rebuild(vip);
      return LbRetval.OK;
    }
    const w = weight & 0xff;
    if (found !== undefined) {
      const as = this.#ass.items[found] as AsRecord;
      if ((as.flags & AS_FLAG_USED) !== 0) return LbRetval.VALUE_EXIST;
      as.flags = AS_FLAG_USED;
      as.weight = w;
    } else {
      if (isIp4(address) !== encapIsIp4(vip.type)) return LbRetval.INVALID_ADDRESS_FAMILY;
      const { index, item } = this.#ass.get(() => ({ address, flags: 0, weight: 0, lastUsed: 0, vipIndex }));
      item.address = address;
      item.flags = AS_FLAG_USED;
      item.weight = w;
      item.vipIndex = vipIndex;
      const slot = vip.asSlots.get(() => index);
      vip.asSlots.set(slot.index, index);
    }
    this.#rebuild(vip);
    this.#vipGc(vip, now);
    return LbRetval.OK;
  }

  #setWeight(name: string, m: LbAsSetWeight): number {
    const r = this.#asRequest(name, m);
    if (typeof r === 'number') return r;
    const found = this.#findAs(r.vip, r.address);
    if (found === undefined) return LbRetval.NO_SUCH_ENTRY;
    const as = this.#ass.items[found] as AsRecord;
    if ((as.flags & AS_FLAG_USED) === 0) return LbRetval.NO_SUCH_ENTRY;
    as.weight = m.weight & 0xff;
    this.#rebuild(r.vip);
    return LbRetval.OK;
  }

  #flushVip(m: LbFlushVip): number {
    // VPP looks the VIP up and then ignores the result; nothing to flush without a data plane.
    checkAddress('lb_flush_vip', 'pfx.address', m.pfx.address);
    return LbRetval.OK;
  }

  #natIntf(m: LbAddDelIntfNat, set: Set<number>): number {
    if (!this.#swIfIndexes.has(m.sw_if_index)) return LbRetval.INVALID_SW_IF_INDEX;
    if (m.is_add) set.add(m.sw_if_index);
    else set.delete(m.sw_if_index);
    return LbRetval.OK;
  }

  #cli(m: CliInband): CliInbandReply {
    return runCli(m.cmd, {
      state: this.#snapshot(),
      uptime: this.uptime(),
      wallClockMs: this.#wallClock(),
      lastBarrierRelease: this.#lastBarrier,
    });
  }

  /** lb_vip_update_new_flow_table: the table now follows the current AS set. */
  #rebuild(vip: VipRecord): void {
    vip.table = null;
    vip.counts = null;
  }

  /** The active ASes with weight > 0 as Maglev backends, with their global indices. */
  #members(vip: VipRecord): { indices: number[]; backends: MaglevBackend[] } {
    const indices: number[] = [];
    const backends: MaglevBackend[] = [];
    for (const [, asIndex] of vip.asSlots.entries()) {
      const as = this.#ass.items[asIndex] as AsRecord;
      if ((as.flags & AS_FLAG_USED) !== 0 && as.weight > 0) {
        indices.push(asIndex);
        backends.push({ address: as.address, weight: as.weight });
      }
    }
    return { indices, backends };
  }

  #table(vip: VipRecord): Uint32Array {
    if (vip.table === null) {
      const { indices, backends } = this.#members(vip);
      const built = buildMaglevTable(backends, vip.tableLength);
      const table = new Uint32Array(vip.tableLength);
      for (let i = 0; i < built.length; i++) {
        const b = built[i] as number;
        table[i] = b === MAGLEV_DROP ? 0 : (indices[b] as number);
      }
      vip.table = table;
    }
    return vip.table;
  }

  #bucketCounts(vip: VipRecord): Map<number, number> {
    if (vip.counts === null) {
      const { indices, backends } = this.#members(vip);
      const counts = maglevBucketCounts(backends, vip.tableLength);
      vip.counts = new Map(indices.map((asIndex, i) => [asIndex, counts[i] as number]));
    }
    return vip.counts;
  }

  /**
   * The VIP's new-flow table: the global AS index (SimAsState.asIndex) each slot sends new flows
   * to, 0 for drop.
   *
   * @throws RangeError for an index that is not a VIP of the pool (placeholder 0, a freed slot).
   */
  newFlowTable(vipIndex: number): Uint32Array {
    const vip = vipIndex > 0 && this.#vips.free[vipIndex] === false ? this.#vips.items[vipIndex] : undefined;
    if (vip === undefined) throw new RangeError(`newFlowTable: no VIP at pool index ${vipIndex}`);
    return Uint32Array.from(this.#table(vip));
  }

  // ---- dumps ---------------------------------------------------------------------------------

  #wireVip(vip: VipRecord): LbVip {
    return {
      pfx: {
        address: encodeAddress(vip.prefix),
        len: isIp4Prefix(vip.prefix, vip.plen) ? vip.plen - 96 : vip.plen,
      },
      protocol: vip.protocol,
      port: vip.port,
    };
  }

  /** lb_vip_dump: every active VIP; the request's fields filter nothing. */
  #vipDump(_m: LbVipDump): LbVipDetails[] {
    const out: LbVipDetails[] = [];
    for (const [index, vip] of this.#vips.entries()) {
      if (index === 0 || (vip.flags & VIP_FLAG_USED) === 0) continue;
      out.push({
        vip: this.#wireVip(vip),
        encap: typeToApiEncap(vip.type),
        dscp: vip.encapByte0,
        // Written unswapped into a u32: wire bytes [v, 0, 0, 0].
        srv_type: (vip.encapByte0 << 24) >>> 0,
        // Swapped on add and again on dump.
        target_port: bswap16(vip.targetPort),
        flow_table_length: vip.tableLength & 0xffff,
      });
    }
    return out;
  }

  /**
   * lb_as_dump / lb_as_v2_dump: all VIPs (deleted ones included) when the 16 address bytes are
   * zero, otherwise those whose stored prefix equals the raw bytes and whose protocol and port
   * equal the request's, unnormalised.
   */
  #asDump(m: LbAsDump, v2: boolean): (LbAsDetails | LbAsV2Details)[] {
    checkAddress(v2 ? 'lb_as_v2_dump' : 'lb_as_dump', 'pfx.address', m.pfx.address);
    const raw = m.pfx.address.un;
    const all = raw.every((b) => b === 0);
    const out: (LbAsDetails | LbAsV2Details)[] = [];
    for (const [, vip] of this.#vips.entries()) {
      if (!all && !(ip46Equal(raw, vip.prefix) && m.protocol === vip.protocol && m.port === vip.port))
        continue;
      const counts = v2 ? this.#bucketCounts(vip) : undefined;
      for (const [, asIndex] of vip.asSlots.entries()) {
        if (asIndex === 0) continue;
        const as = this.#ass.items[asIndex] as AsRecord;
        const d: LbAsDetails = {
          vip: this.#wireVip(vip),
          app_srv: encodeAddress(as.address),
          flags: as.flags,
          in_use_since: as.lastUsed,
        };
        out.push(counts ? { ...d, weight: as.weight, num_buckets: counts.get(asIndex) ?? 0 } : d);
      }
    }
    return out;
  }

  // ---- inspection ----------------------------------------------------------------------------

  /** A snapshot of the whole plugin state at the current uptime (due GC passes applied). */
  getState(): SimState {
    this.tick();
    return this.#snapshot();
  }

  #snapshot(): SimState {
    const vips: SimVipState[] = [];
    for (const [index, vip] of this.#vips.entries()) {
      if (index === 0) continue;
      const counts = this.#bucketCounts(vip);
      const ases: SimAsState[] = [];
      for (const [slot, asIndex] of vip.asSlots.entries()) {
        const as = this.#ass.items[asIndex] as AsRecord;
        ases.push({
          slot,
          asIndex,
          address: formatIp46(as.address),
          weight: as.weight,
          flags: as.flags,
          numBuckets: counts.get(asIndex) ?? 0,
          inUseSince: as.lastUsed,
        });
      }
      vips.push({
        index,
        prefix: formatIp46Prefix(vip.prefix, vip.plen),
        plen: vip.plen,
        protocol: vip.protocol,
        port: vip.port,
        type: VIP_TYPE_NAMES[vip.type] as VipTypeName,
        encap: typeToApiEncap(vip.type),
        flags: vip.flags,
        used: (vip.flags & VIP_FLAG_USED) !== 0,
        srcIpSticky: (vip.flags & VIP_FLAG_SRC_IP_STICKY) !== 0,
        flowTableLength: vip.tableLength,
        lastGc: vip.lastGc,
        dscp: vip.encapByte0,
        srvType: vip.encapByte0,
        targetPort: vip.targetPort,
        ases,
      });
    }
    return {
      uptime: this.uptime(),
      conf: {
        ip4SrcAddress: formatIp4(this.#conf.ip4),
        ip6SrcAddress: formatIp6(this.#conf.ip6),
        stickyBucketsPerCore: this.#conf.stickyBuckets,
        flowTimeout: this.#conf.flowTimeout,
      },
      vips,
      vipPoolElements: this.#vips.size,
      asPoolElements: this.#ass.size - 1,
      nat4Interfaces: [...this.#nat4].sort((a, b) => a - b),
      nat6Interfaces: [...this.#nat6].sort((a, b) => a - b),
      routes: this.fib.routes(),
    };
  }

  /** The stats index of the FIB entry an active VIP's traffic goes through, if it has one. */
  vipRouteStatsIndex(vipIndex: number): number | undefined {
    const vip = this.#vips.items[vipIndex];
    if (vipIndex === 0 || !vip || this.#vips.free[vipIndex] || (vip.flags & VIP_FLAG_USED) === 0)
      return undefined;
    const p = vipFibPrefix(vip);
    return this.fib.lookup(p.proto, p.address, p.len, true)?.statsIndex;
  }

  /**
   * vl_api_ip_route_lookup_t_handler: only table 0 exists (another id is NO_SUCH_FIB); a prefix
   * with no entry is NO_SUCH_ENTRY. Either error comes with an all-zero route, as
   * REPLY_MACRO3_ZERO sends it.
   */
  #routeLookup(m: IpRouteLookup): IpRouteLookupReply {
    const name = 'ip_route_lookup';
    checkAddress(name, 'prefix.address', m.prefix?.address);
    const af = m.prefix.address.af;
    if (af !== ADDRESS_IP4 && af !== ADDRESS_IP6) {
      throw new SimulatedCrash(
        name,
        `prefix.address.af ${af} leaves the lookup's FIB protocol uninitialised`,
      );
    }
    const proto = af === ADDRESS_IP4 ? 'ip4' : 'ip6';
    const len = m.prefix.len;
    const zero = (retval: number): IpRouteLookupReply => ({
      retval,
      route: {
        table_id: 0,
        stats_index: 0,
        prefix: { address: { af: 0, un: new Uint8Array(16) }, len: 0 },
        n_paths: 0,
        paths: [],
      },
    });
    if (m.table_id !== 0) return zero(LbRetval.NO_SUCH_FIB);
    if (len > FibSim.maxLength(proto)) {
      throw new SimulatedCrash(
        name,
        `prefix length ${len} indexes past the ${proto} FIB's per-length mask and hash tables`,
      );
    }
    const address = m.prefix.address.un.subarray(0, proto === 'ip4' ? 4 : 16);
    const found = this.fib.lookup(proto, address, len, m.exact !== 0);
    if (!found) return zero(LbRetval.NO_SUCH_ENTRY);
    const un = new Uint8Array(16);
    un.set(found.prefix.address);
    return {
      retval: LbRetval.OK,
      route: {
        table_id: m.table_id,
        stats_index: found.statsIndex,
        prefix: { address: { af, un }, len: found.prefix.len },
        n_paths: 0,
        paths: [],
      },
    };
  }
}

/** The FIB prefix of a VIP: the lb plugin takes the family from the VIP's type. */
function vipFibPrefix(vip: VipRecord): FibPrefix {
  return isIp4Type(vip.type)
    ? { proto: 'ip4', address: vip.prefix.subarray(12, 16), len: vip.plen - 96 }
    : { proto: 'ip6', address: vip.prefix, len: vip.plen };
}

function failedReply(name: SimReplyName, retval: number): RetvalReply {
  switch (name) {
    case 'lb_conf_get':
      return {
        retval,
        ip4_src_address: new Uint8Array(4),
        ip6_src_address: new Uint8Array(16),
        sticky_buckets_per_core: 0,
        flow_timeout: 0,
      } as LbConfGetReply;
    case 'cli_inband':
      return { retval, reply: '' } as CliInbandReply;
    default:
      return { retval };
  }
}

function checkBytes(name: string, field: string, b: unknown, length: number): void {
  if (!(b instanceof Uint8Array) || b.length !== length) {
    throw new SimInputError(name, field, `expected a Uint8Array of ${length} bytes`);
  }
}

function checkAddress(name: string, field: string, a: Address | undefined): void {
  if (a === undefined || typeof a.af !== 'number') throw new SimInputError(name, field, 'expected {af, un}');
  checkBytes(name, `${field}.un`, a.un, 16);
}
