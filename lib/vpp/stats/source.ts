import { readSync } from 'node:fs';
import { StatsSegmentLayoutError } from './errors.js';

/**
 * Random read access to a stats segment. The reader never maps the segment: it copies out the
 * few bytes it needs with positioned reads, so a segment can be a memfd received from VPP, a
 * file, or a Buffer in a test.
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

/** A segment held in memory. The Buffer is shared, not copied: writes to it are seen. */
export class BufferSegmentSource implements SegmentSource {
  constructor(readonly buffer: Buffer) {}

  get size(): number {
    return this.buffer.length;
  }

  read(offset: number, length: number, what: string): Buffer {
    checkRange(this.buffer.length, offset, length, what);
    return Buffer.from(this.buffer.subarray(offset, offset + length));
  }
}

/** A segment behind a file descriptor (VPP's memfd), read with pread(2). Does not own the fd. */
export class FdSegmentSource implements SegmentSource {
  constructor(
    readonly fd: number,
    readonly size: number,
  ) {}

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
