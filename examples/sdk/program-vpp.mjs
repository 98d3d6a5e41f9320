// @ts-check
/**
 * Programming VPP's lb plugin directly with VppLbClient: the global lb conf, a VIP, two
 * application servers (ASes) and their weights; then the state VPP reports, printed.
 *
 * It takes the path of VPP's API socket. To try it without a VPP, run the simulator:
 *
 *   npm run build
 *   node dist/bin/vpp-lb-sim.js --socket /tmp/lb.sock &
 *   node examples/sdk/program-vpp.mjs /tmp/lb.sock
 *
 * VPP keeps its state when this program exits, so a second run finds the VIP and the ASes
 * already there: it adds only what is missing, then sets the weights.
 */
import { VppLbClient } from 'vpp-maglev';
import { VppConnection } from 'vpp-maglev/vpp-api';

const socketPath = process.argv[2];
if (!socketPath) {
  console.error('usage: program-vpp.mjs <vpp-api-socket>');
  process.exit(2);
}

// Documentation addresses (RFC 5737): VPP is only told about them, no packet is sent.
const vip = { prefix: '198.51.100.1/32', protocol: 6, port: 80 }; // tcp/80
const ases = [
  { address: '192.0.2.10', weight: 100 },
  { address: '192.0.2.11', weight: 50 }, // half the new flows of the other
];

// One VPP API session. VppConnection does no reconnecting; maglevd's VppClient adds that.
const conn = new VppConnection({ socketPath, clientName: 'program-vpp-example' });
try {
  await conn.connect();
  // VppLbClient takes a function returning the connection, so that a reconnecting owner can
  // hand it the current one; here there is only one.
  const lb = new VppLbClient(() => conn);

  // The GRE4 tunnels' outer source, the sticky table size (a power of 2) and the flow timeout.
  await lb.setConf({
    ip4SrcAddress: '192.0.2.1',
    ip6SrcAddress: '2001:db8::1',
    stickyBucketsPerCore: 1024,
    flowTimeout: 40,
  });

  const existing = await lb.getVipState(vip);
  if (!existing) await lb.addVip(vip, { encap: 'gre4', flowTableLength: 1024 });
  for (const as of ases) {
    // VPP refuses to add an AS the VIP already has (VALUE_EXIST), so add only the missing ones.
    const present = existing?.ases.some((a) => a.address === as.address && a.flags === 1);
    if (!present) await lb.addAs(vip, as.address, 100);
  }
  // Weights are 0-100; 0 keeps the AS but sends it no new flows. flush (the last argument)
  // would also evict the AS's flows from the sticky table; false lets them finish where they are.
  for (const as of ases) await lb.setAsWeight(vip, as.address, as.weight, false);

  // Read everything back: the conf, every VIP and every AS slot with its share of the VIP's
  // Maglev new-flow table (numBuckets), which follows the weights.
  const state = await lb.getState();
  const { conf } = state;
  console.log(
    `conf ip4-src ${conf.ip4SrcAddress} ip6-src ${conf.ip6SrcAddress}` +
      ` sticky-buckets-per-core ${conf.stickyBucketsPerCore} flow-timeout ${conf.flowTimeout}s`,
  );
  for (const v of state.vips) {
    console.log(
      `vip ${v.prefix} protocol ${v.protocol} port ${v.port} encap ${v.encap} flow-table ${v.flowTableLength}`,
    );
    for (const a of v.ases) {
      const status = a.flags === 1 ? 'active' : 'removed';
      console.log(`  as ${a.address} weight ${a.weight} buckets ${a.numBuckets} ${status}`);
    }
  }
} catch (e) {
  // VppConnectError names the socket; VppApiError carries VPP's error name (e.g. VALUE_EXIST).
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  await conn.close();
}
