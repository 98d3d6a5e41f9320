import type {
  ApiAliasDefinition,
  ApiEnumDefinition,
  ApiFieldDefinition,
  ApiModuleDefinition,
  ApiServiceDefinition,
  VppDefaultValue,
  VppIntegerType,
} from '../definitions.js';

/** The `.api.json` files could not be turned into definitions; names the file and the entry. */
export class VppApiJsonError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'VPP_API_JSON' as const;
  constructor(
    readonly file: string,
    readonly where: string,
    detail: string,
  ) {
    super(`${file}: ${where}: ${detail}`);
    this.name = 'VppApiJsonError';
  }
}

/** One module's `.api.json`, parsed but with types not yet resolved across modules. */
export interface ParsedModule {
  readonly file: string;
  readonly name: string;
  readonly version: string;
  readonly crc: number;
  /** Module names this file imports (`vnet/ip/ip_types.api` → `ip_types`). */
  readonly imports: readonly string[];
  readonly structs: readonly RawStruct[];
  readonly enums: readonly ApiEnumDefinition[];
  readonly aliases: readonly ApiAliasDefinition[];
  readonly messages: readonly RawMessage[];
  readonly services: readonly ApiServiceDefinition[];
  /** What the JSON says beyond the definitions; it shapes only the generated docs. */
  readonly notes: ApiJsonNotes;
}

/**
 * What a module's JSON carries beyond its definitions: VPP's comments and deprecation marks. The
 * generated code never depends on it, only the generated docs do.
 */
export interface ApiJsonNotes {
  /** VPP's comment on a type or message, by its name, as written (comment markers included). */
  readonly comments: ReadonlyMap<string, string>;
  /** The messages VPP marks deprecated. */
  readonly deprecated: ReadonlySet<string>;
}

/** No notes: a module rebuilt from definitions alone. */
export const NO_NOTES: ApiJsonNotes = { comments: new Map(), deprecated: new Set() };

/** A struct or union with raw fields. */
export interface RawStruct {
  readonly kind: 'struct' | 'union';
  readonly name: string;
  readonly fields: readonly RawField[];
}

export interface RawMessage {
  readonly name: string;
  readonly crc: string;
  readonly fields: readonly RawField[];
}

const INTEGER_TYPES: ReadonlySet<string> = new Set(['u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'u64', 'i64']);
const BASE_TYPES: ReadonlySet<string> = new Set([...INTEGER_TYPES, 'f64', 'bool', 'string']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `vl_api_address_t` → `address`; base types stay as they are. */
export function typeRefName(file: string, where: string, raw: unknown): string {
  if (typeof raw !== 'string')
    throw new VppApiJsonError(file, where, `type must be a string, got ${JSON.stringify(raw)}`);
  if (BASE_TYPES.has(raw)) return raw;
  const m = /^vl_api_(\w+)_t$/.exec(raw);
  if (!m?.[1]) throw new VppApiJsonError(file, where, `unknown type ${JSON.stringify(raw)}`);
  return m[1];
}

/** A raw field before its default is converted (that needs the resolved type). */
export interface RawField {
  readonly name: string;
  readonly type: string;
  readonly length?: number;
  readonly count?: string;
  readonly rawDefault?: unknown;
  readonly limit?: number;
}

function parseField(file: string, where: string, raw: unknown): RawField {
  if (!Array.isArray(raw) || raw.length < 2 || typeof raw[1] !== 'string') {
    throw new VppApiJsonError(file, where, `malformed field ${JSON.stringify(raw)}`);
  }
  const name = raw[1];
  const at = `${where}.${name}`;
  const type = typeRefName(file, at, raw[0]);
  let length: number | undefined;
  let count: string | undefined;
  let rawDefault: unknown;
  let limit: number | undefined;
  for (const extra of raw.slice(2)) {
    if (typeof extra === 'number') {
      if (!Number.isInteger(extra) || extra < 0)
        throw new VppApiJsonError(file, at, `bad array length ${extra}`);
      length = extra;
    } else if (typeof extra === 'string') {
      count = extra;
    } else if (isRecord(extra)) {
      if ('default' in extra) rawDefault = extra['default'];
      if ('limit' in extra) {
        const l = extra['limit'];
        if (typeof l !== 'number' || !Number.isInteger(l) || l < 0) {
          throw new VppApiJsonError(file, at, `bad limit ${JSON.stringify(l)}`);
        }
        limit = l;
      }
    } else {
      throw new VppApiJsonError(file, at, `unexpected field attribute ${JSON.stringify(extra)}`);
    }
  }
  if (count !== undefined && length !== 0) {
    throw new VppApiJsonError(file, at, `count field ${count} on an array that is not variable-length`);
  }
  return {
    name,
    type,
    ...(length !== undefined ? { length } : {}),
    ...(count !== undefined ? { count } : {}),
    ...(rawDefault !== undefined ? { rawDefault } : {}),
    ...(limit !== undefined ? { limit } : {}),
  };
}

function parseFieldList(
  file: string,
  where: string,
  entry: unknown,
): { name: string; fields: RawField[]; meta: Record<string, unknown> } {
  if (!Array.isArray(entry) || typeof entry[0] !== 'string') {
    throw new VppApiJsonError(file, where, `malformed entry ${JSON.stringify(entry)?.slice(0, 80)}`);
  }
  const name = entry[0];
  const fields: RawField[] = [];
  let meta: Record<string, unknown> = {};
  for (const item of entry.slice(1)) {
    if (isRecord(item)) meta = item;
    else fields.push(parseField(file, `${where} ${name}`, item));
  }
  const seen = new Set<string>();
  for (const f of fields) {
    if (seen.has(f.name)) throw new VppApiJsonError(file, `${where} ${name}`, `duplicate field ${f.name}`);
    seen.add(f.name);
  }
  for (const f of fields) {
    if (f.count === undefined) continue;
    const idx = fields.findIndex((c) => c.name === f.count);
    if (idx < 0 || idx >= fields.indexOf(f)) {
      throw new VppApiJsonError(
        file,
        `${where} ${name}.${f.name}`,
        `count field ${f.count} must come earlier in the same message`,
      );
    }
  }
  return { name, fields, meta };
}

function listOf(file: string, json: Record<string, unknown>, key: string): unknown[] {
  const v = json[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new VppApiJsonError(file, key, 'must be an array');
  return v;
}

/** The integer type an enum declares (`{"enumtype": "u8"}`); u32 when absent. */
function enumSize(file: string, where: string, meta: Record<string, unknown>): VppIntegerType {
  const t = meta['enumtype'] ?? 'u32';
  if (typeof t !== 'string' || !INTEGER_TYPES.has(t) || t === 'u64' || t === 'i64') {
    throw new VppApiJsonError(file, where, `unsupported enumtype ${JSON.stringify(t)}`);
  }
  return t as VppIntegerType;
}

/** Parses one module's `.api.json` text. Defaults stay raw until types are resolved. */
export function parseApiJson(file: string, moduleName: string, text: string): ParsedModule {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new VppApiJsonError(file, 'JSON', (e as Error).message);
  }
  if (!isRecord(json)) throw new VppApiJsonError(file, 'top level', 'must be an object');
  const options = json['options'];
  const version = isRecord(options) && typeof options['version'] === 'string' ? options['version'] : '';
  const crcText = json['vl_api_version'];
  if (typeof crcText !== 'string' || !/^0x[0-9a-fA-F]{1,8}$/.test(crcText)) {
    throw new VppApiJsonError(file, 'vl_api_version', `expected a hex CRC, got ${JSON.stringify(crcText)}`);
  }
  const imports = listOf(file, json, 'imports').map((p) => {
    if (typeof p !== 'string') throw new VppApiJsonError(file, 'imports', `bad import ${JSON.stringify(p)}`);
    return (p.split('/').pop() ?? p).replace(/\.api$/, '');
  });
  const comments = new Map<string, string>();
  const deprecated = new Set<string>();
  const note = (name: string, meta: Record<string, unknown>): void => {
    const c = meta['comment'];
    if (typeof c === 'string' && c.trim() !== '' && !comments.has(name)) comments.set(name, c);
  };
  const structs: RawStruct[] = [];
  for (const [key, kind] of [
    ['types', 'struct'],
    ['unions', 'union'],
  ] as const) {
    for (const entry of listOf(file, json, key)) {
      const { name, fields, meta } = parseFieldList(file, key, entry);
      structs.push({ kind, name, fields });
      note(name, meta);
    }
  }
  const enums: ApiEnumDefinition[] = [];
  for (const [key, flags] of [
    ['enums', false],
    ['enumflags', true],
  ] as const) {
    for (const entry of listOf(file, json, key)) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string') {
        throw new VppApiJsonError(file, key, `malformed entry ${JSON.stringify(entry)?.slice(0, 80)}`);
      }
      const name = entry[0];
      const values: (readonly [string, number])[] = [];
      let meta: Record<string, unknown> = {};
      for (const item of entry.slice(1)) {
        if (isRecord(item)) meta = item;
        else if (Array.isArray(item) && typeof item[0] === 'string' && Number.isInteger(item[1])) {
          values.push([item[0], item[1] as number]);
        } else throw new VppApiJsonError(file, `${key} ${name}`, `malformed value ${JSON.stringify(item)}`);
      }
      enums.push({ kind: 'enum', name, size: enumSize(file, `${key} ${name}`, meta), flags, values });
      note(name, meta);
    }
  }
  const aliases: ApiAliasDefinition[] = [];
  const rawAliases = json['aliases'] ?? {};
  if (!isRecord(rawAliases)) throw new VppApiJsonError(file, 'aliases', 'must be an object');
  for (const [name, a] of Object.entries(rawAliases)) {
    if (!isRecord(a)) throw new VppApiJsonError(file, `aliases ${name}`, 'must be an object');
    const type = typeRefName(file, `aliases ${name}`, a['type']);
    const length = a['length'];
    if (length !== undefined && (typeof length !== 'number' || !Number.isInteger(length) || length < 0)) {
      throw new VppApiJsonError(file, `aliases ${name}`, `bad length ${JSON.stringify(length)}`);
    }
    aliases.push({ kind: 'alias', name, type, ...(length !== undefined ? { length } : {}) });
  }
  const messages: RawMessage[] = [];
  for (const entry of listOf(file, json, 'messages')) {
    const { name, fields, meta } = parseFieldList(file, 'messages', entry);
    const crc = meta['crc'];
    if (typeof crc !== 'string' || !/^0x[0-9a-fA-F]{8}$/.test(crc)) {
      throw new VppApiJsonError(
        file,
        `messages ${name}`,
        `expected an 8-digit hex crc, got ${JSON.stringify(crc)}`,
      );
    }
    const first = fields[0];
    if (first?.name !== '_vl_msg_id' || first.type !== 'u16') {
      throw new VppApiJsonError(file, `messages ${name}`, 'the first field must be u16 _vl_msg_id');
    }
    messages.push({ name, crc: crc.slice(2).toLowerCase(), fields });
    note(name, meta);
    const options = meta['options'];
    if (isRecord(options) && 'deprecated' in options) deprecated.add(name);
  }
  const services: ApiServiceDefinition[] = [];
  const rawServices = json['services'] ?? {};
  if (!isRecord(rawServices)) throw new VppApiJsonError(file, 'services', 'must be an object');
  for (const [request, s] of Object.entries(rawServices)) {
    if (!isRecord(s) || typeof s['reply'] !== 'string') {
      throw new VppApiJsonError(file, `services ${request}`, 'expected {"reply": name}');
    }
    if (s['stream_msg'] !== undefined && typeof s['stream_msg'] !== 'string') {
      throw new VppApiJsonError(file, `services ${request}`, 'stream_msg must be a message name');
    }
    // A cursor-style service (details, then a reply that ends the stream) has no call in this
    // client: its messages are generated and decode, but it is left out of the services so that
    // request() and dump() refuse it instead of mistaking its details for a protocol error.
    if (s['reply'] === 'null' || s['stream_msg'] !== undefined) continue;
    services.push({ request, reply: s['reply'], stream: s['stream'] === true });
  }
  return {
    file,
    name: moduleName,
    version,
    crc: Number.parseInt(crcText, 16),
    imports,
    structs,
    enums,
    aliases,
    messages,
    services,
    notes: { comments, deprecated },
  };
}

/** Converts a raw `[default=X]` to the representation of its (resolved) base type. */
export function convertDefault(
  file: string,
  where: string,
  raw: unknown,
  base:
    | { kind: 'int'; type: VppIntegerType }
    | { kind: 'f64' }
    | { kind: 'bool' }
    | { kind: 'string' }
    | { kind: 'enum'; def: ApiEnumDefinition }
    | { kind: 'other' },
): VppDefaultValue {
  const bad = (): never => {
    throw new VppApiJsonError(file, where, `default ${JSON.stringify(raw)} does not fit the field's type`);
  };
  switch (base.kind) {
    case 'bool':
      if (raw === true || raw === 'true' || raw === 1) return true;
      if (raw === false || raw === 'false' || raw === 0) return false;
      return bad();
    case 'f64':
      return typeof raw === 'number' ? raw : bad();
    case 'string':
      return typeof raw === 'string' ? raw : bad();
    case 'int':
      // A definition already holds a 64-bit default as a bigint.
      if (typeof raw === 'bigint' && (base.type === 'u64' || base.type === 'i64')) return raw;
      if (typeof raw !== 'number' || !Number.isInteger(raw)) return bad();
      return base.type === 'u64' || base.type === 'i64' ? BigInt(raw) : raw;
    case 'enum': {
      if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
      const v = base.def.values.find(([sym]) => sym === raw);
      return v ? v[1] : bad();
    }
    default:
      return bad();
  }
}

function rawField(f: ApiFieldDefinition): RawField {
  return {
    name: f.name,
    type: f.type,
    ...(f.length !== undefined ? { length: f.length } : {}),
    ...(f.count !== undefined ? { count: f.count } : {}),
    ...(f.default !== undefined ? { rawDefault: f.default } : {}),
    ...(f.limit !== undefined ? { limit: f.limit } : {}),
  };
}

/**
 * A module rebuilt from its definitions (such as the committed `xxxModule` of a generated file),
 * for when its `.api.json` is not at hand. It holds exactly its own types and imports nothing;
 * VPP's comments are not part of definitions, so it has no notes.
 */
export function parsedFromDefinition(def: ApiModuleDefinition): ParsedModule {
  const structs: RawStruct[] = [];
  const enums: ApiEnumDefinition[] = [];
  const aliases: ApiAliasDefinition[] = [];
  for (const t of def.types) {
    if (t.kind === 'enum') enums.push(t);
    else if (t.kind === 'alias') aliases.push(t);
    else structs.push({ kind: t.kind, name: t.name, fields: t.fields.map(rawField) });
  }
  return {
    file: `${def.name} (committed definitions)`,
    name: def.name,
    version: def.version,
    crc: def.crc,
    imports: [],
    structs,
    enums,
    aliases,
    messages: def.messages.map((m) => ({ name: m.name, crc: m.crc, fields: m.fields.map(rawField) })),
    services: def.services,
    notes: NO_NOTES,
  };
}
