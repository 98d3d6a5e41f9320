import { basename } from 'node:path';
import type { Config, FrontendConfig, FrontendProtocol, HealthCheckConfig } from '../config/types.js';

/**
 * How a VIP is probed: an HTTP or HTTPS request, or a TCP connect.
 *
 * @beta
 */
export type ProbeKind = 'http' | 'https' | 'tcp';

/** Ports that are HTTPS and HTTP whatever the health checks say. */
export const HTTPS_PORTS: ReadonlySet<number> = new Set([443, 8443]);
export const HTTP_PORTS: ReadonlySet<number> = new Set([80, 8080]);

/**
 * One row of maglevt: a VIP from a configuration file, and how (or why not) it is probed.
 *
 * @beta
 */
export interface VipTarget {
  /** The row's label: the frontend name, qualified by its file when two files reuse a name. */
  readonly name: string;
  /** The frontend's name in its configuration. */
  readonly frontend: string;
  /** The configuration file the VIP was first found in, as given. */
  readonly file: string;
  /** The VIP address, canonical text. */
  readonly address: string;
  /** The frontend's protocol: tcp, udp or any. */
  readonly protocol: FrontendProtocol;
  /** The port probed: the frontend's, or for protocol any the one its health checks use; 0 if none. */
  readonly port: number;
  /** null: not probed (see `reason`). */
  readonly kind: ProbeKind | null;
  /** Why it is probed this way, or why it is not probed. */
  readonly reason: string;
}

/**
 * A parsed configuration and the file it came from, as {@link vipTargets} takes them.
 *
 * @beta
 */
export interface LoadedConfig {
  /** The file's path, as given; it labels rows when two files reuse a frontend name. */
  readonly file: string;
  /** The parsed configuration. */
  readonly config: Config;
}

interface KindChoice {
  readonly kind: ProbeKind | null;
  readonly port: number;
  readonly reason: string;
}

/** The health checks of a frontend's backends, in pool order, each once. */
function frontendHealthChecks(fe: FrontendConfig, config: Config): HealthCheckConfig[] {
  const seen = new Set<string>();
  const out: HealthCheckConfig[] = [];
  for (const pool of fe.pools) {
    for (const member of pool.backends) {
      const hcName = config.backends.get(member.name)?.healthcheck;
      if (hcName === undefined || seen.has(hcName)) continue;
      seen.add(hcName);
      const hc = config.healthchecks.get(hcName);
      if (hc) out.push(hc);
    }
  }
  return out;
}

/**
 * How to probe a frontend:
 * - udp: not probed; there is no request every UDP service answers.
 * - tcp on 443 or 8443: HTTPS; on 80 or 8080: HTTP.
 * - tcp on another port: HTTPS or HTTP when a backend's health check of that type probes that
 *   same port (the first in pool order decides), otherwise a TCP connect.
 * - any (every port): the first backend health check with a port gives the port and the kind
 *   (tcp → connect); with only icmp checks there is no port to try, so not probed.
 */
export function chooseProbe(fe: FrontendConfig, config: Config): KindChoice {
  if (fe.protocol === 'udp') return { kind: null, port: fe.port, reason: 'udp' };
  const checks = frontendHealthChecks(fe, config);
  if (fe.protocol === 'any') {
    const hc = checks.find((c) => c.port !== null);
    if (!hc || hc.port === null)
      return { kind: null, port: 0, reason: 'protocol any, and no health check has a port' };
    const kind: ProbeKind = hc.type === 'http' || hc.type === 'https' ? hc.type : 'tcp';
    return { kind, port: hc.port, reason: `protocol any: port of health check ${hc.name}` };
  }
  if (HTTPS_PORTS.has(fe.port)) return { kind: 'https', port: fe.port, reason: `port ${fe.port}` };
  if (HTTP_PORTS.has(fe.port)) return { kind: 'http', port: fe.port, reason: `port ${fe.port}` };
  const web = checks.find((c) => (c.type === 'http' || c.type === 'https') && c.port === fe.port);
  if (web) return { kind: web.type as ProbeKind, port: fe.port, reason: `health check ${web.name}` };
  return { kind: 'tcp', port: fe.port, reason: 'no HTTP health check on this port' };
}

/** The file's name without directory and .yaml/.yml, to qualify duplicate frontend names. */
function fileLabel(file: string): string {
  return basename(file).replace(/\.ya?ml$/i, '');
}

/**
 * Every VIP of the configurations, in file order then config order. The same VIP (address,
 * protocol and port) in several files is one row, named after its first appearance. The filter
 * keeps a VIP when it matches the frontend name, the row's label or the address.
 *
 * How each is probed: udp is not; tcp on 443/8443 is HTTPS, on 80/8080 HTTP, on another port
 * HTTP(S) when a backend's health check of that type uses the same port, else a TCP connect;
 * protocol any takes the port and kind of the first backend health check that has a port.
 *
 * @beta
 */
export function vipTargets(configs: readonly LoadedConfig[], filter: RegExp | null = null): VipTarget[] {
  const byKey = new Map<string, VipTarget>();
  const names = new Map<string, number>();
  const candidates: { target: Omit<VipTarget, 'name'>; key: string }[] = [];
  for (const { file, config } of configs) {
    for (const fe of config.frontends.values()) {
      const key = `${fe.address}|${fe.protocol}|${fe.port}`;
      if (candidates.some((c) => c.key === key)) continue;
      const choice = chooseProbe(fe, config);
      candidates.push({
        key,
        target: {
          frontend: fe.name,
          file,
          address: fe.address,
          protocol: fe.protocol,
          port: choice.port,
          kind: choice.kind,
          reason: choice.reason,
        },
      });
      names.set(fe.name, (names.get(fe.name) ?? 0) + 1);
    }
  }
  for (const { key, target } of candidates) {
    const name =
      (names.get(target.frontend) ?? 0) > 1
        ? `${fileLabel(target.file)}/${target.frontend}`
        : target.frontend;
    byKey.set(key, Object.freeze({ name, ...target }));
  }
  const all = [...byKey.values()];
  if (filter === null) return all;
  return all.filter((t) => filter.test(t.frontend) || filter.test(t.name) || filter.test(t.address));
}

/** "192.0.2.1:80", "[2001:db8::1]:443"; protocol any without a port shows the address alone. */
export function formatEndpoint(t: Pick<VipTarget, 'address' | 'port' | 'protocol'>): string {
  const host = t.address.includes(':') ? `[${t.address}]` : t.address;
  if (t.port === 0) return host;
  return t.protocol === 'udp' ? `${host}:${t.port}/udp` : `${host}:${t.port}`;
}
