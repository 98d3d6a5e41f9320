/**
 * maglevd benchmarks.
 *
 * 1. Full sync of 1,000 VIPs × 50 ASes through the Reconciler and VppLbClient against vpp-lb-sim
 *    in its own process: from empty, and again when nothing changed.
 * 2. Failover latency: the built maglevd (its own process) health-checks TCP backends listening
 *    on 127.1.x.y in this process; a backend's listener is closed, and the time until the
 *    simulator (in this process, same clock) has applied weight 0 for it in every VIP that
 *    contains it is measured. 50 trials each for 10, 1,000 and 10,000 backends across 1,000 VIPs,
 *    next to the detection floor of the probe schedule.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ConfigLoader } from '../../lib/config/loader.js';
import { ControlPlane } from '../../lib/daemon/control-plane.js';
import { emptyOperatorState } from '../../lib/daemon/operator-state.js';
import type { BackendState } from '../../lib/health/types.js';
import { Reconciler } from '../../lib/reconcile/reconciler.js';
import { VppLbSimulator } from '../../lib/sim/server.js';
import { VppLbClient } from '../../lib/vpp/lb-client.js';
import { VppConnection } from '../../vpp-api/index.js';
import { spawnSimulator } from './simulator.js';

const bin = (name: string) => fileURLToPath(new URL(`../../dist/bin/${name}.js`, import.meta.url));
const out = (s: string) => process.stdout.write(s);
const VIPS = 1000;

function vipAddress(i: number): string {
  return `198.51.${100 + (i >> 8)}.${i & 255}`;
}
function backendAddress(i: number): string {
  return `127.1.${i >> 8}.${i & 255}`;
}

/** Backend indexes of VIP i: 10 per VIP, spread so every backend is used about equally. */
function members(i: number, n: number): number[] {
  if (n <= 10) return Array.from({ length: n }, (_, j) => j);
  const stride = n / 10;
  return Array.from({ length: 10 }, (_, j) => (i + j * stride) % n);
}

function config(
  n: number,
  port: number,
  members_: (i: number) => number[],
  hc: string,
  address: (i: number) => string = backendAddress,
  warmup = '0s',
): string {
  const lines = ['maglev:', '  healthchecks:', `    tcp: { type: tcp, port: ${port}, ${hc} }`, '  backends:'];
  for (let b = 0; b < n; b++) lines.push(`    b${b}: { address: ${address(b)}, healthcheck: tcp }`);
  lines.push('  frontends:');
  for (let i = 0; i < VIPS; i++) {
    lines.push(
      `    f${i}:`,
      `      address: ${vipAddress(i)}`,
      '      port: 80',
      '      pools:',
      '        - name: p',
    );
    lines.push(
      `          backends: { ${members_(i)
        .map((b) => `b${b}: {}`)
        .join(', ')} }`,
    );
  }
  lines.push(
    '  vpp:',
    '    lb:',
    '      ipv4-src-address: 192.0.2.254',
    '      sync-interval: 1h',
    `      startup-min-delay: ${warmup}`,
    `      startup-max-delay: ${warmup === '0s' ? '0s' : '2h'}`,
  );
  return `${lines.join('\n')}\n`;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function fullSync(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'maglev-bench-sync-'));
  const socketPath = join(dir, 'api.sock');
  const child = await spawnSimulator(socketPath);
  const n = VIPS * 50;
  const yaml = config(
    n,
    80,
    (i) => Array.from({ length: 50 }, (_, j) => i * 50 + j),
    'interval: 1s',
    (b) => `10.${b >> 16}.${(b >> 8) & 255}.${b & 255}`,
    // A long warmup keeps attach() from syncing on its own: the syncs below are the measured ones.
    '1h',
  );
  const cfg = new ConfigLoader().parse(yaml, { filename: 'bench.yaml' });
  const states = new Map<string, BackendState>([...cfg.backends.keys()].map((k) => [k, 'up']));
  const conn = new VppConnection({ socketPath, requestTimeoutMs: 300_000 });
  await conn.connect();
  const lb = new VppLbClient(() => conn, { timeoutMs: 300_000 });
  const r = new Reconciler({ source: new ControlPlane(cfg, states, emptyOperatorState) });
  r.attach({ getState: () => lb.getState(), execute: (op) => lb.execute(op) });
  let t = performance.now();
  const first = await r.syncAll();
  const fromEmpty = performance.now() - t;
  t = performance.now();
  const second = await r.syncAll();
  const unchanged = performance.now() - t;
  await r.close();
  await conn.close();
  child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  out('### Full sync, 1,000 VIPs × 50 ASes (vpp-lb-sim in its own process)\n\n');
  out('| case | VPP calls | time |\n| --- | ---: | ---: |\n');
  const calls = (c: typeof first) =>
    c.vip_added + c.vip_removed + c.as_added + c.as_removed + c.as_weight_updated;
  out(
    `| from empty | ${calls(first).toLocaleString('en-US')} (+1 conf) | ${(fromEmpty / 1000).toFixed(2)} s |\n`,
  );
  out(`| nothing changed | ${calls(second)} | ${(unchanged / 1000).toFixed(2)} s |\n\n`);
}

interface Listener {
  server: Server;
  address: string;
}

async function listen(address: string, port: number): Promise<Server> {
  const s = createServer((sock) => sock.destroy());
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen(port, address, () => resolve());
  });
  return s;
}

async function failover(n: number, trials: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'maglev-bench-fo-'));
  const sim = new VppLbSimulator({ socketPath: join(dir, 'api.sock') });
  await sim.start();
  const first = await listen(backendAddress(0), 0);
  const port = (first.address() as { port: number }).port;
  const listeners: Listener[] = [{ server: first, address: backendAddress(0) }];
  for (let b = 1; b < n; b++)
    listeners.push({ server: await listen(backendAddress(b), port), address: backendAddress(b) });
  const interval = 2000;
  const fast = 200;
  const fall = 2;
  const hc = `interval: ${interval}ms, fast-interval: ${fast}ms, down-interval: ${interval}ms, timeout: 1s, rise: 2, fall: ${fall}`;
  const vipsOf = new Map<number, number>();
  const yaml = config(
    n,
    port,
    (i) => {
      const m = members(i, n);
      for (const b of m) vipsOf.set(b, (vipsOf.get(b) ?? 0) + 1);
      return m;
    },
    hc,
  );
  writeFileSync(join(dir, 'maglev.yaml'), yaml);
  const d: ChildProcess = spawn(
    process.execPath,
    [
      bin('maglevd'),
      '--config',
      join(dir, 'maglev.yaml'),
      '--grpc-addr',
      '127.0.0.1:0',
      '--metrics-addr',
      '',
      '--vpp-api-addr',
      join(dir, 'api.sock'),
      '--vpp-stats-addr',
      '',
      '--state-file',
      '',
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  createInterface({ input: d.stdout! }).on('line', () => {});
  // The daemon must not outlive a failed run.
  process.once('exit', () => d.kill('SIGKILL'));
  // Every backend up and weighted: VIPs × 10 ASes at weight 100.
  const weighted = () => {
    let c = 0;
    for (const v of sim.getState().vips) for (const a of v.ases) if (a.flags === 1 && a.weight === 100) c++;
    return c;
  };
  const want = [...vipsOf.values()].reduce((a, b) => a + b, 0);
  // Under CPU starvation a few backends may flap; 99% weighted is "up and running".
  for (const deadline = Date.now() + 600_000; weighted() < want * 0.99; ) {
    if (Date.now() > deadline) throw new Error(`only ${weighted()} of ${want} ASes weighted`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const latencies: number[] = [];
  for (let t = 0; t < trials; t++) {
    const b = (t * 7919) % n;
    const l = listeners[b] as Listener;
    const expected = vipsOf.get(b) ?? 0;
    let seen = 0;
    let t0 = 0;
    const done = new Promise<number>((resolve) => {
      const on = (op: { name: string; msg: unknown; retval: number | null }) => {
        if (op.name !== 'lb_as_set_weight' || op.retval !== 0) return;
        const m = op.msg as { as_address: { un: Uint8Array }; weight: number };
        const addr = Array.from(m.as_address.un.subarray(0, 4)).join('.');
        if (addr === l.address && m.weight === 0 && ++seen === expected) {
          sim.off('operation', on);
          resolve(performance.now() - t0);
        }
      };
      sim.on('operation', on);
    });
    t0 = performance.now();
    await new Promise<void>((r) => l.server.close(() => r()));
    latencies.push(await done);
    l.server = await listen(l.address, port);
    const back = () => {
      let c = 0;
      for (const v of sim.getState().vips) {
        for (const a of v.ases) if (a.flags === 1 && a.weight === 100 && a.address === l.address) c++;
      }
      return c;
    };
    for (const deadline = Date.now() + 120_000; back() < expected; ) {
      if (Date.now() > deadline) throw new Error('backend did not come back');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  d.kill('SIGTERM');
  await new Promise((r) => d.once('exit', r));
  for (const l of listeners) l.server.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
  const s = latencies.sort((a, b) => a - b);
  // The probe schedule: the first failed probe comes uniformly within one jittered interval of
  // the kill, then fall-1 more at the fast interval.
  const floorP50 = interval * 0.5 + (fall - 1) * fast;
  const floorP99 = interval * 1.1 * 0.99 + (fall - 1) * fast * 1.1;
  return `| ${n.toLocaleString('en-US')} | ${Math.round(want / n)} | ${trials} | ${Math.round(pct(s, 50))} ms | ${Math.round(pct(s, 99))} ms | ${Math.round(floorP50)} / ${Math.round(floorP99)} ms |\n`;
}

const only = process.argv.slice(2);
if (only.length === 0 || only.includes('sync')) await fullSync();
if (only.length === 0 || only.some((o) => o.startsWith('failover'))) {
  out('### Failover latency (listener closed → simulator applied weight 0 in every VIP of the backend)\n\n');
  out('TCP checks: interval 2s, fast-interval 200ms, fall 2, rise 2; 1,000 VIPs of 10 backends each.\n\n');
  out(
    '| backends | VIPs per backend | trials | p50 | p99 | detection floor p50 / p99 |\n| ---: | ---: | ---: | ---: | ---: | ---: |\n',
  );
  const sizes = only.includes('failover-10000') ? [10000] : [10, 1000, 10000];
  for (const n of sizes) out(await failover(n, 50));
}
