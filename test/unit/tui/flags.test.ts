import { describe, expect, it } from 'vitest';
import { parseFlags, UsageError } from '../../../lib/flags/flags.js';
import { maglevtFlags, maglevtOptions } from '../../../lib/tui/flags.js';

const opts = (argv: string[], env: Record<string, string> = {}) =>
  maglevtOptions(parseFlags(maglevtFlags, argv, env).values);

describe('maglevt flags', () => {
  it('defaults', () => {
    expect(opts([])).toEqual({
      configs: ['/etc/vpp-maglev/maglev.yaml'],
      intervalMs: 100,
      timeoutMs: 1000,
      host: '',
      uri: '/',
      header: 'X-IPng-Frontend',
      insecure: false,
      keepalive: false,
      filter: null,
      once: false,
      durationMs: 2000,
    });
  });

  it('takes every flag in Go and GNU spellings; -config repeats and splits on commas', () => {
    const o = opts([
      '-config',
      'a.yaml',
      '--config=b.yaml,c.yaml',
      '-interval=250ms',
      '--timeout',
      '2s',
      '-host',
      'www.example.com',
      '-uri',
      '/.well-known/ipng/healthz',
      '-header',
      'X-Served-By',
      '-insecure',
      '--keepalive=true',
      '-filter',
      '^web',
      '--once',
      '--duration',
      '5s',
    ]);
    expect(o).toMatchObject({
      configs: ['a.yaml', 'b.yaml', 'c.yaml'],
      intervalMs: 250,
      timeoutMs: 2000,
      host: 'www.example.com',
      uri: '/.well-known/ipng/healthz',
      header: 'X-Served-By',
      insecure: true,
      keepalive: true,
      once: true,
      durationMs: 5000,
    });
    expect(o.filter?.source).toBe('^web');
  });

  it('reads MAGLEVT_* variables, the config also from MAGLEV_CONFIG; a flag beats both', () => {
    const env = {
      MAGLEV_CONFIG: '/etc/maglev.yaml',
      MAGLEVT_INTERVAL: '1s',
      MAGLEVT_TIMEOUT: '300ms',
      MAGLEVT_HOST: 'h',
      MAGLEVT_URI: '/x',
      MAGLEVT_HEADER: 'X-A',
      MAGLEVT_INSECURE: 'true',
      MAGLEVT_KEEPALIVE: '1',
      MAGLEVT_FILTER: 'api',
      MAGLEVT_DURATION: '3s',
    };
    expect(opts([], env)).toMatchObject({
      configs: ['/etc/maglev.yaml'],
      intervalMs: 1000,
      timeoutMs: 300,
      host: 'h',
      uri: '/x',
      header: 'X-A',
      insecure: true,
      keepalive: true,
      durationMs: 3000,
    });
    expect(opts([], { ...env, MAGLEVT_CONFIG: 'a.yaml,b.yaml' }).configs).toEqual(['a.yaml', 'b.yaml']);
    expect(opts(['-config', 'c.yaml', '-interval', '50ms'], env)).toMatchObject({
      configs: ['c.yaml'],
      intervalMs: 50,
    });
  });

  it.each([
    [['-interval', '0s'], /--interval must be at least 1ms, not 0s/],
    [['-timeout', '500us'], /--timeout must be at least 1ms/],
    [['-duration', '0'], /--duration must be at least 1ms/],
    [['-uri', 'healthz'], /--uri must be a path starting with "\/"/],
    [['-uri', '/a b'], /--uri must be a path/],
    [['-header', 'X Bad'], /--header must be a header field name, not "X Bad"/],
    [['-header', ''], /--header must be a header field name/],
    [['-host', 'a b'], /--host must be a host name/],
    [['-filter', '(web'], /--filter is not a valid regular expression/],
    [['-config', ','], /--config needs at least one file/],
  ])('refuses %j', (argv, message) => {
    expect(() => opts(argv)).toThrow(UsageError);
    expect(() => opts(argv)).toThrow(message);
  });

  it('refuses a duration without a unit, naming the flag', () => {
    expect(() => opts(['-interval', '100'])).toThrow(/--interval: missing unit/);
  });
});
