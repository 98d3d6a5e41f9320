import type {
  ApiAliasDefinition,
  ApiEnumDefinition,
  ApiFieldDefinition,
  ApiMessageDefinition,
  ApiModuleDefinition,
  ApiTypeDefinition,
  VppDefaultValue,
  VppIntegerType,
} from '../definitions.js';
import { messageHeaderLayout } from '../header.js';
import {
  type ApiJsonNotes,
  convertDefault,
  NO_NOTES,
  type ParsedModule,
  type RawField,
  type RawStruct,
  VppApiJsonError,
} from './parse.js';

/** The modules the generated bindings cover, in message-table order (memclnt first). */
export const DEFAULT_MODULES: readonly string[] = [
  'memclnt',
  'vlib',
  'vpe',
  'vpe_types',
  'ip_types',
  'interface_types',
  'lb_types',
  'lb',
  'ethernet_types',
  'fib_types',
  'mfib_types',
  'ip',
];

const INTEGER_TYPES: ReadonlySet<string> = new Set(['u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'u64', 'i64']);

/** `lb_add_del_as_v2` → `LbAddDelAsV2`. */
export function pascalCase(name: string): string {
  return name
    .split('_')
    .filter((p) => p.length > 0)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
}

function camelCase(name: string): string {
  const p = pascalCase(name);
  return p[0]!.toLowerCase() + p.slice(1);
}

interface ResolvedModule {
  readonly parsed: ParsedModule;
  readonly def: ApiModuleDefinition;
}

/**
 * Resolves parsed modules into definitions: converts defaults, checks every type reference,
 * and gives each type to the one module that defines it (a module's JSON repeats its imports).
 */
export function resolveModules(parsed: readonly ParsedModule[]): ApiModuleDefinition[] {
  return resolve(parsed).map((m) => m.def);
}

type RawType = RawStruct | ApiEnumDefinition | ApiAliasDefinition;

function resolve(parsed: readonly ParsedModule[]): ResolvedModule[] {
  const byName = new Map(parsed.map((m) => [m.name, m]));
  const typesOf = (m: ParsedModule): Map<string, RawType> => {
    const out = new Map<string, RawType>();
    for (const t of [...m.structs, ...m.enums, ...m.aliases]) {
      const prev = out.get(t.name);
      // vppapigen repeats an imported type once per path that imports it (ip.api.json holds
      // `address` three times); only copies that differ are an error.
      if (prev && JSON.stringify(prev) !== JSON.stringify(t)) {
        throw new VppApiJsonError(m.file, `type ${t.name}`, 'defined twice, differently');
      }
      out.set(t.name, t);
    }
    return out;
  };
  const all = new Map<string, { type: RawType; owner: string; file: string }>();
  const owned = new Map<string, RawType[]>();
  for (const m of parsed) {
    const imported = new Set<string>();
    for (const imp of m.imports) {
      const im = byName.get(imp);
      if (!im) {
        throw new VppApiJsonError(
          m.file,
          'imports',
          `imports module ${imp}, which is not among the generated modules`,
        );
      }
      for (const n of typesOf(im).keys()) imported.add(n);
    }
    const mine: RawType[] = [];
    for (const [n, t] of typesOf(m)) {
      const prev = all.get(n);
      if (prev && JSON.stringify(prev.type) !== JSON.stringify(t)) {
        throw new VppApiJsonError(m.file, `type ${n}`, `differs from its definition in ${prev.file}`);
      }
      if (imported.has(n)) continue;
      if (prev && prev.owner !== m.name) {
        throw new VppApiJsonError(m.file, `type ${n}`, `also defined by module ${prev.owner}`);
      }
      all.set(n, { type: t, owner: m.name, file: m.file });
      mine.push(t);
    }
    owned.set(m.name, mine);
  }
  // A type only seen through an import still resolves (imports are checked above).
  for (const m of parsed)
    for (const [n, t] of typesOf(m)) if (!all.has(n)) all.set(n, { type: t, owner: m.name, file: m.file });

  const baseOf = (file: string, where: string, f: RawField): Parameters<typeof convertDefault>[3] => {
    if (f.length !== undefined && f.type !== 'string') return { kind: 'other' };
    let t = f.type;
    for (let depth = 0; depth < 16; depth++) {
      if (INTEGER_TYPES.has(t)) return { kind: 'int', type: t as VppIntegerType };
      if (t === 'f64') return { kind: 'f64' };
      if (t === 'bool') return { kind: 'bool' };
      if (t === 'string') return { kind: 'string' };
      const d = all.get(t)?.type;
      if (!d) throw new VppApiJsonError(file, where, `unknown type ${t}`);
      if (d.kind === 'enum') return { kind: 'enum', def: d };
      if (d.kind !== 'alias' || d.length !== undefined) return { kind: 'other' };
      t = d.type;
    }
    throw new VppApiJsonError(file, where, `alias chain too deep at ${t}`);
  };
  const convertFields = (file: string, where: string, fields: readonly RawField[]): ApiFieldDefinition[] =>
    fields.map((f) => {
      const at = `${where}.${f.name}`;
      const base = baseOf(file, at, f);
      const out: { -readonly [K in keyof ApiFieldDefinition]: ApiFieldDefinition[K] } = {
        name: f.name,
        type: f.type,
      };
      if (f.length !== undefined) out.length = f.length;
      if (f.count !== undefined) out.count = f.count;
      if (f.rawDefault !== undefined) out.default = convertDefault(file, at, f.rawDefault, base);
      if (f.limit !== undefined) out.limit = f.limit;
      return out;
    });
  const checkAlias = (file: string, a: ApiAliasDefinition): void => {
    if (
      !INTEGER_TYPES.has(a.type) &&
      a.type !== 'f64' &&
      a.type !== 'bool' &&
      a.type !== 'string' &&
      !all.has(a.type)
    ) {
      throw new VppApiJsonError(file, `aliases ${a.name}`, `unknown type ${a.type}`);
    }
  };

  const messageNames = new Map<string, string>();
  return parsed.map((m) => {
    const types: ApiTypeDefinition[] = (owned.get(m.name) ?? []).map((t) => {
      if (t.kind === 'struct' || t.kind === 'union') {
        return { kind: t.kind, name: t.name, fields: convertFields(m.file, `type ${t.name}`, t.fields) };
      }
      if (t.kind === 'alias') checkAlias(m.file, t);
      return t;
    });
    const messages: ApiMessageDefinition[] = m.messages.map((msg) => {
      const prev = messageNames.get(msg.name);
      if (prev) throw new VppApiJsonError(m.file, `messages ${msg.name}`, `also defined by module ${prev}`);
      messageNames.set(msg.name, m.name);
      return {
        name: msg.name,
        crc: msg.crc,
        fields: convertFields(m.file, `messages ${msg.name}`, msg.fields),
      };
    });
    for (const s of m.services) {
      for (const n of [s.request, s.reply]) {
        if (!m.messages.some((x) => x.name === n)) {
          throw new VppApiJsonError(
            m.file,
            `services ${s.request}`,
            `names message ${n}, which the module lacks`,
          );
        }
      }
    }
    return {
      parsed: m,
      def: { name: m.name, version: m.version, crc: m.crc, types, messages, services: m.services },
    };
  });
}

// ---------------------------------------------------------------------------------------------
// TypeScript emission

function literal(v: VppDefaultValue): string {
  if (typeof v === 'bigint') return `${v}n`;
  return JSON.stringify(v);
}

function fieldLiteral(f: ApiFieldDefinition): string {
  const parts = [`name: ${JSON.stringify(f.name)}`, `type: ${JSON.stringify(f.type)}`];
  if (f.length !== undefined) parts.push(`length: ${f.length}`);
  if (f.count !== undefined) parts.push(`count: ${JSON.stringify(f.count)}`);
  if (f.default !== undefined) parts.push(`default: ${literal(f.default)}`);
  if (f.limit !== undefined) parts.push(`limit: ${f.limit}`);
  return `{ ${parts.join(', ')} }`;
}

function fieldsLiteral(fields: readonly ApiFieldDefinition[], indent: string): string {
  if (fields.length === 0) return '[]';
  return `[\n${fields.map((f) => `${indent}  ${fieldLiteral(f)},\n`).join('')}${indent}]`;
}

// ---------------------------------------------------------------------------------------------
// Doc comments
//
// Every exported symbol and member gets TSDoc. Everything in it derives from the definitions
// (names, wire types, defaults, services) except VPP's own comments and deprecation marks, which
// only the JSON carries: a module rebuilt from its committed definitions therefore comes out the
// same as from its JSON, less those notes.

const DOC_WIDTH = 100;

/** Text made safe for TSDoc: its markup characters escaped, no `*` + `/` that would end the comment. */
export function tsdocText(text: string): string {
  return text.replace(/[\\{}@<>`]/g, (c) => `\\${c}`).replace(/\*\//g, '*\\/');
}

/** VPP's comment on a type or message, split into its description and its `@param` texts. */
export interface VppComment {
  /** The description, whitespace collapsed; empty when there is none. */
  readonly summary: string;
  /** Parameter name (without `[]`) → its text. */
  readonly params: ReadonlyMap<string, string>;
}

/** Reads VPP's C-style comment: `/** \brief Text` + `@param name - text` lines, or plain text. */
export function parseVppComment(comment: string): VppComment {
  const body = comment
    .trim()
    .replace(/^\/\*+/, '')
    .replace(/\*+\/$/, '');
  const summary: string[] = [];
  const params = new Map<string, string[]>();
  let into = summary;
  for (const raw of body.split('\n')) {
    const line = raw
      .replace(/^\s*\*+(?!\/)/, '')
      .replace(/\\brief\b/, '')
      .trim();
    const p = /^@param\s+(\w+)(?:\[\])?\s*(?:-\s*)?(.*)$/.exec(line);
    if (p) {
      into = [];
      if (!params.has(p[1]!)) params.set(p[1]!, into);
      into.push(p[2]!);
    } else into.push(line);
  }
  const text = (parts: readonly string[]): string => parts.join(' ').replace(/\s+/g, ' ').trim();
  return {
    summary: text(summary),
    params: new Map([...params].map(([k, v]) => [k, text(v)] as const).filter(([, v]) => v !== '')),
  };
}

/** Greedy word wrap; a `{@link X}` is never split. */
function wrap(text: string, width: number): string[] {
  const words = text.replaceAll('{@link ', '{@link\u0000').split(' ');
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line !== '' && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line === '' ? w : `${line} ${w}`;
  }
  if (line !== '') lines.push(line);
  return lines.map((l) => l.replaceAll('\u0000', ' '));
}

/** A doc comment of paragraphs (wrapped) and block tags; one line when it is short and alone. */
function docComment(indent: string, paragraphs: readonly string[]): string {
  const blocks = paragraphs.filter((p) => p !== '');
  const width = DOC_WIDTH - indent.length - 3;
  if (blocks.length === 1 && blocks[0]!.length <= width - 3) return `${indent}/** ${blocks[0]} */\n`;
  const out = [`${indent}/**`];
  blocks.forEach((b, i) => {
    if (i > 0) out.push(`${indent} *`);
    for (const l of wrap(b, width)) out.push(`${indent} * ${l}`);
  });
  out.push(`${indent} */`);
  return `${out.join('\n')}\n`;
}

/** `a`, `a and b`, `a, b and c`. */
function listText(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** A message's part in the module's services. */
type MessageRole =
  | { readonly kind: 'request' | 'dump'; readonly peers: readonly string[] }
  | { readonly kind: 'reply' | 'details'; readonly peers: readonly string[] }
  | { readonly kind: 'none' };

function messageRoles(m: ApiModuleDefinition): Map<string, MessageRole> {
  const peers = new Map<string, { kind: 'request' | 'dump' | 'reply' | 'details'; peers: string[] }>();
  const add = (name: string, kind: 'request' | 'dump' | 'reply' | 'details', peer: string): void => {
    const r = peers.get(name) ?? { kind, peers: [] };
    if (!r.peers.includes(peer)) r.peers.push(peer);
    peers.set(name, r);
  };
  for (const s of m.services) {
    add(s.request, s.stream ? 'dump' : 'request', s.reply);
    add(s.reply, s.stream ? 'details' : 'reply', s.request);
  }
  return new Map(m.messages.map((x) => [x.name, peers.get(x.name) ?? { kind: 'none' }] as const));
}

/** `a request answered by {@link LbConfReply}`, for a message's summary. */
function roleText(role: MessageRole, link: (name: string) => string): string {
  switch (role.kind) {
    case 'request':
      return `a request, answered by ${listText(role.peers.map(link))}`;
    case 'dump':
      return `a dump request, answered by one ${listText(role.peers.map(link))} per entry`;
    case 'reply':
      return `the reply to ${listText(role.peers.map(link))}`;
    case 'details':
      return `one entry of the answer to ${listText(role.peers.map(link))}`;
    case 'none':
      return (
        'in no request/reply pair that this client calls (VPP declares it one-way, or part of a ' +
        'cursor-style exchange): `request()` and `dump()` refuse it, the codec handles it'
      );
  }
}

/** The same without links, for the members of the index maps. */
function shortRoleText(role: MessageRole): string {
  switch (role.kind) {
    case 'request':
      return `a request, answered by ${listText(role.peers)}`;
    case 'dump':
      return `a dump request, answered by ${listText(role.peers)} messages`;
    case 'reply':
      return `the reply to ${listText(role.peers)}`;
    case 'details':
      return `an entry of the answer to ${listText(role.peers)}`;
    case 'none':
      return 'in no request/reply pair that this client calls';
  }
}

/** A VPP comment's description, unless it only repeats the name. */
function vppSummary(c: VppComment | undefined, name: string): string {
  if (!c || c.summary === '') return '';
  const bare = (t: string): string => t.toLowerCase().replace(/[^a-z0-9]/g, '');
  return bare(c.summary) === bare(name) ? '' : `VPP: ${tsdocText(c.summary)}`;
}

class Emitter {
  private readonly types = new Map<string, { def: ApiTypeDefinition; owner: string }>();
  private readonly differs = new Map<string, boolean>();

  constructor(
    private readonly modules: readonly ApiModuleDefinition[],
    private readonly notes: ReadonlyMap<string, ApiJsonNotes> = new Map(),
  ) {
    for (const m of modules) for (const t of m.types) this.types.set(t.name, { def: t, owner: m.name });
    const tsNames = new Map<string, string>();
    const claim = (ts: string, what: string): void => {
      const prev = tsNames.get(ts);
      if (prev) throw new Error(`generated name ${ts} is used by both ${prev} and ${what}`);
      tsNames.set(ts, what);
    };
    for (const m of modules) {
      claim(`${camelCase(m.name)}Module`, `module ${m.name}`);
      for (const t of m.types) {
        claim(pascalCase(t.name), `type ${t.name}`);
        if (t.kind !== 'enum') claim(`${pascalCase(t.name)}Input`, `type ${t.name}`);
      }
      for (const msg of m.messages) {
        claim(pascalCase(msg.name), `message ${msg.name}`);
        claim(`${pascalCase(msg.name)}Input`, `message ${msg.name}`);
      }
    }
  }

  /** TS type of one element of type `t`. */
  private elem(t: string, input: boolean, refs: Set<string>): string {
    switch (t) {
      case 'u8':
      case 'i8':
      case 'u16':
      case 'i16':
      case 'u32':
      case 'i32':
      case 'f64':
        return 'number';
      case 'u64':
      case 'i64':
        return 'bigint';
      case 'bool':
        return 'boolean';
      case 'string':
        return 'string';
    }
    const d = this.types.get(t)?.def;
    if (!d) throw new Error(`unknown type ${t}`);
    if (d.kind === 'enum') return 'number';
    const name = pascalCase(t) + (input && this.inputDiffers(t) ? 'Input' : '');
    refs.add(name);
    return name;
  }

  private fieldType(f: { type: string; length?: number }, input: boolean, refs: Set<string>): string {
    if (f.length === undefined || f.type === 'string') return this.elem(f.type, input, refs);
    if (f.type === 'u8') return 'Uint8Array';
    return `readonly ${this.elem(f.type, input, refs)}[]`;
  }

  private fieldsDiffer(fields: readonly ApiFieldDefinition[]): boolean {
    const counts = new Set(fields.flatMap((f) => (f.count ? [f.count] : [])));
    const scratch = new Set<string>();
    return fields.some(
      (f) =>
        f.default !== undefined ||
        counts.has(f.name) ||
        this.fieldType(f, true, scratch) !== this.fieldType(f, false, scratch),
    );
  }

  /** Whether what encode accepts differs from what decode returns (defaults, count fields). */
  inputDiffers(t: string): boolean {
    const cached = this.differs.get(t);
    if (cached !== undefined) return cached;
    const d = this.types.get(t)?.def;
    let r = false;
    if (d?.kind === 'struct') r = this.fieldsDiffer(d.fields);
    else if (d?.kind === 'alias')
      r = this.fieldType(d, true, new Set()) !== this.fieldType(d, false, new Set());
    this.differs.set(t, r);
    return r;
  }

  /** The wire type of a field, array, string and default details, as its doc says them. */
  private wireDoc(f: ApiFieldDefinition, countOf: string | undefined): string {
    let w = f.type;
    const d = this.types.get(f.type)?.def;
    const link = `{@link ${pascalCase(f.type)}}`;
    if (d?.kind === 'enum') w = `${d.flags ? 'enumflag' : 'enum'} ${f.type} (${d.size}), see ${link}`;
    else if (d?.kind === 'alias') {
      const of = `${d.type}${d.length !== undefined ? `[${d.length}]` : ''}`;
      w = this.types.has(d.type) ? `${f.type} (alias of ${of}), see ${link}` : `${f.type} (${of})`;
    } else if (d?.kind === 'struct') w = `${f.type}, see ${link}`;
    else if (d?.kind === 'union') w = `union ${f.type}, see ${link}`;
    if (f.length !== undefined) w += f.count ? `[${f.count}]` : f.length === 0 ? '[]' : `[${f.length}]`;
    if (f.type === 'string' && f.length === 0) w += ', u32 length prefix';
    if (f.type === 'string' && f.length) w += `, at most ${f.length - 1} bytes`;
    if (f.limit !== undefined) w += `, limit ${f.limit}`;
    if (countOf) w += `; element count of ${countOf}, computed on encode`;
    if (f.default !== undefined) w += `; default ${literal(f.default)}`;
    return w;
  }

  private interfaceBody(
    fields: readonly ApiFieldDefinition[],
    input: boolean,
    refs: Set<string>,
    notes: { readonly params: ReadonlyMap<string, string>; readonly reply: boolean } = {
      params: new Map(),
      reply: false,
    },
  ): string {
    if (fields.length === 0) return '{}';
    const countOf = new Map(fields.flatMap((f) => (f.count ? [[f.count, f.name] as const] : [])));
    const lines = fields.map((f, i) => {
      const optional = input && (f.default !== undefined || countOf.has(f.name)) ? '?' : '';
      let doc = this.wireDoc(f, countOf.get(f.name));
      if (i === 0 && f.name === 'retval' && f.type === 'i32' && f.length === undefined) {
        doc +=
          ': 0 on success, else a negative VPP error code (`vnetApiErrorName` names it)' +
          (notes.reply ? '; `request()` rejects a nonzero one with a `VppApiError`' : '');
      }
      const vpp = notes.params.get(f.name);
      if (vpp) doc += `. VPP: ${tsdocText(vpp)}`;
      return `${docComment('  ', [doc])}  readonly ${f.name}${optional}: ${this.fieldType(f, input, refs)};\n`;
    });
    return `{\n${lines.join('')}}`;
  }

  /** What encode accepts beyond what decode returns, as a sentence ending. */
  private inputDifference(fields: readonly ApiFieldDefinition[]): string {
    const counts = new Set(fields.flatMap((f) => (f.count ? [f.count] : [])));
    const scratch = new Set<string>();
    const why: string[] = [];
    if (fields.some((f) => f.default !== undefined))
      why.push('fields with a default may be left out (the default is sent)');
    if (counts.size > 0) why.push('count fields may be left out (computed from their arrays)');
    if (fields.some((f) => this.fieldType(f, true, scratch) !== this.fieldType(f, false, scratch)))
      why.push('nested types are in their input form');
    return listText(why);
  }

  private emitType(t: ApiTypeDefinition, refs: Set<string>, notes: ApiJsonNotes): string {
    const n = pascalCase(t.name);
    const c = notes.comments.has(t.name) ? parseVppComment(notes.comments.get(t.name)!) : undefined;
    const vpp = vppSummary(c, t.name);
    switch (t.kind) {
      case 'enum': {
        const vals = t.values.map(([s, v]) => `  ${s}: ${v},\n`).join('');
        const what = t.flags
          ? `Flags \`${t.name}\` (${t.size} on the wire): the bit of each symbol; a field of this type holds them OR-ed, as a plain number.`
          : `Enum \`${t.name}\` (${t.size} on the wire): the value of each symbol; fields of this type are plain numbers.`;
        return `${docComment('', [what, vpp, '@public'])}export const ${n} = {\n${vals}} as const;\n`;
      }
      case 'alias': {
        const wire = `${t.type}${t.length !== undefined ? `[${t.length}]` : ''}`;
        const out = `${docComment('', [`Alias \`${t.name}\`: ${wire} on the wire.`, vpp, '@public'])}export type ${n} = ${this.fieldType(t, false, refs)};\n`;
        const input = `${docComment('', [`Alias \`${t.name}\` as encode accepts it.`, '@public'])}export type ${n}Input = ${this.inputDiffers(t.name) ? this.fieldType(t, true, refs) : n};\n`;
        return out + input;
      }
      case 'union': {
        const members = t.fields.map((f) => `${f.name}: ${f.type}`).join(', ');
        const what = `Union \`${t.name}\` (${members}): the raw bytes, as wide as the largest member; a separate field says which member is meant.`;
        return (
          `${docComment('', [what, vpp, '@public'])}export type ${n} = Uint8Array;\n` +
          `${docComment('', [`Union \`${t.name}\` as encode accepts it: the raw bytes, zero-padded when shorter.`, '@public'])}export type ${n}Input = Uint8Array;\n`
        );
      }
      case 'struct': {
        const body = { params: c?.params ?? new Map<string, string>(), reply: false };
        const out = `${docComment('', [`Type \`${t.name}\`, as decode returns it.`, vpp, '@public'])}export interface ${n} ${this.interfaceBody(t.fields, false, refs, body)}\n`;
        return this.inputDiffers(t.name)
          ? `${out}${docComment('', [`Type \`${t.name}\` as encode accepts it: like {@link ${n}}, except that ${this.inputDifference(t.fields)}.`, '@public'])}export interface ${n}Input ${this.interfaceBody(t.fields, true, refs, body)}\n`
          : `${out}${docComment('', [`Type \`${t.name}\` as encode accepts it: the same as {@link ${n}}.`, '@public'])}export type ${n}Input = ${n};\n`;
      }
    }
  }

  private emitMessage(
    m: ApiMessageDefinition,
    role: MessageRole,
    refs: Set<string>,
    notes: ApiJsonNotes,
  ): string {
    const fields = m.fields.slice(messageHeaderLayout(m.fields).headerFields);
    const n = pascalCase(m.name);
    const c = notes.comments.has(m.name) ? parseVppComment(notes.comments.get(m.name)!) : undefined;
    const tags = [
      ...(notes.deprecated.has(m.name) ? ['@deprecated VPP marks this message deprecated.'] : []),
      '@public',
    ];
    const what = `Message \`${m.name}\`, ${roleText(role, (x) => `{@link ${pascalCase(x)}}`)}. VPP's message table lists it as \`${m.name}_${m.crc}\`.`;
    const body = { params: c?.params ?? new Map<string, string>(), reply: role.kind === 'reply' };
    const out = `${docComment('', [what, vppSummary(c, m.name), ...tags])}export interface ${n} ${this.interfaceBody(fields, false, refs, body)}\n`;
    return this.fieldsDiffer(fields)
      ? `${out}${docComment('', [`Message \`${m.name}\` as encode accepts it: like {@link ${n}}, except that ${this.inputDifference(fields)}.`, ...tags])}export interface ${n}Input ${this.interfaceBody(fields, true, refs, body)}\n`
      : `${out}${docComment('', [`Message \`${m.name}\` as encode accepts it: the same as {@link ${n}}.`, ...tags])}export type ${n}Input = ${n};\n`;
  }

  private typeLiteral(t: ApiTypeDefinition): string {
    switch (t.kind) {
      case 'struct':
      case 'union':
        return `{ kind: '${t.kind}', name: ${JSON.stringify(t.name)}, fields: ${fieldsLiteral(t.fields, '      ')} }`;
      case 'enum': {
        const vals = t.values.map(([s, v]) => `[${JSON.stringify(s)}, ${v}]`).join(', ');
        return `{ kind: 'enum', name: ${JSON.stringify(t.name)}, size: '${t.size}', flags: ${t.flags}, values: [${vals}] }`;
      }
      case 'alias':
        return `{ kind: 'alias', name: ${JSON.stringify(t.name)}, type: ${JSON.stringify(t.type)}${t.length !== undefined ? `, length: ${t.length}` : ''} }`;
    }
  }

  moduleFile(m: ApiModuleDefinition, source: string): string {
    const notes = this.notes.get(m.name) ?? NO_NOTES;
    const roles = messageRoles(m);
    const refs = new Set<string>();
    const body: string[] = [];
    for (const t of m.types) body.push(this.emitType(t, refs, notes));
    for (const msg of m.messages) body.push(this.emitMessage(msg, roles.get(msg.name)!, refs, notes));
    const local = new Set<string>(m.types.flatMap((t) => [pascalCase(t.name), `${pascalCase(t.name)}Input`]));
    const imports = new Map<string, string[]>();
    for (const r of [...refs].sort()) {
      if (local.has(r)) continue;
      const owner = this.types.get(this.typeNameOf(r))?.owner;
      if (!owner) throw new Error(`no owner for ${r}`);
      imports.set(owner, [...(imports.get(owner) ?? []), r]);
    }
    const head = [
      `// Generated by \`npm run vpp-binapi\` from ${source} (module ${m.name} ${m.version}, vl_api_version 0x${m.crc.toString(16).padStart(8, '0')}).`,
      '// Do not edit: regenerate instead.',
      '',
      "import type { ApiModuleDefinition } from '../definitions.js';",
      ...[...imports.keys()]
        .sort()
        .map((o) => `import type { ${imports.get(o)!.join(', ')} } from './${o}.js';`),
      '',
    ].join('\n');
    const types = m.types.map((t) => `    ${this.typeLiteral(t)},\n`).join('');
    const messages = m.messages
      .map(
        (msg) =>
          `    {\n      name: ${JSON.stringify(msg.name)},\n      crc: '${msg.crc}',\n      fields: ${fieldsLiteral(msg.fields, '      ')},\n    },\n`,
      )
      .join('');
    const services = m.services
      .map(
        (s) =>
          `    { request: ${JSON.stringify(s.request)}, reply: ${JSON.stringify(s.reply)}, stream: ${s.stream} },\n`,
      )
      .join('');
    const def = [
      '/**',
      ` * Definitions of module ${m.name} ${m.version} (its own types, its messages and services), for`,
      ' * the codec: `new VppCodec([...])` takes them.',
      ' *',
      ' * @public',
      ' */',
      `export const ${camelCase(m.name)}Module: ApiModuleDefinition = {`,
      `  name: ${JSON.stringify(m.name)},`,
      `  version: ${JSON.stringify(m.version)},`,
      `  crc: 0x${m.crc.toString(16).padStart(8, '0')},`,
      `  types: [${types ? `\n${types}  ` : ''}],`,
      `  messages: [${messages ? `\n${messages}  ` : ''}],`,
      `  services: [${services ? `\n${services}  ` : ''}],`,
      '};',
      '',
    ].join('\n');
    return `${head}\n${body.join('\n')}${body.length ? '\n' : ''}${def}`;
  }

  private typeNameOf(tsName: string): string {
    const base = tsName.endsWith('Input') ? tsName.slice(0, -'Input'.length) : tsName;
    for (const n of this.types.keys()) if (pascalCase(n) === base) return n;
    return base;
  }

  indexFile(): string {
    const lines: string[] = [
      '// Generated by `npm run vpp-binapi`. Do not edit: regenerate instead.',
      '',
      "import type { ApiModuleDefinition } from '../definitions.js';",
    ];
    for (const m of this.modules) {
      const names = m.messages.flatMap((x) => [pascalCase(x.name), `${pascalCase(x.name)}Input`]);
      lines.push(`import { ${camelCase(m.name)}Module } from './${m.name}.js';`);
      if (names.length) lines.push(`import type { ${names.join(', ')} } from './${m.name}.js';`);
    }
    lines.push('');
    for (const m of this.modules) lines.push(`export * from './${m.name}.js';`);
    lines.push('');
    const doc = (indent: string, ...paragraphs: string[]): void => {
      lines.push(docComment(indent, paragraphs).slice(0, -1));
    };
    const roles = new Map(this.modules.flatMap((m) => [...messageRoles(m)]));
    doc('', 'Every generated module, in message-table order (memclnt first).', '@public');
    lines.push('export const vppApiModules: readonly ApiModuleDefinition[] = [');
    for (const m of this.modules) lines.push(`  ${camelCase(m.name)}Module,`);
    lines.push('];', '');
    doc('', 'Message name → the message as decode returns it.', '@public');
    lines.push('export interface VppMessageTypes {');
    for (const m of this.modules)
      for (const x of m.messages) {
        doc('  ', `{@link ${pascalCase(x.name)}}: ${shortRoleText(roles.get(x.name)!)}.`);
        lines.push(`  ${x.name}: ${pascalCase(x.name)};`);
      }
    lines.push('}', '');
    doc(
      '',
      'Message name → the message as encode accepts it (defaulted and count fields optional).',
      '@public',
    );
    lines.push('export interface VppMessageInputTypes {');
    for (const m of this.modules)
      for (const x of m.messages) {
        doc('  ', `{@link ${pascalCase(x.name)}Input}: \`${x.name}\` as encode accepts it.`);
        lines.push(`  ${x.name}: ${pascalCase(x.name)}Input;`);
      }
    lines.push('}', '');
    doc(
      '',
      'Request name → its reply (or, for a stream, its details message). Requests of cursor-style ' +
        'services and one-way messages are not here: the connection refuses them.',
      '@public',
    );
    lines.push('export interface VppServiceTypes {');
    for (const m of this.modules) {
      for (const s of m.services) {
        doc(
          '  ',
          s.stream
            ? `\`${s.request}\` is answered by \`${s.reply}\` messages, one per entry (\`dump()\`).`
            : `\`${s.request}\` is answered by one \`${s.reply}\` (\`request()\`).`,
        );
        lines.push(
          `  ${s.request}: { readonly reply: ${JSON.stringify(s.reply)}; readonly stream: ${s.stream} };`,
        );
      }
    }
    lines.push('}', '');
    doc('', 'The name_crc of every generated message, as VPP lists it in its message table.', '@public');
    lines.push('export const vppMessageCrcs: { readonly [N in keyof VppMessageTypes]: string } = {');
    for (const m of this.modules)
      for (const x of m.messages) lines.push(`  ${x.name}: '${x.name}_${x.crc}',`);
    lines.push('};', '');
    return lines.join('\n');
  }
}

/**
 * Turns parsed `.api.json` modules into the files of vpp-api/generated: one per module plus
 * index.ts. Pure and deterministic: the same JSON always gives byte-identical output.
 */
export function generateBindings(parsed: readonly ParsedModule[]): Map<string, string> {
  const resolved = resolve(parsed);
  const emitter = new Emitter(
    resolved.map((r) => r.def),
    new Map(parsed.map((p) => [p.name, p.notes])),
  );
  const files = new Map<string, string>();
  for (const r of resolved)
    files.set(`${r.def.name}.ts`, emitter.moduleFile(r.def, `${r.def.name}.api.json`));
  files.set('index.ts', emitter.indexFile());
  return files;
}
