import { closeSync, fstatSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { StatsSegmentWriter } from '../../../lib/sim/stats/index.js';
import {
  findPackageRoot,
  loadNativeAddon,
  StatsAddonMissingError,
  StatsSegmentReader,
} from '../../../lib/vpp/stats/index.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');
const scratch = mkdtempSync(join(tmpdir(), 'vpp-stats-native-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('native addon loading', () => {
  it('finds the package root by walking up to the vpp-maglev package.json', () => {
    expect(findPackageRoot(import.meta.url)).toBe(repoRoot);
    expect(findPackageRoot(join(repoRoot, 'lib', 'vpp', 'stats', 'native.ts'))).toBe(repoRoot);
    const other = join(scratch, 'other', 'lib');
    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'not-maglev' }));
    expect(findPackageRoot(join(other, 'x.js'))).toBe(null);
  });

  it('loads the built addon with the three functions', () => {
    const addon = loadNativeAddon();
    expect(typeof addon.recvFd).toBe('function');
    expect(typeof addon.serveFd).toBe('function');
    const fd = addon.memfdCreate('test');
    expect(fstatSync(fd).size).toBe(0);
    closeSync(fd);
    StatsSegmentWriter.inMemfd({ size: 64 * 1024 }).close();
  });

  it('says plainly that the addon is not built when it is missing', async () => {
    const root = join(scratch, 'unbuilt');
    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'vpp-maglev' }));
    expect(() => loadNativeAddon(root)).toThrow(StatsAddonMissingError);
    expect(() => loadNativeAddon(null)).toThrow(
      'stats segment unavailable: native addon not built (run npm ci)',
    );
    const reader = new StatsSegmentReader({ packageRoot: root });
    const err = await reader.connect('/run/vpp/stats.sock').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StatsAddonMissingError);
    expect((err as StatsAddonMissingError).addonPath).toBe(
      join(root, 'build', 'Release', 'vpp_maglev_native.node'),
    );
    expect(() => StatsSegmentWriter.inMemfd({ packageRoot: root })).toThrow(StatsAddonMissingError);
  });

  it('treats a file that is no addon as not built', () => {
    const root = join(scratch, 'broken');
    const release = join(root, 'build', 'Release');
    rmSync(root, { recursive: true, force: true });
    mkdirSync(release, { recursive: true });
    writeFileSync(join(release, 'vpp_maglev_native.node'), 'not an ELF file');
    const err = (() => {
      try {
        loadNativeAddon(root);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(StatsAddonMissingError);
    expect((err as Error).cause).toBeInstanceOf(Error);
  });

  it('rejects bad arguments before any system call', async () => {
    const addon = loadNativeAddon();
    expect(() => addon.memfdCreate(5 as unknown as string)).toThrow(TypeError);
    expect(() => addon.serveFd('', 0)).toThrow('socket path must not be empty');
    expect(() => addon.serveFd('/tmp/x.sock', -1)).toThrow('fd must be a non-negative integer');
    expect(() => addon.recvFd(`/tmp/${'x'.repeat(120)}`, 100)).toThrow(
      expect.objectContaining({ code: 'ENAMETOOLONG' }),
    );
  });
});
