/**
 * VppClient's log records against the simulator, written by the real JSON logger: the wire trail
 * names (`vpp-api-send[-multi]`, `vpp-api-recv[-multi]`), one `msg` key per line, and the level
 * of `vpp-disconnect` for a clean close versus a lost VPP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../lib/events/logger.js';
import { VppLbSimulator } from '../../../lib/sim/server.js';
import { VppClient } from '../../../lib/vpp/client.js';

type Line = Record<string, unknown> & { msg: string; level: string };

let dir: string;
let sim: VppLbSimulator;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'maglev-client-log-'));
  sim = new VppLbSimulator({ socketPath: join(dir, 'api.sock') });
  await sim.start();
});

afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A real pino logger into memory: the raw lines, as an operator's log shipper sees them. */
function capture(level: 'debug' | 'info'): {
  raw: string[];
  lines: () => Line[];
  logger: ReturnType<typeof createLogger>;
} {
  const raw: string[] = [];
  let partial = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      partial += chunk.toString('utf8');
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      raw.push(...parts);
      done();
    },
  });
  return {
    raw,
    lines: () => raw.map((l) => JSON.parse(l) as Line),
    logger: createLogger({ level, stream }),
  };
}

async function connectedClient(logger: ReturnType<typeof createLogger>): Promise<VppClient> {
  const client = new VppClient({ socketPath: sim.socketPath, logger, reconnectMs: 50, pingMs: 60_000 });
  const up = new Promise<void>((resolve) => client.once('connected', () => resolve()));
  client.start();
  await up;
  return client;
}

describe('VppClient log records', () => {
  it('names dump traffic vpp-api-*-multi, everything else vpp-api-*, with one msg key per line', async () => {
    const log = capture('debug');
    const client = await connectedClient(log.logger);
    const vip = { prefix: '198.51.100.7/32', protocol: 6, port: 80 };
    await client.lb.addVip(vip, { encap: 'gre4' });
    const from = log.raw.length;
    await client.lb.listVips();
    await client.lb.getConf();
    await client.lb.delVip(vip);
    await client.close();
    await expect.poll(() => log.lines().some((l) => l.msg === 'vpp-disconnect')).toBe(true);

    // pino writes a duplicate key as it is given: count them in the raw text.
    for (const raw of log.raw) expect(raw.match(/"msg":/g), raw).toHaveLength(1);

    const api = log
      .lines()
      .slice(from)
      .filter((l) => l.msg.startsWith('vpp-api-'))
      .map((l) => `${l.msg} ${String(l.message)}`);
    expect(api.slice(0, 8)).toEqual([
      'vpp-api-send-multi lb_vip_dump',
      'vpp-api-send-multi control_ping',
      'vpp-api-recv-multi lb_vip_details',
      'vpp-api-recv-multi control_ping_reply',
      'vpp-api-send lb_conf_get',
      'vpp-api-recv lb_conf_get_reply',
      'vpp-api-send lb_add_del_vip_v2',
      'vpp-api-recv lb_add_del_vip_v2_reply',
    ]);
    const details = log.lines().find((l) => l.msg === 'vpp-api-recv-multi' && l.message === 'lb_vip_details');
    expect(details).toMatchObject({
      level: 'DEBUG',
      result: 'ok',
      payload: { vip: { pfx: { len: 32 }, protocol: 6, port: 80 } },
    });
    expect(details?.context).toEqual(expect.any(Number));
    const reply = log.lines().find((l) => l.msg === 'vpp-api-recv' && l.message === 'lb_conf_get_reply');
    expect(reply).toMatchObject({ retval: 0, result: 'ok', payload: { retval: 0 } });
  });

  it('logs a clean close as vpp-disconnect at INFO with reason closed', async () => {
    const log = capture('info');
    const client = await connectedClient(log.logger);
    await client.close();
    const rec = log.lines().filter((l) => l.msg === 'vpp-disconnect');
    expect(rec).toEqual([
      expect.objectContaining({ level: 'INFO', reason: 'closed', socket: sim.socketPath }),
    ]);
  });

  it('logs a VPP that goes away as vpp-disconnect at WARN with the cause', async () => {
    const log = capture('info');
    const client = await connectedClient(log.logger);
    const before = log.raw.length;
    sim.dropConnections();
    await expect.poll(() => log.lines().filter((l) => l.msg === 'vpp-connect').length).toBe(2);
    const lost = log
      .lines()
      .slice(before)
      .filter((l) => l.msg === 'vpp-disconnect');
    expect(lost).toEqual([expect.objectContaining({ level: 'WARN', reason: 'eof' })]);
    await client.close();
    expect(log.lines().at(-1)).toMatchObject({ msg: 'vpp-disconnect', level: 'INFO', reason: 'closed' });
  });
});
