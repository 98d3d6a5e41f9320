/**
 * End-to-end harness: the built vpp-lb-sim and maglevd binaries as child processes, real HTTP
 * backends on loopback addresses, a gRPC client, and an observer connection to the simulator
 * (what an operator would see with vppctl).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { vi } from 'vitest';
import { MaglevClient } from '../../lib/api/client.js';
import { DemoBackendServer } from '../../lib/demo/backend-server.js';
import { VppLbClient } from '../../lib/vpp/lb-client.js';
import type { LbState } from '../../lib/vpp/types.js';
import { VppConnection } from '../../vpp-api/index.js';
import { binPath } from './bin.js';

export type LogLine = Record<string, unknown> & { msg: string; level: string };

/** A child process whose stdout is JSON log lines. */
export class LoggedProcess {
  readonly lines: LogLine[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (l) => {
      try {
        this.lines.push(JSON.parse(l) as LogLine);
      } catch {
        this.lines.push({ msg: 'non-json', level: 'INFO', text: l });
      }
    });
    createInterface({ input: child.stderr! }).on('line', (l) => this.stderr.push(l));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Waits for a log line matching `pred` (among all lines so far and to come). */
  async waitLog(pred: (l: LogLine) => boolean, timeout = 30_000, from = 0): Promise<LogLine> {
    let found: LogLine | undefined;
    await vi
      .waitFor(
        () => {
          found = this.lines.slice(from).find(pred);
          if (!found) throw new Error('not yet');
        },
        { timeout, interval: 20 },
      )
      .catch(() => {
        // Say why: a child that exited on a bad flag or config has told so on stderr.
        const { exitCode, signalCode } = this.child;
        const ended =
          exitCode !== null || signalCode !== null ? `exited (${exitCode ?? signalCode})` : 'running';
        throw new Error(
          `no matching log line within ${timeout} ms; process ${ended}; stderr: ${this.stderr.slice(-10).join('\n') || '(empty)'}`,
        );
      });
    return found as LogLine;
  }

  async stop(
    signal: NodeJS.Signals = 'SIGTERM',
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

/** A built binary in the background; maglevc's `watch events` output is JSON lines, too. */
export function startBin(
  name: 'maglevd' | 'vpp-lb-sim' | 'maglevc' | 'maglevd-frontend',
  args: string[],
  env: Record<string, string> = {},
): LoggedProcess {
  const child = spawn(process.execPath, [binPath(name), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  return new LoggedProcess(child);
}

export interface Backend {
  readonly name: string;
  readonly server: DemoBackendServer;
}

/** Starts HTTP backends on 127.0.0.2, .3, ... all on one port (one health check serves them). */
export async function startBackends(
  names: string[],
): Promise<{ port: number; backends: Map<string, DemoBackendServer> }> {
  const backends = new Map<string, DemoBackendServer>();
  let port = 0;
  for (const [i, name] of names.entries()) {
    const s = new DemoBackendServer({ name, address: `127.0.0.${i + 2}`, port });
    port = await s.start();
    backends.set(name, s);
  }
  return { port, backends };
}

/**
 * A site whose backends (web0, web1 on 127.0.0.2-3 behind `www`, 198.51.100.10:80) are checked
 * on a port nothing listens on: probes fail on loopback and nothing leaves the host. For tests of
 * the API around maglevd rather than of health.
 */
export const UNPROBED_SITE_CONFIG = `
maglev:
  healthchecks:
    web: { type: http, port: 9, interval: 10s, params: { path: /healthz } }
  backends:
    web0: { address: 127.0.0.2, healthcheck: web }
    web1: { address: 127.0.0.3, healthcheck: web }
  frontends:
    www:
      address: 198.51.100.10
      port: 80
      pools:
        - name: main
          backends: { web0: {}, web1: {} }
  vpp:
    lb: { ipv4-src-address: 192.0.2.1 }
`;

/** Options of {@link webSiteConfig}; each default is what most e2e tests want. */
export interface WebSiteOptions {
  /** `healthchecker.transition-history`; default: not set (the built-in default). */
  readonly transitionHistory?: number;
  /** The frontend's description; default: none. */
  readonly description?: string;
  /** web2's weight in the primary pool; default 50. */
  readonly weight2?: number;
  /** More frontends (YAML at the frontends' indentation), after `web`. */
  readonly extraFrontends?: string;
  /** `vpp.lb.sync-interval`; default 1h, so hand-made drift stays until a sync is asked for. */
  readonly syncInterval?: string;
  /** `vpp.lb.startup-min-delay` and `-max-delay`; default 0s and 0s. */
  readonly warmup?: readonly [string, string];
}

/**
 * The site most e2e tests run: web1 (127.0.0.2) and web2 (127.0.0.3, weight 50) in pool
 * `primary`, spare (127.0.0.4) in `fallback`, behind 198.51.100.1:80, HTTP checks on
 * /healthz at `port` (backends from {@link startBackends}).
 */
export function webSiteConfig(port: number, opts: WebSiteOptions = {}): string {
  const [min, max] = opts.warmup ?? ['0s', '0s'];
  const history =
    opts.transitionHistory === undefined
      ? ''
      : `  healthchecker: { transition-history: ${opts.transitionHistory} }\n`;
  const description = opts.description === undefined ? '' : `      description: ${opts.description}\n`;
  const extra = opts.extraFrontends === undefined ? '' : `${opts.extraFrontends}\n`;
  return `
maglev:
${history}  healthchecks:
    http:
      type: http
      port: ${port}
      interval: 1500ms
      fast-interval: 300ms
      down-interval: 1500ms
      timeout: 1s
      rise: 2
      fall: 2
      params: { path: /healthz }
  backends:
    web1: { address: 127.0.0.2, healthcheck: http }
    web2: { address: 127.0.0.3, healthcheck: http }
    spare: { address: 127.0.0.4, healthcheck: http }
  frontends:
    web:
${description}      address: 198.51.100.1
      protocol: tcp
      port: 80
      pools:
        - name: primary
          backends: { web1: {}, web2: { weight: ${opts.weight2 ?? 50} } }
        - name: fallback
          backends: { spare: {} }
${extra}  vpp:
    lb:
      ipv4-src-address: 192.0.2.254
      sync-interval: ${opts.syncInterval ?? '1h'}
      startup-min-delay: ${min}
      startup-max-delay: ${max}
`;
}

export class Workspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'maglev-e2e-'));
  readonly apiSock = join(this.dir, 'api.sock');
  readonly statsSock = join(this.dir, 'stats.sock');
  readonly config = join(this.dir, 'maglev.yaml');
  readonly stateFile = join(this.dir, 'state.json');

  writeConfig(text: string): void {
    writeFileSync(this.config, text);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function startSim(ws: Workspace): Promise<LoggedProcess> {
  const sim = startBin('vpp-lb-sim', ['--socket', ws.apiSock, '--stats-socket', ws.statsSock]);
  await sim.waitLog((l) => l.msg === 'sim-listen');
  return sim;
}

export async function startMaglevd(
  ws: Workspace,
  extra: string[] = [],
  opts: { stateFile?: string } = {},
): Promise<{ proc: LoggedProcess; client: MaglevClient; grpcPort: number; metricsPort: number }> {
  const proc = startBin('maglevd', [
    '--config',
    ws.config,
    '--grpc-addr',
    '127.0.0.1:0',
    '--metrics-addr',
    '127.0.0.1:0',
    '--vpp-api-addr',
    ws.apiSock,
    '--vpp-stats-addr',
    ws.statsSock,
    '--state-file',
    opts.stateFile ?? ws.stateFile,
    ...extra,
  ]);
  const grpc = await proc.waitLog((l) => l.msg === 'grpc-listen');
  const metrics = await proc.waitLog((l) => l.msg === 'metrics-listen');
  const grpcPort = grpc.port as number;
  return {
    proc,
    client: new MaglevClient(`127.0.0.1:${grpcPort}`),
    grpcPort,
    metricsPort: metrics.port as number,
  };
}

/** An operator's own connection to the simulator, to look at (and tamper with) VPP's state. */
export async function observe(ws: Workspace): Promise<{ lb: VppLbClient; conn: VppConnection }> {
  const conn = new VppConnection({ socketPath: ws.apiSock, clientName: 'e2e-observer' });
  await conn.connect();
  return { lb: new VppLbClient(() => conn), conn };
}

/** AS weights of one VIP prefix: address → weight (active ASes only). */
export function weightsOf(state: LbState, prefix: string): Record<string, number> {
  const v = state.vips.find((x) => x.prefix === prefix);
  return Object.fromEntries((v?.ases ?? []).filter((a) => a.flags === 1).map((a) => [a.address, a.weight]));
}
