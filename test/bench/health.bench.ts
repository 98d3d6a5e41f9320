/**
 * Health checking side by side: HAProxy (Debian's haproxy) and maglevd's HealthChecker probe
 * the same N backends every second, in turn, against the same listener process. Each prober
 * runs alone in its own process and is measured from the outside, the same way for both:
 *
 * - CPU: utime + stime of the whole process (all threads) from /proc/PID/stat;
 * - memory: the largest VmRSS from /proc/PID/status while measuring;
 * - rate: TCP connections opened per second (ActiveOpens of /proc/net/snmp; the bench runs in a
 *   network namespace of its own, `unshare -n`, so that nothing else on the machine counts and
 *   nobody else's loopback traffic mixes in); for ICMP the probes maglevd reports done;
 * - lateness (maglevd only): actual start − planned start of each probe, from `probe-start`.
 *
 * The listener and each prober run in a session of their own (setsid), as separate services
 * do: with the kernel's autogroup scheduling a session shares the CPU as one group, and a busy
 * listener in the prober's session would otherwise take the prober's share on a loaded machine.
 *
 * Checks: tcp and http at 1,000 and 10,000 backends, https at 1,000 (HAProxy's `check-ssl`; a
 * Node TLS listener cannot accept 10,000 handshakes a second on two cores), icmp at 1,000 and
 * 10,000 (maglevd only: HAProxy has no ICMP check). Every combination runs HEALTH_BENCH_RUNS
 * times (default 3), alternating which prober goes first; the tables give medians.
 *
 * Environment (all optional): HEALTH_BENCH_RUNS, HEALTH_BENCH_CHECKS (tcp,http,https,icmp),
 * HEALTH_BENCH_SIZES (overrides every check's sizes), HEALTH_BENCH_PROBERS (haproxy,maglevd),
 * HEALTH_BENCH_WARMUP and HEALTH_BENCH_MEASURE (seconds, default 6 and 15),
 * HEALTH_BENCH_SOURCE=1 (maglevd from lib/ through tsx instead of the built dist/),
 * HEALTH_BENCH_LIBRARY (the module maglevd's HealthChecker is imported from, e.g. another build).
 * Needs root (unshare -n, CAP_NET_RAW for icmp), haproxy (`apt-get install -y haproxy`), openssl.
 */
import { type ChildProcess, execFileSync, fork, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Everything runs in a fresh network namespace: this process re-runs itself inside one.
if (process.env['HEALTH_BENCH_IN_NETNS'] !== '1') {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(
    'unshare',
    [
      '-n',
      '--',
      'sh',
      '-c',
      'ip link set lo up && exec "$0" "$@"',
      process.execPath,
      ...process.execArgv,
      self,
    ],
    { stdio: 'inherit', env: { ...process.env, HEALTH_BENCH_IN_NETNS: '1' } },
  );
  if (r.error) throw new Error(`unshare -n: ${r.error.message} (the health bench needs root)`);
  process.exit(r.status ?? 1);
}

type Check = 'tcp' | 'http' | 'https' | 'icmp';
type ProberName = 'haproxy' | 'maglevd';

const env = process.env;
const list = (v: string | undefined): string[] | null =>
  v
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
    : null;
const RUNS = Number(env['HEALTH_BENCH_RUNS'] ?? 3);
const WARMUP_MS = Number(env['HEALTH_BENCH_WARMUP'] ?? 6) * 1000;
const MEASURE_MS = Number(env['HEALTH_BENCH_MEASURE'] ?? 15) * 1000;
const CHECKS = (list(env['HEALTH_BENCH_CHECKS']) ?? ['tcp', 'http', 'https', 'icmp']) as Check[];
const SIZES_OVERRIDE = list(env['HEALTH_BENCH_SIZES'])?.map(Number) ?? null;
const PROBERS = (list(env['HEALTH_BENCH_PROBERS']) ?? ['haproxy', 'maglevd']) as ProberName[];
const FROM_SOURCE = env['HEALTH_BENCH_SOURCE'] === '1';
const INTERVAL_MS = 1000;
const TIMEOUT_MS = 1000;
const DEFAULT_SIZES: Record<Check, number[]> = {
  tcp: [1000, 10_000],
  http: [1000, 10_000],
  https: [1000],
  icmp: [1000, 10_000],
};

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const LIBRARY =
  env['HEALTH_BENCH_LIBRARY'] ??
  (FROM_SOURCE ? here('../../lib/health/index.ts') : here('../../dist/lib/index.js'));
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const log = (s: string): void => {
  process.stderr.write(`[health] ${s}\n`);
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The i-th backend address, as health-listener.mjs and health-prober.mjs compute it. */
function address(i: number): string {
  const n = 1 + ((i * 1663) % 0xfffffd);
  return `127.${(n >> 16) & 0xff}.${(n >> 8) & 0xff}.${n & 0xff}`;
}

/** CPU seconds of the whole process (every thread) so far. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may contain spaces; the fields after it are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** TCP connections this network namespace opened so far (every probe opens one). */
function activeOpens(): number {
  const lines = readFileSync('/proc/net/snmp', 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('Tcp:'));
  const names = (lines[0] ?? '').split(/\s+/);
  const values = (lines[1] ?? '').split(/\s+/);
  return Number(values[names.indexOf('ActiveOpens')]);
}

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

function nextMessage<T>(child: ChildProcess, type: string, timeoutMs = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => done(new Error(`no '${type}' from child within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (m: unknown): void => {
      if ((m as { t?: string } | null)?.t === type) done(null, m as T);
    };
    const onExit = (code: number | null): void => done(new Error(`child exited (${code}) before '${type}'`));
    const done = (err: Error | null, m?: T): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(m as T);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

interface Listener {
  readonly child: ChildProcess;
  readonly port: number;
}

/** The C listener for tcp and http (health-listener.c), Node's TLS for https (health-listener.mjs). */
async function startListener(check: Check, n: number, dir: string, tls: Tls | null): Promise<Listener> {
  if (check === 'https') {
    const args = [check, String(n), ...(tls ? [tls.cert, tls.key] : [])];
    const child = fork(here('./health-listener.mjs'), args, {
      detached: true,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const { port } = await nextMessage<{ port: number }>(child, 'ready', 300_000);
    return { child, port };
  }
  const binary = join(dir, 'health-listener');
  if (!existsSync(binary)) {
    execFileSync('cc', ['-O2', '-Wall', '-o', binary, here('./health-listener.c')], { stdio: 'inherit' });
  }
  const child = spawn(binary, [check, String(n)], { stdio: ['pipe', 'pipe', 'inherit'], detached: true });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    child.once('exit', (code) => reject(new Error(`health-listener exited with ${code}`)));
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      if (buf.includes('\n')) resolve(Number(buf.trim()));
    });
  });
  return { child, port };
}

interface Tls {
  readonly cert: string;
  readonly key: string;
}

function makeTls(dir: string): Tls {
  const cert = join(dir, 'backend.crt');
  const key = join(dir, 'backend.key');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=backend.test',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return { cert, key };
}

function haproxyConfig(check: Check, n: number, port: number, socket: string): string {
  const lines = [
    'global',
    // The same ±10% jitter as maglevd's intervals.
    '  spread-checks 10',
    'defaults',
    '  mode tcp',
    `  timeout connect ${TIMEOUT_MS}ms`,
    `  timeout client ${TIMEOUT_MS}ms`,
    `  timeout server ${TIMEOUT_MS}ms`,
    `  timeout check ${TIMEOUT_MS}ms`,
    // HAProxy refuses to run without a listener; nothing connects to this one.
    'frontend fe',
    `  bind unix@${socket}`,
    '  default_backend be',
    'backend be',
  ];
  if (check === 'http' || check === 'https') {
    lines.push('  option httpchk', '  http-check send meth GET uri / ver HTTP/1.1 hdr Host localhost');
  }
  const ssl = check === 'https' ? ' check-ssl verify none' : '';
  lines.push(
    `  default-server inter ${INTERVAL_MS}ms fastinter ${INTERVAL_MS}ms downinter ${INTERVAL_MS}ms rise 2 fall 3${ssl}`,
  );
  for (let i = 0; i < n; i++) lines.push(`  server s${i} ${address(i)}:${port} check`);
  return `${lines.join('\n')}\n`;
}

interface Sample {
  readonly check: Check;
  readonly n: number;
  readonly prober: ProberName;
  readonly cores: number;
  readonly usPerProbe: number;
  readonly rssMiB: number;
  readonly rate: number;
  readonly failed: number | null;
  readonly p50: number | null;
  readonly p99: number | null;
  readonly max: number | null;
  readonly load: number;
}

interface Report {
  done: number;
  failed: number;
  codes: Record<string, number>;
  p50: number | null;
  p99: number | null;
  max: number | null;
}

interface RunningProber {
  readonly child: ChildProcess;
  mark(): void;
  report(): Promise<Report | null>;
  stop(): Promise<void>;
}

async function startMaglevd(check: Check, n: number, port: number): Promise<RunningProber> {
  const execArgv = LIBRARY.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = fork(here('./health-prober.mjs'), [LIBRARY], {
    detached: true,
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await nextMessage(child, 'ready');
  const started = nextMessage(child, 'started');
  child.send({ t: 'start', type: check, n, port, interval: INTERVAL_MS, timeout: TIMEOUT_MS });
  await started;
  return {
    child,
    mark: () => child.send({ t: 'mark' }),
    report: async () => {
      const r = nextMessage<Report>(child, 'report');
      child.send({ t: 'report' });
      return r;
    },
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ t: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function startHaproxy(dir: string, check: Check, n: number, port: number): Promise<RunningProber> {
  const cfg = join(dir, `haproxy-${check}-${n}.cfg`);
  writeFileSync(cfg, haproxyConfig(check, n, port, join(dir, 'haproxy.sock')));
  const child = spawn('haproxy', ['-db', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  // Detached, it would outlive a bench that dies.
  const kill = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', kill);
  child.once('exit', () => process.off('exit', kill));
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    // State changes are warnings on stderr; keep only the start, where a failure would be.
    if (stderr.length < 4096) stderr += d;
  });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('spawn', () => resolve());
  });
  await sleep(500);
  if (child.exitCode !== null) throw new Error(`haproxy exited ${child.exitCode}: ${stderr}`);
  return {
    child,
    mark: () => {},
    report: async () => null,
    stop: () => stop(child, 'SIGUSR1').then(() => stop(child, 'SIGKILL')),
  };
}

async function measure(
  prober: ProberName,
  check: Check,
  n: number,
  listener: Listener | null,
  dir: string,
): Promise<Sample> {
  const port = listener?.port ?? 0;
  const p =
    prober === 'haproxy' ? await startHaproxy(dir, check, n, port) : await startMaglevd(check, n, port);
  const pid = p.child.pid as number;
  p.child.once('exit', (code, signal) => {
    if (!stopping) log(`${prober} exited early (${signal ?? code})`);
  });
  let stopping = false;
  try {
    await sleep(WARMUP_MS);
    const load0 = loadavg()[0] as number;
    p.mark();
    const c0 = activeOpens();
    const cpu0 = cpuSeconds(pid);
    const t0 = performance.now();
    let rss = rssBytes(pid);
    const sampler = setInterval(() => {
      rss = Math.max(rss, rssBytes(pid));
    }, 500);
    await sleep(MEASURE_MS);
    const cpu1 = cpuSeconds(pid);
    const t1 = performance.now();
    const c1 = activeOpens();
    clearInterval(sampler);
    rss = Math.max(rss, rssBytes(pid));
    const report = await p.report();
    const wall = (t1 - t0) / 1000;
    const probes = check === 'icmp' ? (report?.done ?? 0) : c1 - c0;
    const cpu = cpu1 - cpu0;
    const sample: Sample = {
      check,
      n,
      prober,
      cores: cpu / wall,
      usPerProbe: (cpu * 1e6) / Math.max(probes, 1),
      rssMiB: rss / 2 ** 20,
      rate: probes / wall,
      failed: report?.failed ?? null,
      p50: report?.p50 ?? null,
      p99: report?.p99 ?? null,
      max: report?.max ?? null,
      load: (load0 + (loadavg()[0] as number)) / 2,
    };
    const failures = report && report.failed > 0 ? ` failures ${JSON.stringify(report.codes)}` : '';
    log(
      `${check} ${n} ${prober}: ${sample.cores.toFixed(3)} cores, ${sample.usPerProbe.toFixed(1)} µs/probe, ` +
        `${sample.rssMiB.toFixed(0)} MiB, ${sample.rate.toFixed(0)}/s, lateness p99 ${sample.p99?.toFixed(1) ?? '-'} ms, ` +
        `load ${sample.load.toFixed(1)}${failures}`,
    );
    return sample;
  } finally {
    stopping = true;
    await p.stop();
  }
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const medianOf = (rows: readonly Sample[], f: (s: Sample) => number | null): number | null => {
  const xs = rows.map(f).filter((x): x is number => x !== null);
  return xs.length ? median(xs) : null;
};

async function baselineRss(): Promise<{ node: number; checker: number }> {
  const bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await sleep(2000);
  const node = rssBytes(bare.pid as number);
  await stop(bare);
  const empty = await startMaglevd('tcp', 0, 1);
  await sleep(2000);
  const checker = rssBytes(empty.child.pid as number);
  await empty.stop();
  return { node: node / 2 ** 20, checker: checker / 2 ** 20 };
}

if (!FROM_SOURCE && !existsSync(LIBRARY)) throw new Error(`${LIBRARY} is missing: run 'npm run build' first`);
if (PROBERS.includes('haproxy')) {
  try {
    execFileSync('haproxy', ['-v'], { stdio: 'ignore' });
  } catch {
    throw new Error("haproxy is not installed: 'apt-get install -y haproxy' (Debian's package)");
  }
}
const haproxyVersion = PROBERS.includes('haproxy')
  ? (/version (\S+)/.exec(execFileSync('haproxy', ['-v']).toString())?.[1] ?? '?')
  : null;
const dir = mkdtempSync(join(tmpdir(), 'maglev-health-bench-'));
const samples: Sample[] = [];
let base: { node: number; checker: number };
try {
  base = await baselineRss();
  for (const check of CHECKS) {
    const tls = check === 'https' ? makeTls(dir) : null;
    for (const n of SIZES_OVERRIDE ?? DEFAULT_SIZES[check]) {
      const listener = check === 'icmp' ? null : await startListener(check, n, dir, tls);
      try {
        const probers = check === 'icmp' ? PROBERS.filter((p) => p === 'maglevd') : PROBERS;
        for (let run = 0; run < RUNS; run++) {
          const order = run % 2 === 0 ? probers : [...probers].reverse();
          for (const prober of order) {
            samples.push(await measure(prober, check, n, listener, dir));
            await sleep(1000);
          }
        }
      } finally {
        if (listener) await stop(listener.child);
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const f = (x: number | null, d = 1): string => (x === null ? '–' : x.toFixed(d));
const out: string[] = [
  `Every backend checked every ${INTERVAL_MS / 1000} s (timeout ${TIMEOUT_MS / 1000} s), rise 2 fall 3; ` +
    `${WARMUP_MS / 1000} s warm-up, ${MEASURE_MS / 1000} s measured; medians of ${RUNS} runs per prober, ` +
    `run in turn against one listener process. HAProxy ${haproxyVersion ?? '(not run)'}; maglevd from ` +
    `${LIBRARY}. Load average during the runs: ` +
    `${f(Math.min(...samples.map((s) => s.load)))}–${f(Math.max(...samples.map((s) => s.load)))} on ` +
    `${(await import('node:os')).cpus().length} cores.`,
  '',
  `RSS of an idle node: ${f(base.node)} MiB; of the prober process with 0 backends (Node + the library): ${f(base.checker)} MiB.`,
  '',
  '| check | backends | prober | CPU (cores) | CPU µs/probe | RSS MiB | probes/s | of configured | lateness p50 / p99 / max ms |',
  '|---|---:|---|---:|---:|---:|---:|---:|---:|',
];
const ratios: string[] = [
  '| check | backends | CPU µs/probe maglevd ÷ HAProxy | RSS maglevd − idle node ÷ HAProxy |',
  '|---|---:|---:|---:|',
];
const keys = [...new Set(samples.map((s) => `${s.check}|${s.n}`))];
for (const key of keys) {
  const [check, nText] = key.split('|') as [Check, string];
  const n = Number(nText);
  const per: Partial<Record<ProberName, number>> = {};
  const rss: Partial<Record<ProberName, number>> = {};
  for (const prober of ['haproxy', 'maglevd'] as ProberName[]) {
    const rows = samples.filter((s) => s.check === check && s.n === n && s.prober === prober);
    if (rows.length === 0) continue;
    const rate = medianOf(rows, (s) => s.rate) as number;
    per[prober] = medianOf(rows, (s) => s.usPerProbe) as number;
    rss[prober] = medianOf(rows, (s) => s.rssMiB) as number;
    out.push(
      `| ${check} | ${n.toLocaleString('en')} | ${prober === 'haproxy' ? 'HAProxy' : 'maglevd'} | ` +
        `${f(
          medianOf(rows, (s) => s.cores),
          3,
        )} | ${f(per[prober])} | ${f(rss[prober], 0)} | ${f(rate, 0)} | ` +
        `${f((100 * rate) / (n / (INTERVAL_MS / 1000)))} % | ` +
        `${f(
          medianOf(rows, (s) => s.p50),
          2,
        )} / ${f(
          medianOf(rows, (s) => s.p99),
          2,
        )} / ${f(
          medianOf(rows, (s) => s.max),
          1,
        )} |`,
    );
  }
  if (per.haproxy !== undefined && per.maglevd !== undefined) {
    ratios.push(
      `| ${check} | ${n.toLocaleString('en')} | ${f(per.maglevd / per.haproxy, 2)}× | ` +
        `${f(((rss.maglevd as number) - base.node) / (rss.haproxy as number), 2)}× |`,
    );
  }
}
process.stdout.write(`${out.join('\n')}\n\n${ratios.join('\n')}\n`);
