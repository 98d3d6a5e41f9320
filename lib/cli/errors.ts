import { status } from '@grpc/grpc-js';
import { MaglevCallError, MaglevUnreachableError } from '../api/client.js';
import type { Style } from './format.js';
import { CommandSyntaxError } from './walk.js';

const READ_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
};

/**
 * A local file maglevc could not read (`config diff FILE`).
 *
 * @internal
 */
export class ConfigFileReadError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'CONFIG_FILE_READ' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'ConfigFileReadError';
  constructor(
    /** The path as given on the command line. */
    readonly file: string,
    cause: unknown,
  ) {
    const code = (cause as NodeJS.ErrnoException).code ?? '';
    super(`cannot read ${file}: ${READ_ERRORS[code] ?? (cause as Error).message}`, { cause });
  }
}

/**
 * Error lines for the terminal, the same in the shell and in one-shot mode. A syntax error
 * points at the offending word with a caret under the line (`indent` is how far the line is
 * already shown to the right, e.g. the prompt); a failed call shows maglevd's message only.
 * A call that never reached maglevd, or a local file it could not read, is maglevc's own
 * diagnosis, not maglevd's words, so outside the interactive shell it carries the program's name
 * (`prefix`), as usage errors do. So does a call maglevd refused for this client's identity
 * (PERMISSION_DENIED): the line says what was refused and why, whatever maglevd's wording.
 * `tls: false` says the channel was plaintext, so a peer that hung up before gRPC started gets
 * the hint that it may want TLS.
 *
 * @internal
 */
export function describeError(
  err: unknown,
  style: Style,
  where: {
    readonly echoLine: boolean;
    readonly indent: number;
    readonly prefix?: string;
    readonly tls?: boolean;
  },
): string[] {
  if (err instanceof MaglevUnreachableError) {
    const lines = [style.error(`${where.prefix ?? ''}${err.message}`)];
    if (where.tls === false && /closed before the gRPC handshake/.test(err.reason))
      lines.push(`${where.prefix ?? ''}if maglevd serves TLS, give --tls-ca FILE (or --tls)`);
    return lines;
  }
  if (err instanceof ConfigFileReadError) return [style.error(`${where.prefix ?? ''}${err.message}`)];
  if (err instanceof MaglevCallError && err.code === status.PERMISSION_DENIED)
    return [
      style.error(
        `${where.prefix ?? ''}maglevd refused ${err.method}: ${err.details || 'permission denied'} (this client is read-only)`,
      ),
    ];
  if (err instanceof CommandSyntaxError) {
    const caret = `${' '.repeat(where.indent + err.column)}^`;
    return [
      ...(where.echoLine ? [`${' '.repeat(where.indent)}${err.line}`] : []),
      caret,
      style.error(err.message),
    ];
  }
  if (err instanceof MaglevCallError) return [style.error(err.message)];
  return [style.error(err instanceof Error ? err.message : String(err))];
}
