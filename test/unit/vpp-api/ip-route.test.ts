/**
 * The generated ip module's ip_route_lookup, checked against VPP itself rather than against the
 * generator: the name_crc strings VPP's generated C headers and GoVPP's binapi (VPP 25.10) carry,
 * and the wire layout of src/vnet/ip/ip.api (ip_route, fib_path from fib_types.api), byte by byte.
 */
import { describe, expect, it } from 'vitest';
import { defaultVppCodec, prefixFromString, prefixToString, vppMessageCrcs } from '../../../vpp-api/index.js';

const codec = defaultVppCodec();

describe('ip_route_lookup bindings', () => {
  it('carry the CRCs VPP lists in its message table', () => {
    expect(vppMessageCrcs.ip_route_lookup).toBe('ip_route_lookup_710d6471');
    expect(vppMessageCrcs.ip_route_lookup_reply).toBe('ip_route_lookup_reply_5d8febcb');
    expect(codec.service('ip_route_lookup')).toEqual({
      request: 'ip_route_lookup',
      reply: 'ip_route_lookup_reply',
      stream: false,
    });
  });

  it('encode the request as ip.api lays it out', () => {
    const m = codec.message('ip_route_lookup');
    const payload = m.encodePayload(
      { table_id: 7, exact: 1, prefix: prefixFromString('198.51.100.1/32') },
      0x1234,
      0xa1b2c3d4,
      0x80000001,
    );
    const expected = Buffer.concat([
      Buffer.from([0x12, 0x34]), // _vl_msg_id
      Buffer.from([0x80, 0x00, 0x00, 0x01]), // client_index
      Buffer.from([0xa1, 0xb2, 0xc3, 0xd4]), // context
      Buffer.from([0, 0, 0, 7]), // table_id
      Buffer.from([1]), // exact
      Buffer.from([0]), // prefix.address.af (ADDRESS_IP4)
      Buffer.from([198, 51, 100, 1, ...new Array(12).fill(0)]), // prefix.address.un
      Buffer.from([32]), // prefix.len
    ]);
    expect(payload).toEqual(expected);
    expect(m.fixedSize).toBe(33);
  });

  it('decode a reply, its route and a fib_path (167 bytes each) from VPP’s bytes', () => {
    const path = Buffer.alloc(167);
    path.writeUInt32BE(3, 0); // sw_if_index
    path.writeUInt32BE(0, 4); // table_id
    path.writeUInt32BE(0xffffffff, 8); // rpf_id
    path[12] = 1; // weight
    path[13] = 0; // preference
    path.writeUInt32BE(0, 14); // type FIB_API_PATH_TYPE_NORMAL
    path.writeUInt32BE(0, 18); // flags
    path.writeUInt32BE(0, 22); // proto FIB_API_PATH_NH_PROTO_IP4
    Buffer.from([192, 0, 2, 1]).copy(path, 26); // nh.address (union)
    path.writeUInt32BE(0xffffffff, 42); // nh.via_label
    path.writeUInt32BE(0xffffffff, 46); // nh.obj_id
    path.writeUInt32BE(0xffffffff, 50); // nh.classify_table_index
    path[54] = 0; // n_labels; label_stack[16] of 7 bytes follows
    const reply = Buffer.concat([
      Buffer.from([0, 99]), // _vl_msg_id
      Buffer.from([0, 0, 0, 5]), // context
      Buffer.from([0, 0, 0, 0]), // retval
      Buffer.from([0, 0, 0, 0]), // route.table_id
      Buffer.from([0, 0, 0x01, 0x2c]), // route.stats_index = 300
      Buffer.from([1, 0x20, 0x01, 0x0d, 0xb8, ...new Array(12).fill(0), 64]), // 2001:db8::/64
      Buffer.from([1]), // route.n_paths
      path,
    ]);
    const m = codec.message('ip_route_lookup_reply');
    expect(m.readContext(reply)).toBe(5);
    const r = m.decode(reply);
    expect(r.retval).toBe(0);
    expect(r.route.stats_index).toBe(300);
    expect(prefixToString(r.route.prefix)).toBe('2001:db8::/64');
    expect(r.route.n_paths).toBe(1);
    expect(r.route.paths[0]).toMatchObject({ sw_if_index: 3, rpf_id: 0xffffffff, weight: 1, n_labels: 0 });
    expect(Array.from(r.route.paths[0]!.nh.address.slice(0, 4))).toEqual([192, 0, 2, 1]);
    expect(r.route.paths[0]!.label_stack).toHaveLength(16);
  });
});
