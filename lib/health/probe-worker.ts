/**
 * The probe worker: serves probe requests as JSON lines over a pair of streams. maglevd runs
 * it in a child process inside the `healthchecker.netns` namespace, since Node cannot move a
 * single thread into another network namespace.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { ProbeTarget } from './probes/common.js';
import { LocalProber } from './probes/index.js';
import type { ProbeResult } from './types.js';

/**
 * A request to the probe worker: one probe to run, or one to cancel.
 *
 * @internal
 */
export type WorkerRequest =
  | { readonly t: 'probe'; readonly id: number; readonly target: ProbeTarget }
  | { readonly t: 'cancel'; readonly id: number };

/**
 * The probe worker's answer: the result of the probe with that id.
 *
 * @internal
 */
export type WorkerReply =
  | { readonly t: 'ready'; readonly pid: number }
  | { readonly t: 'result'; readonly id: number; readonly result: ProbeResult };

/**
 * Answers probe requests from `input` on `output` until `input` ends, then waits for the
 * probes in flight and releases its sockets.
 *
 * @internal
 */
export async function runProbeWorker(io: { input: Readable; output: Writable }): Promise<void> {
  const prober = new LocalProber();
  const inflight = new Map<number, AbortController>();
  const settled = new Set<Promise<void>>();
  const send = (msg: WorkerReply): void => {
    io.output.write(`${JSON.stringify(msg)}\n`);
  };
  send({ t: 'ready', pid: process.pid });
  const lines = createInterface({ input: io.input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    let req: WorkerRequest;
    try {
      req = JSON.parse(line) as WorkerRequest;
    } catch {
      continue;
    }
    if (req.t === 'cancel') {
      inflight.get(req.id)?.abort();
      inflight.delete(req.id);
      continue;
    }
    const { id, target } = req;
    const ac = new AbortController();
    inflight.set(id, ac);
    const p = prober.probe(target, ac.signal).then((result) => {
      settled.delete(p);
      if (inflight.get(id) !== ac) return;
      inflight.delete(id);
      send({ t: 'result', id, result });
    });
    settled.add(p);
  }
  for (const ac of inflight.values()) ac.abort();
  await Promise.all(settled);
  await prober.close();
}
