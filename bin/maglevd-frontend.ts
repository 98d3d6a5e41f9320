import { notImplemented, parseOrExit, run } from './common.js';

const flags = {
  version: {
    kind: 'boolean',
    default: false,
    description: 'print version, commit and build date, then exit',
  },
  help: { kind: 'boolean', default: false, aliases: ['h'], description: 'show this help' },
} as const;

run('maglevd-frontend', () => {
  parseOrExit(flags, { program: 'maglevd-frontend', usage: 'maglevd-frontend [flags]' });
  return notImplemented('maglevd-frontend');
});
