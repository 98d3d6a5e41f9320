import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { connect, isIP, type Socket } from 'node:net';
import { buildInfo } from '../version.js';
import type { ProbeOutcome } from './outcome.js';
import type { VipTarget } from './targets.js';

export interface ProbeOptions {
  readonly timeoutMs: number;
  /** Host header (and TLS server name); empty: the VIP address. */
  readonly host: string;
  /** Path and query requested. */
  readonly uri: string;
  /** The response header whose value is tallied. */
  readonly header: string;
  /** Accept any TLS certificate. */
  readonly insecure: boolean;
  /** Reuse connections; off by default so every probe is a new flow that Maglev hashes anew. */
  readonly keepalive: boolean;
}

/** Thrown when a probe is cancelled through its AbortSignal; such a probe is not counted. */
export class ProbeAbortedError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'PROBE_ABORTED' as const;
  override readonly name = 'ProbeAbortedError';
  constructor(readonly target: string) {
    super(`probe of ${target} aborted`);
  }
}

export const MAGLEVT_USER_AGENT = `maglevt/${buildInfo.version}`;

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code !== '' ? code : 'ERROR';
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Probes VIPs: one HTTP(S) GET or TCP connect per call. Holds the keep-alive agents when
 * connections are reused; close() drops them.
 */
export class VipProbe {
  readonly options: ProbeOptions;
  readonly #httpAgent: HttpAgent | null;
  readonly #httpsAgent: HttpsAgent | null;

  constructor(options: ProbeOptions) {
    this.options = options;
    // One connection per VIP at most: probes of a VIP never overlap anyway.
    this.#httpAgent = options.keepalive ? new HttpAgent({ keepAlive: true, maxSockets: 1 }) : null;
    this.#httpsAgent = options.keepalive
      ? new HttpsAgent({ keepAlive: true, maxSockets: 1, rejectUnauthorized: !options.insecure })
      : null;
  }

  probe(target: VipTarget, signal?: AbortSignal): Promise<ProbeOutcome> {
    if (target.kind === null)
      return Promise.reject(new TypeError(`${target.name} is not probed: ${target.reason}`));
    if (signal?.aborted) return Promise.reject(new ProbeAbortedError(target.name));
    return target.kind === 'tcp' ? this.#tcp(target, signal) : this.#http(target, signal);
  }

  close(): void {
    this.#httpAgent?.destroy();
    this.#httpsAgent?.destroy();
  }

  #tcp(target: VipTarget, signal?: AbortSignal): Promise<ProbeOutcome> {
    const { timeoutMs } = this.options;
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const socket: Socket = connect({ host: target.address, port: target.port });
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        socket.removeAllListeners('connect');
        socket.on('error', () => {});
        socket.destroy();
        settle();
      };
      const onAbort = () => finish(() => reject(new ProbeAbortedError(target.name)));
      const timer = setTimeout(
        () => finish(() => resolve({ kind: 'timeout', latencyMs: performance.now() - started, timeoutMs })),
        timeoutMs,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      socket.once('connect', () =>
        finish(() =>
          resolve({ kind: 'ok', latencyMs: performance.now() - started, status: null, header: null }),
        ),
      );
      socket.once('error', (err) =>
        finish(() =>
          resolve({
            kind: 'net-error',
            latencyMs: performance.now() - started,
            code: errorCode(err),
            message: errorMessage(err),
          }),
        ),
      );
    });
  }

  /**
   * A GET of the URI. The latency is the time to the response headers, which is what the load
   * balancer can affect; the body is then read and thrown away (so a kept-alive connection
   * can be reused), within the same timeout.
   */
  #http(target: VipTarget, signal?: AbortSignal): Promise<ProbeOutcome> {
    const { timeoutMs, host, uri, header, insecure, keepalive } = this.options;
    const tls = target.kind === 'https';
    const started = performance.now();
    const headers: Record<string, string> = {
      'user-agent': MAGLEVT_USER_AGENT,
      accept: '*/*',
      connection: keepalive ? 'keep-alive' : 'close',
    };
    if (host !== '') headers.host = host;
    const serverName = host === '' ? undefined : host.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
    const agent = keepalive ? (tls ? this.#httpsAgent : this.#httpAgent) : false;
    return new Promise((resolve, reject) => {
      let outcome: ProbeOutcome | null = null;
      let settled = false;
      const finish = (settle: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        settle();
      };
      const fail = (o: ProbeOutcome) => {
        req.destroy();
        finish(() => resolve(o));
      };
      const onAbort = () => {
        req.destroy();
        finish(() => reject(new ProbeAbortedError(target.name)));
      };
      const timer = setTimeout(() => {
        // Headers came but the body did not finish: the answer still counts, the socket goes.
        if (outcome) fail(outcome);
        else fail({ kind: 'timeout', latencyMs: performance.now() - started, timeoutMs });
      }, timeoutMs);
      const options = {
        host: target.address,
        port: target.port,
        path: uri,
        method: 'GET',
        headers,
        agent: agent ?? false,
        ...(tls
          ? {
              rejectUnauthorized: !insecure,
              ...(serverName !== undefined && isIP(serverName) === 0 ? { servername: serverName } : {}),
            }
          : {}),
      };
      const req = (tls ? httpsRequest : httpRequest)(options, (res: IncomingMessage) => {
        const latencyMs = performance.now() - started;
        const raw = res.headers[header.toLowerCase()];
        const value = raw === undefined ? null : Array.isArray(raw) ? raw.join(', ') : raw;
        const status = res.statusCode ?? 0;
        outcome =
          status >= 500
            ? { kind: 'http-error', latencyMs, status, header: value }
            : { kind: 'ok', latencyMs, status, header: value };
        const done = outcome;
        res.on('end', () => finish(() => resolve(done)));
        // A connection cut mid-body still gave its answer.
        res.on('error', () => fail(done));
        res.on('aborted', () => fail(done));
        res.resume();
      });
      req.on('error', (err) => {
        if (outcome) fail(outcome);
        else
          fail({
            kind: 'net-error',
            latencyMs: performance.now() - started,
            code: errorCode(err),
            message: errorMessage(err),
          });
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      req.end();
    });
  }
}
