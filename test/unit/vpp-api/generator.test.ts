import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODULES, generateBindings, resolveModules } from '../../../vpp-api/generator/generate.js';
import { findApiJson, generateFromDir } from '../../../vpp-api/generator/load.js';
import { parseApiJson, VppApiJsonError } from '../../../vpp-api/generator/parse.js';
import { vppApiModules } from '../../../vpp-api/index.js';
import { LATER_MODULES, pinnedModules, repoRoot, sharedVppApiDir } from './shared-dir.js';

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
  it('regenerates the committed files byte for byte (npm run vpp-binapi)', async () => {
    const pinned = pinnedModules(DEFAULT_MODULES);
    const absent = DEFAULT_MODULES.filter((m) => !pinned.includes(m));
    // Only the modules added after the folder was laid may be absent from it.
    expect(LATER_MODULES).toEqual(expect.arrayContaining(absent));
    const committed = readdirSync(generatedDir).sort();
    expect(committed).toEqual([...DEFAULT_MODULES.map((m) => `${m}.ts`), 'index.ts'].sort());
    if (absent.length === 0) {
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
      expect(r.stdout).toMatch(new RegExp(`wrote ${DEFAULT_MODULES.length + 1} files`));
      expect(readdirSync(out).sort()).toEqual(committed);
      for (const f of committed) {
        expect(readFileSync(join(out, f), 'utf8'), f).toBe(readFileSync(join(generatedDir, f), 'utf8'));
      }
      return;
    }
    // A module's file depends only on itself and what it imports, so the pinned ones still
    // regenerate exactly; index.ts lists every module and waits for the full set.
    const files = await generateFromDir(sharedVppApiDir(), pinned);
    for (const m of pinned) {
      expect(files.get(`${m}.ts`), m).toBe(readFileSync(join(generatedDir, `${m}.ts`), 'utf8'));
    }
  });

  it('finds the files in VPP’s installed layout (core/ and plugins/)', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'core'));
    mkdirSync(join(dir, 'plugins'));
    const pinned = pinnedModules(DEFAULT_MODULES);
    for (const m of pinned) {
      cpSync(
        join(sharedVppApiDir(), `${m}.api.json`),
        join(dir, m.startsWith('lb') ? 'plugins' : 'core', `${m}.api.json`),
      );
    }
    expect(findApiJson(dir, 'lb')).toBe(join(dir, 'plugins', 'lb.api.json'));
    const files = await generateFromDir(dir, pinned);
    expect(files.get('lb.ts')).toBe(readFileSync(join(generatedDir, 'lb.ts'), 'utf8'));
  });

  it('names the missing file and where it looked', async () => {
    const dir = tempDir();
    await expect(generateFromDir(dir)).rejects.toThrow(
      /memclnt\.api\.json: .*not found; looked in .*core\/memclnt\.api\.json/,
    );
  });

  it('matches the definitions the codec runs on', async () => {
    const pinned = pinnedModules(DEFAULT_MODULES);
    const parsed = await Promise.all(
      pinned.map((m) =>
        parseApiJson(`${m}.api.json`, m, readFileSync(join(sharedVppApiDir(), `${m}.api.json`), 'utf8')),
      ),
    );
    expect(
      JSON.parse(JSON.stringify(resolveModules(parsed), (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))),
    ).toEqual(
      JSON.parse(
        JSON.stringify(
          vppApiModules.filter((m) => pinned.includes(m.name)),
          (_k, v) => (typeof v === 'bigint' ? `${v}n` : v),
        ),
      ),
    );
    // Each type belongs to the module that defines it, not to the ones that import it.
    const owner = new Map(vppApiModules.flatMap((m) => m.types.map((t) => [t.name, m.name] as const)));
    expect(owner.get('address')).toBe('ip_types');
    expect(owner.get('lb_vip')).toBe('lb_types');
    expect(owner.get('timestamp')).toBe('vpe_types');
    expect(owner.get('interface_index')).toBe('interface_types');
    expect(owner.get('fib_path')).toBe('fib_types');
    expect(owner.get('ip_route')).toBe('ip');
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
      'stream_msg that is not a name',
      minimal({ services: { a: { reply: 'b', stream_msg: 7 } } }),
      /services a: stream_msg must be a message name/,
    ],
    [
      'two different types of one name in one file',
      minimal({
        types: [
          ['t', ['u8', 'x']],
          ['t', ['u16', 'x']],
        ],
      }),
      /type t: defined twice, differently/,
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

  it('keeps a cursor-style (stream_msg) service’s messages but offers no call for it', () => {
    const msg = (name: string, ...fields: unknown[]) => [
      name,
      ['u16', '_vl_msg_id'],
      ['u32', 'context'],
      ...fields,
      { crc: '0x00000001' },
    ];
    const text = minimal({
      messages: [
        msg('get', ['u32', 'client_index'], ['u32', 'cursor']),
        msg('get_reply', ['i32', 'retval'], ['u32', 'cursor']),
        msg('details', ['u32', 'x']),
        msg('plain', ['u32', 'client_index']),
        msg('plain_reply', ['i32', 'retval']),
      ],
      services: {
        get: { reply: 'get_reply', stream: true, stream_msg: 'details' },
        plain: { reply: 'plain_reply' },
      },
    });
    const [mod] = resolveModules([parseApiJson('x.api.json', 'x', text)]);
    expect(mod?.messages.map((m) => m.name)).toEqual(['get', 'get_reply', 'details', 'plain', 'plain_reply']);
    expect(mod?.services).toEqual([{ request: 'plain', reply: 'plain_reply', stream: false }]);
  });

  it('accepts the identical copies of an imported type that vppapigen writes once per import path', () => {
    const text = minimal({
      types: [
        ['t', ['u8', 'x']],
        ['t', ['u8', 'x']],
      ],
      messages: [['m', ['u16', '_vl_msg_id'], ['vl_api_t_t', 'v'], { crc: '0x00000001' }]],
    });
    const [mod] = resolveModules([parseApiJson('x.api.json', 'x', text)]);
    expect(mod?.types).toEqual([{ kind: 'struct', name: 't', fields: [{ name: 'x', type: 'u8' }] }]);
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
