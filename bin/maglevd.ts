import { ConfigLoader } from '../lib/config/loader.js';
import { maglevdFlags } from '../lib/daemon/flags.js';
import { notImplemented, parseOrExit, run } from './common.js';

run('maglevd', async () => {
  const { values } = parseOrExit(maglevdFlags, {
    program: 'maglevd',
    usage: 'maglevd [flags]',
    summary: 'vpp-maglev daemon: health-checks backends and programs the VPP lb plugin.',
  });
  if (values.check) {
    // Exit codes as the Go maglevd: 0 valid, 1 parse error, 2 semantic error.
    const result = await new ConfigLoader().check(values.config);
    if (result.ok) {
      process.stdout.write('config ok\n');
      return 0;
    }
    process.stderr.write(`${result.parseError || result.semanticError}\n`);
    return result.parseError ? 1 : 2;
  }
  return notImplemented('maglevd');
});
