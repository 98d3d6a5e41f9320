import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultVppCodec } from '../../../vpp-api/index.js';
import { arbitraryForFields } from './arbitraries.js';

const codec = defaultVppCodec();
const u16 = fc.integer({ min: 1, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });

describe('property: decode(encode(m)) = m for every generated message', () => {
  for (const name of codec.messageNames) {
    it(name, () => {
      const m = codec.message(name);
      fc.assert(
        fc.property(arbitraryForFields(m.fields), u16, u32, u32, (msg, id, context, clientIndex) => {
          const frame = m.encodeFrame(msg, id, context, clientIndex);
          expect(frame.readUInt32BE(8)).toBe(frame.length - 16);
          const payload = frame.subarray(16);
          if (m.fixedSize !== undefined) expect(payload.length).toBe(m.fixedSize);
          expect(payload.readUInt16BE(0)).toBe(id);
          expect(m.decode(payload)).toEqual(msg);
          if (m.contextOffset >= 0) expect(m.readContext(payload)).toBe(context);
          if (m.clientIndexOffset >= 0) expect(m.readClientIndex(payload)).toBe(clientIndex);
        }),
        { numRuns: 60 },
      );
    });
  }

  it('fills omitted defaulted fields with their default', () => {
    for (const name of codec.messageNames) {
      const m = codec.message(name);
      const defaulted = m.fields.filter((f) => f.default !== undefined);
      if (defaulted.length === 0) continue;
      fc.assert(
        fc.property(arbitraryForFields(m.fields), (msg) => {
          const input = { ...msg };
          for (const f of defaulted) delete input[f.name];
          const decoded = m.decode(m.encodeFrame(input, 1).subarray(16)) as Record<string, unknown>;
          for (const f of defaulted) expect(decoded[f.name]).toEqual(f.default);
        }),
        { numRuns: 20 },
      );
    }
  });
});
