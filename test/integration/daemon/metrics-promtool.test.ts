import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaglevMetrics, MetricsServer } from '../../../lib/daemon/metrics.js';

// `promtool check metrics` is Prometheus' own lint of the exposition format: what it rejects,
// a Prometheus operator's tooling (and reviewers of recording rules) complains about.

/** Runs `promtool check metrics` on `text`; promtool comes from Debian's prometheus package. */
function promtoolCheck(text: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'ENOENT'
          ? new Error("promtool not found: npm test's pretest step installs Debian's prometheus package")
          : err,
      ),
    );
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end(text);
  });
}

let vppConnected = true;
const metrics = new MaglevMetrics({
  backends: () => [
    { name: 'nginx0', state: 'up', health: 4, enabled: true },
    { name: 'nginx1', state: 'down', health: 0, enabled: false },
  ],
  poolMembers: () => [
    { frontend: 'web', pool: 'primary', backend: 'nginx0', weight: 50, effectiveWeight: 50 },
    { frontend: 'web', pool: 'fallback', backend: 'nginx1', weight: 100, effectiveWeight: 0 },
  ],
  frontends: () => [{ name: 'web', state: 'up' }],
  vpp: () =>
    vppConnected
      ? {
          version: '26.10-rc0',
          buildDate: '2026-08-22T03:00:55',
          pid: 42,
          bootTime: Date.now() - 60_000,
          connectedSince: Date.now() - 5000,
        }
      : null,
  vipCounters: () => [
    {
      prefix: '2001:db8::1/128',
      protocol: 'tcp',
      port: 443,
      next: 10,
      first: 2,
      untracked: 0,
      noServer: 1,
      routePackets: 13,
      routeBytes: 1300,
    },
  ],
});
const server = new MetricsServer(metrics.registry);
let url = '';

beforeAll(async () => {
  // Every series that is only created on use gets a sample, so promtool sees all of them.
  metrics.probe('nginx0', 'http', true, 'L7OK', 0.003);
  metrics.probe('nginx1', 'tcp', false, 'L4CON', 2);
  metrics.transition('nginx1', 'up', 'down');
  metrics.vppApi('lb_as_set_weight', 'send', true);
  metrics.vppApi('lb_as_set_weight_reply', 'recv', false);
  metrics.lbsync('all', { vip_added: 1, as_added: 2, as_weight_updated: 1 });
  metrics.grpcCall({ method: 'ListBackends', type: 'unary', code: 'OK', seconds: 0.002, sent: 1 });
  metrics.grpcCall({ method: 'WatchEvents', type: 'server_stream', code: 'CANCELLED', seconds: 3, sent: 7 });
  const port = await server.listen('127.0.0.1:0');
  url = `http://127.0.0.1:${port}/metrics`;
});
afterAll(() => server.close());

describe('promtool check metrics', () => {
  it.each([
    ['connected to VPP', true],
    ['disconnected from VPP', false],
  ])('accepts the scrape %s', async (_, connected) => {
    vppConnected = connected;
    try {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      const text = await res.text();
      // The scrape really holds the series promtool is meant to judge.
      expect(text).toContain('maglev_probe_duration_seconds_bucket');
      expect(text).toContain('grpc_server_handled_total');
      expect(text).toContain('process_cpu_seconds_total');
      expect(text).toMatch(/^nodejs_active_handles\{type="/m);
      expect(text).not.toContain('nodejs_active_handles_total');
      expect(await promtoolCheck(text)).toEqual({ code: 0, output: '' });
    } finally {
      vppConnected = true;
    }
  });

  it('is a check that can fail: promtool rejects a gauge named *_total', async () => {
    const bad = '# HELP demo_things_total Things.\n# TYPE demo_things_total gauge\ndemo_things_total 3\n';
    const res = await promtoolCheck(bad);
    expect(res.code).not.toBe(0);
    expect(res.output).toContain('demo_things_total non-counter metrics should not have "_total" suffix');
  });
});
