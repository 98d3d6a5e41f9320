import { notImplemented, parseOrExit, run } from './common.js';

const flags = {
  version: {
    kind: 'boolean',
    default: false,
    description: 'print version, commit and build date, then exit',
  },
  help: { kind: 'boolean', default: false, aliases: ['h'], description: 'show this help' },
} as const;

run('maglevc', () => {
  parseOrExit(flags, { program: 'maglevc', usage: 'maglevc [flags]' });
  return notImplemented('maglevc');
});
