/**
 * Text ↔ wire forms of ip_types: `address` ({af, un}), `prefix` ({address, len}) and the bare
 * ip4/ip6 byte arrays. Text output is canonical: dotted quad for IPv4, RFC 5952 for IPv6 (lower
 * case, longest zero run compressed, IPv4-mapped addresses as ::ffff:a.b.c.d).
 */
import type { Address, Prefix } from './generated/ip_types.js';

/**
 * `address_family` value of an IPv4 `address` (`AddressFamily.ADDRESS_IP4`).
 *
 * @public
 */
export const ADDRESS_IP4 = 0;
/**
 * `address_family` value of an IPv6 `address` (`AddressFamily.ADDRESS_IP6`).
 *
 * @public
 */
export const ADDRESS_IP6 = 1;

/**
 * Text that is not an IP address or prefix, or an address that cannot be printed.
 *
 * @public
 */
export class VppAddressError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'VPP_ADDRESS' as const;
  /** The message text is the JSON-quoted input, then the detail. */
  constructor(
    /** The text refused; for bytes or a family that cannot be printed, a description of them. */
    readonly input: string,
    /** What is wrong, e.g. `an IPv4 address has 4 dotted parts`. */
    readonly detail: string,
  ) {
    super(`${JSON.stringify(input)}: ${detail}`);
    this.name = 'VppAddressError';
  }
}

function parseIp4Into(s: string, out: Uint8Array, at: number, input: string): void {
  const parts = s.split('.');
  if (parts.length !== 4) throw new VppAddressError(input, 'an IPv4 address has 4 dotted parts');
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    // Leading zeros are refused: some parsers read them as octal.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255) {
      throw new VppAddressError(input, `bad IPv4 part ${JSON.stringify(p)}`);
    }
    out[at + i] = Number(p);
  }
}

/**
 * `192.0.2.1` → its 4 bytes (the `ip4_address` form, as in `lb_conf`). Leading zeros in a part
 * are refused (some parsers read them as octal).
 *
 * @throws {@link VppAddressError} for anything but a dotted quad
 * @public
 */
export function ip4FromString(s: string): Uint8Array {
  const out = new Uint8Array(4);
  parseIp4Into(s, out, 0, s);
  return out;
}

/**
 * `2001:db8::1` (or `::ffff:192.0.2.1`) → its 16 bytes (the `ip6_address` form).
 *
 * @throws {@link VppAddressError} for anything but IPv6 text; zone ids (`%eth0`) are refused
 * @public
 */
export function ip6FromString(s: string): Uint8Array {
  if (s.includes('%')) throw new VppAddressError(s, 'zone ids are not supported');
  const lastColon = s.lastIndexOf(':');
  if (lastColon < 0) throw new VppAddressError(s, 'not an IPv6 address');
  let text = s;
  let v4: Uint8Array | undefined;
  if (s.includes('.', lastColon)) {
    // A trailing dotted quad stands for the last two groups.
    v4 = new Uint8Array(4);
    parseIp4Into(s.slice(lastColon + 1), v4, 0, s);
    text = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) throw new VppAddressError(s, "'::' may appear only once");
  const groups = (h: string): string[] => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const total = head.length + tail.length;
  if (halves.length === 1 ? total !== 8 : total > 7)
    throw new VppAddressError(s, 'an IPv6 address has 8 groups');
  const out = new Uint8Array(16);
  const put = (g: string, idx: number): void => {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw new VppAddressError(s, `bad IPv6 group ${JSON.stringify(g)}`);
    const v = Number.parseInt(g, 16);
    out[idx * 2] = v >> 8;
    out[idx * 2 + 1] = v & 0xff;
  };
  for (const [i, g] of head.entries()) put(g, i);
  for (const [i, g] of tail.entries()) put(g, 8 - tail.length + i);
  if (v4) out.set(v4, 12);
  return out;
}

/**
 * 4 bytes → `192.0.2.1`. Bytes beyond the fourth are ignored.
 *
 * @throws {@link VppAddressError} for fewer than 4 bytes
 * @public
 */
export function ip4ToString(b: Uint8Array): string {
  if (b.length < 4) throw new VppAddressError(`Uint8Array(${b.length})`, 'an IPv4 address needs 4 bytes');
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/**
 * 16 bytes → RFC 5952 text: lower case, the longest run of zero groups as `::`, IPv4-mapped
 * addresses as `::ffff:a.b.c.d`.
 *
 * @throws {@link VppAddressError} for fewer than 16 bytes
 * @public
 */
export function ip6ToString(b: Uint8Array): string {
  if (b.length < 16) throw new VppAddressError(`Uint8Array(${b.length})`, 'an IPv6 address needs 16 bytes');
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[i * 2]! << 8) | b[i * 2 + 1]!);
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  }
  // The longest run of two or more zero groups becomes '::' (the first one on a tie).
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (xs: number[]): string => xs.map((x) => x.toString(16)).join(':');
  if (bestAt < 0) return hex(g);
  return `${hex(g.slice(0, bestAt))}::${hex(g.slice(bestAt + bestLen))}`;
}

/**
 * `192.0.2.1` or `2001:db8::1` → vl_api_address_t: `af` and the 16-byte union, an IPv4 address
 * in its first 4 bytes.
 *
 * @throws {@link VppAddressError} for text that is not an IP address
 * @public
 */
export function addressFromString(s: string): Address {
  const un = new Uint8Array(16);
  if (s.includes(':')) {
    un.set(ip6FromString(s));
    return { af: ADDRESS_IP6, un };
  }
  parseIp4Into(s, un, 0, s);
  return { af: ADDRESS_IP4, un };
}

/**
 * vl_api_address_t → canonical text (dotted quad, or RFC 5952).
 *
 * @throws {@link VppAddressError} for an `af` other than IPv4 or IPv6, or a union too short
 * @public
 */
export function addressToString(a: Address): string {
  if (a.af === ADDRESS_IP4) return ip4ToString(a.un);
  if (a.af === ADDRESS_IP6) return ip6ToString(a.un);
  throw new VppAddressError(`af=${a.af}`, 'unknown address family');
}

/**
 * `198.51.100.0/24` → vl_api_prefix_t (also address_with_prefix). Without `/len` the prefix is a
 * host (/32 or /128). Host bits are kept as given; VPP masks them off itself.
 *
 * @throws {@link VppAddressError} for a bad address, or a length outside 0..32 (IPv4) or 0..128
 * @public
 */
export function prefixFromString(s: string): Prefix {
  const slash = s.indexOf('/');
  const address = addressFromString(slash < 0 ? s : s.slice(0, slash));
  const max = address.af === ADDRESS_IP4 ? 32 : 128;
  if (slash < 0) return { address, len: max };
  const lenText = s.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(lenText) || Number(lenText) > max) {
    throw new VppAddressError(s, `prefix length must be 0..${max}`);
  }
  return { address, len: Number(lenText) };
}

/**
 * vl_api_prefix_t → `address/len`, the address canonical.
 *
 * @throws {@link VppAddressError} as {@link addressToString}
 * @public
 */
export function prefixToString(p: Prefix): string {
  return `${addressToString(p.address)}/${p.len}`;
}
