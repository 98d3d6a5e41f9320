import type {
  ApiEnumDefinition,
  ApiFieldDefinition,
  ApiModuleDefinition,
  ApiTypeDefinition,
  VppDefaultValue,
  VppIntegerType,
} from '../definitions.js';

/**
 * A field type with names, aliases and array shapes resolved: what the codec compiles and what
 * tests walk to build arbitrary messages.
 *
 * @beta
 */
export type VppTypeNode =
  /** An integer that fits a JS number (all widths up to 32 bits, enums included). */
  | {
      readonly kind: 'int';
      readonly type: Exclude<VppIntegerType, 'u64' | 'i64'>;
      readonly enum?: ApiEnumDefinition;
    }
  /** u64 / i64, carried as bigint. */
  | { readonly kind: 'bigint'; readonly type: 'u64' | 'i64' }
  /** f64, little-endian on the wire. */
  | { readonly kind: 'f64' }
  | { readonly kind: 'bool' }
  /** `string x[N]`: N bytes, NUL-padded. */
  | { readonly kind: 'string'; readonly length: number }
  /** `string x[]`: u32 length, then the bytes. */
  | { readonly kind: 'vstring'; readonly limit?: number }
  /** `u8 x[N]` and aliases such as ip4_address: a Uint8Array of N bytes. */
  | { readonly kind: 'bytes'; readonly length: number }
  /** `u8 x[count]`: a Uint8Array whose length is in the count field (or, with none, runs to the end). */
  | { readonly kind: 'vbytes'; readonly count: string | null }
  /** A union, carried as its raw bytes. */
  | { readonly kind: 'union'; readonly name: string; readonly size: number }
  /** `T x[N]` for T other than u8. */
  | { readonly kind: 'array'; readonly of: VppTypeNode; readonly length: number }
  /** `T x[count]` for T other than u8. */
  | { readonly kind: 'vla'; readonly of: VppTypeNode; readonly count: string | null }
  | { readonly kind: 'struct'; readonly name: string; readonly fields: readonly VppFieldNode[] };

/**
 * One field of a struct or message, resolved.
 *
 * @beta
 */
export interface VppFieldNode {
  /** The field name, as in the definitions and in message objects. */
  readonly name: string;
  /** Its resolved type. */
  readonly type: VppTypeNode;
  /** What encode sends when the field is omitted. */
  readonly default?: VppDefaultValue;
  /** Set on a count field: the variable-length array whose length it carries. */
  readonly countFor?: string;
}

/**
 * Wire size in bytes when it does not depend on the value, else undefined.
 *
 * @beta
 */
export function fixedSize(t: VppTypeNode): number | undefined {
  switch (t.kind) {
    case 'int':
      return INT_SIZE[t.type];
    case 'bigint':
    case 'f64':
      return 8;
    case 'bool':
      return 1;
    case 'string':
    case 'bytes':
      return t.length;
    case 'union':
      return t.size;
    case 'array': {
      const e = fixedSize(t.of);
      return e === undefined ? undefined : e * t.length;
    }
    case 'struct': {
      let n = 0;
      for (const f of t.fields) {
        const s = fixedSize(f.type);
        if (s === undefined) return undefined;
        n += s;
      }
      return n;
    }
    default:
      return undefined;
  }
}

/**
 * Smallest possible wire size in bytes, used to bound element counts read from untrusted bytes.
 *
 * @beta
 */
export function minSize(t: VppTypeNode): number {
  switch (t.kind) {
    case 'vstring':
      return 4;
    case 'vbytes':
    case 'vla':
      return 0;
    case 'array':
      return minSize(t.of) * t.length;
    case 'struct':
      return t.fields.reduce((n, f) => n + minSize(f.type), 0);
    default:
      return fixedSize(t) ?? 0;
  }
}

export const INT_SIZE = { u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, u64: 8, i64: 8 } as const;

/**
 * Definitions could not be resolved (unknown type, bad union, misplaced count field), or a
 * message asked of a codec is not among them.
 *
 * @public
 */
export class VppSchemaError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'VPP_SCHEMA' as const;
  /** The message text is `<where>: <detail>`. */
  constructor(
    /** Where in the definitions, e.g. `lb_add_del_as_v2.pfx` or a message name. */
    readonly where: string,
    detail: string,
  ) {
    super(`${where}: ${detail}`);
    this.name = 'VppSchemaError';
  }
}

/**
 * Resolves type names across a set of modules into VppTypeNodes, with caching.
 *
 * @beta
 */
export class VppSchema {
  private readonly defs = new Map<string, ApiTypeDefinition>();
  private readonly nodes = new Map<string, VppTypeNode>();
  private readonly resolving = new Set<string>();

  /** Indexes the modules' types by name; nothing is resolved until asked for. */
  constructor(modules: readonly ApiModuleDefinition[]) {
    for (const m of modules) for (const t of m.types) this.defs.set(t.name, t);
  }

  /**
   * The node of a named type (struct, union, enum or alias).
   *
   * @param where - names the place in errors; default the type name
   * @throws {@link VppSchemaError} for an unknown or self-containing type
   */
  named(name: string, where = name): VppTypeNode {
    const cached = this.nodes.get(name);
    if (cached) return cached;
    const d = this.defs.get(name);
    if (!d) throw new VppSchemaError(where, `unknown type ${name}`);
    if (this.resolving.has(name)) throw new VppSchemaError(where, `type ${name} contains itself`);
    this.resolving.add(name);
    try {
      const node = this.build(d);
      this.nodes.set(name, node);
      return node;
    } finally {
      this.resolving.delete(name);
    }
  }

  private build(d: ApiTypeDefinition): VppTypeNode {
    switch (d.kind) {
      case 'enum':
        if (d.size === 'u64' || d.size === 'i64')
          throw new VppSchemaError(d.name, '64-bit enums are not supported');
        return { kind: 'int', type: d.size, enum: d };
      case 'alias':
        return this.shape(this.element(d.type, d.name), d.length, undefined);
      case 'union': {
        let size = 0;
        for (const f of d.fields) {
          const s = fixedSize(this.field(f, `${d.name}.${f.name}`).type);
          if (s === undefined)
            throw new VppSchemaError(`${d.name}.${f.name}`, 'union members must have a fixed size');
          size = Math.max(size, s);
        }
        return { kind: 'union', name: d.name, size };
      }
      case 'struct':
        return { kind: 'struct', name: d.name, fields: this.fields(d.fields, d.name) };
    }
  }

  /**
   * Resolves the fields of a struct or message, linking count fields to their arrays.
   *
   * @param where - the struct or message, for errors
   * @throws {@link VppSchemaError} for an unknown type or a misplaced count field
   */
  fields(fields: readonly ApiFieldDefinition[], where: string): VppFieldNode[] {
    const countFor = new Map<string, string>();
    for (const f of fields) {
      if (f.count === undefined) continue;
      const i = fields.findIndex((c) => c.name === f.count);
      if (i < 0 || i >= fields.indexOf(f)) {
        throw new VppSchemaError(
          `${where}.${f.name}`,
          `count field ${f.count} must come earlier in the same struct`,
        );
      }
      if (countFor.has(f.count)) throw new VppSchemaError(`${where}.${f.count}`, 'counts two arrays');
      countFor.set(f.count, f.name);
    }
    return fields.map((f) => {
      const node = this.field(f, `${where}.${f.name}`);
      const cf = countFor.get(f.name);
      if (cf !== undefined && node.type.kind !== 'int' && node.type.kind !== 'bigint') {
        throw new VppSchemaError(`${where}.${f.name}`, 'a count field must be an integer');
      }
      return cf === undefined ? node : { ...node, countFor: cf };
    });
  }

  private field(f: ApiFieldDefinition, where: string): VppFieldNode {
    const type =
      f.type === 'string'
        ? f.length
          ? ({ kind: 'string', length: f.length } as const)
          : ({ kind: 'vstring', ...(f.limit !== undefined ? { limit: f.limit } : {}) } as const)
        : this.shape(this.element(f.type, where), f.length, f.count);
    return { name: f.name, type, ...(f.default !== undefined ? { default: f.default } : {}) };
  }

  private element(type: string, where: string): VppTypeNode {
    switch (type) {
      case 'u8':
      case 'i8':
      case 'u16':
      case 'i16':
      case 'u32':
      case 'i32':
        return { kind: 'int', type };
      case 'u64':
      case 'i64':
        return { kind: 'bigint', type };
      case 'f64':
        return { kind: 'f64' };
      case 'bool':
        return { kind: 'bool' };
      case 'string':
        return { kind: 'vstring' };
      default:
        return this.named(type, where);
    }
  }

  private shape(elem: VppTypeNode, length: number | undefined, count: string | undefined): VppTypeNode {
    if (length === undefined) return elem;
    const isByte = elem.kind === 'int' && elem.type === 'u8' && elem.enum === undefined;
    if (length > 0) return isByte ? { kind: 'bytes', length } : { kind: 'array', of: elem, length };
    return isByte
      ? { kind: 'vbytes', count: count ?? null }
      : { kind: 'vla', of: elem, count: count ?? null };
  }
}
