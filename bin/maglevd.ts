import { ConfigError, formatWarning } from '../lib/config/errors.js';
import { ConfigLoader } from '../lib/config/loader.js';
import { maglevdFlags } from '../lib/daemon/flags.js';
import { Maglevd } from '../lib/daemon/maglevd.js';
import type { LogLevel } from '../lib/events/types.js';
import { parseOrExit, run } from './common.js';

run('maglevd', async () => {
  const { values } = parseOrExit(maglevdFlags, {
    program: 'maglevd',
    usage: 'maglevd [flags]',
    summary: 'vpp-maglev daemon: health-checks backends and programs the VPP lb plugin.',
    footer:
      'Signals: SIGHUP reloads the config (a bad file keeps the running config); SIGTERM and SIGINT stop.\n' +
      '--check exits 0 when the config is valid (printing any warnings on stderr), 1 on a parse error,\n' +
      '2 on a semantic error.',
  });
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

  let daemon: Maglevd;
  try {
    daemon = await Maglevd.create({
      configPath: values.config,
      grpcAddr: values['grpc-addr'],
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
      return e.name === 'ConfigParseError' ? 1 : 2;
    }
    throw e;
  }
  await daemon.start();

  process.on('SIGHUP', () => {
    void daemon.reload();
  });
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await daemon.close();
  // Everything is closed; exit without waiting for stray handles of libraries.
  process.exit(0);
});
