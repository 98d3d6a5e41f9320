import { VppUnsupportedMessageError } from '../../vpp-api/index.js';
import type { Config } from '../config/types.js';
import type { Logger } from '../events/logger.js';
import { frontendVipKey, vipProtocolName } from '../plan/vip.js';
import type { VppClient } from '../vpp/client.js';
import type { ShowLbVip } from '../vpp/show-lb-vips.js';
import { readLbVipCounters } from '../vpp/stats/lb-counters.js';
import { vipKeyString } from '../vpp/types.js';

/**
 * One VIP's counters as last read. Counts are packets since VPP started (route bytes in bytes).
 *
 * @public
 */
export interface VipCounterRow {
  /** The VIP's prefix, e.g. "192.0.2.1/32". */
  readonly prefix: string;
  /** IP protocol number: 6 tcp, 17 udp, 255 any. */
  readonly protocol: number;
  /** The VIP's port; 0 for all ports. */
  readonly port: number;
  /** The frontend of this VIP, "" for a VIP maglevd does not manage. */
  readonly frontend: string;
  /** Packets of known flows (VPP's "packet from existing sessions"). */
  readonly next: bigint;
  /** First packets of new flows. */
  readonly first: bigint;
  /** Packets sent without a flow entry, the sticky table being full. */
  readonly untracked: bigint;
  /** Packets that found no application server to go to (VPP's "no server configured"). */
  readonly noServer: bigint;
  /** Packets routed to the VIP's prefix (`/net/route/to`); 0 when VPP cannot say. */
  readonly routePackets: bigint;
  /** Bytes routed to the VIP's prefix. */
  readonly routeBytes: bigint;
}

/**
 * Every VIP's counters from one read of the stats segment.
 *
 * @public
 */
export interface VipCounterSnapshot {
  /** Unix ms of the read. */
  readonly at: number;
  /** One row per active VIP in VPP, managed by maglevd or not. */
  readonly vips: readonly VipCounterRow[];
}

/**
 * Reads the lb plugin's per-VIP counters from VPP's stats segment every few seconds (5 s, as
 * the original). VIP pool indexes, which key the counters, come from `show lb vips verbose`.
 * Each VIP's route counters are `/net/route/to` at the stats index of its prefix's FIB entry,
 * which `ip_route_lookup` gives; those indexes are cached, and looked up again when the set of
 * VIPs changes or VPP reconnects. A failed read keeps the last snapshot and is logged at debug
 * as `vpp-lb-stats-error`.
 *
 * @public
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
  /** VIP prefix → its FIB entry's stats index, for the VIP set `#routesFor`. */
  #routes = new Map<string, number>();
  #routesFor = '';
  /** The connected VPP lacks ip_route_lookup: route counters stay 0 until it reconnects. */
  #noRouteLookup = false;
  /** Bumped by pause(): a read that started before belongs to the VPP that went away. */
  #generation = 0;
  /** The last read's error message; null after a successful read. */
  lastError: string | null = null;

  /**
   * Nothing is read until {@link VipCounterScraper.start} and {@link VipCounterScraper.resume}.
   *
   * @param opts - `vpp`: the session whose stats segment is read; `logger`: gets the debug
   *   lines; `intervalMs`: the read period in milliseconds.
   */
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

  /** Begins the periodic reads (they wait for {@link VipCounterScraper.resume}: VPP connected). */
  start(): void {
    this.#schedule(0);
  }

  /** VPP went away: stop reading and drop the numbers (they belong to that VPP). */
  pause(): void {
    this.#paused = true;
    this.#generation++;
    this.#snapshot = null;
    // Stats indexes belong to that VPP's FIB, too.
    this.#routes = new Map();
    this.#routesFor = '';
    this.#noRouteLookup = false;
  }

  /** VPP is connected: read now and every `intervalMs`. */
  resume(): void {
    this.#paused = false;
    this.#schedule(0);
  }

  /** The last successful read; null before the first and while paused. */
  snapshot(): VipCounterSnapshot | null {
    return this.#snapshot;
  }

  /** Rows for the Prometheus VIP counters: the snapshot with names for protocols, numbers for counts. */
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

  /** Reads once now. Never rejects: a failure sets `lastError` and keeps the last snapshot. */
  async scrape(): Promise<void> {
    const stats = this.#vpp.stats;
    if (!stats || !this.#vpp.info) return;
    const generation = this.#generation;
    try {
      const vips = (await this.#vpp.lb.listVipIndexes()).filter((v) => !v.removed);
      await this.#lookupRoutes(vips);
      const routeOf = (prefix: string) => this.#routes.get(prefix);
      const fibIndexes = new Set<number>();
      for (const v of vips) {
        const r = routeOf(v.prefix);
        if (r !== undefined) fibIndexes.add(r);
      }
      const counters = await readLbVipCounters(stats, {
        vipIndexes: vips.map((v) => v.index),
        fibIndexes,
      });
      if (generation !== this.#generation) return;
      const names = this.#frontendOf();
      this.#snapshot = {
        at: Date.now(),
        vips: vips.map((v) => {
          const c = counters.vips.get(v.index);
          const fib = routeOf(v.prefix);
          const route = fib === undefined ? undefined : counters.routes.get(fib);
          return {
            prefix: v.prefix,
            protocol: v.protocol,
            port: v.port,
            frontend: names.get(vipKeyString(v)) ?? '',
            next: c?.next ?? 0n,
            first: c?.first ?? 0n,
            untracked: c?.untracked ?? 0n,
            noServer: c?.noServer ?? 0n,
            routePackets: route?.packets ?? 0n,
            routeBytes: route?.bytes ?? 0n,
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
            route_packets: String(v.routePackets),
            route_bytes: String(v.routeBytes),
          });
        }
      }
    } catch (e) {
      this.lastError = (e as Error).message;
      this.#logger.debug('vpp-lb-stats-error', { err: this.lastError });
    }
  }

  /**
   * Looks up the FIB stats index of every VIP prefix once per VIP set: a changed set (VIPs
   * added, removed or re-created under a new pool index) looks them all up again, since a
   * prefix's entry is re-created with a new index when its last VIP goes. VIPs that share a
   * prefix share its entry. A prefix VPP has no entry for is asked again at the next scrape.
   */
  async #lookupRoutes(vips: readonly ShowLbVip[]): Promise<void> {
    if (this.#noRouteLookup) return;
    const set = vips
      .map((v) => `${vipKeyString(v)}#${v.index}`)
      .sort()
      .join(',');
    if (set !== this.#routesFor) {
      this.#routes = new Map();
      this.#routesFor = set;
    }
    const missing = [...new Set(vips.map((v) => v.prefix))].filter((p) => !this.#routes.has(p));
    if (missing.length === 0) return;
    const routes = this.#routes;
    try {
      const found = await Promise.all(missing.map((p) => this.#vpp.lb.routeStatsIndex(p)));
      for (const [i, index] of found.entries()) if (index !== null) routes.set(missing[i] as string, index);
    } catch (e) {
      if (!(e instanceof VppUnsupportedMessageError)) throw e;
      this.#noRouteLookup = true;
      this.#logger.debug('vpp-lb-stats-error', { err: `route counters stay 0: ${e.message}` });
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

  /** Stops reading; resolves once a read in flight is over. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
  }
}

/**
 * VIP key string → frontend name for a config (the keys VPP lists its VIPs under).
 *
 * @public
 */
export function frontendsByVipKey(config: Config): Map<string, string> {
  const m = new Map<string, string>();
  for (const fe of config.frontends.values()) m.set(vipKeyString(frontendVipKey(fe)), fe.name);
  return m;
}
