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
