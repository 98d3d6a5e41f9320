import type { FlagSpec } from '../flags/flags.js';

/**
 * maglevd's flags, as the Go maglevd 1.0 user guide lists them (plus --state-file).
 *
 * @internal
 */
export const maglevdFlags = {
  config: {
    kind: 'string',
    env: ['MAGLEV_CONFIG'],
    default: '/etc/vpp-maglev/maglev.yaml',
    valueName: 'FILE',
    description: 'configuration file',
  } as FlagSpec<'string'>,
  'grpc-addr': {
    kind: 'string',
    env: ['MAGLEV_GRPC_ADDR'],
    default: ':9090',
    valueName: 'ADDR',
    description: 'gRPC listen address',
  } as FlagSpec<'string'>,
  'metrics-addr': {
    kind: 'string',
    env: ['MAGLEV_METRICS_ADDR'],
    default: ':9091',
    valueName: 'ADDR',
    description: 'Prometheus /metrics listen address; empty disables it',
  } as FlagSpec<'string'>,
  'vpp-api-addr': {
    kind: 'string',
    env: ['MAGLEV_VPP_API_ADDR'],
    default: '/run/vpp/api.sock',
    valueName: 'PATH',
    description: 'VPP binary API socket; empty disables VPP integration',
  } as FlagSpec<'string'>,
  'vpp-stats-addr': {
    kind: 'string',
    env: ['MAGLEV_VPP_STATS_ADDR'],
    default: '/run/vpp/stats.sock',
    valueName: 'PATH',
    description: 'VPP stats segment socket',
  } as FlagSpec<'string'>,
  'log-level': {
    kind: 'string',
    env: ['MAGLEV_LOG_LEVEL'],
    default: 'info',
    valueName: 'LEVEL',
    choices: ['debug', 'info', 'warn', 'error'],
    description: 'log level',
  } as FlagSpec<'string'>,
  'state-file': {
    kind: 'string',
    env: ['MAGLEV_STATE_FILE'],
    default: '/var/lib/vpp-maglev/state.json',
    valueName: 'FILE',
    description:
      'where operator overrides (pause, disable, weights) are kept across restarts; empty disables',
  } as FlagSpec<'string'>,
  check: {
    kind: 'boolean',
    default: false,
    description: 'check the configuration and exit: 0 valid, 1 parse error, 2 semantic error',
  } as FlagSpec<'boolean'>,
  reflection: {
    kind: 'boolean',
    env: ['MAGLEV_REFLECTION'],
    default: true,
    description: 'enable gRPC server reflection',
  } as FlagSpec<'boolean'>,
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
