/**
 * Per-VIP route counters end to end against the simulator: ip_route_lookup gives the stats
 * index of the VIP prefix's FIB entry, /net/route/to at that index (summed over VPP's threads)
 * becomes the VIP's route packets and bytes in the scraper's snapshot, its metrics rows and
 * the Prometheus text; the indexes are cached and looked up again when the VIP set changes or
 * VPP reconnects.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaglevMetrics, MetricsServer } from '../../../lib/daemon/metrics.js';
import { VipCounterScraper, type VipCounterSnapshot } from '../../../lib/daemon/vip-counters.js';
import { silentLogger } from '../../../lib/events/logger.js';
import { VppLbSimulator } from '../../../lib/sim/server.js';
import { VppClient } from '../../../lib/vpp/client.js';

const WEB = { prefix: '198.51.100.1/32', protocol: 6, port: 80 };
const WEBS = { prefix: '198.51.100.1/32', protocol: 6, port: 443 };
const V6 = { prefix: '2001:db8::1/128', protocol: 17, port: 53 };
const MAIL = { prefix: '198.51.100.25/32', protocol: 6, port: 25 };

let dir: string;
let sim: VppLbSimulator;
let client: VppClient;
let scraper: VipCounterScraper;
const metricsServer = new MetricsServer(
  new MaglevMetrics({
    backends: () => [],
    poolMembers: () => [],
    frontends: () => [],
    vpp: () => null,
    vipCounters: () => scraper.metricsRows(),
  }).registry,
);
let metricsUrl = '';
let connects = 0;
/** Whether a (re)connect resumes the scraper at once, as maglevd does. */
let resumeOnConnect = true;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'maglev-route-counters-'));
  sim = new VppLbSimulator({
    socketPath: join(dir, 'api.sock'),
    statsSocketPath: join(dir, 'stats.sock'),
    statsThreads: 3,
  });
  await sim.start();
  client = new VppClient({
    socketPath: sim.socketPath,
    statsSocketPath: join(dir, 'stats.sock'),
    reconnectMs: 50,
    pingMs: 60_000,
  });
  scraper = new VipCounterScraper({ vpp: client, logger: silentLogger, intervalMs: 3_600_000 });
  // As maglevd wires them: the numbers and the cached indexes belong to one VPP session.
  client.on('connected', () => {
    connects++;
    if (resumeOnConnect) scraper.resume();
  });
  client.on('disconnected', () => scraper.pause());
  const up = new Promise<void>((resolve) => client.once('connected', () => resolve()));
  client.start();
  await up;
  metricsUrl = `http://127.0.0.1:${await metricsServer.listen('127.0.0.1:0')}/metrics`;
});

afterAll(async () => {
  await scraper.close();
  await client.close();
  await metricsServer.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const lookups = () => sim.operations().filter((o) => o.name === 'ip_route_lookup').length;
const vipIndex = (key: typeof WEB) =>
  sim.getState().vips.find((v) => v.used && v.prefix === key.prefix && v.port === key.port)!.index;

async function scraped(): Promise<VipCounterSnapshot> {
  await scraper.scrape();
  expect(scraper.lastError).toBeNull();
  return scraper.snapshot()!;
}

function row(snap: VipCounterSnapshot, key: typeof WEB) {
  const r = snap.vips.find((v) => v.prefix === key.prefix && v.port === key.port);
  if (!r) throw new Error(`no row for ${key.prefix}:${key.port}`);
  return r;
}

describe('per-VIP route counters against the simulator', () => {
  it('VppLbClient.routeStatsIndex gives the stats index of a VIP prefix’s FIB entry, null without one', async () => {
    await client.lb.addVip(WEB, { encap: 'gre4' });
    const entry = sim.getState().routes.find((r) => r.prefix === WEB.prefix);
    expect(entry).toMatchObject({ sources: ['lb'] });
    expect(await client.lb.routeStatsIndex(WEB.prefix)).toBe(entry!.statsIndex);
    expect(await client.lb.routeStatsIndex('192.0.2.99/32')).toBeNull();
    await expect(client.lb.routeStatsIndex('192.0.2.1/33')).rejects.toThrow(
      /ip_route_lookup: invalid prefix/,
    );
  });

  it('moves with traffic, summed over threads, shared by the VIPs of one prefix, into snapshot, rows and metrics', async () => {
    await client.lb.addVip(WEBS, { encap: 'gre4' });
    await client.lb.addVip(V6, { encap: 'gre6' });
    sim.countVipPackets(vipIndex(WEB), 'first', 3, { bytes: 300, thread: 0 });
    sim.countVipPackets(vipIndex(WEB), 'next', 7, { bytes: 1400, thread: 2 });
    sim.countVipPackets(vipIndex(WEBS), 'first', 1, { thread: 1 });
    sim.countVipPackets(vipIndex(V6), 'next', 5, { bytes: 500, thread: 1 });

    const snap = await scraped();
    // The prefix's one FIB entry carries both VIPs' traffic: 3 + 7 + 1 packets.
    expect(row(snap, WEB)).toMatchObject({ first: 3n, next: 7n, routePackets: 11n, routeBytes: 1764n });
    expect(row(snap, WEBS)).toMatchObject({ first: 1n, next: 0n, routePackets: 11n, routeBytes: 1764n });
    expect(row(snap, V6)).toMatchObject({ next: 5n, routePackets: 5n, routeBytes: 500n });
    expect(scraper.metricsRows()).toContainEqual({
      prefix: '198.51.100.1/32',
      protocol: 'tcp',
      port: 80,
      next: 7,
      first: 3,
      untracked: 0,
      noServer: 0,
      routePackets: 11,
      routeBytes: 1764,
    });
    const text = await (await fetch(metricsUrl)).text();
    for (const line of [
      'maglev_vpp_lb_vip_route_packets_total{prefix="198.51.100.1/32",protocol="tcp",port="443"} 11',
      'maglev_vpp_lb_vip_route_bytes_total{prefix="198.51.100.1/32",protocol="tcp",port="80"} 1764',
      'maglev_vpp_lb_vip_route_packets_total{prefix="2001:db8::1/128",protocol="udp",port="53"} 5',
    ]) {
      expect(text).toContain(line);
    }

    // A route counter moved by traffic that is not the lb plugin's (e.g. a ping to the VIP).
    sim.countRoutePackets(sim.plugin.vipRouteStatsIndex(vipIndex(V6))!, 2, 200, 2);
    expect(row(await scraped(), V6)).toMatchObject({ next: 5n, routePackets: 7n, routeBytes: 700n });
  });

  it('looks the indexes up once per VIP set, again when it changes', async () => {
    await scraped();
    const before = lookups();
    await scraped();
    await scraped();
    expect(lookups()).toBe(before);

    await client.lb.addVip(MAIL, { encap: 'gre4' });
    sim.countVipPackets(vipIndex(MAIL), 'first', 4, { bytes: 4000 });
    const snap = await scraped();
    // Every prefix again (three: two VIPs share one), not only the new VIP's.
    expect(lookups()).toBe(before + 3);
    expect(row(snap, MAIL)).toMatchObject({ routePackets: 4n, routeBytes: 4000n });
    await scraped();
    expect(lookups()).toBe(before + 3);

    // The prefix's last VIP gone, its entry and index are gone; a new VIP there starts from 0.
    await client.lb.delVip(MAIL);
    await scraped();
    await client.lb.addVip({ ...MAIL, port: 587 }, { encap: 'gre4' });
    const fresh = await scraped();
    expect(row(fresh, { ...MAIL, port: 587 })).toMatchObject({ routePackets: 0n, routeBytes: 0n });
  });

  it('looks the indexes up again after VPP reconnects, even for an identical VIP set', async () => {
    await client.lb.delVip({ ...MAIL, port: 587 });
    const cached = await scraped();
    expect(cached.vips.map((v) => `${v.prefix}:${v.port}`)).toEqual([
      '198.51.100.1/32:80',
      '198.51.100.1/32:443',
      '2001:db8::1/128:53',
    ]);
    // Resumed only once the same VIPs are back, so that no read sees the set change on the way.
    resumeOnConnect = false;
    sim.restart();
    await expect.poll(() => connects, { timeout: 10_000 }).toBe(2);
    expect(scraper.snapshot()).toBeNull();
    // A restarted VPP has none of the VIPs: put the same ones back, in the same order.
    for (const [key, encap] of [
      [WEB, 'gre4'],
      [WEBS, 'gre4'],
      [V6, 'gre6'],
    ] as const) {
      await client.lb.addVip(key, { encap });
    }
    const before = lookups();
    sim.countVipPackets(vipIndex(WEB), 'next', 2, { bytes: 128 });
    scraper.resume();
    await expect.poll(() => scraper.snapshot(), { timeout: 10_000 }).not.toBeNull();
    const snap = scraper.snapshot()!;
    expect(snap.vips.map((v) => `${v.prefix}:${v.port}`)).toEqual(
      cached.vips.map((v) => `${v.prefix}:${v.port}`),
    );
    expect(lookups()).toBe(before + 2);
    expect(row(snap, WEB)).toMatchObject({ next: 2n, routePackets: 2n, routeBytes: 128n });
    expect(row(snap, V6)).toMatchObject({ routePackets: 0n, routeBytes: 0n });
  });
});
