import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_RUNTIME } from '../../scripts/node-runtime.mjs';

// Builds the Debian packages with scripts/pkg-deb.sh (or reuses them when their inputs did not
// change), unpacks the amd64 ones into a scratch root with dpkg -x and runs the binaries from
// there on the bundled Node.js runtime; the arm64 ones run under qemu-user (qemu-aarch64-static,
// with the cross toolchain's arm64 libc as its sysroot). A real install (debootstrap, then apt)
// would take far longer than CI allows; docs/packaging.md says what that leaves untested.

const repo = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };
const debVersion = pkg.version.replace(/-/g, '~');
const deb = (name: string, arch: string) => join(repo, 'build', `${name}_${debVersion}_${arch}.deb`);

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(
  file: string,
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd: repo, env: opts.env ?? process.env, maxBuffer: 64 << 20, timeout: opts.timeoutMs ?? 60_000 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(new Error(`${file} ${args.join(' ')}: ${err.message}\n${stderr}`));
          return;
        }
        resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr });
      },
    );
  });
}

async function ok(file: string, args: readonly string[], opts?: Parameters<typeof run>[2]): Promise<string> {
  const r = await run(file, args, opts);
  if (r.code !== 0) throw new Error(`${file} ${args.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

const tools = [
  'dpkg-deb',
  'readelf',
  'lintian',
  'groff',
  'man',
  'aarch64-linux-gnu-gcc',
  'qemu-aarch64-static',
];
// The arm64 libc, libstdc++ and dynamic loader that gcc-aarch64-linux-gnu and g++-aarch64-linux-gnu
// install: qemu-aarch64-static -L runs the arm64 runtime against them.
const ARM64_SYSROOT = '/usr/aarch64-linux-gnu';
const runtimeVersion = `v${NODE_RUNTIME.version}`;

describe('Debian packages', () => {
  let scratch = '';
  let amd64 = '';
  let arm64 = '';
  let qemu = '';

  beforeAll(async () => {
    const missing: string[] = [];
    for (const t of tools) if ((await run('sh', ['-c', `command -v ${t}`])).code !== 0) missing.push(t);
    if (missing.length > 0) throw new Error(`missing tools: ${missing.join(', ')} (see docs/packaging.md)`);
    // gzip -1: the packages' contents are those of a release build, in seconds instead of the
    // minutes xz takes over four runtimes.
    await ok('bash', ['scripts/pkg-deb.sh', '--reuse'], {
      env: { ...process.env, DEB_COMPRESSION: 'gzip', DEB_COMPRESSION_LEVEL: '1' },
      timeoutMs: 1_500_000,
    });
    scratch = await mkdtemp(join(tmpdir(), 'maglev-pkg-'));
    amd64 = join(scratch, 'amd64');
    arm64 = join(scratch, 'arm64');
    for (const [root, arch] of [
      [amd64, 'amd64'],
      [arm64, 'arm64'],
    ] as const) {
      for (const name of ['vpp-maglevd', 'vpp-maglev']) await ok('dpkg', ['-x', deb(name, arch), root]);
    }
    qemu = (await ok('sh', ['-c', 'command -v qemu-aarch64-static'])).trim();
    await mkdir(join(scratch, 'path'));
    for (const tool of ['dirname', 'readlink']) {
      const where = (await ok('sh', ['-c', `command -v ${tool}`])).trim();
      await symlink(where, join(scratch, 'path', tool));
    }
  }, 1_600_000);

  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('builds four packages named after the Debian version', () => {
    expect(debVersion).toMatch(/^[0-9][0-9A-Za-z.+~]*$/);
    for (const arch of ['amd64', 'arm64'])
      for (const name of ['vpp-maglevd', 'vpp-maglev'])
        expect(statSync(deb(name, arch)).size).toBeGreaterThan(1e6);
  });

  it.each([
    ['vpp-maglevd', 'amd64'],
    ['vpp-maglev', 'arm64'],
  ])('%s (%s) has the control fields', async (name, arch) => {
    const control = await ok('dpkg-deb', ['-f', deb(name, arch)]);
    const field = (f: string) => new RegExp(`^${f}: (.+)$`, 'm').exec(control)?.[1];
    expect(field('Package')).toBe(name);
    expect(field('Version')).toBe(debVersion);
    expect(field('Architecture')).toBe(arch);
    expect(field('Maintainer')).toMatch(/^.+ <[^>]+@[^>]+>$/);
    expect(field('Section')).toBe('net');
    expect(field('Priority')).toBe('optional');
    expect(field('Homepage')).toMatch(/^https?:\/\//);
    expect(field('Description')).toMatch(/VPP/);
    expect(Number(field('Installed-Size'))).toBeGreaterThan(50_000);
    const depends = field('Depends') ?? '';
    expect(depends).toMatch(/\blibc6 \(>= 2\.\d+\)/);
    expect(depends.includes('adduser')).toBe(name === 'vpp-maglevd');
  });

  it('vpp-maglevd has its conffiles and maintainer scripts', async () => {
    const dir = join(scratch, 'control');
    await ok('dpkg-deb', ['-e', deb('vpp-maglevd', 'amd64'), dir]);
    expect(readFileSync(join(dir, 'conffiles'), 'utf8').trim().split('\n').sort()).toEqual([
      '/etc/default/vpp-maglev',
      '/etc/vpp-maglev/maglev.yaml',
    ]);
    for (const script of ['postinst', 'prerm', 'postrm']) {
      const text = readFileSync(join(dir, script), 'utf8');
      expect(text.startsWith('#!/bin/sh\n')).toBe(true);
      expect(text).toMatch(/^set -e$/m);
      expect(statSync(join(dir, script)).mode & 0o777).toBe(0o755);
    }
    const postinst = readFileSync(join(dir, 'postinst'), 'utf8');
    expect(postinst).toMatch(/adduser --system --group [\s\S]*?--shell \/usr\/sbin\/nologin maglevd$/m);
    expect(postinst).toMatch(/getent group vpp/);
    expect(postinst).toMatch(/deb-systemd-helper enable "\$UNIT"/);
    expect(readFileSync(join(dir, 'postrm'), 'utf8')).toMatch(/"\$1" = purge/);
  });

  it('lists every file with its md5sum', async () => {
    for (const name of ['vpp-maglevd', 'vpp-maglev']) {
      const dir = join(scratch, `md5-${name}`);
      await ok('dpkg-deb', ['-e', deb(name, 'amd64'), dir]);
      const sums = readFileSync(join(dir, 'md5sums'), 'utf8');
      expect(sums).toMatch(/ usr\/lib\/[a-z-]+\/node\/bin\/node$/m);
      const r = await run('sh', ['-c', `cd '${amd64}' && md5sum --quiet -c '${join(dir, 'md5sums')}'`]);
      expect(r.stdout + r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
  });

  it('installs the layout of the issue', () => {
    for (const f of ['usr/sbin/maglevd', 'usr/sbin/maglevd-frontend', 'usr/bin/maglevc', 'usr/bin/maglevt'])
      expect(statSync(join(amd64, f)).mode & 0o777).toBe(0o755);
    for (const f of [
      'lib/systemd/system/vpp-maglev.service',
      'lib/systemd/system/vpp-maglev-frontend.service',
      'etc/vpp-maglev/maglev.yaml',
      'usr/share/doc/vpp-maglevd/copyright',
      'usr/share/doc/vpp-maglevd/changelog.Debian.gz',
      'usr/share/doc/vpp-maglev/copyright',
      'usr/share/doc/vpp-maglev/changelog.Debian.gz',
      'usr/lib/vpp-maglevd/build/Release/vpp_maglev_native.node',
      'usr/lib/vpp-maglevd/dist/web/index.html',
    ])
      expect(existsSync(join(amd64, f)), f).toBe(true);
    // The password of the dashboard may be in there: root only.
    expect(statSync(join(amd64, 'etc/default/vpp-maglev')).mode & 0o777).toBe(0o600);
    // The library finds build/Release by walking up to a package.json named vpp-maglev.
    const manifest = JSON.parse(readFileSync(join(amd64, 'usr/lib/vpp-maglevd/package.json'), 'utf8'));
    expect(manifest).toMatchObject({ name: 'vpp-maglev', version: pkg.version, type: 'module' });
    // Every docs/man page is shipped, gzipped, section 8 with the daemon and 1 with the tools.
    for (const page of readdirSync(join(repo, 'docs/man')).filter((p) => /\.[18]$/.test(p)))
      expect(existsSync(join(amd64, `usr/share/man/man${page.slice(-1)}/${page}.gz`)), page).toBe(true);
  });

  it('vpp-maglev.service runs maglevd as maglevd with two capabilities', () => {
    const unit = readFileSync(join(amd64, 'lib/systemd/system/vpp-maglev.service'), 'utf8');
    for (const line of [
      'User=maglevd',
      'Group=maglevd',
      'EnvironmentFile=/etc/default/vpp-maglev',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: systemd's syntax, not a template
      'ExecStart=/usr/sbin/maglevd --config ${MAGLEV_CONFIG}',
      'ExecReload=/bin/kill -HUP $MAINPID',
      'Restart=on-failure',
      'RestartSec=5s',
      'StateDirectory=vpp-maglev',
      'AmbientCapabilities=CAP_NET_RAW CAP_SYS_ADMIN',
      'CapabilityBoundingSet=CAP_NET_RAW CAP_SYS_ADMIN',
      'NoNewPrivileges=yes',
      'WantedBy=multi-user.target',
    ])
      expect(unit.split('\n')).toContain(line);
    expect(unit).toMatch(/^# CAP_NET_RAW: /m);
    expect(unit).toMatch(/^# CAP_SYS_ADMIN: /m);
    const frontend = readFileSync(join(amd64, 'lib/systemd/system/vpp-maglev-frontend.service'), 'utf8');
    expect(frontend.split('\n')).toContain('ExecStart=/usr/sbin/maglevd-frontend $MAGLEV_FRONTEND_ARGS');
    const defaults = readFileSync(join(amd64, 'etc/default/vpp-maglev'), 'utf8');
    for (const v of [
      'MAGLEV_CONFIG',
      'MAGLEV_FRONTEND_ARGS',
      'MAGLEV_FRONTEND_USER',
      'MAGLEV_FRONTEND_PASSWORD',
    ])
      expect(defaults).toMatch(new RegExp(`^${v}=`, 'm'));
    for (const v of ['MAGLEV_GRPC_ADDR', 'MAGLEV_METRICS_ADDR', 'MAGLEV_LOG_LEVEL', 'MAGLEV_VPP_API_ADDR'])
      expect(defaults).toMatch(new RegExp(`^#${v}=`, 'm'));
  });

  // The wrappers find the bundled runtime relative to themselves, so they run from the scratch
  // root. PATH holds only what the wrappers use, no node: nothing but the bundled one can run.
  const env = () => ({ PATH: join(scratch, 'path'), HOME: scratch });

  it('maglevd --version runs on the bundled node', async () => {
    const r = await run(join(amd64, 'usr/sbin/maglevd'), ['--version'], { env: env() });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(
      new RegExp(`^maglevd version ${pkg.version.replace(/\./g, '\\.')} \\(commit \\S+, built \\S+\\)\\n$`),
    );
    expect(r.code).toBe(0);
  });

  it('both amd64 packages bundle the pinned Node.js 24', async () => {
    expect(runtimeVersion).toMatch(/^v24\.\d+\.\d+$/);
    for (const name of ['vpp-maglevd', 'vpp-maglev']) {
      const node = await ok(
        join(amd64, 'usr/lib', name, 'node/bin/node'),
        ['-p', 'process.version + " " + process.arch'],
        { env: env() },
      );
      expect(node, name).toBe(`${runtimeVersion} x64\n`);
    }
  });

  it('maglevd --check accepts the shipped configuration', async () => {
    const r = await run(
      join(amd64, 'usr/sbin/maglevd'),
      ['--check', '--config', join(amd64, 'etc/vpp-maglev/maglev.yaml')],
      { env: env() },
    );
    expect(r).toEqual({ code: 0, stdout: 'config ok\n', stderr: '' });
  });

  it.each([
    ['usr/bin/maglevc', /^Usage: maglevc /],
    ['usr/bin/maglevt', /^Usage: maglevt /],
    ['usr/sbin/maglevd-frontend', /^Usage: maglevd-frontend /],
  ])('%s --help', async (bin, usage) => {
    const r = await run(join(amd64, bin), ['--help'], { env: env() });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(usage);
    expect(r.code).toBe(0);
  });

  it('the amd64 native addon loads in the bundled node, the only native code in the packages', async () => {
    const app = join(amd64, 'usr/lib/vpp-maglevd');
    const out = await ok(
      join(app, 'node/bin/node'),
      [
        '-e',
        `const s = require('${app}/build/Release/vpp_maglev_native.node');
         console.log(typeof s.recvFd, typeof s.memfdCreate, typeof s.probeEngineCreate);`,
      ],
      { env: env() },
    );
    expect(out).toBe('function function function\n');
    // ICMP probes run in that addon: no other addon (net-ping's raw-socket once) is shipped.
    for (const name of ['vpp-maglevd', 'vpp-maglev']) {
      const root = join(amd64, 'usr/lib', name);
      const addons = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) =>
        f.endsWith('.node'),
      );
      expect(addons, name).toEqual(['build/Release/vpp_maglev_native.node']);
    }
  });

  // qemu-user runs the arm64 runtime here: its version, and that the addons built for it load in it.
  const arm64Node = (name: string, args: readonly string[]) =>
    ok(qemu, ['-L', ARM64_SYSROOT, join(arm64, 'usr/lib', name, 'node/bin/node'), ...args], {
      env: env(),
      timeoutMs: 180_000,
    });

  it('both arm64 packages bundle the pinned Node.js 24', async () => {
    for (const name of ['vpp-maglevd', 'vpp-maglev']) {
      const node = await arm64Node(name, ['-p', 'process.version + " " + process.arch']);
      expect(node, name).toBe(`${runtimeVersion} arm64\n`);
    }
  }, 400_000);

  it('the arm64 native addon loads in the arm64 node, and maglevd runs on it', async () => {
    const app = join(arm64, 'usr/lib/vpp-maglevd');
    const out = await arm64Node('vpp-maglevd', [
      '-e',
      `const s = require('${app}/build/Release/vpp_maglev_native.node');
       console.log(typeof s.recvFd, typeof s.memfdCreate, typeof s.probeEngineCreate);`,
    ]);
    expect(out).toBe('function function function\n');
    const version = await arm64Node('vpp-maglevd', [join(app, 'dist/bin/maglevd.js'), '--version']);
    expect(version).toMatch(new RegExp(`^maglevd version ${pkg.version.replace(/\./g, '\\.')} `));
  }, 400_000);

  it('the arm64 packages carry an aarch64 node and an aarch64 addon', async () => {
    for (const name of ['vpp-maglevd', 'vpp-maglev']) {
      for (const f of ['node/bin/node', 'build/Release/vpp_maglev_native.node']) {
        const header = await ok('readelf', ['-h', join(arm64, 'usr/lib', name, f)]);
        expect(header, `${name}/${f}`).toMatch(/^\s*Machine:\s+AArch64$/m);
      }
    }
    const header = await ok('readelf', ['-h', join(amd64, 'usr/lib/vpp-maglev/node/bin/node')]);
    expect(header).toMatch(/^\s*Machine:\s+Advanced Micro Devices X86-64$/m);
  });

  it('lintian reports no errors', async () => {
    // One package of each kind, one of each architecture: the other two share their layout.
    const r = await run(
      'lintian',
      [
        '--fail-on',
        'error',
        '--tag-display-limit',
        '0',
        deb('vpp-maglevd', 'amd64'),
        deb('vpp-maglev', 'arm64'),
      ],
      { timeoutMs: 900_000 },
    );
    expect(r.stdout.split('\n').filter((l) => l.startsWith('E: '))).toEqual([]);
    expect(r.code).toBe(0);
  }, 1_000_000);
});

describe('man pages', () => {
  const pages = readdirSync(join(repo, 'docs/man')).filter((p) => /\.[18]$/.test(p));

  it('include maglevd(8)', () => {
    expect(pages).toContain('maglevd.8');
  });

  it.each(pages)('%s renders without warnings', async (page) => {
    const file = join(repo, 'docs/man', page);
    const groff = await run('groff', ['-man', '-ww', '-z', file]);
    expect(groff).toEqual({ code: 0, stdout: '', stderr: '' });
    const man = await run('man', ['-l', file], { env: { ...process.env, MANWIDTH: '80' } });
    expect(man.stderr).toBe('');
    expect(man.code).toBe(0);
    expect(man.stdout).toMatch(/^NAME$/m);
  });
});
