import { type FlagSpec, UsageError } from '../flags/flags.js';
import { type AdminCredentials, type HashedAdminCredentials, readPasswordHashFile } from './auth.js';

/**
 * maglevd-frontend's flags. Each has a `MAGLEV_FRONTEND_*` variable, so one
 * /etc/default/vpp-maglev serves both daemons, and the shorter `MAGLEV_SERVERS` /
 * `MAGLEV_LISTEN` spellings; the first one set wins. The `--tls-*` flags say how the dashboard
 * reaches every maglevd (as maglevc's do, whose `MAGLEV_TLS_*` variables are read second);
 * `--listen-tls-*` are its own HTTPS listener.
 *
 * @internal
 */
export const frontendFlags = {
  server: {
    kind: 'strings',
    repeatable: true,
    env: ['MAGLEV_FRONTEND_SERVER', 'MAGLEV_SERVERS'],
    default: [],
    valueName: 'ADDR[,ADDR...]',
    description: 'maglevd gRPC address(es), host:port, [v6]:port or unix:///path; repeatable',
  } as FlagSpec<'strings'>,
  tls: {
    kind: 'boolean',
    env: ['MAGLEV_FRONTEND_TLS', 'MAGLEV_TLS'],
    default: false,
    description: "reach maglevd over TLS, trusting the system's CAs (implied by any --tls-* flag)",
  } as FlagSpec<'boolean'>,
  'tls-ca': {
    kind: 'string',
    env: ['MAGLEV_FRONTEND_TLS_CA', 'MAGLEV_TLS_CA'],
    default: '',
    valueName: 'FILE',
    description: "PEM file of the CA that signs the maglevds' certificates",
  } as FlagSpec<'string'>,
  'tls-cert': {
    kind: 'string',
    env: ['MAGLEV_FRONTEND_TLS_CERT', 'MAGLEV_TLS_CERT'],
    default: '',
    valueName: 'FILE',
    description: "PEM file of the dashboard's client certificate, for maglevds that require one",
  } as FlagSpec<'string'>,
  'tls-key': {
    kind: 'string',
    env: ['MAGLEV_FRONTEND_TLS_KEY', 'MAGLEV_TLS_KEY'],
    default: '',
    valueName: 'FILE',
    description: 'PEM file of the private key of --tls-cert',
  } as FlagSpec<'string'>,
  'tls-server-name': {
    kind: 'string',
    env: ['MAGLEV_FRONTEND_TLS_SERVER_NAME', 'MAGLEV_TLS_SERVER_NAME'],
    default: '',
    valueName: 'NAME',
    description: "the name the maglevds' certificates must carry (default: the host of each --server)",
  } as FlagSpec<'string'>,
  listen: {
    kind: 'string',
    env: ['MAGLEV_FRONTEND_LISTEN', 'MAGLEV_LISTEN'],
    default: ':8080',
    valueName: 'ADDR',
    description: 'HTTP listen address (HTTPS with --listen-tls-cert and --listen-tls-key)',
  } as FlagSpec<'string'>,
  'listen-tls-cert': {
    kind: 'string',
    env: ['MAGLEV_FRONTEND_LISTEN_TLS_CERT'],
    default: '',
    valueName: 'FILE',
    description: "PEM certificate chain of the dashboard's own HTTPS listener (re-read on SIGHUP)",
  } as FlagSpec<'string'>,
  'listen-tls-key': {
    kind: 'string',
    env: ['MAGLEV_FRONTEND_LISTEN_TLS_KEY'],
    default: '',
    valueName: 'FILE',
    description: 'PEM private key of --listen-tls-cert',
  } as FlagSpec<'string'>,
  'admin-password-file': {
    kind: 'string',
    env: ['MAGLEV_FRONTEND_PASSWORD_FILE'],
    default: '',
    valueName: 'FILE',
    description:
      'file holding the scrypt hash of the admin password (mode 0600; see --hash-password); with MAGLEV_FRONTEND_USER',
  } as FlagSpec<'string'>,
  'hash-password': {
    kind: 'boolean',
    default: false,
    description: 'read a password on stdin, print its hash line for --admin-password-file, then exit',
  } as FlagSpec<'boolean'>,
  'log-level': {
    kind: 'string',
    env: ['MAGLEV_FRONTEND_LOG_LEVEL'],
    default: 'info',
    valueName: 'LEVEL',
    choices: ['debug', 'info', 'warn', 'error'],
    description: 'log level',
  } as FlagSpec<'string'>,
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
 * The admin credentials from `MAGLEV_FRONTEND_USER` and either `MAGLEV_FRONTEND_PASSWORD` (the
 * password in clear, as Go 1.0 took it; never a flag: a password on the command line shows in
 * ps) or a password file holding its scrypt hash (`passwordFile`, from `--admin-password-file`
 * or `MAGLEV_FRONTEND_PASSWORD_FILE`). A user and a password (or file): /admin/ is on; none of
 * them: off; a user alone, a password alone, or both a password and a file is a mistake worth
 * stopping for. The environment is a parameter; the password file is read.
 *
 * @param passwordFile - The password file's path; "" for none.
 * @throws UsageError when only one of user and password is set, both a password and a file
 *   are, or the user contains ":".
 * @throws PasswordHashError when the password file cannot be read, is open to group or others,
 *   or holds no valid hash line.
 * @internal
 */
export function adminCredentialsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  passwordFile = '',
): AdminCredentials | HashedAdminCredentials | null {
  const user = env.MAGLEV_FRONTEND_USER ?? '';
  const password = env.MAGLEV_FRONTEND_PASSWORD ?? '';
  if (passwordFile !== '') {
    if (password !== '')
      throw new UsageError(
        'both MAGLEV_FRONTEND_PASSWORD and a password file (--admin-password-file) are set: use one',
      );
    if (user === '')
      throw new UsageError('a password file (--admin-password-file) is set but MAGLEV_FRONTEND_USER is not');
    if (user.includes(':')) throw new UsageError('MAGLEV_FRONTEND_USER must not contain ":"');
    return { user, passwordHash: readPasswordHashFile(passwordFile) };
  }
  if (user === '' && password === '') return null;
  if (user === '') throw new UsageError('MAGLEV_FRONTEND_PASSWORD is set but MAGLEV_FRONTEND_USER is not');
  if (password === '')
    throw new UsageError(
      'MAGLEV_FRONTEND_USER is set but neither MAGLEV_FRONTEND_PASSWORD nor a password file (--admin-password-file) is',
    );
  if (user.includes(':')) throw new UsageError('MAGLEV_FRONTEND_USER must not contain ":"');
  return { user, password };
}
