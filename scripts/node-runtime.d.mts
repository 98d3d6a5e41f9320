// Types of scripts/node-runtime.mjs, for the tests that read its pins.
export const NODE_RUNTIME: {
  readonly version: string;
  readonly integrity: { readonly x64: string; readonly arm64: string };
};
export const RUNTIME_ARCHES: readonly string[];
export function runtimeVersion(env?: NodeJS.ProcessEnv): string;
export function fileIntegrity(path: string): string;
export function fetchTarball(
  name: string,
  version: string,
  integrity: string | undefined,
  dir: string,
): string;
export function runtimeIntegrity(arch: string, version: string): string | undefined;
export function fetchRuntime(arch: string, version: string, dir: string): string;
export function unpack(tgz: string, dest: string, members?: readonly string[]): void;
