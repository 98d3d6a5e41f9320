declare const __MAGLEV_VERSION__: string;
declare const __MAGLEV_COMMIT__: string;
declare const __MAGLEV_DATE__: string;

/**
 * Version, git commit and build date baked in at build time.
 *
 * @public
 */
export interface BuildInfo {
  /** The package version, e.g. "1.2.0"; "unknown" when run from sources without a build. */
  readonly version: string;
  /** The short git commit the build was made from; "unknown" outside a git checkout. */
  readonly commit: string;
  /** When the build was made, ISO 8601 UTC without fractions, e.g. "2026-01-31T12:00:00Z". */
  readonly date: string;
}

/**
 * This build of vpp-maglev.
 *
 * @public
 */
export const buildInfo: BuildInfo = Object.freeze({
  version: typeof __MAGLEV_VERSION__ === 'string' ? __MAGLEV_VERSION__ : 'unknown',
  commit: typeof __MAGLEV_COMMIT__ === 'string' ? __MAGLEV_COMMIT__ : 'unknown',
  date: typeof __MAGLEV_DATE__ === 'string' ? __MAGLEV_DATE__ : 'unknown',
});

/**
 * The line every binary prints for --version:
 * "maglevd version 1.2.0 (commit abc1234, built 2026-01-31T12:00:00Z)".
 *
 * @public
 */
export function formatVersion(program: string, info: BuildInfo = buildInfo): string {
  return `${program} version ${info.version} (commit ${info.commit}, built ${info.date})`;
}
