// Completes package-lock.json with the other platforms' optional packages (Biome, Rollup, Buf
// binaries) when the registry this lockfile was made against does not serve them: npm ci
// refuses a lockfile that lacks any optional dependency, even one it would skip on this
// platform. Each added entry carries the os/cpu/libc npm needs to skip it without fetching.
// Run after `npm install` changed the lockfile: `node scripts/lock-platforms.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const pkgs = lock.packages;

function platformOf(name) {
  const n = name.split('/').pop();
  const os = [
    'android',
    'darwin',
    'win32',
    'freebsd',
    'openbsd',
    'openharmony',
    'linux',
    'netbsd',
    'sunos',
    'aix',
  ].find((o) => n.includes(o));
  const cpus = [
    ['arm64', 'arm64'],
    ['aarch64', 'arm64'],
    ['x64', 'x64'],
    ['ia32', 'ia32'],
    ['loong64', 'loong64'],
    ['ppc64', 'ppc64'],
    ['riscv64', 'riscv64'],
    ['s390x', 's390x'],
    ['armv7', 'arm'],
    ['arm-', 'arm'],
    ['mips64el', 'mips64el'],
  ];
  const cpu = cpus.find(([k]) => n.includes(k))?.[1];
  const libc = n.includes('musl') ? 'musl' : n.includes('gnu') && os === 'linux' ? 'glibc' : undefined;
  return { os, cpu, libc };
}

let added = 0;
for (const [where, meta] of Object.entries(pkgs)) {
  for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `${where === '' ? '' : `${where}/`}node_modules/${dep}`.replace(/^\//, '');
    const topKey = `node_modules/${dep}`;
    if (pkgs[key] || pkgs[topKey]) continue;
    const { os, cpu, libc } = platformOf(dep);
    if (!os || !cpu) continue;
    pkgs[topKey] = {
      version,
      ...(meta.dev ? { dev: true } : {}),
      optional: true,
      os: [os],
      cpu: [cpu],
      ...(libc ? { libc: [libc] } : {}),
    };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)),
);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(`lock-platforms: added ${added} platform package entries\n`);
