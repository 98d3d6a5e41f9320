/**
 * The built maglevd and maglevc against an in-process simulator that carries traffic: a VIP's
 * route packets and bytes (VPP's /net/route/to of the VIP prefix's FIB entry) reach maglevc's
 * `show vpp lb counters` columns and the Prometheus metrics. Needs `npx tsup` (dist/bin).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoBackendServer } from '../../../lib/demo/backend-server.js';
import { VppLbSimulator } from '../../../lib/sim/server.js';
import { type RunResult, runBin } from '../../support/bin.js';
import { type LoggedProcess, startBackends, startMaglevd, Workspace } from '../../support/e2e-harness.js';

const VIP = '198.51.100.1/32';

const ws = new Workspace();
let sim: VppLbSimulator;
let backends: Map<string, DemoBackendServer>;
let maglevd: { proc: LoggedProcess; grpcPort: number; metricsPort: number; client: { close(): void } };

beforeAll(async () => {
  sim = new VppLbSimulator({ socketPath: ws.apiSock, statsSocketPath: ws.statsSock, statsThreads: 2 });
  await sim.start();
  const b = await startBackends(['web1']);
  backends = b.backends;
  ws.writeConfig(`
maglev:
  healthchecks:
    http:
      type: http
      port: ${b.port}
      interval: 2s
      timeout: 1s
      params: { path: /healthz }
  backends:
    web1: { address: 127.0.0.2, healthcheck: http }
  frontends:
    web:
      address: 198.51.100.1
      protocol: tcp
      port: 80
      pools:
        - name: primary
          backends: { web1: {} }
  vpp:
    lb:
      ipv4-src-address: 192.0.2.254
      startup-min-delay: 0s
      startup-max-delay: 0s
`);
  maglevd = await startMaglevd(ws);
});

afterAll(async () => {
  maglevd?.client.close();
  await maglevd?.proc.stop();
  for (const s of backends?.values() ?? []) await s.stop();
  await sim?.close();
  ws.remove();
});

describe('route counters through the built maglevd and maglevc', () => {
  it('reach `show vpp lb counters` and maglev_vpp_lb_vip_route_*_total', async () => {
    await expect
      .poll(() => sim.getState().vips.some((v) => v.used && v.prefix === VIP), { timeout: 30_000 })
      .toBe(true);
    const index = sim.getState().vips.find((v) => v.used && v.prefix === VIP)!.index;
    sim.countVipPackets(index, 'first', 3, { bytes: 180, thread: 1 });
    sim.countVipPackets(index, 'next', 40, { bytes: 4000, thread: 0 });

    // maglevd reads the counters every 5 s.
    let last: RunResult | undefined;
    await expect
      .poll(
        async () => {
          last = await runBin('maglevc', [
            '--server',
            `127.0.0.1:${maglevd.grpcPort}`,
            '--color=false',
            'show',
            'vpp',
            'lb',
            'counters',
          ]);
          return last.stdout.includes(' 4180');
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(true);
    const rows = (last as RunResult).stdout
      .trimEnd()
      .split('\n')
      .map((l) => l.trim().split(/\s+/));
    expect(rows).toEqual([
      ['vip', 'protocol', 'port', 'frontend', 'first', 'next', 'untracked', 'no-server', 'packets', 'bytes'],
      [VIP, 'tcp', '80', 'web', '3', '40', '0', '0', '43', '4180'],
    ]);

    const text = await (await fetch(`http://127.0.0.1:${maglevd.metricsPort}/metrics`)).text();
    expect(text).toContain(
      'maglev_vpp_lb_vip_route_packets_total{prefix="198.51.100.1/32",protocol="tcp",port="80"} 43',
    );
    expect(text).toContain(
      'maglev_vpp_lb_vip_route_bytes_total{prefix="198.51.100.1/32",protocol="tcp",port="80"} 4180',
    );
  });
});
