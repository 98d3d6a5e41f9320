import type { ProbeResult } from '../types.js';
import type { ProbeTarget } from './common.js';
import { NativeProbeEngine } from './engine.js';
import { probeHttp } from './http.js';
import { IcmpPinger } from './icmp.js';
import { probeTcp } from './tcp.js';

export type { ProbeFunction, ProbeTarget } from './common.js';
export { httpRequestBytes, loadProbeEngineAddon, NativeProbeEngine } from './engine.js';
export { DEFAULT_HTTP_PARAMS, MAX_BODY_BYTES, probeHttp, USER_AGENT } from './http.js';
export { IcmpPinger } from './icmp.js';
export { probeTcp } from './tcp.js';

/** Something that runs probes: in this process, or in a worker inside a network namespace. */
export interface Prober {
  probe(target: ProbeTarget, signal?: AbortSignal): Promise<ProbeResult>;
  close(): Promise<void>;
}

/** Which engine runs TCP and HTTP probes: the addon's when it loads (`auto`), or Node's sockets. */
export type ProbeEngineChoice = 'auto' | 'js';

export interface LocalProberOptions {
  /** Default `auto`. */
  readonly engine?: ProbeEngineChoice;
  /** Where build/Release/vpp_maglev_native.node is looked for; default the package root. */
  readonly packageRoot?: string | null;
}

/**
 * Runs probes in the current process and network namespace. TCP and HTTP probes go to the
 * native probe engine when the addon provides one, else to the JS probes (probeTcp,
 * probeHttp); HTTPS always runs on Node's TLS, ICMP on net-ping's raw sockets.
 */
export class LocalProber implements Prober {
  private readonly icmp = new IcmpPinger();
  private native: NativeProbeEngine | null | undefined;
  private nativeError: string | null = null;

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

  probe(target: ProbeTarget, signal?: AbortSignal): Promise<ProbeResult> {
    switch (target.healthcheck.type) {
      case 'tcp':
        return this.engineOrNull()?.probe(target, signal) ?? probeTcp(target, signal);
      case 'http':
        return this.engineOrNull()?.probe(target, signal) ?? probeHttp(target, signal);
      case 'https':
        return probeHttp(target, signal);
      case 'icmp':
        return this.icmp.probe(target, signal);
    }
  }

  async close(): Promise<void> {
    this.icmp.close();
    this.native?.close();
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
