/**
 * VPP's ip46 address form and the few operations the lb plugin does on it: decoding an API
 * address, re-encoding one with the family inferred from the bytes, clearing host bits and
 * printing the way VPP's format functions do.
 */
import type { Address } from './wire-types.js';

/** 16 bytes; IPv4 is 12 zero bytes followed by the 4 address bytes. */
export type Ip46 = Uint8Array;

/** API address_family values. */
export const ADDRESS_IP4 = 0;
export const ADDRESS_IP6 = 1;

/**
 * ip_address_decode: af 0 takes the first 4 union bytes into the IPv4 position and zeroes the
 * rest; af 1 takes all 16; any other af leaves the destination untouched, which is null here.
 */
export function decodeAddress(a: Address): Ip46 | null {
  if (a.un.length !== 16) throw new RangeError(`address.un: expected 16 bytes, got ${a.un.length}`);
  if (a.af === ADDRESS_IP4) {
    const out = new Uint8Array(16);
    out.set(a.un.subarray(0, 4), 12);
    return out;
  }
  if (a.af === ADDRESS_IP6) return Uint8Array.from(a.un);
  return null;
}

/** ip46_address_is_ip4: the first 12 bytes are zero. */
export function isIp4(a: Ip46): boolean {
  for (let i = 0; i < 12; i++) if (a[i] !== 0) return false;
  return true;
}

/** ip46_prefix_is_ip4: IPv4 by bytes and a length that can be one (≥ 96). */
export function isIp4Prefix(a: Ip46, plen: number): boolean {
  return plen >= 96 && isIp4(a);
}

/** ip_address_encode with IP46_TYPE_ANY: the family comes from the bytes. */
export function encodeAddress(a: Ip46): Address {
  const un = new Uint8Array(16);
  if (isIp4(a)) {
    un.set(a.subarray(12, 16), 0);
    return { af: ADDRESS_IP4, un };
  }
  un.set(a);
  return { af: ADDRESS_IP6, un };
}

/** A copy of `a` with the bits beyond `plen` cleared (ip46_prefix_normalize, plen ≤ 128). */
export function clearHostBits(a: Ip46, plen: number): Ip46 {
  const out = Uint8Array.from(a);
  for (let bit = plen; bit < 128; bit++) {
    const byte = bit >> 3;
    out[byte] = (out[byte] as number) & ~(0x80 >> (bit & 7));
  }
  return out;
}

export function ip46Equal(a: Ip46, b: Ip46): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function formatIp4(b: Uint8Array, offset = 0): string {
  return `${b[offset]}.${b[offset + 1]}.${b[offset + 2]}.${b[offset + 3]}`;
}

/**
 * format_ip6_address: lower-case hex groups, the longest run of two or more zero groups (the
 * first one on a tie) written as "::". That is RFC 5952 form, without dotted IPv4 tails.
 */
export function formatIp6(b: Uint8Array): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push(((b[2 * i] as number) << 8) | (b[2 * i + 1] as number));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return g.map((x) => x.toString(16)).join(':');
  const head = g.slice(0, best).map((x) => x.toString(16));
  const tail = g.slice(best + bestLen).map((x) => x.toString(16));
  return `${head.join(':')}::${tail.join(':')}`;
}

/** format_ip46_address with IP46_TYPE_ANY. */
export function formatIp46(a: Ip46): string {
  return isIp4(a) ? formatIp4(a, 12) : formatIp6(a);
}

/** The lb plugin's format_ip46_prefix with IP46_TYPE_ANY: IPv4 only when plen ≥ 96. */
export function formatIp46Prefix(a: Ip46, plen: number): string {
  return isIp4Prefix(a, plen) ? `${formatIp4(a, 12)}/${plen - 96}` : `${formatIp6(a)}/${plen}`;
}
