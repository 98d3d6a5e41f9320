import type { Reporter, TestModule } from 'vitest/node';

/**
 * Fails the run when any test was skipped or left as todo. CI must run every test: one that
 * needs root, a network namespace or a browser runs there too.
 */
export default class NoSkipReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const skipped: string[] = [];
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'skipped' || state === 'pending') skipped.push(`${mod.moduleId}: ${test.fullName}`);
      }
    }
    if (skipped.length > 0) {
      process.stderr.write(`\nno-skip: ${skipped.length} test(s) did not run (CI=true forbids skips):\n`);
      for (const s of skipped) process.stderr.write(`  - ${s}\n`);
      process.exitCode = 1;
    }
  }
}
