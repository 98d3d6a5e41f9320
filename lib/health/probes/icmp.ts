/**
 * ICMP echo probes. They run in the native probe engine (native/icmp.c): Node has no raw
 * sockets, and there is no JS fallback; without the addon an ICMP probe fails with a result
 * that says so.
 */
import type { ProbeResult } from '../types.js';
import { ABORTED_DETAIL, type ProbeTarget } from './common.js';
import { NativeProbeEngine } from './engine.js';

/**
 * The result of an ICMP probe when the native addon is missing or too old; `reason` says why.
 *
 * @public
 */
export function icmpUnavailable(reason: string): ProbeResult {
  return {
    ok: false,
    code: 'SOCKERR',
    detail: `ICMP probes need the native addon (${reason})`,
    durationMs: 0,
  };
}

/** The result of an ICMP probe whose target the engine refused (an address it cannot parse). */
const UNUSABLE_TARGET: ProbeResult = {
  ok: false,
  code: 'L4CON',
  detail: 'icmp: the probe engine cannot take this address',
  durationMs: 0,
};

/** An ICMP probe on `engine`, or the result that says why there is no engine. */
export function icmpProbe(
  engine: NativeProbeEngine | Error,
  target: ProbeTarget,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  if (engine instanceof Error) return Promise.resolve(icmpUnavailable(engine.message));
  return engine.probe(target, signal) ?? Promise.resolve(UNUSABLE_TARGET);
}

/**
 * Options of {@link IcmpPinger}.
 *
 * @public
 */
export interface IcmpPingerOptions {
  /** Where build/Release/vpp_maglev_native.node is looked for; default the package root. */
  readonly packageRoot?: string | null;
}

/**
 * ICMP echo probes through a native probe engine of their own: one raw socket (or, without
 * CAP_NET_RAW, an unprivileged ping socket) per address family and source address, shared by
 * all probes, replies matched by address, identifier and sequence number.
 *
 * @public
 */
export class IcmpPinger {
  private engine: NativeProbeEngine | Error | undefined;
  private closed = false;

  constructor(private readonly options: IcmpPingerOptions = {}) {}

  /** Sends one echo request and resolves with the outcome; never rejects. */
  probe(target: ProbeTarget, signal?: AbortSignal): Promise<ProbeResult> {
    if (signal?.aborted || this.closed) {
      return Promise.resolve({ ok: false, code: 'L4CON', detail: ABORTED_DETAIL, durationMs: 0 });
    }
    this.engine ??= NativeProbeEngine.open(this.options.packageRoot);
    return icmpProbe(this.engine, target, signal);
  }

  /** Closes the engine and its sockets; later probes resolve as cancelled. */
  close(): void {
    this.closed = true;
    if (this.engine instanceof NativeProbeEngine) this.engine.close();
  }
}
