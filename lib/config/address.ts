import type { AddressFamily } from './types.js';

/** A single IP address in canonical text form, with its family. */
export interface ParsedAddress {
  readonly address: string;
  readonly family: AddressFamily;
}

const IPV4_OCTET = /^(0|[1-9]\d{0,2})$/;

function parseIpv4Octets(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    // Leading zeros are refused, as Go's net.ParseIP does: "010" could mean octal 8 or decimal 10.
    if (!IPV4_OCTET.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

function parseIpv6Groups(text: string): number[] | null {
  if (text.includes('%')) return null; // zones identify an interface, not a backend
  let head = text;
  let tail: number[] = [];
  // An embedded IPv4 address in the last 32 bits ("::ffff:192.0.2.1").
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    const v4 = parseIpv4Octets(text.slice(lastColon + 1));
    if (!v4) return null;
    tail = [((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number)];
    head = text.slice(0, lastColon + 1);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const parseHalf = (h: string): number[] | null => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(Number.parseInt(g, 16));
    }
    return out;
  };
  const left = parseHalf(halves[0] as string);
  if (!left) return null;
  if (halves.length === 1) {
    const groups = [...left, ...tail];
    return groups.length === 8 ? groups : null;
  }
  const right = parseHalf(halves[1] as string);
  if (!right) return null;
  const known = left.length + right.length + tail.length;
  if (known > 7) return null; // "::" stands for at least one zero group
  return [...left, ...new Array<number>(8 - known).fill(0), ...right, ...tail];
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
  if (text.includes(':')) {
    const groups = parseIpv6Groups(text);
    return groups ? { address: formatIpv6(groups), family: 6 } : null;
  }
  const octets = parseIpv4Octets(text);
  return octets ? { address: octets.join('.'), family: 4 } : null;
}

export function familyName(family: AddressFamily): string {
  return family === 4 ? 'IPv4' : 'IPv6';
}
