/**
 * The SDK examples in examples/sdk, run as someone who installed the package runs them: `node`
 * on each program, which imports `vpp-maglev` by name (package.json `exports`, so dist/ must be
 * built); vitest, with the examples' own config, on the example suite; tsc on all of them
 * against the built type declarations. Real servers and sockets on loopback throughout.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MaglevClient } from '../../lib/api/client.js';
import type { DemoBackendServer } from '../../lib/demo/backend-server.js';
import { maglevBucketCounts } from '../../lib/sim/maglev.js';
import { ip4FromString } from '../../vpp-api/index.js';
import {
  type LoggedProcess,
  observe,
  startBackends,
  startMaglevd,
  startSim,
  Workspace,
  weightsOf,
} from '../support/e2e-harness.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const sdk = join(repo, 'examples/sdk');

interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A child process whose output is collected line by line while it runs. */
class Child {
  readonly lines: string[] = [];
  readonly errLines: string[] = [];
  readonly exited: Promise<Finished>;
  readonly #child: ChildProcess;

  constructor(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env) {
    this.#child = spawn(command, args, { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = createInterface({ input: this.#child.stdout! });
    const err = createInterface({ input: this.#child.stderr! });
    out.on('line', (l) => this.lines.push(l));
    err.on('line', (l) => this.errLines.push(l));
    const closed = (rl: typeof out) => new Promise((resolve) => rl.once('close', resolve));
    this.exited = Promise.all([
      new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
        this.#child.once('exit', (code, signal) => resolve([code, signal])),
      ),
      closed(out),
      closed(err),
    ]).then(([[code, signal]]) => ({
      code,
      signal,
      stdout: this.lines.join('\n'),
      stderr: this.errLines.join('\n'),
    }));
  }

  /** Waits for a stdout line matching `re`; a child that ended or stayed silent is reported. */
  async waitLine(re: RegExp, timeout = 30_000): Promise<string> {
    let found: string | undefined;
    await vi
      .waitFor(
        () => {
          found = this.lines.find((l) => re.test(l));
          if (!found) throw new Error('not yet');
        },
        { timeout, interval: 20 },
      )
      .catch(() => {
        throw new Error(
          `no line matching ${re} within ${timeout} ms; exit ${this.#child.exitCode ?? this.#child.signalCode ?? 'none yet'}\n` +
            `stdout:\n${this.lines.join('\n')}\nstderr:\n${this.errLines.join('\n')}`,
        );
      });
    return found as string;
  }

  kill(signal: NodeJS.Signals): void {
    this.#child.kill(signal);
  }

  /**
   * Resolves when the child ends on its own; killed (and rejected) after `timeout`, which is
   * below the test's own 60 s so that the report says what the child printed.
   */
  async finished(timeout = 50_000): Promise<Finished> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.#child.kill('SIGKILL');
        reject(
          new Error(`still running after ${timeout} ms: something was left open\n${this.lines.join('\n')}`),
        );
      }, timeout);
    });
    try {
      return await Promise.race([this.exited, expired]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Runs one example program with `node`, as its usage line says. */
function example(file: string, args: readonly string[] = []): Child {
  return new Child(process.execPath, [join(sdk, file), ...args]);
}

beforeAll(() => {
  for (const f of ['dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/vpp-api/index.js']) {
    if (!existsSync(join(repo, f))) {
      throw new Error(`${f} is missing: the examples import the built package; run 'npm run build' first`);
    }
  }
});

describe('every example program', () => {
  it.each([
    ['program-vpp.mjs', [], /usage: program-vpp\.mjs <vpp-api-socket>/],
    ['watch-events.mjs', [], /usage: watch-events\.mjs <maglevd-host:port>/],
    ['watch-events.mjs', ['127.0.0.1:9090', '0'], /max-events \(>= 1\)/],
    ['health-checker.mjs', ['none'], /usage: health-checker\.mjs \[transitions/],
  ])('%s %j: a usage error exits 2', async (file, args, usage) => {
    const r = await example(file, args).finished();
    expect(r.stderr).toMatch(usage);
    expect(r.code).toBe(2);
  });

  it('type-checks against the built declarations (tsc, strict, checkJs)', async () => {
    const tsc = join(repo, 'node_modules/typescript/bin/tsc');
    const r = await new Child(process.execPath, [tsc, '-p', join(sdk, 'tsconfig.json')]).finished(110_000);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  }, 120_000);
});

describe('health-checker.mjs: HealthChecker embedded in a program', () => {
  const transition = /^\S+Z (web|db) (127\.0\.0\.[23]) (\w+) -> (\w+) \((\w+)/;

  it('prints both services coming up, then the stopped one going down, and ends on its own with 0', async () => {
    const r = await example('health-checker.mjs', ['3', '40']).finished();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    const moves = lines.flatMap((l) => {
      const m = transition.exec(l);
      return m ? [`${m[1]} ${m[2]} ${m[3]}->${m[4]} ${m[5]}`] : [];
    });
    expect(moves.slice(0, 2).sort()).toEqual([
      'db 127.0.0.3 unknown->up L4OK',
      'web 127.0.0.2 unknown->up L7OK',
    ]);
    expect(moves[2]).toBe('db 127.0.0.3 up->down L4CON');
    // The TCP service is stopped only once both are up, and the summary comes last.
    expect(lines.indexOf('stopping the tcp service on 127.0.0.3')).toBe(2);
    expect(lines.slice(-2)).toEqual(['final web 127.0.0.2 up', 'final db 127.0.0.3 down']);
  });

  it('stops as cleanly when the timeout comes first, and says so with exit 1', async () => {
    const started = performance.now();
    const r = await example('health-checker.mjs', ['50', '1']).finished();
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^timed out after 1s with \d of 50 transitions$/);
    expect(r.stdout).toMatch(/^final web 127\.0\.0\.2 \w+\nfinal db 127\.0\.0\.3 \w+$/m);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
  });
});

describe('program-vpp.mjs: VppLbClient against vpp-lb-sim', () => {
  const ws = new Workspace();
  let sim: LoggedProcess;
  const VIP = '198.51.100.1/32';
  const printed = [
    'conf ip4-src 192.0.2.1 ip6-src 2001:db8::1 sticky-buckets-per-core 1024 flow-timeout 40s',
    'vip 198.51.100.1/32 protocol 6 port 80 encap gre4 flow-table 1024',
    '  as 192.0.2.10 weight 100 buckets 674 active',
    '  as 192.0.2.11 weight 50 buckets 350 active',
  ].join('\n');

  beforeAll(async () => {
    sim = await startSim(ws);
  });

  afterAll(async () => {
    await sim?.stop();
    ws.remove();
  });

  /**
   * The lb operations the simulator logged from line `from` on, by message name, once the two
   * weight settings (which follow every add) are among them: its log reaches us on a pipe of its
   * own, possibly after the example has ended.
   */
  async function operations(from: number): Promise<string[]> {
    const names = () =>
      sim.lines
        .slice(from)
        .filter((l) => l.msg === 'sim-operation' && String(l.name).startsWith('lb_'))
        .map((l) => String(l.name));
    await vi.waitFor(
      () => {
        if (names().filter((n) => n === 'lb_as_set_weight').length < 2) throw new Error('not yet');
      },
      { timeout: 10_000, interval: 20 },
    );
    return names();
  }

  it('sets the conf, adds the VIP and its ASes, sets the weights and prints what VPP reports', async () => {
    const from = sim.lines.length;
    const r = await example('program-vpp.mjs', [ws.apiSock]).finished();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(printed);
    expect(await operations(from)).toEqual(
      expect.arrayContaining(['lb_conf', 'lb_add_del_vip_v2', 'lb_add_del_as_v2', 'lb_as_set_weight']),
    );

    // What an operator sees in VPP afterwards, on a connection of their own.
    const obs = await observe(ws);
    try {
      const state = await obs.lb.getState();
      expect(state.conf).toMatchObject({
        ip4SrcAddress: '192.0.2.1',
        stickyBucketsPerCore: 1024,
        flowTimeout: 40,
      });
      expect(weightsOf(state, VIP)).toEqual({ '192.0.2.10': 100, '192.0.2.11': 50 });
      const ases = state.vips.find((v) => v.prefix === VIP)?.ases ?? [];
      const ip46 = (a: string) => Uint8Array.of(...new Uint8Array(12), ...ip4FromString(a));
      const expected = maglevBucketCounts(
        ases.map((a) => ({ address: ip46(a.address), weight: a.weight })),
        1024,
      );
      expect(ases.map((a) => a.numBuckets)).toEqual(expected);
    } finally {
      await obs.conn.close();
    }
  });

  it('run again, finds the VIP and ASes in place: adds nothing, sets the weights, prints the same', async () => {
    const from = sim.lines.length;
    const r = await example('program-vpp.mjs', [ws.apiSock]).finished();
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(printed);
    const ops = await operations(from);
    expect(ops.filter((n) => n.startsWith('lb_add_del'))).toEqual([]);
    expect(ops.filter((n) => n === 'lb_as_set_weight')).toHaveLength(2);
  });

  it('a socket nobody serves is an error naming it, exit 1', async () => {
    const path = join(ws.dir, 'nobody.sock');
    const r = await example('program-vpp.mjs', [path]).finished();
    expect(r.stderr).toContain(`error: cannot connect to VPP at ${path}`);
    expect(r.code).toBe(1);
  });
});

describe('simulator.test.ts: VppLbSimulator in a vitest suite of your own', () => {
  it('passes when run by vitest with the examples’ own config', async () => {
    // The child vitest must not take this run's worker settings for its own.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')));
    const vitest = join(repo, 'node_modules/vitest/vitest.mjs');
    const r = await new Child(
      process.execPath,
      [vitest, 'run', '--root', sdk, '--no-cache', '--reporter=json'],
      env,
    ).finished(110_000);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as {
      numTotalTests: number;
      numPassedTests: number;
      testResults: Array<{ name: string }>;
    };
    expect(report.testResults.map((f) => f.name)).toEqual([join(sdk, 'simulator.test.ts')]);
    expect(report.numTotalTests).toBeGreaterThanOrEqual(3);
    expect(report.numPassedTests).toBe(report.numTotalTests);
  }, 120_000);
});

describe('watch-events.mjs: MaglevClient watching maglevd', () => {
  const ws = new Workspace();
  let backends: Map<string, DemoBackendServer>;
  let sim: LoggedProcess;
  let maglevd: LoggedProcess;
  let client: MaglevClient;
  let address: string;

  beforeAll(async () => {
    const b = await startBackends(['web1', 'web2']);
    backends = b.backends;
    ws.writeConfig(`
maglev:
  healthchecks:
    http:
      type: http
      port: ${b.port}
      interval: 1s
      fast-interval: 200ms
      timeout: 900ms
      rise: 2
      fall: 2
      params: { path: /healthz }
  backends:
    web1: { address: 127.0.0.2, healthcheck: http }
    web2: { address: 127.0.0.3, healthcheck: http }
  frontends:
    web:
      address: 198.51.100.1
      protocol: tcp
      port: 80
      pools:
        - name: main
          backends: { web1: {}, web2: {} }
  vpp:
    lb:
      ipv4-src-address: 192.0.2.254
`);
    sim = await startSim(ws);
    const d = await startMaglevd(ws);
    maglevd = d.proc;
    client = d.client;
    address = `127.0.0.1:${d.grpcPort}`;
    // Both up before anything watches: the transition the test provokes is then up -> down.
    await vi.waitFor(
      async () => {
        for (const name of ['web1', 'web2']) {
          const { state } = await client.getBackend(name);
          if (state !== 'up') throw new Error(`${name} is ${state}`);
        }
      },
      { timeout: 30_000, interval: 100 },
    );
  });

  afterAll(async () => {
    client?.close();
    await maglevd?.stop();
    await sim?.stop();
    for (const s of backends?.values() ?? []) await s.stop();
    ws.remove();
  });

  it('prints a backend going down as it happens, and ends with 0 on SIGTERM', async () => {
    const watch = example('watch-events.mjs', [address]);
    try {
      // The stream opens with each frontend's current state: from here on nothing is missed.
      await watch.waitLine(/^\S+Z frontend web is up$/);
      await backends.get('web1')?.stop();
      await watch.waitLine(/^\S+Z backend web1 127\.0\.0\.2 frontend web: up -> down \(L4CON /);
    } finally {
      watch.kill('SIGTERM');
    }
    const r = await watch.finished();
    expect(r.stderr).toBe('');
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
  });

  it('stops by itself after max-events events', async () => {
    const r = await example('watch-events.mjs', [address, '1']).finished();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\S+Z frontend web is \w+$/);
  });

  it('ends with 0 when maglevd ends the stream on its way down', async () => {
    const watch = example('watch-events.mjs', [address]);
    await watch.waitLine(/^\S+Z frontend web is \w+$/);
    await maglevd.stop();
    const r = await watch.finished();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').at(-1)).toBe('maglevd ended the stream');
  });

  it('an address nobody answers on is an error naming it, exit 1', async () => {
    const r = await example('watch-events.mjs', ['127.0.0.1:1']).finished();
    expect(r.stderr).toBe('error: cannot reach maglevd at 127.0.0.1:1: connection refused');
    expect(r.code).toBe(1);
  });
});
