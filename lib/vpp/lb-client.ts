import {
  addressFromString,
  addressToString,
  ip4FromString,
  ip4ToString,
  ip6FromString,
  ip6ToString,
  prefixFromString,
  prefixToString,
  VppApiError,
  type VppConnection,
  type VppRequestOptions,
} from '../../vpp-api/index.js';
import type { LbOp } from '../model/lb.js';
import { parseShowLbVipsVerbose, type ShowLbVip } from './show-lb-vips.js';
import {
  type LbAs,
  type LbConf,
  type LbEncap,
  type LbState,
  type LbVip,
  type VipKey,
  vipKeyString,
} from './types.js';

/**
 * An argument VPP would accept but that crashes or corrupts it, or that is malformed (a bad
 * address, a port out of range); nothing was sent.
 *
 * @public
 */
export class VppInvalidArgumentError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'VPP_INVALID_ARGUMENT' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'VppInvalidArgumentError';
  constructor(
    /** The VPP message that was not sent, e.g. "lb_add_del_vip_v2". */
    readonly operation: string,
    /** The offending argument, e.g. "new_flows_table_length" or "address". */
    readonly argument: string,
    reason: string,
  ) {
    super(`${operation}: invalid ${argument}: ${reason}`);
  }
}

/** VNET_API_ERROR_NO_SUCH_ENTRY. */
const NO_SUCH_ENTRY = -6;

const ENCAP_CODE: Readonly<Record<LbEncap, number>> = { gre4: 0, gre6: 1, l3dsr: 2, nat4: 3, nat6: 4 };
const ENCAP_NAME: readonly LbEncap[] = ['gre4', 'gre6', 'l3dsr', 'nat4', 'nat6'];

/**
 * The longest new-flow table a VIP may get, in buckets. VPP's `lb_vip_details.flow_table_length`
 * is u16: only lengths up to 32768 read back.
 *
 * @public
 */
export const MAX_FLOW_TABLE_LENGTH = 32768;

/**
 * The new-flow table length, in buckets, {@link VppLbClient.addVip} sends when given none:
 * VPP's documented default, which VPP does not apply on the wire itself.
 *
 * @public
 */
export const DEFAULT_FLOW_TABLE_LENGTH = 1024;

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

/**
 * Options of {@link VppLbClient.addVip}.
 *
 * @public
 */
export interface AddVipOptions {
  /** Encapsulation towards the application servers; only "gre4" and "gre6" are accepted. */
  readonly encap: LbEncap;
  /**
   * Hash flows on the source and destination addresses only (ports ignored), so every
   * connection of one client to the VIP goes to one AS. Default false.
   */
  readonly srcIpSticky?: boolean;
  /** Buckets of the new-flow table: power of two, 1..32768; default 1024. Always sent: VPP does not apply the .api default. */
  readonly flowTableLength?: number;
}

/**
 * Typed operations on VPP's lb plugin over one VPP connection. Arguments that VPP does not
 * validate and that crash or corrupt it (LB-PLUGIN.md) are refused with VppInvalidArgumentError
 * before anything is sent; VPP's refusals arrive as VppApiError with its error name.
 *
 * Every method rejects with whatever `conn` throws (VppClient's throws
 * {@link VppNotConnected} while disconnected), and with the connection's errors (timeout,
 * connection lost).
 *
 * @public
 */
export class VppLbClient {
  /**
   * @param conn - Returns the connection to use for each call; called once per call, so a
   *   reconnecting owner can hand out its current connection.
   * @param opts - Request options applied to every call (timeout, abort signal).
   */
  constructor(
    private readonly conn: () => VppConnection,
    private readonly opts: VppRequestOptions = {},
  ) {}

  #vipArgs(op: string, key: VipKey) {
    let pfx: ReturnType<typeof prefixFromString>;
    try {
      pfx = prefixFromString(key.prefix);
    } catch (e) {
      throw new VppInvalidArgumentError(op, 'prefix', (e as Error).message);
    }
    if (!Number.isInteger(key.port) || key.port < 0 || key.port > 65535) {
      throw new VppInvalidArgumentError(op, 'port', `${key.port} is not 0-65535`);
    }
    if (!Number.isInteger(key.protocol) || key.protocol < 0 || key.protocol > 255) {
      throw new VppInvalidArgumentError(op, 'protocol', `${key.protocol} is not 0-255`);
    }
    return { pfx, protocol: key.port === 0 ? 255 : key.protocol, port: key.port };
  }

  #address(op: string, address: string) {
    try {
      return addressFromString(address);
    } catch (e) {
      throw new VppInvalidArgumentError(op, 'address', (e as Error).message);
    }
  }

  #weight(op: string, weight: number): number {
    if (!Number.isInteger(weight) || weight < 0 || weight > 100) {
      throw new VppInvalidArgumentError(op, 'weight', `${weight} is not 0-100`);
    }
    return weight;
  }

  /** VPP's global lb configuration (lb_conf_get). */
  async getConf(): Promise<LbConf> {
    const r = await this.conn().request('lb_conf_get', {}, this.opts);
    return {
      ip4SrcAddress: ip4ToString(r.ip4_src_address),
      ip6SrcAddress: ip6ToString(r.ip6_src_address),
      stickyBucketsPerCore: r.sticky_buckets_per_core,
      flowTimeout: r.flow_timeout,
    };
  }

  /**
   * Sets VPP's global lb configuration (lb_conf), every field explicitly.
   *
   * @throws {@link VppInvalidArgumentError} when stickyBucketsPerCore is not a power of two
   *   up to 2^25, flowTimeout is not 1-120 seconds, or a source address does not parse.
   */
  async setConf(conf: LbConf): Promise<void> {
    if (!isPowerOfTwo(conf.stickyBucketsPerCore) || conf.stickyBucketsPerCore > 2 ** 25) {
      throw new VppInvalidArgumentError(
        'lb_conf',
        'sticky_buckets_per_core',
        `${conf.stickyBucketsPerCore} is not a power of 2 in 1..2^25`,
      );
    }
    if (!Number.isInteger(conf.flowTimeout) || conf.flowTimeout < 1 || conf.flowTimeout > 120) {
      throw new VppInvalidArgumentError(
        'lb_conf',
        'flow_timeout',
        `${conf.flowTimeout} is not 1-120 seconds`,
      );
    }
    let ip4: Uint8Array;
    let ip6: Uint8Array;
    try {
      ip4 = ip4FromString(conf.ip4SrcAddress);
      ip6 = ip6FromString(conf.ip6SrcAddress);
    } catch (e) {
      throw new VppInvalidArgumentError('lb_conf', 'source address', (e as Error).message);
    }
    await this.conn().request(
      'lb_conf',
      {
        ip4_src_address: ip4,
        ip6_src_address: ip6,
        sticky_buckets_per_core: conf.stickyBucketsPerCore,
        flow_timeout: conf.flowTimeout,
      },
      this.opts,
    );
  }

  /**
   * Every active VIP (lb_vip_dump, whose filters VPP ignores), without its ASes. A
   * flowTableLength VPP reports as 0 (65536 overflowed its u16) reads as 65536.
   */
  async listVips(): Promise<Array<VipKey & { encap: LbEncap; flowTableLength: number }>> {
    const rows = await this.conn().dump(
      'lb_vip_dump',
      {
        pfx: { address: { af: 0, un: new Uint8Array(16) }, len: 0 },
        pfx_matcher: { le: 255, ge: 255 },
        protocol: 255,
        port: 0,
      },
      this.opts,
    );
    return rows.map((r) => ({
      prefix: prefixToString(r.vip.pfx),
      protocol: r.vip.protocol,
      port: r.vip.port,
      encap: ENCAP_NAME[r.encap] ?? 'gre4',
      flowTableLength: r.flow_table_length === 0 ? 65536 : r.flow_table_length,
    }));
  }

  /**
   * Every AS slot of every VIP: the unfiltered lb_as_v2_dump, because VPP's filter never
   * matches an IPv4 VIP. Filter on the client. Removed slots (flags 0) are included.
   */
  async listAses(): Promise<Array<{ vip: VipKey; as: LbAs }>> {
    const rows = await this.conn().dump(
      'lb_as_v2_dump',
      { pfx: { address: { af: 0, un: new Uint8Array(16) }, len: 0 }, protocol: 0, port: 0 },
      this.opts,
    );
    return rows.map((r) => ({
      vip: { prefix: prefixToString(r.vip.pfx), protocol: r.vip.protocol, port: r.vip.port },
      as: {
        address: addressToString(r.app_srv),
        weight: r.weight,
        numBuckets: r.num_buckets,
        flags: r.flags,
        inUseSince: r.in_use_since,
      },
    }));
  }

  /**
   * The stats index of the FIB entry of exactly this prefix in table 0 (`ip_route_lookup`,
   * exact): the index of its packets and bytes in the stats segment's `/net/route/to`. A VIP's
   * prefix has one while the VIP exists. Null when VPP has no such entry (NO_SUCH_ENTRY).
   *
   * @throws {@link VppInvalidArgumentError} when `prefix` does not parse.
   */
  async routeStatsIndex(prefix: string): Promise<number | null> {
    let pfx: ReturnType<typeof prefixFromString>;
    try {
      pfx = prefixFromString(prefix);
    } catch (e) {
      throw new VppInvalidArgumentError('ip_route_lookup', 'prefix', (e as Error).message);
    }
    try {
      const r = await this.conn().request(
        'ip_route_lookup',
        { table_id: 0, exact: 1, prefix: pfx },
        this.opts,
      );
      return r.route.stats_index;
    } catch (e) {
      if (e instanceof VppApiError && e.retval === NO_SUCH_ENTRY) return null;
      throw e;
    }
  }

  /**
   * Runs a VPP CLI command (cli_inband) and returns its output, trailing NULs removed. A CLI
   * error is part of the output, not a rejection.
   */
  async cliInband(cmd: string): Promise<string> {
    const r = await this.conn().request('cli_inband', { cmd }, this.opts);
    return r.reply.replace(/\0+$/, '');
  }

  /**
   * `show lb vips verbose`: the only source of src_ip_sticky and of the VIP pool index.
   *
   * @throws {@link ShowLbVipsParseError} when the output does not have the expected shape.
   */
  async listVipIndexes(): Promise<ShowLbVip[]> {
    return parseShowLbVipsVerbose(await this.cliInband('show lb vips verbose'));
  }

  /**
   * The global conf and every VIP with all its AS slots; the reads are pipelined. When the
   * CLI output cannot be read or parsed, srcIpSticky and index are null rather than failing.
   */
  async getState(): Promise<LbState> {
    const [conf, vips, ases, cli] = await Promise.all([
      this.getConf(),
      this.listVips(),
      this.listAses(),
      this.listVipIndexes().catch(() => [] as ShowLbVip[]),
    ]);
    const extra = new Map<string, ShowLbVip>();
    for (const v of cli) if (!v.removed) extra.set(vipKeyString(v), v);
    const byVip = new Map<string, LbAs[]>();
    for (const { vip, as } of ases) {
      const k = vipKeyString(vip);
      const list = byVip.get(k) ?? [];
      list.push(as);
      byVip.set(k, list);
    }
    const out: LbVip[] = vips.map((v) => {
      const k = vipKeyString(v);
      const x = extra.get(k);
      return {
        prefix: v.prefix,
        protocol: v.protocol,
        port: v.port,
        encap: v.encap,
        srcIpSticky: x ? x.srcIpSticky : null,
        index: x ? x.index : null,
        flowTableLength: v.flowTableLength,
        ases: byVip.get(k) ?? [],
      };
    });
    return { conf, vips: out };
  }

  /**
   * One VIP's state, or null when VPP does not have it. Reads the whole state: VPP's dump
   * filters cannot be trusted.
   */
  async getVipState(key: VipKey): Promise<LbVip | null> {
    const k = vipKeyString({ ...key, protocol: key.port === 0 ? 255 : key.protocol });
    return (await this.getState()).vips.find((v) => vipKeyString(v) === k) ?? null;
  }

  /**
   * Adds a VIP (lb_add_del_vip_v2). A port of 0 makes it an all-port VIP (protocol 255).
   *
   * @throws {@link VppInvalidArgumentError} for a flow table length that is not a power of
   *   two up to {@link MAX_FLOW_TABLE_LENGTH}, an encap other than gre4/gre6, or a bad
   *   prefix, port or protocol.
   */
  async addVip(key: VipKey, opts: AddVipOptions): Promise<void> {
    const length = opts.flowTableLength ?? DEFAULT_FLOW_TABLE_LENGTH;
    if (!isPowerOfTwo(length) || length > MAX_FLOW_TABLE_LENGTH) {
      throw new VppInvalidArgumentError(
        'lb_add_del_vip_v2',
        'new_flows_table_length',
        `${length} is not a power of 2 in 1..${MAX_FLOW_TABLE_LENGTH}`,
      );
    }
    if (opts.encap !== 'gre4' && opts.encap !== 'gre6') {
      throw new VppInvalidArgumentError(
        'lb_add_del_vip_v2',
        'encap',
        `${opts.encap} is not supported (gre4 or gre6)`,
      );
    }
    const v = this.#vipArgs('lb_add_del_vip_v2', key);
    await this.conn().request(
      'lb_add_del_vip_v2',
      {
        ...v,
        encap: ENCAP_CODE[opts.encap],
        dscp: 0,
        type: 0,
        target_port: 0,
        node_port: 0,
        new_flows_table_length: length,
        src_ip_sticky: opts.srcIpSticky ?? false,
        is_del: false,
      },
      this.opts,
    );
  }

  /**
   * Deletes a VIP (lb_add_del_vip_v2); VPP answers NO_SUCH_ENTRY (-6) when it has none. Delete
   * its ASes with flush first: VPP accepts a VIP that still has ASes but leaves their sticky
   * flows and records lingering.
   *
   * @throws {@link VppInvalidArgumentError} for a bad prefix, port or protocol.
   */
  async delVip(key: VipKey): Promise<void> {
    const v = this.#vipArgs('lb_add_del_vip_v2', key);
    await this.conn().request(
      'lb_add_del_vip_v2',
      {
        ...v,
        encap: 0,
        dscp: 0,
        type: 0,
        target_port: 0,
        node_port: 0,
        new_flows_table_length: DEFAULT_FLOW_TABLE_LENGTH,
        src_ip_sticky: false,
        is_del: true,
      },
      this.opts,
    );
  }

  /**
   * Adds an application server to a VIP, or revives a removed one (lb_add_del_as_v2).
   *
   * @param weight - 0-100.
   * @throws {@link VppInvalidArgumentError} for a bad VIP key, address or weight.
   */
  async addAs(key: VipKey, address: string, weight: number, flush = false): Promise<void> {
    const v = this.#vipArgs('lb_add_del_as_v2', key);
    await this.conn().request(
      'lb_add_del_as_v2',
      {
        ...v,
        as_address: this.#address('lb_add_del_as_v2', address),
        weight: this.#weight('lb_add_del_as_v2', weight),
        is_del: false,
        is_flush: flush,
      },
      this.opts,
    );
  }

  /**
   * Deletes an application server from a VIP (lb_add_del_as_v2); VPP keeps the slot as
   * removed until its garbage collection.
   *
   * @param flush - Also evict the AS's sticky flows; without it they run on until they expire.
   * @throws {@link VppInvalidArgumentError} for a bad VIP key or address.
   */
  async delAs(key: VipKey, address: string, flush: boolean): Promise<void> {
    const v = this.#vipArgs('lb_add_del_as_v2', key);
    await this.conn().request(
      'lb_add_del_as_v2',
      {
        ...v,
        as_address: this.#address('lb_add_del_as_v2', address),
        weight: 0,
        is_del: true,
        is_flush: flush,
      },
      this.opts,
    );
  }

  /**
   * Sets an application server's weight (lb_as_set_weight).
   *
   * @param weight - 0-100; 0 gives the AS no new flows.
   * @param flush - Also evict the AS's sticky flows (for a dead or disabled backend).
   * @throws {@link VppInvalidArgumentError} for a bad VIP key, address or weight.
   */
  async setAsWeight(key: VipKey, address: string, weight: number, flush: boolean): Promise<void> {
    const v = this.#vipArgs('lb_as_set_weight', key);
    await this.conn().request(
      'lb_as_set_weight',
      {
        ...v,
        as_address: this.#address('lb_as_set_weight', address),
        weight: this.#weight('lb_as_set_weight', weight),
        is_flush: flush,
      },
      this.opts,
    );
  }

  /**
   * Evicts every sticky entry of the VIP (VPP answers 0 even when the VIP does not exist).
   *
   * @throws {@link VppInvalidArgumentError} for a bad prefix, port or protocol.
   */
  async flushVip(key: VipKey): Promise<void> {
    await this.conn().request('lb_flush_vip', this.#vipArgs('lb_flush_vip', key), this.opts);
  }

  /**
   * Executes one reconciler op with the matching call above, so a VppLbClient serves as the
   * reconciler's LbDataplane.
   */
  execute(op: LbOp): Promise<void> {
    switch (op.kind) {
      case 'conf-set':
        return this.setConf(op.conf);
      case 'vip-add':
        return this.addVip(op.vip, {
          encap: op.encap,
          srcIpSticky: op.srcIpSticky,
          flowTableLength: op.flowTableLength,
        });
      case 'vip-del':
        return this.delVip(op.vip);
      case 'as-add':
        return this.addAs(op.vip, op.address, op.weight, op.flush);
      case 'as-del':
        return this.delAs(op.vip, op.address, op.flush);
      case 'as-weight':
        return this.setAsWeight(op.vip, op.address, op.weight, op.flush);
    }
  }
}
