import { readFile } from 'node:fs/promises';
import { ConfigParseError, type ConfigProblem, ConfigSemanticError, formatProblem } from './errors.js';
import { parseStage } from './parse.js';
import { YamlSource } from './source.js';
import type { Config } from './types.js';
import { validateStage } from './validate.js';

/**
 * The answer to "is this configuration usable?", in the shape of the gRPC CheckConfig and
 * ReloadConfig replies: at most one of the error strings is set, each listing every problem
 * of its stage, one per line.
 */
export interface CheckResult {
  /** The configuration can be used. */
  readonly ok: boolean;
  /** The parse-stage problems (`maglevd --check` exit 1), or "". */
  readonly parseError: string;
  /** The semantic-stage problems (`maglevd --check` exit 2), or "". */
  readonly semanticError: string;
}

export interface ConfigParseOptions {
  /** The name problems are reported under; default "<input>". */
  readonly filename?: string;
}

/**
 * Reads maglev.yaml into a frozen, typed {@link Config}, in two stages like the Go original:
 * structure (YAML syntax, keys, value types; a {@link ConfigParseError}), then meaning
 * (references, ranges, what VPP can do; a {@link ConfigSemanticError}). Each stage reports every
 * problem it finds, with file:line:column and the YAML path.
 */
export class ConfigLoader {
  /** Parses and validates YAML text. */
  parse(text: string, options: ConfigParseOptions = {}): Config {
    const src = new YamlSource(options.filename ?? '<input>', text);
    const parsed = parseStage(src);
    if (!parsed.ok) throw new ConfigParseError(parsed.problems);
    const validated = validateStage(src, parsed.raw, parsed.params);
    if (!validated.ok) throw new ConfigSemanticError(validated.problems);
    return validated.config;
  }

  /** Reads and parses a file. A file that cannot be read is a {@link ConfigParseError}. */
  async load(path: string, options: { signal?: AbortSignal } = {}): Promise<Config> {
    let text: string;
    try {
      text = await readFile(path, { encoding: 'utf8', signal: options.signal });
    } catch (e) {
      if (options.signal?.aborted) throw e;
      const reason = e instanceof Error ? e.message : String(e);
      const problem: ConfigProblem = {
        message: `cannot read the configuration file: ${reason}`,
        path: '',
        line: 0,
        column: 0,
        file: path,
      };
      throw new ConfigParseError([problem]);
    }
    return this.parse(text, { filename: path });
  }

  /** Loads a file and reports the outcome instead of throwing; other errors still throw. */
  async check(path: string, options: { signal?: AbortSignal } = {}): Promise<CheckResult> {
    try {
      await this.load(path, options);
      return { ok: true, parseError: '', semanticError: '' };
    } catch (e) {
      if (e instanceof ConfigParseError) {
        return { ok: false, parseError: e.problems.map(formatProblem).join('\n'), semanticError: '' };
      }
      if (e instanceof ConfigSemanticError) {
        return { ok: false, parseError: '', semanticError: e.problems.map(formatProblem).join('\n') };
      }
      throw e;
    }
  }
}
