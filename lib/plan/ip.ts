/**
 * Numeric ordering of IP addresses. VPP breaks ties in the Maglev table by the order in which
 * application servers were added, so two maglevds must add them in the same order: IPv4 before
 * IPv6, numerically ascending within a family (10.0.0.2 before 10.0.0.10).
 */
import { ip4FromString, ip6FromString, VppAddressError } from '../../vpp-api/ip.js';

/**
 * An address that is neither dotted-quad IPv4 nor RFC 4291 IPv6 text.
 *
 * @public
 */
export class AddressParseError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'ADDRESS_PARSE' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'AddressParseError';
  constructor(
    /** The text that did not parse. */
    readonly address: string,
  ) {
    super(`not an IP address: ${JSON.stringify(address)}`);
  }
}

/** Lower-case hex of the address bytes, two digits each. */
function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** The address's bytes, parsed by the one parser of address text (vpp-api's). */
function bytesOf(address: string): { family: 4 | 6; bytes: Uint8Array } {
  try {
    return address.includes(':')
      ? { family: 6, bytes: ip6FromString(address) }
      : { family: 4, bytes: ip4FromString(address) };
  } catch (e) {
    if (e instanceof VppAddressError) throw new AddressParseError(address);
    throw e;
  }
}

/**
 * A string whose lexical order is the numeric address order, IPv4 first:
 * "4:" + 8 hex digits for IPv4, "6:" + 32 hex digits for IPv6.
 *
 * @throws {@link AddressParseError} when the text is not an IP address.
 * @public
 */
export function ipSortKey(address: string): string {
  const { family, bytes } = bytesOf(address);
  return `${family}:${hex(bytes)}`;
}

/**
 * The address family, 4 or 6, by the text form.
 *
 * @throws {@link AddressParseError} when the text is not an IP address.
 * @public
 */
export function ipFamily(address: string): 4 | 6 {
  return ipSortKey(address).startsWith('4:') ? 4 : 6;
}

/**
 * Comparator for Array.prototype.sort: IPv4 before IPv6, numeric within a family.
 *
 * @throws {@link AddressParseError} when either text is not an IP address.
 * @public
 */
export function compareIp(a: string, b: string): number {
  const ka = ipSortKey(a);
  const kb = ipSortKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * The addresses sorted by {@link compareIp} (a new array; keys are computed once per address).
 *
 * @throws {@link AddressParseError} when any text is not an IP address.
 * @public
 */
export function sortIps(addresses: Iterable<string>): string[] {
  return [...addresses]
    .map((a) => [ipSortKey(a), a] as const)
    .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
    .map((x) => x[1]);
}
