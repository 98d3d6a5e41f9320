import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The built single-page app (vite's output) served by maglevd-frontend. The files are read
 * once at start and served from memory; only files that exist in the build are ever served,
 * so no request path reaches the file system.
 */

/**
 * One file of the built app, held in memory.
 *
 * @internal
 */
export interface Asset {
  readonly body: Buffer;
  readonly contentType: string;
  /** Hashed file names never change and may be cached for good. */
  readonly immutable: boolean;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

function contentType(path: string): string {
  const dot = path.lastIndexOf('.');
  return (dot >= 0 && TYPES[path.slice(dot).toLowerCase()]) || 'application/octet-stream';
}

/**
 * Where the built app is: `dist/web` of the package. Searched upwards from this module, which
 * is `dist/…` once built and `lib/dashboard/` when run from sources (tests), so both find the
 * same folder. Returns null when the app was not built.
 *
 * @internal
 */
export function locateAssets(moduleUrl: string = import.meta.url): string | null {
  let dir = dirname(fileURLToPath(moduleUrl));
  for (let i = 0; i < 5; i++) {
    const candidates = [join(dir, 'dist', 'web')];
    if (basename(dir) === 'dist') candidates.unshift(join(dir, 'web'));
    for (const c of candidates) if (existsSync(join(c, 'index.html'))) return c;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

/**
 * Every file under `dir`, keyed by its path relative to it with forward slashes.
 *
 * @internal
 */
export function loadAssets(dir: string): Map<string, Asset> {
  const out = new Map<string, Asset>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else {
        const rel = relative(dir, full).split(sep).join('/');
        out.set(rel, {
          body: readFileSync(full),
          contentType: contentType(rel),
          immutable: rel.startsWith('assets/'),
        });
      }
    }
  };
  walk(dir);
  if (!out.has('index.html')) throw new Error(`${dir} has no index.html: not a built dashboard`);
  return out;
}
