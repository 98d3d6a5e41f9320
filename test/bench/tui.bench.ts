/**
 * maglevt's bookkeeping against the number of VIPs: recording one probe outcome (which checks
 * for a latency spike against the VIP's median over a full 1,000-sample window), and one screen
 * frame (snapshot of every VIP plus formatting the table and a 30-line error panel). At the
 * default 100 ms interval maglevt records 10 outcomes per VIP per second and draws 4 frames.
 */
import { formatErrors, formatTable, tagStyle } from '../../lib/tui/format.js';
import { Monitor } from '../../lib/tui/monitor.js';
import type { ProbeOutcome } from '../../lib/tui/outcome.js';
import type { VipTarget } from '../../lib/tui/targets.js';

function time(fn: () => void, minMs = 500): number {
  const warm = performance.now();
  for (let i = 0; i < 3 || performance.now() - warm < minMs / 2; i++) fn();
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < minMs) {
    fn();
    n++;
    now = performance.now();
  }
  return (now - start) / n;
}

const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`);

const rows: string[] = [];
for (const vips of [10, 100, 1000]) {
  const targets: VipTarget[] = Array.from({ length: vips }, (_, i) => ({
    name: `vip-${i}`,
    frontend: `vip-${i}`,
    file: 'bench.yaml',
    address: `198.51.${i >> 8}.${i & 255}`,
    protocol: 'tcp',
    port: 80,
    kind: 'http',
    reason: 'port 80',
  }));
  const m = new Monitor(targets, 0);
  let t = 0;
  // Fill every window: 1,000 answers per VIP from four backends, and some errors.
  for (let k = 0; k < 1000; k++) {
    for (let i = 0; i < vips; i++) {
      const o: ProbeOutcome =
        k % 97 === 0
          ? { kind: 'net-error', latencyMs: 0.2, code: 'ECONNRESET', message: 'read ECONNRESET' }
          : { kind: 'ok', latencyMs: 1 + ((k * 7 + i) % 13) / 10, status: 200, header: `backend-${k % 4}` };
      t += 1;
      m.record(i, o, t);
    }
  }
  let i = 0;
  const tRecord = time(() => {
    t += 1;
    m.record(i, { kind: 'ok', latencyMs: 1.5, status: 200, header: 'backend-1' }, t);
    i = (i + 1) % vips;
  });
  const style = tagStyle(256);
  const tFrame = time(() => {
    const s = m.snapshot(t);
    formatTable(s, 'X-IPng-Frontend', style);
    formatErrors(s.errors, style, 30);
  });
  // The share of one core maglevt's bookkeeping takes at the default cadence.
  const load = ((vips * 10 * tRecord + 4 * tFrame) / 1000) * 100;
  rows.push(`| ${vips} | ${fmt(tRecord)} | ${fmt(tFrame)} | ${load.toFixed(1)}% |`);
}

process.stdout.write(
  [
    '| VIPs | record one outcome | one frame (all VIPs) | CPU at 100 ms interval, 4 frames/s |',
    '|---:|---:|---:|---:|',
    ...rows,
    '',
  ].join('\n'),
);
