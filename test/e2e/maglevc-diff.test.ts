/**
 * `maglevc config diff` and `... dry-run` end to end: the built maglevc against the built
 * maglevd, which programs the built vpp-lb-sim and checks real HTTP backends on loopback. Exit
 * statuses are diff(1)'s; nothing changes until the change is made, and then VPP's buckets are
 * the ones maglevc printed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MaglevClient } from '../../lib/api/client.js';
import type { DemoBackendServer } from '../../lib/demo/backend-server.js';
import type { VppLbClient } from '../../lib/vpp/lb-client.js';
import type { VppConnection } from '../../vpp-api/index.js';
import { type RunResult, runBin } from '../support/bin.js';
import {
  type LoggedProcess,
  observe,
  startBackends,
  startMaglevd,
  startSim,
  Workspace,
  webSiteConfig,
  weightsOf,
} from '../support/e2e-harness.js';

const VIP = '198.51.100.1/32';
const SETTLED = { '127.0.0.2': 100, '127.0.0.3': 50, '127.0.0.4': 0 };

function config(port: number, web2 = 50): string {
  return webSiteConfig(port, { weight2: web2 });
}

const ws = new Workspace();
let port = 0;
let backends: Map<string, DemoBackendServer>;
let sim: LoggedProcess;
let maglevd: LoggedProcess;
let client: MaglevClient;
let server = '';
let obs: { lb: VppLbClient; conn: VppConnection };

function maglevc(...words: string[]): Promise<RunResult> {
  return runBin('maglevc', ['--server', server, '--color=false', ...words], {
    timeoutMs: 60_000,
    cwd: ws.dir,
  });
}

async function weights(): Promise<Record<string, number>> {
  return weightsOf(await obs.lb.getState(), VIP);
}

async function buckets(): Promise<Record<string, number>> {
  const v = (await obs.lb.getState()).vips.find((x) => x.prefix === VIP);
  return Object.fromEntries(
    (v?.ases ?? []).filter((a) => a.flags === 1).map((a) => [a.address, a.numBuckets]),
  );
}

beforeAll(async () => {
  const b = await startBackends(['web1', 'web2', 'spare']);
  port = b.port;
  backends = b.backends;
  ws.writeConfig(config(port));
  sim = await startSim(ws);
  obs = await observe(ws);
  const d = await startMaglevd(ws);
  maglevd = d.proc;
  client = d.client;
  server = `127.0.0.1:${d.grpcPort}`;
  await vi.waitFor(async () => expect(await weights()).toEqual(SETTLED), { timeout: 30_000, interval: 100 });
}, 60_000);

afterAll(async () => {
  client?.close();
  await maglevd?.stop();
  await obs?.conn.close();
  await sim?.stop();
  for (const s of backends?.values() ?? []) await s.stop();
  ws.remove();
});

describe('maglevc config diff', () => {
  it("compares maglevd's own file by default: nothing to do, exit 0", async () => {
    const r = await maglevc('config', 'diff');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toBe('no change: 1 VIP: 1 unchanged, against what VPP holds now\n');
  });

  it('a local file that changes a weight: exit 1, the VIP line and the servers; then exactly that', async () => {
    writeFileSync(join(ws.dir, 'next.yaml'), config(port, 20));
    const r = await maglevc('config', 'diff', 'next.yaml');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^web 198\.51\.100\.1\/32 tcp\/80: changed; \d+\.\d% of new flows move \(\d+\/1024 buckets\)$/,
    );
    const row = (backend: string) => {
      const l = lines.find((x) => x.includes(` ${backend} `)) ?? '';
      const m = /weight (\d+)(?: -> (\d+))?\s+buckets (\d+)(?: -> (\d+))?/.exec(l);
      if (!m) throw new Error(`no row for ${backend} in:\n${r.stdout}`);
      return { weight: Number(m[2] ?? m[1]), buckets: Number(m[4] ?? m[3]) };
    };
    expect(lines.find((l) => l.includes(' web2 '))).toMatch(
      /^ {2}~ web2 +127\.0\.0\.3 +weight 50 -> 20 +buckets \d+ -> \d+$/,
    );
    expect(lines.at(-1)).toBe('1 VIP: 1 changed, against what VPP holds now');
    // Nothing was applied.
    expect(await weights()).toEqual(SETTLED);
    // Now for real: VPP's buckets are the ones printed.
    writeFileSync(ws.config, config(port, 20));
    expect((await client.reloadConfig()).ok).toBe(true);
    await vi.waitFor(async () => expect((await weights())['127.0.0.3']).toBe(20), { timeout: 20_000 });
    const after = await buckets();
    expect(after['127.0.0.2']).toBe(row('web1').buckets);
    expect(after['127.0.0.3']).toBe(row('web2').buckets);
    // The daemon's own file now matches what runs.
    expect((await maglevc('config', 'diff')).code).toBe(0);
  });

  it('a file with errors, or none: exit 2, the problems on stderr as config check gives them', async () => {
    writeFileSync(
      join(ws.dir, 'bad.yaml'),
      config(port).replace('healthcheck: http }', 'healthcheck: nope }'),
    );
    const bad = await maglevc('config', 'diff', 'bad.yaml');
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^semantic error: bad\.yaml:\d+:\d+: .*nope/);
    const missing = await maglevc('config', 'diff', 'absent.yaml');
    expect(missing).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'maglevc: cannot read absent.yaml: no such file\n',
    });
    const empty = join(ws.dir, 'empty.yaml');
    writeFileSync(empty, '');
    expect((await maglevc('config', 'diff', empty)).code).toBe(2);
  });
});

describe('dry-run', () => {
  it('set backend ... pause dry-run: exit 1, nothing paused', async () => {
    const r = await maglevc('set', 'backend', 'web1', 'pause', 'dry-run');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    // web2 (at weight 20 since the reload above) takes every bucket web1 had.
    expect(r.stdout).toMatch(/^web 198\.51\.100\.1\/32 tcp\/80: changed; \d+\.\d% of new flows move/);
    expect(r.stdout).toMatch(/ {4}web2 +127\.0\.0\.3 +weight 20 +buckets \d+ -> 1024\n/);
    expect(r.stdout).toMatch(/~ web1 +127\.0\.0\.2 +weight 100 -> 0 +buckets \d+ -> 0\n/);
    expect((await client.getBackend('web1')).state).toBe('up');
  });

  it('an action that changes nothing exits 0; one maglevd refuses exits 2', async () => {
    const same = await maglevc(
      'set',
      'frontend',
      'web',
      'pool',
      'primary',
      'backend',
      'web2',
      'weight',
      '20',
      'dry-run',
    );
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/^no change: /);
    const resume = await maglevc('set', 'backend', 'web1', 'resume', 'dry-run', 'assume-up');
    expect(resume.code).toBe(0);
    const refused = await maglevc(
      'set',
      'frontend',
      'web',
      'pool',
      'primary',
      'backend',
      'nope',
      'weight',
      '1',
      'dry-run',
    );
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toContain('backend "nope" not found');
    const unreachable = await runBin('maglevc', [
      '--server',
      '127.0.0.1:1',
      'set',
      'backend',
      'web1',
      'pause',
      'dry-run',
    ]);
    expect(unreachable.code).toBe(2);
    // The same commands without dry-run keep their old statuses.
    expect((await maglevc('set', 'backend', 'nope', 'pause')).code).toBe(1);
  });
});
