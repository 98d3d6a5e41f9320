import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigLoader } from '../../../lib/config/loader.js';
import {
  emptyOperatorState,
  loadOperatorState,
  operatorStateAfterReload,
  pruneOperatorState,
  recoverOperatorState,
  StateFileError,
  saveOperatorState,
  withEnabled,
  withPaused,
  withWeightOverride,
} from '../../../lib/daemon/operator-state.js';

const yaml = (weight: number, extra = '') => `
maglev:
  healthchecks:
    tcp: { type: tcp, port: 80 }
  backends:
    a: { address: 10.0.0.1, healthcheck: tcp }
    b: { address: 10.0.0.2, healthcheck: tcp, enabled: false }
${extra}
  frontends:
    web:
      address: 192.0.2.1
      port: 80
      pools:
        - name: primary
          backends: { a: { weight: ${weight} }, b: {} }
  vpp: { lb: { ipv4-src-address: 192.0.2.254 } }
`;
const load = (w: number, extra = '') => new ConfigLoader().parse(yaml(w, extra), { filename: 'x.yaml' });

describe('operator state', () => {
  it('round-trips through the state file atomically', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'maglev-state-'));
    const path = join(dir, 'sub', 'state.json');
    expect(await loadOperatorState(path)).toEqual(emptyOperatorState);
    const c = load(100);
    let s = withPaused(emptyOperatorState, 'a', true);
    s = withEnabled(s, c, 'b', true);
    s = withWeightOverride(s, c, 'web', 'primary', 'a', 30);
    await saveOperatorState(path, s);
    expect(await loadOperatorState(path)).toEqual(s);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ version: 1, paused: ['a'] });
  });

  it.each([
    ['{not json', /not JSON/],
    ['{"version":2}', /version/],
    ['{"version":1,"weights":{"web":{"p":{"a":101}}}}', /weights\.web\.p\.a/],
  ])('a bad file %s is a StateFileError naming the problem', async (text, re) => {
    const dir = mkdtempSync(join(tmpdir(), 'maglev-state-'));
    const path = join(dir, 'state.json');
    writeFileSync(path, text);
    const err = await loadOperatorState(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateFileError);
    expect((err as Error).message).toMatch(re);
    expect((err as Error).message).toContain(path);
  });

  it('records only what differs from the config', () => {
    const c = load(100);
    expect(withEnabled(emptyOperatorState, c, 'a', true).enabled).toEqual({});
    expect(withEnabled(emptyOperatorState, c, 'b', false).enabled).toEqual({});
    expect(withEnabled(emptyOperatorState, c, 'a', false).enabled).toEqual({ a: false });
    expect(withWeightOverride(emptyOperatorState, c, 'web', 'primary', 'a', 100).weights).toEqual({});
    const s = withWeightOverride(emptyOperatorState, c, 'web', 'primary', 'a', 20);
    expect(withWeightOverride(s, c, 'web', 'primary', 'a', 100).weights).toEqual({ web: { primary: {} } });
  });

  it('on reload keeps what still applies and drops what the new config overrules', () => {
    const before = load(100);
    let s = withPaused(emptyOperatorState, 'a', true);
    s = withEnabled(s, before, 'a', false);
    s = withWeightOverride(s, before, 'web', 'primary', 'a', 20);
    // Same config: everything survives.
    expect(pruneOperatorState(s, before)).toEqual(s);
    // The YAML weight of the member changed: the operator's older override goes.
    expect(pruneOperatorState(s, load(60)).weights).toEqual({});
    // The backend's health check changed: the YAML enabled flag is authoritative again.
    expect(pruneOperatorState(s, before, new Set(['a'])).enabled).toEqual({});
    expect(pruneOperatorState(s, before, new Set(['a'])).paused).toEqual(['a']);
  });

  it('after a reload: the YAML decides where it changed, and a pause needs an enabled backend', () => {
    const before = load(100);
    const flip = (text: string) => new ConfigLoader().parse(text, { filename: 'x.yaml' });
    // b's YAML enabled flips to true; a keeps its health check.
    const enabledB = flip(yaml(100).replace(', enabled: false', ''));
    let s = withEnabled(emptyOperatorState, before, 'a', false); // an operator disabled a
    s = withEnabled(s, before, 'b', true); // and enabled b
    s = withPaused(s, 'b', true);
    const cases: Array<[string, Set<string>, typeof before, Partial<typeof s>]> = [
      // Nothing changed: everything stays.
      ['unchanged', new Set(), before, { enabled: { a: false, b: true }, paused: ['b'] }],
      // b's YAML changed: its runtime flag goes, and it is enabled now, so its pause stays.
      ['yaml enabled changed', new Set(), enabledB, { enabled: { a: false }, paused: ['b'] }],
      // b's health check changed: its runtime flag goes and the YAML disables it: no pause either.
      ['health check changed', new Set(['b']), before, { enabled: { a: false }, paused: [] }],
    ];
    for (const [name, restarted, next, want] of cases) {
      expect(operatorStateAfterReload(s, before, next, restarted), name).toMatchObject(want);
    }
  });

  it('moves an unusable state file aside and starts empty', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'maglev-state-'));
    const path = join(dir, 'state.json');
    writeFileSync(path, '{"version": 2}');
    const r = await recoverOperatorState(path, new Date('2026-12-01T10:00:00Z'));
    expect(r.state).toEqual(emptyOperatorState);
    expect(r.problem).toContain('version');
    expect(r.problem).toContain(`${path}.corrupt-2026-12-01T10-00-00-000Z`);
    expect(readFileSync(`${path}.corrupt-2026-12-01T10-00-00-000Z`, 'utf8')).toBe('{"version": 2}');
    expect((await recoverOperatorState(path)).problem).toBeNull(); // gone: an empty state
  });
});
