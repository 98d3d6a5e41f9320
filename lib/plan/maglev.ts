/**
 * VPP's weighted Maglev new-flow table (LB-PLUGIN.md §4): which application server each slot of
 * a VIP's power-of-two table points at, and the closed-form bucket counts of §4.3.
 *
 * The result depends only on the table length and the {address, weight} set, never on the order
 * the backends are given in, which is what lets two VPPs behind one ECMP VIP agree.
 *
 * vpp-lb-sim builds its tables with it, and maglevd's previews compute with it the tables VPP
 * will hold after a change, so the two can never disagree.
 *
 * 64-bit arithmetic is done on pairs of unsigned 32-bit halves: BigInt would be about fifty
 * times slower, and a 65536-slot table needs up to 65536 hashes.
 */

/**
 * One application server as the table builder sees it.
 *
 * @beta
 */
export interface MaglevBackend {
  /** 16-byte ip46 form: IPv4 is 12 zero bytes followed by the 4 address bytes. */
  readonly address: Uint8Array;
  /** u8 weight; 0 means "no new flows". */
  readonly weight: number;
}

/**
 * A table slot that drops new flows (VPP's AS 0).
 *
 * @beta
 */
export const MAGLEV_DROP = -1;

/**
 * Thrown for inputs the table cannot be built from (never for anything VPP would accept).
 *
 * @beta
 */
export class MaglevInputError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'MAGLEV_INPUT' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'MaglevInputError';
  constructor(
    message: string,
    /** The offending input, e.g. "tableLength" or "backends[2].weight". */
    readonly field: string,
  ) {
    super(message);
  }
}

// XXH64 primes, as [high, low] 32-bit halves.
const P1H = 0x9e3779b1;
const P1L = 0x85ebca87;
const P2H = 0xc2b2ae3d;
const P2L = 0x27d4eb4f;
const P3H = 0x165667b1;
const P3L = 0x9e3779f9;
const P4H = 0x85ebca77;
const P4L = 0xc2b2ae63;
// seed 0x9E3779B97F4A7C13 + P5 + 8, precomputed (LB-PLUGIN.md §4.2).
const ACC0H = 0xc60c64e8;
const ACC0L = 0x95a0e3e0;

const TWO32 = 0x1_0000_0000;

// Scratch registers: the hash runs in a tight loop, so results travel through module state
// instead of freshly allocated arrays.
let rh = 0;
let rl = 0;

/** (ah:al) * (bh:bl) mod 2^64 into rh:rl. */
function mul64(ah: number, al: number, bh: number, bl: number): void {
  // Full 64-bit product of the low halves from 16-bit limbs; every partial sum stays below
  // 2^53, so doubles are exact.
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const mid = a0 * b1 + a1 * b0;
  const lo = a0 * b0 + (mid % 65536) * 65536;
  const hi = a1 * b1 + Math.floor(mid / 65536) + Math.floor(lo / TWO32);
  rl = lo >>> 0;
  rh = (hi + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}

/** rotl64(h:l, n) for 0 < n < 32 into rh:rl. */
function rotl64(h: number, l: number, n: number): void {
  rh = ((h << n) | (l >>> (32 - n))) >>> 0;
  rl = ((l << n) | (h >>> (32 - n))) >>> 0;
}

/**
 * H(k) of LB-PLUGIN.md §4.2 (XXH64 of k's 8 little-endian bytes, seed 0x9E3779B97F4A7C13),
 * with k and the result as [high, low] 32-bit halves in rh:rl.
 */
function hashHalves(kh: number, kl: number): void {
  // k1 = rotl(k * P2, 31) * P1
  mul64(kh, kl, P2H, P2L);
  rotl64(rh, rl, 31);
  mul64(rh, rl, P1H, P1L);
  // acc ^= k1; acc = rotl(acc, 27) * P1 + P4
  rotl64((ACC0H ^ rh) >>> 0, (ACC0L ^ rl) >>> 0, 27);
  mul64(rh, rl, P1H, P1L);
  let l = rl + P4L;
  let h = (rh + P4H + (l >= TWO32 ? 1 : 0)) >>> 0;
  // avalanche: acc ^= acc >> 33; acc *= P2
  l = ((l >>> 0) ^ (h >>> 1)) >>> 0;
  mul64(h, l, P2H, P2L);
  // acc ^= acc >> 29; acc *= P3
  h = rh;
  l = (rl ^ ((rl >>> 29) | (h << 3))) >>> 0;
  h = (h ^ (h >>> 29)) >>> 0;
  mul64(h, l, P3H, P3L);
  // acc ^= acc >> 32
  rl = (rl ^ rh) >>> 0;
}

/**
 * H(k) for a 64-bit k (LB-PLUGIN.md §4.2); BigInt in and out, for tests and tools. Bits of k
 * above 64 are ignored.
 *
 * @beta
 */
export function maglevHash(k: bigint): bigint {
  const m = (1n << 64n) - 1n;
  const kk = k & m;
  hashHalves(Number(kk >> 32n), Number(kk & 0xffffffffn));
  return (BigInt(rh) << 32n) | BigInt(rl);
}

/** The hash key of one (address, replica) entry: q0 XOR q1 XOR r, as [high, low] halves. */
function keyHalves(address: Uint8Array, replica: number): [number, number] {
  const dv = new DataView(address.buffer, address.byteOffset, 16);
  const kl = (dv.getUint32(0, true) ^ dv.getUint32(8, true) ^ replica) >>> 0;
  const kh = (dv.getUint32(4, true) ^ dv.getUint32(12, true)) >>> 0;
  return [kh, kl];
}

/**
 * k for an (address, replica) entry as a BigInt (LB-PLUGIN.md §4.2 step 4).
 *
 * @param address - 16-byte ip46 form.
 * @throws {@link MaglevInputError} when the address is not 16 bytes.
 * @beta
 */
export function maglevKey(address: Uint8Array, replica: number): bigint {
  checkAddress(address, 'address');
  const [kh, kl] = keyHalves(address, replica);
  return (BigInt(kh) << 32n) | BigInt(kl);
}

/**
 * The permutation of an (address, replica) entry in a table of `tableLength` slots: `next` is
 * the first slot it tries and `skip` the stride.
 *
 * @throws {@link MaglevInputError} when the address is not 16 bytes or the length is not a
 *   power of two.
 * @beta
 */
export function maglevPermutation(
  address: Uint8Array,
  replica: number,
  tableLength: number,
): { skip: number; next: number } {
  checkAddress(address, 'address');
  checkLength(tableLength);
  const mask = tableLength - 1;
  const [kh, kl] = keyHalves(address, replica);
  hashHalves(kh, kl);
  return { skip: ((rl | 1) & mask) >>> 0, next: (rh & mask) >>> 0 };
}

function checkAddress(a: Uint8Array, field: string): void {
  if (a.length !== 16) {
    throw new MaglevInputError(`${field}: expected 16 bytes (ip46 form), got ${a.length}`, field);
  }
}

function checkLength(m: number): void {
  if (!Number.isInteger(m) || m < 1 || m > 2 ** 31 || (m & (m - 1)) !== 0) {
    throw new MaglevInputError(`tableLength: expected a power of two ≥ 1, got ${m}`, 'tableLength');
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 16; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Indices of the backends that get entries (weight > 0), sorted by address; validates the input.
 */
function selectSorted(backends: readonly MaglevBackend[]): number[] {
  const sel: number[] = [];
  backends.forEach((b, i) => {
    checkAddress(b.address, `backends[${i}].address`);
    if (!Number.isInteger(b.weight) || b.weight < 0 || b.weight > 255) {
      throw new MaglevInputError(
        `backends[${i}].weight: expected an integer 0..255, got ${b.weight}`,
        `backends[${i}].weight`,
      );
    }
    if (b.weight > 0) sel.push(i);
  });
  sel.sort((x, y) =>
    compareBytes((backends[x] as MaglevBackend).address, (backends[y] as MaglevBackend).address),
  );
  for (let j = 1; j < sel.length; j++) {
    const a = backends[sel[j - 1] as number] as MaglevBackend;
    const b = backends[sel[j] as number] as MaglevBackend;
    if (compareBytes(a.address, b.address) === 0) {
      throw new MaglevInputError(
        `backends[${sel[j]}].address: duplicate address (also backends[${sel[j - 1]}])`,
        `backends[${sel[j]}].address`,
      );
    }
  }
  return sel;
}

/**
 * Builds the new-flow table: slot i holds the index (into `backends`) of the backend new flows
 * hashing to i go to, or MAGLEV_DROP when no backend has weight > 0.
 *
 * @param tableLength - Slots in the table: a power of two, up to 2^31.
 * @throws {@link MaglevInputError} when the length is not a power of two, an address is not
 *   16 bytes, a weight is not an integer 0-255, or two backends with weight share an address.
 * @beta
 */
export function buildMaglevTable(backends: readonly MaglevBackend[], tableLength: number): Int32Array {
  checkLength(tableLength);
  const sel = selectSorted(backends);
  const table = new Int32Array(tableLength).fill(MAGLEV_DROP);
  if (sel.length === 0) return table;
  const mask = tableLength - 1;

  // The sorted entry list is replica-major: for r = 0, 1, ... every selected backend with
  // weight > r, in address order. Only the first min(W, M) entries are ever visited, so the
  // list and the permutations are built up to that point.
  const total = sel.reduce((s, i) => s + (backends[i] as MaglevBackend).weight, 0);
  const n = Math.min(total, tableLength);
  const owner = new Int32Array(n);
  const next = new Uint32Array(n);
  const skip = new Uint32Array(n);
  const keys = sel.map((i) => keyHalves((backends[i] as MaglevBackend).address, 0));
  let e = 0;
  for (let r = 0; e < n; r++) {
    for (let j = 0; j < sel.length && e < n; j++) {
      const bi = sel[j] as number;
      if ((backends[bi] as MaglevBackend).weight <= r) continue;
      const [kh, kl0] = keys[j] as [number, number];
      // r < 256, so XOR-ing it into the low half is the whole of "q0 ^ q1 ^ r".
      hashHalves(kh, (kl0 ^ r) >>> 0);
      owner[e] = bi;
      skip[e] = (rl | 1) & mask;
      next[e] = rh & mask;
      e++;
    }
  }

  let filled = 0;
  for (;;) {
    for (let i = 0; i < n; i++) {
      let slot = next[i] as number;
      const s = skip[i] as number;
      while (table[slot] !== MAGLEV_DROP) slot = (slot + s) & mask;
      table[slot] = owner[i] as number;
      next[i] = (slot + s) & mask;
      if (++filled === tableLength) return table;
    }
  }
}

/**
 * Buckets per backend (same order as `backends`) by the closed form of LB-PLUGIN.md §4.3,
 * without building the table. Equal to counting the slots of buildMaglevTable.
 *
 * @throws {@link MaglevInputError} as {@link buildMaglevTable} does.
 * @beta
 */
export function maglevBucketCounts(backends: readonly MaglevBackend[], tableLength: number): number[] {
  checkLength(tableLength);
  const sel = selectSorted(backends);
  const counts = backends.map(() => 0);
  if (sel.length === 0) return counts;
  const weightOf = (i: number): number => (backends[i] as MaglevBackend).weight;
  const total = sel.reduce((s, i) => s + weightOf(i), 0);
  const q = Math.floor(tableLength / total);
  let rho = tableLength % total;
  for (const i of sel) counts[i] = weightOf(i) * q;
  for (let j = 0; rho > 0; j++) {
    const round = sel.filter((i) => weightOf(i) > j);
    if (rho >= round.length) {
      for (const i of round) counts[i] = (counts[i] as number) + 1;
      rho -= round.length;
    } else {
      for (const i of round.slice(0, rho)) counts[i] = (counts[i] as number) + 1;
      rho = 0;
    }
  }
  return counts;
}
