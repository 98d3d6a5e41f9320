import { vi } from 'vitest';
import type { MaglevClient } from '../../../lib/api/client.js';
import type * as pb from '../../../lib/api/gen/maglev_pb.js';
import type { DemoBackendServer } from '../../../lib/demo/backend-server.js';
import type { LbState } from '../../../lib/vpp/types.js';
import {
  type LoggedProcess,
  observe,
  startBackends,
  startMaglevd,
  startSim,
  Workspace,
} from '../../support/e2e-harness.js';
import type { FakeConfig } from './fake-maglevd.js';
import { type DashboardScenario, E2E_CONFIG } from './scenario.js';

/**
 * The DashboardScenario on real parts: each maglevd is the built binary with its own
 * vpp-lb-sim, and health-checks its own set of DemoBackendServers (one per backend, on
 * 127.0.0.2, .3, ... in config order, all on one port). A backend fails its checks because its
 * server is stopped, as a crashed backend would be; the probe and VPP API activity the
 * dashboard animates is maglevd's own.
 */
export interface RealScenario extends DashboardScenario {
  /** The maglevd processes (JSON log lines on stdout). */
  readonly maglevds: readonly LoggedProcess[];
  /** The loopback address a backend was given in maglevd's config. */
  addressOf(backend: string): string;
  /** VPP's state as the simulator of maglevd `index` holds it (an operator's own connection). */
  vppState(index: number): Promise<LbState>;
  /** gRPC client of maglevd `index`. */
  client(index: number): MaglevClient;
  /**
   * Resolves once maglevd `index` has the given backend states and VPP carries, for every
   * pool member, the effective weight maglevd planned.
   */
  settled(index: number, states: Readonly<Record<string, string>>, timeoutMs?: number): Promise<void>;
}

/** The backends that start failing their checks (their servers are not listening). */
export const REAL_INITIAL_DOWN: readonly string[] = ['api2-ams', 'mx0-ams'];

/** maglev.yaml for `config`: backend i at 127.0.0.(i+2), one HTTP check on `port`. */
export function realConfigYaml(config: FakeConfig, port: number): string {
  const lines = [
    'maglev:',
    '  healthchecks:',
    '    http:',
    '      type: http',
    `      port: ${port}`,
    '      interval: 1500ms',
    '      fast-interval: 300ms',
    '      down-interval: 1500ms',
    '      timeout: 1s',
    '      rise: 2',
    '      fall: 2',
    '      params: { path: /healthz }',
    '  backends:',
  ];
  config.backends.forEach((b, i) => {
    lines.push(`    ${b.name}: { address: 127.0.0.${i + 2}, healthcheck: http }`);
  });
  lines.push('  frontends:');
  for (const f of config.frontends) {
    lines.push(
      `    ${f.name}:`,
      `      address: ${f.address}`,
      `      protocol: ${f.protocol ?? 'tcp'}`,
      `      port: ${f.port ?? 80}`,
    );
    if (f.description) lines.push(`      description: ${JSON.stringify(f.description)}`);
    lines.push('      pools:');
    for (const p of f.pools) {
      lines.push(`        - name: ${p.name}`, '          backends:');
      for (const m of p.backends) lines.push(`            ${m.name}: { weight: ${m.weight ?? 100} }`);
    }
  }
  lines.push(
    '  vpp:',
    '    lb:',
    '      ipv4-src-address: 192.0.2.254',
    '      sync-interval: 5s',
    '      startup-min-delay: 0s',
    '      startup-max-delay: 0s',
    '',
  );
  return lines.join('\n');
}

interface Site {
  readonly ws: Workspace;
  readonly backends: Map<string, DemoBackendServer>;
  sim?: LoggedProcess;
  obs?: Awaited<ReturnType<typeof observe>>;
  maglevd?: Awaited<ReturnType<typeof startMaglevd>>;
}

async function closeSite(s: Site): Promise<void> {
  s.maglevd?.client.close();
  await s.maglevd?.proc.stop();
  await s.obs?.conn.close();
  await s.sim?.stop();
  for (const b of s.backends.values()) await b.stop();
  s.ws.remove();
}

/** How one maglevd's view of its frontends and VPP's AS weights disagree ("" when they agree). */
function mismatch(
  frontends: readonly pb.FrontendInfo[],
  backends: readonly pb.BackendInfo[],
  vpp: LbState,
  states: Readonly<Record<string, string>>,
): string {
  for (const b of backends) {
    const want = states[b.name];
    if (want !== undefined && b.state !== want) return `${b.name} is ${b.state}, not ${want}`;
  }
  for (const f of frontends) {
    const vip = vpp.vips.find((v) => v.prefix === `${f.address}/32` && v.port === f.port);
    if (!vip) return `no VIP for ${f.name}`;
    for (const p of f.pools) {
      for (const m of p.backends) {
        const as = vip.ases.find((a) => a.address === m.address);
        if (!as) return `no AS ${m.address} in ${f.name}`;
        if (as.weight !== m.effectiveWeight)
          return `${f.name}/${p.name}/${m.name}: VPP weight ${as.weight}, planned ${m.effectiveWeight}`;
      }
    }
  }
  return '';
}

/**
 * `count` maglevds, each with E2E_CONFIG (or `config`) and its own simulator and backends.
 * Resolves once every maglevd has probed its backends into their initial states (up, or down
 * for REAL_INITIAL_DOWN) and programmed VPP accordingly. Everything started is stopped again if
 * the setup fails half way.
 */
export async function realScenario(
  opts: { count?: number; config?: FakeConfig; initialDown?: readonly string[] } = {},
): Promise<RealScenario> {
  const config = opts.config ?? E2E_CONFIG;
  const down = opts.initialDown ?? REAL_INITIAL_DOWN;
  const names = config.backends.map((b) => b.name);
  const initial = Object.fromEntries(names.map((n) => [n, down.includes(n) ? 'down' : 'up']));
  const sites: Site[] = [];
  const site = (i: number): Site => {
    const s = sites[i];
    if (!s?.maglevd) throw new Error(`no maglevd ${i}`);
    return s;
  };
  const client = (i: number) => (site(i).maglevd as { client: MaglevClient }).client;
  const vppState = async (i: number) => {
    const obs = site(i).obs;
    if (!obs) throw new Error(`no simulator ${i}`);
    return obs.lb.getState();
  };
  const settled = async (i: number, states: Readonly<Record<string, string>>, timeout = 60_000) => {
    let last = '';
    await vi
      .waitFor(
        async () => {
          const c = client(i);
          const [fl, bl, vpp] = await Promise.all([c.listFrontends(), c.listBackends(), vppState(i)]);
          last = mismatch(fl.frontends, bl.backends, vpp, states);
          if (last) throw new Error(last);
        },
        { timeout, interval: 100 },
      )
      .catch(() => {
        throw new Error(`maglevd ${i} did not settle within ${timeout} ms: ${last}`);
      });
  };
  const watchFor = async (i: number, pred: (e: pb.Event) => boolean, timeout = 30_000) => {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), timeout);
    try {
      for await (const e of client(i).watchEvents({ log: true, logLevel: 'debug' }, ac.signal)) {
        if (pred(e)) return;
      }
    } catch (e) {
      if (!ac.signal.aborted) throw e;
    } finally {
      clearTimeout(timer);
      ac.abort();
    }
    throw new Error(`maglevd ${i}: no matching event within ${timeout} ms`);
  };
  const logMsg = (e: pb.Event) => (e.event.case === 'log' ? e.event.value : null);

  try {
    for (let i = 0; i < (opts.count ?? 1); i++) {
      const { port, backends } = await startBackends(names);
      const s: Site = { ws: new Workspace(), backends };
      sites.push(s);
      for (const n of down) await backends.get(n)?.stop();
      s.ws.writeConfig(realConfigYaml(config, port));
      s.sim = await startSim(s.ws);
      s.obs = await observe(s.ws);
      s.maglevd = await startMaglevd(s.ws);
    }
    await Promise.all(sites.map((_, i) => settled(i, initial)));
  } catch (e) {
    for (const s of sites) await closeSite(s);
    throw e;
  }

  return {
    servers: sites.map((s) => `127.0.0.1:${s.maglevd?.grpcPort}`),
    maglevds: sites.map((s) => (s.maglevd as { proc: LoggedProcess }).proc),
    addressOf(backend) {
      const i = names.indexOf(backend);
      if (i < 0) throw new Error(`no backend ${backend}`);
      return `127.0.0.${i + 2}`;
    },
    vppState,
    client,
    settled,
    async setHealthy(i, backend, healthy) {
      const b = site(i).backends.get(backend);
      if (!b) throw new Error(`no backend ${backend}`);
      if (healthy) await b.start();
      else await b.stop();
    },
    async backendState(i, backend) {
      return (await client(i).getBackend(backend)).state;
    },
    // maglevd probes and talks to VPP on its own: these wait for it to happen.
    async probeStarted(i, backend) {
      await watchFor(i, (e) => logMsg(e)?.msg === 'probe-start' && logMsg(e)?.attrs.backend === backend);
    },
    async probeDone(i, backend) {
      await watchFor(i, (e) => logMsg(e)?.msg === 'probe-done' && logMsg(e)?.attrs.backend === backend);
    },
    async vppApi(i, direction) {
      await watchFor(i, (e) => logMsg(e)?.msg.startsWith(`vpp-api-${direction}`) === true);
    },
    async close() {
      for (const s of sites) await closeSite(s);
    },
  };
}
