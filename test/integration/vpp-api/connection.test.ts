import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  addressFromString,
  addressToString,
  type LbAddDelAsV2Input,
  prefixFromString,
  VppApiError,
  VppConnectError,
  VppConnection,
  type VppConnectionOptions,
  VppDecodeError,
  VppDisconnectedError,
  type VppDisconnectedEvent,
  VppTimeoutError,
  type VppTraceEvent,
  VppUnsupportedMessageError,
  writeFrameHeader,
} from '../../../vpp-api/index.js';
import { FakeVpp, type FakeVppOptions } from './fake-vpp.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(
  fakeOptions: FakeVppOptions = {},
  connOptions: VppConnectionOptions = {},
): Promise<{ fake: FakeVpp; conn: VppConnection }> {
  const fake = await FakeVpp.start(fakeOptions);
  cleanups.push(() => fake.close());
  const conn = new VppConnection({ socketPath: fake.socketPath, clientName: 'vpp-api-test', ...connOptions });
  cleanups.push(() => conn.close());
  await conn.connect();
  return { fake, conn };
}

function asRequest(i: number): LbAddDelAsV2Input {
  return {
    pfx: prefixFromString('198.51.100.1/32'),
    protocol: 6,
    port: 80,
    as_address: addressFromString(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`),
    weight: i % 101,
    is_del: false,
    is_flush: false,
  };
}

describe('VppConnection handshake', () => {
  it('uses the index from sockclnt_create_reply as client_index and reports connected', async () => {
    const fake = await FakeVpp.start({ clientIndex: 0x80000007 });
    cleanups.push(() => fake.close());
    const conn = new VppConnection({ socketPath: fake.socketPath, clientName: 'maglev-test' });
    cleanups.push(() => conn.close());
    const connected = once(conn, 'connected');
    const ev = await conn.connect();
    expect(ev.clientIndex).toBe(0x80000007);
    expect(ev.messageCount).toBe(fake.codec.messageNames.length);
    expect((await connected)[0]).toEqual(ev);
    expect(conn.state).toBe('connected');
    expect(fake.received[0]).toMatchObject({ name: 'sockclnt_create', message: { name: 'maglev-test' } });
    expect(fake.received[0]!.context).not.toBe(0);

    await conn.ping();
    await conn.request('lb_add_del_as_v2', asRequest(1));
    const after = fake.received.slice(1);
    expect(after.map((m) => m.name)).toEqual(['control_ping', 'lb_add_del_as_v2']);
    for (const m of after) expect(m.clientIndex).toBe(0x80000007);
    expect(new Set(after.map((m) => m.context)).size).toBe(2);
  });

  it('fails connect with VppConnectError when nothing listens', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vpp-api-none-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const conn = new VppConnection({ socketPath: join(dir, 'api.sock') });
    await expect(conn.connect()).rejects.toBeInstanceOf(VppConnectError);
    expect(conn.state).toBe('closed');
    await conn.close();
  });

  it('refuses a client name VPP cannot take, before connecting', async () => {
    const conn = new VppConnection({ socketPath: '/nonexistent/api.sock', clientName: 'x'.repeat(64) });
    await expect(conn.connect()).rejects.toThrow(/sockclnt_create\.name: string longer than 63 bytes/);
    expect(conn.state).toBe('idle');
    await conn.close();
    expect(conn.state).toBe('closed');
  });

  it('fails connect when the handshake reply has another context', async () => {
    const fake = await FakeVpp.start({ wrongHandshakeContext: true });
    cleanups.push(() => fake.close());
    const conn = new VppConnection({ socketPath: fake.socketPath });
    await expect(conn.connect()).rejects.toThrow(/sockclnt_create_reply has context 2, the request had 1/);
    await conn.close();
  });

  it('fails connect when VPP refuses the client', async () => {
    const fake = await FakeVpp.start({ handshakeResponse: -1 });
    cleanups.push(() => fake.close());
    const conn = new VppConnection({ socketPath: fake.socketPath });
    await expect(conn.connect()).rejects.toThrow(/response is -1/);
    await conn.close();
    await fake.waitForNoClients();
  });

  it('fails connect when the handshake gets no answer, and on abort', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vpp-api-mute-'));
    const socketPath = join(dir, 'api.sock');
    const accepted = new Set<Socket>();
    const server = createServer((s) => accepted.add(s));
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    cleanups.push(async () => {
      for (const s of accepted) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    });
    const slow = new VppConnection({ socketPath, connectTimeoutMs: 150 });
    await expect(slow.connect()).rejects.toThrow(/no handshake within 150 ms/);
    await slow.close();

    const aborted = new VppConnection({ socketPath });
    const ac = new AbortController();
    const p = aborted.connect(ac.signal);
    const reason = new Error('stop');
    ac.abort(reason);
    await expect(p).rejects.toBe(reason);
    await aborted.close();
    expect(aborted.state).toBe('closed');
  });
});

describe('VppConnection message support', () => {
  it('reports a message VPP lacks, by name and CRC, and sends nothing', async () => {
    const { fake, conn } = await setup({ omit: ['lb_add_del_as_v2'] });
    expect(conn.supports('lb_add_del_as_v2')).toBe(false);
    expect(conn.supports('lb_add_del_as')).toBe(true);
    expect(conn.supports('lb_as_v2_dump')).toBe(true);
    const err = await conn.request('lb_add_del_as_v2', asRequest(1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VppUnsupportedMessageError);
    expect((err as Error).message).toBe('unsupported: lb_add_del_as_v2_2f1d3b0e');
    expect(conn.missingMessages(['lb_add_del_as_v2', 'lb_conf', 'lb_as_v2_dump'])).toEqual([
      'lb_add_del_as_v2_2f1d3b0e',
    ]);
    await conn.ping();
    expect(fake.received.map((m) => m.name)).not.toContain('lb_add_del_as_v2');
  });

  it('treats a CRC mismatch as unsupported, and a missing reply too', async () => {
    const { conn } = await setup({
      rename: { lb_as_v2_dump: 'lb_as_v2_dump_deadbeef' },
      omit: ['lb_conf_get_reply'],
    });
    expect(conn.messageTable.get('lb_as_v2_dump_deadbeef')).toBeGreaterThan(0);
    expect(conn.supports('lb_as_v2_dump')).toBe(false);
    await expect(
      conn.dump('lb_as_v2_dump', { pfx: prefixFromString('0.0.0.0/0'), protocol: 0, port: 0 }),
    ).rejects.toThrow('unsupported: lb_as_v2_dump_1063f819');
    expect(conn.supports('lb_conf_get')).toBe(false);
    await expect(conn.request('lb_conf_get', {})).rejects.toThrow('unsupported: lb_conf_get_reply_923427ac');
  });
});

describe('VppConnection requests', () => {
  it('matches 10,000 pipelined requests by context, replies in reverse order', async () => {
    const { fake, conn } = await setup();
    fake.mode = 'reversed';
    fake.addDelAsRetval = (m) => (m.weight % 2 === 0 ? 0 : -81);
    const n = 10_000;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        conn.request('lb_add_del_as_v2', asRequest(i)).then(
          (r) => ({ ok: true as const, retval: r.retval }),
          (e: unknown) => ({ ok: false as const, e }),
        ),
      ),
    );
    results.forEach((r, i) => {
      if ((i % 101) % 2 === 0) expect(r).toEqual({ ok: true, retval: 0 });
      else {
        expect(r.ok).toBe(false);
        const e = (r as { e: VppApiError }).e;
        expect(e).toBeInstanceOf(VppApiError);
        expect(e).toMatchObject({ retval: -81, name: 'VALUE_EXIST', request: 'lb_add_del_as_v2' });
      }
    });
    const got = fake.received.filter((m) => m.name === 'lb_add_del_as_v2');
    expect(got).toHaveLength(n);
    expect(new Set(got.map((m) => m.context)).size).toBe(n);
    expect(got.map((m) => addressToString((m.message as { as_address: never }).as_address))).toEqual(
      Array.from({ length: n }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`),
    );
    // The client batched its writes: far fewer reads than frames on the server side.
    expect(fake.chunksIn).toBeLessThan(fake.framesIn / 10);
    expect(conn.pendingCount).toBe(0);
  });

  it('rejects with VppApiError carrying VPP error name and retval', async () => {
    const { fake, conn } = await setup();
    fake.addDelAsRetval = () => -6;
    const err = await conn.request('lb_add_del_as_v2', asRequest(3)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VppApiError);
    expect(err).toMatchObject({ retval: -6, name: 'NO_SUCH_ENTRY', request: 'lb_add_del_as_v2' });
    expect((err as Error).message).toBe('lb_add_del_as_v2: VPP error NO_SUCH_ENTRY (-6)');
  });

  it('reports every send and receive to the trace hook', async () => {
    const events: VppTraceEvent[] = [];
    const { fake, conn } = await setup({}, { trace: (e) => events.push(e) });
    fake.addDelAsRetval = (m) => (m.weight === 7 ? -81 : 0);
    await conn.request('lb_add_del_as_v2', asRequest(1));
    await conn.request('lb_add_del_as_v2', asRequest(7)).catch(() => undefined);
    const summary = events.map((e) => [e.direction, e.name, e.result, e.retval]);
    expect(summary).toEqual([
      ['send', 'sockclnt_create', 'ok', undefined],
      ['recv', 'sockclnt_create_reply', 'ok', undefined],
      ['send', 'lb_add_del_as_v2', 'ok', undefined],
      ['recv', 'lb_add_del_as_v2_reply', 'ok', 0],
      ['send', 'lb_add_del_as_v2', 'ok', undefined],
      ['recv', 'lb_add_del_as_v2_reply', 'error', -81],
    ]);
    expect(events[1]!.message).toMatchObject({ response: 0, index: 0x80000001 });
    expect(events[2]!.message).toEqual({ ...asRequest(1) });
    expect(events[3]!.message).toEqual({ retval: 0 });
    expect(events[2]!.context).toBe(events[3]!.context);
  });
});

describe('VppConnection dumps', () => {
  const row = (i: number) => ({
    vip: { pfx: prefixFromString('198.51.100.1/32'), protocol: 6, port: 80 },
    app_srv: addressFromString(`192.0.2.${i}`),
    flags: 1,
    in_use_since: 0,
    weight: 100,
    num_buckets: 1024,
  });

  it('collects details until the control_ping reply with the same context', async () => {
    const { fake, conn } = await setup();
    fake.asRows = [row(1), row(2), row(3)];
    const all = { pfx: prefixFromString('0.0.0.0/0'), protocol: 0, port: 0 };
    const [rows, pong] = await Promise.all([conn.dump('lb_as_v2_dump', all), conn.ping()]);
    expect(rows.map((r) => addressToString(r.app_srv))).toEqual(['192.0.2.1', '192.0.2.2', '192.0.2.3']);
    expect(rows[0]).toEqual(row(1));
    expect(pong.vpe_pid).toBe(4242);
    const sent = fake.received.slice(1).map((m) => [m.name, m.context]);
    expect(sent[0]![0]).toBe('lb_as_v2_dump');
    expect(sent[1]).toEqual(['control_ping', sent[0]![1]]);
    expect(sent[2]![0]).toBe('control_ping');
    expect(sent[2]![1]).not.toBe(sent[0]![1]);

    // No rows: only the control_ping reply comes back.
    fake.asRows = [];
    expect(await conn.dump('lb_as_v2_dump', all)).toEqual([]);
  });

  it('rejects a dump whose details do not decode, with VppDecodeError', async () => {
    const { fake, conn } = await setup();
    fake.asRows = [row(1)];
    const orig = fake.codec.message('lb_as_v2_details');
    const realEncode = orig.encodeFrame.bind(orig);
    // Cut the details short on the wire (the frame header says so too).
    orig.encodeFrame = (m, id, ctx, ci) => {
      const full = realEncode(m, id, ctx, ci);
      const cut = Buffer.from(full.subarray(0, full.length - 5));
      writeFrameHeader(cut, 0, cut.length - 16);
      return cut;
    };
    cleanups.push(async () => {
      orig.encodeFrame = realEncode;
    });
    const err = await conn
      .dump('lb_as_v2_dump', { pfx: prefixFromString('0.0.0.0/0'), protocol: 0, port: 0 })
      .catch((e: unknown) => e);
    orig.encodeFrame = realEncode;
    expect(err).toBeInstanceOf(VppDecodeError);
    expect((err as Error).message).toMatch(/lb_as_v2_details/);
    await conn.ping();
  });

  it("marks a dump's messages multi in the trace, and a ping beside it not", async () => {
    const events: VppTraceEvent[] = [];
    const { fake, conn } = await setup({}, { trace: (e) => events.push(e) });
    fake.asRows = [row(1), row(2)];
    const all = { pfx: prefixFromString('0.0.0.0/0'), protocol: 0, port: 0 };
    await Promise.all([conn.dump('lb_as_v2_dump', all), conn.ping()]);
    const summary = events.slice(2).map((e) => `${e.direction} ${e.name} ${e.multi ? 'multi' : 'single'}`);
    expect(summary).toEqual([
      'send lb_as_v2_dump multi',
      'send control_ping multi',
      'send control_ping single',
      'recv lb_as_v2_details multi',
      'recv lb_as_v2_details multi',
      'recv control_ping_reply multi',
      'recv control_ping_reply single',
    ]);
    expect(events.slice(0, 2).map((e) => e.multi)).toEqual([false, false]);
  });
});

describe('VppConnection framing', () => {
  it('reassembles replies that arrive one byte at a time', async () => {
    const { fake, conn } = await setup();
    fake.mode = 'bytewise';
    fake.asRows = [
      {
        vip: { pfx: prefixFromString('2001:db8::1/128'), protocol: 17, port: 53 },
        app_srv: addressFromString('2001:db8::10'),
        flags: 1,
        in_use_since: 7,
        weight: 50,
        num_buckets: 512,
      },
    ];
    const [pong, rows, reply] = await Promise.all([
      conn.ping(),
      conn.dump('lb_as_v2_dump', { pfx: prefixFromString('0.0.0.0/0'), protocol: 0, port: 0 }),
      conn.request('lb_add_del_as_v2', asRequest(5)),
    ]);
    expect(pong.retval).toBe(0);
    expect(rows.map((r) => addressToString(r.app_srv))).toEqual(['2001:db8::10']);
    expect(reply.retval).toBe(0);
    expect(fake.writesOut).toBeGreaterThan(fake.framesOut * 10);
  });

  it('handles many replies merged into one write', async () => {
    const { fake, conn } = await setup();
    fake.mode = 'merged';
    await Promise.all(Array.from({ length: 200 }, () => conn.ping()));
    expect(fake.framesOut).toBeGreaterThan(fake.writesOut);
  });

  it('disconnects with reason protocol when a frame exceeds the size cap', async () => {
    const { fake, conn } = await setup({}, { maxFrameBytes: 65536 });
    const pending = conn.ping().catch((e: unknown) => e);
    const disconnected = once(conn, 'disconnected') as Promise<[VppDisconnectedEvent]>;
    fake.silent = true;
    const header = Buffer.alloc(16);
    writeFrameHeader(header, 0, 1_000_000);
    fake.writeRaw(header);
    const [ev] = await disconnected;
    expect(ev.reason).toBe('protocol');
    expect(ev.error?.message).toMatch(/1000000 payload bytes/);
    expect(await pending).toBeInstanceOf(VppDisconnectedError);
  });
});

describe('VppConnection timeouts and teardown', () => {
  it('times a request out when VPP stops answering, and stays usable', async () => {
    const { fake, conn } = await setup();
    fake.silent = true;
    const err = await conn
      .request('lb_add_del_as_v2', asRequest(1), { timeoutMs: 100 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VppTimeoutError);
    expect(err).toMatchObject({ request: 'lb_add_del_as_v2', timeoutMs: 100 });
    await expect(conn.ping({ timeoutMs: 100 })).rejects.toBeInstanceOf(VppTimeoutError);
    expect(conn.pendingCount).toBe(0);
    fake.silent = false;
    expect((await conn.ping()).retval).toBe(0);
  });

  it('reports a reply that comes after its timeout as unexpected', async () => {
    const events: VppTraceEvent[] = [];
    const { fake, conn } = await setup({}, { trace: (e) => events.push(e) });
    fake.hold = true;
    await expect(conn.request('lb_add_del_as_v2', asRequest(1), { timeoutMs: 100 })).rejects.toBeInstanceOf(
      VppTimeoutError,
    );
    fake.hold = false;
    fake.releaseHeld();
    await conn.ping();
    const late = events.find((e) => e.direction === 'recv' && e.name === 'lb_add_del_as_v2_reply');
    expect(late).toMatchObject({ result: 'unexpected', retval: 0 });
  });

  it('rejects an aborted request with the signal reason', async () => {
    const { fake, conn } = await setup({}, { closeTimeoutMs: 100 });
    fake.silent = true;
    const ac = new AbortController();
    const p = conn.request('lb_add_del_as_v2', asRequest(1), { signal: ac.signal });
    await fake.waitFor((m) => m.name === 'lb_add_del_as_v2');
    const reason = new Error('cancelled');
    ac.abort(reason);
    await expect(p).rejects.toBe(reason);
    expect(conn.pendingCount).toBe(0);
  });

  it('emits disconnected with reason eof and fails pending requests when VPP goes away', async () => {
    const { fake, conn } = await setup();
    fake.silent = true;
    const pending = conn.request('lb_add_del_as_v2', asRequest(1)).catch((e: unknown) => e);
    await fake.waitFor((m) => m.name === 'lb_add_del_as_v2');
    const disconnected = once(conn, 'disconnected') as Promise<[VppDisconnectedEvent]>;
    fake.dropClients();
    expect((await disconnected)[0].reason).toBe('eof');
    const err = await pending;
    expect(err).toBeInstanceOf(VppDisconnectedError);
    expect(err).toMatchObject({ reason: 'eof' });
    expect(conn.state).toBe('closed');
    await expect(conn.ping()).rejects.toBeInstanceOf(VppDisconnectedError);
  });

  it('sends sockclnt_delete with its handle on close and ends cleanly', async () => {
    const { fake, conn } = await setup({ clientIndex: 0x80000003 });
    const events: VppDisconnectedEvent[] = [];
    conn.on('disconnected', (e) => events.push(e));
    await conn.close();
    const del = await fake.waitFor((m) => m.name === 'sockclnt_delete');
    expect(del.message).toEqual({ index: 0x80000003 });
    expect(del.clientIndex).toBe(0x80000003);
    expect(events).toEqual([{ reason: 'closed' }]);
    expect(conn.state).toBe('closed');
    await fake.waitForNoClients();
    await conn.close();
    await expect(conn.request('lb_conf_get', {})).rejects.toBeInstanceOf(VppDisconnectedError);
  });

  it('closes within its timeout when VPP does not answer sockclnt_delete', async () => {
    const { fake, conn } = await setup({}, { closeTimeoutMs: 100 });
    fake.silent = true;
    const pending = conn.request('lb_add_del_as_v2', asRequest(1)).catch((e: unknown) => e);
    await conn.close();
    expect(await pending).toMatchObject({ reason: 'closed' });
    await fake.waitFor((m) => m.name === 'sockclnt_delete');
    await fake.waitForNoClients();
  });
});
