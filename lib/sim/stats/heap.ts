/** A block handed out by SegmentHeap: `offset` and `size` in bytes within the segment. */
export interface HeapBlock {
  offset: number;
  size: number;
}

/** The segment has no free block large enough for an allocation. */
export class StatsSegmentFullError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'STATS_SEGMENT_FULL' as const;
  override readonly name = 'StatsSegmentFullError';
  constructor(
    readonly requested: number,
    readonly segmentSize: number,
  ) {
    super(`stats segment of ${segmentSize} bytes has no room for ${requested} more bytes`);
  }
}

/**
 * First-fit allocator over a byte range of the segment, with coalescing of freed blocks. VPP
 * puts a heap in the segment after its first page and allocates vectors from it; this plays
 * that part for the writer. Pure bookkeeping: it never touches the bytes.
 */
export class SegmentHeap {
  /** Free blocks sorted by offset, never adjacent (adjacent ones are merged). */
  readonly #free: HeapBlock[];
  #used = 0;

  constructor(
    readonly start: number,
    readonly end: number,
  ) {
    if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && 0 <= start && start < end)) {
      throw new RangeError(`invalid heap range [${start}, ${end})`);
    }
    this.#free = [{ offset: start, size: end - start }];
  }

  /** Bytes currently allocated. */
  get used(): number {
    return this.#used;
  }

  /**
   * Allocates `size` bytes such that `offset + skew` is a multiple of `align` (a power of two):
   * a vector's elements follow its header, so it is the elements that must be aligned.
   */
  alloc(size: number, align = 8, skew = 0): HeapBlock {
    if (!(Number.isSafeInteger(size) && size > 0)) throw new RangeError(`invalid allocation size ${size}`);
    if (!(Number.isSafeInteger(align) && align > 0 && (align & (align - 1)) === 0)) {
      throw new RangeError(`alignment ${align} is not a power of two`);
    }
    for (let i = 0; i < this.#free.length; i++) {
      const f = this.#free[i]!;
      const offset = Math.ceil((f.offset + skew) / align) * align - skew;
      const pad = offset - f.offset;
      if (pad + size > f.size) continue;
      const tail = { offset: offset + size, size: f.offset + f.size - (offset + size) };
      const replacement: HeapBlock[] = [];
      if (pad > 0) replacement.push({ offset: f.offset, size: pad });
      if (tail.size > 0) replacement.push(tail);
      this.#free.splice(i, 1, ...replacement);
      this.#used += size;
      return { offset, size };
    }
    throw new StatsSegmentFullError(size, this.end);
  }

  free(block: HeapBlock): void {
    const { offset, size } = block;
    let i = 0;
    while (i < this.#free.length && this.#free[i]!.offset < offset) i++;
    const prev = this.#free[i - 1];
    const next = this.#free[i];
    if ((prev && prev.offset + prev.size > offset) || (next && offset + size > next.offset)) {
      throw new Error(`double free or overlap at offset ${offset} size ${size}`);
    }
    this.#used -= size;
    if (prev && prev.offset + prev.size === offset) {
      prev.size += size;
      if (next && prev.offset + prev.size === next.offset) {
        prev.size += next.size;
        this.#free.splice(i, 1);
      }
    } else if (next && offset + size === next.offset) {
      next.offset = offset;
      next.size += size;
    } else {
      this.#free.splice(i, 0, { offset, size });
    }
  }

  /** The free blocks, for tests. */
  freeBlocks(): HeapBlock[] {
    return this.#free.map((b) => ({ ...b }));
  }
}
