import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findPackageRoot, loadNativeAddon, nativeAddonPath } from '../../../lib/vpp/stats/native.js';

// One checkout runs its tests on two runtimes: the development machine's node (npm ci built the
// addon for it) and the Node.js the Debian packages bundle (npm run test:runtime, which builds
// the addon for it and sets VPP_MAGLEV_TEST_RUNTIME). Each must load the build for its own ABI.

const scratch = mkdtempSync(join(tmpdir(), 'vpp-native-runtime-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const ADDON = 'vpp_maglev_native.node';
const abiDir = `node-v${process.versions.modules}`;
const runtime = process.env['VPP_MAGLEV_TEST_RUNTIME'];

function fakeRoot(name: string, builds: readonly string[]): string {
  const root = join(scratch, name);
  for (const dir of builds) {
    mkdirSync(join(root, 'build', dir), { recursive: true });
    writeFileSync(join(root, 'build', dir, ADDON), '');
  }
  return root;
}

describe('the native addon for this runtime', () => {
  it("prefers the build for this runtime's ABI over node-gyp's build/Release", () => {
    const root = fakeRoot('both', ['Release', abiDir]);
    expect(nativeAddonPath(root)).toBe(join(root, 'build', abiDir, ADDON));
  });

  it("uses build/Release when there is no build for this runtime's ABI", () => {
    const root = fakeRoot('release', ['Release', 'node-v1']);
    expect(nativeAddonPath(root)).toBe(join(root, 'build', 'Release', ADDON));
    expect(nativeAddonPath(fakeRoot('none', []))).toBe(join(root, '..', 'none', 'build', 'Release', ADDON));
  });

  it('loads the build made for the running node', () => {
    const root = findPackageRoot();
    if (root === null) throw new Error('no vpp-maglev package root above this test');
    const path = nativeAddonPath(root);
    if (runtime) {
      // npm run test:runtime: the bundled runtime, with the addon built against its headers.
      expect(process.version).toBe(`v${runtime}`);
      expect(path).toBe(join(root, 'build', abiDir, ADDON));
    } else {
      expect([join(root, 'build', abiDir, ADDON), join(root, 'build', 'Release', ADDON)]).toContain(path);
    }
    const addon = loadNativeAddon(root);
    expect(typeof addon.memfdCreate).toBe('function');
    // The health checker's probe engine (TCP, HTTP and ICMP) is in the same build.
    expect(typeof (addon as unknown as Record<string, unknown>)['probeEngineCreate']).toBe('function');
  });
});
