import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultVppCodec, VppDecodeError, VppFrameReader } from '../../../vpp-api/index.js';
import { arbitraryForFields } from './arbitraries.js';

/** Small seeded PRNG: the run is reproducible from the seed printed on failure. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fixed so runs are repeatable; set VPP_API_FUZZ_SEED to explore other inputs. */
const SEED = Number(process.env['VPP_API_FUZZ_SEED'] ?? 0x5eed) >>> 0;

const codec = defaultVppCodec();
const names = codec.messageNames;

/** Runs f, accepting success or VppDecodeError and nothing else. */
function decodesOrTypedError(f: () => unknown, what: () => string): 'ok' | 'error' {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (!(e instanceof VppDecodeError)) throw new Error(`${what()}: threw ${String(e)}`, { cause: e });
    return 'error';
  }
}

describe('fuzz: the decoder survives hostile bytes', () => {
  it('decodes at least 100,000 random, truncated and mutated payloads with only VppDecodeError', () => {
    const seed = SEED;
    const rnd = prng(seed);
    const int = (n: number) => Math.floor(rnd() * n);
    // Valid encodings to cut and mutate: a few samples per message.
    const samples = names.map((n) => {
      const m = codec.message(n);
      return {
        m,
        frames: fc
          .sample(arbitraryForFields(m.fields), { numRuns: 4, seed })
          .map((v) => m.encodeFrame(v, 1, 2, 3).subarray(16)),
      };
    });
    let runs = 0;
    let errors = 0;
    const tally = (r: 'ok' | 'error') => {
      runs++;
      if (r === 'error') errors++;
    };
    while (runs < 102_000) {
      const { m, frames } = samples[int(samples.length)]!;
      const valid = frames[int(frames.length)]!;
      const where = (p: Uint8Array) => () =>
        `seed ${seed}, ${m.name}, payload ${Buffer.from(p).toString('hex')}`;
      // Random bytes of random length.
      const random = new Uint8Array(int(valid.length + 40));
      for (let i = 0; i < random.length; i++) random[i] = int(256);
      tally(decodesOrTypedError(() => m.decode(random), where(random)));
      // Truncation at a random point.
      const cut = valid.subarray(0, int(valid.length + 1));
      tally(decodesOrTypedError(() => m.decode(cut), where(cut)));
      // A few flipped bytes (counts and lengths included).
      const flipped = Uint8Array.from(valid);
      for (let k = 0; k < 1 + int(3); k++) flipped[int(flipped.length)] = int(256);
      tally(decodesOrTypedError(() => m.decode(flipped), where(flipped)));
    }
    expect(runs).toBeGreaterThanOrEqual(100_000);
    // Most hostile inputs are refused; a test that never saw an error would prove nothing.
    expect(errors).toBeGreaterThan(runs / 4);
  });

  it('refuses every payload cut below the message size', () => {
    for (const n of names) {
      const m = codec.message(n);
      const full = m.encodeFrame({}, 1).subarray(16);
      for (let len = 0; len < m.minSize; len++) {
        expect(() => m.decode(full.subarray(0, len)), `${n} cut to ${len}`).toThrow(VppDecodeError);
      }
    }
  });

  it('bounds element counts by the bytes present, before allocating', () => {
    // sockclnt_create_reply claiming 65535 table entries of 66 bytes in a 30-byte payload.
    const m = codec.message('sockclnt_create_reply');
    const p = Buffer.from(m.encodeFrame({ response: 0, index: 1, message_table: [] }, 16).subarray(16));
    p.writeUInt16BE(0xffff, 18);
    expect(() => m.decode(Buffer.concat([p, Buffer.alloc(10)]))).toThrow(
      /count 65535 needs at least 4325310 bytes/,
    );
    const json = codec.message('get_api_json_reply');
    const q = Buffer.from(json.encodeFrame({ retval: 0, json: '' }, 1).subarray(16));
    q.writeUInt32BE(0xffffffff, 10);
    expect(() => json.decode(q)).toThrow(/length 4294967295/);
  });

  it('frame reader: random chunking of random frames yields only whole frames or VppDecodeError', () => {
    const seed = (SEED ^ 0x5bd1e995) >>> 0;
    const rnd = prng(seed);
    const int = (n: number) => Math.floor(rnd() * n);
    for (let round = 0; round < 300; round++) {
      const payloads: Buffer[] = [];
      const parts: Buffer[] = [];
      for (let i = 0; i < 1 + int(8); i++) {
        const p = Buffer.alloc(int(300));
        for (let j = 0; j < p.length; j++) p[j] = int(256);
        const h = Buffer.alloc(16);
        for (let j = 0; j < 16; j++) h[j] = int(256); // VPP's junk in q and gc_mark
        h.writeUInt32BE(p.length, 8);
        payloads.push(p);
        parts.push(h, p);
      }
      const stream = Buffer.concat(parts);
      // Sometimes corrupt a length so the cap trips.
      const corrupt = int(10) === 0;
      if (corrupt) stream.writeUInt32BE(0xfffffff0, 8);
      const got: Buffer[] = [];
      const reader = new VppFrameReader((p) => got.push(Buffer.from(p)), { maxFrameBytes: 1 << 20 });
      let failed = false;
      for (let off = 0; off < stream.length && !failed; ) {
        const n = 1 + int(64);
        try {
          reader.push(stream.subarray(off, off + n));
        } catch (e) {
          expect(e, `seed ${seed}`).toBeInstanceOf(VppDecodeError);
          failed = true;
        }
        off += n;
      }
      if (corrupt) expect(failed, `seed ${seed}`).toBe(true);
      else {
        expect(
          got.map((b) => b.toString('hex')),
          `seed ${seed}`,
        ).toEqual(payloads.map((b) => b.toString('hex')));
        expect(reader.buffered).toBe(0);
      }
    }
  });
});
