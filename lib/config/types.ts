import type { ConfigWarning } from './errors.js';

/**
 * The typed, frozen configuration that ConfigLoader produces from maglev.yaml. Durations are in
 * milliseconds, addresses in canonical text form (IPv6 compressed, lower case).
 * Maps keep the order of the YAML file: it is the order the API lists things in.
 */

export type HealthCheckType = 'icmp' | 'tcp' | 'http' | 'https';
export type FrontendProtocol = 'tcp' | 'udp' | 'any';
export type AddressFamily = 4 | 6;

/** An inclusive range of accepted HTTP status codes. */
export interface StatusRange {
  readonly from: number;
  readonly to: number;
}

/** `params` of an http or https health check. */
export interface HttpParams {
  /** Request path, default "/". */
  readonly path: string;
  /** Host header; default: the backend address. */
  readonly host: string | null;
  /** HTTP method, default GET. */
  readonly method: string;
  /** Accepted status codes, default 200-399. */
  readonly responseCodes: readonly StatusRange[];
  /** A regular expression the body must match (JavaScript syntax); null: not checked. */
  readonly responseRegex: string | null;
  /** https only: TLS SNI and the name the certificate must carry; default: host, else none. */
  readonly serverName: string | null;
  /** https only: accept any certificate. Default false. */
  readonly insecureSkipVerify: boolean;
}

export interface HealthCheckConfig {
  readonly name: string;
  readonly type: HealthCheckType;
  /** Destination port; null for icmp. */
  readonly port: number | null;
  /** Set for http and https, null otherwise. */
  readonly http: HttpParams | null;
  readonly interval: number;
  readonly fastInterval: number;
  readonly downInterval: number;
  readonly timeout: number;
  readonly rise: number;
  readonly fall: number;
  /** Source address of IPv4 probes; null lets the kernel choose. */
  readonly probeIpv4Src: string | null;
  readonly probeIpv6Src: string | null;
}

export interface BackendConfig {
  readonly name: string;
  readonly address: string;
  readonly family: AddressFamily;
  readonly healthcheck: string;
  readonly enabled: boolean;
}

export interface PoolBackendConfig {
  readonly name: string;
  /** 0-100, default 100. */
  readonly weight: number;
}

export interface PoolConfig {
  readonly name: string;
  /** In YAML order. */
  readonly backends: readonly PoolBackendConfig[];
}

export interface FrontendConfig {
  readonly name: string;
  readonly description: string;
  readonly address: string;
  readonly family: AddressFamily;
  readonly protocol: FrontendProtocol;
  /** 0 for protocol any. */
  readonly port: number;
  readonly srcIpSticky: boolean;
  readonly flushOnDown: boolean;
  /** Ordered by priority: the first pool with a backend up serves. */
  readonly pools: readonly PoolConfig[];
}

export interface HealthCheckerConfig {
  readonly transitionHistory: number;
  /** Network namespace probes run in; null for the current one. */
  readonly netns: string | null;
}

export interface VppLbConfig {
  readonly syncInterval: number;
  readonly ipv4SrcAddress: string | null;
  readonly ipv6SrcAddress: string | null;
  readonly stickyBucketsPerCore: number;
  /** Whole seconds expressed in milliseconds (1000-120000). */
  readonly flowTimeout: number;
  readonly startupMinDelay: number;
  readonly startupMaxDelay: number;
}

export interface Config {
  readonly healthchecker: HealthCheckerConfig;
  readonly healthchecks: ReadonlyMap<string, HealthCheckConfig>;
  readonly backends: ReadonlyMap<string, BackendConfig>;
  readonly frontends: ReadonlyMap<string, FrontendConfig>;
  readonly vpp: { readonly lb: VppLbConfig };
  /**
   * What the file does that works but deserves a look (a setting with no effect, a timeout that
   * slows failure detection, ...), in file order. Every Config that ConfigLoader returns has it,
   * possibly empty; a Config built by hand may leave it out. Not compared by diffConfig.
   */
  readonly warnings?: readonly ConfigWarning[];
}

/** A Config as ConfigLoader returns it: its warnings are always there, possibly none. */
export type CheckedConfig = Config & { readonly warnings: readonly ConfigWarning[] };
