import { type FlagSpec, type FlagValues, UsageError } from '../flags/flags.js';

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
    description:
      'gRPC listen addresses, comma separated: host:port, :port (every interface), unix:///path (a unix socket, mode 0660)',
  } as FlagSpec<'string'>,
  'grpc-tls-cert': {
    kind: 'string',
    env: ['MAGLEV_GRPC_TLS_CERT'],
    default: '',
    valueName: 'FILE',
    description:
      'serve gRPC over TLS on every TCP listener with this certificate (PEM; needs --grpc-tls-key)',
  } as FlagSpec<'string'>,
  'grpc-tls-key': {
    kind: 'string',
    env: ['MAGLEV_GRPC_TLS_KEY'],
    default: '',
    valueName: 'FILE',
    description: 'private key of --grpc-tls-cert (PEM, unencrypted)',
  } as FlagSpec<'string'>,
  'grpc-client-ca': {
    kind: 'string',
    env: ['MAGLEV_GRPC_CLIENT_CA'],
    default: '',
    valueName: 'FILE',
    description: 'require TCP clients to present a certificate signed by these CAs (PEM; mutual TLS)',
  } as FlagSpec<'string'>,
  'grpc-admin': {
    kind: 'strings',
    env: ['MAGLEV_GRPC_ADMIN'],
    default: [],
    repeatable: true,
    valueName: 'ID',
    description:
      'client certificate identities (CN, DNS, URI or email SAN) that may change things; other clients are read-only (needs --grpc-client-ca)',
  } as FlagSpec<'strings'>,
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

/**
 * The gRPC security settings of maglevd's flags, checked together: the certificate and key go
 * in pairs; a client CA needs them; admin identities need a client CA. Pure.
 *
 * @throws {@link UsageError} naming the flags concerned.
 * @internal
 */
export function grpcSecurityFromFlags(
  values: Pick<
    FlagValues<typeof maglevdFlags>,
    'grpc-tls-cert' | 'grpc-tls-key' | 'grpc-client-ca' | 'grpc-admin'
  >,
): {
  readonly tls?: { readonly certFile: string; readonly keyFile: string; readonly clientCaFile?: string };
  readonly admins?: readonly string[];
} {
  const cert = values['grpc-tls-cert'];
  const key = values['grpc-tls-key'];
  const ca = values['grpc-client-ca'];
  const admins = values['grpc-admin'];
  if (cert !== '' && key === '')
    throw new UsageError(
      "--grpc-tls-cert needs --grpc-tls-key (the certificate's private key)",
      'grpc-tls-key',
    );
  if (key !== '' && cert === '')
    throw new UsageError(
      '--grpc-tls-key needs --grpc-tls-cert (the certificate it belongs to)',
      'grpc-tls-cert',
    );
  if (ca !== '' && cert === '')
    throw new UsageError(
      '--grpc-client-ca needs --grpc-tls-cert and --grpc-tls-key: client certificates are checked over TLS only',
      'grpc-client-ca',
    );
  if (admins.length > 0 && ca === '')
    throw new UsageError(
      '--grpc-admin needs --grpc-client-ca: without client certificates no client has an identity',
      'grpc-admin',
    );
  return {
    ...(cert === ''
      ? {}
      : { tls: { certFile: cert, keyFile: key, ...(ca === '' ? {} : { clientCaFile: ca }) } }),
    ...(admins.length === 0 ? {} : { admins }),
  };
}
