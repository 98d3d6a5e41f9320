import type { ConfigWarning } from './errors.js';

/**
 * The typed, frozen configuration that ConfigLoader produces from maglev.yaml. Durations are in
 * milliseconds, addresses in canonical text form (IPv6 compressed, lower case).
 * Maps keep the order of the YAML file: it is the order the API lists things in.
 */

/**
 * How a health check probes: ICMP echo, a TCP connect, or an HTTP(S) request.
 *
 * @public
 */
export type HealthCheckType = 'icmp' | 'tcp' | 'http' | 'https';

/**
 * A frontend's transport protocol; `any` makes an all-port VIP.
 *
 * @public
 */
export type FrontendProtocol = 'tcp' | 'udp' | 'any';

/**
 * IP version of an address: 4 or 6.
 *
 * @public
 */
export type AddressFamily = 4 | 6;

/**
 * An inclusive range of accepted HTTP status codes (100-599).
 *
 * @public
 */
export interface StatusRange {
  /** The lowest accepted code. */
  readonly from: number;
  /** The highest accepted code, not below `from`; equal to it for a single code. */
  readonly to: number;
}

/**
 * `params` of an http or https health check, defaults filled in.
 *
 * @public
 */
export interface HttpParams {
  /** Request path, starting with `/`, query string allowed; default "/". */
  readonly path: string;
  /** Host header; null: the backend address. */
  readonly host: string | null;
  /** HTTP method, `GET` or `HEAD` (upper case); default GET. */
  readonly method: string;
  /** Accepted status codes, in the order written; default 200-399. */
  readonly responseCodes: readonly StatusRange[];
  /** A regular expression the body must match (JavaScript syntax, not anchored); null: not checked. */
  readonly responseRegex: string | null;
  /** https only: TLS SNI and the name the certificate must carry; default: host, else none (null). */
  readonly serverName: string | null;
  /** https only: accept any certificate. Default false. */
  readonly insecureSkipVerify: boolean;
}

/**
 * One entry of `maglev.healthchecks`: how and how often backends that name it are probed.
 * Durations are in milliseconds.
 *
 * @public
 */
export interface HealthCheckConfig {
  /** The entry's name, which backends refer to. */
  readonly name: string;
  /** How it probes. */
  readonly type: HealthCheckType;
  /** Destination port (1-65535); null for icmp. */
  readonly port: number | null;
  /** Set for http and https, null otherwise. */
  readonly http: HttpParams | null;
  /** Probe period while the backend is up, in ms; default 2000. */
  readonly interval: number;
  /** Probe period while the backend is unknown or between up and down, in ms; default `interval`. */
  readonly fastInterval: number;
  /** Probe period once the backend is down, in ms; default `interval`. */
  readonly downInterval: number;
  /**
   * How long one probe may take, in ms; default 1000, or half the shortest interval when that is
   * at most 1 s.
   */
  readonly timeout: number;
  /** Consecutive passing probes that bring a backend up (at least 1); default 2. */
  readonly rise: number;
  /** Consecutive failing probes that bring a backend down (at least 1); default 3. */
  readonly fall: number;
  /** Source address of IPv4 probes; null lets the kernel choose. */
  readonly probeIpv4Src: string | null;
  /** Source address of IPv6 probes; null lets the kernel choose. */
  readonly probeIpv6Src: string | null;
}

/**
 * One entry of `maglev.backends`: an application server VPP sends traffic to over GRE.
 *
 * @public
 */
export interface BackendConfig {
  /** The entry's name, which pools refer to. */
  readonly name: string;
  /** Its IP address, canonical text (never in `::/96`). */
  readonly address: string;
  /** The family of `address`. */
  readonly family: AddressFamily;
  /** The name of its entry in `maglev.healthchecks`. */
  readonly healthcheck: string;
  /** False: it starts disabled (weight 0, not probed). Default true. */
  readonly enabled: boolean;
}

/**
 * A backend's membership in a pool.
 *
 * @public
 */
export interface PoolBackendConfig {
  /** The backend's name in `maglev.backends`. */
  readonly name: string;
  /** Its weight while its pool serves and it is up: 0-100, default 100. */
  readonly weight: number;
}

/**
 * One pool of a frontend: backends that serve together.
 *
 * @public
 */
export interface PoolConfig {
  /** Unique within the frontend, not empty. */
  readonly name: string;
  /** In YAML order; at least one. */
  readonly backends: readonly PoolBackendConfig[];
}

/**
 * One entry of `maglev.frontends`: a VIP and the ordered pools that serve it.
 *
 * @public
 */
export interface FrontendConfig {
  /** The entry's name. */
  readonly name: string;
  /** Free text shown by maglevc and the dashboard; default "". */
  readonly description: string;
  /** The VIP, canonical text; VPP installs it as a /32 or /128. */
  readonly address: string;
  /** The family of `address` (its backends may be of the other one). */
  readonly family: AddressFamily;
  /** The transport protocol; default tcp. */
  readonly protocol: FrontendProtocol;
  /** 1-65535; 0 for protocol any. */
  readonly port: number;
  /** Hash on the client's source address only, so one client's flows go to one backend. Default false. */
  readonly srcIpSticky: boolean;
  /** When a backend goes down, also flush its established flows. Default true. */
  readonly flushOnDown: boolean;
  /** Ordered by priority: the first pool with a backend up serves. */
  readonly pools: readonly PoolConfig[];
}

/**
 * `maglev.healthchecker`: settings of the health checker as a whole.
 *
 * @public
 */
export interface HealthCheckerConfig {
  /** State transitions kept per backend and shown by the API (at least 1); default 5. */
  readonly transitionHistory: number;
  /** Network namespace probes run in; null for the current one. */
  readonly netns: string | null;
}

/**
 * `maglev.vpp.lb`: VPP's global lb plugin settings (`lb_conf`) and how maglevd keeps VPP in sync.
 * Durations are in milliseconds.
 *
 * @public
 */
export interface VppLbConfig {
  /** Period of the full reconciliation with VPP, in ms; default 30000. */
  readonly syncInterval: number;
  /** Outer source address of GRE4 packets; null when no frontend has IPv4 backends and none is given. */
  readonly ipv4SrcAddress: string | null;
  /** Outer source address of GRE6 packets; null when no frontend has IPv6 backends and none is given. */
  readonly ipv6SrcAddress: string | null;
  /** Buckets per worker thread in VPP's established-flow table: a power of 2 up to 2^25; default 65536. */
  readonly stickyBucketsPerCore: number;
  /** Whole seconds expressed in milliseconds (1000-120000); default 40000. */
  readonly flowTimeout: number;
  /** After maglevd starts, VPP is left alone for at least this long, in ms; default 5000. */
  readonly startupMinDelay: number;
  /**
   * By this time after start every frontend is programmed, in ms; default 30000. Both delays 0
   * turn the warmup off.
   */
  readonly startupMaxDelay: number;
}

/**
 * A whole maglev.yaml, checked and with every default filled in. A Config from ConfigLoader is
 * deeply frozen; its maps keep the file's order and throw on `set`, `delete` and `clear`.
 *
 * @public
 */
export interface Config {
  /** `maglev.healthchecker`. */
  readonly healthchecker: HealthCheckerConfig;
  /** `maglev.healthchecks`, by name, in file order. */
  readonly healthchecks: ReadonlyMap<string, HealthCheckConfig>;
  /** `maglev.backends`, by name, in file order. */
  readonly backends: ReadonlyMap<string, BackendConfig>;
  /** `maglev.frontends`, by name, in file order. */
  readonly frontends: ReadonlyMap<string, FrontendConfig>;
  /** `maglev.vpp`; its `lb` section is always there, defaults filled in. */
  readonly vpp: { readonly lb: VppLbConfig };
  /**
   * What the file does that works but deserves a look (a setting with no effect, a timeout that
   * slows failure detection, ...), in file order. Every Config that ConfigLoader returns has it,
   * possibly empty; a Config built by hand may leave it out. Not compared by diffConfig.
   */
  readonly warnings?: readonly ConfigWarning[];
}

/**
 * A Config as ConfigLoader returns it: its warnings are always there, possibly none.
 *
 * @public
 */
export type CheckedConfig = Config & { readonly warnings: readonly ConfigWarning[] };
