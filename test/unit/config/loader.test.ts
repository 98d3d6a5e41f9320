import { readdirSync } from 'node:fs';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  ConfigParseError,
  type ConfigProblem,
  ConfigSemanticError,
  formatProblem,
  formatWarning,
} from '../../../lib/config/errors.js';
import { ConfigLoader } from '../../../lib/config/loader.js';
import {
  configText,
  parseCases,
  type RuleCase,
  semanticCases,
  type WarningCase,
  warningCases,
} from './cases.js';
import { repoRoot, sharedSample } from './paths.js';

const loader = new ConfigLoader();

function problemsOf(
  text: string,
  filename = 'maglev.yaml',
): { error: ConfigError; problems: readonly ConfigProblem[] } {
  try {
    loader.parse(text, { filename });
  } catch (e) {
    if (e instanceof ConfigError) return { error: e, problems: e.problems };
    throw e;
  }
  throw new Error('the config loaded, but it should not have');
}

function expectCase(c: RuleCase): void {
  expect(() => loader.parse(c.pass, { filename: 'pass.yaml' })).not.toThrow();
  const { error, problems } = problemsOf(c.fail);
  expect(error).toBeInstanceOf(c.kind === 'parse' ? ConfigParseError : ConfigSemanticError);
  const p = problems.find((x) => x.path === c.path && c.message.test(x.message));
  expect(p, `no problem at ${c.path} matching ${c.message}; got:\n${error.message}`).toBeDefined();
  if (!p) return;
  expect(p.file).toBe('maglev.yaml');
  if (c.path !== '' || c.kind === 'semantic') expect(p.line).toBeGreaterThan(0);
  if (c.at !== undefined) {
    const line = c.fail.split('\n')[p.line - 1] ?? '';
    expect(line.slice(p.column - 1).startsWith(c.at), `${p.line}:${p.column} is "${line}"`).toBe(true);
  }
}

describe('ConfigLoader parse errors', () => {
  it.each(parseCases.map((c) => [c.rule, c] as const))('%s', (_rule, c) => expectCase(c));
});

describe('ConfigLoader semantic errors', () => {
  it.each(semanticCases.map((c) => [c.rule, c] as const))('%s', (_rule, c) => expectCase(c));
});

function expectWarning(c: WarningCase): void {
  const config = loader.parse(c.config, { filename: 'maglev.yaml' });
  const w = config.warnings.find((x) => x.path === c.path && c.message.test(x.message));
  expect(
    w,
    `no warning at ${c.path} matching ${c.message}; got:\n${config.warnings.map(formatWarning).join('\n')}`,
  ).toBeDefined();
  if (!w) return;
  expect(w.file).toBe('maglev.yaml');
  expect(w.line).toBeGreaterThan(0);
  if (c.at !== undefined) {
    const line = c.config.split('\n')[w.line - 1] ?? '';
    expect(line.slice(w.column - 1).startsWith(c.at), `${w.line}:${w.column} is "${line}"`).toBe(true);
  }
}

describe('ConfigLoader warnings', () => {
  it.each(warningCases.map((c) => [c.rule, c] as const))('%s: loads, with a warning', (_rule, c) =>
    expectWarning(c),
  );

  it('are none for the base config', () => {
    expect(loader.parse(configText()).warnings).toEqual([]);
  });

  it('are frozen with the rest of the Config, and in file order', () => {
    const c = loader.parse(
      configText([
        ['maglev.healthchecks.web.timeout', '3s'],
        ['maglev.healthchecks.smtp.params', { b: 1, a: 2 }],
      ]),
    );
    expect(c.warnings.map((w) => w.path)).toEqual([
      'maglev.healthchecks.web.timeout',
      'maglev.healthchecks.smtp.params.b',
      'maglev.healthchecks.smtp.params.a',
    ]);
    expect(Object.isFrozen(c.warnings)).toBe(true);
    expect(Object.isFrozen(c.warnings[0])).toBe(true);
    expect(formatWarning(c.warnings[0] as ConfigProblem)).toMatch(
      /^warning: <input>:\d+:\d+: maglev\.healthchecks\.web\.timeout: timeout 3s is not shorter/,
    );
  });

  it('the tcp params do not reach the Config, and a timeout above the interval is kept', () => {
    const c = loader.parse(
      configText([
        ['maglev.healthchecks.smtp.params', { ssl: true }],
        ['maglev.healthchecks.smtp.timeout', '5s'],
      ]),
    );
    expect(c.healthchecks.get('smtp')).toMatchObject({
      type: 'tcp',
      http: null,
      timeout: 5000,
      interval: 2000,
    });
  });

  it('travel with a semantic error', () => {
    const { error } = problemsOf(
      configText([
        ['maglev.healthchecks.web.timeout', '3s'],
        ['maglev.healthchecks.web.rise', 0],
      ]),
    );
    expect(error).toBeInstanceOf(ConfigSemanticError);
    expect(error.warnings.map((w) => w.path)).toEqual(['maglev.healthchecks.web.timeout']);
  });
});

describe('what the Go original accepts, and so does this loader', () => {
  it('one backend in two pools of one frontend is one application server, in both pools', () => {
    const c = loader.parse(configText([['maglev.frontends.web.pools.1.backends.a4', { weight: 20 }]]));
    expect(c.warnings).toEqual([]);
    expect(c.frontends.get('web')?.pools).toEqual([
      { name: 'primary', backends: [{ name: 'a4', weight: 100 }] },
      {
        name: 'fallback',
        backends: [
          { name: 'b4', weight: 100 },
          { name: 'a4', weight: 20 },
        ],
      },
    ]);
  });

  it('an IPv6 VIP served by IPv4 backends (VPP has ip6-gre4 VIPs)', () => {
    const c = loader.parse(configText([['maglev.frontends.web.address', '2001:db8:100::80']]));
    expect(c.warnings).toEqual([]);
    expect(c.frontends.get('web')).toMatchObject({ address: '2001:db8:100::80', family: 6 });
    expect(c.backends.get('a4')?.family).toBe(4);
  });

  it('an IPv4 VIP served by IPv6 backends (ip4-gre6)', () => {
    const c = loader.parse(configText([['maglev.frontends.api.address', '198.51.100.6']]));
    expect(c.frontends.get('api')).toMatchObject({ family: 4 });
    expect(c.backends.get('a6')?.family).toBe(6);
  });
});

const repo = repoRoot();

describe('shipped configurations', () => {
  const files = [
    ...readdirSync(join(repo, 'examples'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => join(repo, 'examples', f)),
    join(repo, 'debian/maglev.yaml'),
  ];

  it('include the examples and the Debian conffile', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it.each(files)('%s loads, without warnings', async (file) => {
    expect((await loader.load(file)).warnings).toEqual([]);
  });

  it('the shared sample loads, with its values', async () => {
    const c = await loader.load(sharedSample());
    expect(c.warnings).toEqual([]);
    expect(c.healthchecker.transitionHistory).toBe(10);
    const hc = c.healthchecks.get('http-nginx');
    expect(hc).toMatchObject({ interval: 2000, fastInterval: 500, downInterval: 5000, timeout: 1000 });
    expect(hc?.http?.responseCodes).toEqual([{ from: 200, to: 299 }]);
    expect(c.healthchecks.get('https-api')?.http?.serverName).toBe('api.example.com');
    expect(c.healthchecks.get('ping')).toMatchObject({ port: null, timeout: 500, probeIpv4Src: '192.0.2.1' });
    expect([...c.frontends.keys()]).toEqual(['web-v4', 'api-v6', 'mail']);
    expect(c.frontends.get('web-v4')?.pools).toEqual([
      {
        name: 'primary',
        backends: [
          { name: 'nginx0-ams', weight: 100 },
          { name: 'nginx1-ams', weight: 50 },
        ],
      },
      { name: 'fallback', backends: [{ name: 'nginx0-fra', weight: 100 }] },
    ]);
    expect(c.backends.get('api0-ams')).toEqual({
      name: 'api0-ams',
      address: '2001:db8:10::10',
      family: 6,
      healthcheck: 'https-api',
      enabled: true,
    });
  });
});

const MINIMAL = `maglev:
  healthchecks:
    hc: { type: https, port: 443, params: { host: www.example.com } }
    plain: { type: http, port: 80 }
    ping: { type: icmp, port: 7 }
  backends:
    b1: { address: 2001:DB8:0:0:0:0:0:0A, healthcheck: hc }
  frontends:
    f1:
      address: 2001:db8::0:1
      port: 443
      pools:
        - name: p
          backends:
            b1:
  vpp:
    lb:
      ipv6-src-address: 2001:db8::fe
`;

describe('defaults', () => {
  const c = loader.parse(MINIMAL);

  it('fills every field the file leaves out', () => {
    expect(c.healthchecker).toEqual({ transitionHistory: 5, netns: null });
    expect(c.healthchecks.get('hc')).toEqual({
      name: 'hc',
      type: 'https',
      port: 443,
      http: {
        path: '/',
        host: 'www.example.com',
        method: 'GET',
        responseCodes: [{ from: 200, to: 399 }],
        responseRegex: null,
        serverName: 'www.example.com',
        insecureSkipVerify: false,
      },
      interval: 2000,
      fastInterval: 2000,
      downInterval: 2000,
      timeout: 1000,
      rise: 2,
      fall: 3,
      probeIpv4Src: null,
      probeIpv6Src: null,
    });
    expect(c.healthchecks.get('plain')?.http).toMatchObject({ host: null, serverName: null });
    expect(c.backends.get('b1')).toEqual({
      name: 'b1',
      address: '2001:db8::a',
      family: 6,
      healthcheck: 'hc',
      enabled: true,
    });
    expect(c.frontends.get('f1')).toEqual({
      name: 'f1',
      description: '',
      address: '2001:db8::1',
      family: 6,
      protocol: 'tcp',
      port: 443,
      srcIpSticky: false,
      flushOnDown: true,
      pools: [{ name: 'p', backends: [{ name: 'b1', weight: 100 }] }],
    });
    expect(c.vpp.lb).toEqual({
      syncInterval: 30_000,
      ipv4SrcAddress: null,
      ipv6SrcAddress: '2001:db8::fe',
      stickyBucketsPerCore: 65_536,
      flowTimeout: 40_000,
      startupMinDelay: 5_000,
      startupMaxDelay: 30_000,
    });
  });

  it('ignores the port of an icmp check', () => {
    expect(c.healthchecks.get('ping')?.port).toBeNull();
  });

  it.each([
    [{ interval: '2s' }, 1000],
    [{ interval: '1s' }, 500],
    [{ interval: '2s', 'fast-interval': '600ms' }, 300],
    [{ interval: '5s', 'down-interval': '800ms' }, 400],
    [{ interval: '1500ms' }, 1000],
    [{ interval: '300ms', timeout: '250ms' }, 250],
  ])('timeout for %j is %d ms', (fields, want) => {
    const text = configText([['maglev.healthchecks.smtp', { type: 'tcp', port: 25, ...fields }]]);
    expect(loader.parse(text).healthchecks.get('smtp')?.timeout).toBe(want);
  });

  it('fast-interval and down-interval follow interval', () => {
    const text = configText([['maglev.healthchecks.smtp', { type: 'tcp', port: 25, interval: '7s' }]]);
    expect(loader.parse(text).healthchecks.get('smtp')).toMatchObject({
      interval: 7000,
      fastInterval: 7000,
      downInterval: 7000,
    });
  });

  it('needs no vpp section when no frontend needs a source address', () => {
    const c2 = loader.parse('maglev:\n  healthchecks: {}\n');
    expect(c2.vpp.lb.ipv4SrcAddress).toBeNull();
    expect(c2.frontends.size).toBe(0);
  });
});

describe('the Config is read-only', () => {
  const c = loader.parse(configText());

  it('is frozen all the way down', () => {
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.vpp.lb)).toBe(true);
    const fe = c.frontends.get('web');
    expect(Object.isFrozen(fe)).toBe(true);
    expect(Object.isFrozen(fe?.pools)).toBe(true);
    expect(Object.isFrozen(fe?.pools[0]?.backends[0])).toBe(true);
    expect(Object.isFrozen(c.healthchecks.get('web')?.http?.responseCodes)).toBe(true);
    expect(() => {
      (fe as unknown as { pools: PoolsMutable }).pools.push({ name: 'x', backends: [] });
    }).toThrow(TypeError);
  });

  it.each([
    ['set', (m: Map<string, unknown>) => m.set('x', 1)],
    ['delete', (m: Map<string, unknown>) => m.delete('web')],
    ['clear', (m: Map<string, unknown>) => m.clear()],
  ])('its maps refuse %s', (_op, mutate) => {
    for (const m of [c.healthchecks, c.backends, c.frontends]) {
      expect(() => mutate(m as Map<string, unknown>)).toThrow(/read-only/);
    }
    expect(c.frontends.has('web')).toBe(true);
    expect(c.frontends.size).toBe(3);
  });
});

type PoolsMutable = Array<{ name: string; backends: never[] }>;

describe('YAML order', () => {
  it('keeps the order of the file, integer-like names included', () => {
    const text = `maglev:
  healthchecks:
    z: { type: icmp }
    "10": { type: icmp }
    a: { type: icmp }
    "2": { type: icmp }
  backends:
    z: { address: 192.0.2.1, healthcheck: z }
    "10": { address: 192.0.2.2, healthcheck: "10" }
    "2": { address: 192.0.2.3, healthcheck: "2" }
  frontends:
    z:
      address: 198.51.100.1
      port: 80
      pools:
        - name: p
          backends: { z: {}, "10": {}, "2": {} }
    "3": { address: 198.51.100.2, port: 80, pools: [{ name: p, backends: { z: {} } }] }
  vpp: { lb: { ipv4-src-address: 192.0.2.254 } }
`;
    const c = loader.parse(text);
    expect([...c.healthchecks.keys()]).toEqual(['z', '10', 'a', '2']);
    expect([...c.backends.keys()]).toEqual(['z', '10', '2']);
    expect([...c.frontends.keys()]).toEqual(['z', '3']);
    expect(c.frontends.get('z')?.pools[0]?.backends.map((b) => b.name)).toEqual(['z', '10', '2']);
  });
});

describe('configs written for the Go original', () => {
  it('may use anchors and merge keys', () => {
    const text = `maglev:
  healthchecks:
    base: &base { type: http, port: 80, interval: 3s, params: { path: /ok } }
    other:
      <<: *base
      port: 8080
  backends: {}
`;
    const c = loader.parse(text);
    expect(c.healthchecks.get('other')).toMatchObject({ port: 8080, interval: 3000, http: { path: '/ok' } });
  });

  it.each([
    ['yes', true],
    ['On', true],
    ['NO', false],
    ['off', false],
    ['True', true],
  ])('reads the boolean %s as %s', (word, want) => {
    const text = configText([['maglev.backends.a4.enabled', 'PLACEHOLDER']])
      .replace("'PLACEHOLDER'", word)
      .replace('PLACEHOLDER', word);
    expect(loader.parse(text).backends.get('a4')?.enabled).toBe(want);
  });

  it('reads scalars in string fields as text', () => {
    const text = configText([
      ['maglev.frontends.mail.pools', [{ name: 1, backends: { c4: null } }]],
      ['maglev.frontends.mail.description', 42],
    ]);
    const fe = loader.parse(text).frontends.get('mail');
    expect(fe?.pools[0]?.name).toBe('1');
    expect(fe?.description).toBe('42');
  });

  it('takes empty sections as empty', () => {
    const c = loader.parse('maglev:\n  healthchecker:\n  healthchecks:\n  backends:\n  frontends:\n  vpp:\n');
    expect(c.healthchecks.size).toBe(0);
    expect(c.healthchecker.transitionHistory).toBe(5);
  });
});

describe('problem reports', () => {
  it('lists every problem of a stage at once, in file order', () => {
    const text = configText([
      ['maglev.backends.a4.healthcheck', 'nope'],
      ['maglev.frontends.web.pools.0.backends.a4.weight', 500],
      ['maglev.frontends.mail.port', 0],
    ]);
    const { problems } = problemsOf(text);
    expect(problems.map((p) => p.path)).toEqual([
      'maglev.backends.a4.healthcheck',
      'maglev.frontends.web.pools[0].backends.a4.weight',
      'maglev.frontends.mail.port',
    ]);
  });

  it('reports the vpp.lb problems after the others, wherever they are in the file', () => {
    const text = `maglev:
  vpp:
    lb: { flow-timeout: 500s, ipv4-src-address: 192.0.2.1 }
  healthchecks:
    hc: { type: tcp }
`;
    const { problems } = problemsOf(text);
    expect(problems.map((p) => `${p.line}:${p.path}`)).toEqual([
      '5:maglev.healthchecks.hc.port',
      '3:maglev.vpp.lb.flow-timeout',
    ]);
  });

  it('stops at parse errors: semantic rules need a well-formed tree', () => {
    const text = configText([
      ['maglev.backends.a4.healthcheck', 'nope'],
      ['maglev.backends.a4.weight', 100],
    ]);
    const { error, problems } = problemsOf(text);
    expect(error).toBeInstanceOf(ConfigParseError);
    expect(problems.map((p) => p.path)).toEqual(['maglev.backends.a4.weight']);
  });

  it('lists several parse errors in file order', () => {
    const text = configText([
      ['maglev.vpp.lb.flow-timeout', 40],
      ['maglev.healthchecks.web.rise', 'two'],
      ['maglev.healthchecker.netns', ['a']],
    ]);
    const { problems } = problemsOf(text);
    expect(problems.map((p) => p.path)).toEqual([
      'maglev.healthchecker.netns',
      'maglev.healthchecks.web.rise',
      'maglev.vpp.lb.flow-timeout',
    ]);
    const lines = problems.map((p) => p.line);
    expect([...lines].sort((a, b) => a - b)).toEqual(lines);
  });

  it('formats problems as file:line:col: path: message and carries the first one', () => {
    const text = configText([['maglev.frontends.web.pools.0.backends.nginx9', {}]]);
    const { error, problems } = problemsOf(text, 'etc/maglev.yaml');
    const first = problems[0] as ConfigProblem;
    const line = text.split('\n').findIndex((l) => l.includes('nginx9:')) + 1;
    expect(formatProblem(first)).toBe(
      `etc/maglev.yaml:${line}:13: maglev.frontends.web.pools[0].backends.nginx9: backend "nginx9" does not exist`,
    );
    expect(error.message).toBe(problems.map(formatProblem).join('\n'));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ file: 'etc/maglev.yaml', path: first.path, line, column: 13 });
    expect(error.name).toBe('ConfigSemanticError');
  });

  it('quotes path keys that are not plain names', () => {
    const text = configText([['maglev.backends', { 'web 1': { address: '192.0.2.1', healthcheck: 'x' } }]]);
    expect(problemsOf(text).problems.map((p) => p.path)).toContain('maglev.backends["web 1"].healthcheck');
  });
});

describe('hostile or odd YAML', () => {
  it.each([
    ['several documents', 'maglev: {}\n---\nmaglev: {}\n', /multiple documents/],
    ['tabs as indentation', 'maglev:\n\thealthchecks: {}\n', /Tabs are not allowed/],
    ['a list at the top', '- maglev\n', /must be a map with a "maglev:" key, not a list/],
    ['an undefined alias', 'maglev:\n  backends: { x: { address: *nope } }\n', /alias/],
    [
      'aliases that expand without bound',
      'a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n',
      /cannot be expanded: Excessive alias count/,
    ],
    [
      'a YAML 1.1 type tag',
      'maglev:\n  healthchecks:\n    x: !!binary aGVsbG8=\n',
      /healthcheck must be a map, not the string/,
    ],
  ])('%s is a parse error', (_name, text, message) => {
    const { error } = problemsOf(text);
    expect(error).toBeInstanceOf(ConfigParseError);
    expect(error.message).toMatch(message);
  });
});

describe('load and check', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'maglev-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a file and names it in problems', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, configText([['maglev.healthchecks.web.rise', 0]]));
    await expect(loader.load(file)).rejects.toThrow(`${file}:`);
    const result = await loader.check(file);
    expect(result.ok).toBe(false);
    expect(result.parseError).toBe('');
    expect(result.semanticError).toMatch(
      new RegExp(`^${file}:\\d+:\\d+: maglev\\.healthchecks\\.web\\.rise: rise must be at least 1, got 0$`),
    );
  });

  it('checks a good file', async () => {
    const file = join(dir, 'good.yaml');
    await writeFile(file, configText());
    expect(await loader.check(file)).toEqual({ ok: true, parseError: '', semanticError: '', warnings: [] });
    const c = await loader.load(file);
    expect(c.frontends.size).toBe(3);
    expect(await readFile(file, 'utf8')).toBe(configText());
  });

  it('reports parse errors as parseError, one line each', async () => {
    const file = join(dir, 'parse.yaml');
    await writeFile(
      file,
      configText([
        ['maglev.healthchecks.web.rise', 'x'],
        ['maglev.healthchecks.web.fall', 'y'],
      ]),
    );
    const result = await loader.check(file);
    expect(result).toMatchObject({ ok: false, semanticError: '' });
    expect(result.parseError.split('\n')).toHaveLength(2);
  });

  it('turns a missing file into a parse error naming it', async () => {
    const file = join(dir, 'missing.yaml');
    const err = await loader.load(file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigParseError);
    expect(err).toMatchObject({ file, line: 0, column: 0, path: '' });
    expect((err as Error).message).toMatch(
      new RegExp(`^${file}: cannot read the configuration file: ENOENT`),
    );
    expect((await loader.check(file)).parseError).toContain(file);
  });

  it('turns a directory into a parse error', async () => {
    expect((await loader.check(dir)).parseError).toMatch(/cannot read the configuration file: EISDIR/);
  });

  it('reports warnings of a good file, and of a file with semantic errors', async () => {
    const good = join(dir, 'warn.yaml');
    await writeFile(good, configText([['maglev.healthchecks.web.timeout', '3s']]));
    const r = await loader.check(good);
    expect(r).toMatchObject({ ok: true, parseError: '', semanticError: '' });
    expect(r.warnings.map((w) => [w.file, w.path])).toEqual([[good, 'maglev.healthchecks.web.timeout']]);
    const bad = join(dir, 'warn-bad.yaml');
    await writeFile(
      bad,
      configText([
        ['maglev.healthchecks.web.timeout', '3s'],
        ['maglev.healthchecks.web.fall', 0],
      ]),
    );
    const r2 = await loader.check(bad);
    expect(r2).toMatchObject({ ok: false, parseError: '' });
    expect(r2.semanticError).toMatch(/fall must be at least 1/);
    expect(r2.warnings).toHaveLength(1);
  });

  it('honours an abort signal', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(loader.load(sharedSample(), { signal: ac.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});

/** Bytes that look random but are the same on every run (xorshift32). */
function noise(n: number, seed = 0x2545f491): Buffer {
  const out = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('files that are not a configuration', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'maglev-config-bin-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** The one parse problem loading `bytes` gives; it must be short and quote nothing of them. */
  async function problemOf(name: string, bytes: Uint8Array | string): Promise<ConfigProblem> {
    const file = join(dir, name);
    await writeFile(file, bytes);
    const err = await loader.load(file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigParseError);
    const problems = (err as ConfigParseError).problems;
    expect(problems).toHaveLength(1);
    const p = problems[0] as ConfigProblem;
    expect(p.file).toBe(file);
    const text = formatProblem(p);
    expect(text.startsWith(`${file}:`)).toBe(true);
    expect(text.length).toBeLessThan(file.length + 300);
    expect(text, 'printable ASCII only').toMatch(/^[\x20-\x7e]*$/);
    return p;
  }

  it('a gzip-compressed config', async () => {
    const p = await problemOf('maglev.yaml.gz', gzipSync(configText()));
    expect(p).toMatchObject({ line: 0, path: '' });
    expect(p.message).toBe('the file is gzip-compressed data, not YAML text: decompress it first');
  });

  it('an executable', async () => {
    const fh = await open(process.execPath, 'r');
    const head = Buffer.alloc(4096);
    await fh.read(head, 0, head.length, 0);
    await fh.close();
    expect((await problemOf('node', head)).message).toBe('the file is an ELF executable, not YAML text');
  });

  it('random bytes', async () => {
    const p = await problemOf('random', noise(4096));
    expect(p.message).toMatch(
      /^the file (contains a NUL byte|contains the control character|is not UTF-8 text)/,
    );
  });

  it('random bytes without NUL or control characters', async () => {
    const bytes = Buffer.from([...noise(4096)].filter((b) => b >= 0x80 || (b >= 0x20 && b < 0x7f)));
    const p = await problemOf('random-high', bytes);
    expect(p.message).toMatch(
      /^the file is not UTF-8 text: byte 0x[0-9A-F]{2} does not begin a valid UTF-8 sequence$/,
    );
  });

  it('Latin-1 text, named at the line of the first byte that is not UTF-8', async () => {
    const text = Buffer.concat([Buffer.from(configText()), Buffer.from('# caf\xe9\n', 'latin1')]);
    const p = await problemOf('latin1.yaml', text);
    expect(p).toMatchObject({ line: configText().split('\n').length, column: 6 });
    expect(p.message).toBe('the file is not UTF-8 text: byte 0xE9 does not begin a valid UTF-8 sequence');
  });

  it('NUL bytes, named at the first', async () => {
    const p = await problemOf('nul.yaml', Buffer.concat([Buffer.from('maglev:\n  x'), Buffer.alloc(64)]));
    expect(p).toMatchObject({
      line: 2,
      column: 4,
      message: 'the file contains a NUL byte: it is binary data, not YAML text',
    });
  });

  it('a long line of text is not echoed', async () => {
    const p = await problemOf('long.txt', `${'x'.repeat(100_000)}\n`);
    expect(p.message).toMatch(
      /^the configuration must be a map with a "maglev:" key, not the string "x{60}\.\.\."$/,
    );
  });

  it('a long key is not echoed', async () => {
    const p = await problemOf('long-key.yaml', `maglev:\n  ${'k'.repeat(1000)}: 1\n`);
    expect(p.message).toMatch(/^unknown key "k{60}\.\.\." \(valid keys: /);
  });

  it('a file over 16 MiB, without reading it', async () => {
    const file = join(dir, 'big.yaml');
    const fh = await open(file, 'w');
    await fh.truncate(16 * 1024 * 1024 + 1);
    await fh.close();
    const err = (await loader.load(file).catch((e: unknown) => e)) as ConfigParseError;
    expect(err).toBeInstanceOf(ConfigParseError);
    expect(err.message).toBe(
      `${file}: the file is 16777217 bytes long; a configuration file may have at most 16 MiB (16777216 bytes): is this the right file?`,
    );
  });

  it('a file of exactly 16 MiB is read', async () => {
    const file = join(dir, 'just.yaml');
    const text = configText();
    await writeFile(file, text + '#'.repeat(16 * 1024 * 1024 - text.length));
    expect((await loader.load(file)).frontends.size).toBe(3);
  });

  it('a device that never ends', async () => {
    const err = (await loader.load('/dev/zero').catch((e: unknown) => e)) as ConfigParseError;
    expect(err).toBeInstanceOf(ConfigParseError);
    expect(err.message).toMatch(
      /^\/dev\/zero: the file is more than 16 MiB long; a configuration file may have at most 16 MiB/,
    );
  });

  it('text over 16 MiB handed to parse', () => {
    const { error } = problemsOf(`maglev: {}\n${'#'.repeat(16 * 1024 * 1024)}\n`);
    expect(error).toBeInstanceOf(ConfigParseError);
    expect(error.message).toMatch(/^maglev\.yaml: the file is 16777228 bytes long/);
  });

  it.each([
    ['UTF-16LE', (t: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')])],
    [
      'UTF-16BE',
      (t: string) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(t, 'utf16le').swap16()]),
    ],
    ['UTF-8 with a byte order mark', (t: string) => Buffer.from(`\ufeff${t}`)],
  ])("%s text loads, as Go's yaml.v3 reads it", async (_name, encode) => {
    const file = join(dir, 'utf16.yaml');
    await writeFile(file, encode(configText([['maglev.frontends.web.description', 'café ☕']])));
    expect((await loader.load(file)).frontends.get('web')?.description).toBe('café ☕');
  });

  it('UTF-16 that breaks off', async () => {
    const p = await problemOf('bad16.yaml', Buffer.from([0xff, 0xfe, 0x61, 0x00, 0x62]));
    expect(p.message).toBe('the file starts with a UTF-16 byte order mark but is not valid UTF-16 text');
  });
});
