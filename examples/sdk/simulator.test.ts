/**
 * Using VppLbSimulator in your own vitest suite: a real unix socket speaking VPP's binary API,
 * with the lb plugin's behaviour, so that code which programs VPP can be tested without one.
 *
 * This suite starts the simulator on a temporary socket, programs it through VppLbClient as
 * your code would program VPP, and checks how VPP splits the VIP's Maglev new-flow table
 * between the application servers (ASes).
 *
 *   npm run build
 *   npx vitest run --root examples/sdk
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { maglevBucketCounts, type VipKey, VppLbClient, VppLbSimulator } from 'vpp-maglev';
import { ip4FromString, VppConnection } from 'vpp-maglev/vpp-api';

const VIP: VipKey = { prefix: '198.51.100.1/32', protocol: 6, port: 80 };
const TABLE = 1024;

let dir: string;
let sim: VppLbSimulator;
let conn: VppConnection;
let lb: VppLbClient;

// A fresh simulator per test: each starts from an empty VPP. The socket lives in a temporary
// directory of its own, so suites running in parallel never share one.
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lb-sim-example-'));
  sim = new VppLbSimulator({ socketPath: join(dir, 'api.sock') });
  await sim.start();
  conn = new VppConnection({ socketPath: sim.socketPath, clientName: 'example-test' });
  await conn.connect();
  lb = new VppLbClient(() => conn);
  await lb.addVip(VIP, { encap: 'gre4', flowTableLength: TABLE });
});

afterEach(async () => {
  await conn?.close();
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Buckets per AS address, as VPP reports them over the API. */
async function buckets(): Promise<Record<string, number>> {
  const vip = await lb.getVipState(VIP);
  return Object.fromEntries((vip?.ases ?? []).map((a) => [a.address, a.numBuckets]));
}

/**
 * The expected split, by the closed form the library exports. It takes VPP's 16-byte ip46
 * address form: IPv4 is 12 zero bytes, then the address.
 */
function expected(weights: Record<string, number>): Record<string, number> {
  const ases = Object.entries(weights).map(([address, weight]) => ({
    address: Uint8Array.of(...new Uint8Array(12), ...ip4FromString(address)),
    weight,
  }));
  const counts = maglevBucketCounts(ases, TABLE);
  return Object.fromEntries(Object.keys(weights).map((address, i) => [address, counts[i] ?? 0]));
}

describe('the Maglev table of a VIP in the simulated lb plugin', () => {
  it('is split evenly between equal weights', async () => {
    await lb.addAs(VIP, '192.0.2.10', 100);
    await lb.addAs(VIP, '192.0.2.11', 100);
    expect(await buckets()).toEqual({ '192.0.2.10': 512, '192.0.2.11': 512 });
  });

  it('follows the weights, every bucket assigned', async () => {
    await lb.addAs(VIP, '192.0.2.10', 100);
    await lb.addAs(VIP, '192.0.2.11', 100);
    await lb.setAsWeight(VIP, '192.0.2.11', 50, false);
    const got = await buckets();
    expect(got).toEqual(expected({ '192.0.2.10': 100, '192.0.2.11': 50 }));
    // Near the weights, not exact: VPP's weighted Maglev gives 674:350, not 682.7:341.3.
    expect(got).toEqual({ '192.0.2.10': 674, '192.0.2.11': 350 });
  });

  it('gives a weight-0 AS no buckets, but keeps it', async () => {
    await lb.addAs(VIP, '192.0.2.10', 100);
    await lb.addAs(VIP, '192.0.2.11', 0);
    expect(await buckets()).toEqual({ '192.0.2.10': TABLE, '192.0.2.11': 0 });
    // The simulator's own view agrees with what the API reported.
    const vip = sim.getState().vips.find((v) => v.prefix === VIP.prefix);
    expect(vip?.ases.map((a) => [a.address, a.weight, a.numBuckets])).toEqual([
      ['192.0.2.10', 100, TABLE],
      ['192.0.2.11', 0, 0],
    ]);
  });
});
