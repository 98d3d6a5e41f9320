// npm test's pretest step: the Debian packages the tests drive for real (a browser, terminals,
// network namespaces, the packaging tools, promtool) must be on the machine before the suite
// runs, or those tests fail far from the cause. Missing ones are installed when run as root (CI,
// a fresh container); otherwise the run stops at once with the one command that fixes it.
// Everything present costs one dpkg-query call.
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/** The Debian packages the tests need, and which tests need them. */
export const TEST_PACKAGES = [
  { name: 'tmux', why: 'terminal tests of maglevc and maglevt' },
  { name: 'chromium', why: "the dashboard's browser tests (playwright-core drives /usr/bin/chromium)" },
  { name: 'iproute2', why: 'network namespaces (ip netns) for the netns probe tests' },
  { name: 'util-linux', why: 'nsenter and setpriv for the netns probe tests' },
  { name: 'openssl', why: 'certificates made at test time for the HTTPS probe tests' },
  { name: 'prometheus', why: 'promtool, which checks the /metrics exposition' },
  { name: 'lintian', why: 'checking the Debian packages' },
  { name: 'binutils', why: 'building the Debian packages (strip, objdump)' },
  { name: 'gcc-aarch64-linux-gnu', why: 'cross-compiling the native addon for the arm64 package' },
  { name: 'g++-aarch64-linux-gnu', why: 'cross-compiling the native addon for the arm64 package' },
  { name: 'qemu-user-static', why: "running the arm64 package's node and addons (qemu-aarch64-static)" },
  { name: 'man-db', why: 'man page checks' },
  { name: 'groff-base', why: 'man page checks' },
  { name: 'python3', why: 'node-gyp, building the native addon' },
  { name: 'make', why: 'node-gyp, building the native addon' },
  { name: 'g++', why: 'node-gyp, building the native addon' },
];

/** The dpkg-query call whose output `installedFrom` reads. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own field syntax
export const DPKG_QUERY = ['dpkg-query', '-W', '-f=${Package}\\t${Status}\\n'];

/**
 * Names of the installed packages in the output of DPKG_QUERY. The status is "want error state":
 * a held package ("hold ok installed") is installed; one removed but not purged ("deinstall ok
 * config-files") or half-installed is not.
 */
export function installedFrom(stdout) {
  const installed = new Set();
  for (const line of stdout.split('\n')) {
    const [name, status] = line.split('\t');
    if (name && status?.trim().split(/\s+/)[2] === 'installed') installed.add(name.trim());
  }
  return installed;
}

/**
 * What to do, given the installed packages (null: dpkg-query is not there, so this is not a
 * Debian system) and whether we run as root.
 * - ok: nothing is missing.
 * - install: run `commands` in order (root only), with DEBIAN_FRONTEND=noninteractive.
 * - stop: print `message` and exit 1 (missing packages and not root).
 * - unknown: print `message` as a warning and go on: the packages cannot be checked here.
 */
export function plan({ packages, installed, root }) {
  const names = packages.map((p) => p.name);
  if (installed === null) {
    return {
      action: 'unknown',
      missing: [],
      message:
        'pretest: no dpkg-query, so this is not Debian: cannot check the packages the tests need.\n' +
        `pretest: on Debian they are: ${names.join(' ')}\n`,
    };
  }
  const missing = packages.filter((p) => !installed.has(p.name));
  if (missing.length === 0) return { action: 'ok', missing: [] };
  const missingNames = missing.map((p) => p.name);
  const list = missing.map((p) => `  ${p.name.padEnd(22)} ${p.why}\n`).join('');
  if (root) {
    return {
      action: 'install',
      missing: missingNames,
      commands: [
        ['apt-get', 'update'],
        ['apt-get', 'install', '-y', '--no-install-recommends', ...missingNames],
      ],
      message: `pretest: installing the Debian packages the tests need:\n${list}`,
    };
  }
  return {
    action: 'stop',
    missing: missingNames,
    message:
      `pretest: the tests need Debian packages that are not installed:\n${list}` +
      'Install them, then run npm test again:\n' +
      `  sudo apt-get install --no-install-recommends ${missingNames.join(' ')}\n`,
  };
}

function main() {
  const q = spawnSync(DPKG_QUERY[0], [...DPKG_QUERY.slice(1), ...TEST_PACKAGES.map((p) => p.name)], {
    encoding: 'utf8',
  });
  // dpkg-query exits 1 when a package is unknown to dpkg; its output still lists the others.
  const installed = q.error ? null : installedFrom(q.stdout);
  if (q.error && q.error.code !== 'ENOENT') throw q.error;
  const step = plan({ packages: TEST_PACKAGES, installed, root: process.getuid?.() === 0 });
  if (step.action === 'ok') return;
  process.stderr.write(step.message);
  if (step.action === 'stop') process.exit(1);
  if (step.action === 'unknown') return;
  for (const [cmd, ...args] of step.commands) {
    const r = spawnSync(cmd, args, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (r.status !== 0) {
      process.stderr.write(
        `pretest: ${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})\n`,
      );
      process.exit(1);
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
