import { stringify } from 'yaml';

/**
 * One validation rule, with a config that obeys it and one that breaks it. The unit tests load
 * both through ConfigLoader; the e2e test runs `maglevd --check` on each failing one.
 */
export interface RuleCase {
  readonly rule: string;
  readonly kind: 'parse' | 'semantic';
  readonly pass: string;
  readonly fail: string;
  /** The YAML path of the problem the failing config must report. */
  readonly path: string;
  readonly message: RegExp;
  /** Text the problem's line:column must point at, when it is worth checking. */
  readonly at?: string;
}

/**
 * Something the loader accepts but warns about. The unit tests load the config and look for the
 * warning; the e2e test runs `maglevd --check` on it, which exits 0 and prints it on stderr.
 */
export interface WarningCase {
  readonly rule: string;
  readonly config: string;
  readonly path: string;
  readonly message: RegExp;
  readonly at?: string;
}

type Ops = ReadonlyArray<readonly [string, unknown]>;

/** A valid config with every check type, both families and three frontends. */
export function baseConfig(): Record<string, unknown> {
  return {
    maglev: {
      healthchecker: { 'transition-history': 5 },
      healthchecks: {
        web: {
          type: 'http',
          port: 80,
          params: { path: '/healthz' },
          interval: '2s',
          timeout: '1s',
          rise: 2,
          fall: 3,
        },
        tls: { type: 'https', port: 443, params: { 'server-name': 'api.example.com' } },
        smtp: { type: 'tcp', port: 25 },
        ping: { type: 'icmp', interval: '1s' },
      },
      backends: {
        a4: { address: '192.0.2.10', healthcheck: 'web' },
        b4: { address: '192.0.2.11', healthcheck: 'web' },
        c4: { address: '192.0.2.12', healthcheck: 'smtp' },
        a6: { address: '2001:db8::10', healthcheck: 'tls' },
        b6: { address: '2001:db8::11', healthcheck: 'ping' },
      },
      frontends: {
        web: {
          address: '198.51.100.1',
          protocol: 'tcp',
          port: 80,
          pools: [
            { name: 'primary', backends: { a4: { weight: 100 } } },
            { name: 'fallback', backends: { b4: {} } },
          ],
        },
        api: {
          address: '2001:db8:100::1',
          port: 443,
          pools: [{ name: 'primary', backends: { a6: {}, b6: {} } }],
        },
        mail: { address: '198.51.100.2', port: 25, pools: [{ name: 'primary', backends: { c4: {} } }] },
      },
      vpp: { lb: { 'ipv4-src-address': '192.0.2.1', 'ipv6-src-address': '2001:db8::1' } },
    },
  };
}

/** Applies [dotted.path, value] edits to a fresh base config; undefined deletes. */
export function edited(ops: Ops): Record<string, unknown> {
  const root = baseConfig();
  for (const [path, value] of ops) {
    const keys = path.split('.');
    let node = root as Record<string, unknown>;
    for (const k of keys.slice(0, -1)) {
      if (node[k] === undefined || node[k] === null) node[k] = {};
      node = node[k] as Record<string, unknown>;
    }
    const last = keys[keys.length - 1] as string;
    if (value === undefined) delete node[last];
    else node[last] = value;
  }
  return root;
}

export function configText(ops: Ops = []): string {
  return stringify(edited(ops));
}

const BASE_TEXT = configText();

function semantic(rule: string, pass: Ops, fail: Ops, path: string, message: RegExp, at?: string): RuleCase {
  return { rule, kind: 'semantic', pass: configText(pass), fail: configText(fail), path, message, at };
}

function parse(rule: string, pass: Ops, fail: Ops, path: string, message: RegExp, at?: string): RuleCase {
  return { rule, kind: 'parse', pass: configText(pass), fail: configText(fail), path, message, at };
}

/** The base config with text replaced; throws when `from` is not in it exactly once. */
function replaced(from: string, to: string): string {
  if (BASE_TEXT.split(from).length !== 2) throw new Error(`not exactly once in the base config: ${from}`);
  return BASE_TEXT.replace(from, to);
}

function syntax(rule: string, from: string, to: string, path: string, message: RegExp, at: string): RuleCase {
  return { rule, kind: 'parse', pass: BASE_TEXT, fail: replaced(from, to), path, message, at };
}

const HC = 'maglev.healthchecks';
const BE = 'maglev.backends';
const FE = 'maglev.frontends';
const LB = 'maglev.vpp.lb';

export const parseCases: readonly RuleCase[] = [
  {
    rule: 'YAML syntax',
    kind: 'parse',
    pass: BASE_TEXT,
    fail: BASE_TEXT.replace('a4:\n      address: 192.0.2.10', 'a4:\n      address: "192.0.2.10'),
    path: 'maglev.backends.a4.address',
    message: /YAML syntax error: Missing closing "quote/,
    at: '"192.0.2.10',
  },
  // YAML syntax errors are named by the key on the line where the mistake is.
  syntax(
    'a key indented less than its neighbours',
    '      port: 80\n      params:\n',
    '     port: 80\n      params:\n',
    'maglev.healthchecks.web.port',
    /YAML syntax error: All mapping items must start at the same column/,
    'port: 80',
  ),
  syntax(
    'a key indented more than the key above it',
    '      port: 80\n      params:\n',
    '        port: 80\n      params:\n',
    'maglev.healthchecks.web.port',
    /YAML syntax error: .*: this line is indented further than the key above it, which already has a value/,
    'port: 80',
  ),
  syntax(
    'a key indented between a block scalar and its neighbours',
    '      address: 198.51.100.1\n      protocol: tcp\n',
    '      description: |\n        The web site\n       address: 198.51.100.1\n      protocol: tcp\n',
    'maglev.frontends.web.address',
    /YAML syntax error: All mapping items must start at the same column/,
    'address: 198.51.100.1',
  ),
  syntax(
    'a tab as indentation',
    '      port: 80\n      params:\n',
    '\tport: 80\n      params:\n',
    'maglev.healthchecks.web.port',
    /YAML syntax error: Tabs are not allowed as indentation/,
    '\tport',
  ),
  syntax(
    'an unclosed single quote',
    '      address: 192.0.2.11\n      healthcheck: web\n',
    "      address: 192.0.2.11\n      healthcheck: 'web\n",
    'maglev.backends.b4.healthcheck',
    /YAML syntax error: Missing closing 'quote/,
    "'web",
  ),
  syntax(
    'a stray colon after a value',
    'address: 192.0.2.11\n',
    'address: 192.0.2.11:\n',
    'maglev.backends.b4.address',
    /YAML syntax error: .*: a value that contains ": " or ends in ":" must be quoted/,
    '192.0.2.11:',
  ),
  syntax(
    'a stray colon inside a value',
    '      interval: 2s\n',
    '      interval: 2s: 3s\n',
    'maglev.healthchecks.web.interval',
    /a value that contains ": " or ends in ":" must be quoted/,
    '2s: 3s',
  ),
  syntax(
    'a key without its colon',
    '      rise: 2\n',
    '      rise 2\n',
    'maglev.healthchecks.web',
    /YAML syntax error: .*: a key is followed by ":" and a space, then its value/,
    'rise 2',
  ),
  syntax(
    'an unclosed flow map',
    '            b4: {}\n',
    '            b4: {\n',
    'maglev.frontends.web.pools[1].backends.b4',
    /YAML syntax error: Flow map .* end with a \}/,
    '{',
  ),
  syntax(
    'a list item among the keys of a map',
    '      rise: 2\n',
    '      - rise: 2\n',
    'maglev.healthchecks.web.rise',
    /a list item \("- "\) cannot stand among the keys of a map/,
    'rise: 2',
  ),
  syntax(
    'a list item indented less than the one before',
    '        - name: fallback\n',
    '       - name: fallback\n',
    'maglev.frontends.web.pools[1].name',
    /YAML syntax error/,
    'name: fallback',
  ),
  {
    rule: 'duplicate key',
    kind: 'parse',
    pass: BASE_TEXT,
    fail: BASE_TEXT.replace('    b4:\n', '    a4:\n'),
    path: 'maglev.backends.a4',
    message: /duplicate key "a4"/,
    at: 'a4:',
  },
  {
    rule: 'duplicate key inside an entry',
    kind: 'parse',
    pass: BASE_TEXT,
    fail: BASE_TEXT.replace('      port: 25\n', '      port: 25\n      port: 26\n'),
    path: 'maglev.healthchecks.smtp.port',
    message: /duplicate key "port"/,
    at: 'port: 26',
  },
  parse(
    'unknown key, with a suggestion',
    [[`${HC}.web.fast-interval`, '1s']],
    [[`${HC}.web.fast_interval`, '1s']],
    `${HC}.web.fast_interval`,
    /unknown key "fast_interval" \(did you mean "fast-interval"\?\)/,
    'fast_interval:',
  ),
  parse(
    'unknown key, listing the valid ones',
    [],
    [[`${FE}.web.colour`, 'blue']],
    `${FE}.web.colour`,
    /unknown key "colour" \(valid keys: description, address, protocol, port, src-ip-sticky, flush-on-down, pools\)/,
    'colour:',
  ),
  parse(
    'unknown top-level key',
    [],
    [['maglevd', {}]],
    'maglevd',
    /unknown key "maglevd" \(did you mean "maglev"\?\)/,
    'maglevd:',
  ),
  parse(
    'unknown key in a pool member',
    [[`${FE}.web.pools`, [{ name: 'p', backends: { a4: { weight: 5 } } }]]],
    [[`${FE}.web.pools`, [{ name: 'p', backends: { a4: { wieght: 5 } } }]]],
    `${FE}.web.pools[0].backends.a4.wieght`,
    /did you mean "weight"/,
  ),
  parse(
    'params of a tcp check that are not a map',
    [[`${HC}.smtp.params`, { anything: 1 }]],
    [[`${HC}.smtp.params`, ['path']]],
    `${HC}.smtp.params`,
    /params must be a map, not a list/,
  ),
  parse(
    'params on an icmp check',
    [[`${HC}.ping.params`, null]],
    [[`${HC}.ping.params`, { count: 3 }]],
    `${HC}.ping.params.count`,
    /icmp checks take no params/,
  ),
  parse(
    'https-only params on an http check',
    [[`${HC}.tls.params.insecure-skip-verify`, true]],
    [[`${HC}.web.params.insecure-skip-verify`, true]],
    `${HC}.web.params.insecure-skip-verify`,
    /applies to https checks only/,
  ),
  parse(
    'unknown params key on an http check',
    [[`${HC}.web.params.method`, 'HEAD']],
    [[`${HC}.web.params.methd`, 'HEAD']],
    `${HC}.web.params.methd`,
    /did you mean "method"/,
  ),
  parse(
    'integer field given a string',
    [[`${HC}.web.port`, 8080]],
    [[`${HC}.web.port`, 'eighty']],
    `${HC}.web.port`,
    /port must be a whole number, not the string "eighty"/,
    'eighty',
  ),
  parse(
    'integer field given a fraction',
    [[`${FE}.web.pools.0.backends.a4.weight`, 0]],
    [[`${FE}.web.pools`, [{ name: 'p', backends: { a4: { weight: 1.5 } } }]]],
    `${FE}.web.pools[0].backends.a4.weight`,
    /weight must be a whole number, not the number 1.5/,
    '1.5',
  ),
  parse('list where a map belongs', [], [[BE, ['a4', 'b4']]], BE, /backends must be a map, not a list/),
  parse(
    'map where a list belongs',
    [],
    [[`${FE}.web.pools`, { primary: { a4: {} } }]],
    `${FE}.web.pools`,
    /pools must be a list, not a map/,
  ),
  parse(
    'boolean field given a word',
    [[`${BE}.a4.enabled`, false]],
    [[`${BE}.a4.enabled`, 'maybe']],
    `${BE}.a4.enabled`,
    /enabled must be true or false, not the string "maybe"/,
  ),
  parse(
    'string field given a map',
    [[`${FE}.web.description`, 'the web site']],
    [[`${FE}.web.description`, { text: 'x' }]],
    `${FE}.web.description`,
    /description must be a string, not a map/,
  ),
  parse(
    'duration without a unit',
    [[`${HC}.web.interval`, '2s']],
    [[`${HC}.web.interval`, 2]],
    `${HC}.web.interval`,
    /interval needs a unit, such as "2s"/,
  ),
  parse(
    'duration that does not parse',
    [[`${LB}.flow-timeout`, '1m']],
    [[`${LB}.flow-timeout`, 'forty seconds']],
    `${LB}.flow-timeout`,
    /flow-timeout: invalid duration "forty seconds"/,
  ),
  parse(
    'section of the wrong type',
    [],
    [['maglev.vpp', 'lb']],
    'maglev.vpp',
    /vpp must be a map, not the string "lb"/,
  ),
  {
    rule: 'no maglev section',
    kind: 'parse',
    pass: BASE_TEXT,
    fail: 'frontends: {}\n',
    path: 'maglev',
    message: /top-level "maglev:" map/,
  },
  {
    rule: 'empty file',
    kind: 'parse',
    pass: 'maglev: {}\n',
    fail: '# nothing here\n',
    path: '',
    message: /the file is empty/,
  },
  {
    rule: 'a NUL byte',
    kind: 'parse',
    pass: BASE_TEXT,
    fail: replaced('      rise: 2\n', '      rise: 2\0\n'),
    path: '',
    message: /the file contains a NUL byte: it is binary data, not YAML text$/,
    at: '\0',
  },
  {
    rule: 'a control character',
    kind: 'parse',
    pass: BASE_TEXT,
    fail: replaced('      rise: 2\n', '      rise: \x1b[1m2\n'),
    path: '',
    message: /the file contains the control character U\+001B: YAML text may hold tabs/,
    at: '\x1b',
  },
];

export const semanticCases: readonly RuleCase[] = [
  semantic(
    'a pool names a backend that does not exist',
    [[`${FE}.web.pools.0.backends.c4`, {}]],
    [[`${FE}.web.pools.0.backends.a5`, {}]],
    `${FE}.web.pools[0].backends.a5`,
    /backend "a5" does not exist \(did you mean "a4"\?\)/,
    'a5:',
  ),
  semantic(
    'a backend names a healthcheck that does not exist',
    [[`${BE}.a4.healthcheck`, 'smtp']],
    [[`${BE}.a4.healthcheck`, 'webb']],
    `${BE}.a4.healthcheck`,
    /healthcheck "webb" does not exist \(did you mean "web"\?\)/,
    'webb',
  ),
  semantic(
    'a backend without a healthcheck',
    [],
    [[`${BE}.a4.healthcheck`, undefined]],
    `${BE}.a4.healthcheck`,
    /healthcheck is required/,
    'a4:',
  ),
  semantic(
    'check type not icmp, tcp, http or https',
    [[`${HC}.smtp.type`, 'icmp']],
    [[`${HC}.web.type`, 'htp']],
    `${HC}.web.type`,
    /type "htp" is not one of icmp, tcp, http, https \(did you mean "http"\?\)/,
    'htp',
  ),
  semantic(
    'check without a type',
    [],
    [[`${HC}.smtp.type`, undefined]],
    `${HC}.smtp.type`,
    /type is required/,
    'smtp:',
  ),
  semantic(
    'a frontend without pools',
    [
      [
        `${FE}.mail.pools`,
        [
          { name: 'a', backends: { c4: {} } },
          { name: 'b', backends: { b4: {} } },
        ],
      ],
    ],
    [[`${FE}.mail.pools`, []]],
    `${FE}.mail.pools`,
    /a frontend needs at least one pool/,
  ),
  semantic(
    'pools missing altogether',
    [],
    [[`${FE}.mail.pools`, undefined]],
    `${FE}.mail.pools`,
    /a frontend needs at least one pool/,
    'mail:',
  ),
  semantic(
    'a pool without backends',
    [],
    [[`${FE}.mail.pools`, [{ name: 'primary', backends: {} }]]],
    `${FE}.mail.pools[0].backends`,
    /pool "primary" has no backends/,
  ),
  semantic(
    'a pool without a name',
    [[`${FE}.web.pools.1.name`, 'spare']],
    [[`${FE}.web.pools.1.name`, undefined]],
    `${FE}.web.pools[1].name`,
    /every pool needs a name/,
    'backends:',
  ),
  semantic(
    'two pools of one frontend with the same name',
    [[`${FE}.mail.pools.0.name`, 'fallback']],
    [[`${FE}.web.pools.1.name`, 'primary']],
    `${FE}.web.pools[1].name`,
    /pool name "primary" is already used by pools\[0\] of this frontend/,
    'primary',
  ),
  semantic(
    'a weight above 100',
    [[`${FE}.web.pools.0.backends.a4.weight`, 100]],
    [[`${FE}.web.pools.0.backends.a4.weight`, 101]],
    `${FE}.web.pools[0].backends.a4.weight`,
    /weight must be 0-100, got 101/,
    '101',
  ),
  semantic(
    'a weight below 0',
    [[`${FE}.web.pools.0.backends.a4.weight`, 0]],
    [[`${FE}.web.pools.0.backends.a4.weight`, -1]],
    `${FE}.web.pools[0].backends.a4.weight`,
    /weight must be 0-100, got -1/,
    '-1',
  ),
  semantic(
    'address families mixed among the backends of a frontend',
    [[`${FE}.web.address`, '2001:db8:100::80']],
    [[`${FE}.web.pools.1.backends`, { a6: {} }]],
    `${FE}.web.pools[1].backends.a6`,
    /backend "a6" is IPv6 but backend "a4" in pool "primary" is IPv4/,
    'a6:',
  ),
  semantic(
    'two frontends with the same address, protocol and port',
    [[`${FE}.mail.address`, '198.51.100.1']],
    [
      [`${FE}.mail.address`, '198.51.100.1'],
      [`${FE}.mail.port`, 80],
    ],
    `${FE}.mail`,
    /frontend "mail" has the same address, protocol and port \(198.51.100.1 tcp\/80\) as frontend "web"/,
    'mail:',
  ),
  semantic(
    'an all-port frontend and a per-port frontend on one address',
    [
      [`${FE}.mail.protocol`, 'any'],
      [`${FE}.mail.port`, undefined],
    ],
    [
      [`${FE}.mail.address`, '198.51.100.1'],
      [`${FE}.mail.protocol`, 'any'],
      [`${FE}.mail.port`, undefined],
    ],
    `${FE}.mail`,
    /frontend "mail" \(all ports\) and frontend "web" \(tcp\/80\) share the address 198.51.100.1/,
    'mail:',
  ),
  semantic(
    'per-port frontends of one address with backends of different families',
    [
      [`${FE}.mail.address`, '198.51.100.1'],
      [`${FE}.mail.protocol`, 'udp'],
    ],
    [
      [`${FE}.api.address`, '198.51.100.1'],
      [`${FE}.api.port`, 443],
    ],
    `${FE}.api`,
    /frontend "api" has IPv6 backends but frontend "web" on the same address 198.51.100.1 has IPv4 backends/,
    'api:',
  ),
  semantic(
    'protocol any with a port',
    [
      [`${FE}.mail.protocol`, 'any'],
      [`${FE}.mail.port`, 0],
    ],
    [[`${FE}.mail.protocol`, 'any']],
    `${FE}.mail.port`,
    /protocol any serves all ports, so it takes no port/,
    '25',
  ),
  semantic(
    'protocol not tcp, udp or any',
    [[`${FE}.mail.protocol`, 'udp']],
    [[`${FE}.mail.protocol`, 'tpc']],
    `${FE}.mail.protocol`,
    /protocol "tpc" is not one of tcp, udp, any \(did you mean "tcp"\?\)/,
  ),
  semantic(
    'a tcp frontend without a port',
    [],
    [[`${FE}.mail.port`, undefined]],
    `${FE}.mail.port`,
    /port is required for protocol tcp/,
  ),
  semantic(
    'a frontend port out of range',
    [[`${FE}.mail.port`, 65535]],
    [[`${FE}.mail.port`, 65536]],
    `${FE}.mail.port`,
    /port must be 1-65535 for protocol tcp, got 65536/,
  ),
  semantic(
    'a frontend without an address',
    [],
    [[`${FE}.mail.address`, undefined]],
    `${FE}.mail.address`,
    /address is required/,
    'mail:',
  ),
  semantic(
    'a VIP that is not one address',
    [[`${FE}.mail.address`, '198.51.100.0']],
    [[`${FE}.mail.address`, '198.51.100.0/24']],
    `${FE}.mail.address`,
    /address "198.51.100.0\/24" is not an IP address: give a single address, without a prefix length/,
  ),
  semantic(
    'a backend address that is a prefix',
    [[`${BE}.a4.address`, '192.0.2.99']],
    [[`${BE}.a4.address`, '192.0.2.10/32']],
    `${BE}.a4.address`,
    /address "192.0.2.10\/32" is not an IP address: give a single address/,
  ),
  semantic(
    'a backend address that is a name',
    [[`${BE}.a6.address`, '2001:DB8:0:0::10']],
    [[`${BE}.a6.address`, 'web1.example.com']],
    `${BE}.a6.address`,
    /address "web1.example.com" is not an IP address$/,
  ),
  semantic(
    'a backend without an address',
    [],
    [[`${BE}.a4.address`, undefined]],
    `${BE}.a4.address`,
    /address is required/,
  ),
  semantic(
    'an address VPP would read as IPv4',
    [[`${BE}.a6.address`, '2001:db8::1:2:3']],
    [[`${BE}.a6.address`, '::192.0.2.1']],
    `${BE}.a6.address`,
    /address ::c000:201 lies in ::\/96, which VPP reads as an IPv4 address/,
  ),
  semantic(
    'a tcp check without a port',
    [[`${HC}.ping.port`, undefined]],
    [[`${HC}.smtp.port`, undefined]],
    `${HC}.smtp.port`,
    /port is required for tcp checks/,
    'smtp:',
  ),
  semantic(
    'an http check without a port',
    [[`${HC}.ping.port`, 7]],
    [[`${HC}.web.port`, undefined]],
    `${HC}.web.port`,
    /port is required for http checks/,
  ),
  semantic(
    'an https check without a port',
    [],
    [[`${HC}.tls.port`, undefined]],
    `${HC}.tls.port`,
    /port is required for https checks/,
  ),
  semantic(
    'a check port out of range',
    [[`${HC}.smtp.port`, 1]],
    [[`${HC}.smtp.port`, 0]],
    `${HC}.smtp.port`,
    /port must be 1-65535, got 0/,
  ),
  semantic(
    'rise below 1',
    [[`${HC}.web.rise`, 1]],
    [[`${HC}.web.rise`, 0]],
    `${HC}.web.rise`,
    /rise must be at least 1, got 0/,
  ),
  semantic(
    'fall below 1',
    [[`${HC}.web.fall`, 1]],
    [[`${HC}.web.fall`, 0]],
    `${HC}.web.fall`,
    /fall must be at least 1, got 0/,
  ),
  semantic(
    'an interval that is not positive',
    [[`${HC}.web.down-interval`, '10m']],
    [[`${HC}.web.down-interval`, '0s']],
    `${HC}.web.down-interval`,
    /down-interval must be positive, got 0s/,
  ),
  semantic(
    'a timeout that is not positive',
    [[`${HC}.web.timeout`, '1ms']],
    [[`${HC}.web.timeout`, '-1s']],
    `${HC}.web.timeout`,
    /timeout must be positive, got -1s/,
  ),
  semantic(
    'transition-history below 1',
    [['maglev.healthchecker.transition-history', 1]],
    [['maglev.healthchecker.transition-history', 0]],
    'maglev.healthchecker.transition-history',
    /transition-history must be at least 1, got 0/,
  ),
  semantic(
    'probe-ipv4-src of the wrong family',
    [[`${HC}.ping.probe-ipv4-src`, '192.0.2.1']],
    [[`${HC}.ping.probe-ipv4-src`, '2001:db8::1']],
    `${HC}.ping.probe-ipv4-src`,
    /probe-ipv4-src must be an IPv4 address, got IPv6 2001:db8::1/,
  ),
  semantic(
    'probe-ipv6-src of the wrong family',
    [[`${HC}.ping.probe-ipv6-src`, '2001:db8::1']],
    [[`${HC}.ping.probe-ipv6-src`, '192.0.2.1']],
    `${HC}.ping.probe-ipv6-src`,
    /probe-ipv6-src must be an IPv6 address, got IPv4 192.0.2.1/,
  ),
  semantic(
    'http path not starting with /',
    [[`${HC}.web.params.path`, '/']],
    [[`${HC}.web.params.path`, 'healthz']],
    `${HC}.web.params.path`,
    /path must start with "\/", got "healthz"/,
  ),
  semantic(
    'http method not GET or HEAD',
    [[`${HC}.web.params.method`, 'head']],
    [[`${HC}.web.params.method`, 'POST']],
    `${HC}.web.params.method`,
    /method must be GET or HEAD, got "POST"/,
  ),
  semantic(
    'response-codes that are not codes',
    [[`${HC}.web.params.response-codes`, '200-299, 301']],
    [[`${HC}.web.params.response-codes`, '2xx']],
    `${HC}.web.params.response-codes`,
    /response-codes must be a list of codes and ranges such as "200-299,301"; "2xx" is neither/,
  ),
  semantic(
    'a response code out of range',
    [[`${HC}.web.params.response-codes`, 204]],
    [[`${HC}.web.params.response-codes`, '200-600']],
    `${HC}.web.params.response-codes`,
    /600 is not an HTTP status code \(100-599\)/,
  ),
  semantic(
    'a response code range written backwards',
    [[`${HC}.web.params.response-codes`, '100-599']],
    [[`${HC}.web.params.response-codes`, '299-200']],
    `${HC}.web.params.response-codes`,
    /the range 299-200 is empty/,
  ),
  semantic(
    'a response-regex that does not compile',
    [[`${HC}.web.params.response-regex`, '^(ok|up)$']],
    [[`${HC}.web.params.response-regex`, '(ok']],
    `${HC}.web.params.response-regex`,
    /response-regex is not a valid JavaScript regular expression/,
  ),
  semantic(
    'ipv4-src-address missing while a frontend has IPv4 backends',
    [
      [`${FE}.web`, undefined],
      [`${FE}.mail`, undefined],
      [`${LB}.ipv4-src-address`, undefined],
    ],
    [[`${LB}.ipv4-src-address`, undefined]],
    `${LB}.ipv4-src-address`,
    /ipv4-src-address is required: frontend "web" has IPv4 backends, and VPP needs an IPv4 source address for their GRE4 tunnels/,
    'lb:',
  ),
  semantic(
    'ipv6-src-address missing while a frontend has IPv6 backends',
    [
      [`${FE}.api`, undefined],
      [`${LB}.ipv6-src-address`, undefined],
    ],
    [[`${LB}.ipv6-src-address`, undefined]],
    `${LB}.ipv6-src-address`,
    /ipv6-src-address is required: frontend "api" has IPv6 backends/,
  ),
  semantic(
    'the vpp section absent while a source address is needed',
    [
      [`${FE}`, {}],
      ['maglev.vpp', undefined],
    ],
    [['maglev.vpp', undefined]],
    `${LB}.ipv4-src-address`,
    /ipv4-src-address is required/,
  ),
  semantic(
    'ipv4-src-address of the wrong family',
    [[`${LB}.ipv4-src-address`, '198.51.100.254']],
    [[`${LB}.ipv4-src-address`, '2001:db8::1']],
    `${LB}.ipv4-src-address`,
    /ipv4-src-address must be an IPv4 address, got IPv6 2001:db8::1/,
  ),
  semantic(
    'ipv6-src-address of the wrong family',
    [[`${LB}.ipv6-src-address`, '2001:db8::fe']],
    [[`${LB}.ipv6-src-address`, '192.0.2.1']],
    `${LB}.ipv6-src-address`,
    /ipv6-src-address must be an IPv6 address, got IPv4 192.0.2.1/,
  ),
  semantic(
    'ipv4-src-address unspecified',
    [[`${LB}.ipv4-src-address`, '0.0.0.1']],
    [[`${LB}.ipv4-src-address`, '0.0.0.0']],
    `${LB}.ipv4-src-address`,
    /ipv4-src-address 0.0.0.0 is the unspecified address, which cannot be a packet's source: VPP would send GRE4 packets that no network delivers/,
    '0.0.0.0',
  ),
  semantic(
    'ipv6-src-address unspecified',
    [[`${LB}.ipv6-src-address`, '::2']],
    [[`${LB}.ipv6-src-address`, '0:0::0']],
    `${LB}.ipv6-src-address`,
    /ipv6-src-address :: is the unspecified address, which cannot be a packet's source: VPP would send GRE6 packets/,
    '0:0::0',
  ),
  semantic(
    'an unused source address that is unspecified',
    [
      [`${FE}.api`, undefined],
      [`${LB}.ipv6-src-address`, undefined],
    ],
    [
      [`${FE}.api`, undefined],
      [`${LB}.ipv6-src-address`, '::'],
    ],
    `${LB}.ipv6-src-address`,
    /is the unspecified address/,
  ),
  semantic(
    'sticky-buckets-per-core not a power of 2',
    [[`${LB}.sticky-buckets-per-core`, 1024]],
    [[`${LB}.sticky-buckets-per-core`, 1000]],
    `${LB}.sticky-buckets-per-core`,
    /sticky-buckets-per-core must be a power of 2 \(such as 65536\), got 1000/,
  ),
  semantic(
    'sticky-buckets-per-core 0',
    [[`${LB}.sticky-buckets-per-core`, 1]],
    [[`${LB}.sticky-buckets-per-core`, 0]],
    `${LB}.sticky-buckets-per-core`,
    /must be a power of 2 \(such as 65536\), got 0/,
  ),
  semantic(
    'sticky-buckets-per-core too large for VPP',
    [[`${LB}.sticky-buckets-per-core`, 2 ** 25]],
    [[`${LB}.sticky-buckets-per-core`, 2 ** 26]],
    `${LB}.sticky-buckets-per-core`,
    /must be at most 33554432/,
  ),
  semantic(
    'flow-timeout not whole seconds',
    [[`${LB}.flow-timeout`, '2m']],
    [[`${LB}.flow-timeout`, '1500ms']],
    `${LB}.flow-timeout`,
    /flow-timeout must be a whole number of seconds from 1s to 120s, got 1.5s/,
  ),
  semantic(
    'flow-timeout above 120s',
    [[`${LB}.flow-timeout`, '120s']],
    [[`${LB}.flow-timeout`, '121s']],
    `${LB}.flow-timeout`,
    /from 1s to 120s, got 2m1s/,
  ),
  semantic(
    'flow-timeout below 1s',
    [[`${LB}.flow-timeout`, '1s']],
    [[`${LB}.flow-timeout`, '0s']],
    `${LB}.flow-timeout`,
    /from 1s to 120s, got 0s/,
  ),
  semantic(
    'sync-interval not positive',
    [[`${LB}.sync-interval`, '1s']],
    [[`${LB}.sync-interval`, '0s']],
    `${LB}.sync-interval`,
    /sync-interval must be positive, got 0s/,
  ),
  semantic(
    'startup-min-delay above startup-max-delay',
    [
      [`${LB}.startup-min-delay`, '0s'],
      [`${LB}.startup-max-delay`, '0s'],
    ],
    [
      [`${LB}.startup-min-delay`, '40s'],
      [`${LB}.startup-max-delay`, '30s'],
    ],
    `${LB}.startup-min-delay`,
    /startup-min-delay \(40s\) must not be longer than startup-max-delay \(30s\)/,
  ),
  semantic(
    'a negative startup delay',
    [[`${LB}.startup-max-delay`, '1m']],
    [[`${LB}.startup-max-delay`, '-1s']],
    `${LB}.startup-max-delay`,
    /startup-max-delay must not be negative/,
  ),
];

function warning(rule: string, ops: Ops, path: string, message: RegExp, at?: string): WarningCase {
  return { rule, config: configText(ops), path, message, at };
}

export const warningCases: readonly WarningCase[] = [
  // ORIGINAL.md §1.7's own example: interval 2s, timeout 3s.
  warning(
    'a timeout no interval exceeds',
    [[`${HC}.web.timeout`, '3s']],
    `${HC}.web.timeout`,
    /^timeout 3s is not shorter than any interval of the check \(the longest, interval, is 2s\): a backend that stops answering is probed only every 5s \(timeout plus fast-interval\), so it is found down later$/,
    '3s',
  ),
  warning(
    'a timeout equal to the longest interval',
    [
      [`${HC}.web.fast-interval`, '500ms'],
      [`${HC}.web.down-interval`, '5s'],
      [`${HC}.web.timeout`, '5s'],
    ],
    `${HC}.web.timeout`,
    /the longest, down-interval, is 5s\): a backend that stops answering is probed only every 5.5s/,
  ),
  warning(
    'params on a tcp check',
    [[`${HC}.smtp.params`, { path: '/', send: 'PING' }]],
    `${HC}.smtp.params.send`,
    /^params "send" has no effect on a tcp check, and is ignored: a tcp check passes when the backend accepts the connection$/,
    'send:',
  ),
  warning(
    'two backends with the same address in one frontend',
    [[`${BE}.b4.address`, '192.0.2.10']],
    `${FE}.web.pools[1].backends.b4`,
    /^backend "b4" has the same address \(192.0.2.10\) as backend "a4" in pool "primary": VPP holds one application server per address per VIP, so both are one, with the larger of their effective weights$/,
    'b4:',
  ),
];
