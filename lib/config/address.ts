import { ip4FromString, ip6FromString, VppAddressError } from '../../vpp-api/ip.js';
import type { AddressFamily } from './types.js';

/** A single IP address in canonical text form, with its family. */
export interface ParsedAddress {
  readonly address: string;
  readonly family: AddressFamily;
}

/** RFC 5952 text: lower case, no leading zeros, the longest run (>= 2) of zero groups as "::". */
function formatIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/**
 * Parses one IP address (no prefix length, no zone) into its canonical text: IPv4 as a dotted
 * quad, IPv6 compressed and lower case. Returns null when the text is not exactly one address.
 */
export function parseAddress(text: string): ParsedAddress | null {
  // One parser of address text in the project: vpp-api's, which also encodes them for VPP.
  try {
    if (text.includes(':')) {
      const b = ip6FromString(text);
      const groups = Array.from(
        { length: 8 },
        (_, i) => ((b[2 * i] as number) << 8) | (b[2 * i + 1] as number),
      );
      return { address: formatIpv6(groups), family: 6 };
    }
    return { address: ip4FromString(text).join('.'), family: 4 };
  } catch (e) {
    if (e instanceof VppAddressError) return null;
    throw e;
  }
}

export function familyName(family: AddressFamily): string {
  return family === 4 ? 'IPv4' : 'IPv6';
}
