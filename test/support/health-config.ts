/**
 * Builds frozen Config objects for health checker tests without the YAML loader: defaults for
 * everything a test does not care about, Maps in the order given.
 */
import { isIPv4 } from 'node:net';
import type {
  BackendConfig,
  Config,
  FrontendConfig,
  HealthCheckConfig,
  HttpParams,
} from '../../lib/config/types.js';

export function httpParams(p: Partial<HttpParams> = {}): HttpParams {
  return Object.freeze({
    path: '/',
    host: null,
    method: 'GET',
    responseCodes: [{ from: 200, to: 399 }],
    responseRegex: null,
    serverName: null,
    insecureSkipVerify: false,
    ...p,
  });
}

export function healthcheck(
  p: Partial<HealthCheckConfig> & Pick<HealthCheckConfig, 'name' | 'type'>,
): HealthCheckConfig {
  const needsHttp = p.type === 'http' || p.type === 'https';
  return Object.freeze({
    port: p.type === 'icmp' ? null : 80,
    http: needsHttp ? httpParams() : null,
    interval: 2000,
    fastInterval: 500,
    downInterval: 5000,
    timeout: 1000,
    rise: 2,
    fall: 3,
    probeIpv4Src: null,
    probeIpv6Src: null,
    ...p,
  });
}

export function backend(
  p: Partial<BackendConfig> & Pick<BackendConfig, 'name' | 'address' | 'healthcheck'>,
): BackendConfig {
  return Object.freeze({ family: isIPv4(p.address) ? 4 : 6, enabled: true, ...p });
}

/** A frontend with one pool per list of backend names, weight 100 each. */
export function frontend(name: string, address: string, ...pools: string[][]): FrontendConfig {
  return Object.freeze({
    name,
    description: '',
    address,
    family: isIPv4(address) ? 4 : 6,
    protocol: 'tcp',
    port: 80,
    srcIpSticky: false,
    flushOnDown: true,
    pools: pools.map((names, i) => ({
      name: `pool${i}`,
      backends: names.map((n) => ({ name: n, weight: 100 })),
    })),
  });
}

export interface ConfigParts {
  readonly healthchecks: readonly HealthCheckConfig[];
  readonly backends: readonly BackendConfig[];
  readonly frontends?: readonly FrontendConfig[];
  readonly netns?: string | null;
  readonly transitionHistory?: number;
}

export function makeConfig(parts: ConfigParts): Config {
  return Object.freeze({
    healthchecker: Object.freeze({
      transitionHistory: parts.transitionHistory ?? 5,
      netns: parts.netns ?? null,
    }),
    healthchecks: new Map(parts.healthchecks.map((h) => [h.name, h])),
    backends: new Map(parts.backends.map((b) => [b.name, b])),
    frontends: new Map((parts.frontends ?? []).map((f) => [f.name, f])),
    vpp: Object.freeze({
      lb: Object.freeze({
        syncInterval: 30_000,
        ipv4SrcAddress: null,
        ipv6SrcAddress: null,
        stickyBucketsPerCore: 65536,
        flowTimeout: 40_000,
        startupMinDelay: 5000,
        startupMaxDelay: 30_000,
      }),
    }),
  });
}
