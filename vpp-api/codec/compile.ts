/**
 * Compiles VppTypeNodes into reader/writer closures once per message, so encoding and decoding
 * walk no definitions at run time. Writers validate every value and name the field path in
 * their errors; readers bound every read by the payload length and every element count by the
 * bytes left, so untrusted input can only end in a VppDecodeError.
 */
import type { VppDefaultValue } from '../definitions.js';
import { VppDecodeError, VppEncodeError } from '../errors.js';
import { fixedSize, INT_SIZE, minSize, type VppFieldNode, type VppTypeNode } from './schema.js';

/** Cursor over one payload. `end` is the payload length: surplus bytes after the fields are ignored. */
export class Reader {
  constructor(
    readonly b: Buffer,
    public pos: number,
    readonly end: number,
    readonly messageName: string,
  ) {}

  /** Throws unless `n` more bytes are available. */
  need(n: number, path: string): void {
    if (this.end - this.pos < n) {
      throw new VppDecodeError(
        `${path}: needs ${n} bytes at offset ${this.pos}, the payload has ${this.end - this.pos} left`,
        this.messageName,
        this.pos,
      );
    }
  }
}

type Obj = Record<string, unknown>;
export type WriteFn = (b: Buffer, o: number, v: unknown, parent: Obj | undefined) => number;
export type ReadFn = (r: Reader, parent: Obj) => unknown;
export type SizeFn = (v: unknown, parent: Obj | undefined) => number;

export interface CompiledType {
  /** Wire size, or -1 when it depends on the value. */
  readonly fixed: number;
  readonly min: number;
  readonly size: SizeFn;
  readonly write: WriteFn;
  readonly read: ReadFn;
}

const INT_RANGE = {
  u8: [0, 0xff],
  i8: [-0x80, 0x7f],
  u16: [0, 0xffff],
  i16: [-0x8000, 0x7fff],
  u32: [0, 0xffffffff],
  i32: [-0x80000000, 0x7fffffff],
} as const;
const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Uint8Array) return `Uint8Array(${v.length})`;
  if (Array.isArray(v)) return `array(${v.length})`;
  if (v === null || typeof v !== 'object') return String(v);
  return 'object';
}

function fail(path: string, what: string, v: unknown): never {
  throw new VppEncodeError(path, `${what}, got ${describe(v)}`);
}

function constSize(n: number): SizeFn {
  return () => n;
}

function compileInt(type: keyof typeof INT_RANGE, path: string, dflt: unknown): CompiledType {
  const [min, max] = INT_RANGE[type];
  const d = dflt === undefined ? 0 : dflt;
  const check = (v: unknown): number => {
    const x = v === undefined ? d : v;
    if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max) {
      fail(path, `expected an integer ${min}..${max} (${type})`, x);
    }
    return x;
  };
  const size = INT_SIZE[type];
  let write: WriteFn;
  let read: ReadFn;
  switch (type) {
    case 'u8':
    case 'i8':
      write = (b, o, v) => {
        b[o] = check(v);
        return o + 1;
      };
      read =
        type === 'u8'
          ? (r) => {
              r.need(1, path);
              return r.b[r.pos++]!;
            }
          : (r) => {
              r.need(1, path);
              return (r.b[r.pos++]! << 24) >> 24;
            };
      break;
    case 'u16':
    case 'i16':
      write = (b, o, v) => {
        const x = check(v);
        b[o] = x >>> 8;
        b[o + 1] = x;
        return o + 2;
      };
      read = (r) => {
        r.need(2, path);
        const b = r.b;
        const p = r.pos;
        r.pos = p + 2;
        const x = (b[p]! << 8) | b[p + 1]!;
        return type === 'i16' && x & 0x8000 ? x - 0x10000 : x;
      };
      break;
    case 'u32':
    case 'i32':
      write = (b, o, v) => {
        const x = check(v);
        b[o] = x >>> 24;
        b[o + 1] = x >>> 16;
        b[o + 2] = x >>> 8;
        b[o + 3] = x;
        return o + 4;
      };
      read = (r) => {
        r.need(4, path);
        const b = r.b;
        const p = r.pos;
        r.pos = p + 4;
        const x = (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
        return type === 'u32' ? x >>> 0 : x;
      };
      break;
  }
  return { fixed: size, min: size, size: constSize(size), write, read };
}

function compileBigint(type: 'u64' | 'i64', path: string, dflt: unknown): CompiledType {
  const d = dflt === undefined ? 0n : dflt;
  const [min, max] = type === 'u64' ? [0n, U64_MAX] : [I64_MIN, I64_MAX];
  return {
    fixed: 8,
    min: 8,
    size: constSize(8),
    write: (b, o, v) => {
      const x = v === undefined ? d : v;
      if (typeof x !== 'bigint' || x < min || x > max)
        fail(path, `expected a bigint ${min}..${max} (${type})`, x);
      if (type === 'u64') b.writeBigUInt64BE(x, o);
      else b.writeBigInt64BE(x, o);
      return o + 8;
    },
    read: (r) => {
      r.need(8, path);
      const p = r.pos;
      r.pos = p + 8;
      return type === 'u64' ? r.b.readBigUInt64BE(p) : r.b.readBigInt64BE(p);
    },
  };
}

function compileF64(path: string, dflt: unknown): CompiledType {
  const d = dflt === undefined ? 0 : dflt;
  return {
    fixed: 8,
    min: 8,
    size: constSize(8),
    write: (b, o, v) => {
      const x = v === undefined ? d : v;
      if (typeof x !== 'number') fail(path, 'expected a number (f64)', x);
      b.writeDoubleLE(x, o);
      return o + 8;
    },
    read: (r) => {
      r.need(8, path);
      const p = r.pos;
      r.pos = p + 8;
      return r.b.readDoubleLE(p);
    },
  };
}

function compileBool(path: string, dflt: unknown): CompiledType {
  const d = dflt === undefined ? false : dflt;
  return {
    fixed: 1,
    min: 1,
    size: constSize(1),
    write: (b, o, v) => {
      const x = v === undefined ? d : v;
      if (typeof x !== 'boolean') fail(path, 'expected a boolean', x);
      b[o] = x ? 1 : 0;
      return o + 1;
    },
    // VPP treats any nonzero byte as true.
    read: (r) => {
      r.need(1, path);
      return r.b[r.pos++] !== 0;
    },
  };
}

function compileString(n: number, path: string, dflt: unknown): CompiledType {
  const d = dflt === undefined ? '' : dflt;
  return {
    fixed: n,
    min: n,
    size: constSize(n),
    write: (b, o, v) => {
      const x = v === undefined ? d : v;
      if (typeof x !== 'string') fail(path, 'expected a string', x);
      const len = Buffer.byteLength(x);
      // VPP expects a terminating NUL inside the N bytes.
      if (len > n - 1) fail(path, `string longer than ${n - 1} bytes`, x);
      if (x.includes('\0')) fail(path, 'string contains a NUL character', x);
      b.write(x, o, 'utf8');
      b.fill(0, o + len, o + n);
      return o + n;
    },
    read: (r) => {
      r.need(n, path);
      const b = r.b;
      const p = r.pos;
      let e = p;
      const stop = p + n;
      while (e < stop && b[e] !== 0) e++;
      r.pos = stop;
      return b.toString('utf8', p, e);
    },
  };
}

function compileVstring(limit: number | undefined, path: string, dflt: unknown): CompiledType {
  const d = dflt === undefined ? '' : dflt;
  const str = (v: unknown): string => {
    const x = v === undefined ? d : v;
    if (typeof x !== 'string') fail(path, 'expected a string', x);
    return x;
  };
  return {
    fixed: -1,
    min: 4,
    size: (v) => 4 + Buffer.byteLength(str(v)),
    write: (b, o, v) => {
      const x = str(v);
      const len = b.write(x, o + 4, 'utf8');
      if (limit !== undefined && limit > 0 && len > limit)
        fail(path, `string longer than its limit of ${limit} bytes`, x);
      b.writeUInt32BE(len, o);
      return o + 4 + len;
    },
    read: (r) => {
      r.need(4, path);
      const b = r.b;
      const p = r.pos;
      const len = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
      r.pos = p + 4;
      r.need(len, `${path} (length ${len})`);
      r.pos = p + 4 + len;
      return b.toString('utf8', p + 4, p + 4 + len);
    },
  };
}

function bytesOf(path: string, v: unknown): Uint8Array {
  if (!(v instanceof Uint8Array)) fail(path, 'expected a Uint8Array', v);
  return v;
}

function copyOut(r: Reader, n: number): Uint8Array {
  const out = new Uint8Array(n);
  const b = r.b;
  const p = r.pos;
  // Addresses are 4 or 16 bytes: a loop beats creating a subarray view for them.
  if (n <= 64) for (let i = 0; i < n; i++) out[i] = b[p + i]!;
  else out.set(b.subarray(p, p + n));
  r.pos = p + n;
  return out;
}

/** Fixed `u8[N]` and unions: shorter input is zero-padded, like vpp_papi does. */
function compileBytes(n: number, path: string): CompiledType {
  return {
    fixed: n,
    min: n,
    size: constSize(n),
    write: (b, o, v) => {
      if (v === undefined) {
        b.fill(0, o, o + n);
        return o + n;
      }
      const x = bytesOf(path, v);
      const len = x.length;
      if (len > n) fail(path, `expected at most ${n} bytes`, x);
      if (n <= 64) {
        for (let i = 0; i < len; i++) b[o + i] = x[i]!;
        for (let i = len; i < n; i++) b[o + i] = 0;
      } else {
        b.set(x, o);
        if (len < n) b.fill(0, o + len, o + n);
      }
      return o + n;
    },
    read: (r) => {
      r.need(n, path);
      return copyOut(r, n);
    },
  };
}

function countOf(parent: Obj, count: string, path: string, r: Reader): number {
  const c = parent[count];
  const n = typeof c === 'bigint' ? Number(c) : c;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new VppDecodeError(`${path}: bad element count ${String(c)}`, r.messageName, r.pos);
  }
  return n;
}

function compileVbytes(count: string | null, path: string): CompiledType {
  return {
    fixed: -1,
    min: 0,
    size: (v) => (v === undefined ? 0 : bytesOf(path, v).length),
    write: (b, o, v) => {
      if (v === undefined) return o;
      const x = bytesOf(path, v);
      b.set(x, o);
      return o + x.length;
    },
    read: (r, parent) => {
      const n = count === null ? r.end - r.pos : countOf(parent, count, path, r);
      r.need(n, `${path} (count ${n})`);
      return copyOut(r, n);
    },
  };
}

function arrayOf(path: string, v: unknown): readonly unknown[] {
  if (!Array.isArray(v)) fail(path, 'expected an array', v);
  return v;
}

function compileArray(of: VppTypeNode, n: number, path: string): CompiledType {
  const e = compileNode(of, `${path}[]`, undefined);
  const fixed = e.fixed >= 0 ? e.fixed * n : -1;
  return {
    fixed,
    min: e.min * n,
    size: (v, parent) => {
      if (fixed >= 0) return fixed;
      let s = 0;
      const x = v === undefined ? undefined : arrayOf(path, v);
      for (let i = 0; i < n; i++) s += e.size(x?.[i], parent);
      return s;
    },
    write: (b, o, v, parent) => {
      const x = v === undefined ? undefined : arrayOf(path, v);
      if (x !== undefined && x.length !== n) fail(path, `expected exactly ${n} elements`, x);
      for (let i = 0; i < n; i++) o = writeElement(e, path, i, b, o, x?.[i], parent);
      return o;
    },
    read: (r, parent) => {
      r.need(e.min * n, path);
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = e.read(r, parent);
      return out;
    },
  };
}

/** Writes element i, rewriting `a.b[].c` to `a.b[3].c` in an encode error raised inside it. */
function writeElement(
  e: CompiledType,
  path: string,
  i: number,
  b: Buffer,
  o: number,
  v: unknown,
  parent: Obj | undefined,
): number {
  try {
    return e.write(b, o, v, parent);
  } catch (err) {
    const generic = `${path}[]`;
    if (err instanceof VppEncodeError && err.path.startsWith(generic)) {
      throw new VppEncodeError(`${path}[${i}]${err.path.slice(generic.length)}`, err.detail);
    }
    throw err;
  }
}

function compileVla(of: VppTypeNode, count: string | null, path: string): CompiledType {
  const e = compileNode(of, `${path}[]`, undefined);
  // Every element occupies at least one byte, which bounds how many a payload can hold.
  const elemMin = Math.max(1, e.min);
  return {
    fixed: -1,
    min: 0,
    size: (v, parent) => {
      if (v === undefined) return 0;
      const x = arrayOf(path, v);
      if (e.fixed >= 0) return e.fixed * x.length;
      let s = 0;
      for (const el of x) s += e.size(el, parent);
      return s;
    },
    write: (b, o, v, parent) => {
      if (v === undefined) return o;
      const x = arrayOf(path, v);
      for (let i = 0; i < x.length; i++) o = writeElement(e, path, i, b, o, x[i], parent);
      return o;
    },
    read: (r, parent) => {
      if (count === null) {
        const out: unknown[] = [];
        while (r.end - r.pos >= elemMin) {
          const before = r.pos;
          out.push(e.read(r, parent));
          if (r.pos === before) break;
        }
        return out;
      }
      const n = countOf(parent, count, path, r);
      if (n * elemMin > r.end - r.pos) {
        throw new VppDecodeError(
          `${path}: count ${n} needs at least ${n * elemMin} bytes at offset ${r.pos}, the payload has ${r.end - r.pos} left`,
          r.messageName,
          r.pos,
        );
      }
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = e.read(r, parent);
      return out;
    },
  };
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** Compiles the fields of a struct or message body. */
export function compileStruct(fields: readonly VppFieldNode[], path: string): CompiledType {
  const names = fields.map((f) => f.name);
  const compiled = fields.map((f) => {
    const c = compileNode(f.type, `${path}.${f.name}`, f.default);
    if (f.countFor === undefined) return c;
    const arrayName = f.countFor;
    const fieldPath = `${path}.${f.name}`;
    // The count is taken from the array; a count the caller supplies must agree with it.
    const write: WriteFn = (b, o, v, parent) => {
      const arr = parent?.[arrayName];
      let n = 0;
      if (arr !== undefined) {
        if (!Array.isArray(arr) && !(arr instanceof Uint8Array))
          fail(`${path}.${arrayName}`, 'expected an array', arr);
        n = arr.length;
      }
      if (v !== undefined && v !== n && v !== BigInt(n)) {
        fail(fieldPath, `count must equal the ${n} elements of ${arrayName}`, v);
      }
      return c.write(b, o, f.type.kind === 'bigint' ? BigInt(n) : n, parent);
    };
    return { ...c, write };
  });
  const n = compiled.length;
  const writes = compiled.map((c) => c.write);
  const reads = compiled.map((c) => c.read);
  const sizes = compiled.map((c) => c.size);
  let fixed = 0;
  for (const c of compiled) fixed = fixed < 0 || c.fixed < 0 ? -1 : fixed + c.fixed;
  const toObj = (v: unknown): Obj | undefined => {
    if (v === undefined) return undefined;
    if (!isObj(v)) fail(path, 'expected an object', v);
    return v;
  };
  const access = structAccess(names, reads, writes, toObj);
  return {
    fixed,
    min: compiled.reduce((s, c) => s + c.min, 0),
    size: (v) => {
      if (fixed >= 0) return fixed;
      const x = toObj(v);
      let s = 0;
      for (let i = 0; i < n; i++) s += sizes[i]!(x?.[names[i]!], x);
      return s;
    },
    write: access.write,
    read: access.read,
  };
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The struct-level read and write. When every field name is a plain identifier they are
 * generated as straight-line code, so each struct gets its own object shape and monomorphic
 * property accesses instead of one loop shared (and made megamorphic) by every struct.
 */
function structAccess(
  names: readonly string[],
  reads: readonly ReadFn[],
  writes: readonly WriteFn[],
  toObj: (v: unknown) => Obj | undefined,
): { read: ReadFn; write: WriteFn } {
  const n = names.length;
  if (!names.every((x) => IDENTIFIER.test(x))) {
    return {
      write: (b, o, v) => {
        const x = toObj(v);
        for (let i = 0; i < n; i++) o = writes[i]!(b, o, x?.[names[i]!], x);
        return o;
      },
      read: (r) => {
        const out: Obj = {};
        for (let i = 0; i < n; i++) out[names[i]!] = reads[i]!(r, out);
        return out;
      },
    };
  }
  const literal = `{ ${names.map((x) => `${x}: undefined`).join(', ')} }`;
  const readBody = `return (r) => { const out = ${literal}; ${names.map((x, i) => `out.${x} = R[${i}](r, out);`).join(' ')} return out; };`;
  const writeBody =
    `return (b, o, v) => { const x = toObj(v); if (x === undefined) { ${names.map((_, i) => `o = W[${i}](b, o, undefined, x);`).join(' ')} return o; } ` +
    `${names.map((x, i) => `o = W[${i}](b, o, x.${x}, x);`).join(' ')} return o; };`;
  // Field names are checked identifiers above; nothing else from the definitions enters the code.
  const read = new Function('R', readBody)(reads) as ReadFn;
  const write = new Function('W', 'toObj', writeBody)(writes, toObj) as WriteFn;
  return { read, write };
}

export function compileNode(t: VppTypeNode, path: string, dflt: VppDefaultValue | undefined): CompiledType {
  switch (t.kind) {
    case 'int':
      return compileInt(t.type, path, dflt);
    case 'bigint':
      return compileBigint(t.type, path, dflt);
    case 'f64':
      return compileF64(path, dflt);
    case 'bool':
      return compileBool(path, dflt);
    case 'string':
      return compileString(t.length, path, dflt);
    case 'vstring':
      return compileVstring(t.limit, path, dflt);
    case 'bytes':
      return compileBytes(t.length, path);
    case 'union':
      return compileBytes(t.size, path);
    case 'vbytes':
      return compileVbytes(t.count, path);
    case 'array':
      return compileArray(t.of, t.length, path);
    case 'vla':
      return compileVla(t.of, t.count, path);
    case 'struct':
      return compileStruct(t.fields, path);
  }
}

export { fixedSize, minSize };
