/**
 * 50,000 lb_add_del_as_v2 through VppLbClient against the simulator running in its own process
 * (dist/bin/vpp-lb-sim.js): pipelined (all in flight at once) versus strictly one at a time
 * (each request waits for its reply, as a blocking client does). The ASes are spread over
 * 1,000 VIPs × 50 ASes, the scale maglevd is sized for (VPP looks an AS up linearly in its VIP).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VppLbClient } from '../../lib/vpp/lb-client.js';
import { VppConnection } from '../../vpp-api/index.js';
import { spawnSimulator } from './simulator.js';

const N = 50_000;
const dir = mkdtempSync(join(tmpdir(), 'maglev-bench-lb-'));
const socketPath = join(dir, 'api.sock');

function address(i: number): string {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

const child = await spawnSimulator(socketPath, 'inherit');
const conn = new VppConnection({ socketPath, requestTimeoutMs: 120_000 });
await conn.connect();
const lb = new VppLbClient(() => conn);
const VIPS = 1000;
const vip = (set: number, i: number) => ({
  prefix: `198.${51 + set}.${i >> 8}.${i & 255}/32`,
  protocol: 6,
  port: 80,
});
await Promise.all(Array.from({ length: VIPS }, (_, i) => lb.addVip(vip(0, i), { encap: 'gre4' })));
await Promise.all(Array.from({ length: VIPS }, (_, i) => lb.addVip(vip(1, i), { encap: 'gre4' })));

let t = performance.now();
for (let i = 1; i <= N; i++) await lb.addAs(vip(0, i % VIPS), address(i), 1);
const seqMs = performance.now() - t;

t = performance.now();
const calls: Promise<void>[] = [];
for (let i = 1; i <= N; i++) calls.push(lb.addAs(vip(1, i % VIPS), address(i), 1));
await Promise.all(calls);
const pipeMs = performance.now() - t;

await conn.close();
child.kill('SIGTERM');
rmSync(dir, { recursive: true, force: true });

const rate = (ms: number) => Math.round((N / ms) * 1000).toLocaleString('en-US');
process.stdout.write('| mode | requests | time | requests/s |\n| --- | ---: | ---: | ---: |\n');
process.stdout.write(
  `| one at a time | ${N.toLocaleString('en-US')} | ${(seqMs / 1000).toFixed(2)} s | ${rate(seqMs)} |\n`,
);
process.stdout.write(
  `| pipelined | ${N.toLocaleString('en-US')} | ${(pipeMs / 1000).toFixed(2)} s | ${rate(pipeMs)} |\n`,
);
process.stdout.write(`\npipelined / one at a time: **${(seqMs / pipeMs).toFixed(1)}×**\n`);
