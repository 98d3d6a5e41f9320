import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Maglevd } from '../daemon/maglevd.js';
import { DashboardServer } from '../dashboard/server.js';
import type { LogLevel } from '../events/types.js';
import { VppLbSimulator } from '../sim/server.js';
import { DemoBackendServer } from './backend-server.js';

export interface DemoOptions {
  /** gRPC address for maglevd; default 127.0.0.1:9090 so maglevc works without --server. */
  readonly grpcAddr?: string;
  readonly metricsAddr?: string;
  /** Dashboard; "" for none. Default 127.0.0.1:8080. */
  readonly dashboardAddr?: string;
  readonly logLevel?: LogLevel;
  /** Where maglevd's JSON log lines go; default nowhere (the demo prints its own summary). */
  readonly logStream?: NodeJS.WritableStream;
}

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
 */
export class MaglevDemo {
  readonly dir = mkdtempSync(join(tmpdir(), 'vpp-maglev-demo-'));
  readonly backends: DemoBackendServer[] = [];
  sim: VppLbSimulator | null = null;
  daemon: Maglevd | null = null;
  dashboard: DashboardServer | null = null;
  grpcPort = 0;
  metricsPort = 0;
  dashboardPort = 0;
  constructor(private readonly opts: DemoOptions = {}) {}

  get configPath(): string {
    return join(this.dir, 'maglev.yaml');
  }

  async start(): Promise<void> {
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

  /** Crashes or revives backend N (stops or restarts its listener). */
  async toggle(index: number): Promise<{ name: string; listening: boolean } | null> {
    const b = this.backends[index];
    if (!b) return null;
    if (b.listening) await b.stop();
    else await b.start();
    return { name: b.name, listening: b.listening };
  }

  async close(): Promise<void> {
    await this.dashboard?.close();
    await this.daemon?.close();
    await this.sim?.close();
    for (const b of this.backends) await b.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function devNull(): NodeJS.WritableStream {
  return new Writable({
    write(_chunk, _enc, cb) {
      cb();
    },
  });
}
