// @ts-check
/**
 * Watching maglevd's events over gRPC with MaglevClient: every backend transition and frontend
 * state change, one line each, as they happen.
 *
 *   npm run build
 *   node examples/sdk/watch-events.mjs 127.0.0.1:9090 [max-events]
 *
 * (`npm start` runs a demo maglevd on 127.0.0.1:9090.) It stops after max-events events, on
 * Ctrl-C or SIGTERM, or when maglevd ends the stream (as it does when it stops), and exits 0; it
 * exits 1 when maglevd cannot be reached or the stream fails.
 */
import { MaglevClient } from 'vpp-maglev';

const address = process.argv[2];
const max = process.argv[3] === undefined ? Number.POSITIVE_INFINITY : Number(process.argv[3]);
if (!address || !(max >= 1)) {
  console.error('usage: watch-events.mjs <maglevd-host:port> [max-events (>= 1)]');
  process.exit(2);
}

/** Nanoseconds since the epoch (the API's int64 at_ns) as an ISO time. */
const iso = (/** @type {bigint} */ ns) => new Date(Number(ns / 1_000_000n)).toISOString();

// A signal ends the watch: aborting cancels the stream, and the loop below ends normally.
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
process.once('SIGTERM', () => stop.abort());

const client = new MaglevClient(address);
try {
  let count = 0;
  // The request chooses the kinds of event: backend transitions and frontend state changes here;
  // `log: true, logLevel: 'info'` would add maglevd's log records. A frontend stream starts with
  // each frontend's current state (from equal to to), so you know where things stand.
  for await (const ev of client.watchEvents({ backend: true, frontend: true }, stop.signal)) {
    const e = ev.event;
    if (e.case === 'backend' && e.value.transition) {
      const t = e.value.transition;
      const frontend = e.value.frontend || '-';
      console.log(
        `${iso(t.atNs)} backend ${e.value.backend} ${e.value.address} frontend ${frontend}:` +
          ` ${t.from} -> ${t.to} (${t.code}${t.detail ? ` ${t.detail}` : ''})`,
      );
    } else if (e.case === 'frontend') {
      const change = e.value.from === e.value.to ? `is ${e.value.to}` : `${e.value.from} -> ${e.value.to}`;
      console.log(`${iso(e.value.atNs)} frontend ${e.value.frontend} ${change}`);
    }
    if (++count >= max) break;
  }
  if (!stop.signal.aborted && count < max) console.log('maglevd ended the stream');
} catch (e) {
  // A MaglevCallError carries the gRPC status code and maglevd's details. When the call never
  // reached maglevd, the message says why: "cannot reach maglevd at ...: connection refused".
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  client.close();
}
