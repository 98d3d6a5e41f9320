/**
 * Health checker at scale: N backends with TCP checks every second against loopback listeners
 * spread over 127.0.0.0/8 (served by a separate process, so that only the checker is measured).
 * Reports the checker's CPU (share of one core), RSS, probes/s achieved against configured,
 * and scheduling lateness (actual start - planned start).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { HealthChecker } from '../../lib/health/checker.js';
import { backend, healthcheck, makeConfig } from '../support/health-config.js';

const SIZES = [1000, 10_000];
const WARMUP_MS = 4000;
const MEASURE_MS = 15_000;

/** The i-th address: spread over 127.0.0.0/8 with a stride, never .0 or the broadcast. */
function address(i: number): string {
  const n = 1 + ((i * 1663) % 0xfffffd);
  return `127.${(n >> 16) & 0xff}.${(n >> 8) & 0xff}.${n & 0xff}`;
}

// The listener process computes the same addresses (the list is too long for argv).
const LISTENER = `
const net = require('node:net');
const addrs = Array.from({ length: Number(process.argv[1]) }, (_, i) => (${address.toString()})(i));
let port = 0, i = 0;
const onConn = (s) => { s.on('error', () => {}); s.destroy(); };
function next() {
  if (i === addrs.length) { process.stdout.write(String(port) + '\\n'); return; }
  const srv = net.createServer(onConn);
  srv.on('error', (e) => { process.stderr.write(addrs[i] + ': ' + e.message + '\\n'); process.exit(1); });
  srv.listen({ port, host: addrs[i], backlog: 511 }, () => { port = srv.address().port; i++; next(); });
}
next();
`;

async function listeners(n: number): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', LISTENER, String(n)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    child.once('exit', (code) => reject(new Error(`listener process exited with ${code}`)));
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      if (buf.includes('\n')) resolve(Number(buf.trim()));
    });
  });
  return { port, child };
}

/**
 * The floor: CPU per bare connect + reset against one listener, 10 at a time, without the
 * checker. On loopback the kernel runs both ends of the handshake in the connecting process,
 * so this is most of what a TCP probe costs.
 */
async function baseline(port: number, host: string, n = 20_000): Promise<number> {
  const { connect } = await import('node:net');
  let i = 0;
  const c0 = process.cpuUsage();
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const s = connect({ host, port });
      s.on('connect', () => {
        s.resetAndDestroy();
        resolve();
      });
      s.on('error', () => resolve());
    });
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (i++ < n) await one();
    }),
  );
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / n;
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

interface Row {
  n: number;
  cpu: number;
  usPerProbe: number;
  rssMiB: number;
  achieved: number;
  configured: number;
  failed: number;
  p50: number;
  p99: number;
  max: number;
  loopP99: number;
}

async function runSize(n: number): Promise<Row> {
  const addrs = Array.from({ length: n }, (_, i) => address(i));
  const { port, child } = await listeners(n);
  const hc = healthcheck({
    name: 'tcp',
    type: 'tcp',
    port,
    interval: 1000,
    fastInterval: 1000,
    downInterval: 1000,
    timeout: 1000,
    rise: 2,
    fall: 3,
  });
  const config = makeConfig({
    healthchecks: [hc],
    backends: addrs.map((a, i) => backend({ name: `be${i}`, address: a, healthcheck: 'tcp' })),
  });
  const checker = new HealthChecker(config);
  let measuring = false;
  const lateness = new Float64Array(n * Math.ceil(MEASURE_MS / 900) + 1000);
  let samples = 0;
  let done = 0;
  let failed = 0;
  checker.on('probe-start', (e) => {
    if (measuring && samples < lateness.length) lateness[samples++] = e.startedAt - e.plannedAt;
  });
  checker.on('probe-done', (e) => {
    if (!measuring) return;
    done++;
    if (!e.result.ok) failed++;
  });
  checker.start();
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  measuring = true;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let rss = 0;
  const sampler = setInterval(() => {
    rss = Math.max(rss, process.memoryUsage.rss());
  }, 500);
  await new Promise((r) => setTimeout(r, MEASURE_MS));
  measuring = false;
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  loop.disable();
  rss = Math.max(rss, process.memoryUsage.rss());
  await checker.close();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  const sorted = lateness.slice(0, samples).sort();
  return {
    n,
    cpu: (cpu.user + cpu.system) / 1000 / wall,
    usPerProbe: (cpu.user + cpu.system) / Math.max(done, 1),
    rssMiB: rss / 2 ** 20,
    achieved: done / (wall / 1000),
    configured: n / (hc.interval / 1000),
    failed,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    max: sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN,
    loopP99: loop.percentile(99) / 1e6,
  };
}

const base = await listeners(1);
const floor = await baseline(base.port, address(0));
base.child.kill('SIGTERM');
await new Promise((r) => base.child.once('exit', r));
const rows: Row[] = [];
for (const n of SIZES) rows.push(await runSize(n));

const f = (x: number, d = 1): string => x.toFixed(d);
process.stdout.write(
  `TCP checks every 1 s (±10% jitter), ${MEASURE_MS / 1000} s measured after ${WARMUP_MS / 1000} s warm-up; ` +
    'listeners in a separate process. ' +
    `Floor: a bare connect + reset costs ${floor.toFixed(0)} µs CPU here.\n\n` +
    '| backends | CPU (cores) | CPU µs/probe | RSS MiB | probes/s | configured/s | failed | lateness p50 ms | p99 ms | max ms | loop delay p99 ms |\n' +
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n' +
    rows
      .map(
        (r) =>
          `| ${r.n} | ${f(r.cpu, 3)} | ${f(r.usPerProbe, 0)} | ${f(r.rssMiB)} | ${f(r.achieved)} | ${f(r.configured)} | ${r.failed} | ${f(r.p50, 2)} | ${f(r.p99, 2)} | ${f(r.max, 1)} | ${f(r.loopP99, 2)} |`,
      )
      .join('\n') +
    '\n',
);
