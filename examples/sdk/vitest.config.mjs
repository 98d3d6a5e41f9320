// The examples' own vitest configuration, as your project would have one. The repository's
// vitest.config.ts runs only test/**; test/e2e/examples.test.ts runs this suite with it.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['*.test.ts'],
    // Real sockets on a busy machine: be generous.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
