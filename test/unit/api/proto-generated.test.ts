import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { addReleaseTags } from '../../../scripts/proto-release-tags.mjs';

const root = fileURLToPath(new URL('../../..', import.meta.url));

it('the committed protobuf-es code is what proto/maglev.proto generates', () => {
  const out = mkdtempSync(join(tmpdir(), 'maglev-proto-'));
  try {
    const bin = join(root, 'node_modules/.bin');
    execFileSync(join(bin, 'buf'), ['generate', '-o', out], {
      cwd: root,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      stdio: 'pipe',
    });
    const fresh = (addReleaseTags as (t: string) => string)(
      readFileSync(join(out, 'lib/api/gen/maglev_pb.ts'), 'utf8'),
    );
    const committed = readFileSync(join(root, 'lib/api/gen/maglev_pb.ts'), 'utf8');
    expect(fresh, 'run `npm run proto` and commit lib/api/gen').toBe(committed);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
