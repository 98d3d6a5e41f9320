/**
 * Numeric ordering of IP addresses. VPP breaks ties in the Maglev table by the order in which
 * application servers were added, so two maglevds must add them in the same order: IPv4 before
 * IPv6, numerically ascending within a family (10.0.0.2 before 10.0.0.10).
 */

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

/** The address as a 32-bit number; null unless it is dotted-quad text (no leading +, no spaces). */
function parseIpv4(text: string): number | null {
  // Hand-rolled: this runs for every application server on every plan and diff.
  let n = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return null;
    } else if (c === 46 && digits > 0 && dots < 3) {
      n = n * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else {
      return null;
    }
  }
  return digits > 0 && dots === 3 ? n * 256 + octet : null;
}

function parseIpv6Groups(text: string): number[] | null {
  let body = text;
  const tail: number[] = [];
  // An embedded IPv4 tail (::ffff:192.0.2.1) stands for the last two groups.
  const lastColon = body.lastIndexOf(':');
  if (body.includes('.', lastColon)) {
    const v4 = parseIpv4(body.slice(lastColon + 1));
    if (v4 === null) return null;
    tail.push(v4 >>> 16, v4 & 0xffff);
    body = body.slice(0, lastColon + 1);
    if (body.endsWith(':') && !body.endsWith('::')) body = body.slice(0, -1);
  }
  const halves = body.split('::');
  if (halves.length > 2) return null;
  const group = (g: string): number | null => (/^[0-9a-fA-F]{1,4}$/.test(g) ? Number.parseInt(g, 16) : null);
  const side = (s: string | undefined): number[] | null => {
    if (s === undefined || s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      const n = group(g);
      if (n === null) return null;
      out.push(n);
    }
    return out;
  };
  const head = side(halves[0]);
  const rest = side(halves[1]);
  if (head === null || rest === null) return null;
  const known = head.length + rest.length + tail.length;
  if (halves.length === 2) {
    if (known > 7) return null;
    return [...head, ...new Array<number>(8 - known).fill(0), ...rest, ...tail];
  }
  return known === 8 ? [...head, ...tail] : null;
}

/**
 * A string whose lexical order is the numeric address order, IPv4 first:
 * "4:" + 8 hex digits for IPv4, "6:" + 32 hex digits for IPv6.
 *
 * @throws {@link AddressParseError} when the text is not an IP address.
 * @public
 */
export function ipSortKey(address: string): string {
  if (!address.includes(':')) {
    const v4 = parseIpv4(address);
    if (v4 === null) throw new AddressParseError(address);
    return `4:${v4.toString(16).padStart(8, '0')}`;
  }
  const v6 = parseIpv6Groups(address);
  if (v6 === null) throw new AddressParseError(address);
  return `6:${v6.map((g) => g.toString(16).padStart(4, '0')).join('')}`;
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
