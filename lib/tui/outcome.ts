/** What one probe of a VIP saw. Produced by the probes, consumed by the statistics. */
export type ProbeOutcome =
  /** An HTTP answer below 500, or a TCP connection that opened. */
  | {
      readonly kind: 'ok';
      readonly latencyMs: number;
      /** The HTTP status; null for a TCP connect. */
      readonly status: number | null;
      /** The tallied response header's value; null when absent or for TCP. */
      readonly header: string | null;
    }
  /** An HTTP answer of 500 or more: a backend answered, but with an error. */
  | {
      readonly kind: 'http-error';
      readonly latencyMs: number;
      readonly status: number;
      readonly header: string | null;
    }
  /** No answer within the timeout. */
  | { readonly kind: 'timeout'; readonly latencyMs: number; readonly timeoutMs: number }
  /** The connection failed: refused, reset, unreachable, a TLS error. */
  | {
      readonly kind: 'net-error';
      readonly latencyMs: number;
      readonly code: string;
      readonly message: string;
    };

/** The classes of the error panel. */
export const ERROR_CLASSES = ['timeout', 'http-err', 'net-err', 'spike'] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

export function isFailure(o: ProbeOutcome): boolean {
  return o.kind !== 'ok';
}

/** The LAST column: the HTTP status, "open" for a TCP connect, "timeout", or the error code. */
export function outcomeLabel(o: ProbeOutcome): string {
  switch (o.kind) {
    case 'ok':
      return o.status === null ? 'open' : String(o.status);
    case 'http-error':
      return String(o.status);
    case 'timeout':
      return 'timeout';
    case 'net-error':
      return o.code;
  }
}
