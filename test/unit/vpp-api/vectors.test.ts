import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  addressFromString,
  defaultVppCodec,
  ip4FromString,
  ip6FromString,
  prefixFromString,
  type VppFieldNode,
  type VppTypeNode,
} from '../../../vpp-api/index.js';
import { sharedVppApiDir } from './shared-dir.js';

interface Vector {
  message: string;
  name_crc: string;
  msg_id_used: number;
  note: string;
  fields: Record<string, unknown>;
  payload_len: number;
  payload_hex: string;
  frame_hex: string;
}

const vectors = (
  JSON.parse(readFileSync(join(sharedVppApiDir(), 'test-vectors.json'), 'utf8')) as { vectors: Vector[] }
).vectors;

/** The vectors spell addresses and prefixes as text; turn them into wire objects by field type. */
function toWire(t: VppTypeNode, v: unknown): unknown {
  if (typeof v === 'string' && t.kind === 'struct' && t.name === 'prefix') return prefixFromString(v);
  if (typeof v === 'string' && t.kind === 'struct' && t.name === 'address') return addressFromString(v);
  if (typeof v === 'string' && t.kind === 'bytes')
    return t.length === 4 ? ip4FromString(v) : ip6FromString(v);
  if (t.kind === 'struct' && typeof v === 'object' && v !== null)
    return fieldsToWire(t.fields, v as Record<string, unknown>);
  if (t.kind === 'vla' && Array.isArray(v)) return v.map((x) => toWire(t.of, x));
  return v;
}

function fieldsToWire(fields: readonly VppFieldNode[], v: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f.name, toWire(f.type, v[f.name])]));
}

describe('test vectors (made by VPP’s own Python serializer)', () => {
  const codec = defaultVppCodec();
  it('covers every vector file entry', () => {
    expect(vectors.length).toBe(21);
  });
  for (const [i, v] of vectors.entries()) {
    it(`#${i} ${v.message} ${v.note}`, () => {
      const m = codec.message(v.message);
      expect(m.nameCrc).toBe(v.name_crc);
      const msg = fieldsToWire(m.fields, v.fields);
      const context = (v.fields['context'] as number | undefined) ?? 0;
      const clientIndex = (v.fields['client_index'] as number | undefined) ?? 0;
      const frame = m.encodeFrame(msg, v.msg_id_used, context, clientIndex);
      expect(frame.toString('hex')).toBe(v.frame_hex);
      expect(frame.length - 16).toBe(v.payload_len);
      const payload = Buffer.from(v.payload_hex, 'hex');
      expect(m.decode(payload)).toEqual(msg);
      expect(m.readContext(payload)).toBe(m.contextOffset < 0 ? undefined : context);
      if (m.fixedSize !== undefined) expect(m.fixedSize).toBe(v.payload_len);
    });
  }
});
