import { adminCredentialsFromEnv, frontendFlags } from '../lib/dashboard/flags.js';
import { DashboardServer } from '../lib/dashboard/server.js';
import { createLogger } from '../lib/events/logger.js';
import type { LogLevel } from '../lib/events/types.js';
import { UsageError } from '../lib/flags/flags.js';
import { ListenAddressError, parseListenAddress } from '../lib/util/listen-address.js';
import { buildInfo } from '../lib/version.js';
import { parseOrExit, run } from './common.js';

const PROGRAM = 'maglevd-frontend';

function usageExit(message: string): never {
  process.stderr.write(`${PROGRAM}: ${message}\nRun '${PROGRAM} --help' for usage.\n`);
  process.exit(2);
}

run(PROGRAM, async () => {
  const { values } = parseOrExit(frontendFlags, {
    program: PROGRAM,
    usage: `${PROGRAM} -server ADDR[,ADDR...] [flags]`,
    summary:
      'vpp-maglev web dashboard: live state of one or more maglevds, read-only under /view/, with actions under /admin/.',
    footer:
      'Environment: MAGLEV_FRONTEND_USER and MAGLEV_FRONTEND_PASSWORD turn on /admin/ (HTTP basic auth).\nSee maglevd-frontend(8).',
  });
  let admin: ReturnType<typeof adminCredentialsFromEnv>;
  try {
    admin = adminCredentialsFromEnv(process.env);
    parseListenAddress(values.listen);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ListenAddressError) usageExit(e.message);
    throw e;
  }
  if (values.server.length === 0) usageExit('no maglevd given: use -server ADDR or MAGLEV_FRONTEND_SERVER');

  const logger = createLogger({ level: values['log-level'] as LogLevel });
  logger.info('starting', { ...buildInfo });
  const server = new DashboardServer({ listen: values.listen, servers: values.server, admin, logger });
  await server.start();

  // Losing the controlling terminal must not stop the dashboard.
  process.on('SIGHUP', () => logger.info('sighup-ignored', {}));
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info('stopping', { signal });
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  await server.close();
  logger.info('stopped', {});
  return 0;
});
