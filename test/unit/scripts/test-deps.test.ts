import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DPKG_QUERY, installedFrom, plan, TEST_PACKAGES } from '../../../scripts/test-deps.mjs';

const pkgs = [
  { name: 'tmux', why: 'terminal tests' },
  { name: 'chromium', why: 'browser tests' },
  { name: 'prometheus', why: 'promtool' },
];

describe('installedFrom', () => {
  it.each([
    ['nothing', '', []],
    ['one installed', 'tmux\tinstall ok installed\n', ['tmux']],
    [
      'removed but not purged, half-installed and not-installed ones as missing',
      'tmux\tdeinstall ok config-files\nchromium\tinstall ok half-installed\nmake\tunknown ok not-installed\n',
      [],
    ],
    ['a held package as installed', 'make\thold ok installed\n', ['make']],
    [
      'several, with one per architecture',
      'g++\tinstall ok installed\nlibc6\tinstall ok installed\nlibc6\tinstall ok installed\n',
      ['g++', 'libc6'],
    ],
    ['no trailing newline', 'openssl\tinstall ok installed', ['openssl']],
  ])('reads %s', (_, stdout, want) => {
    expect([...installedFrom(stdout)].sort()).toEqual(want);
  });

  it('reads the real dpkg-query, which lists what it knows and exits 1 for the rest', () => {
    const q = spawnSync(DPKG_QUERY[0]!, [...DPKG_QUERY.slice(1), 'dpkg', 'no-such-package-maglev'], {
      encoding: 'utf8',
    });
    expect(q.status).toBe(1);
    expect(q.stderr).toContain('no-such-package-maglev');
    expect(installedFrom(q.stdout)).toEqual(new Set(['dpkg']));
  });
});

describe('plan', () => {
  it.each([
    ['everything installed, root', ['tmux', 'chromium', 'prometheus'], true, 'ok', []],
    ['everything installed, not root', ['tmux', 'chromium', 'prometheus'], false, 'ok', []],
    ['more installed than needed', ['tmux', 'chromium', 'prometheus', 'vim'], false, 'ok', []],
    ['one missing, root', ['tmux', 'chromium'], true, 'install', ['prometheus']],
    ['two missing, not root', ['chromium'], false, 'stop', ['tmux', 'prometheus']],
    ['all missing, root', [], true, 'install', ['tmux', 'chromium', 'prometheus']],
    ['all missing, not root', [], false, 'stop', ['tmux', 'chromium', 'prometheus']],
  ] as const)('%s → %s', (_, installed, root, action, missing) => {
    const step = plan({ packages: pkgs, installed: new Set(installed), root });
    expect(step.action).toBe(action);
    expect(step.missing).toEqual(missing);
  });

  it('as root, updates the package lists and then installs only the missing packages', () => {
    const step = plan({ packages: pkgs, installed: new Set(['chromium']), root: true });
    expect(step.action === 'install' && step.commands).toEqual([
      ['apt-get', 'update'],
      ['apt-get', 'install', '-y', '--no-install-recommends', 'tmux', 'prometheus'],
    ]);
    expect(step.action === 'install' && step.message).toContain('prometheus');
  });

  it('as another user, names each missing package, why, and the exact command', () => {
    const step = plan({ packages: pkgs, installed: new Set(['chromium']), root: false });
    if (step.action !== 'stop') throw new Error(`expected stop, got ${step.action}`);
    expect(step.message).toMatch(/^ {2}tmux +terminal tests$/m);
    expect(step.message).toMatch(/^ {2}prometheus +promtool$/m);
    expect(step.message).not.toContain('chromium');
    expect(step.message).toContain('\n  sudo apt-get install --no-install-recommends tmux prometheus\n');
  });

  it('without dpkg-query, warns with the Debian package list and goes on', () => {
    const step = plan({ packages: pkgs, installed: null, root: true });
    expect(step.action).toBe('unknown');
    expect(step.action === 'unknown' && step.message).toContain('tmux chromium prometheus');
  });
});

describe('TEST_PACKAGES', () => {
  it('includes the package that provides promtool, and names each package once with a reason', () => {
    const names = TEST_PACKAGES.map((p) => p.name);
    expect(names).toContain('prometheus');
    expect(new Set(names).size).toBe(names.length);
    for (const p of TEST_PACKAGES) expect(p.why.length).toBeGreaterThan(5);
  });
});
