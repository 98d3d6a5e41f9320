import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffConfig } from '../../../lib/config/diff.js';
import { ConfigLoader } from '../../../lib/config/loader.js';
import { stringifyConfig } from '../../../lib/config/stringify.js';
import { configArb, plainConfig } from './arbitraries.js';

const loader = new ConfigLoader();

describe('stringifyConfig and ConfigLoader', () => {
  it('any valid config survives stringify then parse unchanged', () => {
    fc.assert(
      fc.property(configArb, (config) => {
        const text = stringifyConfig(config);
        const back = loader.parse(text, { filename: 'generated.yaml' });
        expect(plainConfig(back)).toEqual(plainConfig(config));
        expect(stringifyConfig(back)).toBe(text);
      }),
      { numRuns: 200 },
    );
  }, 180_000);

  it('diffConfig of a config with itself, or with its reloaded copy, is empty', () => {
    const empty = {
      healthchecks: { added: [], removed: [], changed: [] },
      backends: { added: [], removed: [], changed: [], healthcheckChanged: [] },
      frontends: { added: [], removed: [], changed: [] },
      healthchecker: false,
      vpp: false,
    };
    fc.assert(
      fc.property(configArb, (config) => {
        expect(diffConfig(config, config)).toEqual(empty);
        expect(diffConfig(config, loader.parse(stringifyConfig(config)))).toEqual(empty);
      }),
      { numRuns: 50 },
    );
  }, 180_000);
});
