import { readSync } from 'node:fs';
import { StatsSegmentLayoutError } from './errors.js';

/**
 * Random read access to a stats segment. The reader never maps the segment: it copies out the
 * few bytes it needs with positioned reads, so a segment can be a memfd received from VPP, a
 * file, or a Buffer in a test.
 *
 * @public
 */
export interface SegmentSource {
  /** Size of the segment in bytes. */
  readonly size: number;
  /**
   * Copies `length` bytes at `offset` into a new Buffer. Throws StatsSegmentLayoutError naming
   * `what` when the range is not inside the segment.
   */
  read(offset: number, length: number, what: string): Buffer;
}

export function checkRange(size: number, offset: number, length: number, what: string): void {
  if (
    !Number.isSafeInteger(offset) ||
    !Number.isSafeInteger(length) ||
    offset < 0 ||
    length < 0 ||
    offset + length > size
  ) {
    throw new StatsSegmentLayoutError(what, offset, length, size);
  }
}

/**
 * A segment held in memory. The Buffer is shared, not copied: writes to it are seen.
 *
 * @public
 */
export class BufferSegmentSource implements SegmentSource {
  constructor(
    /** The segment's bytes. */
    readonly buffer: Buffer,
  ) {}

  /** Size of the segment in bytes: the Buffer's length. */
  get size(): number {
    return this.buffer.length;
  }

  /** Copies `length` bytes at `offset`; throws StatsSegmentLayoutError naming `what` when out of range. */
  read(offset: number, length: number, what: string): Buffer {
    checkRange(this.buffer.length, offset, length, what);
    return Buffer.from(this.buffer.subarray(offset, offset + length));
  }
}

/**
 * A segment behind a file descriptor (VPP's memfd), read with pread(2). Does not own the fd.
 *
 * @public
 */
export class FdSegmentSource implements SegmentSource {
  constructor(
    /** The open file descriptor; the caller closes it. */
    readonly fd: number,
    /** Size of the segment in bytes, as fstat(2) gave it. */
    readonly size: number,
  ) {}

  /**
   * Copies `length` bytes at `offset`; throws StatsSegmentLayoutError naming `what` when out of
   * range or past the end of the file.
   */
  read(offset: number, length: number, what: string): Buffer {
    checkRange(this.size, offset, length, what);
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buf, done, length - done, offset + done);
      // The segment never shrinks while VPP runs; a short file is a broken segment.
      if (n === 0) throw new StatsSegmentLayoutError(`${what} (end of file)`, offset, length, this.size);
      done += n;
    }
    return buf;
  }
}
