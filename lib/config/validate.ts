import { formatDuration } from '../util/duration.js';
import { familyName, type ParsedAddress, parseAddress } from './address.js';
import { type ConfigProblem, type ConfigWarning, quoted } from './errors.js';
import { deepFreeze, FrozenMap } from './frozen.js';
import { parseStatusRanges } from './http-params.js';
import type { RawConfig, RawFrontend, RawHealthcheck, RawHttpsParams } from './schema.js';
import type { Anchor, YamlPath, YamlSource } from './source.js';
import { didYouMean } from './suggest.js';
import type {
  AddressFamily,
  BackendConfig,
  CheckedConfig,
  FrontendConfig,
  FrontendProtocol,
  HealthCheckConfig,
  HealthCheckType,
  HttpParams,
  PoolConfig,
  VppLbConfig,
} from './types.js';

/** Defaults, in one place so that the docs, the loader and the tests agree. */
export const DEFAULTS = {
  transitionHistory: 5,
  interval: 2000,
  timeout: 1000,
  rise: 2,
  fall: 3,
  httpPath: '/',
  httpMethod: 'GET',
  responseCodes: '200-399',
  enabled: true,
  protocol: 'tcp',
  srcIpSticky: false,
  flushOnDown: true,
  weight: 100,
  syncInterval: 30_000,
  stickyBucketsPerCore: 65_536,
  flowTimeout: 40_000,
  startupMinDelay: 5_000,
  startupMaxDelay: 30_000,
} as const;

const CHECK_TYPES: readonly HealthCheckType[] = ['icmp', 'tcp', 'http', 'https'];
const PROTOCOLS: readonly FrontendProtocol[] = ['tcp', 'udp', 'any'];
const METHODS = ['GET', 'HEAD'];
/** VPP computes the sticky table size in 32 bits; from 2^26 buckets on it overflows. */
const MAX_STICKY_BUCKETS = 2 ** 25;

export type ValidateStageResult =
  | { readonly ok: true; readonly config: CheckedConfig }
  | {
      readonly ok: false;
      readonly problems: readonly ConfigProblem[];
      readonly warnings: readonly ConfigWarning[];
    };

const fmt = formatDuration;

function isPowerOfTwo(n: number): boolean {
  let p = 1;
  while (p < n) p *= 2;
  return p === n;
}

/** Only the first 12 bytes being zero makes VPP read an IPv6 address as IPv4 (LB-PLUGIN.md §1). */
function inIpv4CompatibleRange(a: ParsedAddress): boolean {
  if (a.family !== 6) return false;
  return /^::([0-9a-f]{1,4})?(:[0-9a-f]{1,4})?$/.test(a.address);
}

function portLabel(protocol: FrontendProtocol, port: number): string {
  return protocol === 'any' ? 'all ports' : `${protocol}/${port}`;
}

/**
 * Stage 2: the rules that span fields and sections, then the VPP-specific ones, and the typed
 * Config with every default filled in. Problems are reported in file order within each group.
 */
class Validator {
  private readonly problems: ConfigProblem[] = [];
  private readonly vppProblems: ConfigProblem[] = [];
  private readonly warnings: ConfigWarning[] = [];

  constructor(
    private readonly src: YamlSource,
    private readonly raw: RawConfig,
    private readonly params: ReadonlyMap<string, RawHttpsParams>,
  ) {}

  private fail(path: YamlPath, message: string, anchor: Anchor = 'value'): void {
    this.problems.push(this.src.problem(path, message, anchor));
  }

  private failVpp(path: YamlPath, message: string, anchor: Anchor = 'value'): void {
    this.vppProblems.push(this.src.problem(path, message, anchor));
  }

  private warn(path: YamlPath, message: string, anchor: Anchor = 'value'): void {
    this.warnings.push(this.src.problem(path, message, anchor));
  }

  /** Parses an address field; reports it and returns null when it is not one IP address. */
  private address(path: YamlPath, text: string, what = 'address'): ParsedAddress | null {
    const a = parseAddress(text.trim());
    if (a === null) {
      const hint = text.includes('/') ? ': give a single address, without a prefix length' : '';
      this.fail(path, `${what} ${JSON.stringify(text)} is not an IP address${hint}`);
      return null;
    }
    return a;
  }

  run(): ValidateStageResult {
    const m = this.raw.maglev;
    const hcr = m.healthchecker ?? {};
    const transitionHistory = hcr['transition-history'] ?? DEFAULTS.transitionHistory;
    if (transitionHistory < 1) {
      this.fail(
        ['maglev', 'healthchecker', 'transition-history'],
        `transition-history must be at least 1, got ${transitionHistory}`,
      );
    }
    const netns = hcr.netns ? hcr.netns : null;

    const checkEntries = m.healthchecks ?? {};
    const healthchecks = new Map<string, HealthCheckConfig>();
    for (const name of this.src.keyOrder(['maglev', 'healthchecks'], Object.keys(checkEntries))) {
      const hc = this.healthcheck(name, checkEntries[name] ?? {});
      if (hc) healthchecks.set(name, hc);
    }
    const checkNames = Object.keys(checkEntries);

    const backendEntries = m.backends ?? {};
    const backends = new Map<string, BackendConfig>();
    for (const name of this.src.keyOrder(['maglev', 'backends'], Object.keys(backendEntries))) {
      const b = backendEntries[name] ?? {};
      const base = ['maglev', 'backends', name];
      let parsed: ParsedAddress | null = null;
      if (b.address == null) this.fail([...base, 'address'], 'address is required');
      else parsed = this.address([...base, 'address'], b.address);
      if (parsed && inIpv4CompatibleRange(parsed)) {
        this.fail(
          [...base, 'address'],
          `address ${parsed.address} lies in ::/96, which VPP reads as an IPv4 address: use the IPv4 form or another IPv6 address`,
        );
        parsed = null;
      }
      const hc = b.healthcheck;
      if (hc == null || hc === '') {
        this.fail(
          [...base, 'healthcheck'],
          'healthcheck is required: the name of an entry in maglev.healthchecks',
        );
      } else if (!(hc in checkEntries)) {
        this.fail(
          [...base, 'healthcheck'],
          `healthcheck ${JSON.stringify(hc)} does not exist${didYouMean(hc, checkNames)}`,
        );
      }
      if (parsed && hc) {
        backends.set(name, {
          name,
          address: parsed.address,
          family: parsed.family,
          healthcheck: hc,
          enabled: b.enabled ?? DEFAULTS.enabled,
        });
      }
    }

    const frontendEntries = m.frontends ?? {};
    const frontends = new Map<string, FrontendConfig>();
    /** The family of each frontend's backends, for the per-VIP and vpp.lb rules. */
    const backendFamily = new Map<string, AddressFamily>();
    const knownBackends = Object.keys(backendEntries);
    const knownBackendSet = new Set(knownBackends);
    for (const name of this.src.keyOrder(['maglev', 'frontends'], Object.keys(frontendEntries))) {
      const fe = this.frontend(
        name,
        frontendEntries[name] ?? {},
        backends,
        knownBackends,
        backendFamily,
        knownBackendSet,
      );
      if (fe) frontends.set(name, fe);
    }
    this.frontendConflicts(frontends, backendFamily);

    const lb = this.vppLb(backendFamily);

    const byPosition = (a: ConfigProblem, b: ConfigProblem) => a.line - b.line || a.column - b.column;
    const problems = [...this.problems.sort(byPosition), ...this.vppProblems.sort(byPosition)];
    const warnings = this.warnings.sort(byPosition);
    if (problems.length > 0) return { ok: false, problems, warnings };

    const config: CheckedConfig = {
      healthchecker: { transitionHistory, netns },
      healthchecks: new FrozenMap(healthchecks),
      backends: new FrozenMap(backends),
      frontends: new FrozenMap(frontends),
      vpp: { lb },
      warnings,
    };
    return { ok: true, config: deepFreeze(config) };
  }

  private healthcheck(name: string, hc: RawHealthcheck): HealthCheckConfig | null {
    const base = ['maglev', 'healthchecks', name];
    let ok = true;
    const bad = (field: string, message: string) => {
      this.fail([...base, field], message);
      ok = false;
    };

    const typeText = hc.type;
    let type: HealthCheckType | null = null;
    if (typeText == null || typeText === '') {
      bad('type', `type is required: one of ${CHECK_TYPES.join(', ')}`);
    } else if (!(CHECK_TYPES as readonly string[]).includes(typeText)) {
      bad(
        'type',
        `type ${JSON.stringify(typeText)} is not one of ${CHECK_TYPES.join(', ')}${didYouMean(typeText, CHECK_TYPES)}`,
      );
    } else {
      type = typeText as HealthCheckType;
    }

    // An icmp check has no port; one given anyway is ignored, as the Go original does.
    let port: number | null = null;
    if (type !== 'icmp') {
      if (hc.port == null) {
        if (type !== null) bad('port', `port is required for ${type} checks`);
      } else if (hc.port < 1 || hc.port > 65535) {
        bad('port', `port must be 1-65535, got ${hc.port}`);
      } else {
        port = hc.port;
      }
    }

    const interval = hc.interval ?? DEFAULTS.interval;
    const fastInterval = hc['fast-interval'] ?? interval;
    const downInterval = hc['down-interval'] ?? interval;
    const intervals: Array<[string, number]> = [
      ['interval', interval],
      ['fast-interval', fastInterval],
      ['down-interval', downInterval],
    ];
    for (const [field, v] of intervals) {
      if (v <= 0 && hc[field as 'interval'] != null) bad(field, `${field} must be positive, got ${fmt(v)}`);
    }
    const shortest = Math.min(interval, fastInterval, downInterval);
    const [longestField, longest] = intervals.reduce((a, b) => (b[1] > a[1] ? b : a));
    let timeout: number;
    if (hc.timeout == null) {
      timeout = shortest > 0 && shortest <= 1000 ? shortest / 2 : DEFAULTS.timeout;
    } else {
      timeout = hc.timeout;
      if (timeout <= 0) bad('timeout', `timeout must be positive, got ${fmt(timeout)}`);
      else if (longest > 0 && timeout >= longest && fastInterval > 0) {
        // Accepted, as the Go original does (its own example has interval 2s, timeout 3s). One
        // probe per backend is in flight and the next starts an interval after it ends, so probes
        // never overlap; but a backend that stops answering is probed only every timeout plus
        // fast-interval, and is found down that much later.
        this.warn(
          [...base, 'timeout'],
          `timeout ${fmt(timeout)} is not shorter than any interval of the check (the longest, ${longestField}, is ${fmt(longest)}): a backend that stops answering is probed only every ${fmt(timeout + fastInterval)} (timeout plus fast-interval), so it is found down later`,
        );
      }
    }

    const rise = hc.rise ?? DEFAULTS.rise;
    if (rise < 1) bad('rise', `rise must be at least 1, got ${rise}`);
    const fall = hc.fall ?? DEFAULTS.fall;
    if (fall < 1) bad('fall', `fall must be at least 1, got ${fall}`);

    const probeSrc = (field: 'probe-ipv4-src' | 'probe-ipv6-src', family: AddressFamily): string | null => {
      const text = hc[field];
      if (text == null || text === '') return null;
      const a = this.address([...base, field], text, field);
      if (a === null) {
        ok = false;
        return null;
      }
      if (a.family !== family) {
        bad(
          field,
          `${field} must be an ${familyName(family)} address, got ${familyName(a.family)} ${a.address}`,
        );
        return null;
      }
      return a.address;
    };
    const probeIpv4Src = probeSrc('probe-ipv4-src', 4);
    const probeIpv6Src = probeSrc('probe-ipv6-src', 6);

    let http: HttpParams | null = null;
    if (type === 'http' || type === 'https') {
      http = this.httpParams(name, type, this.params.get(name) ?? {});
      if (http === null) ok = false;
    }
    if (type === 'tcp') this.tcpParams(name);

    if (!ok || type === null) return null;
    return {
      name,
      type,
      port,
      http,
      interval,
      fastInterval,
      downInterval,
      timeout,
      rise,
      fall,
      probeIpv4Src,
      probeIpv6Src,
    };
  }

  /**
   * The Go original has a params struct for tcp checks, whose keys no source shows; its configs
   * may carry them. They are accepted whatever they are, and each is named in a warning: this
   * tcp probe is a plain connect and uses none of them.
   */
  private tcpParams(name: string): void {
    const params = this.raw.maglev.healthchecks?.[name]?.params;
    if (params === null || typeof params !== 'object' || Array.isArray(params)) return;
    for (const key of this.src.keyOrder(['maglev', 'healthchecks', name, 'params'], Object.keys(params))) {
      this.warn(
        ['maglev', 'healthchecks', name, 'params', key],
        `params ${quoted(key)} has no effect on a tcp check, and is ignored: a tcp check passes when the backend accepts the connection`,
        'key',
      );
    }
  }

  private httpParams(name: string, type: 'http' | 'https', p: RawHttpsParams): HttpParams | null {
    const base = ['maglev', 'healthchecks', name, 'params'];
    let ok = true;
    const bad = (field: string, message: string) => {
      this.fail([...base, field], message);
      ok = false;
    };
    const path = p.path ?? DEFAULTS.httpPath;
    if (!path.startsWith('/')) bad('path', `path must start with "/", got ${JSON.stringify(path)}`);
    const host = p.host ?? null;
    if (host === '') bad('host', 'host must not be empty: leave it out to send the backend address');
    const methodText = p.method ?? DEFAULTS.httpMethod;
    const method = methodText.toUpperCase();
    if (!METHODS.includes(method)) {
      bad('method', `method must be GET or HEAD, got ${JSON.stringify(methodText)}`);
    }
    const codes = parseStatusRanges(p['response-codes'] ?? DEFAULTS.responseCodes);
    if (typeof codes === 'string') bad('response-codes', codes);
    const responseRegex = p['response-regex'] ?? null;
    if (responseRegex !== null) {
      try {
        new RegExp(responseRegex);
      } catch (e) {
        bad(
          'response-regex',
          `response-regex is not a valid JavaScript regular expression: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    }
    let serverName: string | null = null;
    let insecureSkipVerify = false;
    if (type === 'https') {
      serverName = p['server-name'] ?? host;
      if (serverName === '') {
        bad('server-name', 'server-name must not be empty: leave it out to use the host param');
      }
      insecureSkipVerify = p['insecure-skip-verify'] ?? false;
    }
    if (!ok || typeof codes === 'string') return null;
    return { path, host, method, responseCodes: codes, responseRegex, serverName, insecureSkipVerify };
  }

  private frontend(
    name: string,
    fe: RawFrontend,
    backends: ReadonlyMap<string, BackendConfig>,
    knownBackends: readonly string[],
    backendFamily: Map<string, AddressFamily>,
    knownBackendSet: ReadonlySet<string> = new Set(knownBackends),
  ): FrontendConfig | null {
    const base = ['maglev', 'frontends', name];
    let ok = true;
    const bad = (path: YamlPath, message: string, anchor: Anchor = 'value') => {
      this.fail(path, message, anchor);
      ok = false;
    };

    let vip: ParsedAddress | null = null;
    if (fe.address == null) bad([...base, 'address'], 'address is required');
    else {
      vip = this.address([...base, 'address'], fe.address);
      if (vip === null) ok = false;
      else if (inIpv4CompatibleRange(vip)) {
        bad(
          [...base, 'address'],
          `address ${vip.address} lies in ::/96, which VPP reads as an IPv4 address: use the IPv4 form or another IPv6 address`,
        );
      }
    }

    const protocolText = fe.protocol ?? DEFAULTS.protocol;
    let protocol: FrontendProtocol | null = null;
    if (!(PROTOCOLS as readonly string[]).includes(protocolText)) {
      bad(
        [...base, 'protocol'],
        `protocol ${JSON.stringify(protocolText)} is not one of ${PROTOCOLS.join(', ')}${didYouMean(protocolText, PROTOCOLS)}`,
      );
    } else {
      protocol = protocolText as FrontendProtocol;
    }

    let port = 0;
    if (protocol === 'any') {
      if (fe.port != null && fe.port !== 0) {
        bad(
          [...base, 'port'],
          `protocol any serves all ports, so it takes no port: leave port out or set it to 0 (got ${fe.port})`,
        );
      }
    } else if (fe.port == null) {
      if (protocol !== null) {
        bad(
          [...base, 'port'],
          `port is required for protocol ${protocol} (or use protocol any for all ports)`,
        );
      }
    } else if (fe.port < 1 || fe.port > 65535) {
      bad([...base, 'port'], `port must be 1-65535 for protocol ${protocolText}, got ${fe.port}`);
    } else {
      port = fe.port;
    }

    const pools: PoolConfig[] = [];
    const rawPools = fe.pools ?? [];
    if (rawPools.length === 0) bad([...base, 'pools'], 'a frontend needs at least one pool');
    const poolIndex = new Map<string, number>();
    /** Where each address was first seen in this frontend, and under which backend. */
    const seenAddress = new Map<string, { backend: string; pool: string }>();
    // One encapsulation per VIP, so one family for all its backends. The VIP's own family may
    // differ: VPP has ip6-gre4 and ip4-gre6 VIPs (its lb docs show `lb vip 2003::/16 encap gre4`).
    let familyRef: { family: AddressFamily; backend: string; pool: string } | null = null;
    for (const [i, pool] of rawPools.entries()) {
      const pbase = [...base, 'pools', i];
      const poolName = pool.name ?? '';
      if (poolName === '') bad([...pbase, 'name'], 'every pool needs a name');
      else if (poolIndex.has(poolName)) {
        bad(
          [...pbase, 'name'],
          `pool name ${JSON.stringify(poolName)} is already used by pools[${poolIndex.get(poolName)}] of this frontend`,
        );
      } else poolIndex.set(poolName, i);
      const label = poolName === '' ? `pools[${i}]` : JSON.stringify(poolName);

      const members = pool.backends ?? {};
      const order = this.src.keyOrder([...pbase, 'backends'], Object.keys(members));
      if (order.length === 0) bad([...pbase, 'backends'], `pool ${label} has no backends`);
      const out: { name: string; weight: number }[] = [];
      for (const member of order) {
        const mpath = [...pbase, 'backends', member];
        const weight = members[member]?.weight ?? DEFAULTS.weight;
        if (weight < 0 || weight > 100) bad([...mpath, 'weight'], `weight must be 0-100, got ${weight}`);
        if (!knownBackendSet.has(member)) {
          bad(
            mpath,
            `backend ${JSON.stringify(member)} does not exist${didYouMean(member, knownBackends)}`,
            'key',
          );
          continue;
        }
        // One backend in several pools is allowed, as in the Go original: it is one application
        // server, and its first pool decides (when it is up, that pool or an earlier one serves).
        out.push({ name: member, weight });
        const b = backends.get(member);
        if (!b) continue; // its own problem is reported under maglev.backends
        const twin = seenAddress.get(b.address);
        if (twin === undefined) seenAddress.set(b.address, { backend: member, pool: label });
        else if (twin.backend !== member) {
          this.warn(
            mpath,
            `backend ${JSON.stringify(member)} has the same address (${b.address}) as backend ${JSON.stringify(twin.backend)} in pool ${twin.pool}: VPP holds one application server per address per VIP, so both are one, with the larger of their effective weights`,
            'key',
          );
        }
        if (familyRef === null) familyRef = { family: b.family, backend: member, pool: label };
        else if (familyRef.family !== b.family) {
          bad(
            mpath,
            `backend ${JSON.stringify(member)} is ${familyName(b.family)} but backend ${JSON.stringify(familyRef.backend)} in pool ${familyRef.pool} is ${familyName(familyRef.family)}: all backends of a frontend must be of one address family (one GRE encapsulation per VIP)`,
            'key',
          );
        }
      }
      pools.push({ name: poolName, backends: out });
    }
    if (familyRef !== null) backendFamily.set(name, familyRef.family);

    if (!ok || vip === null || protocol === null) return null;
    return {
      name,
      description: fe.description ?? '',
      address: vip.address,
      family: vip.family,
      protocol,
      port,
      srcIpSticky: fe['src-ip-sticky'] ?? DEFAULTS.srcIpSticky,
      flushOnDown: fe['flush-on-down'] ?? DEFAULTS.flushOnDown,
      pools,
    };
  }

  /** VPP keys a VIP by (address, protocol, port) and keeps all-port and per-port VIPs apart. */
  private frontendConflicts(
    frontends: ReadonlyMap<string, FrontendConfig>,
    backendFamily: ReadonlyMap<string, AddressFamily>,
  ): void {
    // Grouped by address: only frontends on one address can conflict.
    const seenByAddress = new Map<string, FrontendConfig[]>();
    for (const fe of frontends.values()) {
      const base = ['maglev', 'frontends', fe.name];
      const seen = seenByAddress.get(fe.address) ?? [];
      seenByAddress.set(fe.address, seen);
      for (const other of seen) {
        const here = portLabel(fe.protocol, fe.port);
        const there = portLabel(other.protocol, other.port);
        if (other.protocol === fe.protocol && other.port === fe.port) {
          this.fail(
            base,
            `frontend ${JSON.stringify(fe.name)} has the same address, protocol and port (${fe.address} ${here}) as frontend ${JSON.stringify(other.name)}`,
            'key',
          );
          break;
        }
        if ((fe.protocol === 'any') !== (other.protocol === 'any')) {
          this.fail(
            base,
            `frontend ${JSON.stringify(fe.name)} (${here}) and frontend ${JSON.stringify(other.name)} (${there}) share the address ${fe.address}: VPP cannot hold an all-port VIP and a per-port VIP on one address`,
            'key',
          );
          break;
        }
        const f1 = backendFamily.get(fe.name);
        const f2 = backendFamily.get(other.name);
        if (f1 !== undefined && f2 !== undefined && f1 !== f2) {
          this.fail(
            base,
            `frontend ${JSON.stringify(fe.name)} has ${familyName(f1)} backends but frontend ${JSON.stringify(other.name)} on the same address ${fe.address} has ${familyName(f2)} backends: VPP requires all per-port VIPs of one address to share one encapsulation`,
            'key',
          );
          break;
        }
      }
      seen.push(fe);
    }
  }

  private vppLb(backendFamily: ReadonlyMap<string, AddressFamily>): VppLbConfig {
    const lb = this.raw.maglev.vpp?.lb ?? {};
    const base = ['maglev', 'vpp', 'lb'];

    const syncInterval = lb['sync-interval'] ?? DEFAULTS.syncInterval;
    if (syncInterval <= 0) {
      this.failVpp([...base, 'sync-interval'], `sync-interval must be positive, got ${fmt(syncInterval)}`);
    }

    const srcAddress = (family: AddressFamily): string | null => {
      const field = family === 4 ? 'ipv4-src-address' : 'ipv6-src-address';
      const text = lb[field];
      const encap = family === 4 ? 'GRE4' : 'GRE6';
      if (text == null || text === '') {
        const user = [...backendFamily].find(([, f]) => f === family)?.[0];
        if (user !== undefined) {
          this.failVpp(
            [...base, field],
            `${field} is required: frontend ${JSON.stringify(user)} has ${familyName(family)} backends, and VPP needs an ${familyName(family)} source address for their ${encap} tunnels`,
          );
        }
        return null;
      }
      const a = parseAddress(text.trim());
      if (a === null) {
        this.failVpp([...base, field], `${field} ${JSON.stringify(text)} is not an IP address`);
        return null;
      }
      if (a.family !== family) {
        this.failVpp(
          [...base, field],
          `${field} must be an ${familyName(family)} address, got ${familyName(a.family)} ${a.address}`,
        );
        return null;
      }
      if (a.address === '0.0.0.0' || a.address === '::') {
        // maglevd sends VPP the unspecified address on purpose for a family no frontend uses;
        // written in the file, it would claim a source that does not exist.
        this.failVpp(
          [...base, field],
          `${field} ${a.address} is the unspecified address, which cannot be a packet's source: VPP would send ${encap} packets that no network delivers; give an address of this router that the backends can reach`,
        );
        return null;
      }
      return a.address;
    };
    const ipv4SrcAddress = srcAddress(4);
    const ipv6SrcAddress = srcAddress(6);

    const stickyBucketsPerCore = lb['sticky-buckets-per-core'] ?? DEFAULTS.stickyBucketsPerCore;
    if (stickyBucketsPerCore < 1 || !isPowerOfTwo(stickyBucketsPerCore)) {
      this.failVpp(
        [...base, 'sticky-buckets-per-core'],
        `sticky-buckets-per-core must be a power of 2 (such as 65536), got ${stickyBucketsPerCore}`,
      );
    } else if (stickyBucketsPerCore > MAX_STICKY_BUCKETS) {
      this.failVpp(
        [...base, 'sticky-buckets-per-core'],
        `sticky-buckets-per-core must be at most ${MAX_STICKY_BUCKETS} (2^25): VPP's table size computation overflows beyond that`,
      );
    }

    const flowTimeout = lb['flow-timeout'] ?? DEFAULTS.flowTimeout;
    if (flowTimeout < 1000 || flowTimeout > 120_000 || flowTimeout % 1000 !== 0) {
      this.failVpp(
        [...base, 'flow-timeout'],
        `flow-timeout must be a whole number of seconds from 1s to 120s, got ${fmt(flowTimeout)}`,
      );
    }

    const startupMinDelay = lb['startup-min-delay'] ?? DEFAULTS.startupMinDelay;
    const startupMaxDelay = lb['startup-max-delay'] ?? DEFAULTS.startupMaxDelay;
    let delaysOk = true;
    for (const [field, v] of [
      ['startup-min-delay', startupMinDelay],
      ['startup-max-delay', startupMaxDelay],
    ] as const) {
      if (v < 0) {
        this.failVpp([...base, field], `${field} must not be negative, got ${fmt(v)}`);
        delaysOk = false;
      }
    }
    if (delaysOk && startupMinDelay > startupMaxDelay) {
      this.failVpp(
        [...base, 'startup-min-delay'],
        `startup-min-delay (${fmt(startupMinDelay)}) must not be longer than startup-max-delay (${fmt(startupMaxDelay)})`,
      );
    }

    return {
      syncInterval,
      ipv4SrcAddress,
      ipv6SrcAddress,
      stickyBucketsPerCore,
      flowTimeout,
      startupMinDelay,
      startupMaxDelay,
    };
  }
}

export function validateStage(
  src: YamlSource,
  raw: RawConfig,
  params: ReadonlyMap<string, RawHttpsParams>,
): ValidateStageResult {
  return new Validator(src, raw, params).run();
}
