import { hashPassword, PasswordHashError } from '../lib/dashboard/auth.js';
import { adminCredentialsFromEnv, frontendFlags } from '../lib/dashboard/flags.js';
import { DashboardServer } from '../lib/dashboard/server.js';
import { createLogger } from '../lib/events/logger.js';
import type { LogLevel } from '../lib/events/types.js';
import { UsageError } from '../lib/flags/flags.js';
import { ListenAddressError, parseListenAddress } from '../lib/util/listen-address.js';
import {
  type ClientTlsFlag,
  clientTlsSettings,
  loadClientTls,
  loadListenerTls,
  TlsFileError,
} from '../lib/util/tls-files.js';
import { buildInfo } from '../lib/version.js';
import { parseOrExit, run } from './common.js';
import { quietIpServerNameWarning } from './tls-warning.js';

const PROGRAM = 'maglevd-frontend';

function usageExit(message: string): never {
  process.stderr.write(`${PROGRAM}: ${message}\nRun '${PROGRAM} --help' for usage.\n`);
  process.exit(2);
}

/** The whole of stdin, without the final newline: `echo pw | maglevd-frontend --hash-password`. */
async function readPipedPassword(): Promise<string> {
  let text = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) text += chunk as string;
  return text.replace(/\r?\n$/, '');
}

/** One line typed on the terminal, not echoed. Ctrl-C or Ctrl-D abandon. */
function readHiddenLine(prompt: string): Promise<string> {
  process.stderr.write(prompt);
  const stdin = process.stdin;
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let line = '';
    const done = (err?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(line);
    };
    const onData = (data: string) => {
      for (const ch of data) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003' || ch === '\u0004') return done(new Error('no password given'));
        if (ch === '\u007f' || ch === '\b') line = line.slice(0, -1);
        else line += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function hashPasswordCommand(): Promise<number> {
  let password: string;
  if (process.stdin.isTTY) {
    password = await readHiddenLine('Password: ');
    const again = await readHiddenLine('Again: ');
    if (again !== password) {
      process.stderr.write(`${PROGRAM}: the two passwords differ\n`);
      return 1;
    }
  } else password = await readPipedPassword();
  if (password === '') {
    process.stderr.write(`${PROGRAM}: the password is empty\n`);
    return 1;
  }
  process.stdout.write(`${await hashPassword(password)}\n`);
  return 0;
}

run(PROGRAM, async () => {
  const { values, sources } = parseOrExit(frontendFlags, {
    program: PROGRAM,
    usage: `${PROGRAM} -server ADDR[,ADDR...] [flags]`,
    summary:
      'vpp-maglev web dashboard: live state of one or more maglevds, read-only under /view/, with actions under /admin/.',
    footer:
      'Environment: MAGLEV_FRONTEND_USER with MAGLEV_FRONTEND_PASSWORD, or with a password file\n' +
      '(MAGLEV_FRONTEND_PASSWORD_FILE, --admin-password-file), turns on /admin/ (HTTP basic auth).\n' +
      'See maglevd-frontend(8).',
  });
  if (values['hash-password']) return hashPasswordCommand();
  quietIpServerNameWarning();

  const origin = (flag: keyof typeof frontendFlags | ClientTlsFlag): string => {
    if (sources[flag] === 'flag') return `flag --${flag}`;
    const env = frontendFlags[flag].env?.find((e) => process.env[e] !== undefined);
    return `${env ?? 'the default'} (--${flag})`;
  };
  const listenTlsFiles = {
    cert: values['listen-tls-cert'],
    key: values['listen-tls-key'],
    certFlag: origin('listen-tls-cert'),
    keyFlag: origin('listen-tls-key'),
    certName: '--listen-tls-cert',
    keyName: '--listen-tls-key',
  };
  let admin: ReturnType<typeof adminCredentialsFromEnv>;
  let tls: ReturnType<typeof loadClientTls>;
  let listenTls: ReturnType<typeof loadListenerTls>;
  try {
    admin = adminCredentialsFromEnv(process.env, values['admin-password-file']);
    parseListenAddress(values.listen);
    tls = loadClientTls(clientTlsSettings(values), origin);
    listenTls = loadListenerTls(listenTlsFiles);
  } catch (e) {
    if (
      e instanceof UsageError ||
      e instanceof ListenAddressError ||
      e instanceof TlsFileError ||
      e instanceof PasswordHashError
    )
      usageExit(e.message);
    throw e;
  }
  if (values.server.length === 0) usageExit('no maglevd given: use -server ADDR or MAGLEV_FRONTEND_SERVER');

  const logger = createLogger({ level: values['log-level'] as LogLevel });
  logger.info('starting', { ...buildInfo });
  const server = new DashboardServer({
    listen: values.listen,
    servers: values.server,
    admin,
    logger,
    ...(tls && { tls }),
    ...(listenTls && { listenTls }),
  });
  await server.start();

  // SIGHUP re-reads the HTTPS certificate and key (a renewed certificate is served to new
  // connections; open ones and the socket stay). Without HTTPS it does nothing: losing the
  // controlling terminal must not stop the dashboard.
  process.on('SIGHUP', () => {
    if (!server.https) {
      logger.info('sighup-ignored', {});
      return;
    }
    try {
      const fresh = loadListenerTls(listenTlsFiles);
      if (fresh) server.setListenTls(fresh);
      logger.info('listen-tls-reload', { cert: listenTlsFiles.cert, key: listenTlsFiles.key });
    } catch (e) {
      logger.error('listen-tls-reload', {
        err: e instanceof Error ? e.message : String(e),
        hint: 'the previous certificate is still served',
      });
    }
  });
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
