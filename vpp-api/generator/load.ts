import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_MODULES, generateBindings } from './generate.js';
import { type ParsedModule, parseApiJson, VppApiJsonError } from './parse.js';

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

/** Reads and parses the given modules from `apiDir`. */
export async function loadApiModules(
  apiDir: string,
  modules: readonly string[] = DEFAULT_MODULES,
): Promise<ParsedModule[]> {
  return Promise.all(
    modules.map(async (m) => {
      const path = findApiJson(apiDir, m);
      return parseApiJson(`${m}.api.json`, m, await readFile(path, 'utf8'));
    }),
  );
}

/** Generates the binding files for the modules found in `apiDir`: file name → content. */
export async function generateFromDir(
  apiDir: string,
  modules: readonly string[] = DEFAULT_MODULES,
): Promise<Map<string, string>> {
  return generateBindings(await loadApiModules(apiDir, modules));
}
