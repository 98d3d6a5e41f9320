/** VIP keys of frontends and their canonical order. */
import type { FrontendConfig, FrontendProtocol } from '../config/types.js';
import type { VipKey, VipProtocol } from '../model/lb.js';
import { ipSortKey } from './ip.js';

/**
 * The IP protocol number VPP uses for a frontend's protocol: 6 tcp, 17 udp, 255 any.
 *
 * @public
 */
export function vipProtocol(protocol: FrontendProtocol): VipProtocol {
  switch (protocol) {
    case 'tcp':
      return 6;
    case 'udp':
      return 17;
    case 'any':
      return 255;
  }
}

/**
 * The name of a VIP's protocol number ("tcp", "udp", "any"); other numbers as digits.
 *
 * @public
 */
export function vipProtocolName(protocol: VipProtocol): string {
  return protocol === 6 ? 'tcp' : protocol === 17 ? 'udp' : protocol === 255 ? 'any' : String(protocol);
}

/**
 * The VIP key of a frontend: its address as a host prefix (/32 or /128), protocol and port.
 * Port 0 always means protocol 255, because VPP rewrites it so on every call; keeping the
 * same rule here lets the diff match what VPP reports.
 *
 * @public
 */
export function frontendVipKey(fe: FrontendConfig): VipKey {
  const port = fe.protocol === 'any' ? 0 : fe.port;
  return {
    prefix: `${fe.address}/${fe.family === 4 ? 32 : 128}`,
    protocol: port === 0 ? 255 : vipProtocol(fe.protocol),
    port,
  };
}

/**
 * A string whose lexical order is the canonical VIP order: prefix numerically, then protocol, port.
 *
 * @throws {@link AddressParseError} when the prefix's address is not an IP address.
 * @public
 */
export function vipSortKey(k: VipKey): string {
  const slash = k.prefix.lastIndexOf('/');
  const address = slash < 0 ? k.prefix : k.prefix.slice(0, slash);
  const len = slash < 0 ? 0 : Number(k.prefix.slice(slash + 1));
  const pad = (n: number, w: number) => n.toString(16).padStart(w, '0');
  return `${ipSortKey(address)}/${pad(len, 2)} ${pad(k.protocol, 2)} ${pad(k.port, 4)}`;
}

/**
 * Comparator over VIP keys in the canonical order (see {@link vipSortKey}).
 *
 * @throws {@link AddressParseError} when a prefix's address is not an IP address.
 * @public
 */
export function compareVipKeys(a: VipKey, b: VipKey): number {
  const ka = vipSortKey(a);
  const kb = vipSortKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
