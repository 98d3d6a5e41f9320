/**
 * The generic command-tree walker behind maglevc: one tree of keywords and value slots drives
 * parsing, Tab completion, `?` help and the `help` listing, so the four can never disagree.
 *
 * Matching rules: a word matches a keyword when it is one of the keyword's spellings or a prefix
 * of one. An exact spelling wins over prefixes of other keywords; otherwise the prefix must be
 * unambiguous among the keywords allowed at that point. Spellings of one keyword never compete
 * with each other (`ba` is `backends`, though `backend` is a spelling too). A slot (a name or a
 * number) takes any word no keyword matched. Where a name may stand beside keywords (`show
 * frontends detail|<name>`), the keywords must be spelled out, so that a name which happens to
 * be a prefix of one (a frontend `d`) still reaches the slot.
 *
 * Pure: no I/O. Live names for slots are fetched by the shell.
 */

/**
 * What a value slot of the command tree holds: an object name of maglevd (Tab offers the
 * live names), a number, a log level or a local file.
 *
 * @internal
 */
export type SlotKind =
  | 'frontend'
  | 'backend'
  | 'pool'
  | 'healthcheck'
  | 'count'
  | 'weight'
  | 'level'
  | 'file';

/**
 * A value position of the command tree, such as the backend name in `show backend <name>`.
 *
 * @internal
 */
export interface Slot {
  /** What the value names; decides which live names Tab offers. */
  readonly kind: SlotKind;
  /** Key of the value in {@link ParsedCommand.args}. */
  readonly arg: string;
  /** How help shows it, e.g. `<name>`. */
  readonly label: string;
  /** A closed set of values, matched like keywords (unambiguous prefix). */
  readonly choices?: readonly string[];
  /** Only whole numbers (the range is the server's to check). */
  readonly numeric?: boolean;
}

/**
 * One node of a command tree: a keyword (with its spellings) or a value slot, what may follow
 * it, and the command that runs when the line ends there.
 *
 * @internal
 */
export interface CommandNode<C extends string = string> {
  /** Keyword spellings; the first is the one help and completion show. Absent for a slot. */
  readonly words?: readonly string[];
  /** The value this node takes, when it is a slot rather than a keyword. */
  readonly slot?: Slot;
  /** One line for `?` (and for `help`, unless `summary` is set). */
  readonly help: string;
  /** What `help` says of the command ending here, when `help` describes only this word. */
  readonly summary?: string;
  /** What may follow this word, in the order help lists it. */
  readonly children?: readonly CommandNode<C>[];
  /** Words that may follow in any order, each at most once (`watch events` filters). */
  readonly options?: readonly CommandNode<C>[];
  /** The command that runs when the input ends here. */
  readonly command?: C;
  /** Sets `args[flag] = 'true'` when this keyword is given. */
  readonly flag?: string;
}

/**
 * A command line the tree accepted.
 *
 * @internal
 */
export interface ParsedCommand<C extends string = string> {
  /** The command the line names. */
  readonly command: C;
  /** Slot values by {@link Slot.arg}, and `'true'` for each keyword flag given. */
  readonly args: Readonly<Record<string, string>>;
  /** The words as the tree spells them (slots keep the user's value). */
  readonly canonical: readonly string[];
}

/**
 * One word of a command line.
 *
 * @internal
 */
export interface Token {
  /** The word. */
  readonly text: string;
  /** Offset in the line. */
  readonly start: number;
}

/**
 * A word the tree does not accept; `column` is where it starts in `line`.
 *
 * @internal
 */
export class CommandSyntaxError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code: string = 'COMMAND_SYNTAX';
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name: string = 'CommandSyntaxError';
  constructor(
    message: string,
    /** The whole command line, for the caret display. */
    readonly line: string,
    /** Offset in `line` of the offending word (its end, for an incomplete line). */
    readonly column: number,
  ) {
    super(message);
  }
}

/**
 * A word that is neither a keyword allowed at that point nor a value for a slot there.
 *
 * @internal
 */
export class UnknownWordError extends CommandSyntaxError {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  override readonly code = 'UNKNOWN_WORD' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'UnknownWordError';
  constructor(
    line: string,
    column: number,
    /** The word as typed. */
    readonly word: string,
    /** What the tree accepts there, as help labels; empty when the command was already complete. */
    readonly expected: readonly string[],
  ) {
    super(
      expected.length === 0
        ? `unexpected word "${word}": the command is complete without it`
        : `unknown word "${word}"; expected ${oneOf(expected)}`,
      line,
      column,
    );
  }
}

/**
 * A word that is a prefix of more than one keyword allowed at that point.
 *
 * @internal
 */
export class AmbiguousWordError extends CommandSyntaxError {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  override readonly code = 'AMBIGUOUS_WORD' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'AmbiguousWordError';
  constructor(
    line: string,
    column: number,
    /** The word as typed. */
    readonly word: string,
    /** The keywords (or choices) it is a prefix of. */
    readonly candidates: readonly string[],
  ) {
    super(`ambiguous word "${word}": could be ${candidates.join(', ')}`, line, column);
  }
}

/**
 * A line that ends before a command does (or is empty).
 *
 * @internal
 */
export class IncompleteCommandError extends CommandSyntaxError {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  override readonly code = 'INCOMPLETE_COMMAND' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'IncompleteCommandError';
  constructor(
    line: string,
    column: number,
    /** What may come next, as help labels. */
    readonly expected: readonly string[],
  ) {
    super(
      line.trim() === ''
        ? `empty command; expected ${oneOf(expected)}`
        : `incomplete command; expected ${oneOf(expected)}`,
      line,
      column,
    );
  }
}

/**
 * A value a slot refuses: not a whole number, or not one of its choices.
 *
 * @internal
 */
export class InvalidValueError extends CommandSyntaxError {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  override readonly code = 'INVALID_VALUE' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'InvalidValueError';
  constructor(
    line: string,
    column: number,
    /** The value as typed. */
    readonly word: string,
    /** The slot's help label, such as `<weight>`. */
    readonly label: string,
    /** Why the value is refused; it ends the message. */
    reason: string,
  ) {
    super(`invalid ${label} "${word}": ${reason}`, line, column);
  }
}

function oneOf(items: readonly string[]): string {
  if (items.length === 1) return items[0] as string;
  return `one of: ${items.join(', ')}`;
}

/**
 * Splits a line on whitespace, keeping where each word starts.
 *
 * @internal
 */
export function tokenize(line: string): Token[] {
  const out: Token[] = [];
  const re = /\S+/g;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) out.push({ text: m[0], start: m.index });
  return out;
}

/** Where the walk stands: the node reached, and the option set it may return to. */
interface Position<C extends string> {
  readonly node: CommandNode<C>;
  readonly host?: { readonly node: CommandNode<C>; readonly used: ReadonlySet<CommandNode<C>> };
}

/** What may follow at a position, keywords and slots alike. */
function candidatesAt<C extends string>(pos: Position<C>): CommandNode<C>[] {
  const out = [...(pos.node.children ?? [])];
  // An option host offers its options; so does any complete point inside an option.
  if (pos.host && pos.node.command !== undefined) {
    for (const o of pos.host.node.options ?? []) if (!pos.host.used.has(o)) out.push(o);
  }
  return out;
}

function step<C extends string>(pos: Position<C>, next: CommandNode<C>): Position<C> {
  if (next.options) return { node: next, host: { node: next, used: new Set() } };
  if (pos.host?.node.options?.includes(next)) {
    return { node: next, host: { node: pos.host.node, used: new Set([...pos.host.used, next]) } };
  }
  return pos.host ? { node: next, host: pos.host } : { node: next };
}

/**
 * The label a node has in help and error messages.
 *
 * @internal
 */
export function nodeLabel(n: CommandNode): string {
  return n.words?.[0] ?? n.slot?.label ?? '?';
}

type Match<C extends string> =
  | { readonly kind: 'node'; readonly node: CommandNode<C>; readonly value: string }
  | { readonly kind: 'ambiguous'; readonly candidates: readonly string[] }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'invalid'; readonly label: string; readonly reason: string };

function matchWord<C extends string>(cands: readonly CommandNode<C>[], word: string): Match<C> {
  const keywords = cands.filter((c) => c.words);
  const exact = keywords.find((c) => c.words?.includes(word));
  if (exact) return { kind: 'node', node: exact, value: exact.words?.[0] as string };
  const nameSlot = cands.some((c) => c.slot && !c.slot.choices && !c.slot.numeric);
  const prefixed = nameSlot ? [] : keywords.filter((c) => c.words?.some((w) => w.startsWith(word)));
  if (prefixed.length === 1) {
    const node = prefixed[0] as CommandNode<C>;
    return { kind: 'node', node, value: node.words?.[0] as string };
  }
  if (prefixed.length > 1) return { kind: 'ambiguous', candidates: prefixed.map(nodeLabel) };
  const slotNode = cands.find((c) => c.slot);
  const slot = slotNode?.slot;
  if (!slotNode || !slot) return { kind: 'unknown' };
  if (slot.numeric && !/^\d+$/.test(word)) {
    return { kind: 'invalid', label: slot.label, reason: 'expected a whole number' };
  }
  if (slot.choices) {
    if (slot.choices.includes(word)) return { kind: 'node', node: slotNode, value: word };
    const hits = slot.choices.filter((c) => c.startsWith(word));
    if (hits.length === 1) return { kind: 'node', node: slotNode, value: hits[0] as string };
    if (hits.length > 1) return { kind: 'ambiguous', candidates: hits };
    return { kind: 'invalid', label: slot.label, reason: `expected ${oneOf(slot.choices)}` };
  }
  return { kind: 'node', node: slotNode, value: word };
}

interface WalkResult<C extends string> {
  readonly pos: Position<C>;
  readonly args: Record<string, string>;
  readonly canonical: string[];
}

function walk<C extends string>(root: CommandNode<C>, line: string, tokens: readonly Token[]): WalkResult<C> {
  let pos: Position<C> = { node: root };
  const args: Record<string, string> = {};
  const canonical: string[] = [];
  for (const tok of tokens) {
    const cands = candidatesAt(pos);
    const m = matchWord(cands, tok.text);
    switch (m.kind) {
      case 'unknown':
        throw new UnknownWordError(line, tok.start, tok.text, cands.map(nodeLabel));
      case 'ambiguous':
        throw new AmbiguousWordError(line, tok.start, tok.text, m.candidates);
      case 'invalid':
        throw new InvalidValueError(line, tok.start, tok.text, m.label, m.reason);
      case 'node':
        if (m.node.slot) args[m.node.slot.arg] = m.value;
        if (m.node.flag) args[m.node.flag] = 'true';
        canonical.push(m.value);
        pos = step(pos, m.node);
    }
  }
  return { pos, args, canonical };
}

/**
 * A root node holding the top-level commands.
 *
 * @internal
 */
export function rootOf<C extends string>(tree: readonly CommandNode<C>[]): CommandNode<C> {
  return { help: '', children: tree };
}

/**
 * Parses a whole command line; throws a {@link CommandSyntaxError} naming the bad word.
 *
 * @internal
 */
export function parseCommand<C extends string>(
  tree: readonly CommandNode<C>[],
  line: string,
): ParsedCommand<C> {
  const tokens = tokenize(line);
  const { pos, args, canonical } = walk(rootOf(tree), line, tokens);
  const command = pos.node.command;
  if (command === undefined) {
    throw new IncompleteCommandError(line, line.trimEnd().length, candidatesAt(pos).map(nodeLabel));
  }
  return { command, args, canonical };
}

/**
 * The word under the cursor and what could complete it.
 *
 * @internal
 */
export interface CompletionRequest {
  /** Offset in the line where the word being completed starts. */
  readonly start: number;
  /** The part of the word already typed; '' after a space. */
  readonly partial: string;
  /** Keywords (and closed-set slot values) that start with `partial`. */
  readonly words: readonly string[];
  /** A name slot open at this point: the shell fetches live names of this kind. */
  readonly slot?: Slot;
  /** Values given so far, e.g. the frontend whose pools to list. */
  readonly args: Readonly<Record<string, string>>;
}

function splitPartial(line: string): { done: Token[]; partial: string; start: number } {
  const tokens = tokenize(line);
  const endsInSpace = line === '' || /\s$/.test(line);
  if (endsInSpace || tokens.length === 0) return { done: tokens, partial: '', start: line.length };
  const last = tokens[tokens.length - 1] as Token;
  return { done: tokens.slice(0, -1), partial: last.text, start: last.start };
}

/**
 * What Tab can offer for the text left of the cursor; undefined when the words before it do not
 * parse (there is nothing sensible to complete).
 *
 * @internal
 */
export function completionAt<C extends string>(
  tree: readonly CommandNode<C>[],
  line: string,
): CompletionRequest | undefined {
  const { done, partial, start } = splitPartial(line);
  let res: WalkResult<C>;
  try {
    res = walk(rootOf(tree), line, done);
  } catch (e) {
    if (e instanceof CommandSyntaxError) return undefined;
    throw e;
  }
  const words: string[] = [];
  let slot: Slot | undefined;
  for (const c of candidatesAt(res.pos)) {
    if (c.words) {
      const shown = c.words.find((w) => w.startsWith(partial));
      if (shown !== undefined) words.push(c.words[0]?.startsWith(partial) ? (c.words[0] as string) : shown);
    } else if (c.slot?.choices) {
      words.push(...c.slot.choices.filter((v) => v.startsWith(partial)));
    } else if (c.slot && !c.slot.numeric) {
      slot = c.slot;
    }
  }
  return slot ? { start, partial, words, slot, args: res.args } : { start, partial, words, args: res.args };
}

/**
 * The nodes that may follow a line of complete words (throws if they do not parse).
 *
 * @internal
 */
export function candidatesAfter<C extends string>(
  tree: readonly CommandNode<C>[],
  line: string,
): CommandNode<C>[] {
  return candidatesAt(walk(rootOf(tree), line, tokenize(line)).pos);
}

/**
 * One line of `?` help: a continuation and what it does.
 *
 * @internal
 */
export interface HelpEntry {
  /** A keyword, a slot label such as `<name>`, or `<cr>` when the command may end here. */
  readonly label: string;
  /** Its one-line help. */
  readonly help: string;
}

/**
 * The continuations `?` lists for the text left of the cursor: everything that may come next,
 * narrowed to what starts with a partly typed word. Throws when the words before do not parse,
 * so `?` can point at the bad one.
 *
 * @internal
 */
export function helpAt<C extends string>(tree: readonly CommandNode<C>[], line: string): HelpEntry[] {
  const { done, partial } = splitPartial(line);
  const { pos } = walk(rootOf(tree), line, done);
  const out: HelpEntry[] = [];
  for (const c of candidatesAt(pos)) {
    if (c.words) {
      if (partial === '' || c.words.some((w) => w.startsWith(partial)))
        out.push({ label: nodeLabel(c), help: c.help });
    } else if (c.slot) {
      const slot = c.slot;
      const fits =
        partial === '' ||
        (slot.numeric
          ? /^\d+$/.test(partial)
          : !slot.choices || slot.choices.some((v) => v.startsWith(partial)));
      if (fits) out.push({ label: slot.label, help: c.help });
    }
  }
  if (partial === '' && pos.node.command !== undefined) {
    out.push({ label: '<cr>', help: 'run the command' });
  }
  return out;
}

/**
 * A point where a command may end, with the nodes leading there.
 *
 * @internal
 */
export interface CommandPath<C extends string = string> {
  readonly command: C;
  /** The nodes from the top, one per word. */
  readonly nodes: readonly CommandNode<C>[];
  /** `show backends <name>`; for commands with options, the options follow in brackets. */
  readonly syntax: string;
  readonly help: string;
}

function optionSyntax(n: CommandNode): string {
  const kids = n.children ?? [];
  const inner = kids.map(optionSyntax).join('|');
  const head = nodeLabel(n);
  if (kids.length === 0) return head;
  return n.command !== undefined ? `${head} [${inner}]` : `${head} ${inner}`;
}

/**
 * Every point where a command may end, options included, in tree order: what tests walk.
 *
 * @internal
 */
export function commandPaths<C extends string>(tree: readonly CommandNode<C>[]): CommandPath<C>[] {
  const out: CommandPath<C>[] = [];
  const visit = (n: CommandNode<C>, trail: readonly CommandNode<C>[]) => {
    const nodes = [...trail, n];
    if (n.command !== undefined) {
      const opts = (n.options ?? []).map((o) => `[${optionSyntax(o)}]`);
      out.push({
        command: n.command,
        nodes,
        syntax: [...nodes.map(nodeLabel), ...opts].join(' '),
        help: n.help,
      });
    }
    for (const c of n.children ?? []) visit(c, nodes);
    // An option's own endpoints (`watch events log level <level>`) are paths too.
    for (const o of n.options ?? []) visit(o, nodes);
  };
  for (const n of tree) visit(n, []);
  return out;
}

/**
 * One line of the `help` listing.
 *
 * @internal
 */
export interface CommandSummary {
  /** `show backends [<name>]`: optional trailing words in brackets. */
  readonly syntax: string;
  /** The command's one-line help. */
  readonly help: string;
}

/**
 * The `help` listing: one line per command, with optional trailing words folded into the line
 * of the command they extend (`show backends [<name>]`).
 *
 * @internal
 */
export function commandSummaries<C extends string>(tree: readonly CommandNode<C>[]): CommandSummary[] {
  const out: CommandSummary[] = [];
  const suffix = (n: CommandNode<C>): string =>
    (n.children ?? [])
      .filter((c) => c.command !== undefined && c.command === n.command)
      .map((c) => ` [${nodeLabel(c)}${suffix(c)}]`)
      .join('');
  const visit = (n: CommandNode<C>, trail: readonly string[], parentCommand: C | undefined) => {
    const words = [...trail, nodeLabel(n)];
    const folded = n.command !== undefined && n.command === parentCommand;
    if (n.command !== undefined && !folded) {
      const opts = (n.options ?? []).map((o) => ` [${optionSyntax(o)}]`).join('');
      out.push({ syntax: `${words.join(' ')}${suffix(n)}${opts}`, help: n.summary ?? n.help });
    }
    for (const c of n.children ?? []) visit(c, words, folded ? parentCommand : n.command);
  };
  for (const n of tree) visit(n, [], undefined);
  return out;
}

/**
 * Checks a tree's own consistency: no keyword clashes and no unreachable commands.
 *
 * @internal
 */
export function validateTree<C extends string>(tree: readonly CommandNode<C>[]): string[] {
  const problems: string[] = [];
  const check = (siblings: readonly CommandNode<C>[], where: string) => {
    const seen = new Map<string, string>();
    let slots = 0;
    for (const s of siblings) {
      if (!s.words === !s.slot) problems.push(`${where}: a node must be a keyword or a slot`);
      if (s.slot) slots++;
      for (const w of s.words ?? []) {
        const prev = seen.get(w);
        if (prev !== undefined)
          problems.push(`${where}: "${w}" is spelled by both ${prev} and ${nodeLabel(s)}`);
        seen.set(w, nodeLabel(s));
      }
      if (s.help.trim() === '') problems.push(`${where} ${nodeLabel(s)}: no help text`);
      check([...(s.children ?? []), ...(s.options ?? [])], `${where} ${nodeLabel(s)}`.trim());
      if (!s.command && (s.children ?? []).length === 0) problems.push(`${where} ${nodeLabel(s)}: dead end`);
    }
    if (slots > 1) problems.push(`${where}: more than one slot`);
  };
  check(tree, '');
  return problems;
}
