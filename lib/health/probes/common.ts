import type { HealthCheckConfig } from '../../config/types.js';
import { formatDuration } from '../../util/duration.js';
import type { ProbeCode, ProbeResult } from '../types.js';

/**
 * What a probe needs: plain data, so that it can cross to a probe worker process.
 *
 * @public
 */
export interface ProbeTarget {
  /** The backend's address. */
  readonly address: string;
  /** Its address family. */
  readonly family: 4 | 6;
  /** The health check to run against it. */
  readonly healthcheck: HealthCheckConfig;
}

/**
 * Runs one probe. Never rejects: every failure is a result with a code.
 *
 * @public
 */
export type ProbeFunction = (target: ProbeTarget, signal?: AbortSignal) => Promise<ProbeResult>;

export function result(ok: boolean, code: ProbeCode, detail: string, startedAt: number): ProbeResult {
  return { ok, code, detail, durationMs: performance.now() - startedAt };
}

export function timeoutDetail(ms: number): string {
  return `timeout after ${formatDuration(ms)}`;
}

/** "ECONNREFUSED", or the message when a system error has no code. */
export function errorName(err: unknown): string {
  if (err && typeof err === 'object') {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    const message = (err as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '') return message;
  }
  return String(err);
}

/** The source address a probe binds to for this family, or undefined to let the kernel choose. */
export function sourceAddress(target: ProbeTarget): string | undefined {
  const src = target.family === 4 ? target.healthcheck.probeIpv4Src : target.healthcheck.probeIpv6Src;
  return src ?? undefined;
}

export const ABORTED_DETAIL = 'probe cancelled';
