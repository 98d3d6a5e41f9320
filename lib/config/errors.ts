/**
 * One thing wrong with a configuration file, and where.
 *
 * @public
 */
export interface ConfigProblem {
  /** What is wrong, in words an operator can act on. */
  readonly message: string;
  /** The YAML path, such as `maglev.frontends.web.pools[0].name`; empty for the file as a whole. */
  readonly path: string;
  /** 1-based line; 0 when the problem concerns the whole file (for example: it cannot be read). */
  readonly line: number;
  /** 1-based column; 0 together with line 0. */
  readonly column: number;
  /** The file name as it was given to the loader. */
  readonly file: string;
}

/**
 * Something the loader accepted but an operator should look at: a setting with no effect, or one
 * that works differently from what it suggests. Placed and formatted like a problem.
 *
 * @public
 */
export type ConfigWarning = ConfigProblem;

/**
 * `<file>:<line>:<col>: <path>: <message>`, leaving out what a problem does not have (no line and
 * column for a whole-file problem, no path for an empty one).
 *
 * @public
 */
export function formatProblem(p: ConfigProblem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.column}` : p.file;
  return p.path === '' ? `${where}: ${p.message}` : `${where}: ${p.path}: ${p.message}`;
}

/**
 * `warning: <file>:<line>:<col>: <path>: <message>`, as `maglevd --check` prints it.
 *
 * @public
 */
export function formatWarning(w: ConfigWarning): string {
  return `warning: ${formatProblem(w)}`;
}

/**
 * Text from the file, JSON-quoted and cut short: a problem names what it is about without
 * echoing a whole line of whatever the file holds.
 */
export function quoted(text: string, max = 60): string {
  const cut = [...text];
  return JSON.stringify(cut.length > max ? `${cut.slice(0, max).join('')}...` : text);
}

/**
 * A configuration that cannot be used. The message lists every problem, one per line; path, line
 * and column are those of the first. Thrown as one of its two subclasses, which tell the stage.
 *
 * @public
 */
export class ConfigError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code: string = 'CONFIG';
  /** The class name, `ConfigError` or that of the subclass. */
  override readonly name: string = 'ConfigError';
  /** The file, as given to the loader. */
  readonly file: string;
  /** YAML path of the first problem. */
  readonly path: string;
  /** Line of the first problem (1-based; 0 for a whole-file problem). */
  readonly line: number;
  /** Column of the first problem (1-based; 0 for a whole-file problem). */
  readonly column: number;
  /** Every problem found, in the order they are reported. */
  readonly problems: readonly ConfigProblem[];
  /** Warnings found before the loader gave up (semantic stage only), in file order. */
  readonly warnings: readonly ConfigWarning[];

  /**
   * Builds the error from its problems; the message formats them all with {@link formatProblem}.
   *
   * @throws TypeError for an empty list of problems
   */
  constructor(problems: readonly ConfigProblem[], warnings: readonly ConfigWarning[] = []) {
    if (problems.length === 0) throw new TypeError('a ConfigError needs at least one problem');
    super(problems.map(formatProblem).join('\n'));
    const first = problems[0] as ConfigProblem;
    this.file = first.file;
    this.path = first.path;
    this.line = first.line;
    this.column = first.column;
    this.problems = Object.freeze([...problems]);
    this.warnings = Object.freeze([...warnings]);
  }
}

/**
 * The file could not be read or is not a well-formed configuration: YAML syntax, duplicate or
 * unknown keys, wrong value types, durations that do not parse. `maglevd --check` exits 1.
 *
 * @public
 */
export class ConfigParseError extends ConfigError {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  override readonly code = 'CONFIG_PARSE' as const;
  /** Always `ConfigParseError`. */
  override readonly name = 'ConfigParseError';
}

/**
 * The file is well-formed but its content is inconsistent or not something VPP can do: unknown
 * references, values out of range, conflicting frontends. `maglevd --check` exits 2.
 *
 * @public
 */
export class ConfigSemanticError extends ConfigError {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  override readonly code = 'CONFIG_SEMANTIC' as const;
  /** Always `ConfigSemanticError`. */
  override readonly name = 'ConfigSemanticError';
}
