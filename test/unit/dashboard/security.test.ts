import { describe, expect, it } from 'vitest';
import { BasicAuthChecker, parseBasicAuth } from '../../../lib/dashboard/auth.js';
import { checkSameOrigin } from '../../../lib/dashboard/csrf.js';

const header = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;

describe('parseBasicAuth', () => {
  it.each([
    [header('ops:pw'), { user: 'ops', password: 'pw' }],
    [header('ops:p:w:'), { user: 'ops', password: 'p:w:' }],
    [header(':'), { user: '', password: '' }],
    [`basic   ${Buffer.from('a:b').toString('base64')}`, { user: 'a', password: 'b' }],
    [header('no-colon'), null],
    ['Bearer abc', null],
    ['Basic', null],
    ['Basic !!!', null],
    [undefined, null],
  ])('%s', (h, want) => {
    expect(parseBasicAuth(h)).toEqual(want);
  });
});

describe('BasicAuthChecker', () => {
  const c = new BasicAuthChecker({ user: 'ops', password: 'correct horse' });
  it.each([
    [header('ops:correct horse'), true],
    [header('ops:correct hors'), false],
    [header('ops:correct horse '), false],
    [header('Ops:correct horse'), false],
    [header('ops:'), false],
    [header(':correct horse'), false],
    ['', false],
    [undefined, false],
  ])('%s → %s', (h, ok) => {
    expect(c.check(h)).toBe(ok);
  });

  it('refuses empty credentials and a user with a colon', () => {
    expect(() => new BasicAuthChecker({ user: '', password: 'x' })).toThrow(/must not be empty/);
    expect(() => new BasicAuthChecker({ user: 'a:b', password: 'x' })).toThrow(/":"/);
  });
});

describe('checkSameOrigin', () => {
  it.each([
    [{ host: 'dash:8080', origin: 'http://dash:8080', secFetchSite: 'same-origin' }, true],
    [{ host: 'dash:8080', origin: 'https://dash:8080', secFetchSite: undefined }, true],
    [{ host: 'DASH:8080', origin: 'http://dash:8080', secFetchSite: undefined }, true],
    [{ host: 'dash:8080', origin: undefined, secFetchSite: undefined }, true],
    [{ host: 'dash:8080', origin: 'http://evil.example', secFetchSite: 'cross-site' }, false],
    [{ host: 'dash:8080', origin: 'http://dash:9999', secFetchSite: 'same-site' }, false],
    [{ host: 'dash:8080', origin: undefined, secFetchSite: 'cross-site' }, false],
    [{ host: 'dash:8080', origin: undefined, secFetchSite: 'none' }, false],
    [{ host: 'dash:8080', origin: 'null', secFetchSite: undefined }, false],
    [{ host: 'dash:8080', origin: 'http://evil.example', secFetchSite: undefined }, false],
    [{ host: undefined, origin: 'http://dash:8080', secFetchSite: undefined }, false],
  ])('%o → %s', (h, ok) => {
    expect(checkSameOrigin(h).ok).toBe(ok);
  });
});
