import { ConfigError, ConfigParseError, formatWarning } from '../lib/config/errors.js';
import { ConfigLoader } from '../lib/config/loader.js';
import { grpcSecurityFromFlags, maglevdFlags } from '../lib/daemon/flags.js';
import { Maglevd } from '../lib/daemon/maglevd.js';
import type { LogLevel } from '../lib/events/types.js';
import { UsageError } from '../lib/flags/flags.js';
import { parseOrExit, run } from './common.js';

run('maglevd', async () => {
  const { values } = parseOrExit(maglevdFlags, {
    program: 'maglevd',
    usage: 'maglevd [flags]',
    summary: 'vpp-maglev daemon: health-checks backends and programs the VPP lb plugin.',
    footer:
      'Signals: SIGHUP reloads the config (a bad file keeps the running config) and re-reads the gRPC TLS\n' +
      'files (a bad one keeps the old); SIGTERM and SIGINT stop. Unix-socket clients are admins: the\n' +
      "socket's mode (0660) and directory guard it. See maglevd(8), SECURITY.\n" +
      '--check exits 0 when the config is valid (printing any warnings on stderr), 1 on a parse error,\n' +
      '2 on a semantic error.',
  });
  let security: ReturnType<typeof grpcSecurityFromFlags>;
  try {
    security = grpcSecurityFromFlags(values);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`maglevd: ${e.message}\nRun 'maglevd --help' for usage.\n`);
    return 2;
  }
  if (values.check) {
    // Exit codes as the Go maglevd: 0 valid, 1 parse error, 2 semantic error. Warnings do not
    // change them: a file the original accepts stays accepted.
    const result = await new ConfigLoader().check(values.config);
    const warnings = result.warnings.map((w) => `${formatWarning(w)}\n`).join('');
    if (result.ok) {
      process.stderr.write(warnings);
      process.stdout.write('config ok\n');
      return 0;
    }
    process.stderr.write(`${result.parseError || result.semanticError}\n${warnings}`);
    return result.parseError ? 1 : 2;
  }

  // Signals are handled from the first moment: a SIGHUP before the daemon runs is applied once it
  // does; SIGTERM or SIGINT at any point stops it (a start in progress is abandoned).
  let daemon: Maglevd | null = null;
  let reloadWanted = false;
  let stopWanted = false;
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  process.on('SIGHUP', () => {
    if (daemon) {
      void daemon.reloadTls();
      void daemon.reload();
    } else reloadWanted = true;
  });
  const onStop = () => {
    stopWanted = true;
    stop();
  };
  process.once('SIGTERM', onStop);
  process.once('SIGINT', onStop);

  try {
    daemon = await Maglevd.create({
      configPath: values.config,
      grpcAddr: values['grpc-addr'],
      ...(security.tls ? { grpcTls: security.tls } : {}),
      ...(security.admins ? { grpcAdmins: security.admins } : {}),
      metricsAddr: values['metrics-addr'],
      vppApiAddr: values['vpp-api-addr'],
      vppStatsAddr: values['vpp-stats-addr'],
      logLevel: values['log-level'] as LogLevel,
      stateFile: values['state-file'],
      reflection: values.reflection,
    });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`maglevd: ${e.message}\n`);
      process.exit(e instanceof ConfigParseError ? 1 : 2);
    }
    throw e;
  }
  if (stopWanted) process.exit(0);
  if (reloadWanted) void daemon.reload(); // queued by the daemon until its start is done

  const started = daemon.start().then(
    () => null,
    (e: unknown) => e,
  );
  const first = await Promise.race([started, stopped.then(() => 'stop' as const)]);
  if (first !== null && first !== 'stop') {
    // start() has closed whatever had started.
    process.stderr.write(`maglevd: ${first instanceof Error ? first.message : String(first)}\n`);
    process.exit(1);
  }
  await stopped;
  await daemon.close();
  // Everything is closed; exit without waiting for stray handles of libraries.
  process.exit(0);
});
