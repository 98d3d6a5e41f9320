/**
 * The socket framing: every message travels as a 16-byte header (`u64 q`, `u32 data_len`,
 * `u32 gc_mark_timestamp`, all big-endian) and then `data_len` payload bytes.
 */
import { FRAME_HEADER_BYTES } from './codec/codec.js';
import { VppDecodeError } from './errors.js';

/**
 * A sanity cap on frame length, in bytes (64 MiB): far above any real message, low enough to
 * catch a stream out of sync.
 *
 * @public
 */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;

/**
 * Writes a frame header for a payload of `payloadLength` bytes at `offset`: zeros, and
 * `data_len` big-endian. The 16 bytes must fit in `buf`.
 *
 * @public
 */
export function writeFrameHeader(buf: Uint8Array, offset: number, payloadLength: number): void {
  buf.fill(0, offset, offset + FRAME_HEADER_BYTES);
  buf[offset + 8] = payloadLength >>> 24;
  buf[offset + 9] = payloadLength >>> 16;
  buf[offset + 10] = payloadLength >>> 8;
  buf[offset + 11] = payloadLength;
}

/**
 * Wraps a payload in a frame: a new buffer with the 16-byte header, then a copy of the payload.
 *
 * @public
 */
export function framePayload(payload: Uint8Array): Buffer {
  const b = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  writeFrameHeader(b, 0, payload.length);
  b.set(payload, FRAME_HEADER_BYTES);
  return b;
}

/**
 * Options of {@link VppFrameReader}.
 *
 * @public
 */
export interface VppFrameReaderOptions {
  /** Largest accepted payload; a longer `data_len` fails the stream. Default 64 MiB. */
  readonly maxFrameBytes?: number;
}

/**
 * Cuts a byte stream into frame payloads. Bytes may arrive split or merged in any way. Payloads
 * handed to `onFrame` are views into the received chunks, valid only during the call. The
 * header's first 12 bytes other than `data_len` are ignored: VPP puts a pointer there.
 *
 * @public
 */
export class VppFrameReader {
  private readonly maxFrameBytes: number;
  private chunks: Buffer[] = [];
  private bytes = 0;
  /** Total length of the frame being assembled, once its header is known. */
  private need = -1;
  private failure: VppDecodeError | undefined;

  /**
   * A reader for one byte stream (one per connection).
   *
   * @param onFrame - called with each complete payload, in order, synchronously from push();
   *   an exception it throws propagates out of push()
   */
  constructor(
    private readonly onFrame: (payload: Buffer) => void,
    options: VppFrameReaderOptions = {},
  ) {
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  /** Bytes held while waiting for the rest of a frame. */
  get buffered(): number {
    return this.bytes;
  }

  /**
   * Feeds received bytes. Throws VppDecodeError when a header announces a frame above the cap;
   * the stream has then lost sync and every later push throws the same error.
   */
  push(chunk: Uint8Array): void {
    if (this.failure) throw this.failure;
    const c = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.bytes === 0) {
      this.parse(c);
      return;
    }
    this.chunks.push(c);
    this.bytes += c.length;
    if (this.need < 0) {
      if (this.bytes < FRAME_HEADER_BYTES) return;
      const joined = Buffer.concat(this.chunks, this.bytes);
      this.chunks = [joined];
      this.need = FRAME_HEADER_BYTES + this.dataLen(joined, 0);
    }
    if (this.bytes < this.need) return;
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.bytes);
    this.chunks = [];
    this.bytes = 0;
    this.need = -1;
    this.parse(all);
  }

  private dataLen(b: Buffer, off: number): number {
    const len = b.readUInt32BE(off + 8);
    if (len > this.maxFrameBytes) {
      this.failure = new VppDecodeError(
        `frame header announces ${len} payload bytes, above the ${this.maxFrameBytes}-byte limit: the stream is out of sync`,
        undefined,
        0,
      );
      this.chunks = [];
      this.bytes = 0;
      throw this.failure;
    }
    return len;
  }

  private parse(b: Buffer): void {
    let off = 0;
    while (b.length - off >= FRAME_HEADER_BYTES) {
      const len = this.dataLen(b, off);
      const end = off + FRAME_HEADER_BYTES + len;
      if (end > b.length) {
        this.need = FRAME_HEADER_BYTES + len;
        break;
      }
      this.onFrame(b.subarray(off + FRAME_HEADER_BYTES, end));
      off = end;
    }
    if (off < b.length) {
      this.chunks = [b.subarray(off)];
      this.bytes = b.length - off;
      if (this.bytes < FRAME_HEADER_BYTES) this.need = -1;
    }
  }
}
