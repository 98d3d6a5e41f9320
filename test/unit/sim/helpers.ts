/** Request builders for the lb simulator tests. */
import { ManualClock } from '../../../lib/sim/clock.js';
import { LbPluginSim, type LbPluginSimOptions } from '../../../lib/sim/lb-plugin.js';
import type {
  Address,
  LbAddDelAsV2,
  LbAddDelVipV2,
  LbAsDump,
  LbAsSetWeight,
  LbVip,
} from '../../../lib/sim/wire-types.js';

/** 16 bytes of an IPv6 text address (full or with one "::"). */
export function ip6Bytes(text: string): Uint8Array {
  const dotted = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [, lead = '', a, b, c, d] = dotted;
    const hi = ((Number(a) << 8) | Number(b)).toString(16);
    const lo = ((Number(c) << 8) | Number(d)).toString(16);
    return ip6Bytes(`${lead}${hi}:${lo}`);
  }
  const [head = '', tail] = text.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g)))
    throw new Error(`bad IPv6 ${text}`);
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = Number.parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  return out;
}

/** An API address from text: dotted quad is af 0, anything else af 1. */
export function addr(text: string): Address {
  const un = new Uint8Array(16);
  if (/^\d+\.\d+\.\d+\.\d+$/.test(text)) {
    un.set(text.split('.').map(Number), 0);
    return { af: 0, un };
  }
  return { af: 1, un: ip6Bytes(text) };
}

/** The 16-byte ip46 form of an IPv4 text address (12 zero bytes + address). */
export function ip46v4(text: string): Uint8Array {
  const un = new Uint8Array(16);
  un.set(text.split('.').map(Number), 12);
  return un;
}

/** A VIP key from "prefix/len", protocol and port. */
export function vip(prefix: string, protocol = 255, port = 0): LbVip {
  const [a = '', len = ''] = prefix.split('/');
  return { pfx: { address: addr(a), len: Number(len) }, protocol, port };
}

export function vipAdd(key: LbVip, extra: Partial<LbAddDelVipV2> = {}): LbAddDelVipV2 {
  return {
    ...key,
    encap: 0,
    dscp: 0,
    type: 0,
    target_port: 0,
    node_port: 0,
    new_flows_table_length: 1024,
    src_ip_sticky: false,
    is_del: false,
    ...extra,
  };
}

export function vipDel(key: LbVip): LbAddDelVipV2 {
  return vipAdd(key, { is_del: true });
}

export function asAdd(key: LbVip, as: string, weight = 100, extra: Partial<LbAddDelAsV2> = {}): LbAddDelAsV2 {
  return { ...key, as_address: addr(as), weight, is_del: false, is_flush: false, ...extra };
}

export function asDel(key: LbVip, as: string, flush = false): LbAddDelAsV2 {
  return { ...key, as_address: addr(as), weight: 0, is_del: true, is_flush: flush };
}

export function setWeight(key: LbVip, as: string, weight: number, flush = false): LbAsSetWeight {
  return { ...key, as_address: addr(as), weight, is_flush: flush };
}

/** lb_as_dump request with every field given explicitly (no normalisation). */
export function asDumpReq(
  un: Uint8Array = new Uint8Array(16),
  protocol = 0,
  port = 0,
  af = 1,
  len = 0,
): LbAsDump {
  return { pfx: { address: { af, un }, len }, protocol, port };
}

export const ALL = asDumpReq();

/** A simulator on a manual clock starting at uptime 0. */
export function makeSim(options: Partial<LbPluginSimOptions> = {}): { sim: LbPluginSim; clock: ManualClock } {
  const clock = new ManualClock(0);
  const sim = new LbPluginSim({
    clock: clock.now,
    wallClock: () => Date.UTC(2026, 7, 22, 3, 0, 55),
    ...options,
  });
  return { sim, clock };
}

/** Text of a details address: dotted quad for af 0, hex for af 1 (tests only compare). */
export function addrText(a: Address): string {
  if (a.af === 0) return Array.from(a.un.subarray(0, 4)).join('.');
  return Buffer.from(a.un).toString('hex');
}
