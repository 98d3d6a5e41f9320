import { describe, expect, it } from 'vitest';
import { type ConfigDiff, diffConfig } from '../../../lib/config/diff.js';
import { ConfigLoader } from '../../../lib/config/loader.js';
import { configText } from './cases.js';

const loader = new ConfigLoader();
const before = loader.parse(configText());

type Ops = Parameters<typeof configText>[0];

const none = { added: [], removed: [], changed: [] };

/** The expected diff: only what a case names differs from "nothing changed". */
function diff(parts: {
  healthchecks?: Partial<ConfigDiff['healthchecks']>;
  backends?: Partial<ConfigDiff['backends']>;
  frontends?: Partial<ConfigDiff['frontends']>;
  healthchecker?: boolean;
  vpp?: boolean;
}): ConfigDiff {
  return {
    healthchecks: { ...none, ...parts.healthchecks },
    backends: { ...none, healthcheckChanged: [], ...parts.backends },
    frontends: { ...none, ...parts.frontends },
    healthchecker: parts.healthchecker ?? false,
    vpp: parts.vpp ?? false,
  };
}

const cases: Array<[string, Ops, ConfigDiff]> = [
  ['nothing', [], diff({})],
  ['a comment-only change of defaults written out', [['maglev.backends.a4.enabled', true]], diff({})],
  [
    'a new backend, not used yet',
    [['maglev.backends.d4', { address: '192.0.2.13', healthcheck: 'smtp' }]],
    diff({ backends: { added: ['d4'] } }),
  ],
  [
    'a removed backend and the pool that used it',
    [
      ['maglev.backends.c4', undefined],
      ['maglev.frontends.mail.pools', [{ name: 'primary', backends: { b4: {} } }]],
    ],
    diff({ backends: { removed: ['c4'] }, frontends: { changed: ['mail'] } }),
  ],
  [
    'a backend disabled in the file',
    [['maglev.backends.b4.enabled', false]],
    diff({ backends: { changed: ['b4'] } }),
  ],
  [
    'a backend address change keeps its health check',
    [['maglev.backends.b4.address', '192.0.2.99']],
    diff({ backends: { changed: ['b4'] } }),
  ],
  [
    'a backend re-pointed to another check',
    [['maglev.backends.b4.healthcheck', 'smtp']],
    diff({ backends: { changed: ['b4'], healthcheckChanged: ['b4'] } }),
  ],
  [
    'a backend re-pointed to an identical check under another name',
    [
      ['maglev.healthchecks.smtp2', { type: 'tcp', port: 25 }],
      ['maglev.backends.c4.healthcheck', 'smtp2'],
    ],
    diff({ healthchecks: { added: ['smtp2'] }, backends: { changed: ['c4'], healthcheckChanged: ['c4'] } }),
  ],
  [
    'a changed check restarts every backend that uses it',
    [['maglev.healthchecks.web.rise', 5]],
    diff({ healthchecks: { changed: ['web'] }, backends: { healthcheckChanged: ['a4', 'b4'] } }),
  ],
  [
    'a changed default is a change',
    [['maglev.healthchecks.smtp.interval', '3s']],
    diff({ healthchecks: { changed: ['smtp'] }, backends: { healthcheckChanged: ['c4'] } }),
  ],
  [
    'a removed check, a new one',
    [
      ['maglev.healthchecks.ping', undefined],
      ['maglev.healthchecks.ping2', { type: 'icmp', interval: '1s' }],
      ['maglev.backends.b6.healthcheck', 'ping2'],
    ],
    diff({
      healthchecks: { added: ['ping2'], removed: ['ping'] },
      backends: { changed: ['b6'], healthcheckChanged: ['b6'] },
    }),
  ],
  [
    'a pool weight',
    [['maglev.frontends.web.pools.0.backends.a4.weight', 10]],
    diff({ frontends: { changed: ['web'] } }),
  ],
  [
    'pool order',
    [
      [
        'maglev.frontends.web.pools',
        [
          { name: 'fallback', backends: { b4: {} } },
          { name: 'primary', backends: { a4: {} } },
        ],
      ],
    ],
    diff({ frontends: { changed: ['web'] } }),
  ],
  [
    'a frontend added and one removed',
    [
      ['maglev.frontends.mail', undefined],
      [
        'maglev.frontends.smtp',
        { address: '198.51.100.3', port: 25, pools: [{ name: 'p', backends: { c4: {} } }] },
      ],
    ],
    diff({ frontends: { added: ['smtp'], removed: ['mail'] } }),
  ],
  ['the healthchecker section', [['maglev.healthchecker.netns', 'dp']], diff({ healthchecker: true })],
  ['the vpp section', [['maglev.vpp.lb.flow-timeout', '30s']], diff({ vpp: true })],
];

describe('diffConfig', () => {
  it.each(cases)('%s', (_name, ops, want) => {
    expect(diffConfig(before, loader.parse(configText(ops)))).toEqual(want);
  });

  it('lists added and changed names in the new order, removed ones in the old', () => {
    const a = loader.parse(configText());
    const b = loader.parse(
      configText([
        [
          'maglev.backends',
          {
            z: { address: '192.0.2.50', healthcheck: 'web' },
            y: { address: '192.0.2.51', healthcheck: 'web' },
          },
        ],
        ['maglev.frontends', {}],
      ]),
    );
    const d = diffConfig(a, b);
    expect(d.backends.added).toEqual(['z', 'y']);
    expect(d.backends.removed).toEqual(['a4', 'b4', 'c4', 'a6', 'b6']);
    expect(d.frontends.removed).toEqual(['web', 'api', 'mail']);
  });

  it('is the reverse when the arguments are swapped', () => {
    const after = loader.parse(
      configText([['maglev.backends.d4', { address: '192.0.2.13', healthcheck: 'smtp' }]]),
    );
    expect(diffConfig(after, before).backends.removed).toEqual(['d4']);
    expect(diffConfig(before, after).backends.added).toEqual(['d4']);
  });
});
