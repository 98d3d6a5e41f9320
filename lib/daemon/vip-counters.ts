import type { Config } from '../config/types.js';
import type { Logger } from '../events/logger.js';
import { frontendVipKey, vipProtocolName } from '../plan/vip.js';
import type { VppClient } from '../vpp/client.js';
import { readLbVipCounters } from '../vpp/stats/lb-counters.js';
import { vipKeyString } from '../vpp/types.js';

export interface VipCounterRow {
  readonly prefix: string;
  readonly protocol: number;
  readonly port: number;
  /** The frontend of this VIP, "" for a VIP maglevd does not manage. */
  readonly frontend: string;
  readonly next: bigint;
  readonly first: bigint;
  readonly untracked: bigint;
  readonly noServer: bigint;
  readonly routePackets: bigint;
  readonly routeBytes: bigint;
}

export interface VipCounterSnapshot {
  /** Unix ms of the read. */
  readonly at: number;
  readonly vips: readonly VipCounterRow[];
}

/**
 * Reads the lb plugin's per-VIP counters from VPP's stats segment every few seconds (5 s, as
 * the original). VIP pool indexes, which key the counters, come from `show lb vips verbose`.
 * A failed read keeps the last snapshot and is logged at debug as `vpp-lb-stats-error`.
 */
export class VipCounterScraper {
  readonly #vpp: VppClient;
  readonly #logger: Logger;
  readonly #intervalMs: number;
  readonly #frontendOf: () => ReadonlyMap<string, string>;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #paused = true;
  #closed = false;
  #snapshot: VipCounterSnapshot | null = null;
  lastError: string | null = null;

  constructor(opts: {
    vpp: VppClient;
    logger: Logger;
    intervalMs: number;
    /** VIP key string → frontend name, for labelling. */
    frontendOf?: () => ReadonlyMap<string, string>;
  }) {
    this.#vpp = opts.vpp;
    this.#logger = opts.logger;
    this.#intervalMs = opts.intervalMs;
    this.#frontendOf = opts.frontendOf ?? (() => new Map());
  }

  start(): void {
    this.#schedule(0);
  }

  /** VPP went away: stop reading and drop the numbers (they belong to that VPP). */
  pause(): void {
    this.#paused = true;
    this.#snapshot = null;
  }

  resume(): void {
    this.#paused = false;
    this.#schedule(0);
  }

  snapshot(): VipCounterSnapshot | null {
    return this.#snapshot;
  }

  /** Rows for the Prometheus VIP counters. */
  metricsRows() {
    const snap = this.#snapshot;
    if (!snap) return [];
    return snap.vips.map((v) => ({
      prefix: v.prefix,
      protocol: vipProtocolName(v.protocol),
      port: v.port,
      next: Number(v.next),
      first: Number(v.first),
      untracked: Number(v.untracked),
      noServer: Number(v.noServer),
      routePackets: Number(v.routePackets),
      routeBytes: Number(v.routeBytes),
    }));
  }

  /** Reads once now. */
  async scrape(): Promise<void> {
    const stats = this.#vpp.stats;
    if (!stats || !this.#vpp.info) return;
    try {
      const vips = (await this.#vpp.lb.listVipIndexes()).filter((v) => !v.removed);
      const counters = await readLbVipCounters(stats, { vipIndexes: vips.map((v) => v.index) });
      const names = this.#frontendOf();
      this.#snapshot = {
        at: Date.now(),
        vips: vips.map((v) => {
          const c = counters.vips.get(v.index);
          return {
            prefix: v.prefix,
            protocol: v.protocol,
            port: v.port,
            frontend: names.get(vipKeyString(v)) ?? '',
            next: c?.next ?? 0n,
            first: c?.first ?? 0n,
            untracked: c?.untracked ?? 0n,
            noServer: c?.noServer ?? 0n,
            routePackets: 0n,
            routeBytes: 0n,
          };
        }),
      };
      this.lastError = null;
      if (this.#logger.enabled('debug')) {
        for (const v of this.#snapshot.vips) {
          this.#logger.debug('vpp-lb-stats', {
            prefix: v.prefix,
            protocol: v.protocol,
            port: v.port,
            next: String(v.next),
            first: String(v.first),
            untracked: String(v.untracked),
            no_server: String(v.noServer),
          });
        }
      }
    } catch (e) {
      this.lastError = (e as Error).message;
      this.#logger.debug('vpp-lb-stats-error', { err: this.lastError });
    }
  }

  #schedule(delay: number): void {
    if (this.#closed || this.#paused) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#running = this.scrape().finally(() => {
        this.#running = null;
        this.#schedule(this.#intervalMs);
      });
    }, delay);
    this.#timer.unref?.();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
  }
}

/** VIP key string → frontend name for a config (the keys VPP lists its VIPs under). */
export function frontendsByVipKey(config: Config): Map<string, string> {
  const m = new Map<string, string>();
  for (const fe of config.frontends.values()) m.set(vipKeyString(frontendVipKey(fe)), fe.name);
  return m;
}
