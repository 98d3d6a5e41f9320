import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Maglevd } from '../daemon/maglevd.js';
import { DashboardServer } from '../dashboard/server.js';
import type { LogLevel, MaglevEvent, TransitionRecord } from '../events/types.js';
import { VppLbSimulator } from '../sim/server.js';
import { DemoBackendServer } from './backend-server.js';

/**
 * Where the demo's parts listen and what maglevd logs.
 *
 * @internal
 */
export interface DemoOptions {
  /** gRPC address for maglevd; default 127.0.0.1:9090 so maglevc works without --server. */
  readonly grpcAddr?: string;
  /** maglevd's Prometheus listen address; default 127.0.0.1:9091. */
  readonly metricsAddr?: string;
  /** Dashboard listen address; "" for none. Default 127.0.0.1:8080. */
  readonly dashboardAddr?: string;
  /** maglevd's log level; default info. */
  readonly logLevel?: LogLevel;
  /** Where maglevd's JSON log lines go; default nowhere (the demo prints its own summary). */
  readonly logStream?: NodeJS.WritableStream;
}

/**
 * The demo's backends: their names, loopback addresses and the pool of the demo frontend each
 * is in.
 *
 * @internal
 */
export const DEMO_BACKENDS = [
  { name: 'nginx0', address: '127.0.0.2', pool: 'primary' },
  { name: 'nginx1', address: '127.0.0.3', pool: 'primary' },
  { name: 'nginx2', address: '127.0.0.4', pool: 'primary' },
  { name: 'spare0', address: '127.0.0.5', pool: 'fallback' },
] as const;

function demoConfig(port: number): string {
  return `# Written by the vpp-maglev demo.
maglev:
  healthchecker:
    transition-history: 10
  healthchecks:
    http:
      type: http
      port: ${port}
      interval: 1s
      fast-interval: 250ms
      down-interval: 2s
      timeout: 500ms
      rise: 2
      fall: 2
      params:
        path: /healthz
  backends:
${DEMO_BACKENDS.map((b) => `    ${b.name}: { address: ${b.address}, healthcheck: http }`).join('\n')}
  frontends:
    web:
      description: Demo web site
      address: 198.51.100.1
      protocol: tcp
      port: 80
      pools:
        - name: primary
          backends:
            nginx0: {}
            nginx1: {}
            nginx2: { weight: 50 }
        - name: fallback
          backends:
            spare0: {}
  vpp:
    lb:
      ipv4-src-address: 192.0.2.254
      sync-interval: 10s
      startup-min-delay: 1s
      startup-max-delay: 5s
`;
}

/**
 * The self-contained demo behind `npm start`: the lb simulator on a temporary socket, a few
 * HTTP backends on 127.0.0.x, maglevd on a config that points at them, and the dashboard.
 * Constructing it creates its temporary directory; {@link MaglevDemo.close} removes it.
 *
 * @internal
 */
export class MaglevDemo {
  /** The temporary directory holding the config, the simulator's sockets and the state file. */
  readonly dir = mkdtempSync(join(tmpdir(), 'vpp-maglev-demo-'));
  /** The HTTP backends, in {@link DEMO_BACKENDS} order; filled by start. */
  readonly backends: DemoBackendServer[] = [];
  /** The lb simulator maglevd programs; null until started. */
  sim: VppLbSimulator | null = null;
  /** maglevd; null until started. */
  daemon: Maglevd | null = null;
  /** The dashboard; null until started, and when turned off. */
  dashboard: DashboardServer | null = null;
  /** maglevd's bound gRPC port; 0 until started. */
  grpcPort = 0;
  /** maglevd's bound Prometheus port; 0 until started. */
  metricsPort = 0;
  /** The dashboard's bound port; 0 until started or when turned off. */
  dashboardPort = 0;
  /** Creates the temporary directory; nothing listens before {@link MaglevDemo.start}. */
  constructor(private readonly opts: DemoOptions = {}) {}

  /** The path of the maglevd configuration the demo writes. */
  get configPath(): string {
    return join(this.dir, 'maglev.yaml');
  }

  /**
   * Starts every part; when one fails, whatever did start is stopped and the directory removed.
   *
   * @throws the first part's error: a port in use, a loopback address missing, maglevd refusing
   *   the config.
   */
  async start(): Promise<void> {
    try {
      await this.#start();
    } catch (e) {
      await this.close().catch(() => {});
      throw e;
    }
  }

  async #start(): Promise<void> {
    let port = 0;
    for (const b of DEMO_BACKENDS) {
      const s = new DemoBackendServer({ name: b.name, address: b.address, port });
      port = await s.start();
      this.backends.push(s);
    }
    writeFileSync(this.configPath, demoConfig(port));
    this.sim = new VppLbSimulator({
      socketPath: join(this.dir, 'api.sock'),
      statsSocketPath: join(this.dir, 'stats.sock'),
    });
    await this.sim.start();
    this.daemon = await Maglevd.create({
      configPath: this.configPath,
      grpcAddr: this.opts.grpcAddr ?? '127.0.0.1:9090',
      metricsAddr: this.opts.metricsAddr ?? '127.0.0.1:9091',
      vppApiAddr: join(this.dir, 'api.sock'),
      vppStatsAddr: join(this.dir, 'stats.sock'),
      logLevel: this.opts.logLevel ?? 'info',
      stateFile: join(this.dir, 'state.json'),
      reflection: true,
      logStream: this.opts.logStream ?? devNull(),
      vppReconnectMs: 500,
    });
    const ports = await this.daemon.start();
    this.grpcPort = ports.grpcPort;
    this.metricsPort = ports.metricsPort;
    const dashAddr = this.opts.dashboardAddr ?? '127.0.0.1:8080';
    if (dashAddr !== '') {
      this.dashboard = new DashboardServer({
        listen: dashAddr,
        servers: [`127.0.0.1:${this.grpcPort}`],
        admin: { user: 'admin', password: 'demo' },
      });
      this.dashboardPort = await this.dashboard.start();
    }
  }

  /**
   * Crashes or revives backend N (stops or restarts its listener).
   *
   * @param index - Index into {@link MaglevDemo.backends}.
   * @returns The backend's name and whether it now listens; null for no such backend.
   */
  async toggle(index: number): Promise<{ name: string; listening: boolean } | null> {
    const b = this.backends[index];
    if (!b) return null;
    if (b.listening) await b.stop();
    else await b.start();
    return { name: b.name, listening: b.listening };
  }

  /**
   * Stops every part and removes the temporary directory. Idempotent; the directory goes even
   * when stopping a part fails (that error is thrown afterwards).
   */
  async close(): Promise<void> {
    let failure: unknown = null;
    const stop = async (part: (() => Promise<void>) | undefined) => {
      try {
        await part?.();
      } catch (e) {
        failure ??= e;
      }
    };
    await stop(this.dashboard ? () => (this.dashboard as DashboardServer).close() : undefined);
    await stop(this.daemon ? () => (this.daemon as Maglevd).close() : undefined);
    await stop(this.sim ? () => (this.sim as VppLbSimulator).close() : undefined);
    for (const b of this.backends) if (b.listening) await stop(() => b.stop());
    rmSync(this.dir, { recursive: true, force: true });
    if (failure !== null) throw failure;
  }
}

/**
 * HH:MM:SS in local time: the demo's lines are read by a person, against the clock on the wall.
 *
 * @internal
 */
export function clockTime(at: number): string {
  const d = new Date(at);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/**
 * One line of the demo's event log: the local time, two spaces, the text.
 *
 * @internal
 */
export function demoLine(at: number, text: string): string {
  return `${clockTime(at)}  ${text}`;
}

const bare = (word: string) => word.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');

/**
 * Why a backend changed state, without saying anything twice: an operator action's code is
 * repeated in its detail (code "paused", detail "paused by operator"), and the detail often
 * starts with the new state the line already shows. So "up → paused (by operator)", not
 * "up → paused (paused paused by operator)".
 *
 * @internal
 */
export function transitionReason(t: Pick<TransitionRecord, 'to' | 'code' | 'detail'>): string {
  const words: string[] = [];
  for (const w of `${t.code} ${t.detail}`.split(/\s+/)) {
    if (w === '') continue;
    const prev = words[words.length - 1];
    if (prev !== undefined && bare(prev) === bare(w)) continue;
    words.push(w);
  }
  if (words.length > 0 && bare(words[0] as string) === bare(t.to)) words.shift();
  return words.join(' ');
}

/**
 * The demo's line for an event worth showing (transitions, VPP weight changes), or null.
 *
 * @internal
 */
export function formatDemoEvent(e: MaglevEvent): string | null {
  if (e.kind === 'backend') {
    // A backend event comes once per frontend using it; the demo has one frontend, and the
    // copy without a frontend is the backend's own.
    if (e.frontend === null) return null;
    const t = e.transition;
    const why = transitionReason(t);
    return demoLine(t.at, `backend ${e.backend}: ${t.from} → ${t.to}${why ? ` (${why})` : ''}`);
  }
  if (e.kind === 'frontend') return demoLine(e.at, `frontend ${e.frontend}: ${e.from} → ${e.to}`);
  if (e.msg === 'vpp-lbsync-as-weight')
    return demoLine(
      e.at,
      `VPP: ${String(e.attrs.address)} weight ${String(e.attrs.weight)}${e.attrs.flush ? ' (flows flushed)' : ''}`,
    );
  if (e.msg === 'vpp-connect') return demoLine(e.at, 'VPP: connected');
  if (e.msg === 'vpp-warmup-done') return demoLine(e.at, 'VPP: warmup done, every frontend programmed');
  return null;
}

function devNull(): NodeJS.WritableStream {
  return new Writable({
    write(_chunk, _enc, cb) {
      cb();
    },
  });
}
