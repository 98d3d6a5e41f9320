import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VppLbSimulator } from '../../../lib/sim/server.js';
import { VppClient, type VppInfo, VppMissingMessagesError } from '../../../lib/vpp/client.js';
import { VppInvalidArgumentError, VppLbClient } from '../../../lib/vpp/lb-client.js';
import { VppApiError, VppConnection, VppTimeoutError } from '../../../vpp-api/index.js';

const VIP = { prefix: '198.51.100.1/32', protocol: 6, port: 80 };
const VIP6 = { prefix: '2001:db8:100::1/128', protocol: 6, port: 443 };

let dir: string;
let sim: VppLbSimulator;
let conn: VppConnection;
let lb: VppLbClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'maglev-lb-client-'));
  sim = new VppLbSimulator({ socketPath: join(dir, 'api.sock'), statsSocketPath: join(dir, 'stats.sock') });
  await sim.start();
  conn = new VppConnection({
    socketPath: sim.socketPath,
    clientName: 'lb-client-test',
    requestTimeoutMs: 5000,
  });
  await conn.connect();
  lb = new VppLbClient(() => conn);
});

afterAll(async () => {
  await conn.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  sim.setSilent(false);
  sim.setReplyDelay(0);
});

describe('VppLbClient against the simulator', () => {
  it('sets and reads the global conf', async () => {
    const conf = {
      ip4SrcAddress: '192.0.2.254',
      ip6SrcAddress: '2001:db8::fe',
      stickyBucketsPerCore: 4096,
      flowTimeout: 40,
    };
    await lb.setConf(conf);
    expect(await lb.getConf()).toEqual(conf);
  });

  it('adds VIPs and ASes, weights them, and reads them back with buckets, stickiness and index', async () => {
    await lb.addVip(VIP, { encap: 'gre4', srcIpSticky: true });
    await Promise.all([
      lb.addAs(VIP, '192.0.2.10', 100),
      lb.addAs(VIP, '192.0.2.11', 50),
      lb.addAs(VIP, '192.0.2.12', 0),
    ]);
    const v = await lb.getVipState(VIP);
    expect(v).toMatchObject({ ...VIP, encap: 'gre4', srcIpSticky: true, flowTableLength: 1024 });
    expect(v?.index).toBeGreaterThan(0);
    const byAddr = Object.fromEntries(v!.ases.map((a) => [a.address, a]));
    expect(byAddr['192.0.2.10']).toMatchObject({ weight: 100, flags: 1 });
    expect(byAddr['192.0.2.12']).toMatchObject({ weight: 0, numBuckets: 0 });
    expect(v!.ases.reduce((n, a) => n + a.numBuckets, 0)).toBe(1024);
    await lb.setAsWeight(VIP, '192.0.2.11', 100, false);
    const again = await lb.getVipState(VIP);
    expect(again!.ases.find((a) => a.address === '192.0.2.11')?.weight).toBe(100);
    expect((await lb.listVips()).map((x) => x.prefix)).toContain(VIP.prefix);
  });

  it('deleted ASes linger with flags 0 and revive on re-add', async () => {
    await lb.delAs(VIP, '192.0.2.12', true);
    const gone = (await lb.getVipState(VIP))!.ases.find((a) => a.address === '192.0.2.12');
    expect(gone).toMatchObject({ flags: 0 });
    await lb.addAs(VIP, '192.0.2.12', 20);
    expect((await lb.getVipState(VIP))!.ases.filter((a) => a.address === '192.0.2.12')).toEqual([
      expect.objectContaining({ flags: 1, weight: 20 }),
    ]);
  });

  it('IPv6 VIPs with GRE6 and an all-port VIP', async () => {
    await lb.addVip(VIP6, { encap: 'gre6' });
    await lb.addAs(VIP6, '2001:db8:10::10', 100);
    await lb.addVip({ prefix: '198.51.100.9/32', protocol: 255, port: 0 }, { encap: 'gre4' });
    const state = await lb.getState();
    expect(state.vips.find((v) => v.prefix === VIP6.prefix)?.ases[0]).toMatchObject({
      address: '2001:db8:10::10',
      numBuckets: 1024,
    });
    expect(state.vips.find((v) => v.port === 0)).toMatchObject({ protocol: 255, encap: 'gre4' });
  });

  it.each([
    ['adding an existing VIP', () => lb.addVip(VIP, { encap: 'gre4' }), 'VALUE_EXIST', -81],
    ['deleting a missing VIP', () => lb.delVip({ ...VIP, port: 81 }), 'NO_SUCH_ENTRY', -6],
    [
      'adding an AS to a missing VIP',
      () => lb.addAs({ ...VIP, port: 81 }, '192.0.2.10', 1),
      'NO_SUCH_ENTRY',
      -6,
    ],
    ['adding an active AS again', () => lb.addAs(VIP, '192.0.2.10', 1), 'VALUE_EXIST', -81],
    ['weighting a missing AS', () => lb.setAsWeight(VIP, '192.0.2.99', 1, false), 'NO_SUCH_ENTRY', -6],
    ['an IPv6 AS under GRE4', () => lb.addAs(VIP, '2001:db8::1', 1), 'INVALID_ADDRESS_FAMILY', -97],
  ] as const)('VPP refuses %s with %s', async (_what, call, name, retval) => {
    const err = await call().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VppApiError);
    expect(err).toMatchObject({ name, retval });
  });

  it.each([
    [
      'table length 0',
      () => lb.addVip({ ...VIP, port: 90 }, { encap: 'gre4', flowTableLength: 0 }),
      'new_flows_table_length',
    ],
    [
      'table length not a power of 2',
      () => lb.addVip({ ...VIP, port: 90 }, { encap: 'gre4', flowTableLength: 1000 }),
      'new_flows_table_length',
    ],
    ['weight over 100', () => lb.addAs(VIP, '192.0.2.50', 101), 'weight'],
    ['weight on set_weight over 100', () => lb.setAsWeight(VIP, '192.0.2.10', 255, false), 'weight'],
    [
      'prefix length out of range',
      () => lb.addVip({ prefix: '198.51.100.1/33', protocol: 6, port: 80 }, { encap: 'gre4' }),
      'prefix',
    ],
    [
      'sticky buckets 0',
      () =>
        lb.setConf({
          ip4SrcAddress: '0.0.0.0',
          ip6SrcAddress: '::',
          stickyBucketsPerCore: 0,
          flowTimeout: 40,
        }),
      'sticky_buckets_per_core',
    ],
    ['a bad address', () => lb.addAs(VIP, '192.0.2.300', 1), 'address'],
  ] as const)('refuses %s before sending anything', async (_what, call, arg) => {
    const before = sim.operations().length;
    const err = await call().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VppInvalidArgumentError);
    expect((err as VppInvalidArgumentError).argument).toBe(arg);
    expect(sim.operations().length).toBe(before);
  });

  it('fault injection: the next N calls fail with the given retval', async () => {
    sim.failNext('lb_as_set_weight', -6, 2);
    await expect(lb.setAsWeight(VIP, '192.0.2.10', 90, false)).rejects.toMatchObject({ retval: -6 });
    await expect(lb.setAsWeight(VIP, '192.0.2.10', 90, false)).rejects.toMatchObject({ retval: -6 });
    await lb.setAsWeight(VIP, '192.0.2.10', 90, false);
  });

  it('cli_inband: show lb vips verbose and an unknown command', async () => {
    const vips = await lb.listVipIndexes();
    expect(vips.find((v) => v.prefix === VIP.prefix)).toMatchObject({
      srcIpSticky: true,
      protocol: 6,
      port: 80,
    });
    await expect(lb.cliInband('show nonsense')).rejects.toBeInstanceOf(VppApiError);
  });

  it('10,000 pipelined requests all complete, in order', async () => {
    const key = { prefix: '203.0.113.7/32', protocol: 17, port: 53 };
    await lb.addVip(key, { encap: 'gre4' });
    const calls: Promise<void>[] = [];
    for (let i = 0; i < 10_000; i++)
      calls.push(lb.setAsWeight(key, '192.0.2.10', i % 101, false).catch(() => undefined));
    await lb.addAs(key, '192.0.2.10', 1);
    await Promise.all(calls);
    const ops = sim
      .operations()
      .filter((o) => o.name === 'lb_as_set_weight')
      .slice(-10_000);
    expect(ops).toHaveLength(10_000);
    expect(ops.every((o) => o.retval === -6)).toBe(true); // sent before the AS existed
    const many: Promise<void>[] = [];
    for (let i = 0; i < 10_000; i++) many.push(lb.setAsWeight(key, '192.0.2.10', i % 101, false));
    await Promise.all(many);
    expect((await lb.getVipState(key))!.ases[0]?.weight).toBe(9999 % 101);
  });

  it('a request times out when VPP stops answering', async () => {
    const slow = new VppLbClient(() => conn, { timeoutMs: 200 });
    sim.setSilent(true);
    await expect(slow.getConf()).rejects.toBeInstanceOf(VppTimeoutError);
  });
});

describe('VppClient', () => {
  it('connects, reads info, reconnects after a VPP restart and refuses a VPP without the lb v2 messages', async () => {
    const client = new VppClient({
      socketPath: sim.socketPath,
      statsSocketPath: join(dir, 'stats.sock'),
      reconnectMs: 50,
      pingMs: 1000,
    });
    const connected: VppInfo[] = [];
    const disconnected: string[] = [];
    client.on('connected', (i) => connected.push(i));
    client.on('disconnected', (e) => disconnected.push(e.reason));
    client.start();
    await expect.poll(() => connected.length, { timeout: 10_000 }).toBe(1);
    expect(connected[0]).toMatchObject({ version: expect.stringContaining('26.10'), pid: sim.pid });
    expect(connected[0]?.bootTime).toBeGreaterThan(Date.now() - 3_600_000);
    expect(client.stats).not.toBeNull();
    const pid = sim.pid;
    sim.restart();
    await expect.poll(() => connected.length, { timeout: 10_000 }).toBe(2);
    expect(disconnected).toHaveLength(1);
    expect(connected[1]?.pid).not.toBe(pid);
    expect(await client.lb.getState()).toMatchObject({ vips: [] });
    await client.close();

    const oldDir = mkdtempSync(join(tmpdir(), 'maglev-old-vpp-'));
    const old = new VppLbSimulator({
      socketPath: join(oldDir, 'api.sock'),
      omitMessages: ['lb_as_set_weight', 'lb_add_del_as_v2'],
    });
    await old.start();
    const errors: string[] = [];
    const c2 = new VppClient({
      socketPath: old.socketPath,
      reconnectMs: 20,
      logger: {
        debug() {},
        info() {},
        warn: (msg, a) => errors.push(`${msg} ${String(a?.err)}`),
        error() {},
        enabled: () => true,
      },
    });
    c2.start();
    await expect.poll(() => errors.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(errors[0]).toContain('lb_add_del_as_v2_2f1d3b0e');
    expect(errors[0]).toContain('lb_as_set_weight_2d89bdbd');
    expect(c2.info).toBeNull();
    await c2.close();
    await old.close();
    rmSync(oldDir, { recursive: true, force: true });
    expect(new VppMissingMessagesError(['x']).message).toContain('26.10');
  });
});
