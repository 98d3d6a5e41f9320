/**
 * The built vpp-lb-sim binary across kill -9, restart and SIGTERM: what an operator running it as
 * a service sees. Needs `npx tsup` (dist/bin/vpp-lb-sim.js).
 */
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { StatsSegmentReader } from '../../../lib/vpp/stats/index.js';
import { VppConnection } from '../../../vpp-api/index.js';
import { type LoggedProcess, startBin } from '../../support/e2e-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'vpp-lb-sim-life-'));
let n = 0;
const running: LoggedProcess[] = [];
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  for (const p of running.splice(0)) await p.stop('SIGKILL');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function paths(): { api: string; stats: string } {
  n++;
  return { api: join(dir, `api-${n}.sock`), stats: join(dir, `stats-${n}.sock`) };
}

function sim(api: string, stats: string): LoggedProcess {
  const p = startBin('vpp-lb-sim', ['--socket', api, '--stats-socket', stats]);
  running.push(p);
  return p;
}

async function started(api: string, stats: string): Promise<LoggedProcess> {
  const p = sim(api, stats);
  await p.waitLog((l) => l.msg === 'sim-listen');
  return p;
}

/** Proves the API socket answers: the handshake and a control_ping with the sim's pid. */
async function apiServes(api: string): Promise<number> {
  const conn = new VppConnection({ socketPath: api, clientName: 'lifecycle-test', requestTimeoutMs: 10_000 });
  await conn.connect();
  closers.push(() => conn.close());
  return (await conn.ping()).vpe_pid;
}

/** Proves the stats socket hands out a segment: the boot time the simulator wrote in it. */
async function statsServes(stats: string): Promise<number | null> {
  const reader = new StatsSegmentReader();
  await reader.connect(stats);
  closers.push(() => reader.close());
  return reader.bootTime();
}

describe('vpp-lb-sim binary lifecycle', () => {
  it('after kill -9 leaves both socket files behind, a restart serves the API and the stats segment', async () => {
    const { api, stats } = paths();
    const first = await started(api, stats);
    const pid1 = await apiServes(api);
    expect(await statsServes(stats)).toBeGreaterThan(0);
    expect(await first.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    for (const c of closers.splice(0)) await c();
    // What kill -9 leaves: two socket files nobody listens on.
    expect(lstatSync(api).isSocket()).toBe(true);
    expect(lstatSync(stats).isSocket()).toBe(true);

    const second = await started(api, stats);
    const pid2 = await apiServes(api);
    expect(pid2).toBe(Number(second.lines.find((l) => l.msg === 'sim-listen')?.pid));
    expect(pid2).not.toBe(pid1);
    expect(await statsServes(stats)).toBeGreaterThan(0);
    expect(second.child.exitCode).toBeNull();
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} with clients connected closes both sockets, removes their files and exits 0`, async () => {
      const { api, stats } = paths();
      const p = await started(api, stats);
      await apiServes(api);
      await statsServes(stats);
      expect(await p.stop(signal)).toEqual({ code: 0, signal: null });
      expect(existsSync(api)).toBe(false);
      expect(existsSync(stats)).toBe(false);
      expect(p.lines.at(-1)).toMatchObject({ msg: 'sim-stop', signal, level: 'INFO' });
    });
  }

  it('refuses an API socket a live simulator listens on (exit 1, naming the path) and leaves it serving', async () => {
    const { api, stats } = paths();
    const live = await started(api, stats);
    const other = paths();
    const intruder = sim(api, other.stats);
    expect(await intruder.exited).toEqual({ code: 1, signal: null });
    expect(intruder.stderr.join('\n')).toBe(
      `vpp-lb-sim: API socket ${api}: another process listens on it (a running VPP or simulator?)`,
    );
    // The refused simulator bound nothing and removed nothing.
    expect(existsSync(other.stats)).toBe(false);
    expect(await apiServes(api)).toBe(Number(live.lines.find((l) => l.msg === 'sim-listen')?.pid));
    expect(await statsServes(stats)).toBeGreaterThan(0);
  });

  it('refuses a stats socket a live simulator listens on, and then serves neither socket', async () => {
    const { api, stats } = paths();
    await started(api, stats);
    const other = paths();
    const intruder = sim(other.api, stats);
    expect(await intruder.exited).toEqual({ code: 1, signal: null });
    expect(intruder.stderr.join('\n')).toBe(
      `vpp-lb-sim: stats socket ${stats}: another process listens on it (a running VPP or simulator?)`,
    );
    expect(existsSync(other.api)).toBe(false);
    expect(await statsServes(stats)).toBeGreaterThan(0);
  });

  it('refuses a path that is not a socket and leaves the file alone', async () => {
    const { api, stats } = paths();
    writeFileSync(api, 'not a socket\n');
    const p = sim(api, stats);
    expect(await p.exited).toEqual({ code: 1, signal: null });
    expect(p.stderr.join('\n')).toBe(
      `vpp-lb-sim: API socket ${api}: exists and is not a socket; not removing it`,
    );
    expect(readFileSync(api, 'utf8')).toBe('not a socket\n');
    expect(existsSync(stats)).toBe(false);
  });
});
