import { describe, expect, it } from 'vitest';
import { ConfigLoader } from '../../../lib/config/loader.js';
import type { Config } from '../../../lib/config/types.js';
import { chooseProbe, formatEndpoint, vipTargets } from '../../../lib/tui/targets.js';

const HEAD = `maglev:
  vpp:
    lb: { ipv4-src-address: 192.0.2.254, ipv6-src-address: 2001:db8::fe }
  healthchecks:
    http80: { type: http, port: 80 }
    http9000: { type: http, port: 9000 }
    https9443: { type: https, port: 9443 }
    tcp25: { type: tcp, port: 25 }
    ping: { type: icmp }
  backends:
    web: { address: 192.0.2.10, healthcheck: http80 }
    app: { address: 192.0.2.11, healthcheck: http9000 }
    api: { address: 192.0.2.12, healthcheck: https9443 }
    mx: { address: 192.0.2.13, healthcheck: tcp25 }
    rtr: { address: 192.0.2.14, healthcheck: ping }
    web6: { address: 2001:db8::10, healthcheck: http80 }
  frontends:
`;

function load(frontends: string): Config {
  return new ConfigLoader().parse(HEAD + frontends, { filename: 'test.yaml' });
}

function frontend(protocol: string, port: number | null, ...backends: string[]): string {
  const pools = backends.map((b, i) => `        - name: p${i}\n          backends: { ${b}: {} }\n`).join('');
  return `    fe:\n      address: 198.51.100.1\n      protocol: ${protocol}\n${port === null ? '' : `      port: ${port}\n`}      pools:\n${pools}`;
}

describe('chooseProbe', () => {
  it.each<[string, string, { kind: string | null; port: number; reason: string }]>([
    ['https by port 443', frontend('tcp', 443, 'web'), { kind: 'https', port: 443, reason: 'port 443' }],
    ['https by port 8443', frontend('tcp', 8443, 'mx'), { kind: 'https', port: 8443, reason: 'port 8443' }],
    [
      'http by port 80, whatever the checks',
      frontend('tcp', 80, 'mx'),
      { kind: 'http', port: 80, reason: 'port 80' },
    ],
    ['http by port 8080', frontend('tcp', 8080, 'rtr'), { kind: 'http', port: 8080, reason: 'port 8080' }],
    [
      'http by a health check on the same port',
      frontend('tcp', 9000, 'app'),
      { kind: 'http', port: 9000, reason: 'health check http9000' },
    ],
    [
      'https by a health check on the same port, in a later pool',
      frontend('tcp', 9443, 'mx', 'api'),
      { kind: 'https', port: 9443, reason: 'health check https9443' },
    ],
    [
      'tcp when the HTTP check probes another port',
      frontend('tcp', 9001, 'app'),
      { kind: 'tcp', port: 9001, reason: 'no HTTP health check on this port' },
    ],
    [
      'tcp for SMTP',
      frontend('tcp', 25, 'mx'),
      { kind: 'tcp', port: 25, reason: 'no HTTP health check on this port' },
    ],
    ['udp is never probed', frontend('udp', 53, 'rtr'), { kind: null, port: 53, reason: 'udp' }],
    [
      'any: the first health check with a port',
      frontend('any', null, 'rtr', 'api', 'web'),
      { kind: 'https', port: 9443, reason: 'protocol any: port of health check https9443' },
    ],
    [
      'any with a tcp check: a connect',
      frontend('any', null, 'mx'),
      { kind: 'tcp', port: 25, reason: 'protocol any: port of health check tcp25' },
    ],
    [
      'any with only icmp checks: not probed',
      frontend('any', null, 'rtr'),
      { kind: null, port: 0, reason: 'protocol any, and no health check has a port' },
    ],
  ])('%s', (_what, yaml, want) => {
    const config = load(yaml);
    expect(chooseProbe(config.frontends.get('fe')!, config)).toEqual(want);
  });
});

describe('vipTargets', () => {
  const a =
    load(`    web: { address: 198.51.100.1, protocol: tcp, port: 80, pools: [{ name: p, backends: { web: {} } }] }
    mail: { address: 198.51.100.2, protocol: tcp, port: 25, pools: [{ name: p, backends: { mx: {} } }] }
    web6: { address: 2001:db8:1::1, protocol: tcp, port: 443, pools: [{ name: p, backends: { web6: {} } }] }
`);
  const b =
    load(`    web: { address: 198.51.100.1, protocol: tcp, port: 80, pools: [{ name: p, backends: { web: {} } }] }
    mail: { address: 198.51.100.9, protocol: tcp, port: 25, pools: [{ name: p, backends: { mx: {} } }] }
    dns: { address: 198.51.100.3, protocol: udp, port: 53, pools: [{ name: p, backends: { rtr: {} } }] }
`);
  const both = [
    { file: '/etc/vpp-maglev/lb1.yaml', config: a },
    { file: '/etc/vpp-maglev/lb2.yml', config: b },
  ];

  it('lists VIPs in file then config order, one row per VIP, qualifying names two VIPs share', () => {
    expect(vipTargets(both).map((t) => [t.name, formatEndpoint(t), t.kind, t.file])).toEqual([
      ['web', '198.51.100.1:80', 'http', '/etc/vpp-maglev/lb1.yaml'],
      ['lb1/mail', '198.51.100.2:25', 'tcp', '/etc/vpp-maglev/lb1.yaml'],
      ['web6', '[2001:db8:1::1]:443', 'https', '/etc/vpp-maglev/lb1.yaml'],
      ['lb2/mail', '198.51.100.9:25', 'tcp', '/etc/vpp-maglev/lb2.yml'],
      ['dns', '198.51.100.3:53/udp', null, '/etc/vpp-maglev/lb2.yml'],
    ]);
  });

  it('keeps the VIPs whose name, label or address matches the filter', () => {
    expect(vipTargets(both, /^web/).map((t) => t.name)).toEqual(['web', 'web6']);
    expect(vipTargets(both, /lb2\//).map((t) => t.name)).toEqual(['lb2/mail']);
    expect(vipTargets(both, /^198\.51\.100\.[23]$/).map((t) => t.name)).toEqual(['lb1/mail', 'dns']);
    expect(vipTargets(both, /nothing/)).toEqual([]);
  });

  it('formats endpoints', () => {
    expect(formatEndpoint({ address: '192.0.2.1', port: 0, protocol: 'any' })).toBe('192.0.2.1');
    expect(formatEndpoint({ address: '2001:db8::1', port: 0, protocol: 'any' })).toBe('[2001:db8::1]');
    expect(formatEndpoint({ address: '2001:db8::1', port: 53, protocol: 'udp' })).toBe(
      '[2001:db8::1]:53/udp',
    );
  });
});
