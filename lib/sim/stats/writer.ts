import { closeSync, ftruncateSync } from 'node:fs';
import {
  COMBINED_COUNTER_SIZE,
  ENTRY,
  HEADER,
  POINTER_SIZE,
  SIMPLE_COUNTER_SIZE,
  STATS_SEGMENT_DEFAULT_SIZE,
  STATS_SEGMENT_VERSION,
  StatType,
  SYS_ENTRIES,
  VEC_HEADER_SIZE,
} from '../../vpp/stats/layout.js';
import { loadNativeAddon } from '../../vpp/stats/native.js';
import { type HeapBlock, SegmentHeap } from './heap.js';
import { BufferSegmentStore, FdSegmentStore, type WritableSegment } from './store.js';

const PAGE_SIZE = 4096;
const CACHE_LINE = 64;
/** Freed memory is filled with this, so a reader that follows a stale pointer reads garbage. */
const POISON = 0xdb;
/** Room for the header VPP puts before a string vector (the owning entry's index). */
const NAME_VECTOR_USER_HEADER = 8;

/** Misuse of the writer: an unknown or duplicate name, a thread out of range, a bad value. */
export class StatsSegmentWriterError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'STATS_SEGMENT_WRITER' as const;
  override readonly name = 'StatsSegmentWriterError';
}

export interface StatsSegmentWriterOptions {
  /** Segment size in bytes; default 32 MiB (VPP's default) in a memfd, 1 MiB in a Buffer. */
  size?: number;
  /** VPP threads (main plus workers): the outer dimension of every counter. Default 1. */
  threads?: number;
  /**
   * The address the writer pretends the segment is mapped at in VPP: every pointer written
   * is `baseAddress + offset`, as VPP writes its own virtual addresses.
   */
  baseAddress?: bigint;
  /** `/sys/boottime`, unix seconds; default now. */
  bootTime?: number;
  /** Where the native addon is looked for (memfd only); default: this package's root. */
  packageRoot?: string;
}

/** A VPP vector in the segment. */
interface Vec {
  block: HeapBlock;
  /** Offset of element 0; the 8-byte vector header sits just before it. */
  data: number;
  length: number;
  capacity: number;
  elementSize: number;
  align: number;
  userHeader: number;
}

interface Entry {
  index: number;
  name: string;
  type: number;
  /** Counters and histograms: the per-thread pointer vector and the vectors it points at. */
  threads?: Vec;
  perThread?: Vec[];
  /** Name vectors: the pointer vector and one byte vector per string. */
  strings?: Vec;
  stringVecs?: (Vec | null)[];
}

export type CounterValue = bigint | number;

function toU64(value: CounterValue, what: string): bigint {
  // VPP stores its scalars as integers (a double assigned to a u64 is truncated).
  const v = typeof value === 'bigint' ? value : Number.isFinite(value) ? BigInt(Math.trunc(value)) : -1n;
  if (v < 0n || v > 0xffff_ffff_ffff_ffffn)
    throw new StatsSegmentWriterError(`${what}: ${value} is not a u64`);
  return v;
}

function u64(value: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(value);
  return b;
}

/**
 * Lays out a stats segment the way VPP does: the shared header, a directory vector of
 * 144-byte entries, per-thread counter vectors allocated from a heap after the first page,
 * pointers stored as addresses relative to a pretend mapping address, and VPP's locking
 * protocol (in_progress while the directory or a vector moves, then the epoch is bumped).
 * Counter values are updated in place without locking, as VPP's data plane does.
 *
 * The simulator serves it next to its API socket; tests read it back with StatsSegmentReader.
 */
export class StatsSegmentWriter {
  readonly store: WritableSegment;
  readonly threads: number;
  readonly baseAddress: bigint;
  readonly #fd: number | null;
  readonly #heap: SegmentHeap;
  #dir: Vec;
  readonly #entries: (Entry | null)[] = [];
  readonly #byName = new Map<string, Entry>();
  #freeSlots: number[] = [];
  #epoch = 1n;
  #locks = 0;
  #closed = false;

  /** A segment in a fresh memfd, which StatsSegmentServer can pass to readers. */
  static inMemfd(options: StatsSegmentWriterOptions = {}): StatsSegmentWriter {
    const size = options.size ?? STATS_SEGMENT_DEFAULT_SIZE;
    const addon =
      options.packageRoot === undefined ? loadNativeAddon() : loadNativeAddon(options.packageRoot);
    const fd = addon.memfdCreate('stat segment');
    try {
      ftruncateSync(fd, size);
      return new StatsSegmentWriter(new FdSegmentStore(fd, size), options, fd);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  /** A segment in a Buffer (no fd, no addon needed): `store` is a SegmentSource for a reader. */
  static inBuffer(options: StatsSegmentWriterOptions = {}): StatsSegmentWriter {
    return new StatsSegmentWriter(
      new BufferSegmentStore(Buffer.alloc(options.size ?? 1024 * 1024)),
      options,
      null,
    );
  }

  /** Lays out a new segment in `store`, which must be zeroed. `ownedFd` is closed by close(). */
  constructor(
    store: WritableSegment,
    options: StatsSegmentWriterOptions = {},
    ownedFd: number | null = null,
  ) {
    const threads = options.threads ?? 1;
    if (!Number.isInteger(threads) || threads < 1 || threads > 1024) {
      throw new StatsSegmentWriterError(`threads must be 1..1024, got ${threads}`);
    }
    if (store.size < 4 * PAGE_SIZE) {
      throw new StatsSegmentWriterError(
        `segment size ${store.size} is too small (at least ${4 * PAGE_SIZE})`,
      );
    }
    this.store = store;
    this.threads = threads;
    this.baseAddress = options.baseAddress ?? 0x7f3a_5c00_0000n;
    this.#fd = ownedFd;
    // VPP's heap starts after the page that holds the shared header.
    this.#heap = new SegmentHeap(PAGE_SIZE, store.size);

    const header = Buffer.alloc(HEADER.size);
    header.writeBigUInt64LE(STATS_SEGMENT_VERSION, HEADER.version);
    header.writeBigUInt64LE(this.baseAddress, HEADER.base);
    header.writeBigUInt64LE(this.#epoch, HEADER.epoch);
    this.#dir = this.#allocVec(ENTRY.size, 64, 8, 0);
    header.writeBigUInt64LE(this.#pointer(this.#dir), HEADER.directoryVector);
    this.store.write(0, header);
    for (const sys of SYS_ENTRIES) this.addScalar(sys.name, 0);
    this.setBootTime(options.bootTime ?? Date.now() / 1000);
  }

  /** The memfd behind the segment, or null for a Buffer. */
  get fd(): number | null {
    return this.#fd;
  }

  get epoch(): bigint {
    return this.#epoch;
  }

  /** Bytes of the segment's heap in use. */
  get heapUsed(): number {
    return this.#heap.used;
  }

  /** The directory index of `name`, or undefined. */
  entryIndex(name: string): number | undefined {
    return this.#byName.get(name)?.index;
  }

  /** Names of all entries in directory order. */
  names(): string[] {
    return this.#entries.filter((e): e is Entry => e !== null).map((e) => e.name);
  }

  // ------------------------------------------------------------------ locking

  /**
   * Marks the segment in progress, as VPP does before it changes the directory or moves a
   * vector. Nests; the outermost unlock() bumps the epoch and clears the mark.
   */
  lock(): void {
    this.#open();
    if (this.#locks++ === 0) this.#writeHeaderWord(HEADER.inProgress, 1n);
  }

  unlock(): void {
    if (this.#locks === 0) throw new StatsSegmentWriterError('unlock() without lock()');
    if (--this.#locks > 0) return;
    this.#epoch++;
    this.#writeHeaderWord(HEADER.epoch, this.#epoch);
    this.#writeHeaderWord(HEADER.inProgress, 0n);
  }

  // ------------------------------------------------------------------ scalars

  addScalar(name: string, value: CounterValue = 0): number {
    return this.#newEntry(name, StatType.scalar, toU64(value, name)).index;
  }

  addGauge(name: string, value: CounterValue = 0): number {
    return this.#newEntry(name, StatType.gauge, toU64(value, name)).index;
  }

  /** Sets a scalar or gauge in place (no lock, no epoch bump: VPP does the same). */
  setScalar(name: string, value: CounterValue): void {
    const e = this.#entry(name, [StatType.scalar, StatType.gauge]);
    this.#writeEntryValue(e, toU64(value, name));
  }

  setBootTime(unixSeconds: number): void {
    this.setScalar('/sys/boottime', unixSeconds);
  }

  /** Bumps `/sys/heartbeat`, as VPP's stats collector does at each update. */
  heartbeat(): void {
    const e = this.#entry('/sys/heartbeat', [StatType.scalar]);
    const at = this.#entryOffset(e.index) + ENTRY.value;
    this.store.write(at, u64(this.store.read(at, 8, 'heartbeat').readBigUInt64LE(0) + 1n));
  }

  // ----------------------------------------------------------------- counters

  /** A simple (packets) counter vector, `[thread][index]`; empty until validated or set. */
  addSimpleCounter(name: string): number {
    return this.#newEntry(name, StatType.counterSimple, 0n).index;
  }

  /** A combined (packets, bytes) counter vector, `[thread][index]`. */
  addCombinedCounter(name: string): number {
    return this.#newEntry(name, StatType.counterCombined, 0n).index;
  }

  /**
   * A per-thread log2 histogram of `binCount` bins. As VPP does, every thread's vector starts
   * with the lowest bin's exponent, followed by the bins.
   */
  addHistogramLog2(name: string, minExponent: number, binCount: number): number {
    const e = this.#newEntry(name, StatType.histogramLog2, 0n);
    this.#validate(e, binCount);
    for (const v of e.perThread ?? []) this.store.write(v.data, u64(toU64(minExponent, name)));
    return e.index;
  }

  /** Grows every thread's vector of a counter so that `index` exists (VPP's validate). */
  validate(name: string, index: number): void {
    const e = this.#entry(name, [StatType.counterSimple, StatType.counterCombined, StatType.histogramLog2]);
    this.#validate(e, index);
  }

  /** The number of indexes a counter has (0 before the first validate). */
  counterLength(name: string): number {
    const e = this.#entry(name, [StatType.counterSimple, StatType.counterCombined, StatType.histogramLog2]);
    return e.perThread?.[0]?.length ?? 0;
  }

  setSimple(name: string, thread: number, index: number, value: CounterValue): void {
    const at = this.#counterSlot(name, StatType.counterSimple, thread, index);
    this.store.write(at, u64(toU64(value, name)));
  }

  incrementSimple(name: string, thread: number, index: number, delta: CounterValue = 1n): void {
    const at = this.#counterSlot(name, StatType.counterSimple, thread, index);
    const now = this.store.read(at, 8, name).readBigUInt64LE(0);
    this.store.write(at, u64(BigInt.asUintN(64, now + toU64(delta, name))));
  }

  setCombined(
    name: string,
    thread: number,
    index: number,
    value: { packets: CounterValue; bytes: CounterValue },
  ): void {
    const at = this.#counterSlot(name, StatType.counterCombined, thread, index);
    this.store.write(at, Buffer.concat([u64(toU64(value.packets, name)), u64(toU64(value.bytes, name))]));
  }

  incrementCombined(
    name: string,
    thread: number,
    index: number,
    packets: CounterValue,
    bytes: CounterValue,
  ): void {
    const at = this.#counterSlot(name, StatType.counterCombined, thread, index);
    const now = this.store.read(at, 16, name);
    const p = BigInt.asUintN(64, now.readBigUInt64LE(0) + toU64(packets, name));
    const b = BigInt.asUintN(64, now.readBigUInt64LE(8) + toU64(bytes, name));
    this.store.write(at, Buffer.concat([u64(p), u64(b)]));
  }

  /** Zeroes one index on every thread, as VPP does when it (re)creates the object behind it. */
  zeroIndex(name: string, index: number): void {
    const e = this.#entry(name, [StatType.counterSimple, StatType.counterCombined]);
    this.#validate(e, index);
    for (const v of e.perThread ?? [])
      this.store.write(v.data + index * v.elementSize, Buffer.alloc(v.elementSize));
  }

  /** Sets one thread's histogram bins (not the exponent in front of them). */
  setHistogram(name: string, thread: number, bins: readonly CounterValue[]): void {
    const e = this.#entry(name, [StatType.histogramLog2]);
    this.#checkThread(thread);
    this.#validate(e, bins.length);
    const v = e.perThread![thread]!;
    const buf = Buffer.alloc(bins.length * 8);
    for (const [i, b] of bins.entries()) buf.writeBigUInt64LE(toU64(b, name), i * 8);
    this.store.write(v.data + 8, buf);
  }

  // ------------------------------------------------------------- name vectors

  addNameVector(name: string, values: readonly (string | null)[] = []): number {
    const e = this.#newEntry(name, StatType.nameVector, 0n);
    this.lock();
    try {
      e.strings = this.#allocVec(POINTER_SIZE, Math.max(values.length, 4), 8, NAME_VECTOR_USER_HEADER);
      // The user header records which entry owns the vector.
      const owner = Buffer.alloc(4);
      owner.writeUInt32LE(e.index);
      this.store.write(e.strings.block.offset, owner);
      e.stringVecs = [];
      this.#writeEntryValue(e, this.#pointer(e.strings));
      values.forEach((v, i) => {
        this.setName(name, i, v);
      });
    } finally {
      this.unlock();
    }
    return e.index;
  }

  /** Sets (or with null, clears) one string of a name vector. */
  setName(name: string, index: number, value: string | null): void {
    const e = this.#entry(name, [StatType.nameVector]);
    if (!Number.isInteger(index) || index < 0)
      throw new StatsSegmentWriterError(`${name}: bad index ${index}`);
    if (value?.includes('\0')) throw new StatsSegmentWriterError(`${name}: string contains NUL`);
    this.lock();
    try {
      const { vec, moved } = this.#ensureLength(e.strings!, index + 1);
      e.strings = vec;
      if (moved) this.#writeEntryValue(e, this.#pointer(vec));
      const vecs = e.stringVecs!;
      while (vecs.length <= index) vecs.push(null);
      const old = vecs[index] ?? null;
      let pointer = 0n;
      if (value !== null) {
        const bytes = Buffer.concat([Buffer.from(value, 'utf8'), Buffer.alloc(1)]);
        const s = this.#allocVec(1, bytes.length, 8, 0);
        this.store.write(s.data, bytes);
        s.length = bytes.length;
        this.#writeVecLength(s);
        vecs[index] = s;
        pointer = this.#pointer(s);
      } else {
        vecs[index] = null;
      }
      this.store.write(vec.data + index * POINTER_SIZE, u64(pointer));
      if (old) this.#freeVec(old);
    } finally {
      this.unlock();
    }
  }

  // ----------------------------------------------------------------- symlinks

  /** An entry that names one column (`vectorIndex`) of the counter `target`. */
  addSymlink(name: string, target: string, vectorIndex: number): number {
    const t = this.#entry(target, [StatType.counterSimple, StatType.counterCombined]);
    if (!Number.isInteger(vectorIndex) || vectorIndex < 0 || vectorIndex > 0xffff_ffff) {
      throw new StatsSegmentWriterError(`${name}: bad vector index ${vectorIndex}`);
    }
    return this.#newEntry(name, StatType.symlink, BigInt(t.index) | (BigInt(vectorIndex) << 32n)).index;
  }

  // ------------------------------------------------------------------ removal

  /** Removes an entry and frees its vectors; its slot is reused by the next entry added. */
  removeEntry(name: string): void {
    const e = this.#entry(name);
    this.lock();
    try {
      for (const v of e.perThread ?? []) this.#freeVec(v);
      if (e.threads) this.#freeVec(e.threads);
      for (const v of e.stringVecs ?? []) if (v) this.#freeVec(v);
      if (e.strings) this.#freeVec(e.strings);
      const slot = Buffer.alloc(ENTRY.size);
      slot.writeUInt32LE(StatType.empty, ENTRY.type);
      this.store.write(this.#entryOffset(e.index), slot);
      this.#entries[e.index] = null;
      this.#byName.delete(e.name);
      this.#freeSlots.push(e.index);
    } finally {
      this.unlock();
    }
  }

  /** Closes the memfd if the writer made it. Readers that received it keep their copy. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#fd !== null) closeSync(this.#fd);
  }

  // ---------------------------------------------------------------- internals

  #open(): void {
    if (this.#closed) throw new StatsSegmentWriterError('stats segment writer is closed');
  }

  #pointer(v: Vec): bigint {
    return this.baseAddress + BigInt(v.data);
  }

  #writeHeaderWord(offset: number, value: bigint): void {
    this.store.write(offset, u64(value));
  }

  #entryOffset(index: number): number {
    return this.#dir.data + index * ENTRY.size;
  }

  #writeEntryValue(e: Entry, value: bigint): void {
    this.#open();
    this.store.write(this.#entryOffset(e.index) + ENTRY.value, u64(value));
  }

  #entry(name: string, types?: readonly number[]): Entry {
    this.#open();
    const e = this.#byName.get(name);
    if (!e) throw new StatsSegmentWriterError(`no stats entry named ${JSON.stringify(name)}`);
    if (types && !types.includes(e.type)) {
      throw new StatsSegmentWriterError(
        `stats entry ${JSON.stringify(name)} has type ${e.type}, not ${types.join('/')}`,
      );
    }
    return e;
  }

  #checkThread(thread: number): void {
    if (!Number.isInteger(thread) || thread < 0 || thread >= this.threads) {
      throw new StatsSegmentWriterError(`thread ${thread} out of range 0..${this.threads - 1}`);
    }
  }

  #newEntry(name: string, type: number, value: bigint): Entry {
    this.#open();
    const nameBytes = Buffer.from(name, 'utf8');
    if (name === '' || nameBytes.length >= ENTRY.nameSize || name.includes('\0')) {
      throw new StatsSegmentWriterError(
        `invalid stats entry name ${JSON.stringify(name)} (1..127 bytes, no NUL)`,
      );
    }
    if (this.#byName.has(name))
      throw new StatsSegmentWriterError(`stats entry ${JSON.stringify(name)} exists`);
    this.lock();
    try {
      let index = this.#freeSlots.pop();
      if (index === undefined) {
        index = this.#entries.length;
        const { vec, moved } = this.#ensureLength(this.#dir, index + 1);
        this.#dir = vec;
        if (moved) this.#writeHeaderWord(HEADER.directoryVector, this.#pointer(vec));
        this.#entries.push(null);
      }
      const slot = Buffer.alloc(ENTRY.size);
      slot.writeUInt32LE(type, ENTRY.type);
      slot.writeBigUInt64LE(value, ENTRY.value);
      nameBytes.copy(slot, ENTRY.name);
      this.store.write(this.#entryOffset(index), slot);
      const e: Entry = { index, name, type };
      this.#entries[index] = e;
      this.#byName.set(name, e);
      return e;
    } finally {
      this.unlock();
    }
  }

  #allocVec(elementSize: number, capacity: number, align: number, userHeader: number): Vec {
    const headers = userHeader + VEC_HEADER_SIZE;
    const bytes = Math.max(capacity, 1) * elementSize;
    const block = this.#heap.alloc(headers + bytes, align, headers);
    // Fresh memory may hold a freed vector's poison: elements start at zero, as in VPP.
    this.store.write(block.offset, Buffer.alloc(block.size));
    const v: Vec = {
      block,
      data: block.offset + headers,
      length: 0,
      capacity,
      elementSize,
      align,
      userHeader,
    };
    const header = Buffer.alloc(VEC_HEADER_SIZE);
    header.writeUInt8(headers / 8, 4);
    header.writeUInt8(Math.log2(align), 5);
    this.store.write(v.data - VEC_HEADER_SIZE, header);
    return v;
  }

  #writeVecLength(v: Vec): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v.length);
    this.store.write(v.data - VEC_HEADER_SIZE, b);
  }

  #freeVec(v: Vec): void {
    this.store.write(v.block.offset, Buffer.alloc(v.block.size, POISON));
    this.#heap.free(v.block);
  }

  /**
   * Makes `v` at least `length` long. Within capacity it grows in place; beyond, it moves to a
   * new block 1.5 times larger and the old block is freed (the caller holds the lock then).
   */
  #ensureLength(v: Vec, length: number): { vec: Vec; moved: boolean } {
    if (length <= v.length) return { vec: v, moved: false };
    if (length <= v.capacity) {
      v.length = length;
      this.#writeVecLength(v);
      return { vec: v, moved: false };
    }
    const grown = this.#allocVec(
      v.elementSize,
      Math.max(length, Math.ceil(v.capacity * 1.5)),
      v.align,
      v.userHeader,
    );
    if (v.userHeader > 0) {
      this.store.write(
        grown.block.offset,
        this.store.read(v.block.offset, v.userHeader, 'vector user header'),
      );
    }
    if (v.length > 0)
      this.store.write(grown.data, this.store.read(v.data, v.length * v.elementSize, 'vector'));
    grown.length = length;
    this.#writeVecLength(grown);
    this.#freeVec(v);
    return { vec: grown, moved: true };
  }

  #elementSize(e: Entry): number {
    return e.type === StatType.counterCombined ? COMBINED_COUNTER_SIZE : SIMPLE_COUNTER_SIZE;
  }

  #validate(e: Entry, index: number): void {
    if (!Number.isInteger(index) || index < 0 || index > 0xffff_fffe) {
      throw new StatsSegmentWriterError(`${e.name}: bad counter index ${index}`);
    }
    const willExpand = !e.perThread || e.perThread.some((v) => index >= v.capacity);
    if (willExpand) this.lock();
    try {
      if (!e.threads || !e.perThread) {
        const threads = this.#allocVec(POINTER_SIZE, this.threads, CACHE_LINE, 0);
        threads.length = this.threads;
        this.#writeVecLength(threads);
        const perThread: Vec[] = [];
        const pointers = Buffer.alloc(this.threads * POINTER_SIZE);
        for (let t = 0; t < this.threads; t++) {
          const v = this.#allocVec(this.#elementSize(e), index + 1, CACHE_LINE, 0);
          v.length = index + 1;
          this.#writeVecLength(v);
          perThread.push(v);
          pointers.writeBigUInt64LE(this.#pointer(v), t * POINTER_SIZE);
        }
        this.store.write(threads.data, pointers);
        e.threads = threads;
        e.perThread = perThread;
        this.#writeEntryValue(e, this.#pointer(threads));
        return;
      }
      for (let t = 0; t < e.perThread.length; t++) {
        const { vec, moved } = this.#ensureLength(e.perThread[t]!, index + 1);
        e.perThread[t] = vec;
        if (moved) this.store.write(e.threads.data + t * POINTER_SIZE, u64(this.#pointer(vec)));
      }
    } finally {
      if (willExpand) this.unlock();
    }
  }

  #counterSlot(name: string, type: number, thread: number, index: number): number {
    const e = this.#entry(name, [type]);
    this.#checkThread(thread);
    this.#validate(e, index);
    const v = e.perThread![thread]!;
    return v.data + index * v.elementSize;
  }
}
