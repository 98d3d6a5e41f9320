import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaglevMetrics, MetricsServer } from '../../../lib/daemon/metrics.js';
import { parseListenAddress } from '../../../lib/util/listen-address.js';

let vppConnected = true;
const metrics = new MaglevMetrics({
  backends: () => [{ name: 'nginx0', state: 'up', health: 4, enabled: true }],
  poolMembers: () => [
    { frontend: 'web', pool: 'primary', backend: 'nginx0', weight: 50, effectiveWeight: 50 },
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
      prefix: '198.51.100.1/32',
      protocol: 'tcp',
      port: 80,
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
  const port = await server.listen('127.0.0.1:0');
  url = `http://127.0.0.1:${port}/metrics`;
});
afterAll(() => server.close());

describe('metrics', () => {
  it('exposes the Go maglevd metric names with scrape-time gauges', async () => {
    metrics.probe('nginx0', 'http', true, 'L7OK', 0.003);
    metrics.transition('nginx0', 'unknown', 'up');
    metrics.vppApi('lb_as_set_weight', 'send', true);
    metrics.lbsync('vip', { as_weight_updated: 2, vip_added: 0 });
    const text = await (await fetch(url)).text();
    for (const line of [
      'maglev_backend_state{backend="nginx0",state="up"} 1',
      'maglev_backend_state{backend="nginx0",state="down"} 0',
      'maglev_backend_health{backend="nginx0"} 4',
      'maglev_backend_enabled{backend="nginx0"} 1',
      'maglev_frontend_pool_backend_weight{frontend="web",pool="primary",backend="nginx0"} 50',
      'maglev_probe_total{backend="nginx0",type="http",result="success",code="L7OK"} 1',
      'maglev_backend_transitions_total{backend="nginx0",from="unknown",to="up"} 1',
      'maglev_vpp_api_total{msg="lb_as_set_weight",direction="send",result="success"} 1',
      'maglev_vpp_lbsync_total{scope="vip",kind="as_weight_updated"} 2',
      'maglev_vpp_connected 1',
      'maglev_vpp_info{version="26.10-rc0",build_date="2026-08-22T03:00:55",pid="42"} 1',
      'maglev_vpp_lb_vip_packets_total{prefix="198.51.100.1/32",protocol="tcp",port="80",kind="no-server"} 1',
      'maglev_vpp_lb_vip_route_bytes_total{prefix="198.51.100.1/32",protocol="tcp",port="80"} 1300',
    ]) {
      expect(text).toContain(line);
    }
    expect(text).not.toContain('kind="vip_added"');
    expect(text).toContain('maglev_probe_duration_seconds_bucket');
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toMatch(/maglev_vpp_uptime_seconds \d+/);
  });

  it('leaves the vpp gauges out while disconnected', async () => {
    vppConnected = false;
    const text = await (await fetch(url)).text();
    expect(text).toContain('maglev_vpp_connected 0');
    expect(text).not.toMatch(/^maglev_vpp_info\{/m);
    expect(text).not.toMatch(/^maglev_vpp_uptime_seconds /m);
    vppConnected = true;
  });

  it('answers 404 elsewhere', async () => {
    expect((await fetch(url.replace('/metrics', '/'))).status).toBe(404);
  });

  it.each([
    [':9091', { host: undefined, port: 9091 }],
    ['127.0.0.1:80', { host: '127.0.0.1', port: 80 }],
    ['[::1]:9091', { host: '::1', port: 9091 }],
  ])('parses listen address %s', (a, want) => {
    expect(parseListenAddress(a)).toEqual(want);
  });

  it.each(['9091', 'host', ':99999'])('rejects listen address %s', (a) => {
    expect(() => parseListenAddress(a)).toThrow(/invalid listen address/);
  });
});
