import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function repoRoot(): string {
  return fileURLToPath(new URL('../../../', import.meta.url));
}

/**
 * The shared sample config, which lives beside the repository: CI clones it to ../shared, a
 * worktree two levels down finds it at ../../shared. A missing sample throws, failing the test.
 */
export function sharedSample(): string {
  const candidates = ['../shared/examples/maglev.yaml', '../../shared/examples/maglev.yaml'].map((p) =>
    join(repoRoot(), p),
  );
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`the shared sample is at neither ${candidates.join(' nor ')}`);
  return found;
}
