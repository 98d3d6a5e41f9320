import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_MODULES, generateBindings } from './generate.js';
import { type ParsedModule, parseApiJson, parsedFromDefinition, VppApiJsonError } from './parse.js';

/** Where VPP's packages install the `.api.json` files. */
export const DEFAULT_API_DIR = '/usr/share/vpp/api';

/**
 * Finds `<module>.api.json` in `apiDir` or its `core/` and `plugins/` subfolders (the layout VPP
 * installs; a flat folder such as the pinned copy works too).
 */
export function findApiJson(apiDir: string, module: string): string {
  const candidates = ['', 'core', 'plugins'].map((sub) => join(apiDir, sub, `${module}.api.json`));
  const found = candidates.find((c) => existsSync(c));
  if (!found) {
    throw new VppApiJsonError(`${module}.api.json`, apiDir, `not found; looked in ${candidates.join(', ')}`);
  }
  return found;
}

/**
 * Reads and parses the given modules from `apiDir`; those named in `fromCommitted` are rebuilt
 * from the definitions committed in vpp-api/generated instead (for a module whose `.api.json` is
 * not at hand: its code regenerates unchanged, its docs lack VPP's comments).
 */
export async function loadApiModules(
  apiDir: string,
  modules: readonly string[] = DEFAULT_MODULES,
  fromCommitted: readonly string[] = [],
): Promise<ParsedModule[]> {
  const unknown = fromCommitted.filter((m) => !modules.includes(m));
  if (unknown.length > 0) {
    throw new Error(`--from-committed names ${unknown.join(', ')}, not among the generated modules`);
  }
  const committed =
    fromCommitted.length > 0 ? (await import('../generated/index.js')).vppApiModules : undefined;
  return Promise.all(
    modules.map(async (m) => {
      if (committed && fromCommitted.includes(m)) {
        const def = committed.find((d) => d.name === m);
        if (!def) throw new Error(`vpp-api/generated has no definitions of module ${m}`);
        return parsedFromDefinition(def);
      }
      const path = findApiJson(apiDir, m);
      return parseApiJson(`${m}.api.json`, m, await readFile(path, 'utf8'));
    }),
  );
}

/** Generates the binding files for the modules found in `apiDir`: file name → content. */
export async function generateFromDir(
  apiDir: string,
  modules: readonly string[] = DEFAULT_MODULES,
  fromCommitted: readonly string[] = [],
): Promise<Map<string, string>> {
  return generateBindings(await loadApiModules(apiDir, modules, fromCommitted));
}
