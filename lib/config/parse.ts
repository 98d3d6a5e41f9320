import type * as z from 'zod';
import { type ConfigProblem, quoted } from './errors.js';
import {
  anyParamsSchema,
  httpParamsSchema,
  httpParamsShape,
  httpsParamsSchema,
  httpsParamsShape,
  knownKeys,
  noParamsSchema,
  type RawConfig,
  type RawHttpsParams,
  rootSchema,
} from './schema.js';
import type { PathSegment, YamlPath, YamlSource } from './source.js';
import { didYouMean } from './suggest.js';

/** The outcome of the structural stage: the typed raw tree, or every parse problem. */
export type ParseStageResult =
  | { readonly ok: true; readonly raw: RawConfig; readonly params: ReadonlyMap<string, RawHttpsParams> }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

const HTTPS_ONLY = Object.keys(httpsParamsShape).filter((k) => !(k in httpParamsShape));

function byPosition(a: ConfigProblem, b: ConfigProblem): number {
  return a.line - b.line || a.column - b.column;
}

function unknownKeyMessage(key: string, candidates: readonly string[]): string {
  const hint = didYouMean(key, candidates);
  if (hint !== '') return `unknown key ${quoted(key)}${hint}`;
  if (candidates.length === 0) return `unknown key ${quoted(key)}`;
  return `unknown key ${quoted(key)} (valid keys: ${candidates.join(', ')})`;
}

function issueProblems(
  src: YamlSource,
  issues: readonly z.core.$ZodIssue[],
  prefix: YamlPath,
  keysAt: (path: YamlPath) => readonly string[],
  unknownKey: (key: string, path: YamlPath) => string = (key, path) => unknownKeyMessage(key, keysAt(path)),
): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const iss of issues) {
    const path: PathSegment[] = [...prefix, ...iss.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    if (iss.code === 'unrecognized_keys') {
      for (const key of iss.keys) out.push(src.problem([...path, key], unknownKey(key, path), 'key'));
    } else {
      out.push(src.problem(path, iss.message));
    }
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * `params` takes different keys per check type: http and https share most, https adds TLS
 * settings, icmp takes none. tcp takes any key, since the Go original's tcp params are unknown
 * (the semantic stage warns that they do nothing). An unknown or missing type is a semantic
 * problem reported later; its params are checked against the https keys so that typos are still
 * caught now.
 */
function checkParams(
  src: YamlSource,
  value: unknown,
  problems: ConfigProblem[],
): Map<string, RawHttpsParams> {
  const out = new Map<string, RawHttpsParams>();
  const maglev = isRecord(value) ? value.maglev : undefined;
  const checks = isRecord(maglev) ? maglev.healthchecks : undefined;
  if (!isRecord(checks)) return out;
  for (const [name, hc] of Object.entries(checks)) {
    if (!isRecord(hc) || hc.params === undefined || hc.params === null) continue;
    const type = typeof hc.type === 'string' ? hc.type : '';
    const path = ['maglev', 'healthchecks', name, 'params'];
    if (type === 'tcp') {
      const tcp = anyParamsSchema.safeParse(hc.params);
      if (!tcp.success) problems.push(...issueProblems(src, tcp.error.issues, path, () => []));
      continue;
    }
    const schema = type === 'http' ? httpParamsSchema : type === 'icmp' ? noParamsSchema : httpsParamsSchema;
    const result = schema.safeParse(hc.params);
    if (result.success) {
      out.set(name, result.data);
      continue;
    }
    const candidates = Object.keys(type === 'http' ? httpParamsShape : httpsParamsShape);
    problems.push(
      ...issueProblems(
        src,
        result.error.issues,
        path,
        () => candidates,
        (key) => {
          if (type === 'icmp') return `unknown key ${quoted(key)}: icmp checks take no params`;
          if (type === 'http' && HTTPS_ONLY.includes(key)) {
            return `unknown key ${quoted(key)}: ${key} applies to https checks only`;
          }
          return unknownKeyMessage(key, candidates);
        },
      ),
    );
  }
  return out;
}

/** Stage 1: YAML syntax, duplicate keys, unknown keys, value types, durations. */
export function parseStage(src: YamlSource): ParseStageResult {
  const yamlProblems = src.yamlProblems();
  if (yamlProblems.length > 0) return { ok: false, problems: yamlProblems.sort(byPosition) };
  let value: unknown;
  try {
    value = src.value();
  } catch (e) {
    // The YAML library refuses documents whose aliases expand too far (a "billion laughs").
    const reason = e instanceof Error ? e.message : String(e);
    return { ok: false, problems: [src.problem([], `the document cannot be expanded: ${reason}`)] };
  }
  if (value === null || value === undefined) {
    return {
      ok: false,
      problems: [src.problem([], 'the file is empty: a configuration needs a top-level "maglev:" map')],
    };
  }
  const problems: ConfigProblem[] = [];
  const result = rootSchema.safeParse(value);
  if (!result.success) problems.push(...issueProblems(src, result.error.issues, [], knownKeys));
  const params = checkParams(src, value, problems);
  if (!result.success || problems.length > 0) return { ok: false, problems: problems.sort(byPosition) };
  return { ok: true, raw: result.data, params };
}
