import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ProbeWorkerNotFoundError } from './errors.js';
import type { WorkerReply, WorkerRequest } from './probe-worker.js';
import type { ProbeTarget } from './probes/common.js';
import type { Prober } from './probes/index.js';
import type { LogRecord, ProbeResult } from './types.js';

/**
 * Builds the command that runs `argv` inside the network namespace at `path`.
 *
 * @public
 */
export type NetnsLauncher = (
  path: string,
  argv: readonly string[],
) => { readonly command: string; readonly args: readonly string[] };

/**
 * nsenter(1) from util-linux: setns(CLONE_NEWNET) on /run/netns/NAME, then exec.
 *
 * @public
 */
export const nsenterLauncher: NetnsLauncher = (path, argv) => ({
  command: 'nsenter',
  args: [`--net=${path}`, '--', ...argv],
});

/**
 * A name as `ip netns` uses it lives in /run/netns; anything with a slash is a path already.
 *
 * @public
 */
export function netnsPath(netns: string): string {
  return netns.includes('/') ? netns : `/run/netns/${netns}`;
}

/**
 * The node command line of the probe worker. From sources (vitest, tsx) the TypeScript module
 * next to this one is loaded through tsx; from the build, the library bundle dist/lib/index.js,
 * which exports runProbeWorker, is found relative to whichever bundle or chunk this code is in.
 */
export function probeWorkerCommand(): string[] {
  const here = import.meta.url;
  const source = new URL('./probe-worker.ts', here);
  let module: URL | undefined;
  let tsx = false;
  if (here.endsWith('.ts') && existsSync(fileURLToPath(source))) {
    module = source;
    tsx = true;
  } else {
    const candidates = ['./index.js', './lib/index.js', '../lib/index.js'].map((c) => new URL(c, here));
    module = candidates.find((u) => existsSync(fileURLToPath(u)));
    if (!module) throw new ProbeWorkerNotFoundError([source, ...candidates].map((u) => fileURLToPath(u)));
  }
  const script =
    `const m = await import(${JSON.stringify(module.href)});` +
    'await m.runProbeWorker({ input: process.stdin, output: process.stdout });';
  const args: string[] = [];
  if (tsx) args.push('--import', pathToFileURL(createRequire(here).resolve('tsx')).href);
  args.push('--input-type=module', '-e', script);
  return [process.execPath, ...args];
}

interface Pending {
  readonly resolve: (r: ProbeResult) => void;
  readonly started: number;
  readonly timer: NodeJS.Timeout;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

/**
 * Options of {@link NetnsProber}.
 *
 * @public
 */
export interface NetnsProberOptions {
  /** The namespace: a name under /run/netns or a path. */
  readonly netns: string;
  /** How the worker enters it; default {@link nsenterLauncher}. */
  readonly launcher?: NetnsLauncher;
  /** The worker's node command line; default: node running the probe worker found next to the library. */
  readonly workerCommand?: readonly string[];
  /** Where the prober's own records go (worker start failures, namespace errors). */
  readonly onLog?: (record: LogRecord) => void;
  /** Backoff between failed worker starts, first step; default 1 s, doubling. */
  readonly restartMinMs?: number;
  /** Backoff between failed worker starts, the most; default 30 s. */
  readonly restartMaxMs?: number;
}

/**
 * The detail of a namespace that could not be entered, worded as the Go original logs it.
 *
 * @public
 */
export function netnsErrorDetail(netns: string, reason: string): string {
  return `enter netns ${JSON.stringify(netns)}: ${reason}`;
}

/** "nsenter: reassociate to namespace 'ns/net' failed: Operation not permitted" → "operation not permitted". */
export function launcherReason(stderr: string): string | null {
  const line = stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '');
  if (!line) return null;
  const at = line.lastIndexOf(': ');
  return (at >= 0 ? line.slice(at + 2) : line).toLowerCase();
}

/**
 * Runs probes in a worker process inside a network namespace, one worker per namespace, over
 * JSON lines on its stdio. The worker is started on the first probe and restarted when it dies.
 * When the namespace cannot be entered every probe fails with L4CON and the detail
 * `enter netns "NAME": <reason>`, and a `probe-netns-error` log record says why.
 *
 * @public
 */
export class NetnsProber implements Prober {
  private child: ChildProcess | null = null;
  private ready = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private failure: string | null = null;
  private retryAt = 0;
  private backoff: number;
  private closed = false;
  private exited: Promise<void> = Promise.resolve();
  private readonly launcher: NetnsLauncher;
  private readonly minBackoff: number;
  private readonly maxBackoff: number;

  constructor(private readonly opts: NetnsProberOptions) {
    this.launcher = opts.launcher ?? nsenterLauncher;
    this.minBackoff = opts.restartMinMs ?? 1000;
    this.maxBackoff = opts.restartMaxMs ?? 30_000;
    this.backoff = this.minBackoff;
  }

  /** The namespace the worker runs in. */
  get netns(): string {
    return this.opts.netns;
  }

  /** Runs one probe in the worker; never rejects. */
  probe(target: ProbeTarget, signal?: AbortSignal): Promise<ProbeResult> {
    const started = performance.now();
    const fail = (detail: string): Promise<ProbeResult> =>
      Promise.resolve({ ok: false, code: 'L4CON', detail, durationMs: performance.now() - started });
    if (this.closed || signal?.aborted) return fail('probe cancelled');
    if (!this.child) {
      if (this.failure !== null && performance.now() < this.retryAt) return fail(this.failure);
      const err = this.spawn();
      if (err !== null) return fail(err);
    }
    const child = this.child as ChildProcess | null;
    if (!child?.stdin) return fail(this.failure ?? 'probe worker not running');
    const id = this.nextId++;
    return new Promise((resolve) => {
      const onAbort = (): void => {
        this.settle(id, { ok: false, code: 'L4CON', detail: 'probe cancelled', durationMs: 0 });
        this.send({ t: 'cancel', id });
      };
      // The worker enforces the probe timeout; this only guards against a worker that hangs.
      const timer = setTimeout(() => {
        this.settle(id, {
          ok: false,
          code: 'L4TOUT',
          detail: 'probe worker did not answer',
          durationMs: performance.now() - started,
        });
        this.send({ t: 'cancel', id });
      }, target.healthcheck.timeout + 5000);
      this.pending.set(id, { resolve, started, timer, signal, onAbort });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.send({ t: 'probe', id, target });
    });
  }

  /** Stops the worker; probes in flight resolve as failed. */
  async close(): Promise<void> {
    this.closed = true;
    this.failAll('probe worker closed');
    const child = this.child;
    if (child) {
      child.stdin?.end();
      const kill = setTimeout(() => child.kill('SIGKILL'), 2000);
      await this.exited;
      clearTimeout(kill);
    }
    await this.exited;
  }

  private send(msg: WorkerRequest): void {
    const stdin = this.child?.stdin;
    if (stdin && !stdin.destroyed) stdin.write(`${JSON.stringify(msg)}\n`);
  }

  private settle(id: number, result: ProbeResult): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.signal?.removeEventListener('abort', p.onAbort);
    p.resolve(result);
  }

  private failAll(detail: string): void {
    for (const [id, p] of [...this.pending]) {
      this.settle(id, { ok: false, code: 'L4CON', detail, durationMs: performance.now() - p.started });
    }
  }

  private log(level: LogRecord['level'], msg: string, fields: Record<string, unknown>): void {
    this.opts.onLog?.({ level, msg, fields: { netns: this.opts.netns, ...fields } });
  }

  /** Starts the worker; returns the failure detail when it cannot even be spawned. */
  private spawn(): string | null {
    let argv: readonly string[];
    try {
      argv = this.opts.workerCommand ?? probeWorkerCommand();
    } catch (err) {
      const detail = netnsErrorDetail(this.opts.netns, err instanceof Error ? err.message : String(err));
      this.startFailed(detail);
      return detail;
    }
    const path = netnsPath(this.opts.netns);
    const { command, args } = this.launcher(path, argv);
    const child = spawn(command, [...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.ready = false;
    let stderr = '';
    let spawnError: string | null = null;
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 4096) stderr += d;
    });
    child.stdin?.on('error', () => {
      // EPIPE when the worker died; its exit is handled below.
    });
    child.on('error', (err) => {
      spawnError = (err as NodeJS.ErrnoException).code === 'ENOENT' ? `${command} not found` : err.message;
    });
    const lines = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> });
    lines.on('line', (line) => {
      let msg: WorkerReply;
      try {
        msg = JSON.parse(line) as WorkerReply;
      } catch {
        return;
      }
      if (msg.t === 'ready') {
        this.ready = true;
        this.backoff = this.minBackoff;
        if (this.failure !== null) this.log('info', 'probe-netns-recovered', { pid: msg.pid });
        this.failure = null;
        this.log('debug', 'probe-worker-start', { pid: msg.pid });
      } else if (msg.t === 'result') {
        this.settle(msg.id, msg.result);
      }
    });
    this.exited = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        const wasReady = this.ready;
        if (this.child === child) {
          this.child = null;
          this.ready = false;
        }
        if (this.closed) {
          resolve();
          return;
        }
        if (wasReady) {
          const detail = `probe worker exited (${signal ?? `code ${code}`})`;
          this.log('warn', 'probe-worker-exit', { code, signal, stderr: stderr.trim() });
          this.failAll(detail);
          // A worker that ran fine is restarted by the next probe.
          this.failure = null;
          this.retryAt = 0;
        } else {
          const reason =
            spawnError ?? launcherReason(stderr) ?? `probe worker exited (${signal ?? `code ${code}`})`;
          this.startFailed(netnsErrorDetail(this.opts.netns, reason), stderr.trim());
        }
        resolve();
      });
    });
    return null;
  }

  private startFailed(detail: string, stderr = ''): void {
    this.failure = detail;
    this.retryAt = performance.now() + this.backoff;
    this.log('error', 'probe-netns-error', { detail, stderr, retryInMs: this.backoff });
    this.backoff = Math.min(this.backoff * 2, this.maxBackoff);
    this.failAll(detail);
  }
}
