import type { ProbeResult } from '../types.js';
import type { ProbeTarget } from './common.js';
import { NativeProbeEngine, type ProbeCallback } from './engine.js';
import { probeHttp } from './http.js';
import { icmpProbe } from './icmp.js';
import { probeTcp } from './tcp.js';

export type { ProbeFunction, ProbeTarget } from './common.js';
export {
  httpRequestBytes,
  loadProbeEngineAddon,
  NativeProbeEngine,
  type ProbeCallback,
} from './engine.js';
export { DEFAULT_HTTP_PARAMS, MAX_BODY_BYTES, probeHttp, USER_AGENT } from './http.js';
export { IcmpPinger, type IcmpPingerOptions, icmpUnavailable } from './icmp.js';
export { probeTcp } from './tcp.js';

/**
 * Something that runs probes: in this process, or in a worker inside a network namespace.
 *
 * @public
 */
export interface Prober {
  /** Runs one probe; never rejects (every failure is a result with a code). */
  probe(target: ProbeTarget, signal?: AbortSignal): Promise<ProbeResult>;
  /**
   * The cheaper way, where a prober has it: no promise, no AbortSignal. Starts a probe and
   * calls `done(context, result)` once, on a later turn, unless the returned ticket is
   * cancelled first.
   */
  start?<C>(target: ProbeTarget, done: ProbeCallback<C>, context: C): number;
  /** Drops a probe start() began; its callback is then never called. */
  cancel?(ticket: number): void;
  /** Stops every probe and frees sockets, timers and workers. */
  close(): Promise<void>;
}

/**
 * Which engine runs TCP and HTTP probes: the addon's when it loads (`auto`), or Node's sockets.
 * ICMP probes always run in the addon's engine.
 *
 * @public
 */
export type ProbeEngineChoice = 'auto' | 'js';

/**
 * Options of {@link LocalProber}.
 *
 * @public
 */
export interface LocalProberOptions {
  /** Default `auto`. */
  readonly engine?: ProbeEngineChoice;
  /** Where build/Release/vpp_maglev_native.node is looked for; default the package root. */
  readonly packageRoot?: string | null;
}

/**
 * Runs probes in the current process and network namespace. TCP and HTTP probes go to the
 * native probe engine when the addon provides one, else to the JS probes (probeTcp,
 * probeHttp); HTTPS always runs on Node's TLS. ICMP probes need the engine: without the addon
 * they fail with a result that says so.
 *
 * @public
 */
export class LocalProber implements Prober {
  private native: NativeProbeEngine | null | undefined;
  /** The engine for ICMP probes when JS probes were chosen for TCP and HTTP. */
  private icmpOnly: NativeProbeEngine | Error | undefined;
  private nativeError: string | null = null;
  /** Probes start() ran as JS probes, by (negative) ticket: native tickets are never negative. */
  private readonly jsProbes = new Map<number, AbortController>();
  private nextJsTicket = -1;

  constructor(private readonly options: LocalProberOptions = {}) {
    if (options.engine === 'js') {
      this.native = null;
      this.nativeError = 'JS probes chosen';
    }
  }

  /** `native`, or `js` with the reason (the addon is missing, too old, or JS was chosen). */
  engine(): { readonly engine: 'native' | 'js'; readonly reason: string | null } {
    const native = this.engineOrNull();
    return native ? { engine: 'native', reason: null } : { engine: 'js', reason: this.nativeError };
  }

  /** Runs one probe; never rejects. */
  probe(target: ProbeTarget, signal?: AbortSignal): Promise<ProbeResult> {
    switch (target.healthcheck.type) {
      case 'tcp':
        return this.engineOrNull()?.probe(target, signal) ?? probeTcp(target, signal);
      case 'http':
        return this.engineOrNull()?.probe(target, signal) ?? probeHttp(target, signal);
      case 'https':
        return probeHttp(target, signal);
      case 'icmp':
        return icmpProbe(this.icmpEngine(), target, signal);
    }
  }

  /** Starts a probe without a promise; see {@link Prober.start}. */
  start<C>(target: ProbeTarget, done: ProbeCallback<C>, context: C): number {
    const type = target.healthcheck.type;
    if (type === 'tcp' || type === 'http') {
      const ticket = this.engineOrNull()?.start(target, done, context) ?? null;
      if (ticket !== null) return ticket;
    } else if (type === 'icmp') {
      const engine = this.icmpEngine();
      const ticket = engine instanceof Error ? null : engine.start(target, done, context);
      if (ticket !== null) return ticket;
    }
    const ticket = this.nextJsTicket--;
    const ac = new AbortController();
    this.jsProbes.set(ticket, ac);
    void this.probe(target, ac.signal).then((result) => {
      if (this.jsProbes.delete(ticket)) done(context, result);
    });
    return ticket;
  }

  /** Drops a probe start() began. */
  cancel(ticket: number): void {
    if (ticket >= 0) {
      // Tickets of the two engines overlap; only one of them exists.
      this.native?.cancel(ticket);
      if (this.icmpOnly instanceof NativeProbeEngine) this.icmpOnly.cancel(ticket);
      return;
    }
    const ac = this.jsProbes.get(ticket);
    this.jsProbes.delete(ticket);
    ac?.abort();
  }

  /** Stops every probe and closes the engines. */
  async close(): Promise<void> {
    for (const ac of this.jsProbes.values()) ac.abort();
    this.jsProbes.clear();
    this.native?.close();
    if (this.icmpOnly instanceof NativeProbeEngine) this.icmpOnly.close();
  }

  /** The engine ICMP probes run in: the shared one, or one of their own under `engine: 'js'`. */
  private icmpEngine(): NativeProbeEngine | Error {
    const native = this.engineOrNull();
    if (native) return native;
    if (this.options.engine !== 'js') return new Error(this.nativeError ?? 'no probe engine');
    this.icmpOnly ??= NativeProbeEngine.open(this.options.packageRoot);
    return this.icmpOnly;
  }

  private engineOrNull(): NativeProbeEngine | null {
    if (this.native === undefined) {
      const opened = NativeProbeEngine.open(this.options.packageRoot);
      if (opened instanceof Error) {
        this.native = null;
        this.nativeError = opened.message;
      } else {
        this.native = opened;
      }
    }
    return this.native;
  }
}
