import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatShowLbVips } from '../../../lib/sim/cli.js';
import type { SimState } from '../../../lib/sim/lb-plugin.js';
import { parseShowLbVipsVerbose, ShowLbVipsParseError } from '../../../lib/vpp/show-lb-vips.js';
import { asAdd, asDel, makeSim, setWeight, vip, vipAdd, vipDel } from '../sim/helpers.js';

/**
 * Output of a VPP built from master after the AS-weight change, typed out from its format
 * strings (leading space on the header, two spaces before "removed" on AS lines, the NAT line
 * running into "counters:", an empty line after each VIP).
 */
const SAMPLE = `${[
  ' ip4-gre4 [1] 192.0.2.1/32 src_ip_sticky',
  '  new_size:1024',
  '  protocol:6 port:80',
  '  counters:',
  '    packet from existing sessions: 1520',
  '    first session packet: 37',
  '    untracked packet: 0',
  '    no server configured: 2',
  '  #as:2',
  '    10.0.0.1 weight:100 buckets:683 flows:12 dpo:25 used',
  '    10.0.0.2 weight:50 buckets:341 flows:3 dpo:26 used',
  '',
  ' ip6-gre6 [2] 2001:db8::/64',
  '  new_size:65536',
  '  counters:',
  '    packet from existing sessions: 0',
  '    first session packet: 0',
  '    untracked packet: 0',
  '    no server configured: 0',
  '  #as:1',
  '    2001:db8:1::a weight:0 buckets:0 flows:0 dpo:31  removed',
  '',
  ' ip4-nat4 [4] 203.0.113.5/32 removed',
  '  new_size:8',
  '  protocol:17 port:53',
  '  type:clusterip port:13568 target_port:5353  counters:',
  '    packet from existing sessions: 0',
  '    first session packet: 0',
  '    untracked packet: 0',
  '    no server configured: 0',
  '  #as:0',
  '',
].join('\n')}\n`;

/** The same kind of output from a build before AS weights (different AS line). */
const SAMPLE_OLD = ` ip4-l3dsr [3] 198.51.100.0/24
  new_size:1024
  dscp:46
  counters:
    packet from existing sessions: 5
    first session packet: 1
    untracked packet: 0
    no server configured: 0
  #as:2
    10.0.0.1 512 buckets   3 flows  dpo:17 used
    10.0.0.2 0 buckets   0 flows  dpo:18  removed

`;

describe('parseShowLbVipsVerbose on VPP output', () => {
  it('reads index, key, stickiness, state, counters and ASes', () => {
    const vips = parseShowLbVipsVerbose(SAMPLE, { strict: true });
    expect(vips).toEqual([
      {
        index: 1,
        type: 'ip4-gre4',
        encap: 'gre4',
        prefix: '192.0.2.1/32',
        protocol: 6,
        port: 80,
        srcIpSticky: true,
        removed: false,
        newSize: 1024,
        dscp: null,
        nat: null,
        counters: {
          'packet from existing sessions': 1520,
          'first session packet': 37,
          'untracked packet': 0,
          'no server configured': 2,
        },
        ases: [
          { address: '10.0.0.1', weight: 100, buckets: 683, flows: 12, dpo: 25, removed: false },
          { address: '10.0.0.2', weight: 50, buckets: 341, flows: 3, dpo: 26, removed: false },
        ],
      },
      expect.objectContaining({
        index: 2,
        encap: 'gre6',
        prefix: '2001:db8::/64',
        protocol: 255,
        port: 0,
        srcIpSticky: false,
        removed: false,
        newSize: 65536,
        ases: [{ address: '2001:db8:1::a', weight: 0, buckets: 0, flows: 0, dpo: 31, removed: true }],
      }),
      expect.objectContaining({
        index: 4,
        encap: 'nat4',
        protocol: 17,
        port: 53,
        removed: true,
        nat: { srvType: 'clusterip', port: 13568, targetPort: 5353 },
        counters: {
          'packet from existing sessions': 0,
          'first session packet': 0,
          'untracked packet': 0,
          'no server configured': 0,
        },
        ases: [],
      }),
    ]);
  });

  it('reads the AS lines of builds without weights', () => {
    const [v] = parseShowLbVipsVerbose(SAMPLE_OLD, { strict: true });
    expect(v).toMatchObject({ index: 3, encap: 'l3dsr', dscp: 46, prefix: '198.51.100.0/24' });
    expect(v?.ases).toEqual([
      { address: '10.0.0.1', weight: null, buckets: 512, flows: 3, dpo: 17, removed: false },
      { address: '10.0.0.2', weight: null, buckets: 0, flows: 0, dpo: 18, removed: true },
    ]);
  });

  it('tolerates a trailing NUL, CRLF line ends and an empty reply', () => {
    expect(parseShowLbVipsVerbose(`${SAMPLE.replace(/\n/g, '\r\n')}\0`)).toEqual(
      parseShowLbVipsVerbose(SAMPLE),
    );
    expect(parseShowLbVipsVerbose('')).toEqual([]);
  });

  it('canonicalises IPv6 text', () => {
    const text = SAMPLE.replace('2001:db8::/64', '2001:DB8:0:0:0:0:0:0/64').replace(
      '2001:db8:1::a',
      '2001:0db8:1:0::A',
    );
    const v = parseShowLbVipsVerbose(text)[1];
    expect(v?.prefix).toBe('2001:db8::/64');
    expect(v?.ases[0]?.address).toBe('2001:db8:1::a');
  });

  it.each([
    ['text before the first VIP', `hello\n${SAMPLE}`, 1, {}],
    ['a header with an unknown type', SAMPLE.replace('ip4-gre4 [1]', 'ip4-ipip [1]'), 1, {}],
    ['a bad prefix', SAMPLE.replace('192.0.2.1/32', '192.0.2.300/32'), 1, {}],
    ['an IPv4 length over 32', SAMPLE.replace('192.0.2.1/32', '192.0.2.1/40'), 1, {}],
    ['a VIP without new_size', SAMPLE.replace('  new_size:1024\n', ''), 1, {}],
    ['an unknown line (strict)', SAMPLE.replace('  #as:2', '  wibble\n  #as:2'), 9, { strict: true }],
    ['an AS count that does not add up (strict)', SAMPLE.replace('#as:2', '#as:3'), 1, { strict: true }],
    ['a bad AS address', SAMPLE.replace('10.0.0.2 weight', '10.0.0 weight'), 11, {}],
  ])('rejects %s with the line number', (_n, text, line, options) => {
    expect(() => parseShowLbVipsVerbose(text, options)).toThrow(ShowLbVipsParseError);
    try {
      parseShowLbVipsVerbose(text, options);
    } catch (e) {
      expect((e as ShowLbVipsParseError).line).toBe(line);
    }
  });

  it('ignores unknown lines unless strict', () => {
    const text = SAMPLE.replace('  #as:2', '  future-field:1\n  #as:2');
    expect(parseShowLbVipsVerbose(text)).toEqual(parseShowLbVipsVerbose(SAMPLE));
  });
});

const prefixes = ['10.0.0.1/32', '2001:db8::5:0:0:0/80', '::10.0.0.9/128', '::/0'];
const servers = ['10.1.0.1', '10.1.0.2', '10.1.0.3', '2001:db8:1::1', '2001:db8:1:0:0:0:0:2'];
const vipArb = fc.record({
  k: fc.constant('vip' as const),
  p: fc.constantFrom(...prefixes),
  proto: fc.constant(6),
  port: fc.constantFrom(0, 80),
  encap: fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 0, max: 1 }) },
    { weight: 1, arbitrary: fc.integer({ min: 2, max: 4 }) },
  ),
  type: fc.constantFrom(0, 1, 0x01000000),
  dscp: fc.integer({ min: 0, max: 255 }),
  sticky: fc.boolean(),
  len: fc.constantFrom(1, 8, 64, 65536),
  del: fc.boolean(),
});
const asArb = fc.record({
  k: fc.constant('as' as const),
  p: fc.constantFrom(...prefixes),
  proto: fc.constant(6),
  port: fc.constantFrom(0, 0, 80),
  s: fc.constantFrom(...servers),
  w: fc.integer({ min: 0, max: 255 }),
  op: fc.constantFrom('add', 'add', 'del', 'set'),
});
const opArb = fc.oneof(
  { weight: 1, arbitrary: vipArb },
  { weight: 6, arbitrary: asArb },
  {
    weight: 1,
    arbitrary: fc.record({ k: fc.constant('time' as const), dt: fc.integer({ min: 0, max: 45 }) }),
  },
);
const opsArb = fc
  .tuple(
    fc.array(
      vipArb.map((v) => ({ ...v, del: false })),
      { minLength: 1, maxLength: 6 },
    ),
    fc.array(opArb, { minLength: 10, maxLength: 80, size: 'max' }),
  )
  .map(([a, b]) => [...a, ...b]);

function stateAfter(ops: readonly unknown[]): SimState {
  const { sim, clock } = makeSim();
  for (const raw of ops) {
    const o = raw as
      | { k: 'time'; dt: number }
      | {
          k: 'vip';
          p: string;
          proto: number;
          port: number;
          encap: number;
          type: number;
          dscp: number;
          sticky: boolean;
          len: number;
          del: boolean;
        }
      | { k: 'as'; p: string; proto: number; port: number; s: string; w: number; op: string };
    if (o.k === 'time') clock.advance(o.dt);
    else if (o.k === 'vip') {
      const key = vip(o.p, o.proto, o.port);
      sim.request(
        'lb_add_del_vip_v2',
        o.del
          ? vipDel(key)
          : vipAdd(key, {
              encap: o.encap,
              type: o.type,
              dscp: o.dscp,
              target_port: o.dscp * 7,
              src_ip_sticky: o.sticky,
              new_flows_table_length: o.len,
            }),
      );
    } else {
      const key = vip(o.p, o.proto, o.port);
      if (o.op === 'set') sim.request('lb_as_set_weight', setWeight(key, o.s, o.w));
      else sim.request('lb_add_del_as_v2', o.op === 'del' ? asDel(key, o.s) : asAdd(key, o.s, o.w));
    }
  }
  return sim.getState();
}

describe('parseShowLbVipsVerbose on the simulator output', () => {
  it('recovers every VIP record of any state', () => {
    fc.assert(
      fc.property(opsArb, (ops) => {
        const state = stateAfter(ops);
        const parsed = parseShowLbVipsVerbose(formatShowLbVips(state, true), { strict: true });
        expect(parsed).toEqual(
          state.vips.map((v) => ({
            index: v.index,
            type: v.type,
            encap: v.type.slice(4),
            prefix: v.prefix,
            protocol: v.protocol,
            port: v.port,
            srcIpSticky: v.srcIpSticky,
            removed: !v.used,
            newSize: v.flowTableLength,
            dscp: v.type === 'ip4-l3dsr' ? v.dscp : null,
            nat:
              v.type === 'ip4-nat4' || v.type === 'ip6-nat6'
                ? {
                    srvType: v.srvType === 0 ? 'clusterip' : 'nodeport',
                    port: ((v.port & 0xff) << 8) | (v.port >> 8),
                    targetPort: v.targetPort,
                  }
                : null,
            counters: {
              'packet from existing sessions': 0,
              'first session packet': 0,
              'untracked packet': 0,
              'no server configured': 0,
            },
            ases: v.ases.map((a) => ({
              address: a.address,
              weight: a.weight,
              buckets: a.numBuckets,
              flows: 0,
              dpo: a.asIndex,
              removed: a.flags === 0,
            })),
          })),
        );
      }),
      { numRuns: 200 },
    );
  });
});
