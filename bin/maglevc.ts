import { runMaglevc } from '../lib/cli/main.js';
import { run } from './common.js';
import { quietIpServerNameWarning } from './tls-warning.js';

// A reader that went away (`maglevc show backends | head -1`) wants no more output: end
// quietly instead of dying on an unhandled EPIPE with a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

quietIpServerNameWarning();

run('maglevc', () =>
  runMaglevc(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    signals: process,
  }),
);
