import { runMaglevc } from '../lib/cli/main.js';
import { run } from './common.js';

run('maglevc', () =>
  runMaglevc(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    signals: process,
  }),
);
