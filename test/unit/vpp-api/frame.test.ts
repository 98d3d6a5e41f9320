import { describe, expect, it } from 'vitest';
import { framePayload, VppDecodeError, VppFrameReader } from '../../../vpp-api/index.js';

function stream(payloadSizes: number[]): { bytes: Buffer; payloads: Buffer[] } {
  const payloads = payloadSizes.map((n, i) => Buffer.alloc(n, i + 1));
  const frames = payloads.map((p) => {
    const f = framePayload(p);
    f.fill(0xee, 0, 8); // VPP leaves a pointer in q: it must be ignored
    return f;
  });
  return { bytes: Buffer.concat(frames), payloads };
}

/** Hex strings compare fast; deep equality over large Buffers does not. */
const hexes = (bs: readonly Buffer[]) => bs.map((b) => b.toString('hex'));

describe('VppFrameReader', () => {
  const { bytes, payloads } = stream([10, 0, 1, 67, 300, 2]);

  it('writes the 16-byte header: q=0, data_len, gc=0', () => {
    expect(framePayload(Buffer.from([1, 2, 3])).toString('hex')).toBe(
      '0000000000000000' + '00000003' + '00000000' + '010203',
    );
  });

  it('reads the whole stream in one chunk', () => {
    const got: Buffer[] = [];
    new VppFrameReader((p) => got.push(Buffer.from(p))).push(bytes);
    expect(hexes(got)).toEqual(hexes(payloads));
  });

  it('reads the stream split at every byte boundary', () => {
    for (let cut = 1; cut < bytes.length; cut++) {
      const got: Buffer[] = [];
      const r = new VppFrameReader((p) => got.push(Buffer.from(p)));
      r.push(bytes.subarray(0, cut));
      r.push(bytes.subarray(cut));
      expect(hexes(got), `cut at ${cut}`).toEqual(hexes(payloads));
      expect(r.buffered).toBe(0);
    }
  });

  it('reads the stream split at every pair of boundaries', () => {
    for (let a = 1; a < bytes.length; a += 7) {
      for (let b = a + 1; b < bytes.length; b += 3) {
        const got: Buffer[] = [];
        const r = new VppFrameReader((p) => got.push(Buffer.from(p)));
        r.push(bytes.subarray(0, a));
        r.push(bytes.subarray(a, b));
        r.push(bytes.subarray(b));
        expect(hexes(got), `cuts at ${a}, ${b}`).toEqual(hexes(payloads));
      }
    }
  });

  it('reads the stream one byte at a time', () => {
    const got: Buffer[] = [];
    const r = new VppFrameReader((p) => got.push(Buffer.from(p)));
    for (let i = 0; i < bytes.length; i++) r.push(bytes.subarray(i, i + 1));
    expect(hexes(got)).toEqual(hexes(payloads));
  });

  it('assembles a large frame from many chunks', () => {
    const big = stream([3_000_000, 5]);
    const got: Buffer[] = [];
    const r = new VppFrameReader((p) => got.push(Buffer.from(p)));
    for (let i = 0; i < big.bytes.length; i += 65536) r.push(big.bytes.subarray(i, i + 65536));
    expect(hexes(got)).toEqual(hexes(big.payloads));
  });

  it('fails the stream on a frame above the cap, and stays failed', () => {
    const r = new VppFrameReader(() => undefined, { maxFrameBytes: 100 });
    const { bytes: tooBig } = stream([101]);
    expect(() => r.push(tooBig.subarray(0, 20))).toThrow(VppDecodeError);
    expect(() => r.push(tooBig.subarray(20))).toThrow(/101 payload bytes, above the 100-byte limit/);
  });
});
