import { describe, expect, it } from 'vitest';
import {
  type ApiFieldDefinition,
  type ApiModuleDefinition,
  type ApiTypeDefinition,
  addressFromString,
  defaultVppCodec,
  prefixFromString,
  VppCodec,
  VppDecodeError,
  VppEncodeError,
  VppSchemaError,
} from '../../../vpp-api/index.js';

const TYPES: ApiTypeDefinition[] = [
  {
    kind: 'enum',
    name: 'e8',
    size: 'u8',
    flags: false,
    values: [
      ['E8_A', 0],
      ['E8_B', 200],
    ],
  },
  { kind: 'enum', name: 'e16', size: 'u16', flags: false, values: [['E16_A', 258]] },
  { kind: 'enum', name: 'e32', size: 'u32', flags: false, values: [['E32_A', 5]] },
  {
    kind: 'enum',
    name: 'fl',
    size: 'u32',
    flags: true,
    values: [
      ['FL_X', 1],
      ['FL_Y', 2],
    ],
  },
  { kind: 'alias', name: 'mac', type: 'u8', length: 6 },
  { kind: 'alias', name: 'idx', type: 'u32' },
  {
    kind: 'struct',
    name: 'pair',
    fields: [
      { name: 'a', type: 'u16' },
      { name: 'b', type: 'string', length: 0 },
    ],
  },
  {
    kind: 'union',
    name: 'un',
    fields: [
      { name: 'x', type: 'u32' },
      { name: 'y', type: 'mac' },
    ],
  },
];

/** A codec with one request message `t` holding `fields` after the usual header. */
function codecFor(fields: ApiFieldDefinition[]) {
  const mod: ApiModuleDefinition = {
    name: 'codec_test',
    version: '1.0.0',
    crc: 0,
    types: TYPES,
    messages: [
      {
        name: 't',
        crc: '01234567',
        fields: [
          { name: '_vl_msg_id', type: 'u16' },
          { name: 'client_index', type: 'u32' },
          { name: 'context', type: 'u32' },
          ...fields,
        ],
      },
    ],
    services: [],
  };
  return new VppCodec([mod]).message('t');
}

const bytes = (...b: number[]) => new Uint8Array(b);

interface Case {
  readonly what: string;
  readonly fields: ApiFieldDefinition[];
  readonly value: Record<string, unknown>;
  /** Payload hex after the 10-byte request header. */
  readonly hex: string;
  /** What decode returns when it differs from value (padding, defaults, computed counts). */
  readonly decoded?: Record<string, unknown>;
  /** A trailing array without count takes any surplus bytes too. */
  readonly toEnd?: boolean;
}

const f = (name: string, type: string, extra: Partial<ApiFieldDefinition> = {}): ApiFieldDefinition => ({
  name,
  type,
  ...extra,
});

const CASES: Case[] = [
  { what: 'u8 max', fields: [f('x', 'u8')], value: { x: 255 }, hex: 'ff' },
  { what: 'i8 -1 and min', fields: [f('x', 'i8'), f('y', 'i8')], value: { x: -1, y: -128 }, hex: 'ff80' },
  { what: 'u16 big-endian', fields: [f('x', 'u16')], value: { x: 0x1234 }, hex: '1234' },
  {
    what: 'i16 negative',
    fields: [f('x', 'i16'), f('y', 'i16')],
    value: { x: -2, y: -32768 },
    hex: 'fffe8000',
  },
  { what: 'u32 big-endian', fields: [f('x', 'u32')], value: { x: 0xdeadbeef }, hex: 'deadbeef' },
  { what: 'i32 retval -81', fields: [f('x', 'i32')], value: { x: -81 }, hex: 'ffffffaf' },
  {
    what: 'u64 max as bigint',
    fields: [f('x', 'u64')],
    value: { x: (1n << 64n) - 1n },
    hex: 'ffffffffffffffff',
  },
  { what: 'i64 negative', fields: [f('x', 'i64')], value: { x: -2n }, hex: 'fffffffffffffffe' },
  { what: 'f64 little-endian', fields: [f('x', 'f64')], value: { x: 1 }, hex: '000000000000f03f' },
  { what: 'f64 negative fraction', fields: [f('x', 'f64')], value: { x: -0.5 }, hex: '000000000000e0bf' },
  { what: 'bool', fields: [f('t', 'bool'), f('f', 'bool')], value: { t: true, f: false }, hex: '0100' },
  { what: 'enum u8', fields: [f('x', 'e8')], value: { x: 200 }, hex: 'c8' },
  { what: 'enum u16', fields: [f('x', 'e16')], value: { x: 258 }, hex: '0102' },
  { what: 'enum u32', fields: [f('x', 'e32')], value: { x: 5 }, hex: '00000005' },
  { what: 'enum value outside the symbols', fields: [f('x', 'e32')], value: { x: 1 << 24 }, hex: '01000000' },
  { what: 'enumflag with OR-ed bits', fields: [f('x', 'fl')], value: { x: 3 }, hex: '00000003' },
  { what: 'alias of a scalar', fields: [f('x', 'idx')], value: { x: 7 }, hex: '00000007' },
  {
    what: 'fixed u8 array',
    fields: [f('x', 'u8', { length: 4 })],
    value: { x: bytes(1, 2, 3, 4) },
    hex: '01020304',
  },
  {
    what: 'fixed u8 array, short input zero-padded',
    fields: [f('x', 'u8', { length: 4 })],
    value: { x: bytes(9) },
    hex: '09000000',
    decoded: { x: bytes(9, 0, 0, 0) },
  },
  {
    what: 'alias u8[6]',
    fields: [f('x', 'mac')],
    value: { x: bytes(1, 2, 3, 4, 5, 6) },
    hex: '010203040506',
  },
  {
    what: 'fixed u32 array',
    fields: [f('x', 'u32', { length: 3 })],
    value: { x: [1, 2, 3] },
    hex: '000000010000000200000003',
  },
  {
    what: 'fixed array of aliases',
    fields: [f('x', 'mac', { length: 2 })],
    value: { x: [bytes(1, 1, 1, 1, 1, 1), bytes(2, 2, 2, 2, 2, 2)] },
    hex: '010101010101020202020202',
  },
  {
    what: 'variable array, u8 count computed from the array',
    fields: [f('n', 'u8'), f('xs', 'u16', { length: 0, count: 'n' })],
    value: { xs: [1, 2] },
    hex: '02' + '0001' + '0002',
    decoded: { n: 2, xs: [1, 2] },
  },
  {
    what: 'variable array with a matching count given',
    fields: [f('n', 'u32'), f('xs', 'u16', { length: 0, count: 'n' })],
    value: { n: 1, xs: [7] },
    hex: '00000001' + '0007',
  },
  {
    what: 'empty variable array',
    fields: [f('n', 'u32'), f('xs', 'u16', { length: 0, count: 'n' }), f('tail', 'u8')],
    value: { n: 0, xs: [], tail: 9 },
    hex: '00000000' + '09',
  },
  {
    what: 'variable u8 array is a Uint8Array',
    fields: [f('n', 'u32'), f('data', 'u8', { length: 0, count: 'n' })],
    value: { n: 3, data: bytes(0xaa, 0xbb, 0xcc) },
    hex: '00000003aabbcc',
  },
  {
    what: 'variable array of variable-size structs',
    fields: [f('n', 'u16'), f('ps', 'pair', { length: 0, count: 'n' })],
    value: {
      n: 2,
      ps: [
        { a: 1, b: 'x' },
        { a: 2, b: '' },
      ],
    },
    hex: '0002' + '0001' + '00000001' + '78' + '0002' + '00000000',
  },
  {
    what: 'legacy variable array without count runs to the end',
    fields: [f('x', 'u8'), f('rest', 'u16', { length: 0 })],
    value: { x: 1, rest: [2, 3] },
    hex: '01' + '0002' + '0003',
    toEnd: true,
  },
  {
    what: 'fixed string, NUL-padded',
    fields: [f('s', 'string', { length: 8 })],
    value: { s: 'abc' },
    hex: '6162630000000000',
  },
  {
    what: 'fixed string of N-1 bytes',
    fields: [f('s', 'string', { length: 4 })],
    value: { s: 'abc' },
    hex: '61626300',
  },
  {
    what: 'variable string then a field',
    fields: [f('s', 'string', { length: 0 }), f('n', 'u16')],
    value: { s: 'hi', n: 7 },
    hex: '00000002' + '6869' + '0007',
  },
  {
    what: 'empty variable string takes 4 bytes',
    fields: [f('s', 'string', { length: 0 }), f('n', 'u8')],
    value: { s: '', n: 1 },
    hex: '0000000001',
  },
  { what: 'utf-8 string', fields: [f('s', 'string', { length: 0 })], value: { s: 'é' }, hex: '00000002c3a9' },
  {
    what: 'union as raw bytes, zero-padded to its widest member',
    fields: [f('u', 'un')],
    value: { u: bytes(1, 2, 3, 4) },
    hex: '010203040000',
    decoded: { u: bytes(1, 2, 3, 4, 0, 0) },
  },
  {
    what: 'nested struct',
    fields: [f('p', 'pair'), f('z', 'u8')],
    value: { p: { a: 0xabcd, b: 'q' }, z: 1 },
    hex: 'abcd' + '00000001' + '71' + '01',
  },
  {
    what: 'omitted fields encode as zero',
    fields: [
      f('a', 'u32'),
      f('b', 'bool'),
      f('c', 'string', { length: 4 }),
      f('d', 'u8', { length: 2 }),
      f('e', 'pair'),
      f('g', 'u64'),
    ],
    value: {},
    hex: '00000000' + '00' + '00000000' + '0000' + '0000' + '00000000' + '0000000000000000',
    decoded: { a: 0, b: false, c: '', d: bytes(0, 0), e: { a: 0, b: '' }, g: 0n },
  },
  {
    what: 'omitted fields with a default encode the default',
    fields: [
      f('a', 'u8', { default: 255 }),
      f('b', 'bool', { default: true }),
      f('c', 'f64', { default: 1 }),
      f('d', 'u64', { default: 5n }),
    ],
    value: {},
    hex: 'ff' + '01' + '000000000000f03f' + '0000000000000005',
    decoded: { a: 255, b: true, c: 1, d: 5n },
  },
  {
    what: 'a given value beats the default',
    fields: [f('a', 'u8', { default: 255 })],
    value: { a: 0 },
    hex: '00',
  },
];

describe('codec: every field kind', () => {
  for (const c of CASES) {
    it(c.what, () => {
      const m = codecFor(c.fields);
      const frame = m.encodeFrame(c.value, 0x1234, 0x01020304, 0x80000001);
      expect(frame.subarray(0, 16).toString('hex')).toBe(
        `0000000000000000${(frame.length - 16).toString(16).padStart(8, '0')}00000000`,
      );
      const payload = frame.subarray(16);
      expect(payload.subarray(0, 10).toString('hex')).toBe('1234' + '80000001' + '01020304');
      expect(payload.subarray(10).toString('hex')).toBe(c.hex);
      expect(m.decode(payload)).toEqual(c.decoded ?? c.value);
      expect(m.readContext(payload)).toBe(0x01020304);
      expect(m.readClientIndex(payload)).toBe(0x80000001);
      // Surplus bytes after the fields are ignored, as VPP's readers do.
      const surplus = m.decode(Buffer.concat([payload, Buffer.from([1, 2, 3])]));
      if (c.toEnd) expect(surplus).toEqual({ x: 1, rest: [2, 3, 0x0102] });
      else expect(surplus).toEqual(c.decoded ?? c.value);
    });
  }

  it('decodes any nonzero bool byte as true', () => {
    const m = codecFor([f('b', 'bool')]);
    expect(m.decode(Buffer.from('00000000000000000000' + '07', 'hex'))).toEqual({ b: true });
  });
});

interface EncodeErrorCase {
  readonly what: string;
  readonly fields: ApiFieldDefinition[];
  readonly value: unknown;
  readonly path: string;
  readonly detail: RegExp;
}

const ENCODE_ERRORS: EncodeErrorCase[] = [
  {
    what: 'u8 above range',
    fields: [f('x', 'u8')],
    value: { x: 256 },
    path: 't.x',
    detail: /integer 0\.\.255 \(u8\), got 256/,
  },
  { what: 'u32 negative', fields: [f('x', 'u32')], value: { x: -1 }, path: 't.x', detail: /0\.\.4294967295/ },
  { what: 'i32 above range', fields: [f('x', 'i32')], value: { x: 2 ** 31 }, path: 't.x', detail: /i32/ },
  { what: 'u16 fraction', fields: [f('x', 'u16')], value: { x: 1.5 }, path: 't.x', detail: /got 1\.5/ },
  { what: 'enum u8 above its size', fields: [f('x', 'e8')], value: { x: 256 }, path: 't.x', detail: /u8/ },
  { what: 'number for u64', fields: [f('x', 'u64')], value: { x: 1 }, path: 't.x', detail: /bigint/ },
  {
    what: 'u64 above range',
    fields: [f('x', 'u64')],
    value: { x: 1n << 64n },
    path: 't.x',
    detail: /bigint/,
  },
  { what: 'bigint for u32', fields: [f('x', 'u32')], value: { x: 1n }, path: 't.x', detail: /got 1n/ },
  { what: 'string for bool', fields: [f('x', 'bool')], value: { x: 'yes' }, path: 't.x', detail: /boolean/ },
  { what: 'string for f64', fields: [f('x', 'f64')], value: { x: '1' }, path: 't.x', detail: /number/ },
  {
    what: 'fixed string without room for NUL',
    fields: [f('s', 'string', { length: 4 })],
    value: { s: 'abcd' },
    path: 't.s',
    detail: /longer than 3 bytes/,
  },
  {
    what: 'fixed string with NUL',
    fields: [f('s', 'string', { length: 8 })],
    value: { s: 'a\0b' },
    path: 't.s',
    detail: /NUL/,
  },
  {
    what: 'variable string over its limit',
    fields: [f('s', 'string', { length: 0, limit: 2 })],
    value: { s: 'abc' },
    path: 't.s',
    detail: /limit of 2/,
  },
  {
    what: 'number for string',
    fields: [f('s', 'string', { length: 0 })],
    value: { s: 5 },
    path: 't.s',
    detail: /string/,
  },
  {
    what: 'u8 array too long',
    fields: [f('x', 'u8', { length: 4 })],
    value: { x: bytes(1, 2, 3, 4, 5) },
    path: 't.x',
    detail: /at most 4 bytes/,
  },
  {
    what: 'plain array for u8 array',
    fields: [f('x', 'u8', { length: 2 })],
    value: { x: [1, 2] },
    path: 't.x',
    detail: /Uint8Array/,
  },
  {
    what: 'union too long',
    fields: [f('u', 'un')],
    value: { u: new Uint8Array(7) },
    path: 't.u',
    detail: /at most 6/,
  },
  {
    what: 'fixed array of the wrong length',
    fields: [f('x', 'u32', { length: 3 })],
    value: { x: [1, 2] },
    path: 't.x',
    detail: /exactly 3/,
  },
  {
    what: 'count that disagrees with the array',
    fields: [f('n', 'u8'), f('xs', 'u16', { length: 0, count: 'n' })],
    value: { n: 3, xs: [1] },
    path: 't.n',
    detail: /equal the 1 elements of xs/,
  },
  {
    what: 'array too long for its count field',
    fields: [f('n', 'u8'), f('xs', 'u8', { length: 0, count: 'n' })],
    value: { xs: new Uint8Array(256) },
    path: 't.n',
    detail: /0\.\.255/,
  },
  {
    what: 'bad element names its index',
    fields: [f('n', 'u8'), f('ps', 'pair', { length: 0, count: 'n' })],
    value: {
      ps: [
        { a: 1, b: '' },
        { a: -1, b: '' },
      ],
    },
    path: 't.ps[1].a',
    detail: /u16/,
  },
  { what: 'array for struct', fields: [f('p', 'pair')], value: { p: [1] }, path: 't.p', detail: /object/ },
  { what: 'message not an object', fields: [f('x', 'u8')], value: 5, path: 't', detail: /object/ },
  { what: 'null field', fields: [f('x', 'u8')], value: { x: null }, path: 't.x', detail: /got null/ },
];

describe('codec: encode errors name the field', () => {
  for (const c of ENCODE_ERRORS) {
    it(c.what, () => {
      const m = codecFor(c.fields);
      let err: unknown;
      try {
        m.encodeFrame(c.value, 1, 1, 1);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(VppEncodeError);
      expect((err as VppEncodeError).path).toBe(c.path);
      expect((err as VppEncodeError).detail).toMatch(c.detail);
    });
  }

  it('checks header values', () => {
    const m = codecFor([]);
    expect(() => m.encodeFrame({}, 0x10000, 1, 1)).toThrow(VppEncodeError);
    expect(() => m.encodeFrame({}, 1, -1, 1)).toThrow(/t\.context/);
    expect(() => m.encodeFrame({}, 1, 1, 2 ** 32)).toThrow(/t\.client_index/);
  });
});

describe('codec: decoding bad bytes', () => {
  const hdr = '0001' + '00000000' + '00000000';
  const cases: { what: string; fields: ApiFieldDefinition[]; hex: string; message: RegExp }[] = [
    {
      what: 'payload shorter than the header',
      fields: [],
      hex: '0001',
      message: /shorter than the 10-byte header/,
    },
    {
      what: 'truncated u32',
      fields: [f('x', 'u32')],
      hex: hdr + '0000',
      message: /t\.x: needs 4 bytes at offset 10, the payload has 2 left/,
    },
    {
      what: 'truncated fixed string',
      fields: [f('s', 'string', { length: 8 })],
      hex: hdr + '61',
      message: /t\.s/,
    },
    {
      what: 'count beyond the payload (no allocation of it)',
      fields: [f('n', 'u32'), f('xs', 'pair', { length: 0, count: 'n' })],
      hex: hdr + 'ffffffff' + '0000',
      message: /count 4294967295 needs at least/,
    },
    {
      what: 'u8 count beyond the payload',
      fields: [f('n', 'u32'), f('data', 'u8', { length: 0, count: 'n' })],
      hex: hdr + '00000010' + 'aa',
      message: /t\.data \(count 16\)/,
    },
    {
      what: 'string length beyond the payload',
      fields: [f('s', 'string', { length: 0 })],
      hex: hdr + '7fffffff' + '61',
      message: /length 2147483647/,
    },
  ];
  for (const c of cases) {
    it(c.what, () => {
      const m = codecFor(c.fields);
      let err: unknown;
      try {
        m.decode(Buffer.from(c.hex, 'hex'));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(VppDecodeError);
      expect((err as Error).message).toMatch(c.message);
      expect((err as VppDecodeError).messageName).toBe('t');
    });
  }

  it('decodes from a plain Uint8Array view at an offset', () => {
    const m = codecFor([f('x', 'u16')]);
    const backing = new Uint8Array(20);
    backing.set([0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xbe, 0xef], 5);
    expect(m.decode(backing.subarray(5, 17))).toEqual({ x: 0xbeef });
  });
});

describe('codec: field names that are not identifiers', () => {
  it('encodes and decodes them without building code from them', () => {
    const m = codecFor([f('not-an-identifier', 'u8'), f('x; globalThis.injected = 1', 'u16')]);
    const v = { 'not-an-identifier': 7, 'x; globalThis.injected = 1': 0x102 };
    const payload = m.encodeFrame(v, 1).subarray(16);
    expect(payload.subarray(10).toString('hex')).toBe('070102');
    expect(m.decode(payload)).toEqual(v);
    expect((globalThis as Record<string, unknown>)['injected']).toBeUndefined();
  });
});

describe('codec: schema checks', () => {
  it('refuses an unknown type, a variable union member, a misplaced count', () => {
    expect(() => codecFor([f('x', 'nope')])).toThrow(VppSchemaError);
    expect(() => codecFor([f('x', 'nope')])).toThrow(/unknown type nope/);
    const bad: ApiModuleDefinition = {
      name: 'bad',
      version: '',
      crc: 0,
      types: [{ kind: 'union', name: 'vu', fields: [{ name: 's', type: 'string', length: 0 }] }],
      messages: [
        {
          name: 'm',
          crc: '00000000',
          fields: [
            { name: '_vl_msg_id', type: 'u16' },
            { name: 'v', type: 'vu' },
          ],
        },
      ],
      services: [],
    };
    expect(() => new VppCodec([bad]).message('m')).toThrow(/union members must have a fixed size/);
    expect(() => codecFor([f('xs', 'u16', { length: 0, count: 'n' }), f('n', 'u8')])).toThrow(
      /must come earlier/,
    );
    expect(() => defaultVppCodec().message('no_such_message')).toThrow(VppSchemaError);
  });
});

describe('codec: generated lb messages', () => {
  const codec = defaultVppCodec();

  it('applies [default=] values of lb_add_del_as_v2 and lb_add_del_vip_v2', () => {
    const as = codec.message('lb_add_del_as_v2');
    const frame = as.encodeFrame(
      {
        pfx: prefixFromString('198.51.100.1/32'),
        port: 80,
        as_address: addressFromString('192.0.2.10'),
        is_del: false,
        is_flush: false,
      },
      1010,
      5,
      0x80000001,
    );
    expect(as.decode(frame.subarray(16))).toMatchObject({ protocol: 255, weight: 100 });
    const vip = codec.message('lb_add_del_vip_v2');
    const v = vip.decode(
      vip
        .encodeFrame(
          {
            pfx: prefixFromString('2001:db8::/64'),
            port: 0,
            encap: 1,
            dscp: 0,
            type: 0,
            target_port: 0,
            node_port: 0,
            src_ip_sticky: false,
            is_del: false,
          },
          1,
        )
        .subarray(16),
    );
    expect(v).toMatchObject({ protocol: 255, new_flows_table_length: 1024 });
    const conf = codec.message('lb_conf');
    expect(
      conf.decode(
        conf
          .encodeFrame({ ip4_src_address: new Uint8Array(4), ip6_src_address: new Uint8Array(16) }, 1)
          .subarray(16),
      ),
    ).toMatchObject({
      sticky_buckets_per_core: 0xffffffff,
      flow_timeout: 0xffffffff,
    });
    expect(
      codec.message('memclnt_create_v2').decode(
        codec
          .message('memclnt_create_v2')
          .encodeFrame(
            { ctx_quota: 0, input_queue: 0n, name: 'x', api_versions: [0, 0, 0, 0, 0, 0, 0, 0] },
            1,
          )
          .subarray(16),
      ),
    ).toMatchObject({ keepalive: true });
  });

  it('knows the header layout of requests, replies and the odd ones', () => {
    const layout = (n: string) => {
      const m = codec.message(n);
      return [m.clientIndexOffset, m.contextOffset, m.headerBytes, m.hasRetval];
    };
    expect(layout('lb_add_del_as_v2')).toEqual([2, 6, 10, false]);
    expect(layout('lb_add_del_as_v2_reply')).toEqual([-1, 2, 6, true]);
    expect(layout('lb_as_v2_details')).toEqual([-1, 2, 6, false]);
    expect(layout('sockclnt_create')).toEqual([-1, 2, 6, false]);
    expect(layout('sockclnt_create_reply')).toEqual([2, 6, 10, false]);
    // control_ping_reply's client_index comes after retval: it is content, not header.
    expect(layout('control_ping_reply')).toEqual([-1, 2, 6, true]);
    expect(codec.message('control_ping_reply').fields.map((x) => x.name)).toEqual([
      'retval',
      'client_index',
      'vpe_pid',
    ]);
    expect(layout('memclnt_delete')).toEqual([-1, -1, 2, false]);
  });

  it('numbers its message table like VPP numbers memclnt', () => {
    const table = new Map(codec.messageTable().map((e) => [e.name, e.index]));
    expect(table.get('sockclnt_create_455fb9c4')).toBe(15);
    expect(table.get('sockclnt_create_reply_35166268')).toBe(16);
    expect(table.get('sockclnt_delete_8ac76db6')).toBe(17);
    expect(table.get('sockclnt_delete_reply_8f38b1ee')).toBe(18);
    expect(table.get('control_ping_51077d14')).toBe(23);
    expect(table.get('control_ping_reply_f6b0b8ca')).toBe(24);
    expect(codec.service('lb_as_v2_dump')).toEqual({
      request: 'lb_as_v2_dump',
      reply: 'lb_as_v2_details',
      stream: true,
    });
    expect(codec.service('rx_thread_exit')).toBeUndefined();
  });
});
