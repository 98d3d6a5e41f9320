import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function repoRoot(): string {
  return fileURLToPath(new URL('../../../', import.meta.url));
}

/** Where the shared sample config is, relative to the repository: CI clones shared/ beside it. */
export const SHARED_SAMPLE = '../shared/examples/maglev.yaml';

/**
 * The shared sample, relative to the repository root. A worktree sits one level deeper, where it
 * is ../../shared. A missing sample throws, failing the test.
 */
export function sharedSampleRelative(): string {
  for (const rel of [SHARED_SAMPLE, `../${SHARED_SAMPLE}`]) {
    if (existsSync(join(repoRoot(), rel))) return rel;
  }
  throw new Error(`the shared sample is not at ${SHARED_SAMPLE} (relative to ${repoRoot()})`);
}

/** The shared sample's absolute path. */
export function sharedSample(): string {
  return join(repoRoot(), sharedSampleRelative());
}
