import { Document } from 'yaml';
import { formatStatusRanges } from './http-params.js';
import type { Config, HealthCheckConfig } from './types.js';

/**
 * A duration in Go syntax that parses back to exactly the same number: whole milliseconds as
 * "1h2m3s4ms" (integer parts add up exactly), anything finer in nanoseconds.
 */
export function durationText(ms: number): string {
  if (!Number.isInteger(ms)) return `${Math.round(ms * 1e6)}ns`;
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  let out = '';
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return sign + out;
}

function healthcheckYaml(hc: HealthCheckConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { type: hc.type };
  if (hc.port !== null) out.port = hc.port;
  if (hc.http !== null) {
    const p = hc.http;
    const params: Record<string, unknown> = { path: p.path };
    if (p.host !== null) params.host = p.host;
    params.method = p.method;
    params['response-codes'] = formatStatusRanges(p.responseCodes);
    if (p.responseRegex !== null) params['response-regex'] = p.responseRegex;
    if (hc.type === 'https') {
      if (p.serverName !== null) params['server-name'] = p.serverName;
      params['insecure-skip-verify'] = p.insecureSkipVerify;
    }
    out.params = params;
  }
  out.interval = durationText(hc.interval);
  out['fast-interval'] = durationText(hc.fastInterval);
  out['down-interval'] = durationText(hc.downInterval);
  out.timeout = durationText(hc.timeout);
  out.rise = hc.rise;
  out.fall = hc.fall;
  if (hc.probeIpv4Src !== null) out['probe-ipv4-src'] = hc.probeIpv4Src;
  if (hc.probeIpv6Src !== null) out['probe-ipv6-src'] = hc.probeIpv6Src;
  return out;
}

/**
 * Writes a Config as maglev.yaml text with every value explicit, defaults included, so that
 * loading the text gives the same Config. Durations are written in Go syntax (`1m30s`); warnings
 * are not written.
 *
 * @public
 */
export function stringifyConfig(config: Config): string {
  const hcr: Record<string, unknown> = { 'transition-history': config.healthchecker.transitionHistory };
  if (config.healthchecker.netns !== null) hcr.netns = config.healthchecker.netns;

  const lb = config.vpp.lb;
  const lbYaml: Record<string, unknown> = { 'sync-interval': durationText(lb.syncInterval) };
  if (lb.ipv4SrcAddress !== null) lbYaml['ipv4-src-address'] = lb.ipv4SrcAddress;
  if (lb.ipv6SrcAddress !== null) lbYaml['ipv6-src-address'] = lb.ipv6SrcAddress;
  lbYaml['sticky-buckets-per-core'] = lb.stickyBucketsPerCore;
  lbYaml['flow-timeout'] = durationText(lb.flowTimeout);
  lbYaml['startup-min-delay'] = durationText(lb.startupMinDelay);
  lbYaml['startup-max-delay'] = durationText(lb.startupMaxDelay);

  // Named sections are Maps: a plain object would move integer-like names ("1", "2") first.
  const maglev = {
    healthchecker: hcr,
    healthchecks: new Map([...config.healthchecks].map(([n, hc]) => [n, healthcheckYaml(hc)])),
    backends: new Map(
      [...config.backends].map(([n, b]) => [
        n,
        { address: b.address, healthcheck: b.healthcheck, enabled: b.enabled },
      ]),
    ),
    frontends: new Map(
      [...config.frontends].map(([n, f]) => {
        const fe: Record<string, unknown> = {
          description: f.description,
          address: f.address,
          protocol: f.protocol,
        };
        if (f.protocol !== 'any') fe.port = f.port;
        fe['src-ip-sticky'] = f.srcIpSticky;
        fe['flush-on-down'] = f.flushOnDown;
        fe.pools = f.pools.map((p) => ({
          name: p.name,
          backends: new Map(p.backends.map((b) => [b.name, { weight: b.weight }])),
        }));
        return [n, fe];
      }),
    ),
    vpp: { lb: lbYaml },
  };
  return new Document({ maglev }).toString({ lineWidth: 0 });
}
