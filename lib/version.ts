declare const __MAGLEV_VERSION__: string;
declare const __MAGLEV_COMMIT__: string;
declare const __MAGLEV_DATE__: string;

/** Version, git commit and build date baked in at build time. */
export interface BuildInfo {
  readonly version: string;
  readonly commit: string;
  readonly date: string;
}

export const buildInfo: BuildInfo = Object.freeze({
  version: typeof __MAGLEV_VERSION__ === 'string' ? __MAGLEV_VERSION__ : 'unknown',
  commit: typeof __MAGLEV_COMMIT__ === 'string' ? __MAGLEV_COMMIT__ : 'unknown',
  date: typeof __MAGLEV_DATE__ === 'string' ? __MAGLEV_DATE__ : 'unknown',
});

/** The line every binary prints for --version. */
export function formatVersion(program: string, info: BuildInfo = buildInfo): string {
  return `${program} version ${info.version} (commit ${info.commit}, built ${info.date})`;
}
