/**
 * The operator-session test's world: a config spec and its YAML, a seeded generator of the
 * steps an operator can take, and an independent model of what maglevd must make of them —
 * the health state of every backend, and the weights VPP must hold. The model is written from
 * the documented rules (ORIGINAL.md §3.2, docs/user-guide.md "Reloads"), not from the code it
 * checks: it does not import the planner.
 */

export interface HealthCheckSpec {
  readonly intervalMs: number;
}

export interface BackendSpec {
  readonly address: string;
  readonly healthcheck: string;
  readonly enabled: boolean;
}

export interface PoolSpec {
  readonly name: string;
  readonly members: ReadonlyArray<readonly [backend: string, weight: number]>;
}

export interface FrontendSpec {
  readonly address: string;
  readonly pools: readonly PoolSpec[];
}

export interface Spec {
  readonly healthchecks: Readonly<Record<string, HealthCheckSpec>>;
  readonly backends: Readonly<Record<string, BackendSpec>>;
  readonly frontends: Readonly<Record<string, FrontendSpec>>;
}

export type Step =
  | { readonly kind: 'reload'; readonly spec: Spec; readonly via: 'sighup' | 'grpc'; readonly why: string }
  | {
      readonly kind: 'reload-broken';
      readonly text: string;
      readonly via: 'sighup' | 'grpc';
      readonly why: string;
    }
  | { readonly kind: 'health'; readonly address: string; readonly healthy: boolean }
  | { readonly kind: 'crash'; readonly address: string }
  | { readonly kind: 'revive'; readonly address: string }
  | {
      readonly kind: 'act';
      readonly action: 'pause' | 'resume' | 'disable' | 'enable';
      readonly backend: string;
    }
  | {
      readonly kind: 'weight';
      readonly frontend: string;
      readonly pool: string;
      readonly backend: string;
      readonly weight: number;
      readonly flush: boolean;
    }
  | { readonly kind: 'restart-sim' }
  | { readonly kind: 'restart-maglevd' };

export type State = 'unknown' | 'up' | 'down' | 'paused' | 'disabled';

/** Addresses the test's HTTP servers listen on; backends take theirs from here. */
export const ADDRESSES = [
  '127.0.7.2',
  '127.0.7.3',
  '127.0.7.4',
  '127.0.7.5',
  '127.0.7.6',
  '127.0.7.7',
  '127.0.7.8',
];
export const HEALTH_PORT_PLACEHOLDER = '@PORT@';

/** mulberry32: a small seeded PRNG, so a session is reproducible from its seed. */
export class Rng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  next(): number {
    this.#s = (this.#s + 0x6d2b79f5) >>> 0;
    let t = this.#s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

export const INITIAL: Spec = {
  healthchecks: { h1: { intervalMs: 300 }, h2: { intervalMs: 400 } },
  backends: {
    b1: { address: '127.0.7.2', healthcheck: 'h1', enabled: true },
    b2: { address: '127.0.7.3', healthcheck: 'h1', enabled: true },
    b3: { address: '127.0.7.4', healthcheck: 'h2', enabled: true },
    b4: { address: '127.0.7.5', healthcheck: 'h2', enabled: true },
  },
  frontends: {
    f1: {
      address: '198.51.100.1',
      pools: [
        {
          name: 'primary',
          members: [
            ['b1', 100],
            ['b2', 50],
          ],
        },
        { name: 'fallback', members: [['b3', 100]] },
      ],
    },
    f2: {
      address: '198.51.100.2',
      pools: [
        {
          name: 'only',
          members: [
            ['b3', 100],
            ['b4', 100],
          ],
        },
      ],
    },
  },
};

/** maglev.yaml for a spec; `port` is the port every test server listens on. */
export function renderSpec(spec: Spec, port: number | string): string {
  const hcs = Object.entries(spec.healthchecks)
    .map(
      ([name, h]) => `    ${name}:
      type: http
      port: ${port}
      interval: ${h.intervalMs}ms
      fast-interval: 100ms
      down-interval: ${h.intervalMs}ms
      timeout: 250ms
      rise: 1
      fall: 1
      params: { path: /healthz }`,
    )
    .join('\n');
  const backends = Object.entries(spec.backends)
    .map(
      ([name, b]) =>
        `    ${name}: { address: ${b.address}, healthcheck: ${b.healthcheck}${b.enabled ? '' : ', enabled: false'} }`,
    )
    .join('\n');
  const frontends = Object.entries(spec.frontends)
    .map(([name, f]) => {
      const pools = f.pools
        .map(
          (p) =>
            `        - name: ${p.name}\n          backends: { ${p.members.map(([b, w]) => `${b}: { weight: ${w} }`).join(', ')} }`,
        )
        .join('\n');
      return `    ${name}:\n      address: ${f.address}\n      protocol: tcp\n      port: 80\n      pools:\n${pools}`;
    })
    .join('\n');
  return `maglev:
  healthchecker: { transition-history: 5 }
  healthchecks:
${hcs}
  backends:
${backends}
  frontends:
${frontends}
  vpp:
    lb:
      ipv4-src-address: 192.0.2.254
      sync-interval: 1h
      startup-min-delay: 0s
      startup-max-delay: 0s
`;
}

// ---- the generator ----

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function clone(spec: Spec): {
  healthchecks: Record<string, HealthCheckSpec>;
  backends: Record<string, BackendSpec>;
  frontends: Record<
    string,
    { address: string; pools: Array<{ name: string; members: Array<[string, number]> }> }
  >;
} {
  return JSON.parse(JSON.stringify(spec));
}

let serial = 0;
const fresh = (prefix: string, taken: Iterable<string>): string => {
  const used = new Set(taken);
  for (;;) {
    const name = `${prefix}${++serial}`;
    if (!used.has(name)) return name;
  }
};

/** Drops empty pools and frontends; keeps at least one frontend by refusing the change. */
function tidy(s: ReturnType<typeof clone>): Spec | null {
  for (const [name, fe] of Object.entries(s.frontends)) {
    fe.pools = fe.pools.filter((p) => p.members.length > 0);
    if (fe.pools.length === 0) delete s.frontends[name];
  }
  if (Object.keys(s.frontends).length === 0) return null;
  const used = new Set(Object.values(s.backends).map((b) => b.healthcheck));
  if (![...used].every((h) => h in s.healthchecks)) return null;
  return s;
}

/** A random change to the config an operator might make in one edit. */
function mutate(rng: Rng, spec: Spec): { spec: Spec; why: string } | null {
  const s = clone(spec);
  const backends = Object.keys(s.backends);
  const frontends = Object.keys(s.frontends);
  const freeAddresses = ADDRESSES.filter((a) => !Object.values(s.backends).some((b) => b.address === a));
  const anyPool = () => {
    const fe = s.frontends[rng.pick(frontends)]!;
    return fe.pools[rng.int(fe.pools.length)]!;
  };
  const hcs = Object.keys(s.healthchecks);
  switch (rng.int(12)) {
    case 0: {
      if (freeAddresses.length === 0) return null;
      const name = fresh('b', backends);
      s.backends[name] = { address: rng.pick(freeAddresses), healthcheck: rng.pick(hcs), enabled: true };
      if (rng.chance(0.85)) anyPool().members.push([name, rng.pick([0, 10, 50, 100])]);
      return { spec: tidy(s) ?? spec, why: `add backend ${name}` };
    }
    case 1: {
      if (backends.length <= 1) return null;
      const name = rng.pick(backends);
      delete s.backends[name];
      for (const fe of Object.values(s.frontends))
        for (const p of fe.pools) p.members = p.members.filter(([b]) => b !== name);
      const t = tidy(s);
      return t && { spec: t, why: `remove backend ${name}` };
    }
    case 2: {
      const name = rng.pick(backends);
      const to = fresh('b', backends);
      s.backends[to] = s.backends[name]!;
      delete s.backends[name];
      for (const fe of Object.values(s.frontends))
        for (const p of fe.pools) p.members = p.members.map(([b, w]) => [b === name ? to : b, w]);
      return { spec: tidy(s) ?? spec, why: `rename backend ${name} to ${to}` };
    }
    case 3: {
      if (frontends.length >= 4) return null;
      const name = fresh('f', frontends);
      const used = new Set(Object.values(s.frontends).map((f) => f.address));
      let octet = 1;
      while (used.has(`198.51.100.${octet}`)) octet++;
      const pools = Array.from({ length: 1 + rng.int(2) }, (_, i) => ({
        name: `p${i}`,
        members: [...new Set(Array.from({ length: 1 + rng.int(3) }, () => rng.pick(backends)))].map(
          (b) => [b, rng.pick([0, 20, 100])] as [string, number],
        ),
      }));
      s.frontends[name] = { address: `198.51.100.${octet}`, pools };
      return { spec: tidy(s) ?? spec, why: `add frontend ${name}` };
    }
    case 4: {
      if (frontends.length <= 1) return null;
      const name = rng.pick(frontends);
      delete s.frontends[name];
      return { spec: tidy(s) ?? spec, why: `remove frontend ${name}` };
    }
    case 5: {
      const fe = s.frontends[rng.pick(frontends)]!;
      if (rng.chance(0.5) && fe.pools.length > 1) {
        fe.pools.splice(rng.int(fe.pools.length), 1);
        return { spec: tidy(s) ?? spec, why: 'remove a pool' };
      }
      const names = new Set(fe.pools.map((p) => p.name));
      const name = fresh('p', names);
      fe.pools.splice(rng.int(fe.pools.length + 1), 0, { name, members: [[rng.pick(backends), 100]] });
      return { spec: tidy(s) ?? spec, why: `add pool ${name}` };
    }
    case 6: {
      const pool = anyPool();
      const b = rng.pick(backends);
      const i = pool.members.findIndex(([m]) => m === b);
      if (i >= 0) pool.members.splice(i, 1);
      else pool.members.push([b, rng.pick([0, 30, 100])]);
      return {
        spec: tidy(s) ?? spec,
        why: `${i >= 0 ? 'take' : 'put'} ${b} ${i >= 0 ? 'out of' : 'into'} ${pool.name}`,
      };
    }
    case 7: {
      const pool = anyPool();
      const m = pool.members[rng.int(pool.members.length)];
      if (!m) return null;
      m[1] = rng.pick([0, 1, 25, 60, 100]);
      return { spec: tidy(s) ?? spec, why: `weight of ${m[0]} in ${pool.name} to ${m[1]}` };
    }
    case 8: {
      const name = rng.pick(backends);
      const b = s.backends[name]!;
      s.backends[name] = { ...b, healthcheck: rng.pick(hcs) };
      return { spec: tidy(s) ?? spec, why: `health check of ${name} to ${s.backends[name]!.healthcheck}` };
    }
    case 9: {
      const name = rng.pick(hcs);
      (s.healthchecks[name] as Mutable<HealthCheckSpec>).intervalMs = rng.pick([200, 300, 400, 500]);
      return { spec: tidy(s) ?? spec, why: `interval of ${name}` };
    }
    case 10: {
      const name = rng.pick(backends);
      const b = s.backends[name]!;
      s.backends[name] = { ...b, enabled: !b.enabled };
      return { spec: tidy(s) ?? spec, why: `${name} enabled: ${!b.enabled}` };
    }
    default: {
      const unused = hcs.filter((h) => !Object.values(s.backends).some((b) => b.healthcheck === h));
      if (unused.length > 0 && rng.chance(0.5)) {
        delete s.healthchecks[rng.pick(unused)];
        return { spec: tidy(s) ?? spec, why: 'remove an unused health check' };
      }
      const name = fresh('h', hcs);
      s.healthchecks[name] = { intervalMs: 300 };
      return { spec: tidy(s) ?? spec, why: `add health check ${name}` };
    }
  }
}

/**
 * The next step of a session: mostly reloads, health changes and operator actions, rarely a
 * restart of the simulator or of maglevd.
 */
export function nextStep(rng: Rng, spec: Spec): Step {
  const via = rng.chance(0.5) ? 'sighup' : 'grpc';
  const backends = Object.keys(spec.backends);
  const r = rng.next();
  if (r < 0.3) {
    const m = mutate(rng, spec);
    if (m) return { kind: 'reload', spec: m.spec, via, why: m.why };
  }
  if (r < 0.35) {
    const text = rng.chance(0.5)
      ? `${renderSpec(spec, HEALTH_PORT_PLACEHOLDER)}  bogus: [\n`
      : renderSpec(spec, HEALTH_PORT_PLACEHOLDER).replace(
          /backends: \{ (\w+):/,
          'backends: { nosuchbackend:',
        );
    return { kind: 'reload-broken', text, via, why: 'a broken file' };
  }
  if (r < 0.55) return { kind: 'health', address: rng.pick(ADDRESSES), healthy: rng.chance(0.55) };
  if (r < 0.6)
    return rng.chance(0.5)
      ? { kind: 'crash', address: rng.pick(ADDRESSES) }
      : { kind: 'revive', address: rng.pick(ADDRESSES) };
  if (r < 0.8) {
    const backend = rng.chance(0.95) ? rng.pick(backends) : 'nosuchbackend';
    return { kind: 'act', action: rng.pick(['pause', 'resume', 'disable', 'enable'] as const), backend };
  }
  if (r < 0.96) {
    const [frontend, fe] = rng.pick(Object.entries(spec.frontends));
    const pool = rng.pick(fe.pools);
    const [backend] = rng.pick(pool.members);
    return {
      kind: 'weight',
      frontend,
      pool: pool.name,
      backend,
      weight: rng.pick([0, 5, 50, 100]),
      flush: rng.chance(0.3),
    };
  }
  if (r < 0.98) return { kind: 'restart-maglevd' };
  return { kind: 'restart-sim' };
}

// ---- the model ----

type Overrides = Map<string, { weight: number; replaced: number }>;
const key = (fe: string, pool: string, be: string) => `${fe}\0${pool}\0${be}`;

function configuredWeight(spec: Spec, fe: string, pool: string, be: string): number | undefined {
  return spec.frontends[fe]?.pools.find((p) => p.name === pool)?.members.find(([m]) => m === be)?.[1];
}

/** What maglevd must be doing, from what the operator did. */
export class Model {
  spec: Spec;
  /** Address → the test server answers 200 there. */
  readonly healthy = new Map<string, boolean>(ADDRESSES.map((a) => [a, true]));
  /** Address → the test server is listening. */
  readonly listening = new Map<string, boolean>(ADDRESSES.map((a) => [a, true]));
  paused = new Set<string>();
  /** Operator's runtime enable/disable, where it differs from the YAML. */
  runtimeEnabled = new Map<string, boolean>();
  overrides: Overrides = new Map();

  constructor(spec: Spec) {
    this.spec = spec;
  }

  enabled(b: string): boolean {
    return this.runtimeEnabled.get(b) ?? this.spec.backends[b]?.enabled ?? false;
  }

  /** The state every backend settles in. */
  state(b: string): State {
    const be = this.spec.backends[b];
    if (!be) throw new Error(`no backend ${b}`);
    if (!this.enabled(b)) return 'disabled';
    if (this.paused.has(b)) return 'paused';
    return this.healthy.get(be.address) && this.listening.get(be.address) ? 'up' : 'down';
  }

  /** A reload that loads: the documented rules of what survives it. */
  reload(next: Spec): void {
    const prev = this.spec;
    const reset = new Set<string>();
    for (const [name, b] of Object.entries(next.backends)) {
      const old = prev.backends[name];
      if (!old) continue;
      const hcChanged =
        old.healthcheck !== b.healthcheck ||
        JSON.stringify(prev.healthchecks[old.healthcheck]) !==
          JSON.stringify(next.healthchecks[b.healthcheck]);
      if (hcChanged || old.enabled !== b.enabled) reset.add(name);
    }
    this.spec = next;
    for (const b of [...this.runtimeEnabled.keys()]) {
      if (!(b in next.backends) || reset.has(b)) this.runtimeEnabled.delete(b);
    }
    // A pause survives while the backend exists and is enabled after the reload.
    this.paused = new Set([...this.paused].filter((b) => b in next.backends && this.enabled(b)));
    const overrides: Overrides = new Map();
    for (const [k, o] of this.overrides) {
      const [fe, pool, be] = k.split('\0') as [string, string, string];
      const now = configuredWeight(next, fe, pool, be);
      if (now !== undefined && now === o.replaced) overrides.set(k, o);
    }
    this.overrides = overrides;
  }

  /** An operator action: the gRPC status code it must get (0 for success). */
  act(action: 'pause' | 'resume' | 'disable' | 'enable', b: string): number {
    const be = this.spec.backends[b];
    if (!be) return 5;
    const yaml = be.enabled;
    switch (action) {
      case 'pause':
      case 'resume':
        if (!this.enabled(b)) return 9;
        if (action === 'pause') this.paused.add(b);
        else this.paused.delete(b);
        return 0;
      case 'disable':
      case 'enable': {
        const on = action === 'enable';
        if (on === yaml) this.runtimeEnabled.delete(b);
        else this.runtimeEnabled.set(b, on);
        if (!on) this.paused.delete(b);
        return 0;
      }
    }
  }

  /** SetFrontendPoolBackendWeight: its status code. */
  setWeight(fe: string, pool: string, be: string, weight: number): number {
    const configured = configuredWeight(this.spec, fe, pool, be);
    if (configured === undefined) return 5;
    if (weight === configured) this.overrides.delete(key(fe, pool, be));
    else this.overrides.set(key(fe, pool, be), { weight, replaced: configured });
    return 0;
  }

  /** The weight of a pool member: the operator's override, else the configured one. */
  weight(fe: string, pool: string, be: string, configured: number): number {
    return this.overrides.get(key(fe, pool, be))?.weight ?? configured;
  }

  /**
   * The weights VPP must hold, per VIP prefix and AS address (ORIGINAL.md §3.2): every member is
   * an AS; the active pool is the first with a member up; members up in it carry their weight,
   * everything else 0; members sharing an address are one AS with the largest weight.
   */
  vpp(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [name, fe] of Object.entries(this.spec.frontends)) {
      const active = fe.pools.findIndex((p) => p.members.some(([b]) => this.state(b) === 'up'));
      const ases: Record<string, number> = {};
      fe.pools.forEach((p, i) => {
        for (const [b, w] of p.members) {
          const addr = this.spec.backends[b]!.address;
          const eff = i === active && this.state(b) === 'up' ? this.weight(name, p.name, b, w) : 0;
          ases[addr] = Math.max(ases[addr] ?? 0, eff);
        }
      });
      out[`${fe.address}/32`] = ases;
    }
    return out;
  }

  /** Frontend → pool → backend → effective weight, as GetFrontend must show them. */
  effective(): Record<string, Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, Record<string, number>>> = {};
    for (const [name, fe] of Object.entries(this.spec.frontends)) {
      const active = fe.pools.findIndex((p) => p.members.some(([b]) => this.state(b) === 'up'));
      out[name] = Object.fromEntries(
        fe.pools.map((p, i) => [
          p.name,
          Object.fromEntries(
            p.members.map(([b, w]) => [
              b,
              i === active && this.state(b) === 'up' ? this.weight(name, p.name, b, w) : 0,
            ]),
          ),
        ]),
      );
    }
    return out;
  }
}
