import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_MODULES,
  generateBindings,
  parseVppComment,
  resolveModules,
  tsdocText,
} from '../../../vpp-api/generator/generate.js';
import { findApiJson, generateFromDir } from '../../../vpp-api/generator/load.js';
import { parseApiJson, parsedFromDefinition, VppApiJsonError } from '../../../vpp-api/generator/parse.js';
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
  it('regenerates the committed files byte for byte (npm run vpp-binapi)', () => {
    const pinned = pinnedModules(DEFAULT_MODULES);
    const absent = DEFAULT_MODULES.filter((m) => !pinned.includes(m));
    // Only the modules added after the folder was laid may be absent from it; those are rebuilt
    // from their committed definitions, so every file, index.ts included, is checked.
    expect(LATER_MODULES).toEqual(expect.arrayContaining(absent));
    const committed = readdirSync(generatedDir).sort();
    expect(committed).toEqual([...DEFAULT_MODULES.map((m) => `${m}.ts`), 'index.ts'].sort());
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
        ...(absent.length > 0 ? ['--from-committed', absent.join(',')] : []),
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
  });

  it('rebuilds a module from its committed definitions as from its JSON, less VPP’s comments', async () => {
    // This is what makes the modules regenerated with --from-committed trustworthy: for the
    // modules whose JSON is at hand, both ways give the same file once the JSON's comments and
    // deprecation marks (which only the JSON carries) are dropped.
    const pinned = pinnedModules(DEFAULT_MODULES);
    const bare = (m: string): string => {
      const json = JSON.parse(readFileSync(join(sharedVppApiDir(), `${m}.api.json`), 'utf8')) as Record<
        string,
        unknown
      >;
      return JSON.stringify(json, (k, v) => (k === 'comment' || k === 'deprecated' ? undefined : v));
    };
    const fromJson = generateBindings(pinned.map((m) => parseApiJson(`${m}.api.json`, m, bare(m))));
    const fromDefs = generateBindings(
      vppApiModules.filter((d) => pinned.includes(d.name)).map(parsedFromDefinition),
    );
    for (const m of pinned) expect(fromDefs.get(`${m}.ts`), m).toBe(fromJson.get(`${m}.ts`));
    // And the JSON's comments do reach the docs.
    const lb = (await generateFromDir(sharedVppApiDir(), pinned)).get('lb.ts')!;
    expect(lb).toContain(' * VPP: Add/del an application server for a given VIP, with explicit weight\n');
    expect(lb).toMatch(
      /\/\*\* u8; default 100\. VPP: bucket weight 0-100 \(default 100\)\. \*\/\n {2}readonly weight/,
    );
    const memclnt = (await generateFromDir(sharedVppApiDir(), ['memclnt'])).get('memclnt.ts')!;
    expect(memclnt).toMatch(
      /@deprecated VPP marks this message deprecated\.\n \*\n \* @public\n \*\/\nexport interface MemclntCreate /,
    );
  });

  it('documents every exported symbol and member with a release tag (api-extractor counts on it)', () => {
    for (const f of readdirSync(generatedDir)) {
      const lines = readFileSync(join(generatedDir, f), 'utf8').split('\n');
      let inInterface = false;
      for (const [i, line] of lines.entries()) {
        const where = `${f}:${i + 1}: ${line}`;
        if (line.startsWith('export ') && !line.startsWith('export * from')) {
          expect(lines[i - 1], where).toBe(' */');
          const start = lines.lastIndexOf('/**', i);
          expect(lines.slice(start, i).join('\n'), where).toMatch(/\n \* @public\n/);
        }
        if (inInterface && /^ {2}(readonly )?\w+\??: /.test(line))
          expect(lines[i - 1], where).toMatch(/\*\/$/);
        if (/^export interface .*\{$/.test(line)) inInterface = true;
        if (line === '}') inInterface = false;
      }
    }
  });

  it('reads VPP’s comments and makes them safe for TSDoc', () => {
    const c = parseVppComment(
      '/** \\brief Set the {weight} of @ an AS */ here\n    @param client_index - opaque cookie\n' +
        '    @param weight - new bucket weight\n           0-100.\n    @param name[] - the <name>\n*/',
    );
    expect(c.summary).toBe('Set the {weight} of @ an AS */ here');
    expect([...c.params]).toEqual([
      ['client_index', 'opaque cookie'],
      ['weight', 'new bucket weight 0-100.'],
      ['name', 'the <name>'],
    ]);
    expect(tsdocText(c.summary)).toBe('Set the \\{weight\\} of \\@ an AS *\\/ here');
    expect(parseVppComment('/*\n * Client RX thread exit\n */')).toEqual({
      summary: 'Client RX thread exit',
      params: new Map(),
    });
    // A comment that would end the doc comment early cannot break the generated file.
    const text = minimal({
      messages: [
        [
          'm',
          ['u16', '_vl_msg_id'],
          ['u32', 'x'],
          { crc: '0x00000001', comment: '/** \\brief ends */ early {@link X}\n  @param x - a */ b\n*/' },
        ],
      ],
    });
    const ts = generateBindings([parseApiJson('x.api.json', 'x', text)]).get('x.ts')!;
    expect(ts).toContain(' * VPP: ends *\\/ early \\{\\@link X\\}\n');
    expect(ts).toContain('/** u32. VPP: a *\\/ b */\n  readonly x: number;');
  });

  it('says each message’s part: request, reply, dump, details, or none', () => {
    const request = (name: string) => [
      name,
      ['u16', '_vl_msg_id'],
      ['u32', 'client_index'],
      ['u32', 'context'],
      { crc: '0x00000001' },
    ];
    const reply = (name: string, ...fields: unknown[]) => [
      name,
      ['u16', '_vl_msg_id'],
      ['u32', 'context'],
      ...fields,
      { crc: '0x00000001' },
    ];
    const text = minimal({
      messages: [
        request('set'),
        reply('set_reply', ['i32', 'retval']),
        request('thing_dump'),
        reply('thing_details', ['u32', 'x']),
        request('one_way'),
      ],
      services: {
        set: { reply: 'set_reply' },
        thing_dump: { reply: 'thing_details', stream: true },
        one_way: { reply: 'null' },
      },
    });
    const files = generateBindings([parseApiJson('x.api.json', 'x', text)]);
    // Doc lines joined back into one text, as a reader sees them.
    const ts = files.get('x.ts')!.replace(/\n *\* (?!@)/g, ' ');
    expect(ts).toContain('Message `set`, a request, answered by {@link SetReply}.');
    expect(ts).toContain('Message `set_reply`, the reply to {@link Set}.');
    expect(ts).toContain('`request()` rejects a nonzero one with a `VppApiError`');
    expect(ts).toContain('Message `thing_dump`, a dump request, answered by one {@link ThingDetails} per');
    expect(ts).toContain('Message `thing_details`, one entry of the answer to {@link ThingDump}.');
    expect(ts).toContain('Message `one_way`, in no request/reply pair that this client calls');
    expect(files.get('index.ts')).toContain(
      '/** `thing_dump` is answered by `thing_details` messages, one per entry (`dump()`). */',
    );
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
