/**
 * vpp-api codec throughput: encode and decode of the two hottest lb messages, in messages per
 * second, on one core. Prints a markdown table.
 */
import {
  addressFromString,
  defaultVppCodec,
  type LbAddDelAsV2Input,
  type LbAsV2DetailsInput,
  prefixFromString,
  type VppMessageCodec,
} from '../../vpp-api/index.js';

const codec = defaultVppCodec();

const request: LbAddDelAsV2Input = {
  pfx: prefixFromString('198.51.100.1/32'),
  protocol: 6,
  port: 80,
  as_address: addressFromString('2001:db8::10'),
  weight: 100,
  is_del: false,
  is_flush: false,
};
const details: LbAsV2DetailsInput = {
  vip: { pfx: prefixFromString('198.51.100.1/32'), protocol: 6, port: 80 },
  app_srv: addressFromString('192.0.2.10'),
  flags: 1,
  in_use_since: 0,
  weight: 100,
  num_buckets: 1024,
};

/** Runs `op` in batches until `ms` have passed; returns operations per second. */
function measure(op: () => void, ms = 1500): number {
  for (let i = 0; i < 20_000; i++) op(); // warm-up for the JIT
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 10_000; i++) op();
    n += 10_000;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

function rows(name: string, m: VppMessageCodec, msg: unknown): string[] {
  const payload = m.encodeFrame(msg, 1010, 5, 0x80000001).subarray(16);
  let sink = 0;
  const enc = measure(() => {
    sink += m.encodeFrame(msg, 1010, 5, 0x80000001).length;
  });
  const dec = measure(() => {
    sink += (m.decode(payload) as object) ? 1 : 0;
  });
  const both = measure(() => {
    const f = m.encodeFrame(msg, 1010, 5, 0x80000001);
    sink += (m.decode(f.subarray(16)) as object) ? 1 : 0;
  });
  if (sink < 0) console.log(sink);
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
  return [
    `| ${name} (${payload.length} B) | encode | ${fmt(enc)} |`,
    `| ${name} (${payload.length} B) | decode | ${fmt(dec)} |`,
    `| ${name} (${payload.length} B) | encode + decode | ${fmt(both)} |`,
  ];
}

const lines = [
  '| message | operation | messages/s |',
  '| --- | --- | ---: |',
  ...rows('lb_add_del_as_v2', codec.message('lb_add_del_as_v2'), request),
  ...rows('lb_as_v2_details', codec.message('lb_as_v2_details'), details),
];
process.stdout.write(`${lines.join('\n')}\n`);
