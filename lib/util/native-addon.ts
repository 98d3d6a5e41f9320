/**
 * Where the package's native addon (native/, built by node-gyp) is: shared by the stats segment
 * reader, the simulator and the health checker's probe engine, so it sits below all of them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's name in package.json. @internal */
export const PACKAGE_NAME = 'vpp-maglev';
/** The addon's file name. @internal */
export const ADDON_NAME = 'vpp_maglev_native.node';
/** Where node-gyp builds the addon, under the package root. @internal */
export const ADDON_FILE = join('build', 'Release', ADDON_NAME);

/** The directory of the vpp-maglev package that contains `from` (a file URL or path). */
export function findPackageRoot(from: string | URL = import.meta.url): string | null {
  let dir = dirname(typeof from === 'string' && !from.startsWith('file:') ? from : fileURLToPath(from));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
        if (pkg.name === PACKAGE_NAME) return dir;
      } catch {
        // An unreadable package.json on the way up is not ours; keep walking.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * The addon file under `packageRoot`: a build for this runtime's ABI in
 * `build/node-v<process.versions.modules>/` when there is one, else node-gyp's `build/Release/`
 * (what `npm ci` builds for the node that ran it). The first is how one checkout runs on two
 * runtimes: `npm run test:runtime` builds the addon for the bundled Node.js there, so its tests
 * load that build and not the one made for the development machine's node.
 */
export function nativeAddonPath(packageRoot: string): string {
  const forRuntime = join(packageRoot, 'build', `node-v${process.versions.modules}`, ADDON_NAME);
  return existsSync(forRuntime) ? forRuntime : join(packageRoot, ADDON_FILE);
}
