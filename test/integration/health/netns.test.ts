import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../lib/config/types.js';
import { HealthChecker, type HealthCheckerOptions } from '../../../lib/health/checker.js';
import { nsenterLauncher } from '../../../lib/health/netns.js';
import type { LogRecord } from '../../../lib/health/types.js';
import { backend, healthcheck, makeConfig } from '../../support/health-config.js';
import { waitFor } from './events.js';
import { closedPort } from './servers.js';

// A private namespace with a veth pair whose both ends live inside it: 10.213.X.0/30 exists
// only there. The backend listens inside the namespace only, on every address it has.
const NS = `mglh-${process.pid}`;
const X = process.pid % 250;
const VETH_A = `mglh${process.pid}a`;
const VETH_B = `mglh${process.pid}b`;
const VETH_ADDR = `10.213.${X}.2`;

let port: number;
let server: ChildProcess;
const open: HealthChecker[] = [];

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

beforeAll(async () => {
  ip('netns', 'add', NS);
  ip('-n', NS, 'link', 'set', 'lo', 'up');
  ip('-n', NS, 'link', 'add', VETH_A, 'type', 'veth', 'peer', 'name', VETH_B);
  ip('-n', NS, 'addr', 'add', `10.213.${X}.1/30`, 'dev', VETH_A);
  ip('-n', NS, 'addr', 'add', `${VETH_ADDR}/30`, 'dev', VETH_B);
  ip('-n', NS, 'link', 'set', VETH_A, 'up');
  ip('-n', NS, 'link', 'set', VETH_B, 'up');
  // A port nothing listens on in this namespace; the backend takes it inside the other one.
  port = await closedPort('127.0.0.1');
  const code = `require('node:net').createServer((s) => s.on('error', () => {}).end())
    .listen(${port}, '0.0.0.0', () => process.stdout.write('ready\\n'));`;
  server = spawn('ip', ['netns', 'exec', NS, process.execPath, '-e', code], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    server.once('exit', (c) => reject(new Error(`backend server in ${NS} exited with ${c}`)));
    server.stdout?.setEncoding('utf8').on('data', (d: string) => {
      if (d.includes('ready')) resolve();
    });
  });
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  if (server && server.exitCode === null) {
    const gone = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await gone;
  }
  ip('netns', 'del', NS);
});

function config(netns: string | null, ...addresses: string[]): Config {
  return makeConfig({
    netns,
    healthchecks: [
      healthcheck({
        name: 'tcp',
        type: 'tcp',
        port,
        interval: 100,
        fastInterval: 50,
        downInterval: 100,
        timeout: 2000,
      }),
    ],
    backends: addresses.map((address, i) => backend({ name: `b${i}`, address, healthcheck: 'tcp' })),
  });
}

function checker(cfg: Config, options: HealthCheckerOptions = {}): { c: HealthChecker; logs: LogRecord[] } {
  const c = new HealthChecker(cfg, options);
  const logs: LogRecord[] = [];
  c.on('log', (r) => logs.push(r));
  open.push(c);
  return { c, logs };
}

describe('healthchecker.netns', () => {
  it('probes from inside the namespace: its loopback and its veth address are up', async () => {
    const { c } = checker(config(NS, '127.0.0.1', VETH_ADDR));
    const ups = Promise.all([
      waitFor(c, 'transition', (t) => t.backend === 'b0'),
      waitFor(c, 'transition', (t) => t.backend === 'b1'),
    ]);
    c.start();
    const [lo, veth] = await ups;
    expect(lo).toMatchObject({ from: 'unknown', to: 'up', code: 'L4OK' });
    expect(veth).toMatchObject({ from: 'unknown', to: 'up', code: 'L4OK' });
  });

  it('without netns the same backend is not reachable', async () => {
    // Only the loopback address is probed here: outside the namespace 10.213.x.x would be routed off the host.
    const { c } = checker(config(null, '127.0.0.1'));
    const t = waitFor(c, 'transition', (e) => e.backend === 'b0');
    c.start();
    expect(await t).toMatchObject({
      from: 'unknown',
      to: 'down',
      code: 'L4CON',
      detail: 'connect ECONNREFUSED',
    });
  });

  it('without CAP_SYS_ADMIN every probe fails with L4CON and the log says why', async () => {
    const { c, logs } = checker(config(NS, '127.0.0.1', VETH_ADDR), {
      // nsenter runs with CAP_SYS_ADMIN removed from its bounding set, so setns() is refused.
      netnsLauncher: (path, argv) => {
        const inner = nsenterLauncher(path, argv);
        return {
          command: 'setpriv',
          args: ['--bounding-set=-sys_admin', '--', inner.command, ...inner.args],
        };
      },
    });
    const downs = Promise.all([
      waitFor(c, 'transition', (t) => t.backend === 'b0'),
      waitFor(c, 'transition', (t) => t.backend === 'b1'),
    ]);
    c.start();
    const detail = `enter netns "${NS}": operation not permitted`;
    for (const t of await downs)
      expect(t).toMatchObject({ from: 'unknown', to: 'down', code: 'L4CON', detail });
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 'error',
        msg: 'probe-netns-error',
        fields: expect.objectContaining({ netns: NS, detail }),
      }),
    );
  });

  it('a namespace that does not exist fails the same way, naming the reason', async () => {
    const { c } = checker(config('mglh-no-such-netns', '127.0.0.1'));
    const t = waitFor(c, 'transition', (e) => e.backend === 'b0');
    c.start();
    expect(await t).toMatchObject({
      to: 'down',
      code: 'L4CON',
      detail: 'enter netns "mglh-no-such-netns": no such file or directory',
    });
  });

  it('restarts a probe worker that dies', async () => {
    const { c, logs } = checker(config(NS, '127.0.0.1'));
    c.start();
    await waitFor(c, 'probe-done', (d) => d.counter === 4);
    const first = logs.find((l) => l.msg === 'probe-worker-start');
    const pid = first?.fields['pid'];
    expect(typeof pid).toBe('number');
    const restarted = waitFor(c, 'log', (l) => l.msg === 'probe-worker-start' && l.fields['pid'] !== pid);
    process.kill(pid as number, 'SIGKILL');
    await restarted;
    expect(logs.some((l) => l.msg === 'probe-worker-exit' && l.level === 'warn')).toBe(true);
    await waitFor(c, 'probe-done', (d) => d.result.ok);
    expect(c.backend('b0').state).toBe('up');
  });
});
