import { maglevdFlags } from '../lib/daemon/flags.js';
import { notImplemented, parseOrExit, run } from './common.js';

run('maglevd', () => {
  const { values } = parseOrExit(maglevdFlags, {
    program: 'maglevd',
    usage: 'maglevd [flags]',
    summary: 'vpp-maglev daemon: health-checks backends and programs the VPP lb plugin.',
  });
  if (values.check) return notImplemented('maglevd --check');
  return notImplemented('maglevd');
});
