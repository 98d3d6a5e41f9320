import { runMaglevt } from '../lib/tui/main.js';
import { run } from './common.js';

run('maglevt', () =>
  runMaglevt(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    signals: process,
  }),
);
