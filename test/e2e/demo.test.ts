import { afterAll, beforeAll, expect, it } from 'vitest';
import { MaglevClient } from '../../lib/api/client.js';
import { MaglevDemo } from '../../lib/demo/demo.js';

const demo = new MaglevDemo({
  grpcAddr: '127.0.0.1:0',
  metricsAddr: '127.0.0.1:0',
  dashboardAddr: '127.0.0.1:0',
});
let client: MaglevClient;

function weights(): Record<string, number> {
  const vip = demo.sim?.getState().vips.find((v) => v.used && v.prefix === '198.51.100.1/32');
  return Object.fromEntries((vip?.ases ?? []).filter((a) => a.flags === 1).map((a) => [a.address, a.weight]));
}

beforeAll(async () => {
  await demo.start();
  client = new MaglevClient(`127.0.0.1:${demo.grpcPort}`);
});

afterAll(async () => {
  client.close();
  await demo.close();
});

it('npm start: the demo programs the simulator, and a crashed backend loses its weight', async () => {
  await expect.poll(weights, { timeout: 30_000 }).toEqual({
    '127.0.0.2': 100,
    '127.0.0.3': 100,
    '127.0.0.4': 50,
    '127.0.0.5': 0,
  });
  expect((await client.listFrontends()).names).toEqual(['web']);
  expect(await demo.toggle(1)).toEqual({ name: 'nginx1', listening: false });
  await expect.poll(weights, { timeout: 30_000 }).toMatchObject({ '127.0.0.3': 0 });
  expect(await demo.toggle(1)).toEqual({ name: 'nginx1', listening: true });
  await expect.poll(weights, { timeout: 30_000 }).toMatchObject({ '127.0.0.3': 100 });
  const page = await fetch(`http://127.0.0.1:${demo.dashboardPort}/view/`);
  expect(page.status).toBe(200);
});
