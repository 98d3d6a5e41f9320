// @ts-check
/**
 * Embedding maglevd's health checker in your own program.
 *
 * The program starts two services of its own on loopback (a web server on 127.0.0.2 with a
 * /healthz endpoint, and a bare TCP service on 127.0.0.3), describes them in maglev.yaml terms,
 * and lets a HealthChecker probe them. It prints every state transition. Once both are up it
 * stops the TCP service, so that you also see a backend go down. It ends after N transitions
 * (exit 0) or when the timeout expires first (exit 1), closing everything it opened.
 *
 *   npm run build
 *   node examples/sdk/health-checker.mjs [transitions=3] [timeout-seconds=30]
 *
 * On Linux all of 127.0.0.0/8 is loopback, so the extra addresses need no setup.
 */
import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { ConfigLoader, formatWarning, HealthChecker } from 'vpp-maglev';

const wanted = Number(process.argv[2] ?? 3);
const timeoutSeconds = Number(process.argv[3] ?? 30);
if (!Number.isInteger(wanted) || wanted < 1 || !(timeoutSeconds > 0)) {
  console.error('usage: health-checker.mjs [transitions (an integer >= 1)] [timeout-seconds (> 0)]');
  process.exit(2);
}

// The services to watch. Port 0: the kernel picks free ports, which go into the config below.
const web = createHttpServer((req, res) => {
  res.writeHead(req.url === '/healthz' ? 200 : 404, { connection: 'close' }).end();
});
web.listen(0, '127.0.0.2');
// A TCP probe passes on a completed handshake, then resets the connection rather than leave a
// TIME_WAIT behind: the server sees ECONNRESET, which is expected and not an error here.
const tcp = createTcpServer((socket) => socket.on('error', () => {}).end());
tcp.listen(0, '127.0.0.3');
await Promise.all([once(web, 'listening'), once(tcp, 'listening')]);
const webPort = /** @type {import('node:net').AddressInfo} */ (web.address()).port;
const tcpPort = /** @type {import('node:net').AddressInfo} */ (tcp.address()).port;

// The health checker reads the healthchecks and backends of a maglev.yaml; frontends and vpp are
// not needed to probe. ConfigLoader.load(path) reads a file; parse(text) takes the text itself.
// A mistake throws a ConfigError whose message names file:line:column and the YAML path;
// what works but deserves a look comes back as warnings.
const config = new ConfigLoader().parse(
  `
maglev:
  healthchecks:
    http:
      type: http
      port: ${webPort}
      interval: 2s           # while fully up
      fast-interval: 100ms   # while unknown or changing: find out quickly
      down-interval: 1s      # while fully down
      timeout: 1s
      rise: 2
      fall: 2
      params: { path: /healthz }
    tcp:
      type: tcp
      port: ${tcpPort}
      interval: 2s
      fast-interval: 100ms
      timeout: 1s
      rise: 2
      fall: 2
  backends:
    web: { address: 127.0.0.2, healthcheck: http }
    db: { address: 127.0.0.3, healthcheck: tcp }
`,
  { filename: 'embedded.yaml' },
);
for (const w of config.warnings) console.error(formatWarning(w));

const checker = new HealthChecker(config);
let seen = 0;
let tcpStopped = false;
/** @type {(outcome: 'done' | 'timeout') => void} */
let finish = () => {};
/** @type {Promise<'done' | 'timeout'>} */
const finished = new Promise((resolve) => {
  finish = resolve;
});

// 'transition' fires once per state change of a backend: unknown -> up, up -> down, ...
checker.on('transition', (t) => {
  seen++;
  const at = new Date(t.at).toISOString();
  console.log(`${at} ${t.backend} ${t.address} ${t.from} -> ${t.to} (${t.code} ${t.detail})`);
  // Both up: take the TCP service away. Its next probes are refused and it goes down.
  const states = checker.states();
  if (!tcpStopped && states.get('web') === 'up' && states.get('db') === 'up') {
    tcpStopped = true;
    console.log('stopping the tcp service on 127.0.0.3');
    tcp.close();
  }
  if (seen >= wanted) finish('done');
});
// The library never writes to the console itself: its log records are events, for your logger.
checker.on('log', (r) => {
  if (r.level === 'warn' || r.level === 'error') console.error(`${r.level} ${r.msg}`, r.fields);
});

checker.start();
const timer = setTimeout(() => finish('timeout'), timeoutSeconds * 1000);
const outcome = await finished;
clearTimeout(timer);

// The final view of each backend, then a clean stop: close() resolves once every probe, timer
// and socket of the checker is gone. Nothing calls process.exit: if anything were left open, the
// process would not end, so ending on its own is part of what this example shows.
for (const b of checker.snapshot()) console.log(`final ${b.name} ${b.address} ${b.state}`);
await checker.close();
web.closeAllConnections();
await new Promise((resolve) => web.close(resolve));
if (!tcpStopped) await new Promise((resolve) => tcp.close(resolve));
if (outcome === 'timeout') {
  console.error(`timed out after ${timeoutSeconds}s with ${seen} of ${wanted} transitions`);
  process.exitCode = 1;
}
