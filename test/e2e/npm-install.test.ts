import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A user's `npm install vpp-maglev`, on the node running this suite: `npm test` runs it on the
// machine's node and again (`npm run test:runtime`) on the runtime the .debs bundle, so both the
// engines floor and the current LTS are covered. The package comes from `npm pack` of the built
// dist/; its dependencies from the registry through npm's cache (`npm ci` filled it). Installing
// builds the addon (binding.gyp) from the packed sources, as it does on a user's machine.

const repo = fileURLToPath(new URL('../..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
  exports: Record<string, unknown>;
};

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, env, maxBuffer: 64 << 20, timeout: 400_000 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') {
        reject(new Error(`${cmd} ${args.join(' ')}: ${err.message}\n${stderr}`));
        return;
      }
      resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr });
    });
  });
}

let scratch = '';
let app = '';
let env: NodeJS.ProcessEnv = {};
let install: Run;

beforeAll(async () => {
  if (!existsSync(join(repo, 'dist/bin/maglevd.js')))
    throw new Error('dist/ is not built: run npm run build');
  scratch = await mkdtemp(join(tmpdir(), 'maglev-npm-install-'));
  env = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false' };
  const pack = await run(
    'npm',
    ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch],
    repo,
    env,
  );
  if (pack.code !== 0) throw new Error(`npm pack exited ${pack.code}:\n${pack.stderr}`);
  const [packed] = JSON.parse(pack.stdout) as Array<{ filename: string }>;
  app = join(scratch, 'app');
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'uses-vpp-maglev', version: '0.0.0', private: true, type: 'module' }),
  );
  install = await run(
    'npm',
    ['install', '--no-audit', '--prefer-offline', join(scratch, packed?.filename ?? '')],
    app,
    env,
  );
}, 420_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe(`npm install vpp-maglev on node ${process.version}`, () => {
  it('installs without errors, building the addon from the packed sources', () => {
    expect(install.code, install.stderr).toBe(0);
    expect(install.stderr.split('\n').filter((l) => /^npm (error|ERR)/i.test(l))).toEqual([]);
    const addon = join(app, 'node_modules/vpp-maglev/build/Release/vpp_maglev_native.node');
    expect(existsSync(addon), 'the addon was built on install').toBe(true);
  });

  it('every entry point imports, and the health checker runs on the native probe engine', async () => {
    const entries = Object.keys(manifest.exports)
      .filter((k) => k !== './package.json')
      .map((k) => (k === '.' ? 'vpp-maglev' : `vpp-maglev/${k.slice(2)}`));
    const script = [
      `for (const e of ${JSON.stringify(entries)}) {`,
      '  const m = await import(e);',
      "  if (Object.keys(m).length === 0) throw new Error(e + ' exports nothing');",
      '}',
      "const { LocalProber } = await import('vpp-maglev/health');",
      'const p = new LocalProber();',
      'console.log(JSON.stringify(p.engine()));',
      'await p.close();',
    ].join('\n');
    const r = await run(process.execPath, ['--input-type=module', '-e', script], app, env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ engine: 'native', reason: null });
  });

  it('the binaries run', async () => {
    for (const bin of ['maglevd', 'maglevc', 'maglevd-frontend', 'vpp-lb-sim']) {
      const r = await run(
        process.execPath,
        [join(app, 'node_modules/vpp-maglev/dist/bin', `${bin}.js`), '--version'],
        app,
        env,
      );
      expect(r.code, `${bin} --version: ${r.stderr}`).toBe(0);
      expect(r.stdout, bin).toMatch(/\d+\.\d+\.\d+/);
    }
  });
});
