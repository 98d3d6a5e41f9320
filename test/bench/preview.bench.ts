/**
 * Change previews (PlanConfig, dry-run actions) on 1,000 VIPs × 50 servers.
 *
 * vpp-lb-sim runs in its own process and is programmed with the whole plan by the Reconciler
 * (as maglevd would); then "before" is read from it through VppLbClient, as PlanConfig does, and
 * each preview is computed against that state as maglevd computes it: the states a reload would
 * leave, the plan, the reconciler's ops, and the Maglev tables of every VIP that changes. The
 * VPP read and the YAML parse around it are measured separately.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigLoader } from '../../lib/config/loader.js';
import type { Config } from '../../lib/config/types.js';
import { ControlPlane } from '../../lib/daemon/control-plane.js';
import { emptyOperatorState } from '../../lib/daemon/operator-state.js';
import type { BackendState } from '../../lib/health/types.js';
import { plan } from '../../lib/plan/plan.js';
import {
  afterFastPath,
  afterFullSync,
  type ChangePreview,
  healthcheckChangedBackends,
  namesFromConfigs,
  previewChange,
  statesAfterReload,
} from '../../lib/reconcile/preview.js';
import { Reconciler } from '../../lib/reconcile/reconciler.js';
import { VppLbClient } from '../../lib/vpp/lb-client.js';
import type { LbState } from '../../lib/vpp/types.js';
import { VppConnection } from '../../vpp-api/index.js';
import { spawnSimulator } from './simulator.js';

const out = (s: string) => process.stdout.write(s);
const VIPS = 1000;
const SERVERS = 50;

const vipAddress = (i: number) => `198.51.${100 + (i >> 8)}.${i & 255}`;
const backendAddress = (b: number) => `10.${b >> 16}.${(b >> 8) & 255}.${b & 255}`;

/**
 * maglev.yaml with VIPS frontends of SERVERS backends each, in two pools (40 + 10), weights
 * 100 and 50 alternating; `edit(i, j)` may change member j of VIP i (a weight, or null to drop).
 */
function yaml(edit: (i: number, j: number) => number | null = (_i, j) => (j % 2 === 0 ? 100 : 50)): string {
  const lines = ['maglev:', '  healthchecks:', '    tcp: { type: tcp, port: 80 }', '  backends:'];
  for (let b = 0; b < VIPS * SERVERS; b++)
    lines.push(`    b${b}: { address: ${backendAddress(b)}, healthcheck: tcp }`);
  lines.push('  frontends:');
  for (let i = 0; i < VIPS; i++) {
    const member = (j: number) => {
      const w = edit(i, j);
      return w === null ? null : `b${i * SERVERS + j}: { weight: ${w} }`;
    };
    const primary = Array.from({ length: 40 }, (_, j) => member(j)).filter((m) => m !== null);
    const fallback = Array.from({ length: 10 }, (_, j) => member(40 + j)).filter((m) => m !== null);
    lines.push(
      `    f${i}:`,
      `      address: ${vipAddress(i)}`,
      '      port: 80',
      '      pools:',
      `        - { name: primary, backends: { ${primary.join(', ')} } }`,
      `        - { name: fallback, backends: { ${fallback.join(', ')} } }`,
    );
  }
  lines.push('  vpp:', '    lb:', '      ipv4-src-address: 192.0.2.254', '      sync-interval: 1h');
  return `${lines.join('\n')}\n`;
}

/** Median wall and CPU milliseconds of `runs` calls of fn, after one warm-up call. */
async function median(fn: () => unknown, runs = 7): Promise<{ wall: number; cpu: number }> {
  await fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    const c = process.cpuUsage();
    await fn();
    const u = process.cpuUsage(c);
    wall.push(performance.now() - s);
    cpu.push((u.user + u.system) / 1000);
  }
  const mid = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(runs / 2)] as number;
  return { wall: mid(wall), cpu: mid(cpu) };
}

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

function previewAgainst(core: ControlPlane, next: Config, before: LbState): ChangePreview {
  const hc = healthcheckChangedBackends(core.config, next);
  const { states, assumptions } = statesAfterReload(core.config, next, core.states, hc);
  const applied = afterFullSync(plan(next, states, core.overrides), before);
  return previewChange(before, 'vpp', applied, namesFromConfigs(next, core.config), assumptions);
}

/** A dry-run pause of one backend: the fast path's preview. */
function pausePreview(core: ControlPlane, backend: string, before: LbState): ChangePreview {
  const { models, pending } = core.dryRunTransition(backend, 'paused');
  const applied = afterFastPath((n) => models.get(n), pending, before);
  return previewChange(before, 'vpp', applied, namesFromConfigs(core.config));
}

const changed = (p: ChangePreview) => p.vips.filter((v) => v.change !== 'unchanged').length;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'maglev-bench-preview-'));
  const socketPath = join(dir, 'api.sock');
  const child = await spawnSimulator(socketPath);
  try {
    const running = yaml();
    const tParse = await median(() => new ConfigLoader().parse(running, { filename: 'maglev.yaml' }), 3);
    const config = new ConfigLoader().parse(running, { filename: 'maglev.yaml' });
    const states = new Map<string, BackendState>([...config.backends.keys()].map((k) => [k, 'up']));
    const core = new ControlPlane(config, states, emptyOperatorState);
    const conn = new VppConnection({ socketPath, requestTimeoutMs: 300_000 });
    await conn.connect();
    const lb = new VppLbClient(() => conn, { timeoutMs: 300_000 });
    const r = new Reconciler({ source: core });
    r.attach({ getState: () => lb.getState(), execute: (op) => lb.execute(op) });
    await r.syncAll();
    await r.close();

    let before = await lb.getState();
    const tRead = await median(async () => {
      before = await lb.getState();
    }, 5);
    await conn.close();

    const cases: Array<{ name: string; run: () => ChangePreview }> = [];
    const reload = (name: string, text: string) => {
      const next = new ConfigLoader().parse(text, { filename: 'next.yaml' });
      cases.push({ name, run: () => previewAgainst(core, next, before) });
    };
    const weight = (j: number) => (j % 2 === 0 ? 100 : 50);
    reload('reload, nothing changed', running);
    reload(
      'reload, one weight in one VIP',
      yaml((i, j) => (i === 7 && j === 0 ? 10 : weight(j))),
    );
    reload(
      'reload, one weight in every VIP',
      yaml((_i, j) => (j === 0 ? 10 : weight(j))),
    );
    reload(
      'reload, one server removed from every VIP',
      yaml((_i, j) => (j === 3 ? null : weight(j))),
    );
    cases.push({ name: 'dry-run pause of one backend', run: () => pausePreview(core, 'b7000', before) });
    const rows: string[] = [];
    for (const c of cases) {
      const t = await median(() => c.run(), 5);
      rows.push(`| ${c.name} | ${changed(c.run())} | ${fmt(t.wall)} | ${fmt(t.cpu)} |`);
    }
    const n = (VIPS * SERVERS).toLocaleString('en-US');
    out(
      `### Previews, ${VIPS.toLocaleString('en-US')} VIPs × ${SERVERS} servers (vpp-lb-sim in its own process)\n\n`,
    );
    out('| change | VIPs changed | preview (wall, median) | preview (CPU) |\n| --- | ---: | ---: | ---: |\n');
    out(`${rows.join('\n')}\n\n`);
    out(`Around the preview: reading "before" from VPP (${n} ASes) ${fmt(tRead.wall)} wall, `);
    out(`${fmt(tRead.cpu)} CPU in maglevd; parsing the YAML of ${n} backends (PlanConfig does, as a reload `);
    out(`does) ${fmt(tParse.wall)} wall, ${fmt(tParse.cpu)} CPU.\n`);
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
