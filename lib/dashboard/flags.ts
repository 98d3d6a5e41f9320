import { type FlagSpec, UsageError } from '../flags/flags.js';
import type { AdminCredentials } from './auth.js';

/**
 * maglevd-frontend's flags. Each has a `MAGLEV_FRONTEND_*` variable, so one
 * /etc/default/vpp-maglev serves both daemons, and the shorter `MAGLEV_SERVERS` /
 * `MAGLEV_LISTEN` spellings; the first one set wins.
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
    description: 'maglevd gRPC address(es), host:port; repeatable',
  } as FlagSpec<'strings'>,
  listen: {
    kind: 'string',
    env: ['MAGLEV_FRONTEND_LISTEN', 'MAGLEV_LISTEN'],
    default: ':8080',
    valueName: 'ADDR',
    description: 'HTTP listen address',
  } as FlagSpec<'string'>,
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
 * The admin credentials from `MAGLEV_FRONTEND_USER` and `MAGLEV_FRONTEND_PASSWORD` (never
 * flags: a password on the command line shows in ps). Both set: /admin/ is on; neither: off;
 * one of them alone is a mistake worth stopping for. Pure: the environment is a parameter.
 *
 * @throws UsageError when only one of the two is set, or the user contains ":".
 * @internal
 */
export function adminCredentialsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): AdminCredentials | null {
  const user = env.MAGLEV_FRONTEND_USER ?? '';
  const password = env.MAGLEV_FRONTEND_PASSWORD ?? '';
  if (user === '' && password === '') return null;
  if (user === '') throw new UsageError('MAGLEV_FRONTEND_PASSWORD is set but MAGLEV_FRONTEND_USER is not');
  if (password === '')
    throw new UsageError('MAGLEV_FRONTEND_USER is set but MAGLEV_FRONTEND_PASSWORD is not');
  if (user.includes(':')) throw new UsageError('MAGLEV_FRONTEND_USER must not contain ":"');
  return { user, password };
}
