/**
 * The import graph of the library: no module reaches itself through imports that run (type-only
 * imports vanish at build time and are not counted), and the gRPC handlers see the daemon only
 * through the interface they declare.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

/** Relative imports of a module: `import`/`export … from`, with or without `type`. */
function importsOf(text: string): Array<{ spec: string; typeOnly: boolean }> {
  const out: Array<{ spec: string; typeOnly: boolean }> = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s+['"](\.[^'"]+)['"]/gm)) {
    out.push({ spec: m[4] as string, typeOnly: m[2] !== undefined });
  }
  return out;
}

function graph(typeOnly: boolean): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of [...sources(join(ROOT, 'lib')), ...sources(join(ROOT, 'vpp-api'))]) {
    const deps = importsOf(readFileSync(f, 'utf8'))
      .filter((i) => typeOnly || !i.typeOnly)
      .map((i) => resolve(dirname(f), i.spec.replace(/\.js$/, '.ts')));
    g.set(f, deps);
  }
  return g;
}

/** Strongly connected components with more than one module (Tarjan). */
function cycles(g: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        c.push(relative(ROOT, w));
      } while (w !== v);
      if (c.length > 1) out.push(c.sort());
    }
  };
  for (const v of g.keys()) if (!index.has(v)) visit(v);
  return out;
}

/**
 * The layers of lib/, lowest first (shared/ARCHITECTURE.md): a folder imports only folders
 * before it; lib/model imports nothing at all.
 */
const LAYERS = [
  'model',
  'util',
  'flags',
  'events',
  'config',
  'health',
  'plan',
  'vpp',
  'reconcile',
  'sim',
  'api',
  'daemon',
  'cli',
  'tui',
  'dashboard',
  'demo',
];

function layerOf(file: string): string {
  const rel = relative(join(ROOT, 'lib'), file);
  // The build's version stamp is a leaf, like util/.
  if (rel === 'version.ts') return 'util';
  return rel.startsWith('..') ? 'vpp-api' : (rel.split('/')[0] as string).replace(/\.ts$/, '');
}

describe('import graph', () => {
  it('finds the imports of a module, type-only or not', () => {
    expect(
      importsOf(
        "import { a } from './a.js';\nimport type { B } from '../b.js';\nexport { c } from './c.js';",
      ),
    ).toEqual([
      { spec: './a.js', typeOnly: false },
      { spec: '../b.js', typeOnly: true },
      { spec: './c.js', typeOnly: false },
    ]);
    expect(
      cycles(
        new Map([
          ['x', ['y']],
          ['y', ['x']],
          ['z', []],
        ]),
      ),
    ).toHaveLength(1);
  });

  it('has no cycle of imports that run, in lib/ and vpp-api/', () => {
    expect(cycles(graph(false))).toEqual([]);
  });

  it('has no cycle at all in lib/daemon: the handlers see the daemon through MaglevdServices', () => {
    const daemon = cycles(graph(true)).filter((c) => c.some((f) => f.startsWith('lib/daemon/')));
    expect(daemon).toEqual([]);
    const handlers = readFileSync(join(ROOT, 'lib/daemon/handlers.ts'), 'utf8');
    expect(importsOf(handlers).map((i) => i.spec)).not.toContain('./maglevd.js');
  });

  it('keeps the layering of shared/ARCHITECTURE.md with no exception, type-only imports included', () => {
    const wrong: string[] = [];
    for (const [file, deps] of graph(true)) {
      const from = layerOf(file);
      if (from === 'vpp-api' || from === 'index') continue;
      for (const dep of deps) {
        const to = layerOf(dep);
        if (to === from) continue;
        const ok =
          from !== 'model' &&
          (to === 'vpp-api' || (LAYERS.includes(to) && LAYERS.indexOf(to) < LAYERS.indexOf(from)));
        if (!ok) wrong.push(`${relative(ROOT, file)} imports ${relative(ROOT, dep)}`);
      }
    }
    for (const [file, deps] of graph(true)) {
      if (layerOf(file) !== 'vpp-api') continue;
      for (const dep of deps)
        if (layerOf(dep) !== 'vpp-api') wrong.push(`${relative(ROOT, file)} imports ${relative(ROOT, dep)}`);
    }
    expect(wrong).toEqual([]);
    expect(LAYERS.every((l) => statSync(join(ROOT, 'lib', l)).isDirectory())).toBe(true);
  });
});
