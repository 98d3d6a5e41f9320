import { type FlagSpec, type FlagValues, UsageError } from '../flags/flags.js';
import { formatDuration } from '../util/duration.js';

/** Where maglevd's configuration lives; maglevt reads the same file by default. */
export const DEFAULT_CONFIG_PATH = '/etc/vpp-maglev/maglev.yaml';

/**
 * maglevt's flags. Each has a `MAGLEVT_*` variable of its own: the names maglevd uses
 * (`MAGLEV_*`) are set for the daemon in /etc/default/vpp-maglev, and an operator's shell should
 * not change how maglevt probes by accident. The config path also falls back to
 * `MAGLEV_CONFIG`, so maglevt reads the file maglevd reads.
 *
 * @internal
 */
export const maglevtFlags = {
  config: {
    kind: 'strings',
    repeatable: true,
    env: ['MAGLEVT_CONFIG', 'MAGLEV_CONFIG'],
    default: [DEFAULT_CONFIG_PATH],
    valueName: 'FILE',
    description: 'maglev.yaml to read the VIPs from; repeatable, or comma-separated',
  } as FlagSpec<'strings'>,
  interval: {
    kind: 'duration',
    env: ['MAGLEVT_INTERVAL'],
    default: 100,
    description: 'time between probes of a VIP, with ±10% jitter',
  } as FlagSpec<'duration'>,
  timeout: {
    kind: 'duration',
    env: ['MAGLEVT_TIMEOUT'],
    default: 1000,
    description: 'how long a probe waits for the connection and the response headers',
  } as FlagSpec<'duration'>,
  host: {
    kind: 'string',
    env: ['MAGLEVT_HOST'],
    default: '',
    valueName: 'NAME',
    description: 'Host header and TLS server name of HTTP(S) probes; empty: the VIP address',
  } as FlagSpec<'string'>,
  uri: {
    kind: 'string',
    env: ['MAGLEVT_URI'],
    default: '/',
    valueName: 'PATH',
    description: 'path requested by HTTP(S) probes',
  } as FlagSpec<'string'>,
  header: {
    kind: 'string',
    env: ['MAGLEVT_HEADER'],
    default: 'X-IPng-Frontend',
    valueName: 'NAME',
    description: 'response header whose values are tallied (which backend answered)',
  } as FlagSpec<'string'>,
  insecure: {
    kind: 'boolean',
    env: ['MAGLEVT_INSECURE'],
    default: false,
    description: 'accept any TLS certificate',
  } as FlagSpec<'boolean'>,
  keepalive: {
    kind: 'boolean',
    env: ['MAGLEVT_KEEPALIVE'],
    default: false,
    description: 'reuse HTTP connections; off: every probe is a new flow Maglev hashes anew',
  } as FlagSpec<'boolean'>,
  filter: {
    kind: 'string',
    env: ['MAGLEVT_FILTER'],
    default: '',
    valueName: 'REGEX',
    description: 'show only VIPs whose frontend name or address matches',
  } as FlagSpec<'string'>,
  once: {
    kind: 'boolean',
    default: false,
    description: 'probe for --duration, print a summary and exit (also when stdout is not a terminal)',
  } as FlagSpec<'boolean'>,
  duration: {
    kind: 'duration',
    env: ['MAGLEVT_DURATION'],
    default: 2000,
    description: 'how long the summary mode probes',
  } as FlagSpec<'duration'>,
  version: {
    kind: 'boolean',
    default: false,
    description: 'print version, commit and build date, then exit',
  } as FlagSpec<'boolean'>,
  help: {
    kind: 'boolean',
    default: false,
    aliases: ['h'],
    description: 'show this help',
  } as FlagSpec<'boolean'>,
} as const;

export type MaglevtFlagValues = FlagValues<typeof maglevtFlags>;

/** The checked settings of a maglevt run. */
export interface MaglevtOptions {
  readonly configs: readonly string[];
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly host: string;
  readonly uri: string;
  readonly header: string;
  readonly insecure: boolean;
  readonly keepalive: boolean;
  readonly filter: RegExp | null;
  readonly once: boolean;
  readonly durationMs: number;
}

// RFC 9110 token characters: what a header field name may contain.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Checks flag values that parse but make no sense; a {@link UsageError} names the flag. */
export function maglevtOptions(v: MaglevtFlagValues): MaglevtOptions {
  if (v.config.length === 0) throw new UsageError('--config needs at least one file', 'config');
  const positive = (name: 'interval' | 'timeout' | 'duration', ms: number) => {
    if (!(ms >= 1)) throw new UsageError(`--${name} must be at least 1ms, not ${formatDuration(ms)}`, name);
  };
  positive('interval', v.interval);
  positive('timeout', v.timeout);
  positive('duration', v.duration);
  if (!v.uri.startsWith('/') || /\s/.test(v.uri))
    throw new UsageError(
      `--uri must be a path starting with "/" without spaces, not ${JSON.stringify(v.uri)}`,
      'uri',
    );
  if (!TOKEN.test(v.header))
    throw new UsageError(`--header must be a header field name, not ${JSON.stringify(v.header)}`, 'header');
  if (/[\s/]/.test(v.host))
    throw new UsageError(
      `--host must be a host name (optionally :port), not ${JSON.stringify(v.host)}`,
      'host',
    );
  let filter: RegExp | null = null;
  if (v.filter !== '') {
    try {
      filter = new RegExp(v.filter);
    } catch (e) {
      throw new UsageError(`--filter is not a valid regular expression: ${(e as Error).message}`, 'filter');
    }
  }
  return {
    configs: v.config,
    intervalMs: v.interval,
    timeoutMs: v.timeout,
    host: v.host,
    uri: v.uri,
    header: v.header,
    insecure: v.insecure,
    keepalive: v.keepalive,
    filter,
    once: v.once,
    durationMs: v.duration,
  };
}
