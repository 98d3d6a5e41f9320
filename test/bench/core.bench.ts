/**
 * The control-plane core with 10,000 backends in ONE frontend.
 *
 * 1. Transition cost, in process: `ControlPlane.healthTransition` + `planFastPath` against a
 *    converged cache, next to the path maglevd took before the core (`planFrontend` for the
 *    frontend's state and `planTransition`, both re-planning the whole frontend), for a
 *    transition without failover (one pool of 10,000) and for failover and failback (two pools
 *    of 5,000).
 * 2. Come-up, end to end: the built vpp-lb-sim and the built maglevd each in their own process,
 *    the 10,000 backends answered by one listener process (10,000 loopback addresses, one port).
 *    From maglevd's spawn and its `starting` line to every backend `up` (its log), every AS at
 *    weight 100 (its log of what VPP accepted), and that confirmed by a dump of the simulator
 *    (VppLbClient.getState) and by gRPC ListBackends; maglevd's CPU over it from /proc.
 * 3. One transition, end to end, in the same 10,000-backend frontend: a backend's listener is
 *    closed; the time until maglevd logs the transition and until VPP accepted weight 0.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MaglevClient } from '../../lib/api/client.js';
import { ConfigLoader } from '../../lib/config/loader.js';
import type { Config } from '../../lib/config/types.js';
import { ControlPlane } from '../../lib/daemon/control-plane.js';
import { emptyOperatorState } from '../../lib/daemon/operator-state.js';
import type { BackendState } from '../../lib/health/types.js';
import { plan, planFrontend } from '../../lib/plan/plan.js';
import { applyOpsToCache, type LbCache, lbCacheFromState } from '../../lib/reconcile/cache.js';
import { diffLbState } from '../../lib/reconcile/diff.js';
import { applyOps, type LbOp } from '../../lib/reconcile/ops.js';
import { indexFrontendsByBackend, planFastPath, planTransition } from '../../lib/reconcile/transition.js';
import { VppLbClient } from '../../lib/vpp/lb-client.js';
import type { LbState } from '../../lib/vpp/types.js';
import { VppConnection } from '../../vpp-api/index.js';
import { spawnSimulator } from './simulator.js';

const N = 10_000;
// `runs=N` and `trials=N` arguments change these (run directly, see the end of the file).
const arg = (k: string, d: number) =>
  Number(process.argv.find((a) => a.startsWith(`${k}=`))?.slice(k.length + 1) ?? d);
const COME_UP_RUNS = arg('runs', 5);
const E2E_TRIALS = arg('trials', 20);
const VIP = '198.51.100.1';
const HC = {
  interval: 1000,
  fastInterval: 1000,
  downInterval: 1000,
  timeout: 500,
  rise: 2,
  fall: 2,
};

const bin = (name: string) => fileURLToPath(new URL(`../../dist/bin/${name}.js`, import.meta.url));
const out = (s: string) => process.stdout.write(s);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The i-th backend's address: one per backend in 127.10.0.0/16 (never .0.0). */
function address(i: number): string {
  const n = i + 1;
  return `127.10.${(n >> 8) & 255}.${n & 255}`;
}

/** One frontend whose pools hold `sizes[p]` backends each, b0… in order. */
function configYaml(sizes: readonly number[], port: number): string {
  const total = sizes.reduce((a, b) => a + b, 0);
  const lines = [
    'maglev:',
    '  healthchecks:',
    `    tcp: { type: tcp, port: ${port}, interval: ${HC.interval}ms, fast-interval: ${HC.fastInterval}ms, ` +
      `down-interval: ${HC.downInterval}ms, timeout: ${HC.timeout}ms, rise: ${HC.rise}, fall: ${HC.fall} }`,
    '  backends:',
  ];
  for (let b = 0; b < total; b++) lines.push(`    b${b}: { address: ${address(b)}, healthcheck: tcp }`);
  lines.push('  frontends:', '    fe:', `      address: ${VIP}`, '      port: 80', '      pools:');
  let b = 0;
  sizes.forEach((size, p) => {
    lines.push(`        - name: pool${p}`, '          backends:');
    for (let j = 0; j < size; j++, b++) lines.push(`            b${b}: { weight: 100 }`);
  });
  lines.push(
    '  vpp:',
    '    lb:',
    '      ipv4-src-address: 192.0.2.254',
    // No warmup, so VPP is synced at connect; the default sync-interval (30s) repairs what the
    // connect sync could not do, as it would for an operator.
    '      startup-min-delay: 0s',
    '      startup-max-delay: 0s',
  );
  return `${lines.join('\n')}\n`;
}

function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
}
const median = (v: readonly number[]) => quantile(v, 0.5);
const us = (ms: number) =>
  ms >= 10
    ? `${ms.toFixed(1)} ms`
    : `${(ms * 1000).toLocaleString('en-US', { maximumFractionDigits: 0 })} µs`;

// ---------------------------------------------------------------------------------------------
// 1. Transition cost in process

const EMPTY: LbState = {
  conf: { ip4SrcAddress: '0.0.0.0', ip6SrcAddress: '::', stickyBucketsPerCore: 1024, flowTimeout: 40 },
  vips: [],
};

/** The cache as a full sync leaves it for these states. */
function convergedCache(config: Config, states: ReadonlyMap<string, BackendState>): LbCache {
  const p = plan(config, states);
  return lbCacheFromState(applyOps(EMPTY, diffLbState(p, EMPTY, { scope: 'all' })));
}

const showOps = (ops: readonly LbOp[]) => JSON.stringify(ops);

interface Scenario {
  readonly label: string;
  readonly sizes: readonly number[];
  /** Every backend's state before the first transition. */
  readonly initial: (backend: number) => BackendState;
  readonly backend: number;
  /** The transitioned backend alternates between these two states (first: initial → [0]). */
  readonly states: readonly [BackendState, BackendState];
  /** Timed transitions of the old path; of the core. */
  readonly iterations: number;
  readonly coreIterations: number;
}

interface MicroRow {
  label: string;
  ops: [number, number];
  core: [number[], number[]];
  oldFast: [number[], number[]];
  oldTotal: [number[], number[]];
}

/**
 * Times the core's path and then the old one, each in its own pass (interleaved, the old path's
 * garbage would be charged to the core) and against its own converged cache, advanced by the
 * ops as the reconciler does. Both passes make the same transitions from the same start, so
 * they must plan the same ops: checked. Times are split by direction (index 0: to states[0]).
 */
function microScenario(s: Scenario): MicroRow {
  const config = new ConfigLoader().parse(configYaml(s.sizes, 80), { filename: 'core-bench.yaml' });
  const fe = config.frontends.get('fe');
  if (!fe) throw new Error('core bench config has no frontend fe');
  const name = `b${s.backend}`;
  const addr = address(s.backend);
  const initial = new Map<string, BackendState>();
  for (let b = 0; b < s.sizes.reduce((a, c) => a + c, 0); b++) initial.set(`b${b}`, s.initial(b));
  const row: MicroRow = {
    label: s.label,
    ops: [0, 0],
    core: [[], []],
    oldFast: [[], []],
    oldTotal: [[], []],
  };
  const warmup = 20;
  const first: Array<[string, string]> = [];

  const core = new ControlPlane(config, initial, emptyOperatorState);
  const coreCache = convergedCache(config, initial);
  let from = initial.get(name) as BackendState;
  for (let i = 0; i < s.coreIterations + warmup; i++) {
    const dir = (i % 2) as 0 | 1;
    const to = s.states[dir] as BackendState;
    const t0 = performance.now();
    const change = core.healthTransition({
      backend: name,
      address: addr,
      from,
      to,
      at: i,
      code: to === 'up' ? 'L4OK' : 'L4CON',
      detail: '',
    });
    const fast = planFastPath((f) => core.model(f), change.vips, coreCache);
    const t1 = performance.now();
    applyOpsToCache(coreCache, fast.ops);
    if (fast.needsSync.length > 0) throw new Error(`${s.label}: the core asks for a full sync`);
    if (i < 4) first.push([showOps(fast.ops), '']);
    if (i >= warmup) {
      row.ops[dir] = fast.ops.length;
      row.core[dir].push(t1 - t0);
    }
    from = to;
  }

  const states = new Map(initial);
  const cache = convergedCache(config, initial);
  const index = indexFrontendsByBackend(config);
  const overrides = new Map<string, number>();
  for (let i = 0; i < s.iterations + warmup; i++) {
    const dir = (i % 2) as 0 | 1;
    states.set(name, s.states[dir] as BackendState);
    const t0 = performance.now();
    planFrontend(config, fe, states, overrides);
    const t1 = performance.now();
    const old = planTransition({ config, index, states, overrides, cache }, [name]);
    const t2 = performance.now();
    applyOpsToCache(cache, old.ops);
    if (old.needsSync.length > 0) throw new Error(`${s.label}: the old path asks for a full sync`);
    if (i < 4) (first[i] as [string, string])[1] = showOps(old.ops);
    if (i >= warmup) {
      if (old.ops.length !== row.ops[dir]) {
        throw new Error(`${s.label}: the core planned ${row.ops[dir]} ops, the old path ${old.ops.length}`);
      }
      row.oldFast[dir].push(t2 - t1);
      row.oldTotal[dir].push(t2 - t0);
    }
  }
  if (first.some(([a, b]) => a !== b))
    throw new Error(`${s.label}: the core and the old path planned different ops`);
  return row;
}

function micro(): void {
  const rows = [
    microScenario({
      label: 'no failover (1 pool of 10,000)',
      sizes: [N],
      initial: () => 'up',
      backend: 4321,
      states: ['down', 'up'],
      iterations: 400,
      coreIterations: 20_000,
    }),
    microScenario({
      label: 'failover (2 pools of 5,000)',
      sizes: [N / 2, N / 2],
      // The primary pool's last backend up is b0; every fallback backend is up.
      initial: (b) => (b === 0 || b >= N / 2 ? 'up' : 'down'),
      backend: 0,
      states: ['down', 'up'],
      iterations: 200,
      coreIterations: 200,
    }),
  ];
  out('### One transition in a 10,000-backend frontend, in process (median; p90)\n\n');
  out(
    'The core: `ControlPlane.healthTransition` + `planFastPath` against a converged cache. ' +
      'Before: `planFrontend` (the frontend state) + `planTransition` (the fast path), each re-planning ' +
      'the whole frontend, as maglevd did per transition before the core.\n\n',
  );
  out(
    '| transition | set-weight ops | core | `planTransition` alone | before (`planFrontend` + `planTransition`) | before / core |\n' +
      '| --- | ---: | ---: | ---: | ---: | ---: |\n',
  );
  const names: Record<string, [string, string]> = {
    'no failover (1 pool of 10,000)': ['down, no failover (1 pool of 10,000)', 'up, no failover'],
    'failover (2 pools of 5,000)': [
      'last primary down: failover (2 pools of 5,000)',
      'primary back: failback',
    ],
  };
  for (const r of rows) {
    for (const dir of [0, 1] as const) {
      const label = (names[r.label] as [string, string])[dir];
      const c = r.core[dir];
      const f = r.oldFast[dir];
      const t = r.oldTotal[dir];
      out(
        `| ${label} | ${r.ops[dir].toLocaleString('en-US')} | ${us(median(c))}; ${us(quantile(c, 0.9))} | ` +
          `${us(median(f))}; ${us(quantile(f, 0.9))} | ${us(median(t))}; ${us(quantile(t, 0.9))} | ` +
          `${(median(t) / median(c)).toFixed(median(t) / median(c) >= 10 ? 0 : 1)}× |\n`,
      );
    }
  }
  out('\n');
}

// ---------------------------------------------------------------------------------------------
// 2 and 3. End to end

/**
 * The listener process: one TCP listener per backend address, all on one port, accepting and
 * closing at once. Commands on stdin, `close I` / `open I`, answered `closed I` / `opened I`.
 */
const LISTENER = `
const net = require('node:net');
const readline = require('node:readline');
const address = ${address.toString()};
const n = Number(process.argv[1]);
const servers = new Array(n);
let port = 0;
const onConn = (s) => { s.on('error', () => {}); s.destroy(); };
function open(i, done) {
  const srv = net.createServer(onConn);
  srv.on('error', (e) => { process.stderr.write(address(i) + ': ' + e.message + '\\n'); process.exit(1); });
  srv.listen({ port, host: address(i), backlog: 511 }, () => { port = srv.address().port; servers[i] = srv; done(); });
}
let i = 0;
(function next() {
  if (i === n) {
    process.stdout.write('ready ' + port + '\\n');
    readline.createInterface({ input: process.stdin }).on('line', (line) => {
      const [cmd, arg] = line.split(' ');
      const k = Number(arg);
      if (cmd === 'close') servers[k].close(() => process.stdout.write('closed ' + k + '\\n'));
      else if (cmd === 'open') open(k, () => process.stdout.write('opened ' + k + '\\n'));
    });
    return;
  }
  open(i++, next);
})();
`;

class Listeners {
  readonly #child: ChildProcess;
  readonly #waiters = new Map<string, () => void>();
  port = 0;

  constructor(n: number) {
    this.#child = spawn(process.execPath, ['-e', LISTENER, String(n)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    createInterface({ input: this.#child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const [word, arg] = line.split(' ');
      if (word === 'ready') this.port = Number(arg);
      this.#waiters.get(word === 'ready' ? 'ready' : line)?.();
    });
  }

  get pid(): number {
    return this.#child.pid as number;
  }

  #wait(key: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`listener process exited with ${code}`));
      this.#child.once('exit', onExit);
      this.#waiters.set(key, () => {
        this.#waiters.delete(key);
        this.#child.off('exit', onExit);
        resolve();
      });
    });
  }

  ready(): Promise<void> {
    return this.port !== 0 ? Promise.resolve() : this.#wait('ready');
  }

  close(i: number): Promise<void> {
    const p = this.#wait(`closed ${i}`);
    this.#child.stdin?.write(`close ${i}\n`);
    return p;
  }

  open(i: number): Promise<void> {
    const p = this.#wait(`opened ${i}`);
    this.#child.stdin?.write(`open ${i}\n`);
    return p;
  }

  kill(signal: 'SIGKILL'): void {
    this.#child.kill(signal);
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise((r) => this.#child.once('exit', r));
    this.#child.kill('SIGTERM');
    await exited;
  }
}

/** Killed when this process exits, however it exits: none may outlive a failed run. */
const children = new Set<{ kill(signal: 'SIGKILL'): unknown }>();
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

interface LogRecord {
  readonly time: string;
  readonly msg: string;
  readonly [k: string]: unknown;
}

/** A child process with its stdout read as JSON lines. */
function spawnLogged(args: string[], onRecord: (r: LogRecord) => void): ChildProcess {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    onRecord(JSON.parse(line) as LogRecord);
  });
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 180_000, pollMs = 20): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !cond(); await sleep(pollMs)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}

/** The simulator's view of the VIP: active AS address → weight. */
async function vipAses(lb: VppLbClient): Promise<Map<string, number>> {
  const state = await lb.getState();
  const ases = new Map<string, number>();
  for (const v of state.vips) {
    if (v.prefix !== `${VIP}/32`) continue;
    for (const a of v.ases) if (a.flags === 1) ases.set(a.address, a.weight);
  }
  return ases;
}

interface ComeUp {
  /** Milliseconds from spawn to the `starting` line. */
  toStarting: number;
  /** Milliseconds from `starting`. */
  firstUp: number;
  allUp: number;
  allWeighted: number;
  /** maglevd connected to VPP. */
  vppConnect: number;
  /** The full sync at VPP connect (10,000 AS adds) done. */
  connectSync: number;
  /** VPP calls maglevd gave up on (no reply within its timeout) until confirmed. */
  vppErrors: number;
  confirmed: number;
  /** vpp-lb-sim's CPU seconds from `starting` to confirmed. */
  simCpu: number;
  /** AS adds and set-weights VPP accepted, to confirmed. */
  adds: number;
  weightOps: number;
  /** maglevd's CPU seconds from spawn, and from `starting`, to confirmed. */
  cpu: number;
  cpuFromStarting: number;
  /** Wall milliseconds from spawn to confirmed. */
  wallFromSpawn: number;
}

interface Daemon {
  child: ChildProcess;
  /** backend-transition records arrive here too. */
  onRecord: Set<(r: LogRecord) => void>;
  lb: VppLbClient;
  conn: VppConnection;
  sim: ChildProcess;
  grpcPort: number;
}

/** One come-up: fresh simulator and maglevd; returns them running for the transition trials. */
async function comeUp(dir: string, configPath: string): Promise<{ result: ComeUp; daemon: Daemon }> {
  const socketPath = join(dir, 'api.sock');
  rmSync(socketPath, { force: true });
  const sim = await spawnSimulator(socketPath);
  children.add(sim);
  const conn = new VppConnection({ socketPath, requestTimeoutMs: 120_000 });
  await conn.connect();
  const lb = new VppLbClient(() => conn, { timeoutMs: 120_000 });

  const state = new Map<string, string>();
  let up = 0;
  const weights = new Map<string, number>();
  let weighted = 0;
  let starting = 0;
  let startingCpu = 0;
  let startingSimCpu = 0;
  let connectSync = 0;
  let vppErrors = 0;
  let vppConnect = 0;
  let adds = 0;
  let weightOps = 0;
  let firstUp = 0;
  let allUp = 0;
  let allWeighted = 0;
  let grpcPort = 0;
  const onRecord = new Set<(r: LogRecord) => void>();
  const spawnedAt = Date.now();
  const child = spawnLogged(
    [
      bin('maglevd'),
      '--config',
      configPath,
      '--grpc-addr',
      '127.0.0.1:0',
      '--metrics-addr',
      '',
      '--vpp-api-addr',
      socketPath,
      '--vpp-stats-addr',
      '',
      '--state-file',
      '',
      '--log-level',
      'info',
    ],
    (r) => {
      const t = Date.parse(r.time);
      switch (r.msg) {
        case 'starting':
          starting = t;
          startingCpu = cpuSeconds(child.pid as number);
          startingSimCpu = cpuSeconds(sim.pid as number);
          break;
        case 'vpp-connect':
          if (vppConnect === 0) vppConnect = t;
          break;
        case 'vpp-lbsync-done':
          if (r.scope === 'all' && connectSync === 0) connectSync = t;
          break;
        case 'vpp-lbsync-error':
          vppErrors++;
          break;
        case 'grpc-listen':
          grpcPort = r.port as number;
          break;
        case 'backend-transition': {
          const was = state.get(r.backend as string);
          state.set(r.backend as string, r.to as string);
          if (was === 'up') up--;
          if (r.to === 'up') {
            up++;
            if (firstUp === 0) firstUp = t;
            if (up === N && allUp === 0) allUp = t;
          }
          break;
        }
        case 'vpp-lbsync-as-add':
        case 'vpp-lbsync-as-weight': {
          if (r.prefix !== `${VIP}/32`) break;
          if (r.msg === 'vpp-lbsync-as-add') adds++;
          else weightOps++;
          const a = r.address as string;
          if (weights.get(a) === 100) weighted--;
          weights.set(a, r.weight as number);
          if (r.weight === 100) weighted++;
          if (weighted === N && allWeighted === 0) allWeighted = t;
          break;
        }
      }
      for (const f of onRecord) f(r);
    },
  );
  children.add(child);

  // The dump is the simulator's own word for it: maglevd's log misses calls it gave up on (no
  // reply within its timeout) that the simulator still carried out. Dumping costs the simulator
  // CPU, so polling starts only once the connect sync is over.
  await waitFor('the full sync at VPP connect', () => connectSync !== 0);
  let seen = { ases: 0, weighted: 0 };
  for (const deadline = Date.now() + 180_000; ; await sleep(100)) {
    const ases = await vipAses(lb);
    seen = { ases: ases.size, weighted: [...ases.values()].filter((w) => w === 100).length };
    if (seen.ases === N && seen.weighted === N) break;
    if (Date.now() > deadline) {
      throw new Error(
        `VPP's table incomplete after 180 s: ${seen.ases} ASes, ${seen.weighted} at weight 100; ${up} of ${N} backends up`,
      );
    }
  }
  const confirmedAt = Date.now();
  const cpu = cpuSeconds(child.pid as number);
  const simCpu = cpuSeconds(sim.pid as number) - startingSimCpu;
  // maglevd logs a batch's calls once all of them are answered, so the dump may be first.
  await waitFor('maglevd to log every AS at weight 100', () => allWeighted !== 0, 30_000).catch(() => {});
  const grpc = new MaglevClient(`127.0.0.1:${grpcPort}`);
  const backends = await grpc.listBackends();
  grpc.close();
  const nUp = backends.backends.filter((b) => b.state === 'up').length;
  if (nUp !== N) throw new Error(`ListBackends: ${nUp} of ${N} backends up`);
  return {
    result: {
      toStarting: starting - spawnedAt,
      firstUp: firstUp - starting,
      allUp: allUp - starting,
      allWeighted: allWeighted === 0 ? Number.NaN : allWeighted - starting,
      vppConnect: vppConnect - starting,
      connectSync: connectSync - starting,
      vppErrors,
      confirmed: confirmedAt - starting,
      simCpu,
      adds,
      weightOps,
      cpu,
      cpuFromStarting: cpu - startingCpu,
      wallFromSpawn: confirmedAt - spawnedAt,
    },
    daemon: { child, onRecord, lb, conn, sim, grpcPort },
  };
}

async function stopDaemon(d: Daemon): Promise<void> {
  await stopChild(d.child);
  await d.conn.close();
  await stopChild(d.sim);
}

interface Trial {
  /** Milliseconds: listener closed → `backend-transition` to down in maglevd's log. */
  detect: number;
  /** Milliseconds: that log line → VPP accepted weight 0 (maglevd's `vpp-lbsync-as-weight`). */
  apply: number;
  /** Milliseconds: listener closed → weight 0 accepted. */
  total: number;
}

/** Closes one backend's listener; reopens it and waits until it is back at weight 100. */
async function transitionTrial(d: Daemon, listeners: Listeners, b: number): Promise<Trial> {
  const name = `b${b}`;
  const addr = address(b);
  let down = 0;
  let zero = 0;
  let back = 0;
  const watch = (r: LogRecord) => {
    const t = Date.parse(r.time);
    if (r.msg === 'backend-transition' && r.backend === name && r.to === 'down' && down === 0) down = t;
    if (r.msg === 'vpp-lbsync-as-weight' && r.address === addr) {
      if (r.weight === 0 && zero === 0) zero = t;
      if (r.weight === 100 && zero !== 0) back = t;
    }
  };
  d.onRecord.add(watch);
  const closedAt = Date.now();
  await listeners.close(b);
  await waitFor(`${name} at weight 0`, () => down !== 0 && zero !== 0, 60_000, 5);
  const ases = await vipAses(d.lb);
  if (ases.get(addr) !== 0) throw new Error(`${addr}: the simulator has weight ${ases.get(addr)}, not 0`);
  await listeners.open(b);
  await waitFor(`${name} back at weight 100`, () => back !== 0, 60_000, 20);
  d.onRecord.delete(watch);
  return { detect: down - closedAt, apply: zero - down, total: zero - closedAt };
}

async function endToEnd(): Promise<void> {
  const dir = mkdtempSync(join('/tmp', 'maglev-bench-core-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const listeners = new Listeners(N);
  children.add(listeners);
  await listeners.ready();
  const configPath = join(dir, 'maglev.yaml');
  writeFileSync(configPath, configYaml([N], listeners.port));

  const runs: ComeUp[] = [];
  let last: Daemon | null = null;
  for (let r = 0; r < COME_UP_RUNS; r++) {
    const { result, daemon } = await comeUp(dir, configPath);
    runs.push(result);
    if (r < COME_UP_RUNS - 1) await stopDaemon(daemon);
    else last = daemon;
    // Let the previous daemon's sockets and the machine settle.
    await sleep(2000);
  }
  const d = last as Daemon;

  // Steady state: maglevd probing 10,000 backends every second, nothing changing.
  const c0 = cpuSeconds(d.child.pid as number);
  const l0 = cpuSeconds(listeners.pid);
  const t0 = performance.now();
  await sleep(10_000);
  const wall = (performance.now() - t0) / 1000;
  const steady = (cpuSeconds(d.child.pid as number) - c0) / wall;
  const steadyListener = (cpuSeconds(listeners.pid) - l0) / wall;

  const trials: Trial[] = [];
  for (let t = 0; t < E2E_TRIALS; t++) trials.push(await transitionTrial(d, listeners, (t * 7919 + 17) % N));
  await stopDaemon(d);
  await listeners.stop();
  rmSync(dir, { recursive: true, force: true });

  const f = (ms: number) => (Number.isNaN(ms) ? '—' : `${(ms / 1000).toFixed(2)} s`);
  // NaN: not seen in that run; the median is over the runs that saw it.
  const col = (pick: (c: ComeUp) => number, fmt: (x: number) => string = f) => {
    const seen = runs.map(pick).filter((x) => !Number.isNaN(x));
    const m = seen.length === 0 ? Number.NaN : median(seen);
    return `${fmt(m)} (${runs.map((c) => fmt(pick(c))).join(', ')})`;
  };
  out(
    `### Come-up of 10,000 backends in one frontend, end to end (median of ${COME_UP_RUNS} runs; each run)\n\n`,
  );
  out(
    `TCP checks: interval ${HC.interval / 1000}s, fast-interval ${HC.fastInterval / 1000}s, rise ${HC.rise}, fall ${HC.fall}; ` +
      'no warmup (startup delays 0s); vpp-lb-sim and maglevd built, each in its own process; the ' +
      "10,000 backends answered by one listener process on 127.10.0.0/16. Times from maglevd's `starting` line.\n\n",
  );
  out('| measure | value |\n| --- | ---: |\n');
  out(`| spawn → \`starting\` | ${col((c) => c.toStarting)} |\n`);
  out(`| first backend up | ${col((c) => c.firstUp)} |\n`);
  out(`| every backend up (log) | ${col((c) => c.allUp)} |\n`);
  out(`| maglevd connected to VPP | ${col((c) => c.vppConnect)} |\n`);
  out(`| full sync at VPP connect done (10,000 AS adds) | ${col((c) => c.connectSync)} |\n`);
  out(
    `| VPP calls maglevd gave up on (no reply within 10 s; VPP still did them) | ${col(
      (c) => c.vppErrors,
      (x) => x.toLocaleString('en-US'),
    )} |\n`,
  );
  out(
    `| VPP calls: AS adds + set-weights | ${col(
      (c) => c.adds + c.weightOps,
      (x) => x.toLocaleString('en-US'),
    )} |\n`,
  );
  out(
    `| every AS at weight 100 by maglevd's log of VPP's replies (—: a reply timed out) | ${col((c) => c.allWeighted)} |\n`,
  );
  out(`| every AS at weight 100 in a dump of the simulator | ${col((c) => c.confirmed)} |\n`);
  out(`| spawn → confirmed | ${col((c) => c.wallFromSpawn)} |\n`);
  out(`| maglevd CPU, spawn → confirmed | ${col((c) => c.cpu * 1000)} |\n`);
  out(`| maglevd CPU, \`starting\` → confirmed | ${col((c) => c.cpuFromStarting * 1000)} |\n`);
  out(
    `| maglevd CPU / wall, \`starting\` → confirmed | ${col(
      (c) => c.cpuFromStarting / (c.confirmed / 1000),
      (x) => `${x.toFixed(2)} cores`,
    )} |\n`,
  );
  out(`| vpp-lb-sim CPU, \`starting\` → confirmed | ${col((c) => c.simCpu * 1000)} |\n\n`);
  out(
    `Goal: rise × interval + 1 s = ${((HC.rise * HC.interval + 1000) / 1000).toFixed(0)} s. ` +
      `Steady state afterwards (10 s, nothing changing): maglevd ${steady.toFixed(2)} cores, ` +
      `listener process ${steadyListener.toFixed(2)} cores.\n\n`,
  );
  if (trials.length === 0) return;
  out(`### One transition in the 10,000-backend frontend, end to end (${E2E_TRIALS} trials)\n\n`);
  out(
    "A backend's listener is closed. Times from maglevd's log (ms resolution) and this process's clock; " +
      'each weight 0 was then confirmed by a dump of the simulator.\n\n',
  );
  out('| step | median | p90 | max |\n| --- | ---: | ---: | ---: |\n');
  const ms = (x: number) => `${Math.round(x)} ms`;
  const rowOf = (label: string, v: number[]) =>
    out(`| ${label} | ${ms(median(v))} | ${ms(quantile(v, 0.9))} | ${ms(Math.max(...v))} |\n`);
  rowOf(
    'listener closed → `backend-transition` down (detection)',
    trials.map((t) => t.detect),
  );
  rowOf(
    '`backend-transition` → VPP accepted weight 0 (maglevd)',
    trials.map((t) => t.apply),
  );
  rowOf(
    'listener closed → VPP accepted weight 0',
    trials.map((t) => t.total),
  );
  out('\n');
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
// `micro` or `e2e` runs one part only: node --import tsx test/bench/core.bench.ts e2e runs=3
const only = process.argv.slice(2).filter((a) => !a.includes('='));
// Children are killed on exit; make an interrupt an exit.
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(130));
out(`Load average at start: ${load()}\n\n`);
if (only.length === 0 || only.includes('micro')) micro();
if (only.length === 0 || only.includes('e2e')) await endToEnd();
out(`Load average at end: ${load()}\n`);
