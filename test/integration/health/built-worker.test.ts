import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The shipped bundle must find its probe worker on its own (dist/lib/index.js exports
// runProbeWorker and netns.ts locates it relative to the chunk it was bundled into).
const lib = fileURLToPath(new URL('../../../dist/lib/index.js', import.meta.url));

const script = `
import { createServer } from 'node:net';
const { HealthChecker } = await import(${JSON.stringify(lib)});
const server = createServer((s) => s.on('error', () => {}).end());
await new Promise((r) => server.listen(0, '127.0.0.31', r));
const hc = { name: 'tcp', type: 'tcp', port: server.address().port, http: null, interval: 100, fastInterval: 50,
  downInterval: 100, timeout: 2000, rise: 2, fall: 3, probeIpv4Src: null, probeIpv6Src: null };
const config = {
  healthchecker: { transitionHistory: 5, netns: 'current' },
  healthchecks: new Map([['tcp', hc]]),
  backends: new Map([['b', { name: 'b', address: '127.0.0.31', family: 4, healthcheck: 'tcp', enabled: true }]]),
  frontends: new Map(),
  vpp: { lb: {} },
};
// "env" stands in for nsenter: the worker runs in this namespace, but through the same path.
const c = new HealthChecker(config, { netnsLauncher: (_path, argv) => ({ command: 'env', args: [...argv] }) });
const logs = [];
c.on('log', (r) => logs.push(r.msg));
const t = await new Promise((resolve) => { c.on('transition', resolve); c.start(); });
await c.close();
server.close();
process.stdout.write(JSON.stringify({ t, logs }));
`;

describe('built package', () => {
  it('runs probes through its probe worker', async () => {
    if (!existsSync(lib)) throw new Error(`${lib} is missing: run 'npm run build' first (npm test does)`);
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
      });
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
      });
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolve(stdout) : reject(new Error(`exit ${code}: ${stderr}`)),
      );
    });
    const { t, logs } = JSON.parse(out) as { t: { to: string; code: string }; logs: string[] };
    expect(t).toMatchObject({ to: 'up', code: 'L4OK' });
    expect(logs).toContain('probe-worker-start');
    expect(logs).not.toContain('probe-netns-error');
  });
});
