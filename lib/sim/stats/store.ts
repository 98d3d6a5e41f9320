import { writeSync } from 'node:fs';
import {
  BufferSegmentSource,
  checkRange,
  FdSegmentSource,
  type SegmentSource,
} from '../../vpp/stats/source.js';

/** A segment the writer can change: bytes written are what a reader sees next. */
export interface WritableSegment extends SegmentSource {
  write(offset: number, data: Buffer): void;
}

export class BufferSegmentStore extends BufferSegmentSource implements WritableSegment {
  write(offset: number, data: Buffer): void {
    checkRange(this.buffer.length, offset, data.length, 'write');
    data.copy(this.buffer, offset);
  }
}

/** A memfd or file, written with pwrite(2). Does not own the fd. */
export class FdSegmentStore extends FdSegmentSource implements WritableSegment {
  write(offset: number, data: Buffer): void {
    checkRange(this.size, offset, data.length, 'write');
    let done = 0;
    while (done < data.length) done += writeSync(this.fd, data, done, data.length - done, offset + done);
  }
}
