import { createHash, timingSafeEqual } from 'node:crypto';

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
