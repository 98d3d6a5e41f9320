/**
 * The package's entry points, imported by name as a user would (package.json `exports` → dist/),
 * each in a fresh process: which third-party packages each one loads. The parts an SDK user
 * embeds (the VPP clients, the health checker, the planner, the reconciler, the simulator) load
 * none of the UI, gRPC, metrics, logging or config-parsing dependencies.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PROBE = join(ROOT, 'test/support/load-probe.mjs');

/** Third-party packages an import loads, by name. */
function packagesLoaded(specifier: string): string[] {
  const out = execFileSync(process.execPath, [PROBE, specifier], { cwd: ROOT, encoding: 'utf8' });
  const { modules } = JSON.parse(out) as { modules: string[] };
  const names = new Set<string>();
  for (const m of modules) {
    const i = m.lastIndexOf('node_modules/');
    if (i < 0) continue;
    const parts = m.slice(i + 'node_modules/'.length).split('/');
    names.add(parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] as string));
  }
  return [...names].sort();
}

const HEAVY = ['blessed', '@grpc/grpc-js', 'prom-client', 'pino', 'zod', 'yaml', '@bufbuild/protobuf'];

describe('entry points', () => {
  const none: string[] = [];
  const cases: Array<[string, string[]]> = [
    ['vpp-maglev/model', none],
    ['vpp-maglev/vpp-api', none],
    ['vpp-maglev/vpp', none],
    ['vpp-maglev/health', none],
    ['vpp-maglev/plan', none],
    ['vpp-maglev/reconcile', none],
    ['vpp-maglev/sim', none],
    ['vpp-maglev/config', ['yaml', 'zod']],
  ];
  for (const [specifier, want] of cases) {
    it(`${specifier} loads ${want.length === 0 ? 'no third-party package' : want.join(' and ')}`, () => {
      expect(packagesLoaded(specifier)).toEqual(want);
    });
  }

  it('vpp-maglev/api loads gRPC and protobuf but no UI, metrics or config parser', () => {
    const loaded = packagesLoaded('vpp-maglev/api');
    expect(loaded).toEqual(expect.arrayContaining(['@grpc/grpc-js', '@bufbuild/protobuf']));
    for (const p of ['blessed', 'prom-client', 'zod', 'yaml']) expect(loaded).not.toContain(p);
  });

  it('vpp-maglev/daemon loads no UI', () => {
    const loaded = packagesLoaded('vpp-maglev/daemon');
    expect(loaded).toEqual(expect.arrayContaining(['@grpc/grpc-js', 'prom-client', 'pino', 'yaml']));
    expect(loaded).not.toContain('blessed');
  });

  it("the root entry point offers every part, and none of the binaries' own code (no terminal UI)", () => {
    const loaded = packagesLoaded('vpp-maglev');
    for (const p of HEAVY.filter((h) => h !== 'blessed')) expect(loaded).toContain(p);
    expect(loaded).not.toContain('blessed');
  });
});
