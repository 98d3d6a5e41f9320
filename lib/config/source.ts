import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { ConfigProblem } from './errors.js';

/** A step in a YAML path: a map key or a sequence index. */
export type PathSegment = string | number;
export type YamlPath = readonly PathSegment[];

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

/** `maglev.frontends.web.pools[0].backends.nginx0`; keys that need it are quoted: `["a.b"]`. */
export function formatPath(path: YamlPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
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
    text: string,
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
    const firstSyntax = this.doc.errors.find((e) => e.code !== 'DUPLICATE_KEY');
    const errors: Array<{ code: string; pos: [number, number]; message: string }> = firstSyntax
      ? [firstSyntax]
      : [];
    errors.push(...this.duplicateKeys());
    errors.sort((a, b) => a.pos[0] - b.pos[0]);
    return errors.map((e) => {
      const path = this.pathAt(e.pos[0]);
      const message =
        e.code === 'DUPLICATE_KEY'
          ? `duplicate key ${JSON.stringify(path[path.length - 1] ?? '')}: each key may appear once in a map`
          : `YAML syntax error: ${e.message.replace(/\s*at line \d+, column \d+.*$/s, '')}`;
      // An unclosed quote is noticed where the file ends; the quote itself is the useful place.
      const start = e.code === 'MISSING_CHAR' ? this.startOf(this.nodeAt(path)) : undefined;
      return this.problemAtOffset(start ?? e.pos[0], path, message);
    });
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
