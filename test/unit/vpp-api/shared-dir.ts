import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The pinned VPP API files: `../shared/vpp-api` relative to the repository root (CI clones the
 * repo with shared/ beside it). A git worktree sits one level deeper, so its parents are searched too.
 */
export function sharedVppApiDir(): string {
  let dir = repoRoot;
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, '..', 'shared', 'vpp-api');
    if (existsSync(join(candidate, 'lb.api.json'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`../shared/vpp-api not found beside ${repoRoot} or its parents`);
}

/**
 * The ip module and the type modules it imports were added to the generated set after the
 * pinned folder was laid; until their `.api.json` files are placed there (docs/vpp-api.md,
 * "Where the definitions come from"), the regeneration test rebuilds them from their committed
 * definitions (`--from-committed`), and they are checked against VPP's published CRCs and
 * layouts.
 */
export const LATER_MODULES: readonly string[] = ['ethernet_types', 'fib_types', 'mfib_types', 'ip'];

/** The generated modules whose `.api.json` the pinned folder holds. */
export function pinnedModules(modules: readonly string[]): string[] {
  const dir = sharedVppApiDir();
  return modules.filter((m) => existsSync(join(dir, `${m}.api.json`)));
}
