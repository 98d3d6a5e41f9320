// npm run test:runtime [-- vitest arguments]: runs the test suite on the Node.js runtime the
// Debian packages bundle (scripts/node-runtime.mjs pins it), not only on the development
// machine's node. It
//   1. fetches node-linux-<arch> at the pinned version from the npm registry into
//      node_modules/.cache/vpp-maglev/ (once; the pinned integrity is checked on every run);
//   2. builds vpp-maglev's addon against that runtime's headers into build/node-v<ABI>/, where
//      lib/vpp/stats/native.ts looks first (rebuilt when binding.gyp, native/ or the runtime
//      change);
//   3. runs `vitest run` under that runtime, its bin directory first on PATH. Without arguments
//      it runs every test but the Debian packaging test, whose subject (the .deb files and the
//      runtime inside them) does not depend on the node running it; with arguments, exactly
//      those (`npm run test:runtime -- test/unit/vpp-stats`).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fetchRuntime, runtimeVersion, unpack } from './node-runtime.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const cache = join(root, 'node_modules', '.cache', 'vpp-maglev');
const DEFAULT_ARGS = ['--exclude', 'test/e2e/packaging.test.ts'];

function fail(message) {
  process.stderr.write(`test:runtime: ${message}\n`);
  process.exit(1);
}

function log(message) {
  process.stderr.write(`test:runtime: ${message}\n`);
}

/** A directory made next to `final` and renamed onto it when `fill` succeeds: no half-made cache entries. */
function atomicDir(final, fill) {
  mkdirSync(join(final, '..'), { recursive: true });
  const tmp = mkdtempSync(`${final}.tmp-`);
  try {
    fill(tmp);
    rmSync(final, { recursive: true, force: true });
    renameSync(tmp, final);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The bundled runtime unpacked: bin/node and include/node (node-gyp's --nodedir). */
function ensureRuntime(arch, version) {
  const dir = join(cache, `node-v${version}-linux-${arch}`);
  // Checked on every run, so a damaged download is caught even when the unpacked copy exists.
  const tgz = fetchRuntime(arch, version, cache);
  if (!existsSync(join(dir, 'bin', 'node')) || !existsSync(join(dir, 'include', 'node', 'node_api.h'))) {
    atomicDir(dir, (tmp) => unpack(tgz, tmp, ['bin/node', 'include', 'LICENSE']));
  }
  return dir;
}

function nodeGypPath() {
  const fromNpm = process.env['npm_config_node_gyp'];
  if (fromNpm && existsSync(fromNpm)) return fromNpm;
  const r = spawnSync('npm', ['root', '-g'], { encoding: 'utf8' });
  const path = join(r.stdout.trim(), 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (r.status !== 0 || !existsSync(path)) fail(`node-gyp not found (looked for ${path})`);
  return path;
}

function gypRebuild(dir, nodedir, what) {
  const r = spawnSync(process.execPath, [nodeGypPath(), 'rebuild', `--nodedir=${nodedir}`, '--jobs=max'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, npm_config_nodedir: nodedir },
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) {
    process.stderr.write(r.stdout + r.stderr);
    fail(`node-gyp failed building ${what} against ${nodedir}`);
  }
}

function sha256(parts) {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

/** vpp-maglev's addon for the runtime's ABI, in build/node-v<ABI>/ (see lib/vpp/stats/native.ts). */
function ensureOwnAddon(runtimeDir, version, abi) {
  const out = join(root, 'build', `node-v${abi}`);
  const sources = ['binding.gyp', ...readdirSync(join(root, 'native')).map((f) => join('native', f))].sort();
  const stamp = sha256([version, ...sources.flatMap((f) => [f, readFileSync(join(root, f))])]);
  const stampFile = join(out, 'inputs.sha256');
  if (existsSync(join(out, 'vpp_maglev_native.node')) && existsSync(stampFile)) {
    if (readFileSync(stampFile, 'utf8').trim() === stamp) return;
  }
  log(`building vpp_maglev_native for node ${version} (ABI ${abi})`);
  const work = mkdtempSync(join(cache, '.addon-'));
  try {
    cpSync(join(root, 'binding.gyp'), join(work, 'binding.gyp'));
    cpSync(join(root, 'native'), join(work, 'native'), { recursive: true });
    gypRebuild(work, runtimeDir, 'vpp_maglev_native');
    atomicDir(out, (tmp) => {
      copyFileSync(
        join(work, 'build', 'Release', 'vpp_maglev_native.node'),
        join(tmp, 'vpp_maglev_native.node'),
      );
      writeFileSync(join(tmp, 'inputs.sha256'), `${stamp}\n`);
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function main() {
  if (!existsSync(join(root, 'node_modules', 'vitest')))
    fail('node_modules is not installed: run npm ci first');
  const arch = process.arch;
  let version;
  let runtimeDir;
  try {
    version = runtimeVersion();
    runtimeDir = ensureRuntime(arch, version);
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  const node = join(runtimeDir, 'bin', 'node');
  const probe = spawnSync(node, ['-p', 'process.version + " " + process.versions.modules'], {
    encoding: 'utf8',
  });
  const [reported, abi] = probe.stdout.trim().split(' ');
  if (probe.status !== 0 || reported !== `v${version}`) {
    fail(
      `${node} does not run as node ${version}: ${probe.error?.message ?? (probe.stderr || probe.stdout)}`,
    );
  }
  ensureOwnAddon(runtimeDir, version, abi);

  const args = process.argv.slice(2);
  const env = {
    ...process.env,
    PATH: `${join(runtimeDir, 'bin')}:${process.env['PATH'] ?? ''}`,
    // Lets a test tell this run from the plain one (test/unit/vpp-stats/native-runtime.test.ts).
    VPP_MAGLEV_TEST_RUNTIME: version,
    // node-gyp builds (an `npm install` in a test) use this runtime's headers: nothing to download.
    npm_config_nodedir: runtimeDir,
  };
  log(`vitest run on node ${version} (ABI ${abi})`);
  const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
  const child = spawn(node, [vitest, 'run', ...(args.length > 0 ? args : DEFAULT_ARGS)], {
    cwd: root,
    env,
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
}

main();
