import type { ProbeResult } from '../types.js';
import type { ProbeTarget } from './common.js';
import { probeHttp } from './http.js';
import { IcmpPinger } from './icmp.js';
import { probeTcp } from './tcp.js';

export type { ProbeFunction, ProbeTarget } from './common.js';
export { DEFAULT_HTTP_PARAMS, MAX_BODY_BYTES, probeHttp, USER_AGENT } from './http.js';
export { IcmpPinger } from './icmp.js';
export { probeTcp } from './tcp.js';

/** Something that runs probes: in this process, or in a worker inside a network namespace. */
export interface Prober {
  probe(target: ProbeTarget, signal?: AbortSignal): Promise<ProbeResult>;
  close(): Promise<void>;
}

/** Runs probes in the current process and network namespace. */
export class LocalProber implements Prober {
  private readonly icmp = new IcmpPinger();

  probe(target: ProbeTarget, signal?: AbortSignal): Promise<ProbeResult> {
    switch (target.healthcheck.type) {
      case 'tcp':
        return probeTcp(target, signal);
      case 'http':
      case 'https':
        return probeHttp(target, signal);
      case 'icmp':
        return this.icmp.probe(target, signal);
    }
  }

  async close(): Promise<void> {
    this.icmp.close();
  }
}
