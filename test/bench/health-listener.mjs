/**
 * The https backends of the side-by-side health bench (health.bench.ts; tcp and http use the
 * leaner health-listener.c), in a process of their own so that neither prober pays for them:
 * N listeners on N loopback addresses, all on one port.
 *
 *   node health-listener.mjs MODE N [CERT KEY]     MODE: tcp | http | https
 *
 * tcp closes each connection it accepts (a prober that withholds the last ACK of the handshake,
 * as HAProxy does, is never accepted at all); http and https read the request and answer
 * `200 OK` with a two-byte body, then close. The parent counts probes itself (/proc/net/snmp).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';

/** The same addresses as health.bench.ts: spread over 127.0.0.0/8, never .0 or .255 ends. */
function address(i) {
  const n = 1 + ((i * 1663) % 0xfffffd);
  return `127.${(n >> 16) & 0xff}.${(n >> 8) & 0xff}.${n & 0xff}`;
}

const [mode = 'tcp', count = '1', certFile, keyFile] = process.argv.slice(2);
const n = Number(count);
const RESPONSE = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');

function onTcp(s) {
  s.on('error', () => {});
  s.destroy();
}

function onHttp(s) {
  s.on('error', () => {});
  // One read is the whole request of either prober: both send a few dozen bytes.
  s.once('data', () => s.end(RESPONSE));
}

const tls = mode === 'https' ? { cert: readFileSync(certFile), key: readFileSync(keyFile) } : null;
function make() {
  if (mode === 'tcp') return createServer(onTcp);
  if (mode === 'http') return createServer(onHttp);
  const srv = createTlsServer(tls, onHttp);
  srv.on('tlsClientError', () => {});
  return srv;
}

let port = 0;
for (let i = 0; i < n; i++) {
  const srv = make();
  await new Promise((resolve, reject) => {
    srv.once('error', (e) => reject(new Error(`${address(i)}: ${e.message}`)));
    srv.listen({ port, host: address(i), backlog: 4096 }, resolve);
  });
  port = srv.address().port;
}
process.on('disconnect', () => process.exit(0));
process.send({ t: 'ready', port });
