import * as z from 'zod';
import { DurationParseError, parseDuration } from '../util/duration.js';
import { quoted } from './errors.js';
import type { PathSegment } from './source.js';

/**
 * The structure of maglev.yaml: which keys exist and what type each value has. Everything here
 * is a parse error (exit 1). Whether the values make sense together is validate.ts's business.
 * Every field is optional at this stage, as in Go's yaml.v3 where a missing field is a zero value;
 * required fields are checked by the semantic stage, which can say why they are needed.
 */

/** Words for a value of the wrong type: "a list", "the number 2". */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return `the string ${quoted(v)}`;
  if (typeof v === 'number') return `the number ${v}`;
  return `the value ${String(v)}`;
}

// yaml.v3 reads any scalar into a string field (pool "name: 1" is the string "1"), so we do too.
function scalarToString(v: unknown): unknown {
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
}

// yaml.v3 still accepts YAML 1.1's yes/no/on/off when the target is a bool; Go configs may use them.
const OLD_BOOLS: ReadonlyMap<string, boolean> = new Map<string, boolean>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON'].map((w): [string, boolean] => [w, true]),
  ...['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF'].map((w): [string, boolean] => [w, false]),
]);
function yamlBool(v: unknown): unknown {
  return typeof v === 'string' ? (OLD_BOOLS.get(v) ?? v) : v;
}

/** Durations in ms, rounded to whole nanoseconds so that "0.035s" is exactly 35. */
function roundDuration(ms: number): number {
  return Math.round(ms * 1e6) / 1e6;
}

const str = (field: string) =>
  z.preprocess(
    scalarToString,
    z.string({ error: (iss) => `${field} must be a string, not ${describeValue(iss.input)}` }),
  );

const int = (field: string) =>
  z.int({ error: (iss) => `${field} must be a whole number, not ${describeValue(iss.input)}` });

const bool = (field: string) =>
  z.preprocess(
    yamlBool,
    z.boolean({ error: (iss) => `${field} must be true or false, not ${describeValue(iss.input)}` }),
  );

const duration = (field: string) =>
  z
    .string({
      error: (iss) =>
        typeof iss.input === 'number'
          ? `${field} needs a unit, such as "2s" or "500ms": a bare number like ${iss.input} is not a duration`
          : `${field} must be a duration such as "2s", not ${describeValue(iss.input)}`,
    })
    .transform((text, ctx) => {
      try {
        return roundDuration(parseDuration(text));
      } catch (e) {
        if (!(e instanceof DurationParseError)) throw e;
        ctx.issues.push({ code: 'custom', message: `${field}: ${e.message}`, input: text });
        return z.NEVER;
      }
    });

const mapError = (field: string) => (iss: { input?: unknown }) =>
  `${field} must be a map, not ${describeValue(iss.input)}`;

/** A strict object whose value may be left empty (`name:`), which means "all defaults". */
function entry<T extends z.core.$ZodLooseShape>(field: string, shape: T) {
  return z.preprocess((v) => v ?? {}, z.strictObject(shape, { error: mapError(field) }));
}

function named<T extends z.ZodType>(field: string, value: T) {
  return z.record(z.string(), value, { error: mapError(field) }).nullish();
}

export const healthcheckerShape = {
  'transition-history': int('transition-history').nullish(),
  netns: str('netns').nullish(),
};

export const lbShape = {
  'sync-interval': duration('sync-interval').nullish(),
  'ipv4-src-address': str('ipv4-src-address').nullish(),
  'ipv6-src-address': str('ipv6-src-address').nullish(),
  'sticky-buckets-per-core': int('sticky-buckets-per-core').nullish(),
  'flow-timeout': duration('flow-timeout').nullish(),
  'startup-min-delay': duration('startup-min-delay').nullish(),
  'startup-max-delay': duration('startup-max-delay').nullish(),
};

export const vppShape = { lb: entry('lb', lbShape).nullish() };

export const healthcheckShape = {
  type: str('type').nullish(),
  port: int('port').nullish(),
  // Which keys params takes depends on type; parse.ts checks it with the shapes below.
  params: z.unknown().optional(),
  interval: duration('interval').nullish(),
  'fast-interval': duration('fast-interval').nullish(),
  'down-interval': duration('down-interval').nullish(),
  timeout: duration('timeout').nullish(),
  rise: int('rise').nullish(),
  fall: int('fall').nullish(),
  'probe-ipv4-src': str('probe-ipv4-src').nullish(),
  'probe-ipv6-src': str('probe-ipv6-src').nullish(),
};

export const httpParamsShape = {
  path: str('path').nullish(),
  host: str('host').nullish(),
  method: str('method').nullish(),
  // A string such as "200-299,301", or one code as a number: scalarToString makes both strings.
  'response-codes': str('response-codes').nullish(),
  'response-regex': str('response-regex').nullish(),
};

export const httpsParamsShape = {
  ...httpParamsShape,
  'server-name': str('server-name').nullish(),
  'insecure-skip-verify': bool('insecure-skip-verify').nullish(),
};

export const httpsParamsSchema = entry('params', httpsParamsShape);
export const httpParamsSchema = entry('params', httpParamsShape);
export const noParamsSchema = entry('params', {});
/** tcp checks: the Go original has params for them whose keys are unknown, so any key is taken. */
export const anyParamsSchema = z.preprocess(
  (v) => v ?? {},
  z.record(z.string(), z.unknown(), { error: mapError('params') }),
);

export const backendShape = {
  address: str('address').nullish(),
  healthcheck: str('healthcheck').nullish(),
  enabled: bool('enabled').nullish(),
};

export const memberShape = { weight: int('weight').nullish() };

export const poolShape = {
  name: str('name').nullish(),
  backends: named('backends', entry('backend', memberShape)),
};

export const frontendShape = {
  description: str('description').nullish(),
  address: str('address').nullish(),
  protocol: str('protocol').nullish(),
  port: int('port').nullish(),
  'src-ip-sticky': bool('src-ip-sticky').nullish(),
  'flush-on-down': bool('flush-on-down').nullish(),
  pools: z
    .array(z.strictObject(poolShape, { error: mapError('pool') }), {
      error: (iss) => `pools must be a list, not ${describeValue(iss.input)}`,
    })
    .nullish(),
};

export const maglevShape = {
  healthchecker: entry('healthchecker', healthcheckerShape).nullish(),
  vpp: entry('vpp', vppShape).nullish(),
  healthchecks: named('healthchecks', entry('healthcheck', healthcheckShape)),
  backends: named('backends', entry('backend', backendShape)),
  frontends: named('frontends', entry('frontend', frontendShape)),
};

export const rootShape = {
  maglev: z.preprocess(
    (v) => (v === null ? {} : v),
    z.strictObject(maglevShape, {
      error: (iss) =>
        iss.input === undefined
          ? 'the configuration must have a top-level "maglev:" map'
          : `maglev must be a map, not ${describeValue(iss.input)}`,
    }),
  ),
};

export const rootSchema = z.strictObject(rootShape, {
  error: (iss) => `the configuration must be a map with a "maglev:" key, not ${describeValue(iss.input)}`,
});

export type RawConfig = z.output<typeof rootSchema>;
export type RawMaglev = RawConfig['maglev'];
export type RawHealthcheck = NonNullable<RawMaglev['healthchecks']>[string];
export type RawBackend = NonNullable<RawMaglev['backends']>[string];
export type RawFrontend = NonNullable<RawMaglev['frontends']>[string];
export type RawPool = NonNullable<RawFrontend['pools']>[number];
export type RawLb = NonNullable<NonNullable<RawMaglev['vpp']>['lb']>;
export type RawHttpsParams = z.output<typeof httpsParamsSchema>;

/** The keys a map at `path` may have, for did-you-mean hints; params are handled by parse.ts. */
export function knownKeys(path: readonly PathSegment[]): readonly string[] {
  const [, b, , d, , f] = path;
  switch (path.length) {
    case 0:
      return Object.keys(rootShape);
    case 1:
      return Object.keys(maglevShape);
    case 2:
      if (b === 'healthchecker') return Object.keys(healthcheckerShape);
      if (b === 'vpp') return Object.keys(vppShape);
      break;
    case 3:
      if (b === 'vpp') return Object.keys(lbShape);
      if (b === 'healthchecks') return Object.keys(healthcheckShape);
      if (b === 'backends') return Object.keys(backendShape);
      if (b === 'frontends') return Object.keys(frontendShape);
      break;
    case 5:
      if (b === 'frontends' && d === 'pools') return Object.keys(poolShape);
      break;
    case 7:
      if (b === 'frontends' && f === 'backends') return Object.keys(memberShape);
      break;
  }
  return [];
}
