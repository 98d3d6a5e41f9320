// Types of scripts/test-deps.mjs, for its tests.
export interface TestPackage {
  name: string;
  why: string;
}
export type Step =
  | { action: 'ok'; missing: [] }
  | { action: 'install'; missing: string[]; commands: string[][]; message: string }
  | { action: 'stop'; missing: string[]; message: string }
  | { action: 'unknown'; missing: []; message: string };
export const TEST_PACKAGES: readonly TestPackage[];
export const DPKG_QUERY: readonly string[];
export function installedFrom(stdout: string): Set<string>;
export function plan(input: {
  packages: readonly TestPackage[];
  installed: ReadonlySet<string> | null;
  root: boolean;
}): Step;
