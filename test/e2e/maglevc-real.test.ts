/**
 * maglevc end to end: every one-shot command of the built maglevc against the built maglevd,
 * which runs with the built vpp-lb-sim and real HTTP backends on loopback. The tests run in
 * order and share one setup, as an operator's session would.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MaglevClient } from '../../lib/api/client.js';
import type { DemoBackendServer } from '../../lib/demo/backend-server.js';
import type { VppLbClient } from '../../lib/vpp/lb-client.js';
import type { VppConnection } from '../../vpp-api/index.js';
import { binPath, type RunResult, runBin } from '../support/bin.js';
import {
  type LoggedProcess,
  observe,
  startBackends,
  startBin,
  startMaglevd,
  startSim,
  Workspace,
  webSiteConfig,
  weightsOf,
} from '../support/e2e-harness.js';

const VIP = '198.51.100.1/32';
const KEY = { prefix: VIP, protocol: 6, port: 80 };
const SETTLED = { '127.0.0.2': 100, '127.0.0.3': 50, '127.0.0.4': 0 };

// The periodic sync is an hour away, so drift made by hand stays until `sync vpp lbstate`
// repairs it, and the counts it reports are exact.
function config(port: number, extra?: string): string {
  return webSiteConfig(port, {
    transitionHistory: 10,
    description: 'Public web site',
    ...(extra !== undefined && { extraFrontends: extra }),
  });
}

const ws = new Workspace();
let port = 0;
let backends: Map<string, DemoBackendServer>;
let sim: LoggedProcess;
let maglevd: LoggedProcess;
let client: MaglevClient;
let server = '';
let obs: { lb: VppLbClient; conn: VppConnection };
/** Processes a test starts for itself; afterAll stops any a failed test left running. */
const extra: LoggedProcess[] = [];

function maglevc(words: readonly string[], at = server): Promise<RunResult> {
  return runBin('maglevc', ['--server', at, '--color=false', ...words], { timeoutMs: 60_000 });
}

/** Runs a command that must succeed quietly and returns its output lines. */
async function ok(...words: string[]): Promise<string[]> {
  const r = await maglevc(words);
  expect({ code: r.code, stderr: r.stderr }, `maglevc ${words.join(' ')}`).toEqual({ code: 0, stderr: '' });
  return r.stdout.replace(/\n$/, '').split('\n');
}

/** Runs a command that must fail with `code` and nothing on stdout; returns stderr. */
async function fails(code: number, ...words: string[]): Promise<string> {
  const r = await maglevc(words);
  expect({ code: r.code, stdout: r.stdout }, `maglevc ${words.join(' ')}`).toEqual({ code, stdout: '' });
  return r.stderr;
}

/** Columns of a table or key-value line (separated by two or more spaces). */
function cols(line: string | undefined): string[] {
  return (line ?? '').trim().split(/\s{2,}/);
}

/** A key-value listing as a record. */
function kv(lines: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    lines
      .map((l) => l.trim())
      .filter((l) => /^\S+\s{2,}/.test(l))
      .map((l) => [cols(l)[0], cols(l).slice(1).join('  ')]),
  );
}

async function weights(): Promise<Record<string, number>> {
  return weightsOf(await obs.lb.getState(), VIP);
}

async function states(): Promise<Record<string, string>> {
  const r = await client.listBackends();
  return Object.fromEntries(r.backends.map((b) => [b.name, b.state]));
}

const ALL_UP = { web1: 'up', web2: 'up', spare: 'up' };

/** Every backend up and VPP carrying the configured weights (vi.waitFor: beforeAll uses it too). */
async function settled(): Promise<void> {
  await vi.waitFor(
    async () => {
      expect(await states()).toEqual(ALL_UP);
      expect(await weights()).toEqual(SETTLED);
    },
    { timeout: 30_000, interval: 100 },
  );
}

beforeAll(async () => {
  const b = await startBackends(['web1', 'web2', 'spare']);
  port = b.port;
  backends = b.backends;
  ws.writeConfig(config(port));
  sim = await startSim(ws);
  obs = await observe(ws);
  const d = await startMaglevd(ws);
  maglevd = d.proc;
  client = d.client;
  server = `127.0.0.1:${d.grpcPort}`;
  await settled();
}, 120_000);

afterAll(async () => {
  client?.close();
  for (const p of extra) await p.stop('SIGKILL');
  await maglevd?.stop();
  await obs?.conn.close();
  await sim?.stop();
  for (const s of backends?.values() ?? []) await s.stop();
  ws.remove();
}, 60_000);

// Every maglevc run starts a Node process (about half a second idle, several seconds on a
// loaded machine), and some tests run a dozen: generous per-test time.
describe('maglevc one-shot commands against maglevd and the simulator', { timeout: 240_000 }, () => {
  it('show version prints version, commit and build date', async () => {
    const v = kv(await ok('show', 'version'));
    expect(Object.keys(v)).toEqual(['version', 'commit', 'date']);
    expect(v.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(v.date).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('show frontends lists the names; detail the table; show frontend <name> pools and members', async () => {
    expect(await ok('show', 'frontends')).toEqual(['web']);
    const list = await ok('show', 'frontends', 'detail');
    expect(cols(list[0])).toEqual([
      'name',
      'address',
      'protocol',
      'port',
      'state',
      'active-pool',
      'up',
      'description',
    ]);
    expect(list.slice(1).map(cols)).toEqual([
      ['web', '198.51.100.1', 'tcp', '80', 'up', 'primary', '3/3', 'Public web site'],
    ]);
    const one = await ok('show', 'frontend', 'web');
    expect(kv(one)).toMatchObject({ name: 'web', address: '198.51.100.1', port: '80', state: 'up' });
    const pools = one.slice(one.indexOf('pools') + 1).map(cols);
    expect(pools).toEqual([
      ['primary (active)'],
      ['web1', '127.0.0.2', 'up'],
      ['web2', '127.0.0.3', 'up', 'weight 50'],
      ['fallback'],
      ['spare', '127.0.0.4', 'up'],
    ]);
    // Abbreviated words work as in the shell.
    expect(await ok('sh', 'fr', 'web')).toEqual(one);
  });

  it('show backends lists the names; detail the table; show backend <name> its health', async () => {
    expect(await ok('show', 'backends')).toEqual(['web1', 'web2', 'spare']);
    const list = await ok('show', 'backends', 'detail');
    expect(cols(list[0])).toEqual(['name', 'address', 'state', 'for', 'enabled', 'healthcheck', 'frontends']);
    const rows = list.slice(1).map(cols);
    expect(rows.map((r) => [r[0], r[1], r[2], r[4], r[5], r[6]])).toEqual([
      ['web1', '127.0.0.2', 'up', 'true', 'http', 'web'],
      ['web2', '127.0.0.3', 'up', 'true', 'http', 'web'],
      ['spare', '127.0.0.4', 'up', 'true', 'http', 'web'],
    ]);
    const one = await ok('show', 'backend', 'web1');
    const v = kv(one);
    expect(v).toMatchObject({ name: 'web1', address: '127.0.0.2', enabled: 'true', healthcheck: 'http' });
    expect(v.state).toMatch(/^up for \d/);
    expect(v.health).toMatch(/^\d+ \(rise 2, fall 2\)$/);
    expect(v['last-probe']).toMatch(/^ok L7OK status 200 in .+ ago$/);
    expect(one.slice(one.indexOf('transitions') + 1).map((l) => cols(l).slice(1, 3))).toEqual([
      ['unknown -> up', 'L7OK'],
    ]);
  });

  it('show healthchecks lists the names; detail the table; show healthcheck <name> its HTTP', async () => {
    expect(await ok('show', 'healthchecks')).toEqual(['http']);
    const list = await ok('show', 'healthchecks', 'detail');
    expect(list.map(cols)).toEqual([
      ['name', 'type', 'port', 'interval', 'fast-interval', 'down-interval', 'timeout', 'rise', 'fall'],
      ['http', 'http', String(port), '1.5s', '300ms', '1.5s', '1s', '2', '2'],
    ]);
    expect(kv(await ok('show', 'healthcheck', 'http'))).toEqual({
      name: 'http',
      type: 'http',
      port: String(port),
      interval: '1.5s',
      'fast-interval': '300ms',
      'down-interval': '1.5s',
      timeout: '1s',
      rise: '2',
      fall: '2',
      path: '/healthz',
      method: 'GET',
      'response-codes': '200-399',
    });
  });

  it('show vpp info names the VPP maglevd is connected to', async () => {
    const v = kv(await ok('show', 'vpp', 'info'));
    const listen = sim.lines.find((l) => l.msg === 'sim-listen');
    expect(v['vpp-pid']).toBe(String(listen?.pid));
    expect(v.version).toMatch(/^26\.10/);
    expect(v['vpp-boottime']).toMatch(/^\d{4}-\d\d-\d\d .+ \(up .+\)$/);
    expect(v.connected).toMatch(/^\d{4}-\d\d-\d\d .+ \(for .+\)$/);
  });

  it('show vpp lbstate and show vpp lb state print the lb conf, the VIP and the buckets VPP has', async () => {
    const a = await ok('show', 'vpp', 'lbstate');
    expect(await ok('show', 'vpp', 'lb', 'state')).toEqual(a);
    expect(kv(a.slice(1, 5))).toEqual({
      'ip4-src-address': '192.0.2.254',
      'ip6-src-address': '::',
      'sticky-buckets-per-core': '65536',
      'flow-timeout': '40s',
    });
    expect(a).toContain(`vip ${VIP} protocol tcp port 80`);
    expect(kv(a)).toMatchObject({ frontend: 'web', encap: 'gre4', 'flow-table-length': '1024' });
    const vip = (await obs.lb.getState()).vips.find((v) => v.prefix === VIP);
    const buckets = (addr: string) => vip?.ases.find((x) => x.address === addr)?.numBuckets;
    expect(buckets('127.0.0.2')).toBeGreaterThan(buckets('127.0.0.3') ?? 0);
    const ases = a.filter((l) => l.trimStart().startsWith('address ')).map((l) => l.trim().split(/\s+/));
    expect(ases).toEqual([
      ['address', '127.0.0.2', 'weight', '100', 'flow-table-buckets', String(buckets('127.0.0.2'))],
      ['address', '127.0.0.3', 'weight', '50', 'flow-table-buckets', String(buckets('127.0.0.3'))],
      ['address', '127.0.0.4', 'weight', '0', 'flow-table-buckets', '0'],
    ]);
    expect(a.join('\n')).toMatch(/address 127\.0\.0\.2 weight 100 flow-table-buckets \d+/);
  });

  it('show vpp lb counters shows the VIP once maglevd has read the stats segment', async () => {
    // maglevd reads the counters at connect and then every 5 s: until a read saw the VIP the
    // answer is "VPP stats not read yet" (exit 1) or a listing without it.
    let last: RunResult | undefined;
    await expect
      .poll(
        async () => {
          last = await maglevc(['show', 'vpp', 'lb', 'counters']);
          if (last.code === 1) expect(last.stderr).toMatch(/^VPP stats not read yet/);
          return last.code === 0 && last.stdout.includes(VIP);
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(true);
    const lines = (last as RunResult).stdout.trimEnd().split('\n').map(cols);
    expect(lines).toEqual([
      ['vip', 'protocol', 'port', 'frontend', 'first', 'next', 'untracked', 'no-server', 'packets', 'bytes'],
      // The simulator carries no traffic.
      [VIP, 'tcp', '80', 'web', '0', '0', '0', '0', '0', '0'],
    ]);
    expect((last as RunResult).stderr).toBe('');
  });

  it('sync vpp lbstate <name> repairs one VIP; sync vpp lb state repairs all of VPP', async () => {
    await obs.lb.setAsWeight(KEY, '127.0.0.2', 3, false);
    expect(kv(await ok('sync', 'vpp', 'lbstate', 'web'))).toEqual({
      scope: 'vip',
      'vip-added': '0',
      'vip-removed': '0',
      'as-added': '0',
      'as-removed': '0',
      'as-weight-updated': '1',
    });
    expect(await weights()).toEqual(SETTLED);

    await obs.lb.delAs(KEY, '127.0.0.4', true);
    await obs.lb.addVip({ prefix: '203.0.113.50/32', protocol: 17, port: 53 }, { encap: 'gre4' });
    expect(kv(await ok('sync', 'vpp', 'lb', 'state'))).toEqual({
      scope: 'all',
      'vip-added': '0',
      'vip-removed': '1',
      'as-added': '1',
      'as-removed': '0',
      'as-weight-updated': '0',
    });
    const state = await obs.lb.getState();
    expect(state.vips.map((v) => v.prefix)).toEqual([VIP]);
    expect(weightsOf(state, VIP)).toEqual(SETTLED);
    // Nothing left to do.
    expect(kv(await ok('sync', 'vpp', 'lbstate'))).toMatchObject({ scope: 'all', 'as-weight-updated': '0' });
  });

  it('set backend pause, resume, disable and enable reach maglevd and VPP', async () => {
    // Pause drains: weight 0 in VPP, its flows left alone (no flush).
    const paused = maglevd.lines.length;
    expect(await ok('set', 'backend', 'web1', 'pause')).toEqual(['backend web1 state paused enabled true']);
    await expect.poll(weights, { timeout: 30_000 }).toEqual({ ...SETTLED, '127.0.0.2': 0 });
    const drained = await maglevd.waitLog(
      (l) => l.msg === 'vpp-lbsync-as-weight' && l.address === '127.0.0.2' && l.weight === 0,
      30_000,
      paused,
    );
    expect(drained.flush).toBe(false);
    expect(cols((await ok('show', 'backends', 'detail')).find((l) => l.startsWith('web1')))[2]).toBe(
      'paused',
    );

    expect(await ok('set', 'backend', 'web1', 'resume')).toEqual(['backend web1 state unknown enabled true']);
    await settled();

    const from = maglevd.lines.length;
    expect(await ok('set', 'backend', 'spare', 'disable')).toEqual([
      'backend spare state disabled enabled false',
    ]);
    // Already at weight 0 (its pool is not active), it is set again to flush its flows.
    const disabled = await maglevd.waitLog(
      (l) => l.msg === 'vpp-lbsync-as-weight' && l.address === '127.0.0.4' && l.flush === true,
      30_000,
      from,
    );
    expect(disabled.weight).toBe(0);
    expect(await fails(1, 'set', 'backend', 'spare', 'pause')).toBe(
      'cannot pause backend "spare": it is disabled; enable it first\n',
    );
    expect((await client.getBackend('spare')).state).toBe('disabled');

    expect(await ok('set', 'backend', 'spare', 'enable')).toEqual([
      'backend spare state unknown enabled true',
    ]);
    await settled();
  });

  it('set frontend <f> pool <p> backend <b> weight <n> overrides the weight, 0-100 only', async () => {
    const legend = '* weight set at runtime by an operator, not from the config';
    expect(await ok('show', 'frontend', 'web')).not.toContain(legend);
    const out = await ok('set', 'frontend', 'web', 'pool', 'primary', 'backend', 'web2', 'weight', '20');
    expect(out.slice(out.indexOf('pools') + 1).map(cols)).toContainEqual([
      'web2',
      '127.0.0.3',
      'up',
      'weight 20*',
    ]);
    expect(out.at(-1)).toBe(legend);
    const shown = await ok('show', 'frontend', 'web');
    expect(shown.slice(shown.indexOf('pools') + 1).map(cols)).toEqual([
      ['primary (active)'],
      ['web1', '127.0.0.2', 'up'],
      ['web2', '127.0.0.3', 'up', 'weight 20*'],
      ['fallback'],
      ['spare', '127.0.0.4', 'up'],
      [legend],
    ]);
    await expect.poll(weights, { timeout: 30_000 }).toEqual({ ...SETTLED, '127.0.0.3': 20 });

    expect(
      await fails(1, 'set', 'frontend', 'web', 'pool', 'primary', 'backend', 'web2', 'weight', '101'),
    ).toBe('weight 101 out of range: must be 0-100\n');
    expect(await fails(1, 'set', 'frontend', 'web', 'pool', 'nope', 'backend', 'web2', 'weight', '1')).toBe(
      'pool "nope" not found in frontend "web"\n',
    );

    // Back to the configured weight, flushing web2's flows.
    const from = maglevd.lines.length;
    await ok('set', 'frontend', 'web', 'pool', 'primary', 'backend', 'web2', 'weight', '50', 'flush');
    await maglevd.waitLog(
      (l) => l.msg === 'frontend-weight-set' && l.backend === 'web2' && l.weight === 50 && l.flush === true,
      30_000,
      from,
    );
    await expect.poll(weights, { timeout: 30_000 }).toEqual(SETTLED);
    expect(await weights()).toEqual(SETTLED);
  });

  it('watch events num <n> prints backend events as JSON lines, then exits 0', async () => {
    await settled();
    const watch = startBin('maglevc', [
      '--server',
      server,
      '--color=false',
      'watch',
      'events',
      'num',
      '3',
      'backend',
      'frontend',
    ]);
    extra.push(watch);
    // The stream opens with each frontend's current state: from then on it sees every event.
    await watch.waitLog((l) => JSON.stringify(l).includes('"frontend":"web"'));
    await ok('set', 'backend', 'web1', 'pause');
    await ok('set', 'backend', 'web1', 'resume');
    expect(await watch.exited).toEqual({ code: 0, signal: null });
    expect(watch.stderr).toEqual([]);
    expect(watch.lines).toEqual([
      { frontend: expect.objectContaining({ frontend: 'web', from: 'up', to: 'up' }) },
      {
        backend: expect.objectContaining({
          backend: 'web1',
          frontend: 'web',
          address: '127.0.0.2',
          transition: expect.objectContaining({ from: 'up', to: 'paused' }),
        }),
      },
      {
        backend: expect.objectContaining({
          backend: 'web1',
          transition: expect.objectContaining({ from: 'paused', to: 'unknown' }),
        }),
      },
    ]);
    await settled();
  });

  it('watch events num <n> log level debug follows the probes (and the VPP calls)', async () => {
    const lines = (await ok('watch', 'events', 'num', '2', 'log', 'level', 'debug')).map(
      (l) => JSON.parse(l) as { log?: { level: string; msg: string; attrs: Record<string, string> } },
    );
    expect(lines).toHaveLength(2);
    // At debug level the probes log every result; the VPP calls (counters, route lookups) may
    // come in between.
    for (const l of lines)
      expect(l.log).toMatchObject({ level: 'debug', msg: expect.stringMatching(/^(probe-|vpp-api-)/) });
  });

  it('config check and config reload: ok, and parse and semantic errors that keep the running config', async () => {
    expect(await ok('config', 'check')).toEqual(['config ok']);
    expect(await ok('config', 'reload')).toEqual(['config reloaded']);

    ws.writeConfig(`${config(port)}\n  bogus: 1\n`);
    expect(await fails(1, 'config', 'check')).toMatch(
      /^parse error: .*maglev\.yaml:\d+:\d+: maglev\.bogus: unknown key "bogus"/,
    );
    expect(await fails(1, 'config', 'reload')).toMatch(/^parse error: .*unknown key "bogus"/);
    ws.writeConfig(config(port).replace('web1: {}, web2', 'ghost: {}, web2'));
    expect(await fails(1, 'config', 'check')).toMatch(/^semantic error: .*backend "ghost" does not exist\n$/);
    expect(await fails(1, 'config', 'reload')).toMatch(
      /^semantic error: .*backend "ghost" does not exist\n$/,
    );
    // The running config is untouched.
    expect(await ok('show', 'frontends')).toEqual(['web']);
  });

  it('config reload of a good file applies it: a new frontend, in VPP too', async () => {
    ws.writeConfig(
      config(
        port,
        `    api:
      address: 198.51.100.2
      protocol: tcp
      port: 443
      pools:
        - name: only
          backends: { web1: {} }`,
      ),
    );
    expect(await ok('config', 'check')).toEqual(['config ok']);
    expect(await ok('config', 'reload')).toEqual(['config reloaded']);
    expect(await ok('show', 'frontends')).toEqual(['web', 'api']);
    expect((await ok('show', 'frontends', 'detail')).slice(1).map((l) => cols(l).slice(0, 4))).toEqual([
      ['web', '198.51.100.1', 'tcp', '80'],
      ['api', '198.51.100.2', 'tcp', '443'],
    ]);
    await expect
      .poll(async () => (await ok('show', 'vpp', 'lbstate')).join('\n'), { timeout: 30_000 })
      .toMatch(
        /vip 198\.51\.100\.2\/32 protocol tcp port 443\n {2}frontend +api\n[\s\S]*address 127\.0\.0\.2 weight 100 /,
      );
    expect(cols((await ok('show', 'backends', 'detail')).find((l) => l.startsWith('web1')))[6]).toBe(
      'web,api',
    );
  });

  it('help lists every command; quit does nothing', async () => {
    const help = await ok('help');
    expect(help.join('\n')).toContain(
      'set frontend <name> pool <pool> backend <name> weight <0-100> [flush]',
    );
    for (const c of [
      'show version',
      'show vpp lb counters',
      'watch events',
      'config reload',
      'sync vpp lbstate',
    ])
      expect(help.some((l) => l.startsWith(c))).toBe(true);
    expect(await maglevc(['quit'])).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  // Independent of each other: run side by side.
  it('words maglevc does not know exit 2 and point at the word', async () => {
    const [bogus, ambiguous, incomplete, incomplete2, nope, notNumber, flag] = await Promise.all([
      fails(2, 'bogus'),
      fails(2, 's', 'frontends'),
      fails(2, 'show'),
      fails(2, 'set', 'backend', 'web1'),
      fails(2, 'show', 'vpp', 'lb', 'nope'),
      fails(2, 'watch', 'events', 'num', 'x'),
      fails(2, '--bogus', 'show', 'version'),
    ]);
    expect(bogus).toBe(
      'bogus\n^\nunknown word "bogus"; expected one of: show, sync, set, watch, config, help, quit, exit\n',
    );
    expect(ambiguous).toBe('s frontends\n^\nambiguous word "s": could be show, sync, set\n');
    expect(incomplete).toMatch(/^show\n {4}\^\nincomplete command; expected one of: version, frontends/);
    expect(incomplete2).toMatch(/incomplete command; expected one of: pause, resume, disable, enable\n$/);
    expect(nope).toMatch(/unknown word "nope"; expected one of: state, counters\n$/);
    expect(notNumber).toBe(
      'watch events num x\n                 ^\ninvalid <n> "x": expected a whole number\n',
    );
    expect(flag).toMatch(/^maglevc: unknown flag --bogus/);
  });

  it('names maglevd does not know exit 1 with its NotFound message', async () => {
    expect(
      await Promise.all([
        fails(1, 'show', 'frontend', 'nope'),
        fails(1, 'show', 'backend', 'nope'),
        fails(1, 'show', 'healthcheck', 'nope'),
        fails(1, 'set', 'backend', 'nope', 'pause'),
        fails(1, 'set', 'frontend', 'nope', 'pool', 'p', 'backend', 'b', 'weight', '1'),
        fails(1, 'sync', 'vpp', 'lbstate', 'nope'),
      ]),
    ).toEqual([
      'frontend "nope" not found\n',
      'backend "nope" not found\n',
      'healthcheck "nope" not found\n',
      'backend "nope" not found\n',
      'frontend "nope" not found\n',
      'frontend "nope" not found in config\n',
    ]);
  });

  it('a reader that goes away (| head) ends maglevc quietly', async () => {
    const child = spawn(process.execPath, [binPath('maglevc'), '--server', server, '--color=false', 'help'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Closed before maglevc has loaded: its first write finds no reader.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const exit = await new Promise<[number | null, NodeJS.Signals | null]>((r) =>
      child.on('close', (code, signal) => r([code, signal])),
    );
    expect({ exit, stderr }).toEqual({ exit: [0, null], stderr: '' });
  });

  it('an unreachable maglevd exits 1 and says so; show version needs no server', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const at = `127.0.0.1:${closed}`;
    const refused = {
      code: 1,
      stdout: '',
      stderr: `maglevc: cannot reach maglevd at ${at}: connection refused\n`,
    };
    expect(await maglevc(['show', 'frontends'], at)).toMatchObject(refused);
    expect(await maglevc(['set', 'backend', 'web1', 'pause'], at)).toMatchObject(refused);
    expect(await maglevc(['show', 'version'], at)).toMatchObject({ code: 0, stderr: '' });
  });

  it('a --server that is no address is a usage error (exit 2) naming the flag and the value', async () => {
    const [range, empty, garbage] = await Promise.all([
      maglevc(['show', 'frontends'], '127.0.0.1:99999'),
      maglevc(['show', 'frontends'], ''),
      maglevc(['show', 'frontends'], 'garbage'),
    ]);
    const usage = "\nRun 'maglevc --help' for usage.\n";
    expect(range).toMatchObject({
      code: 2,
      stdout: '',
      stderr: `maglevc: invalid value "127.0.0.1:99999" for flag --server: port 99999 is out of range 1-65535${usage}`,
    });
    expect(empty).toMatchObject({
      code: 2,
      stderr: `maglevc: invalid value "" for flag --server: it is empty (expected HOST:PORT)${usage}`,
    });
    expect(garbage).toMatchObject({
      code: 2,
      stderr: `maglevc: invalid value "garbage" for flag --server: the port is missing (expected HOST:PORT)${usage}`,
    });
  });

  it('into a pipe no escape sequence by default or with NO_COLOR; --color=always forces them', async () => {
    const run = (args: string[], env: Record<string, string | undefined>) =>
      runBin('maglevc', ['--server', server, ...args, 'show', 'backend', 'web1'], {
        env: { NO_COLOR: undefined, MAGLEV_COLOR: undefined, ...env },
        timeoutMs: 60_000,
      });
    const [plain, noColor, forced, forcedEnv] = await Promise.all([
      run([], {}),
      run([], { NO_COLOR: '1' }),
      run(['--color=always'], { NO_COLOR: '1' }),
      run([], { MAGLEV_COLOR: 'always' }),
    ]);
    for (const r of [plain, noColor]) {
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^name +web1\n/);
      expect(r.stdout).not.toContain('\x1b');
    }
    for (const r of [forced, forcedEnv]) {
      expect(r.stdout.startsWith('\x1b[34mname       \x1b[0m  web1\n')).toBe(true);
    }
  });

  it('the vpp commands exit 1 with the reason when VPP, its stats or its connection are missing', async () => {
    // A second maglevd on its own simulator, without the stats segment.
    const ws2 = new Workspace();
    try {
      const sim2 = await startSim(ws2);
      extra.push(sim2);
      ws2.writeConfig(config(port));
      const noStats = await startMaglevd(ws2, ['--vpp-stats-addr=']);
      extra.push(noStats.proc);
      noStats.client.close();
      const at2 = `127.0.0.1:${noStats.grpcPort}`;
      await noStats.proc.waitLog((l) => l.msg === 'vpp-connect');
      const counters = await maglevc(['show', 'vpp', 'lb', 'counters'], at2);
      expect(counters).toMatchObject({ code: 1, stdout: '' });
      expect(counters.stderr).toBe('VPP stats are disabled (--vpp-stats-addr is empty)\n');
      expect((await maglevc(['show', 'vpp', 'info'], at2)).code).toBe(0);

      // VPP goes away: maglevd says so rather than answering from memory.
      const from = noStats.proc.lines.length;
      await sim2.stop();
      await noStats.proc.waitLog((l) => l.msg === 'vpp-disconnect', 30_000, from);
      for (const words of [
        ['show', 'vpp', 'info'],
        ['show', 'vpp', 'lbstate'],
        ['sync', 'vpp', 'lbstate'],
      ]) {
        expect(await maglevc(words, at2)).toMatchObject({
          code: 1,
          stdout: '',
          stderr: 'VPP is not connected\n',
        });
      }
      expect(await noStats.proc.stop()).toEqual({ code: 0, signal: null });

      // And a maglevd without VPP integration at all.
      const noVpp = await startMaglevd(ws2, ['--vpp-api-addr=']);
      extra.push(noVpp.proc);
      noVpp.client.close();
      const at3 = `127.0.0.1:${noVpp.grpcPort}`;
      for (const words of [
        ['show', 'vpp', 'info'],
        ['show', 'vpp', 'lb', 'counters'],
        ['sync', 'vpp', 'lbstate', 'web'],
      ]) {
        expect(await maglevc(words, at3)).toMatchObject({
          code: 1,
          stdout: '',
          stderr: 'VPP integration is disabled (--vpp-api-addr is empty)\n',
        });
      }
      expect(await maglevc(['show', 'frontends'], at3)).toMatchObject({ code: 0, stderr: '' });
      expect(await noVpp.proc.stop()).toEqual({ code: 0, signal: null });
    } finally {
      for (const p of extra.splice(0)) await p.stop('SIGKILL');
      ws2.remove();
    }
  });
});
