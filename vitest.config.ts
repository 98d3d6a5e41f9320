import { defineConfig } from 'vitest/config';

const reporters: Array<string | [string, Record<string, unknown>]> = ['default'];
// In CI no test may be skipped: a skipped or todo test fails the run.
if (process.env.CI === 'true') reporters.push('./test/support/no-skip-reporter.ts');

export default defineConfig({
  define: {
    __MAGLEV_VERSION__: JSON.stringify('0.0.0-test'),
    __MAGLEV_COMMIT__: JSON.stringify('unknown'),
    __MAGLEV_DATE__: JSON.stringify('unknown'),
  },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**', 'dist/**'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters,
    allowOnly: false,
  },
});
