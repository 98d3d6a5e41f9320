import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  formatPasswordHash,
  HashedAuthChecker,
  hashPassword,
  PasswordHashError,
  parsePasswordHash,
  readPasswordHashFile,
  verifyPassword,
} from '../../../lib/dashboard/auth.js';
import { adminCredentialsFromEnv } from '../../../lib/dashboard/flags.js';
import { UsageError } from '../../../lib/flags/flags.js';

const dir = mkdtempSync(join(tmpdir(), 'maglev-pwhash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const header = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
// Cheap hashes keep the suite fast; the default cost is checked once.
const cheap = { ln: 10 };

function file(name: string, text: string, mode: number): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  chmodSync(p, mode);
  return p;
}

describe('scrypt password hashes', () => {
  it('the default line: $scrypt$ln=15,r=8,p=1$ with a 16-byte salt and a 32-byte hash, verified', async () => {
    const line = await hashPassword('correct horse');
    expect(line).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    const h = parsePasswordHash(line);
    expect(h.salt).toHaveLength(16);
    expect(h.hash).toHaveLength(32);
    expect(await verifyPassword('correct horse', h)).toBe(true);
  });

  it('round trip: parse(format(h)) is h; the wrong password, or a near one, is refused', async () => {
    const line = await hashPassword('s3cret pass', cheap);
    const h = parsePasswordHash(line);
    expect(formatPasswordHash(h)).toBe(line);
    expect(await verifyPassword('s3cret pass', h)).toBe(true);
    for (const wrong of ['s3cret pas', 's3cret pass ', 'S3cret pass', ''])
      expect(await verifyPassword(wrong, h)).toBe(false);
  });

  it('two hashes of one password differ (a fresh salt each time)', async () => {
    const [a, b] = await Promise.all([hashPassword('pw', cheap), hashPassword('pw', cheap)]);
    expect(a).not.toBe(b);
  });

  const SALT = Buffer.alloc(16, 1).toString('base64');
  const HASH = Buffer.alloc(32, 2).toString('base64');
  it.each([
    ['', /not a hash line of five/],
    ['correct horse', /not a hash line of five/],
    [`$bcrypt$ln=15,r=8,p=1$${SALT}$${HASH}`, /unknown scheme "bcrypt", only scrypt is supported/],
    [`$scrypt$ln=15,r=8$${SALT}$${HASH}`, /parameter p is missing/],
    [`$scrypt$ln=15,r=8,p=1,x=2$${SALT}$${HASH}`, /bad parameter "x=2"/],
    [`$scrypt$ln=15,ln=14,r=8,p=1$${SALT}$${HASH}`, /parameter ln given twice/],
    [`$scrypt$ln=40,r=8,p=1$${SALT}$${HASH}`, /ln=40 is out of range 10-22/],
    [`$scrypt$ln=15,r=8,p=1$not base64!$${HASH}`, /the salt is not base64/],
    [`$scrypt$ln=15,r=8,p=1$${SALT}$AAAA`, /the hash is 3 bytes, expected 16-64/],
  ])('malformed %j: named', (line, why) => {
    let err: unknown;
    try {
      parsePasswordHash(line, 'password file /etc/x');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PasswordHashError);
    expect((err as Error).message).toMatch(/^password file \/etc\/x: /);
    expect((err as Error).message).toMatch(why);
    expect((err as Error).message).toContain("as 'maglevd-frontend --hash-password' prints");
  });
});

describe('the password file', () => {
  it('mode 0600 with one hash line (comments and blank lines aside) is read', async () => {
    const line = await hashPassword('pw', cheap);
    const p = file('ok', `# made with maglevd-frontend --hash-password\n\n${line}\n`, 0o600);
    expect(formatPasswordHash(readPasswordHashFile(p))).toBe(line);
  });

  it('mode 0644 (readable by others) is refused, naming the file and its mode', async () => {
    const p = file('open', `${await hashPassword('pw', cheap)}\n`, 0o644);
    expect(() => readPasswordHashFile(p)).toThrow(PasswordHashError);
    expect(() => readPasswordHashFile(p)).toThrow(
      `password file ${p} has mode 0644: it must not be accessible by group or others (chmod 600 ${p}`,
    );
    chmodSync(p, 0o640);
    expect(() => readPasswordHashFile(p)).toThrow(/has mode 0640/);
  });

  it('a missing file, an empty one, two lines, a bad line: each said with the file', async () => {
    expect(() => readPasswordHashFile(join(dir, 'absent'))).toThrow(
      `cannot read password file ${join(dir, 'absent')}: no such file`,
    );
    const empty = file('empty', '# nothing\n', 0o600);
    expect(() => readPasswordHashFile(empty)).toThrow(`password file ${empty} holds no hash line`);
    const line = await hashPassword('pw', cheap);
    const two = file('two', `${line}\n${line}\n`, 0o600);
    expect(() => readPasswordHashFile(two)).toThrow(
      `password file ${two} holds 2 lines; expected one hash line`,
    );
    const plain = file('plain', 'hunter2\n', 0o600);
    expect(() => readPasswordHashFile(plain)).toThrow(`password file ${plain}: not a hash line`);
  });

  it('adminCredentialsFromEnv: MAGLEV_FRONTEND_USER with a password file; not with a password too', async () => {
    const p = file('creds', `${await hashPassword('pw', cheap)}\n`, 0o600);
    const creds = adminCredentialsFromEnv({ MAGLEV_FRONTEND_USER: 'ops' }, p);
    expect(creds).toMatchObject({ user: 'ops', passwordHash: { ln: 10, r: 8, p: 1 } });
    expect(() =>
      adminCredentialsFromEnv({ MAGLEV_FRONTEND_USER: 'ops', MAGLEV_FRONTEND_PASSWORD: 'pw' }, p),
    ).toThrow(/both MAGLEV_FRONTEND_PASSWORD and a password file/);
    expect(() => adminCredentialsFromEnv({}, p)).toThrow(UsageError);
    expect(() => adminCredentialsFromEnv({}, p)).toThrow(/MAGLEV_FRONTEND_USER is not/);
  });
});

describe('HashedAuthChecker', () => {
  it('accepts the user and password, refuses anything else; remembers only successes', async () => {
    const c = new HashedAuthChecker({
      user: 'ops',
      passwordHash: parsePasswordHash(await hashPassword('correct horse', cheap)),
    });
    expect(await c.check(header('ops:correct horse'))).toBe(true);
    expect(c.cached).toBe(1);
    expect(await c.check(header('ops:correct horse'))).toBe(true);
    expect(c.cached).toBe(1);
    for (const h of [
      header('ops:correct hors'),
      header('Ops:correct horse'),
      header('ops:'),
      'Bearer x',
      '',
      undefined,
    ])
      expect(await c.check(h)).toBe(false);
    expect(c.cached).toBe(1);
  });

  it('the cache is bounded: the oldest success is forgotten, and then checked again', async () => {
    const c = new HashedAuthChecker({
      user: 'ops',
      passwordHash: parsePasswordHash(await hashPassword('pw', cheap)),
    });
    // The same credentials, spelled differently (whitespace after the scheme), are distinct headers.
    const spellings = Array.from(
      { length: HashedAuthChecker.CACHE_SIZE + 1 },
      (_, i) => `Basic${' '.repeat(i + 1)}${Buffer.from('ops:pw').toString('base64')}`,
    );
    for (const h of spellings) expect(await c.check(h)).toBe(true);
    expect(c.cached).toBe(HashedAuthChecker.CACHE_SIZE);
    expect(await c.check(spellings[0])).toBe(true);
  });

  it('refuses an empty user or one with a colon', async () => {
    const passwordHash = parsePasswordHash(await hashPassword('pw', cheap));
    expect(() => new HashedAuthChecker({ user: '', passwordHash })).toThrow(/must not be empty/);
    expect(() => new HashedAuthChecker({ user: 'a:b', passwordHash })).toThrow(/":"/);
  });
});
