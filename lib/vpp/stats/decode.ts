import { StatsSegmentLayoutError, StatsSegmentVersionError } from './errors.js';
import {
  COMBINED_COUNTER_SIZE,
  ENTRY,
  HEADER,
  POINTER_SIZE,
  SIMPLE_COUNTER_SIZE,
  STATS_SEGMENT_VERSION,
  StatType,
  VEC_HEADER_SIZE,
} from './layout.js';
import type { SegmentSource } from './source.js';

/** The shared header at the start of the segment. */
export interface SharedHeader {
  version: bigint;
  /** The address VPP mapped the segment at: every pointer inside is relative to it. */
  base: bigint;
  /** Bumped by VPP each time it finishes changing the directory or moving a vector. */
  epoch: bigint;
  /** Non-zero while VPP is changing the directory. */
  inProgress: bigint;
  directoryVector: bigint;
}

/** One directory slot as stored: its type, raw 64-bit union and name. */
export interface DirectoryEntry {
  index: number;
  type: number;
  name: string;
  /** The union: a scalar's value, a data pointer, or (symlink) index1 | index2 << 32. */
  value: bigint;
}

/**
 * One element of a combined counter: packets and bytes.
 *
 * @public
 */
export interface CombinedCounter {
  /** Packet count. */
  packets: bigint;
  /** Byte count. */
  bytes: bigint;
}

/**
 * What every decoded stats entry has.
 *
 * @public
 */
export interface StatsEntryBase {
  /** The entry's name, e.g. "/sys/boottime" or "/net/route/to". */
  name: string;
  /** Index of the entry in VPP's directory. */
  index: number;
}

/**
 * `/sys/boottime`, `/sys/heartbeat` and the like: a 64-bit integer in the directory slot.
 *
 * @public
 */
export interface ScalarStatsEntry extends StatsEntryBase {
  /** Discriminates the {@link StatsEntry} union. */
  kind: 'scalar';
  /** The value as a double, as VPP's own C client returns it. */
  value: number;
  /** The slot's 64 bits, unconverted. */
  raw: bigint;
}

/**
 * A gauge: one 64-bit value VPP overwrites in place.
 *
 * @public
 */
export interface GaugeStatsEntry extends StatsEntryBase {
  /** Discriminates the {@link StatsEntry} union. */
  kind: 'gauge';
  /** The current value. */
  value: bigint;
}

/**
 * Packet counters: `values[thread][index]`.
 *
 * @public
 */
export interface SimpleStatsEntry extends StatsEntryBase {
  /** Discriminates the {@link StatsEntry} union. */
  kind: 'simple';
  /** Per thread, one counter per index (e.g. per interface or per VIP). */
  values: bigint[][];
}

/**
 * Packet and byte counters: `values[thread][index]`.
 *
 * @public
 */
export interface CombinedStatsEntry extends StatsEntryBase {
  /** Discriminates the {@link StatsEntry} union. */
  kind: 'combined';
  /** Per thread, one counter pair per index (e.g. per interface or per FIB entry). */
  values: CombinedCounter[][];
}

/**
 * A vector of strings, e.g. interface or node names; null where a slot is unset.
 *
 * @public
 */
export interface NameVectorStatsEntry extends StatsEntryBase {
  /** Discriminates the {@link StatsEntry} union. */
  kind: 'name-vector';
  /** The names, by index. */
  values: (string | null)[];
}

/**
 * Per-thread log2 histogram: bin i counts values in [2^(minExponent+i), 2^(minExponent+i+1)).
 *
 * @public
 */
export interface HistogramStatsEntry extends StatsEntryBase {
  /** Discriminates the {@link StatsEntry} union. */
  kind: 'histogram-log2';
  /** The exponent of the lowest bin. */
  minExponent: number;
  /** Per thread, the count of each bin. */
  bins: bigint[][];
}

/**
 * One column of another entry, e.g. `/interfaces/<name>/rx` → `/if/rx`[*][sw_if_index].
 *
 * @public
 */
export interface SymlinkStatsEntry extends StatsEntryBase {
  /** Discriminates the {@link StatsEntry} union. */
  kind: 'symlink';
  /** The name of the entry linked to; "" when the link points at no entry. */
  target: string;
  /** The column of the target the link selects. */
  vectorIndex: number;
  /** The target's counters at `vectorIndex`, per thread; null when the target is no counter. */
  column: { kind: 'simple'; values: bigint[] } | { kind: 'combined'; values: CombinedCounter[] } | null;
}

/**
 * Entry types this reader lists but does not decode (ring buffers, unknown future types).
 *
 * @public
 */
export interface UnsupportedStatsEntry extends StatsEntryBase {
  /** Discriminates the {@link StatsEntry} union. */
  kind: 'unsupported';
  /** VPP's `stat_directory_type_t` code of the entry. */
  type: number;
}

/**
 * A decoded stats segment entry; `kind` tells the shapes apart.
 *
 * @public
 */
export type StatsEntry =
  | ScalarStatsEntry
  | GaugeStatsEntry
  | SimpleStatsEntry
  | CombinedStatsEntry
  | NameVectorStatsEntry
  | HistogramStatsEntry
  | SymlinkStatsEntry
  | UnsupportedStatsEntry;

export function readHeader(src: SegmentSource): SharedHeader {
  const b = src.read(0, HEADER.size, 'shared header');
  return {
    version: b.readBigUInt64LE(HEADER.version),
    base: b.readBigUInt64LE(HEADER.base),
    epoch: b.readBigUInt64LE(HEADER.epoch),
    inProgress: b.readBigUInt64LE(HEADER.inProgress),
    directoryVector: b.readBigUInt64LE(HEADER.directoryVector),
  };
}

export function checkVersion(header: SharedHeader): void {
  if (header.version !== STATS_SEGMENT_VERSION) {
    throw new StatsSegmentVersionError(header.version, STATS_SEGMENT_VERSION);
  }
}

/** Translates a VPP pointer into an offset in the segment; null for a null pointer. */
export function pointerToOffset(
  src: SegmentSource,
  header: SharedHeader,
  pointer: bigint,
  what: string,
): number | null {
  if (pointer === 0n) return null;
  const offset = pointer - header.base;
  if (offset < BigInt(HEADER.size) || offset >= BigInt(src.size)) {
    throw new StatsSegmentLayoutError(
      what,
      offset > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(offset),
      0,
      src.size,
    );
  }
  return Number(offset);
}

/** A VPP vector located in the segment: where its elements start and how many there are. */
export interface VectorRef {
  offset: number;
  length: number;
}

/** Locates the vector `pointer` points at and checks that all its elements lie in the segment. */
export function locateVector(
  src: SegmentSource,
  header: SharedHeader,
  pointer: bigint,
  elementSize: number,
  what: string,
): VectorRef {
  const offset = pointerToOffset(src, header, pointer, what);
  if (offset === null) return { offset: 0, length: 0 };
  if (offset < HEADER.size + VEC_HEADER_SIZE) throw new StatsSegmentLayoutError(what, offset, 0, src.size);
  const length = src.read(offset - VEC_HEADER_SIZE, 4, `${what} length`).readUInt32LE(0);
  if (offset + length * elementSize > src.size) {
    throw new StatsSegmentLayoutError(what, offset, length * elementSize, src.size);
  }
  return { offset, length };
}

export function readVector(
  src: SegmentSource,
  header: SharedHeader,
  pointer: bigint,
  elementSize: number,
  what: string,
): { buffer: Buffer; length: number } {
  const ref = locateVector(src, header, pointer, elementSize, what);
  if (ref.length === 0) return { buffer: Buffer.alloc(0), length: 0 };
  return { buffer: src.read(ref.offset, ref.length * elementSize, what), length: ref.length };
}

function decodeName(raw: Buffer): string {
  const end = raw.indexOf(0);
  return raw.toString('utf8', 0, end === -1 ? raw.length : end);
}

export function decodeDirectoryEntry(raw: Buffer, at: number, index: number): DirectoryEntry {
  return {
    index,
    type: raw.readUInt32LE(at + ENTRY.type),
    value: raw.readBigUInt64LE(at + ENTRY.value),
    name: decodeName(raw.subarray(at + ENTRY.name, at + ENTRY.name + ENTRY.nameSize)),
  };
}

/** Reads the whole directory. Empty and illegal slots are kept so indexes stay positional. */
export function readDirectory(src: SegmentSource, header: SharedHeader): DirectoryEntry[] {
  const { buffer, length } = readVector(src, header, header.directoryVector, ENTRY.size, 'directory vector');
  const entries: DirectoryEntry[] = new Array(length);
  for (let i = 0; i < length; i++) entries[i] = decodeDirectoryEntry(buffer, i * ENTRY.size, i);
  return entries;
}

/** Re-reads one directory slot: scalar values change in place without an epoch bump. */
export function readDirectoryEntry(src: SegmentSource, header: SharedHeader, index: number): DirectoryEntry {
  const dir = locateVector(src, header, header.directoryVector, ENTRY.size, 'directory vector');
  if (index >= dir.length) {
    throw new StatsSegmentLayoutError(
      `directory entry ${index}`,
      dir.offset + index * ENTRY.size,
      ENTRY.size,
      src.size,
    );
  }
  const raw = src.read(dir.offset + index * ENTRY.size, ENTRY.size, `directory entry ${index}`);
  return decodeDirectoryEntry(raw, 0, index);
}

/** Reads the per-thread vectors of a counter entry: `[thread]` → raw elements. */
function readPerThread(
  src: SegmentSource,
  header: SharedHeader,
  entry: DirectoryEntry,
  elementSize: number,
): { buffer: Buffer; length: number }[] {
  const threads = readVector(src, header, entry.value, POINTER_SIZE, `entry "${entry.name}" thread vector`);
  const out: { buffer: Buffer; length: number }[] = [];
  for (let t = 0; t < threads.length; t++) {
    const pointer = threads.buffer.readBigUInt64LE(t * POINTER_SIZE);
    out.push(readVector(src, header, pointer, elementSize, `entry "${entry.name}" thread ${t} counters`));
  }
  return out;
}

function simpleValues(v: { buffer: Buffer; length: number }): bigint[] {
  const values: bigint[] = new Array(v.length);
  for (let i = 0; i < v.length; i++) values[i] = v.buffer.readBigUInt64LE(i * SIMPLE_COUNTER_SIZE);
  return values;
}

function combinedValues(v: { buffer: Buffer; length: number }): CombinedCounter[] {
  const values: CombinedCounter[] = new Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const at = i * COMBINED_COUNTER_SIZE;
    values[i] = { packets: v.buffer.readBigUInt64LE(at), bytes: v.buffer.readBigUInt64LE(at + 8) };
  }
  return values;
}

export function readSimpleCounters(
  src: SegmentSource,
  header: SharedHeader,
  entry: DirectoryEntry,
): bigint[][] {
  return readPerThread(src, header, entry, SIMPLE_COUNTER_SIZE).map(simpleValues);
}

export function readCombinedCounters(
  src: SegmentSource,
  header: SharedHeader,
  entry: DirectoryEntry,
): CombinedCounter[][] {
  return readPerThread(src, header, entry, COMBINED_COUNTER_SIZE).map(combinedValues);
}

function readNameVector(src: SegmentSource, header: SharedHeader, entry: DirectoryEntry): (string | null)[] {
  const names = readVector(src, header, entry.value, POINTER_SIZE, `entry "${entry.name}" name vector`);
  const values: (string | null)[] = [];
  for (let i = 0; i < names.length; i++) {
    const pointer = names.buffer.readBigUInt64LE(i * POINTER_SIZE);
    if (pointer === 0n) {
      values.push(null);
      continue;
    }
    // Each name is a byte vector whose last element is its terminating NUL.
    const s = readVector(src, header, pointer, 1, `entry "${entry.name}" name ${i}`);
    values.push(decodeName(s.buffer));
  }
  return values;
}

function readHistogram(src: SegmentSource, header: SharedHeader, entry: DirectoryEntry): HistogramStatsEntry {
  let minExponent = 0;
  let seen = false;
  const bins = readSimpleCounters(src, header, entry).map((thread) => {
    // The first element of each thread's vector is the exponent of the lowest bin.
    const [first, ...rest] = thread;
    if (first !== undefined && !seen) {
      minExponent = Number(first);
      seen = true;
    }
    return rest;
  });
  return { kind: 'histogram-log2', name: entry.name, index: entry.index, minExponent, bins };
}

function column<T>(perThread: T[][], index: number): T[] {
  const out: T[] = [];
  for (const thread of perThread) {
    const v = thread[index];
    if (v !== undefined) out.push(v);
  }
  return out;
}

function readSymlink(
  src: SegmentSource,
  header: SharedHeader,
  entry: DirectoryEntry,
  directory: readonly DirectoryEntry[],
): SymlinkStatsEntry {
  const targetIndex = Number(entry.value & 0xffff_ffffn);
  const vectorIndex = Number(entry.value >> 32n);
  const target = directory[targetIndex];
  const base = { kind: 'symlink' as const, name: entry.name, index: entry.index, vectorIndex };
  if (target === undefined) return { ...base, target: '', column: null };
  // The directory snapshot's pointer may be stale; the target's slot is re-read like any entry.
  const fresh = readDirectoryEntry(src, header, targetIndex);
  if (fresh.type === StatType.counterSimple) {
    const values = column(readSimpleCounters(src, header, fresh), vectorIndex);
    return { ...base, target: fresh.name, column: { kind: 'simple', values } };
  }
  if (fresh.type === StatType.counterCombined) {
    const values = column(readCombinedCounters(src, header, fresh), vectorIndex);
    return { ...base, target: fresh.name, column: { kind: 'combined', values } };
  }
  return { ...base, target: fresh.name, column: null };
}

/**
 * Per-index sums over threads of a simple or combined counter.
 *
 * @public
 */
export type CounterSums =
  | { kind: 'simple'; values: bigint[] }
  | { kind: 'combined'; values: CombinedCounter[] };

/**
 * Sums a counter over threads at `indexes` (every index when undefined), copying out of each
 * thread's vector only the span the indexes cover: a FIB counter can have an index per route.
 * Indexes past a thread's vector count as zero there. Null when `entry` is no counter.
 */
export function sumCounterColumns(
  src: SegmentSource,
  header: SharedHeader,
  entry: DirectoryEntry,
  indexes?: readonly number[],
): CounterSums | null {
  const combined = entry.type === StatType.counterCombined;
  if (!combined && entry.type !== StatType.counterSimple) return null;
  const size = combined ? COMBINED_COUNTER_SIZE : SIMPLE_COUNTER_SIZE;
  const threads = readVector(src, header, entry.value, POINTER_SIZE, `entry "${entry.name}" thread vector`);
  const refs: VectorRef[] = [];
  for (let t = 0; t < threads.length; t++) {
    const pointer = threads.buffer.readBigUInt64LE(t * POINTER_SIZE);
    refs.push(locateVector(src, header, pointer, size, `entry "${entry.name}" thread ${t} counters`));
  }
  const wanted = indexes ?? Array.from({ length: Math.max(0, ...refs.map((r) => r.length)) }, (_, i) => i);
  const packets = new Array<bigint>(wanted.length).fill(0n);
  const bytes = new Array<bigint>(wanted.length).fill(0n);
  let lo = Number.POSITIVE_INFINITY;
  let hi = -1;
  for (const i of wanted) {
    if (i < lo) lo = i;
    if (i > hi) hi = i;
  }
  for (const [t, ref] of refs.entries()) {
    const end = Math.min(hi + 1, ref.length);
    if (lo >= end) continue;
    const span = src.read(
      ref.offset + lo * size,
      (end - lo) * size,
      `entry "${entry.name}" thread ${t} counters`,
    );
    for (const [k, i] of wanted.entries()) {
      if (i >= end) continue;
      const at = (i - lo) * size;
      packets[k] = (packets[k] ?? 0n) + span.readBigUInt64LE(at);
      if (combined) bytes[k] = (bytes[k] ?? 0n) + span.readBigUInt64LE(at + 8);
    }
  }
  if (!combined) return { kind: 'simple', values: packets };
  return { kind: 'combined', values: packets.map((p, k) => ({ packets: p, bytes: bytes[k] ?? 0n })) };
}

/**
 * Decodes one entry. `entry` must be a fresh read of its directory slot; `directory` is only
 * used to resolve symlinks. Returns null for empty and illegal slots.
 */
export function decodeEntry(
  src: SegmentSource,
  header: SharedHeader,
  entry: DirectoryEntry,
  directory: readonly DirectoryEntry[],
): StatsEntry | null {
  const { name, index } = entry;
  switch (entry.type) {
    case StatType.scalar:
      return { kind: 'scalar', name, index, value: Number(entry.value), raw: entry.value };
    case StatType.gauge:
      return { kind: 'gauge', name, index, value: entry.value };
    case StatType.counterSimple:
      return { kind: 'simple', name, index, values: readSimpleCounters(src, header, entry) };
    case StatType.counterCombined:
      return { kind: 'combined', name, index, values: readCombinedCounters(src, header, entry) };
    case StatType.nameVector:
      return { kind: 'name-vector', name, index, values: readNameVector(src, header, entry) };
    case StatType.histogramLog2:
      return readHistogram(src, header, entry);
    case StatType.symlink:
      return readSymlink(src, header, entry, directory);
    case StatType.empty:
    case StatType.illegal:
      return null;
    default:
      return { kind: 'unsupported', name, index, type: entry.type };
  }
}
