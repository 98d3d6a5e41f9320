/**
 * maglevd's side of the side-by-side health bench (health.bench.ts): a HealthChecker from the
 * built library (dist/lib/index.js, as maglevd ships it) probing N backends, alone in its
 * process so that /proc accounts for it and nothing else.
 *
 *   node health-prober.mjs LIBRARY      (LIBRARY: path of the module exporting HealthChecker)
 *
 * The parent sends { t: 'start', type, n, port, interval, timeout } over IPC; the prober answers
 * { t: 'started' }. { t: 'mark' } starts counting (probes done, failures, lateness of each start
 * against its plan); { t: 'report' } answers with the counts since the mark.
 */
import { pathToFileURL } from 'node:url';

const { HealthChecker } = await import(pathToFileURL(process.argv[2]).href);

/** The same addresses as health.bench.ts and health-listener.mjs. */
function address(i) {
  const n = 1 + ((i * 1663) % 0xfffffd);
  return `127.${(n >> 16) & 0xff}.${(n >> 8) & 0xff}.${n & 0xff}`;
}

let checker = null;
let measuring = false;
let lateness = new Float64Array(0);
let samples = 0;
let done = 0;
let failed = 0;
const codes = {};

function start({ type, n, port, interval, timeout }) {
  const hc = {
    name: 'check',
    type,
    port: type === 'icmp' ? null : port,
    http:
      type === 'http' || type === 'https'
        ? {
            path: '/',
            host: null,
            method: 'GET',
            responseCodes: [{ from: 200, to: 399 }],
            responseRegex: null,
            serverName: null,
            insecureSkipVerify: true,
          }
        : null,
    interval,
    fastInterval: interval,
    downInterval: interval,
    timeout,
    rise: 2,
    fall: 3,
    probeIpv4Src: null,
    probeIpv6Src: null,
  };
  const backends = new Map();
  for (let i = 0; i < n; i++) {
    const name = `be${i}`;
    backends.set(name, { name, address: address(i), family: 4, healthcheck: 'check', enabled: true });
  }
  const config = {
    healthchecker: { transitionHistory: 5, netns: null },
    healthchecks: new Map([['check', hc]]),
    backends,
    frontends: new Map(),
    vpp: { lb: {} },
  };
  checker = new HealthChecker(config);
  lateness = new Float64Array(Math.ceil(n * 40 * (1000 / interval)) + 1024);
  checker.on('probe-start', (e) => {
    if (measuring && samples < lateness.length) lateness[samples++] = e.startedAt - e.plannedAt;
  });
  checker.on('probe-done', (e) => {
    if (!measuring) return;
    done++;
    if (!e.result.ok) {
      failed++;
      codes[e.result.detail] = (codes[e.result.detail] ?? 0) + 1;
    }
  });
  if (n > 0) checker.start();
}

function quantile(sorted, q) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

process.on('message', (m) => {
  if (m?.t === 'start') {
    start(m);
    process.send({ t: 'started' });
  } else if (m?.t === 'mark') {
    measuring = true;
    samples = 0;
    done = 0;
    failed = 0;
    for (const k of Object.keys(codes)) delete codes[k];
  } else if (m?.t === 'report') {
    measuring = false;
    const sorted = lateness.slice(0, samples).sort();
    process.send({
      t: 'report',
      done,
      failed,
      codes,
      p50: quantile(sorted, 0.5),
      p99: quantile(sorted, 0.99),
      max: quantile(sorted, 1),
    });
  } else if (m?.t === 'stop') {
    void (checker?.close() ?? Promise.resolve()).then(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ t: 'ready', pid: process.pid });
