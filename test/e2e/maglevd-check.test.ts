import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin } from '../support/bin.js';
import { configText, parseCases, type RuleCase, semanticCases, warningCases } from '../unit/config/cases.js';
import { repoRoot, sharedSampleRelative } from '../unit/config/paths.js';

const repo = repoRoot();

/** Runs the built maglevd on each case a few at a time: spawning one node per case adds up. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  f: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('maglevd --check', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'maglevd-check-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const shipped = [
    ...readdirSync(join(repo, 'examples'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => `examples/${f}`),
    'debian/maglev.yaml',
  ];

  it.each(shipped)('accepts %s', async (file) => {
    const r = await runBin('maglevd', ['--check', '--config', file], { cwd: repo });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('config ok\n');
    expect(r.code).toBe(0);
  });

  it('accepts the shared sample, named relative to the repository', async () => {
    const rel = sharedSampleRelative();
    const r = await runBin('maglevd', ['--check', '--config', rel], { cwd: repo });
    expect(r).toMatchObject({ code: 0, stdout: 'config ok\n', stderr: '' });
  });

  it('takes the file from MAGLEV_CONFIG, and -config=FILE', async () => {
    const env = await runBin('maglevd', ['--check'], {
      cwd: repo,
      env: { MAGLEV_CONFIG: 'examples/minimal.yaml' },
    });
    expect(env).toMatchObject({ code: 0, stdout: 'config ok\n' });
    const flag = await runBin('maglevd', ['-check', '-config=examples/dns.yaml'], { cwd: repo });
    expect(flag).toMatchObject({ code: 0, stdout: 'config ok\n' });
  });

  it('exits 1 naming a file that cannot be read', async () => {
    const missing = join(dir, 'nope.yaml');
    const r = await runBin('maglevd', ['--check', '--config', missing]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^${escapeRe(missing)}: cannot read the configuration file: ENOENT`));
  });

  async function runCase(c: RuleCase, i: number) {
    const file = join(dir, `${c.kind}-${i}.yaml`);
    await writeFile(file, c.fail);
    const r = await runBin('maglevd', ['--check', '--config', file], { timeoutMs: 60_000 });
    return { c, file, r };
  }

  it('exits 1 for every kind of parse error, printing each problem with file:line:col and path', async () => {
    const results = await mapLimited(
      parseCases.map((c, i) => [c, i] as const),
      4,
      ([c, i]) => runCase(c, i),
    );
    for (const { c, file, r } of results) {
      expect(r.code, `${c.rule}: ${r.stderr}`).toBe(1);
      expect(r.stdout).toBe('');
      const prefix =
        c.path === ''
          ? `${escapeRe(file)}:\\d+:\\d+: `
          : `${escapeRe(file)}:\\d+:\\d+: ${escapeRe(c.path)}: `;
      const line = r.stderr.split('\n').find((l) => new RegExp(`^${prefix}`).test(l) && c.message.test(l));
      expect(line, `${c.rule}: ${r.stderr}`).toBeDefined();
    }
  }, 300_000);

  it('exits 2 for every semantic rule, printing each problem with file:line:col and path', async () => {
    const results = await mapLimited(
      semanticCases.map((c, i) => [c, i] as const),
      4,
      ([c, i]) => runCase(c, i),
    );
    for (const { c, file, r } of results) {
      expect(r.code, `${c.rule}: ${r.stderr}`).toBe(2);
      expect(r.stdout).toBe('');
      const line = r.stderr
        .split('\n')
        .find((l) => l.startsWith(`${file}:`) && l.includes(`: ${c.path}: `) && c.message.test(l));
      expect(line, `${c.rule}: ${r.stderr}`).toMatch(new RegExp(`^${escapeRe(file)}:\\d+:\\d+: `));
    }
  }, 300_000);

  it('exits 0 for every warning, printing each as "warning: file:line:col: path: message" on stderr', async () => {
    const results = await mapLimited(
      warningCases.map((c, i) => [c, i] as const),
      4,
      async ([c, i]) => {
        const file = join(dir, `warning-${i}.yaml`);
        await writeFile(file, c.config);
        return { c, file, r: await runBin('maglevd', ['--check', '--config', file], { timeoutMs: 60_000 }) };
      },
    );
    for (const { c, file, r } of results) {
      expect(r.code, `${c.rule}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toBe('config ok\n');
      const lines = r.stderr.trimEnd().split('\n');
      for (const l of lines)
        expect(l).toMatch(new RegExp(`^warning: ${escapeRe(file)}:\\d+:\\d+: maglev\\.`));
      const line = lines.find(
        (l) => l.includes(`: ${c.path}: `) && c.message.test(l.split(`: ${c.path}: `)[1] ?? ''),
      );
      expect(line, `${c.rule}: ${r.stderr}`).toBeDefined();
    }
  }, 300_000);

  it('prints warnings after the errors, keeping the error exit status', async () => {
    const file = join(dir, 'warn-and-fail.yaml');
    await writeFile(
      file,
      configText([
        ['maglev.healthchecks.web.timeout', '3s'],
        ['maglev.vpp.lb.ipv4-src-address', '0.0.0.0'],
      ]),
    );
    const r = await runBin('maglevd', ['--check', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /: maglev\.vpp\.lb\.ipv4-src-address: ipv4-src-address 0\.0\.0\.0 is the unspecified address/,
    );
    expect(lines[1]).toMatch(/^warning: .*: maglev\.healthchecks\.web\.timeout: timeout 3s is not shorter/);
  });

  it.each([
    [
      'a gzip file',
      () => gzipSync(configText()),
      /: the file is gzip-compressed data, not YAML text: decompress it first$/,
    ],
    [
      'NUL bytes',
      () => Buffer.alloc(1024),
      /:1:1: the file contains a NUL byte: it is binary data, not YAML text$/,
    ],
    [
      'bytes that are not UTF-8',
      () => Buffer.from([0x6d, 0x3a, 0x20, 0xc3, 0x28, 0xff, 0xfe, 0x80]),
      /:1:4: the file is not UTF-8 text: byte 0xC3 does not begin a valid UTF-8 sequence$/,
    ],
  ])('exits 1 for %s with one short line naming the file', async (_name, bytes, message) => {
    const file = join(dir, 'binary.bin');
    await writeFile(file, bytes());
    const r = await runBin('maglevd', ['--check', '--config', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^${escapeRe(file)}:`));
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr.trimEnd()).toMatch(message);
  });

  it('exits 1 for a file over 16 MiB', async () => {
    const file = join(dir, 'huge.yaml');
    await writeFile(file, `maglev: {}\n${'#'.repeat(17 * 1024 * 1024)}\n`);
    const r = await runBin('maglevd', ['--check', '--config', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `${file}: the file is ${17 * 1024 * 1024 + 12} bytes long; a configuration file may have at most 16 MiB (16777216 bytes): is this the right file?\n`,
    );
  });

  it('prints every problem, not just the first', async () => {
    const file = join(dir, 'many.yaml');
    await writeFile(
      file,
      configText([
        ['maglev.healthchecks.web.rise', 0],
        ['maglev.backends.a4.healthcheck', 'nope'],
        ['maglev.vpp.lb.sticky-buckets-per-core', 3],
      ]),
    );
    const r = await runBin('maglevd', ['--check', '--config', file]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.map((l) => l.split(': ')[1])).toEqual([
      'maglev.healthchecks.web.rise',
      'maglev.backends.a4.healthcheck',
      'maglev.vpp.lb.sticky-buckets-per-core',
    ]);
  });
});
