import { describe, expect, it } from 'vitest';
import { maglevdFlags } from '../../../lib/daemon/flags.js';
import { formatHelp, parseFlags, UsageError } from '../../../lib/flags/flags.js';

const specs = {
  config: { kind: 'string', env: ['T_CONFIG'], default: '/etc/x.yaml', description: 'config' },
  check: { kind: 'boolean', default: false, description: 'check' },
  reflection: { kind: 'boolean', env: ['T_REFLECTION'], default: true, description: 'reflection' },
  interval: { kind: 'duration', env: ['T_INTERVAL'], default: 100, description: 'interval' },
  server: {
    kind: 'strings',
    env: ['T_SERVERS', 'T_SERVER'],
    default: [],
    repeatable: true,
    description: 's',
  },
  level: { kind: 'string', default: 'info', choices: ['debug', 'info'], description: 'level' },
  help: { kind: 'boolean', default: false, aliases: ['h'], description: 'help' },
} as const;

describe('parseFlags', () => {
  it.each([
    [['-config', 'a.yaml'], 'a.yaml'],
    [['--config', 'a.yaml'], 'a.yaml'],
    [['--config=a.yaml'], 'a.yaml'],
    [['-config=a.yaml'], 'a.yaml'],
    [['--config=a=b.yaml'], 'a=b.yaml'],
  ])('accepts %j', (argv, want) => {
    const p = parseFlags(specs, argv, {});
    expect(p.values.config).toBe(want);
    expect(p.sources.config).toBe('flag');
  });

  it.each([
    [['--check'], true],
    [['-check'], true],
    [['--check=true'], true],
    [['--check=false'], false],
    [['--check=0'], false],
    [[], false],
  ])('boolean %j', (argv, want) => {
    expect(parseFlags(specs, argv, {}).values.check).toBe(want);
  });

  it('a boolean never consumes the next argument', () => {
    const p = parseFlags(specs, ['--check', 'show', 'version'], {}, { positionals: true });
    expect(p.values.check).toBe(true);
    expect(p.positionals).toEqual(['show', 'version']);
  });

  it('flag beats env beats default', () => {
    expect(parseFlags(specs, ['--config', 'f'], { T_CONFIG: 'e' }).values.config).toBe('f');
    const fromEnv = parseFlags(specs, [], { T_CONFIG: 'e' });
    expect(fromEnv.values.config).toBe('e');
    expect(fromEnv.sources.config).toBe('env');
    const def = parseFlags(specs, [], {});
    expect(def.values.config).toBe('/etc/x.yaml');
    expect(def.sources.config).toBe('default');
    expect(parseFlags(specs, [], { T_REFLECTION: 'false' }).values.reflection).toBe(false);
  });

  it('an empty env value counts (it disables, as for --metrics-addr)', () => {
    expect(parseFlags(specs, [], { T_CONFIG: '' }).values.config).toBe('');
  });

  it('parses durations and repeatable lists', () => {
    const p = parseFlags(specs, ['-interval', '250ms', '-server', 'a:1,b:2', '--server=c:3'], {});
    expect(p.values.interval).toBe(250);
    expect(p.values.server).toEqual(['a:1', 'b:2', 'c:3']);
    expect(parseFlags(specs, [], { T_SERVER: 'x,y' }).values.server).toEqual(['x', 'y']);
  });

  it('-- ends the flags', () => {
    const p = parseFlags(specs, ['--check', '--', '--config'], {}, { positionals: true });
    expect(p.positionals).toEqual(['--config']);
  });

  it.each([
    [['--bogus'], {}, /unknown flag --bogus/],
    [['--confg', 'x'], {}, /did you mean --config/],
    [['--config'], {}, /flag --config needs a value/],
    [['--check=maybe'], {}, /invalid value "maybe" for flag --check/],
    [['--interval', '5'], {}, /invalid value "5" for flag --interval: missing unit/],
    [['--level', 'trace'], {}, /expected one of debug, info/],
    [[], { T_INTERVAL: 'soon' }, /invalid value "soon" for T_INTERVAL \(--interval\)/],
    [['stray'], {}, /unexpected argument "stray"/],
  ])('usage error for %j %j', (argv, env, re) => {
    expect(() => parseFlags(specs, argv, env)).toThrow(UsageError);
    expect(() => parseFlags(specs, argv, env)).toThrow(re);
  });

  it('-h is an alias of --help', () => {
    expect(parseFlags(specs, ['-h'], {}).values.help).toBe(true);
  });
});

describe('maglevd flags', () => {
  it('have the defaults and environment variables of the Go maglevd 1.0', () => {
    const p = parseFlags(maglevdFlags, [], {});
    expect(p.values).toMatchObject({
      config: '/etc/vpp-maglev/maglev.yaml',
      'grpc-addr': ':9090',
      'metrics-addr': ':9091',
      'vpp-api-addr': '/run/vpp/api.sock',
      'vpp-stats-addr': '/run/vpp/stats.sock',
      'log-level': 'info',
      check: false,
      reflection: true,
    });
    const env = {
      MAGLEV_CONFIG: 'c',
      MAGLEV_GRPC_ADDR: 'g',
      MAGLEV_METRICS_ADDR: '',
      MAGLEV_VPP_API_ADDR: 'v',
      MAGLEV_VPP_STATS_ADDR: 's',
      MAGLEV_LOG_LEVEL: 'debug',
    };
    expect(parseFlags(maglevdFlags, [], env).values).toMatchObject({
      config: 'c',
      'grpc-addr': 'g',
      'metrics-addr': '',
      'vpp-api-addr': 'v',
      'vpp-stats-addr': 's',
      'log-level': 'debug',
    });
  });

  it('--help lists every flag with its environment variable and default', () => {
    const text = formatHelp(maglevdFlags, { program: 'maglevd', usage: 'maglevd [flags]' });
    for (const [name, spec] of Object.entries(maglevdFlags)) {
      expect(text).toContain(`--${name}`);
      for (const e of ('env' in spec ? spec.env : undefined) ?? []) expect(text).toContain(e);
    }
    expect(text).toContain('default /etc/vpp-maglev/maglev.yaml');
  });
});
