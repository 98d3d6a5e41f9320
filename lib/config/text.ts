import { isUtf8 } from 'node:buffer';
import type { ConfigProblem } from './errors.js';

/**
 * Before any YAML parsing: is this plausibly a configuration file at all? A wrong path (a log, a
 * tarball, /dev/zero, a compressed copy of the config) should get a short answer naming the file
 * and what it is, not a YAML error quoting binary noise, nor minutes spent reading gigabytes.
 */

/** The largest configuration file the loader reads: 16 MiB, far above any real maglev.yaml. */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

export type TextCheck =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly problem: ConfigProblem };

function fileProblem(file: string, message: string, line = 0, column = 0): ConfigProblem {
  return { message, path: '', line, column, file };
}

export function tooLargeProblem(file: string, size: number | null): ConfigProblem {
  const what = size === null ? 'more than 16 MiB long' : `${size} bytes long`;
  return fileProblem(
    file,
    `the file is ${what}; a configuration file may have at most 16 MiB (${MAX_CONFIG_BYTES} bytes): is this the right file?`,
  );
}

/** Formats that a config file path sometimes points at by mistake, by their first bytes. */
function knownBinaryFormat(b: Uint8Array): string | null {
  const starts = (...bytes: number[]) => bytes.every((x, i) => b[i] === x);
  if (starts(0x1f, 0x8b)) return 'gzip-compressed data, not YAML text: decompress it first';
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00))
    return 'xz-compressed data, not YAML text: decompress it first';
  if (starts(0x28, 0xb5, 0x2f, 0xfd)) return 'zstd-compressed data, not YAML text: decompress it first';
  // "BZh", a block size digit, then the block magic: plain letters alone could start a YAML file.
  const digit = b[3] ?? 0;
  if (starts(0x42, 0x5a, 0x68) && digit >= 0x31 && digit <= 0x39 && b[4] === 0x31 && b[5] === 0x41) {
    return 'bzip2-compressed data, not YAML text: decompress it first';
  }
  if (starts(0x50, 0x4b, 0x03, 0x04)) return 'a zip archive, not YAML text';
  if (starts(0x7f, 0x45, 0x4c, 0x46)) return 'an ELF executable, not YAML text';
  return null;
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence, or -1. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (n === 0 || i + n >= b.length) return i;
    for (let k = 1; k <= n; k++) if (((b[i + k] as number) & 0xc0) !== 0x80) return i;
    const c1 = b[i + 1] as number;
    // Overlong forms, UTF-16 surrogates and code points above U+10FFFF.
    if ((c === 0xe0 && c1 < 0xa0) || (c === 0xed && c1 > 0x9f)) return i;
    if ((c === 0xf0 && c1 < 0x90) || (c === 0xf4 && c1 > 0x8f)) return i;
    i += n + 1;
  }
  return -1;
}

/** 1-based line and column (in characters) of a UTF-16 offset into text. */
function positionIn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: [...text.slice(lineStart, offset)].length + 1 };
}

function hex(n: number, width: number): string {
  return n.toString(16).toUpperCase().padStart(width, '0');
}

// What YAML calls non-printable (YAML 1.2 §5.1), which Go's yaml.v3 refuses too: C0 controls
// other than tab, line feed and carriage return; DEL; C1 controls other than NEL; U+FFFE and
// U+FFFF; and UTF-16 surrogates that are not part of a pair (only possible in a string handed in).
const NON_PRINTABLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Checks text (already decoded) for size and for characters YAML does not allow. */
export function checkText(file: string, text: string): TextCheck {
  // Cheap first: the length in UTF-16 units is at least a third of the UTF-8 size.
  if (text.length * 3 > MAX_CONFIG_BYTES) {
    const size = Buffer.byteLength(text, 'utf8');
    if (size > MAX_CONFIG_BYTES) return { ok: false, problem: tooLargeProblem(file, size) };
  }
  const m = NON_PRINTABLE.exec(text);
  if (m === null) return { ok: true, text };
  const { line, column } = positionIn(text, m.index);
  const code = m[0].codePointAt(0) as number;
  const message =
    code === 0
      ? 'the file contains a NUL byte: it is binary data, not YAML text'
      : `the file contains the control character U+${hex(code, 4)}: YAML text may hold tabs, line feeds and carriage returns, but no other control characters`;
  return { ok: false, problem: fileProblem(file, message, line, column) };
}

/**
 * Decodes a file's bytes as Go's yaml.v3 does (UTF-8, or UTF-16 with a byte order mark), then
 * checks the text. Binary data is named for what it is, without quoting it.
 */
export function decodeConfig(file: string, bytes: Uint8Array): TextCheck {
  if (bytes.length > MAX_CONFIG_BYTES) return { ok: false, problem: tooLargeProblem(file, bytes.length) };
  const format = knownBinaryFormat(bytes);
  if (format !== null) return { ok: false, problem: fileProblem(file, `the file is ${format}`) };
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = bytes[0] === 0xff && bytes[1] === 0xfe;
  const be = bytes[0] === 0xfe && bytes[1] === 0xff;
  if (le || be) {
    const body = Buffer.from(buf.subarray(2)); // a copy: swap16 works in place
    try {
      if (body.length % 2 !== 0) throw new RangeError('odd length');
      if (be) body.swap16();
      return checkText(file, new TextDecoder('utf-16le', { fatal: true }).decode(body));
    } catch {
      const message = 'the file starts with a UTF-16 byte order mark but is not valid UTF-16 text';
      return { ok: false, problem: fileProblem(file, message) };
    }
  }
  if (isUtf8(buf)) return checkText(file, buf.toString('utf8'));
  const bad = firstInvalidUtf8(bytes);
  const before = buf.subarray(0, bad).toString('utf8');
  // Whatever comes first in the file is reported: a NUL or control character before the bad byte.
  const earlier = checkText(file, before);
  if (!earlier.ok) return earlier;
  const { line, column } = positionIn(before, before.length);
  return {
    ok: false,
    problem: fileProblem(
      file,
      `the file is not UTF-8 text: byte 0x${hex(bytes[bad] as number, 2)} does not begin a valid UTF-8 sequence`,
      line,
      column,
    ),
  };
}
