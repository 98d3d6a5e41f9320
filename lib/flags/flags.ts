import { DurationParseError, formatDuration, parseDuration } from '../util/duration.js';

/**
 * One flag parser for every binary. Accepts `-flag v`, `--flag v`, `--flag=v`, `-flag=v`;
 * booleans as `--flag` or `--flag=true|false` (like Go's flag package a boolean never takes the
 * next argument as its value). Each flag may have environment variables; a flag given on the
 * command line beats the environment, which beats the default.
 *
 * Pure: argv and the environment are parameters, so library code never reads process state.
 */

/**
 * The type of a flag's value: a string, a boolean, a Go-style duration (parsed to
 * milliseconds), a whole number, or a list of strings (comma-separated and, when repeatable,
 * given several times).
 *
 * @beta
 */
export type FlagKind = 'string' | 'boolean' | 'duration' | 'int' | 'strings';

/**
 * The parsed value of a flag of kind `K`; durations are milliseconds.
 *
 * @beta
 */
export type FlagValue<K extends FlagKind> = K extends 'boolean'
  ? boolean
  : K extends 'duration' | 'int'
    ? number
    : K extends 'strings'
      ? readonly string[]
      : string;

/**
 * How one flag is parsed and described in --help.
 *
 * @beta
 */
export interface FlagSpec<K extends FlagKind = FlagKind> {
  /** The type of the value. */
  readonly kind: K;
  /** Environment variables, first match wins. */
  readonly env?: readonly string[];
  /** The value when neither the command line nor the environment gives one. */
  readonly default: FlagValue<K>;
  /** One line for --help, lower case, no final period. */
  readonly description: string;
  /** Placeholder for the value in --help, e.g. FILE or ADDR. */
  readonly valueName?: string;
  /** Allowed values for a string flag. */
  readonly choices?: readonly string[];
  /** For `strings`: may be given more than once; values are also split on commas. */
  readonly repeatable?: boolean;
  /** Shorter spellings, e.g. `h` for `help`. */
  readonly aliases?: readonly string[];
  /**
   * For a string flag: the value of the flag given alone (`--color` for `--color=always`). Such
   * a flag takes a value only after `=`, never from the next argument.
   */
  readonly bareValue?: string;
}

/**
 * A program's flags by name (the long name, without dashes), in --help order.
 *
 * @beta
 */
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/**
 * The parsed value of every flag of `S`, by name.
 *
 * @beta
 */
export type FlagValues<S extends FlagSpecs> = { -readonly [N in keyof S]: FlagValue<S[N]['kind']> };

/**
 * Where a flag's value came from: the command line, an environment variable, or the default.
 *
 * @beta
 */
export type FlagSource = 'flag' | 'env' | 'default';

/**
 * The result of {@link parseFlags}.
 *
 * @beta
 */
export interface ParsedFlags<S extends FlagSpecs> {
  /** Every flag's value, by name; each flag has one, from the default at least. */
  readonly values: FlagValues<S>;
  /** Where each flag's value came from, by name. */
  readonly sources: { readonly [N in keyof S]: FlagSource };
  /** Arguments after the flags (after the first non-flag argument or `--`). */
  readonly positionals: readonly string[];
}

/**
 * A bad command line or environment; binaries print it and exit 2. The message names the flag
 * (or environment variable) and what is wrong with it.
 *
 * @beta
 */
export class UsageError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'USAGE' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** The flag concerned, without dashes, when there is one. */
    readonly flag?: string,
  ) {
    super(message);
  }
}

/**
 * Options of {@link parseFlags}.
 *
 * @beta
 */
export interface ParseOptions {
  /** Allow arguments that are not flags (maglevc's command words). Default false. */
  readonly positionals?: boolean;
}

const TRUE_WORDS = new Set(['1', 't', 'true', 'yes', 'on', 'TRUE', 'True', 'T', 'YES', 'Yes', 'ON', 'On']);
const FALSE_WORDS = new Set([
  '0',
  'f',
  'false',
  'no',
  'off',
  'FALSE',
  'False',
  'F',
  'NO',
  'No',
  'OFF',
  'Off',
]);

function parseBool(text: string): boolean | undefined {
  if (TRUE_WORDS.has(text)) return true;
  if (FALSE_WORDS.has(text)) return false;
  return undefined;
}

function convert(name: string, spec: FlagSpec, raw: string, origin: string): FlagValue<FlagKind> {
  const bad = (why: string) =>
    new UsageError(`invalid value ${JSON.stringify(raw)} for ${origin}: ${why}`, name);
  switch (spec.kind) {
    case 'boolean': {
      const b = parseBool(raw);
      if (b === undefined) throw bad('expected true or false');
      return b;
    }
    case 'int': {
      if (!/^-?\d+$/.test(raw.trim())) throw bad('expected a whole number');
      return Number(raw);
    }
    case 'duration': {
      try {
        return parseDuration(raw);
      } catch (e) {
        throw bad(
          e instanceof DurationParseError ? e.message.replace(/^invalid duration "[^"]*": /, '') : String(e),
        );
      }
    }
    case 'strings':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
    default:
      if (spec.choices && !spec.choices.includes(raw))
        throw bad(`expected one of ${spec.choices.join(', ')}`);
      return raw;
  }
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDist = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  return bestDist <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/**
 * Levenshtein distance (insertions, deletions and substitutions, each costing 1), for
 * did-you-mean hints.
 *
 * @beta
 */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j] as number;
      prev[j] = Math.min(
        (prev[j] as number) + 1,
        (prev[j - 1] as number) + 1,
        diag + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      diag = tmp;
    }
  }
  return prev[b.length] as number;
}

/**
 * Parses argv (without node and script) and the environment against the specs. A flag given
 * on the command line beats its environment variable, which beats its default.
 *
 * @param env - The environment to read, e.g. `process.env`; only the variables named in the specs are read.
 * @throws {@link UsageError} for an unknown flag (with a did-you-mean hint), a missing or
 *   invalid value (from the command line or the environment), a non-repeatable flag given twice,
 *   or a positional argument when `options.positionals` is not set.
 * @beta
 */
export function parseFlags<S extends FlagSpecs>(
  specs: S,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  options: ParseOptions = {},
): ParsedFlags<S> {
  const byName = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) {
    byName.set(name, name);
    for (const a of spec.aliases ?? []) byName.set(a, name);
  }
  const values: Record<string, FlagValue<FlagKind>> = {};
  const sources: Record<string, FlagSource> = {};
  const positionals: string[] = [];

  const setFromFlag = (name: string, spec: FlagSpec, raw: string, shown: string) => {
    const v = convert(name, spec, raw, `flag ${shown}`);
    if (spec.kind === 'strings' && sources[name] === 'flag') {
      if (!spec.repeatable) throw new UsageError(`flag ${shown} given more than once`, name);
      values[name] = [...(values[name] as readonly string[]), ...(v as readonly string[])];
    } else {
      values[name] = v;
    }
    sources[name] = 'flag';
  };

  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      if (!options.positionals) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
      break;
    }
    const body = arg.startsWith('--') ? arg.slice(2) : arg.slice(1);
    const eq = body.indexOf('=');
    const key = eq >= 0 ? body.slice(0, eq) : body;
    const name = byName.get(key);
    if (name === undefined) {
      const hint = closest(key, [...byName.keys()]);
      throw new UsageError(
        `unknown flag -${key.length > 1 ? '-' : ''}${key}${hint ? ` (did you mean --${hint}?)` : ''}`,
        key,
      );
    }
    const spec = specs[name] as FlagSpec;
    const shown = `--${name}`;
    if (eq >= 0) {
      setFromFlag(name, spec, body.slice(eq + 1), shown);
    } else if (spec.kind === 'boolean') {
      values[name] = true;
      sources[name] = 'flag';
    } else if (spec.bareValue !== undefined) {
      setFromFlag(name, spec, spec.bareValue, shown);
    } else {
      const next = argv[i + 1];
      if (next === undefined) throw new UsageError(`flag ${shown} needs a value`, name);
      i++;
      setFromFlag(name, spec, next, shown);
    }
  }
  for (; i < argv.length; i++) positionals.push(argv[i] as string);

  for (const [name, spec] of Object.entries(specs)) {
    if (sources[name] === 'flag') continue;
    const envName = (spec.env ?? []).find((e) => env[e] !== undefined);
    if (envName !== undefined) {
      values[name] = convert(name, spec, env[envName] as string, `${envName} (--${name})`);
      sources[name] = 'env';
    } else {
      values[name] = spec.default;
      sources[name] = 'default';
    }
  }
  return {
    values: values as FlagValues<S>,
    sources: sources as { [N in keyof S]: FlagSource },
    positionals,
  };
}

/** The default as --help shows it; undefined when there is none worth showing (an empty list). */
function formatDefault(spec: FlagSpec): string | undefined {
  const d = spec.default;
  if (spec.kind === 'duration') return formatDuration(d as number);
  // An empty list has no spelling on the command line; "default " followed by nothing reads as
  // a rendering bug, so the clause is left out.
  if (spec.kind === 'strings') {
    const list = d as readonly string[];
    return list.length === 0 ? undefined : list.join(',');
  }
  if (typeof d === 'string') return d === '' ? '""' : d;
  return String(d);
}

/**
 * The text around the flag table of {@link formatHelp}.
 *
 * @beta
 */
export interface HelpOptions {
  /** The program's name. */
  readonly program: string;
  /** The synopsis after "Usage: ", e.g. "maglevd [flags]". */
  readonly usage: string;
  /** Paragraph between the usage line and the flags. */
  readonly summary?: string;
  /** Paragraph after the flags. */
  readonly footer?: string;
}

/**
 * The --help text: every flag with its value, environment variables and default.
 *
 * @returns Lines ending in a newline.
 * @beta
 */
export function formatHelp(specs: FlagSpecs, opts: HelpOptions): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const valueName =
      spec.valueName ?? (spec.kind === 'duration' ? 'DURATION' : spec.kind === 'int' ? 'N' : 'VALUE');
    const value =
      spec.kind === 'boolean'
        ? '[=BOOL]'
        : spec.bareValue !== undefined
          ? `[=${valueName}]`
          : ` ${valueName}`;
    const left = `  --${name}${value}`;
    const extras: string[] = [];
    if (spec.env && spec.env.length > 0) extras.push(`env ${spec.env.join(', ')}`);
    const shownDefault = formatDefault(spec);
    if (shownDefault !== undefined) extras.push(`default ${shownDefault}`);
    if (spec.choices) extras.push(`one of ${spec.choices.join(', ')}`);
    return {
      left,
      right: extras.length > 0 ? `${spec.description} (${extras.join('; ')})` : spec.description,
    };
  });
  const width = Math.min(36, Math.max(...rows.map((r) => r.left.length)) + 2);
  const lines = [`Usage: ${opts.usage}`, ''];
  if (opts.summary) lines.push(opts.summary, '');
  lines.push('Flags (also -flag, -flag=value, --flag=value):');
  for (const r of rows) {
    if (r.left.length + 2 > width) lines.push(r.left, `${' '.repeat(width)}${r.right}`);
    else lines.push(`${r.left.padEnd(width)}${r.right}`);
  }
  if (opts.footer) lines.push('', opts.footer);
  return `${lines.join('\n')}\n`;
}
