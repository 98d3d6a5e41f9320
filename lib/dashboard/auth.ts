import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

/**
 * The credentials of the admin surface (HTTP basic auth).
 *
 * @internal
 */
export interface AdminCredentials {
  /** The user name; not empty, no ":". */
  readonly user: string;
  /** The password; not empty. */
  readonly password: string;
}

/**
 * user and password of an `Authorization: Basic …` header; null when absent or malformed.
 *
 * @internal
 */
export function parseBasicAuth(header: string | undefined): AdminCredentials | null {
  if (!header) return null;
  const m = /^Basic[ \t]+([A-Za-z0-9+/=._~-]+)[ \t]*$/i.exec(header);
  if (!m) return null;
  const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/**
 * Checks HTTP basic credentials in constant time: both sides are hashed to equal length and
 * compared with timingSafeEqual, user and password always both, so neither the length nor the
 * first differing byte of either leaks through timing. Holds only the digests.
 *
 * @internal
 */
export class BasicAuthChecker {
  readonly #user: Buffer;
  readonly #password: Buffer;

  constructor(creds: AdminCredentials) {
    if (creds.user === '' || creds.password === '')
      throw new Error('admin user and password must not be empty');
    if (creds.user.includes(':')) throw new Error('admin user must not contain ":" (HTTP basic auth)');
    this.#user = digest(creds.user);
    this.#password = digest(creds.password);
  }

  /** Whether the Authorization header carries the right user and password. */
  check(header: string | undefined): boolean {
    const got = parseBasicAuth(header);
    const user = digest(got?.user ?? '');
    const password = digest(got?.password ?? '');
    const userOk = timingSafeEqual(user, this.#user);
    const passwordOk = timingSafeEqual(password, this.#password);
    return got !== null && userOk && passwordOk;
  }
}

/**
 * An admin password hashed with scrypt, as `maglevd-frontend --hash-password` prints it:
 * `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash>`, salt and hash in base64.
 *
 * @internal
 */
export interface PasswordHash {
  /** log2 of scrypt's cost N. */
  readonly ln: number;
  /** scrypt's block size. */
  readonly r: number;
  /** scrypt's parallelism. */
  readonly p: number;
  readonly salt: Buffer;
  /** The derived key; its length is the key length asked of scrypt. */
  readonly hash: Buffer;
}

/**
 * A password hash line, or a password file, that cannot be used; the message says what is
 * wrong and where.
 *
 * @internal
 */
export class PasswordHashError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'PASSWORD_HASH' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'PasswordHashError';
}

/**
 * The scrypt cost of new hashes: N = 2^15, r = 8, p = 1 (about 32 MiB and a few tens of
 * milliseconds per check: OWASP's recommended minimum), a 16-byte salt and a 32-byte hash.
 *
 * @internal
 */
export const DEFAULT_SCRYPT = Object.freeze({ ln: 15, r: 8, p: 1, saltBytes: 16, hashBytes: 32 });

// Bounds on what a hash line may ask of scrypt, so a typo cannot make every login take minutes
// or gigabytes.
const LIMITS = { ln: [10, 22], r: [1, 32], p: [1, 16], salt: [8, 64], hash: [16, 64] } as const;

const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

function derive(password: string, h: Omit<PasswordHash, 'hash'>, length: number): Promise<Buffer> {
  const N = 2 ** h.ln;
  return new Promise((resolve, reject) =>
    scrypt(password, h.salt, length, { N, r: h.r, p: h.p, maxmem: 256 * N * h.r + 1024 * 1024 }, (e, key) =>
      e ? reject(e) : resolve(key),
    ),
  );
}

/**
 * Hashes `password` with a fresh random salt; resolves to the hash line.
 *
 * @internal
 */
export async function hashPassword(
  password: string,
  cost: { readonly ln?: number; readonly r?: number; readonly p?: number } = {},
): Promise<string> {
  const params = {
    ln: cost.ln ?? DEFAULT_SCRYPT.ln,
    r: cost.r ?? DEFAULT_SCRYPT.r,
    p: cost.p ?? DEFAULT_SCRYPT.p,
    salt: randomBytes(DEFAULT_SCRYPT.saltBytes),
  };
  const hash = await derive(password, params, DEFAULT_SCRYPT.hashBytes);
  return formatPasswordHash({ ...params, hash });
}

/**
 * The hash line of a {@link PasswordHash}.
 *
 * @internal
 */
export function formatPasswordHash(h: PasswordHash): string {
  const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');
  return `$scrypt$ln=${h.ln},r=${h.r},p=${h.p}$${b64(h.salt)}$${b64(h.hash)}`;
}

/**
 * Parses a hash line. `where` names it in errors (e.g. the file it came from).
 *
 * @throws PasswordHashError saying which part is wrong.
 * @internal
 */
export function parsePasswordHash(line: string, where = 'the password hash'): PasswordHash {
  const bad = (why: string) =>
    new PasswordHashError(
      `${where}: ${why} (expected $scrypt$ln=N,r=R,p=P$SALT$HASH, as 'maglevd-frontend --hash-password' prints)`,
    );
  const text = line.trim();
  const parts = text.split('$');
  if (parts.length !== 5 || parts[0] !== '') throw bad('not a hash line of five "$"-separated fields');
  const [, scheme, paramText, saltText, hashText] = parts as [string, string, string, string, string];
  if (scheme !== 'scrypt') throw bad(`unknown scheme ${JSON.stringify(scheme)}, only scrypt is supported`);
  const params = new Map<string, number>();
  for (const kv of paramText.split(',')) {
    const m = /^(ln|r|p)=(\d{1,3})$/.exec(kv);
    if (!m) throw bad(`bad parameter ${JSON.stringify(kv)}`);
    if (params.has(m[1] as string)) throw bad(`parameter ${m[1]} given twice`);
    params.set(m[1] as string, Number(m[2]));
  }
  const num = (k: 'ln' | 'r' | 'p'): number => {
    const v = params.get(k);
    if (v === undefined) throw bad(`parameter ${k} is missing`);
    const [lo, hi] = LIMITS[k];
    if (v < lo || v > hi) throw bad(`${k}=${v} is out of range ${lo}-${hi}`);
    return v;
  };
  const bytes = (what: 'salt' | 'hash', t: string): Buffer => {
    if (!B64.test(t)) throw bad(`the ${what} is not base64`);
    const b = Buffer.from(t, 'base64');
    const [lo, hi] = LIMITS[what];
    if (b.length < lo || b.length > hi) throw bad(`the ${what} is ${b.length} bytes, expected ${lo}-${hi}`);
    return b;
  };
  return {
    ln: num('ln'),
    r: num('r'),
    p: num('p'),
    salt: bytes('salt', saltText),
    hash: bytes('hash', hashText),
  };
}

/**
 * Whether `password` is the one `h` was made from; the comparison is constant-time.
 *
 * @internal
 */
export async function verifyPassword(password: string, h: PasswordHash): Promise<boolean> {
  const got = await derive(password, h, h.hash.length);
  return timingSafeEqual(got, h.hash);
}

/**
 * Reads a password file: one hash line (blank lines and `#` comments aside). Like ssh with a
 * private key, refuses a file that group or others may read or write, naming the file and its
 * mode. Reads the file system, never the environment.
 *
 * @throws PasswordHashError naming the file.
 * @internal
 */
export function readPasswordHashFile(path: string): PasswordHash {
  let mode: number;
  let text: string;
  try {
    mode = statSync(path).mode & 0o777;
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new PasswordHashError(`cannot read password file ${path}: ${why}`, { cause: e });
  }
  if ((mode & 0o077) !== 0)
    throw new PasswordHashError(
      `password file ${path} has mode ${mode.toString(8).padStart(4, '0')}: it must not be accessible by group or others (chmod 600 ${path}, owned by the user maglevd-frontend runs as)`,
    );
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  if (lines.length === 0) throw new PasswordHashError(`password file ${path} holds no hash line`);
  if (lines.length > 1)
    throw new PasswordHashError(`password file ${path} holds ${lines.length} lines; expected one hash line`);
  return parsePasswordHash(lines[0] as string, `password file ${path}`);
}

/**
 * The admin user and the scrypt hash of its password (`--admin-password-file`).
 *
 * @internal
 */
export interface HashedAdminCredentials {
  /** The user name; not empty, no ":". */
  readonly user: string;
  readonly passwordHash: PasswordHash;
}

/**
 * Checks HTTP basic credentials against a scrypt hash. The user is compared in constant time
 * as {@link BasicAuthChecker} does; the password through scrypt, which is slow on purpose, so
 * headers that passed are remembered (by their SHA-256, never in clear) and a browser's every
 * request does not cost a hash. Failures are never remembered: each guess pays full price.
 *
 * @internal
 */
export class HashedAuthChecker {
  readonly #user: Buffer;
  readonly #hash: PasswordHash;
  readonly #verified = new Set<string>();
  /** Headers remembered at most; the oldest is forgotten first. */
  static readonly CACHE_SIZE = 64;

  constructor(creds: HashedAdminCredentials) {
    if (creds.user === '') throw new Error('admin user must not be empty');
    if (creds.user.includes(':')) throw new Error('admin user must not contain ":" (HTTP basic auth)');
    this.#user = digest(creds.user);
    this.#hash = creds.passwordHash;
  }

  /** How many verified headers are remembered. */
  get cached(): number {
    return this.#verified.size;
  }

  /** Whether the Authorization header carries the right user and password. */
  async check(header: string | undefined): Promise<boolean> {
    const got = parseBasicAuth(header);
    if (got === null || header === undefined) return false;
    const key = createHash('sha256').update(header, 'utf8').digest('hex');
    if (this.#verified.has(key)) return true;
    const userOk = timingSafeEqual(digest(got.user), this.#user);
    // scrypt runs whatever the user, so a wrong user takes as long as a wrong password.
    const passwordOk = await verifyPassword(got.password, this.#hash);
    if (!(userOk && passwordOk)) return false;
    this.#verified.add(key);
    if (this.#verified.size > HashedAuthChecker.CACHE_SIZE) {
      const oldest = this.#verified.values().next().value;
      if (oldest !== undefined) this.#verified.delete(oldest);
    }
    return true;
  }
}
