import type { VipTarget } from '../../../lib/tui/targets.js';

/** A VIP row for tests that do not load a configuration. */
export function target(name: string, p: Partial<VipTarget> = {}): VipTarget {
  return Object.freeze({
    name,
    frontend: name,
    file: 'test.yaml',
    address: '192.0.2.1',
    protocol: 'tcp',
    port: 80,
    kind: 'http',
    reason: 'port 80',
    ...p,
  });
}
