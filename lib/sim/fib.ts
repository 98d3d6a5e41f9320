/**
 * The slice of VPP's FIB that the lb plugin touches: table 0 of IPv4 and IPv6, the entries VPP
 * creates at boot, and the entry each VIP prefix gets (fib_table_entry_special_dpo_add with the
 * lb source). Every entry has a load-balance object whose pool index is the entry's stats index:
 * the index of `/net/route/to` that counts the packets and bytes forwarded through the entry.
 */
import { formatIp4, formatIp6 } from './address.js';
import { Pool } from './pool.js';

/**
 * A FIB's address family.
 *
 * @public
 */
export type FibProtocol = 'ip4' | 'ip6';

/**
 * Who installed an entry: VPP itself at boot, or the lb plugin for a VIP prefix.
 *
 * @public
 */
export type FibSource = 'default' | 'lb';

/**
 * A FIB prefix: 4 address bytes for IPv4, 16 for IPv6, host bits clear.
 *
 * @public
 */
export interface FibPrefix {
  /** The family. */
  readonly proto: FibProtocol;
  /** Network-order address bytes. */
  readonly address: Uint8Array;
  /** Prefix length in bits. */
  readonly len: number;
}

/**
 * One FIB entry, as {@link SimState.routes} lists it.
 *
 * @public
 */
export interface SimRouteState {
  /** As `show ip fib` prints it: "198.51.100.1/32", "2001:db8::/64". */
  readonly prefix: string;
  /** The load-balance index: the entry's index in `/net/route/to`. */
  readonly statsIndex: number;
  /** Who installed the entry. */
  readonly sources: readonly FibSource[];
}

interface FibEntry {
  readonly prefix: FibPrefix;
  readonly statsIndex: number;
  readonly sources: Set<FibSource>;
}

const MAX_LEN: Record<FibProtocol, number> = { ip4: 32, ip6: 128 };

/** The entries VPP's ip4_fib / ip6_fib create in a new table, in creation order. */
const BOOT_ENTRIES: readonly FibPrefix[] = [
  { proto: 'ip4', address: Uint8Array.of(0, 0, 0, 0), len: 0 },
  { proto: 'ip4', address: Uint8Array.of(0, 0, 0, 0), len: 32 },
  { proto: 'ip4', address: Uint8Array.of(240, 0, 0, 0), len: 4 },
  { proto: 'ip4', address: Uint8Array.of(224, 0, 0, 0), len: 4 },
  { proto: 'ip4', address: Uint8Array.of(255, 255, 255, 255), len: 32 },
  { proto: 'ip6', address: new Uint8Array(16), len: 0 },
  { proto: 'ip6', address: Uint8Array.of(0xfe, 0x80, ...new Array<number>(14).fill(0)), len: 10 },
];

/**
 * The address with the bits beyond `len` cleared (what VPP's exact-match hashes on).
 *
 * @public
 */
export function maskAddress(address: Uint8Array, len: number): Uint8Array {
  const out = Uint8Array.from(address);
  for (let bit = len; bit < out.length * 8; bit++) {
    const byte = bit >> 3;
    out[byte] = (out[byte] as number) & ~(0x80 >> (bit & 7));
  }
  return out;
}

/**
 * A prefix as `show ip fib` prints it, e.g. "198.51.100.0/24".
 *
 * @public
 */
export function formatFibPrefix(p: FibPrefix): string {
  return `${p.proto === 'ip4' ? formatIp4(p.address) : formatIp6(p.address)}/${p.len}`;
}

function keyOf(proto: FibProtocol, address: Uint8Array, len: number): string {
  return `${proto}/${len}/${Buffer.from(maskAddress(address, len)).toString('hex')}`;
}

/**
 * Table 0 of VPP's IPv4 and IPv6 FIBs, as far as the lb plugin touches them: boot entries and
 * the entries of VIP prefixes, each with its load-balance (stats) index.
 *
 * @public
 */
export class FibSim {
  #entries = new Map<string, FibEntry>();
  /** load_balance_pool: freed indexes are reused, last freed first. */
  #loadBalances = new Pool<number>();
  /** Stats indexes handed out since the last takeCreated(), in order. */
  #created: number[] = [];

  /** A new VPP's FIB: only the boot entries. */
  constructor() {
    this.reset();
  }

  /** A VPP (re)start: only the boot entries, load-balance indexes from 0 again. */
  reset(): void {
    this.#entries = new Map();
    this.#loadBalances = new Pool<number>();
    this.#created = [];
    for (const p of BOOT_ENTRIES) this.#add(p, 'default');
  }

  /**
   * fib_table_entry_special_dpo_add in table 0: creates the entry or adds the source to it.
   * Returns the entry's stats index.
   */
  addSource(prefix: FibPrefix, source: FibSource): number {
    return this.#add(prefix, source);
  }

  /** fib_table_entry_special_remove: drops the source; an entry left without any is deleted. */
  removeSource(prefix: FibPrefix, source: FibSource): void {
    const key = keyOf(prefix.proto, prefix.address, prefix.len);
    const e = this.#entries.get(key);
    if (!e?.sources.delete(source) || e.sources.size > 0) return;
    this.#entries.delete(key);
    this.#loadBalances.put(e.statsIndex);
  }

  /**
   * fib_table_lookup_exact_match, or with `exact` false fib_table_lookup (the longest prefix
   * of at most `len` bits that covers the address). Host bits of the address are ignored.
   * Undefined when no entry matches.
   *
   * @throws RangeError when `len` exceeds the family's address length.
   */
  lookup(
    proto: FibProtocol,
    address: Uint8Array,
    len: number,
    exact: boolean,
  ): { readonly prefix: FibPrefix; readonly statsIndex: number } | undefined {
    if (len > MAX_LEN[proto]) throw new RangeError(`prefix length ${len} exceeds ${MAX_LEN[proto]}`);
    for (let l = len; l >= (exact ? len : 0); l--) {
      const e = this.#entries.get(keyOf(proto, address, l));
      if (e) return { prefix: e.prefix, statsIndex: e.statsIndex };
    }
    return undefined;
  }

  /** The longest prefix length an address of this protocol has. */
  static maxLength(proto: FibProtocol): number {
    return MAX_LEN[proto];
  }

  /** Every entry, by stats index. */
  routes(): SimRouteState[] {
    return [...this.#entries.values()].sort((a, b) => a.statsIndex - b.statsIndex).map(stateOf);
  }

  /** Stats indexes whose load-balance objects were created since the last call. */
  takeCreated(): number[] {
    return this.#created.splice(0);
  }

  #add(prefix: FibPrefix, source: FibSource): number {
    const address = maskAddress(prefix.address, prefix.len);
    const key = keyOf(prefix.proto, address, prefix.len);
    const existing = this.#entries.get(key);
    if (existing) {
      existing.sources.add(source);
      return existing.statsIndex;
    }
    const { index } = this.#loadBalances.get(() => 0);
    this.#entries.set(key, {
      prefix: { proto: prefix.proto, address, len: prefix.len },
      statsIndex: index,
      sources: new Set([source]),
    });
    this.#created.push(index);
    return index;
  }
}

function stateOf(e: FibEntry): SimRouteState {
  return { prefix: formatFibPrefix(e.prefix), statsIndex: e.statsIndex, sources: [...e.sources] };
}
