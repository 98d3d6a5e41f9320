/**
 * fast-check arbitraries derived from the resolved message definitions: any value the codec
 * accepts for a field, with count fields set to their array's length.
 */
import fc from 'fast-check';
import type { VppFieldNode, VppTypeNode } from '../../../vpp-api/index.js';

const RANGES = {
  u8: [0, 0xff],
  i8: [-0x80, 0x7f],
  u16: [0, 0xffff],
  i16: [-0x8000, 0x7fff],
  u32: [0, 0xffffffff],
  i32: [-0x80000000, 0x7fffffff],
} as const;

function byteLength(s: string): number {
  return Buffer.byteLength(s);
}

export function arbitraryFor(t: VppTypeNode): fc.Arbitrary<unknown> {
  switch (t.kind) {
    case 'int': {
      const [min, max] = RANGES[t.type];
      const any = fc.integer({ min, max });
      const symbols = t.enum?.values.map(([, v]) => v).filter((v) => v >= min && v <= max) ?? [];
      return symbols.length > 0 ? fc.oneof(fc.constantFrom(...symbols), any) : any;
    }
    case 'bigint':
      return t.type === 'u64'
        ? fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })
        : fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
    case 'f64':
      return fc.double();
    case 'bool':
      return fc.boolean();
    case 'string':
      return fc
        .string({ unit: 'grapheme', maxLength: t.length - 1 })
        .filter((s) => byteLength(s) <= t.length - 1 && !s.includes('\0'));
    case 'vstring': {
      const limit = t.limit;
      const s = fc.string({ unit: 'grapheme', maxLength: 40 });
      return limit ? s.filter((x) => byteLength(x) <= limit) : s;
    }
    case 'bytes':
      return fc.uint8Array({ minLength: t.length, maxLength: t.length });
    case 'union':
      return fc.uint8Array({ minLength: t.size, maxLength: t.size });
    case 'vbytes':
      return fc.uint8Array({ maxLength: 40 });
    case 'array':
      return fc.array(arbitraryFor(t.of), { minLength: t.length, maxLength: t.length });
    case 'vla':
      return fc.array(arbitraryFor(t.of), { maxLength: 5 });
    case 'struct':
      return arbitraryForFields(t.fields);
  }
}

/** A whole message (or struct): every field, count fields consistent with their arrays. */
export function arbitraryForFields(fields: readonly VppFieldNode[]): fc.Arbitrary<Record<string, unknown>> {
  const model = Object.fromEntries(fields.map((f) => [f.name, arbitraryFor(f.type)]));
  return fc.record(model).map((v) => {
    const out: Record<string, unknown> = { ...v };
    for (const f of fields) {
      if (f.countFor === undefined) continue;
      const n = (out[f.countFor] as { length: number }).length;
      out[f.name] = f.type.kind === 'bigint' ? BigInt(n) : n;
    }
    return out;
  });
}
