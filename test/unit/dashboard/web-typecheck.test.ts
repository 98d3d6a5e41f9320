import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The app in web/ has its own tsconfig (DOM, Solid's JSX), which `tsc --noEmit` at the root
// does not cover and vite does not check: type errors there fail here.
describe('web/ app', () => {
  it('type-checks', async () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const tsc = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));
    const out = await new Promise<{ code: number; text: string }>((resolve) => {
      execFile(process.execPath, [tsc, '-p', 'web/tsconfig.json'], { cwd: root }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, text: stdout + stderr });
      });
    });
    expect(out.text).toBe('');
    expect(out.code).toBe(0);
  }, 120_000);
});
