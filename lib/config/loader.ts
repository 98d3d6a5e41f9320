import { open } from 'node:fs/promises';
import {
  ConfigParseError,
  type ConfigProblem,
  ConfigSemanticError,
  type ConfigWarning,
  formatProblem,
} from './errors.js';
import { parseStage } from './parse.js';
import { YamlSource } from './source.js';
import { checkText, decodeConfig, MAX_CONFIG_BYTES, tooLargeProblem } from './text.js';
import type { CheckedConfig } from './types.js';
import { validateStage } from './validate.js';

/**
 * The answer to "is this configuration usable?", in the shape of the gRPC CheckConfig and
 * ReloadConfig replies: at most one of the error strings is set, each listing every problem
 * of its stage, one per line.
 *
 * @public
 */
export interface CheckResult {
  /** The configuration can be used. */
  readonly ok: boolean;
  /** The parse-stage problems (`maglevd --check` exit 1), or "". */
  readonly parseError: string;
  /** The semantic-stage problems (`maglevd --check` exit 2), or "". */
  readonly semanticError: string;
  /**
   * What the file does that works but deserves a look, in file order; found by the semantic stage,
   * so empty after a parse error. Not part of the gRPC replies, which have no field for them.
   */
  readonly warnings: readonly ConfigWarning[];
}

/**
 * Options of {@link ConfigLoader.parse}.
 *
 * @public
 */
export interface ConfigParseOptions {
  /** The name problems are reported under; default "<input>". */
  readonly filename?: string;
}

/**
 * Reads maglev.yaml into a frozen, typed {@link Config}, in two stages like the Go original:
 * structure (YAML syntax, keys, value types; a {@link ConfigParseError}), then meaning
 * (references, ranges, what VPP can do; a {@link ConfigSemanticError}). Each stage reports every
 * problem it finds, with file:line:column and the YAML path. The semantic stage also finds
 * warnings, which do not stop loading: the result carries them ({@link CheckedConfig}).
 * A loader holds no state: one instance may serve any number of loads, also concurrently.
 *
 * @public
 */
export class ConfigLoader {
  /**
   * Parses and validates YAML text. Text over 16 MiB or holding control characters (binary data)
   * is a parse error that does not quote it.
   *
   * @throws {@link ConfigParseError} for text that is not a well-formed configuration;
   *   {@link ConfigSemanticError} for one whose content cannot be used
   */
  parse(text: string, options: ConfigParseOptions = {}): CheckedConfig {
    const file = options.filename ?? '<input>';
    const checked = checkText(file, text);
    if (!checked.ok) throw new ConfigParseError([checked.problem]);
    return this.#parseChecked(file, text);
  }

  #parseChecked(file: string, text: string): CheckedConfig {
    const src = new YamlSource(file, text);
    const parsed = parseStage(src);
    if (!parsed.ok) throw new ConfigParseError(parsed.problems);
    const validated = validateStage(src, parsed.raw, parsed.params);
    if (!validated.ok) throw new ConfigSemanticError(validated.problems, validated.warnings);
    return validated.config;
  }

  /**
   * Reads and parses a file. A file that cannot be read, is larger than 16 MiB, or is not text
   * (binary, compressed, not UTF-8 or UTF-16) is a {@link ConfigParseError} naming it.
   *
   * @param options - `signal`: aborting rejects with the signal's reason
   * @throws {@link ConfigParseError}, {@link ConfigSemanticError} as {@link ConfigLoader.parse}
   */
  async load(path: string, options: { signal?: AbortSignal } = {}): Promise<CheckedConfig> {
    let bytes: Uint8Array;
    try {
      bytes = await readAtMost(path, MAX_CONFIG_BYTES, options.signal);
    } catch (e) {
      if (options.signal?.aborted || e instanceof ConfigParseError) throw e;
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
    const decoded = decodeConfig(path, bytes);
    if (!decoded.ok) throw new ConfigParseError([decoded.problem]);
    return this.#parseChecked(path, decoded.text);
  }

  /**
   * Loads a file and reports the outcome instead of throwing a ConfigError; other errors (an
   * abort) still throw.
   *
   * @param options - `signal`: aborting rejects with the signal's reason
   */
  async check(path: string, options: { signal?: AbortSignal } = {}): Promise<CheckResult> {
    try {
      const config = await this.load(path, options);
      return { ok: true, parseError: '', semanticError: '', warnings: config.warnings };
    } catch (e) {
      if (e instanceof ConfigParseError) {
        const parseError = e.problems.map(formatProblem).join('\n');
        return { ok: false, parseError, semanticError: '', warnings: e.warnings };
      }
      if (e instanceof ConfigSemanticError) {
        const semanticError = e.problems.map(formatProblem).join('\n');
        return { ok: false, parseError: '', semanticError, warnings: e.warnings };
      }
      throw e;
    }
  }
}

/**
 * The file's bytes, or a "too large" parse error once more than `limit` bytes turn up. Reads in
 * chunks rather than trusting the size: /dev/zero, a pipe or a growing log has none.
 */
async function readAtMost(path: string, limit: number, signal?: AbortSignal): Promise<Uint8Array> {
  signal?.throwIfAborted();
  const fh = await open(path, 'r');
  try {
    const stat = await fh.stat();
    if (stat.isFile() && stat.size > limit) throw new ConfigParseError([tooLargeProblem(path, stat.size)]);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      signal?.throwIfAborted();
      // A regular file is read in one go; anything else 64 KiB at a time.
      const chunk = Buffer.allocUnsafe(Math.min(Math.max(65_536, stat.size + 1 - total), limit + 1 - total));
      const { bytesRead } = await fh.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      // A regular file that was small when stat-ed has grown since: its size is unknown.
      if (total > limit)
        throw new ConfigParseError([tooLargeProblem(path, stat.size > limit ? stat.size : null)]);
    }
    return Buffer.concat(chunks, total);
  } finally {
    await fh.close();
  }
}
