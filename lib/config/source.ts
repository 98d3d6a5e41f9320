import {
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
  type YAMLError,
} from 'yaml';
import { type ConfigProblem, quoted } from './errors.js';

/** A step in a YAML path: a map key or a sequence index. */
export type PathSegment = string | number;
export type YamlPath = readonly PathSegment[];

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

/**
 * `maglev.frontends.web.pools[0].backends.nginx0`; keys that need it are quoted: `["a.b"]`.
 * A key too long to be a name is cut short rather than echoed whole.
 */
export function formatPath(path: YamlPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg) && seg.length <= 60) out += out === '' ? seg : `.${seg}`;
    else out += `[${quoted(seg)}]`;
  }
  return out;
}

/** What a line of YAML holds, as far as naming a syntax error needs: its key and where it is. */
interface LineShape {
  /** Column of the first character after the indentation, tabs counted to the next multiple of 8. */
  readonly indent: number;
  /** Column of the last `- ` before the key, when the line starts a list item. */
  readonly dash: number | null;
  readonly key: { readonly name: string; readonly index: number; readonly column: number } | null;
  /** The key has a value on the same line that cannot contain the lines below it. */
  readonly closedValue: boolean;
}

/** Columns as an editor shows them: a tab moves to the next multiple of 8. */
function columnOf(text: string, index: number): number {
  let col = 0;
  for (let i = 0; i < index; i++) col = text[i] === '\t' ? (Math.floor(col / 8) + 1) * 8 : col + 1;
  return col;
}

const LINE_KEY = /^(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s#'"{}[\],&*!|>%@`][^#]*?))[ \t]*:(?=[ \t]|$)/;

function lineShape(text: string): LineShape | null {
  let i = 0;
  while (text[i] === ' ' || text[i] === '\t') i++;
  if (i === text.length || text[i] === '#') return null;
  const indent = columnOf(text, i);
  let dash: number | null = null;
  while (text[i] === '-' && (text[i + 1] === ' ' || text[i + 1] === '\t' || i + 1 === text.length)) {
    dash = columnOf(text, i);
    i++;
    while (text[i] === ' ' || text[i] === '\t') i++;
  }
  const m = LINE_KEY.exec(text.slice(i));
  if (m === null) return { indent, dash, key: null, closedValue: false };
  let name: string;
  if (m[1] !== undefined) {
    try {
      name = JSON.parse(`"${m[1]}"`) as string;
    } catch {
      name = m[1];
    }
  } else if (m[2] !== undefined) name = m[2].replaceAll("''", "'");
  else name = (m[3] as string).trimEnd();
  // The value after the colon, without a comment, anchors and tags.
  const value = text
    .slice(i + m[0].length)
    .replace(/^[ \t]+#.*$/, '')
    .replace(/^(?:[ \t]*(?:&|!)\S*)*/, '')
    .trim();
  // A value on the line leaves the key no children (a block scalar's lines below are text, not
  // keys), unless it is a flow collection left open: its entries go on below.
  const opens = (value.match(/[[{]/g) ?? []).length - (value.match(/[\]}]/g) ?? []).length;
  const closedValue = value !== '' && !(/^[[{]/.test(value) && opens > 0);
  return { indent, dash, key: { name, index: i, column: columnOf(text, i) }, closedValue };
}

/** A plainer word for the YAML library's messages that puzzle people most. */
function syntaxHint(e: YAMLError, movedToNextLine: boolean): string {
  switch (e.code) {
    case 'BLOCK_AS_IMPLICIT_KEY':
      if (e.message.startsWith('A block sequence'))
        return ': a list item ("- ") cannot stand among the keys of a map';
      return movedToNextLine
        ? ': this line is indented further than the key above it, which already has a value'
        : ': a value that contains ": " or ends in ":" must be quoted';
    case 'MISSING_CHAR':
    case 'MULTILINE_IMPLICIT_KEY':
      return e.message.startsWith('Implicit') ? ': a key is followed by ":" and a space, then its value' : '';
    default:
      return '';
  }
}

/** Where in the file a path points: at a map entry's key or at its value. */
export type Anchor = 'key' | 'value';

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

function isEmptyScalar(node: unknown): boolean {
  return isScalar(node) && node.value === null;
}

/**
 * One YAML file parsed with positions: turns YAML paths into line:column, and reports the YAML
 * library's own errors (syntax, duplicate keys) as problems.
 */
export class YamlSource {
  readonly doc: Document.Parsed;
  private readonly lines = new LineCounter();

  constructor(
    readonly file: string,
    private readonly text: string,
  ) {
    // merge: Go's yaml.v3 honours "<<" merge keys, so configs written for it may use them.
    // resolveKnownTags off: !!binary, !!set and the like would become Buffers and Sets, which
    // no field takes; left unresolved they are plain scalars and maps, checked like any other.
    this.doc = parseDocument(text, {
      lineCounter: this.lines,
      // The library's own check scans every earlier key for each new one, quadratic in a map's
      // size; a config with tens of thousands of backends would take minutes. Duplicates are
      // found below with a set per map instead.
      uniqueKeys: false,
      prettyErrors: false,
      merge: true,
      resolveKnownTags: false,
    });
  }

  /**
   * Duplicate keys, and the first syntax error: what follows a syntax error is mostly the
   * parser's confusion about it.
   */
  yamlProblems(): ConfigProblem[] {
    const out: ConfigProblem[] = [];
    const firstSyntax = this.doc.errors.find((e) => e.code !== 'DUPLICATE_KEY');
    if (firstSyntax) out.push(this.syntaxProblem(firstSyntax));
    for (const d of this.duplicateKeys()) {
      const path = this.pathAt(d.pos[0]);
      const message = `duplicate key ${quoted(String(path[path.length - 1] ?? ''))}: each key may appear once in a map`;
      out.push(this.problemAtOffset(d.pos[0], path, message));
    }
    return out.sort((a, b) => a.line - b.line || a.column - b.column);
  }

  /**
   * A syntax error, placed on the line where the mistake is and named by the key on that line. The
   * YAML library often reports an error where it noticed it: at the end of the file for an
   * unclosed quote, or on the line above a badly indented key that it took for the rest of a
   * value. The key's parents come from the indentation of the lines above, since the parse tree
   * around a syntax error is not to be trusted.
   */
  private syntaxProblem(e: YAMLError): ConfigProblem {
    const detail = (e.message.split('\n')[0] ?? '')
      .replace(/\s*at line \d+, column \d+.*$/, '')
      .slice(0, 200);
    let offset = e.pos[0];
    let atKey = false;
    if (e.code === 'MISSING_CHAR' && /quote/.test(e.message)) {
      // An unclosed quote is noticed where the file ends; the quote itself is the useful place.
      offset = this.startOf(this.nodeAt(this.pathAt(e.pos[0]))) ?? offset;
    } else if (e.code === 'BAD_INDENT' && /^Flow (map|sequence)/.test(e.message)) {
      offset = this.unclosedFlowStart(e.pos[0]) ?? offset;
    } else if (e.code === 'BAD_INDENT' || e.message.startsWith('A block sequence')) {
      atKey = true; // the key that does not line up with its neighbours, or follows a stray "- "
    } else if (e.code === 'BLOCK_AS_IMPLICIT_KEY' || e.code === 'MULTILINE_IMPLICIT_KEY') {
      // When what became a key spans two lines and starts after a key's colon, a value ran on
      // into the next line, which holds the key that should have stood on its own. When it starts
      // where a key belongs, that first line lacks its colon.
      const multi = this.doc.errors.find((x) => x.code === 'MULTILINE_IMPLICIT_KEY' && x.pos[0] === e.pos[0]);
      const [start, shape] = this.lineAt(this.lines.linePos(e.pos[0]).line);
      if (multi && shape?.key && e.pos[0] > start + shape.key.index) {
        offset = Math.max(multi.pos[0], multi.pos[1] - 1);
        atKey = this.lines.linePos(offset).line !== this.lines.linePos(e.pos[0]).line;
      }
    }
    const message = `YAML syntax error: ${detail}${syntaxHint(e, atKey)}`;
    const [start, shape] = this.lineAt(this.lines.linePos(offset).line);
    if (shape === null) return this.problemAtOffset(offset, this.pathAt(offset), message);
    const path = this.parentPath(this.lines.linePos(offset).line, shape.indent);
    if (shape.dash !== null) {
      // A list item: its index is the number of items of that list that start before it.
      const list = this.nodeAt(path);
      if (isSeq(list)) path.push(list.items.filter((it) => (this.startOf(it) ?? start) < start).length);
    }
    if (shape.key !== null) path.push(shape.key.name);
    return this.problemAtOffset(atKey && shape.key ? start + shape.key.index : offset, path, message);
  }

  /** The offset where a 1-based line starts, and its shape (null for a blank or comment line). */
  private lineAt(line: number): [number, LineShape | null] {
    const start = this.lines.lineStarts[line - 1] ?? 0;
    const end = this.lines.lineStarts[line] ?? this.text.length;
    return [start, lineShape(this.text.slice(start, end).replace(/\r?\n$/, ''))];
  }

  /** The path of the map or list item that a line indented to `indent` belongs to. */
  private parentPath(line: number, indent: number): PathSegment[] {
    let limit = indent;
    for (let l = line - 1; l >= 1 && limit > 0; l--) {
      const [start, shape] = this.lineAt(l);
      if (shape === null || shape.key === null) continue;
      const keyPath = (): PathSegment[] => this.pathAt(start + shape.key!.index);
      if (shape.key.column < limit) {
        if (!shape.closedValue) return keyPath();
        // A key with its value on its own line has no children: the line is its sibling.
        limit = shape.key.column;
      }
      if (shape.dash !== null && shape.dash < limit) return keyPath().slice(0, -1);
    }
    return [];
  }

  /** Where the flow collection (`{` or `[`) that the error at `offset` leaves open starts. */
  private unclosedFlowStart(offset: number): number | undefined {
    let found: number | undefined;
    visit(this.doc, (_key, node) => {
      if ((isMap(node) || isSeq(node)) && node.flow && node.range) {
        const [from, to] = node.range;
        if (from < offset && offset <= to && (found === undefined || from > found)) found = from;
      }
    });
    return found;
  }

  /** Keys that appear more than once in one map, at the position of each repeat. */
  private duplicateKeys(): Array<{ code: string; pos: [number, number]; message: string }> {
    const out: Array<{ code: string; pos: [number, number]; message: string }> = [];
    const walk = (node: unknown): void => {
      if (isMap(node)) {
        const seen = new Set<string>();
        for (const pair of node.items) {
          const k = keyText(pair.key);
          if (k !== '<<' && seen.has(k)) {
            const range = (pair.key as { range?: [number, number, number] } | null)?.range;
            if (range)
              out.push({ code: 'DUPLICATE_KEY', pos: [range[0], range[1]], message: 'duplicate key' });
          }
          seen.add(k);
          walk(pair.value);
        }
      } else if (isSeq(node)) {
        for (const item of node.items) walk(item);
      }
    };
    walk(this.doc.contents);
    return out;
  }

  /** The JavaScript value of the document (maps as objects, merge keys resolved). */
  value(): unknown {
    return this.doc.toJS({ maxAliasCount: 1000 });
  }

  problem(path: YamlPath, message: string, anchor: Anchor = 'value'): ConfigProblem {
    const { line, column } = this.locate(path, anchor);
    return { message, path: formatPath(path), line, column, file: this.file };
  }

  /**
   * The keys of the map at `path` in file order. Object.keys would put integer-like names first,
   * but the API lists things in the order of the file.
   */
  keyOrder(path: YamlPath, fallback: readonly string[]): string[] {
    const node = this.nodeAt(path);
    const wanted = new Set(fallback);
    const seen = new Set<string>();
    if (isMap(node)) {
      for (const pair of node.items) {
        const k = keyText(pair.key);
        if (k !== '<<' && wanted.has(k)) seen.add(k);
      }
    }
    for (const k of fallback) seen.add(k);
    return [...seen];
  }

  private nodeAt(path: YamlPath): unknown {
    let node: unknown = this.doc.contents;
    for (const seg of path) {
      if (isMap(node)) node = node.items.find((p) => keyText(p.key) === String(seg))?.value;
      else if (isSeq(node) && typeof seg === 'number') node = node.items[seg];
      else return undefined;
    }
    return node;
  }

  /**
   * The position of `path`. When the path leads to something that is not in the file (a missing
   * field, or a key that came in through a merge), the position is that of the deepest part that
   * is: the entry that should have contained it.
   */
  locate(path: YamlPath, anchor: Anchor): { line: number; column: number } {
    let node: unknown = this.doc.contents;
    let best = this.startOf(node) ?? 0;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i] as PathSegment;
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => keyText(p.key) === String(seg));
        if (!pair) break;
        const keyPos = this.startOf(pair.key) ?? best;
        const valuePos = isEmptyScalar(pair.value) ? undefined : this.startOf(pair.value);
        if (last) {
          best = anchor === 'key' ? keyPos : (valuePos ?? keyPos);
          break;
        }
        best = keyPos;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg];
        const pos = this.startOf(item);
        if (pos === undefined) break;
        best = pos;
        node = item;
      } else {
        break;
      }
    }
    const lp = this.lines.linePos(best);
    return { line: lp.line, column: lp.col };
  }

  private startOf(node: unknown): number | undefined {
    if (isPair(node)) return this.startOf(node.key);
    const range = (node as Node | null | undefined)?.range;
    return range ? range[0] : undefined;
  }

  private pathAt(offset: number): PathSegment[] {
    const path: PathSegment[] = [];
    let node: unknown = this.doc.contents;
    const within = (n: unknown, end: 1 | 2): boolean => {
      const r = (n as Node | null | undefined)?.range;
      return r != null && offset >= r[0] && offset <= r[end];
    };
    for (;;) {
      if (isMap(node)) {
        const pair = node.items.find((p) => within(p.key, 1) || within(p.value, 2));
        if (!pair) return path;
        path.push(keyText(pair.key));
        if (within(pair.key, 1)) return path;
        node = pair.value;
      } else if (isSeq(node)) {
        const i = node.items.findIndex((item) => within(item, 2));
        if (i < 0) return path;
        path.push(i);
        node = node.items[i];
      } else {
        return path;
      }
    }
  }

  private problemAtOffset(offset: number, path: YamlPath, message: string): ConfigProblem {
    const lp = this.lines.linePos(offset);
    return { message, path: formatPath(path), line: lp.line, column: lp.col, file: this.file };
  }
}
