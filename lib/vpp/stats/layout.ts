/**
 * Byte layout of VPP's stats segment (layout version 2), as VPP lays it out in its shared
 * memory on a 64-bit little-endian host. Pointers stored in the segment are VPP's own virtual
 * addresses; the header records the address VPP mapped the segment at (`base`), so an offset
 * into the segment is `pointer - base`.
 */

/** The only layout version this reader understands. */
export const STATS_SEGMENT_VERSION = 2n;

/** VPP's default segment size (32 MiB). */
export const STATS_SEGMENT_DEFAULT_SIZE = 32 * 1024 * 1024;

/** The shared header at offset 0: five 64-bit words. */
export const HEADER = {
  version: 0,
  base: 8,
  epoch: 16,
  inProgress: 24,
  directoryVector: 32,
  size: 40,
} as const;

/**
 * One directory entry: a 32-bit type (padded to 8), a 64-bit union (scalar value, data
 * pointer, or two 32-bit indexes for a symlink) and a NUL-terminated name of at most 128 bytes.
 */
export const ENTRY = {
  type: 0,
  value: 8,
  index1: 8,
  index2: 12,
  name: 16,
  nameSize: 128,
  size: 144,
} as const;

/**
 * VPP vectors are preceded by an 8-byte header whose first 32 bits hold the element count; a
 * vector pointer points just past that header. A null pointer is an empty vector.
 */
export const VEC_HEADER_SIZE = 8;

/** Directory entry types (`stat_directory_type_t`). */
export const StatType = {
  illegal: 0,
  scalar: 1,
  counterSimple: 2,
  counterCombined: 3,
  nameVector: 4,
  empty: 5,
  symlink: 6,
  histogramLog2: 7,
  ringBuffer: 8,
  gauge: 9,
} as const;
export type StatTypeCode = (typeof StatType)[keyof typeof StatType];

/** Sizes of the elements of counter vectors. */
export const SIMPLE_COUNTER_SIZE = 8;
export const COMBINED_COUNTER_SIZE = 16;
export const POINTER_SIZE = 8;

/** The first directory entries VPP creates, at these fixed indexes. */
export const SYS_ENTRIES = [
  { index: 0, name: '/sys/heartbeat' },
  { index: 1, name: '/sys/last_stats_clear' },
  { index: 2, name: '/sys/boottime' },
] as const;
