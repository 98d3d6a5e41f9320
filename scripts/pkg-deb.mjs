// Helpers of scripts/pkg-deb.sh that are easier in JavaScript than in shell: the Debian version,
// the production node_modules closure, the trimmed package.json, the copyright file and the
// shared-library Depends. Run as `node scripts/pkg-deb.mjs <command> [args...]`; every command
// prints its result on stdout or writes the files it names, and exits non-zero with a message on
// stderr when its input is wrong.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function fail(message) {
  process.stderr.write(`pkg-deb: ${message}\n`);
  process.exit(1);
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    fail(`cannot read ${path}: ${err.message}`);
  }
}

/**
 * npm version -> Debian version. A semver pre-release ("1.1.0-dev", "2.0.0-rc.1") must sort
 * before its release, which in Debian is spelled with "~"; a "-" would instead start a Debian
 * revision. Build metadata after "+" is valid as it is.
 */
function debianVersion(npmVersion) {
  const m = /^(\d+\.\d+\.\d+)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/.exec(npmVersion);
  if (!m) fail(`package.json version ${JSON.stringify(npmVersion)} is not a semver version`);
  let v = m[1];
  if (m[2]) v += `~${m[2].replaceAll('-', '~')}`;
  if (m[3]) v += `+${m[3].replaceAll('-', '.')}`;
  return v;
}

/** Lockfile paths ("node_modules/a/node_modules/b") of the packages needed at run time. */
function productionPackages(lock) {
  const pkgs = lock.packages ?? fail('package-lock.json has no "packages" (lockfileVersion >= 2 needed)');
  return Object.entries(pkgs)
    .filter(([path, meta]) => path !== '' && !meta.dev && !meta.devOptional && !meta.link)
    .map(([path, meta]) => ({ path, optional: meta.optional === true }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

// What a package's files include that nothing runs: dotfiles (VCS and npm ignore files, tool
// settings), source maps, TypeScript sources and declarations, maintainers' shell scripts, and
// documentation, tests and examples at the package root (HTML docs even load scripts from CDNs).
const SKIP_DIRS = new Set([
  'test',
  'tests',
  '__tests__',
  'example',
  'examples',
  'docs',
  'doc',
  'benchmark',
  'benchmarks',
]);
const SKIP_FILE = /(^|\/)\.[^/]*$|\.(map|ts|mts|cts|html|sh)$/;

function keepModuleFile(rel, native) {
  if (rel === '') return true;
  const top = rel.split('/')[0];
  if (top === 'node_modules' || SKIP_DIRS.has(top)) return false;
  // A native addon is rebuilt for each architecture from its sources; its build output is not copied.
  if (native && top === 'build') return false;
  if (/\.md$/i.test(rel)) return /(^|\/)(licen[cs]e|copying)[^/]*$/i.test(rel);
  return !SKIP_FILE.test(rel);
}

/**
 * Copies the production closure of package-lock.json from the installed node_modules into
 * <dst>/node_modules, each package without its own nested node_modules (nested production
 * packages are their own lockfile entries) and without what keepModuleFile leaves out.
 */
function stageModules(dst) {
  const lock = readJson(join(root, 'package-lock.json'));
  let copied = 0;
  for (const { path, optional } of productionPackages(lock)) {
    const src = join(root, path);
    if (!existsSync(src)) {
      // An optional dependency npm skipped on this platform is not needed on the target either:
      // every optional one in the closure is platform-specific or has a pure-JS fallback.
      if (optional) continue;
      fail(`${path} is in package-lock.json but not installed: run npm ci`);
    }
    const native = existsSync(join(src, 'binding.gyp'));
    mkdirSync(join(dst, path), { recursive: true });
    cpSync(src, join(dst, path), {
      recursive: true,
      dereference: true,
      filter: (from) => keepModuleFile(from.slice(src.length + 1), native),
    });
    copied++;
  }
  process.stdout.write(`${copied}\n`);
}

/**
 * Turns the "#!/usr/bin/env node" line of every script under DIR into a comment ("#!" becomes
 * "//", so no offset moves). The packages run JavaScript only through their wrappers and the
 * bundled runtime; a node shebang would name an interpreter they do not depend on.
 */
function unshebang(dir) {
  let changed = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    const buf = readFileSync(file);
    if (buf[0] !== 0x23 || buf[1] !== 0x21) continue;
    const nl = buf.indexOf(0x0a);
    const first = buf.subarray(0, nl < 0 ? buf.length : nl).toString('latin1');
    if (!/\bnode\b/.test(first)) continue;
    buf[0] = 0x2f;
    buf[1] = 0x2f;
    writeFileSync(file, buf);
    changed++;
  }
  process.stdout.write(`${changed}\n`);
}

/**
 * The package.json installed next to dist/: the library finds its root (and build/Release) by
 * walking up to a package.json named "vpp-maglev", and "type": "module" makes Node load
 * dist/*.js as ES modules. Development-only fields are left out.
 */
function stagePackageJson(dst) {
  const pkg = readJson(join(root, 'package.json'));
  const keep = ['name', 'version', 'description', 'license', 'homepage', 'repository', 'type', 'engines'];
  const out = Object.fromEntries(keep.filter((k) => k in pkg).map((k) => [k, pkg[k]]));
  out.private = true;
  out.dependencies = pkg.dependencies;
  writeFileSync(join(dst, 'package.json'), `${JSON.stringify(out, null, 2)}\n`);
}

function firstCopyrightLine(dir) {
  const names = readdirSync(dir).filter((n) => /^(licen[cs]e|copying)/i.test(n));
  for (const name of names) {
    const text = readFileSync(join(dir, name), 'utf8');
    // A notice is "Copyright (c) 2016 Someone" or "Copyright 2016 Someone"; license bodies
    // (Apache-2.0: "the copyright notice that is included in ...") use the word too.
    const line = text.split('\n').find((l) => /^\s*copyright\s+(\(c\)|©|\d)/i.test(l));
    if (line) {
      return {
        file: name,
        holder: line
          .trim()
          .replace(/^copyright\s*/i, '')
          .replace(/^(\(c\)|©)\s*/i, ''),
      };
    }
    return { file: name, holder: null };
  }
  return { file: null, holder: null };
}

function authorOf(meta) {
  const a = meta.author;
  if (typeof a === 'string') return a;
  if (a && typeof a.name === 'string') return a.name;
  return null;
}

/**
 * Writes the machine-readable copyright file of one binary package: the project's own
 * paragraphs from debian/copyright with @APPDIR@ filled in, then one paragraph per bundled npm
 * package, its license taken from its package.json and its copyright line from its license file.
 */
function copyright(appDir, installDir, out) {
  const head = readFileSync(join(root, 'debian', 'copyright'), 'utf8')
    .replaceAll('@APPDIR_REL@', installDir.replace(/^\//, ''))
    .replaceAll('@APPDIR@', installDir);
  const paragraphs = [];
  const modules = join(appDir, 'node_modules');
  const lock = readJson(join(root, 'package-lock.json'));
  for (const { path } of productionPackages(lock)) {
    const dir = join(appDir, path);
    if (!existsSync(dir)) continue;
    const meta = readJson(join(dir, 'package.json'));
    const license = typeof meta.license === 'string' ? meta.license : null;
    if (!license) fail(`${path}/package.json has no license field: cannot write debian/copyright`);
    const { file, holder } = firstCopyrightLine(dir);
    const who = holder ?? authorOf(meta) ?? `the authors of ${meta.name}`;
    const where = file ? `${installDir}/${path}/${file}` : `the ${meta.name} ${meta.version} npm package`;
    paragraphs.push(
      `Files: ${installDir.replace(/^\//, '')}/${path}/*\n` +
        `Copyright: ${who}\n` +
        `License: ${spdxToDebian(license)}\n` +
        ` ${meta.name} ${meta.version}; the license text is in ${where}.\n`,
    );
  }
  if (!existsSync(modules)) fail(`${modules} is missing: stage the modules first`);
  writeFileSync(out, `${head.trimEnd()}\n\n${paragraphs.join('\n')}`);
}

/** SPDX expressions use "MIT"; Debian's copyright format calls that license "Expat". */
function spdxToDebian(expr) {
  return expr
    .replace(/^\((.*)\)$/, '$1')
    .replace(/\bMIT\b/g, 'Expat')
    .replace(/ OR /g, ' or ')
    .replace(/ AND /g, ' and ');
}

// GLIBCXX_3.4.N -> the libstdc++6 (GCC) release that introduced it.
const glibcxx = new Map([
  [19, '4.9'],
  [20, '5'],
  [21, '5.2'],
  [22, '6'],
  [23, '7'],
  [24, '7.2'],
  [25, '8'],
  [26, '9'],
  [27, '9.1'],
  [28, '10'],
  [29, '11'],
  [30, '12'],
  [31, '13'],
  [32, '14'],
]);

function cmpVersion(a, b) {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Reads `readelf -V -W` output of every ELF file of a package on stdin and prints the
 * Depends on libc6, libgcc-s1 and libstdc++6 their symbol versions need (dpkg-shlibdeps would
 * need the target architecture's libraries installed, which cross builds do not have).
 */
function shlibDepends(input) {
  const max = (re) => {
    let best = null;
    for (const m of input.matchAll(re)) if (best === null || cmpVersion(m[1], best) > 0) best = m[1];
    return best;
  };
  const deps = [];
  const libc = max(/Name: GLIBC_([0-9.]+)/g);
  deps.push(libc ? `libc6 (>= ${libc})` : 'libc6');
  if (/libgcc_s\.so\.1/.test(input)) deps.push('libgcc-s1');
  if (/libstdc\+\+\.so\.6/.test(input)) {
    const cxx = max(/Name: GLIBCXX_3\.4\.([0-9]+)/g);
    if (cxx !== null && !glibcxx.has(Number(cxx))) fail(`unknown symbol version GLIBCXX_3.4.${cxx}`);
    deps.push(cxx === null ? 'libstdc++6' : `libstdc++6 (>= ${glibcxx.get(Number(cxx))})`);
  }
  process.stdout.write(`${deps.join(', ')}\n`);
}

const [command, ...args] = process.argv.slice(2);
switch (command) {
  case 'version':
    process.stdout.write(`${debianVersion(readJson(join(root, 'package.json')).version)}\n`);
    break;
  case 'npm-version':
    process.stdout.write(`${readJson(join(root, 'package.json')).version}\n`);
    break;
  case 'field': {
    const value = readJson(join(root, 'package.json'))[args[0]];
    process.stdout.write(`${typeof value === 'string' ? value : (value?.url ?? '')}\n`);
    break;
  }
  case 'stage-modules':
    stageModules(args[0] ?? fail('stage-modules DIR'));
    break;
  case 'unshebang':
    unshebang(args[0] ?? fail('unshebang DIR'));
    break;
  case 'stage-package-json':
    stagePackageJson(args[0] ?? fail('stage-package-json DIR'));
    break;
  case 'copyright':
    if (args.length !== 3) fail('copyright APPDIR INSTALLDIR OUTFILE');
    copyright(args[0], args[1], args[2]);
    break;
  case 'shlibdeps':
    shlibDepends(readFileSync(0, 'utf8'));
    break;
  default:
    fail(`unknown command ${JSON.stringify(command)}`);
}
