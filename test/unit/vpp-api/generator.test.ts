import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODULES, generateBindings, resolveModules } from '../../../vpp-api/generator/generate.js';
import { findApiJson, generateFromDir } from '../../../vpp-api/generator/load.js';
import { parseApiJson, VppApiJsonError } from '../../../vpp-api/generator/parse.js';
import { vppApiModules } from '../../../vpp-api/index.js';
import { repoRoot, sharedVppApiDir } from './shared-dir.js';

const generatedDir = join(repoRoot, 'vpp-api', 'generated');
const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'vpp-binapi-'));
  temps.push(d);
  return d;
}

describe('vpp-binapi generator', () => {
  it('regenerates the committed files byte for byte (npm run vpp-binapi)', () => {
    const out = tempDir();
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(repoRoot, 'vpp-api/generator/cli.ts'),
        '--api-dir',
        sharedVppApiDir(),
        '--out',
        out,
      ],
      { cwd: repoRoot, encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/wrote 9 files/);
    const committed = readdirSync(generatedDir).sort();
    expect(readdirSync(out).sort()).toEqual(committed);
    for (const f of committed) {
      expect(readFileSync(join(out, f), 'utf8'), f).toBe(readFileSync(join(generatedDir, f), 'utf8'));
    }
  });

  it('finds the files in VPP’s installed layout (core/ and plugins/)', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'core'));
    mkdirSync(join(dir, 'plugins'));
    for (const m of DEFAULT_MODULES) {
      cpSync(
        join(sharedVppApiDir(), `${m}.api.json`),
        join(dir, m.startsWith('lb') ? 'plugins' : 'core', `${m}.api.json`),
      );
    }
    expect(findApiJson(dir, 'lb')).toBe(join(dir, 'plugins', 'lb.api.json'));
    const files = await generateFromDir(dir);
    expect(files.get('lb.ts')).toBe(readFileSync(join(generatedDir, 'lb.ts'), 'utf8'));
  });

  it('names the missing file and where it looked', async () => {
    const dir = tempDir();
    await expect(generateFromDir(dir)).rejects.toThrow(
      /memclnt\.api\.json: .*not found; looked in .*core\/memclnt\.api\.json/,
    );
  });

  it('matches the definitions the codec runs on', async () => {
    const parsed = await Promise.all(
      DEFAULT_MODULES.map((m) =>
        parseApiJson(`${m}.api.json`, m, readFileSync(join(sharedVppApiDir(), `${m}.api.json`), 'utf8')),
      ),
    );
    expect(
      JSON.parse(JSON.stringify(resolveModules(parsed), (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))),
    ).toEqual(JSON.parse(JSON.stringify(vppApiModules, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))));
    // Each type belongs to the module that defines it, not to the ones that import it.
    const owner = new Map(vppApiModules.flatMap((m) => m.types.map((t) => [t.name, m.name] as const)));
    expect(owner.get('address')).toBe('ip_types');
    expect(owner.get('lb_vip')).toBe('lb_types');
    expect(owner.get('timestamp')).toBe('vpe_types');
    expect(owner.get('interface_index')).toBe('interface_types');
  });

  const minimal = (over: Record<string, unknown>): string =>
    JSON.stringify({
      vl_api_version: '0x12345678',
      options: { version: '1.0.0' },
      messages: [],
      types: [],
      ...over,
    });
  const bad: [string, string, RegExp][] = [
    ['invalid JSON', '{', /x\.api\.json: JSON: /],
    ['missing vl_api_version', JSON.stringify({ messages: [] }), /vl_api_version: expected a hex CRC/],
    [
      'message without crc',
      minimal({ messages: [['m', ['u16', '_vl_msg_id'], {}]] }),
      /messages m: expected an 8-digit hex crc/,
    ],
    [
      'message without _vl_msg_id',
      minimal({ messages: [['m', ['u32', 'context'], { crc: '0x00000001' }]] }),
      /must be u16 _vl_msg_id/,
    ],
    [
      'unknown type spelling',
      minimal({ messages: [['m', ['u16', '_vl_msg_id'], ['int', 'x'], { crc: '0x00000001' }]] }),
      /unknown type "int"/,
    ],
    [
      'count field after its array',
      minimal({
        messages: [['m', ['u16', '_vl_msg_id'], ['u8', 'xs', 0, 'n'], ['u8', 'n'], { crc: '0x00000001' }]],
      }),
      /count field n must come earlier/,
    ],
    [
      'stream_msg service',
      minimal({ services: { a: { reply: 'b', stream_msg: 'c' } } }),
      /stream_msg are not supported/,
    ],
  ];
  for (const [what, text, re] of bad) {
    it(`refuses ${what} with a clear error`, () => {
      let err: unknown;
      try {
        generateBindings([parseApiJson('x.api.json', 'x', text)]);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(VppApiJsonError);
      expect((err as Error).message).toMatch(re);
    });
  }

  it('refuses a reference to a type no module defines, and an unknown import', () => {
    const ref = minimal({
      messages: [['m', ['u16', '_vl_msg_id'], ['vl_api_nope_t', 'x'], { crc: '0x00000001' }]],
    });
    expect(() => generateBindings([parseApiJson('x.api.json', 'x', ref)])).toThrow(
      /messages m\.x: unknown type nope/,
    );
    const imp = minimal({ imports: ['vnet/ip/ip_types.api'] });
    expect(() => generateBindings([parseApiJson('x.api.json', 'x', imp)])).toThrow(/imports module ip_types/);
  });

  it('converts defaults to the field type', () => {
    const text = minimal({
      enums: [['e', ['E_A', 0], ['E_B', 7], { enumtype: 'u8' }]],
      messages: [
        [
          'm',
          ['u16', '_vl_msg_id'],
          ['bool', 'b', { default: 'true' }],
          ['u64', 'big', { default: 5 }],
          ['vl_api_e_t', 'e', { default: 'E_B' }],
          { crc: '0x00000001' },
        ],
      ],
    });
    const [mod] = resolveModules([parseApiJson('x.api.json', 'x', text)]);
    expect(mod!.messages[0]!.fields.slice(1).map((f) => f.default)).toEqual([true, 5n, 7]);
    const ts = generateBindings([parseApiJson('x.api.json', 'x', text)]).get('x.ts')!;
    expect(ts).toContain('default: 5n');
    expect(ts).toMatch(/readonly b\?: boolean;/);
  });
});
