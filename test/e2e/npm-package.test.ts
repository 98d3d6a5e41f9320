import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// What `npm pack` and `npm publish` would ship, from the built dist/ (npm test builds before it
// runs the tests). --ignore-scripts: the prepack build would replace dist/ under the other tests.
// The publish dry run talks to a registry stub on loopback, never to the real registry.

const repo = fileURLToPath(new URL('../..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  bin: Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
};

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function npm(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(
      'npm',
      args,
      { cwd: repo, env, maxBuffer: 64 << 20, timeout: 120_000 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(new Error(`npm ${args.join(' ')}: ${err.message}\n${stderr}`));
          return;
        }
        resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr });
      },
    );
  });
}

let scratch = '';
let env: NodeJS.ProcessEnv = {};
let files: string[] = [];

beforeAll(async () => {
  if (!existsSync(join(repo, 'dist/bin/maglevd.js')))
    throw new Error('dist/ is not built: run npm run build');
  scratch = await mkdtemp(join(tmpdir(), 'maglev-npm-pack-'));
  // No user configuration (a developer's ~/.npmrc may name other registries or hold tokens).
  const userconfig = join(scratch, 'npmrc');
  writeFileSync(userconfig, '');
  env = { ...process.env, npm_config_userconfig: userconfig, npm_config_update_notifier: 'false' };
  const r = await npm(['pack', '--dry-run', '--json', '--ignore-scripts'], env);
  if (r.code !== 0) throw new Error(`npm pack --dry-run exited ${r.code}:\n${r.stderr}`);
  const [pack] = JSON.parse(r.stdout) as Array<{ files: Array<{ path: string }> }>;
  files = (pack?.files ?? []).map((f) => f.path).sort();
}, 180_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('ships only the built package, its addon sources, docs and examples', () => {
    const tops = new Set(files.map((f) => f.split('/')[0]));
    expect([...tops].sort()).toEqual(
      [
        'CHANGELOG.md',
        'LICENSE',
        'README.md',
        'binding.gyp',
        'debian',
        'dist',
        'docs',
        'examples',
        'native',
        'package.json',
        'proto',
      ].sort(),
    );
    expect(files.filter((f) => f.startsWith('debian/'))).toEqual(['debian/maglev.yaml']);
    // Every source of the addon (npm builds it at install time), and nothing else there.
    const sources = readdirSync(join(repo, 'native'))
      .filter((f) => /\.[ch]$/.test(f))
      .map((f) => `native/${f}`)
      .sort();
    expect(sources).toContain('native/vpp_maglev_native.c');
    expect(files.filter((f) => f.startsWith('native/')).sort()).toEqual(sources);
  });

  it('leaves out tests, sources, source maps and build output', () => {
    const bad = files.filter(
      (f) =>
        /^(test|lib|bin|web|scripts|etc|build|node_modules|coverage|temp|vpp-api)\//.test(f) ||
        /(^|\/)\./.test(f) ||
        /\.(map|node|o|tsbuildinfo|log)$/.test(f) ||
        // TypeScript ships as declarations only; the SDK examples are documentation, shipped as written.
        (/\.[cm]?tsx?$/.test(f) && !/^dist\/.*\.d\.ts$/.test(f) && !/^examples\/sdk\//.test(f)),
    );
    expect(bad).toEqual([]);
  });

  it('has every bin, every export and the dashboard', () => {
    for (const [name, path] of Object.entries(manifest.bin)) expect(files, name).toContain(path);
    for (const [entry, target] of Object.entries(manifest.exports)) {
      const paths = typeof target === 'string' ? [target] : Object.values(target);
      for (const p of paths) expect(files, entry).toContain(p.replace(/^\.\//, ''));
    }
    expect(files).toContain('dist/web/index.html');
    expect(files.filter((f) => f.startsWith('docs/man/')).sort()).toEqual([
      'docs/man/maglevc.1',
      'docs/man/maglevd-frontend.8',
      'docs/man/maglevd.8',
      'docs/man/maglevt.1',
    ]);
  });
});

describe('npm publish --dry-run', () => {
  let registry: Server;
  const requests: string[] = [];

  beforeAll(async () => {
    // A registry that has never heard of the package, as before a first publish.
    registry = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
    });
    await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => registry.close(() => resolve()));
  });

  it('is clean: no warnings, nothing sent but reads', async () => {
    const { port } = registry.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}/`;
    // A pre-release is published under a tag other than latest; npm refuses it without one.
    const r = await npm(
      [
        'publish',
        '--dry-run',
        '--ignore-scripts',
        '--tag',
        'next',
        `--registry=${url}`,
        `--//127.0.0.1:${port}/:_authToken=dry-run`,
        '--fetch-retries=0',
      ],
      env,
    );
    expect(r.stderr.split('\n').filter((l) => /^npm (warn|error|ERR)/i.test(l))).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`+ ${manifest.name}@${manifest.version}`);
    expect(r.stderr).toContain('(dry-run)');
    expect(requests.filter((q) => !q.startsWith('GET '))).toEqual([]);
  }, 180_000);
});
