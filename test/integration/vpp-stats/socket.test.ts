import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LbStatsCounters, StatsSegmentServer, StatsSegmentWriter } from '../../../lib/sim/stats/index.js';
import {
  loadNativeAddon,
  readLbVipCounters,
  StatsSegmentReader,
  StatsSocketError,
} from '../../../lib/vpp/stats/index.js';
import { type SegmentChild, startSegmentChild } from './child.js';

const dir = mkdtempSync(join(tmpdir(), 'vpp-stats-sock-'));
let n = 0;
const socketPath = (): string => join(dir, `stats-${++n}.sock`);

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function serve(threads = 2): { writer: StatsSegmentWriter; server: StatsSegmentServer; path: string } {
  const path = socketPath();
  const writer = StatsSegmentWriter.inMemfd({ threads, size: 4 * 1024 * 1024, bootTime: 1_712_345_678 });
  const server = StatsSegmentServer.listen(path, writer.fd!);
  cleanup.push(
    () => writer.close(),
    () => server.close(),
  );
  return { writer, server, path };
}

async function connected(path: string, options = {}): Promise<StatsSegmentReader> {
  const reader = new StatsSegmentReader(options);
  await reader.connect(path);
  cleanup.push(() => reader.close());
  return reader;
}

async function socketError(promise: Promise<unknown>): Promise<StatsSocketError> {
  const err = await promise.then(
    () => expect.unreachable('connect succeeded'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StatsSocketError);
  return err as StatsSocketError;
}

describe('stats segment over a SOCK_SEQPACKET socket with fd passing', () => {
  it('reads the lb counters and boot time of a served segment, live as they change', async () => {
    const { writer, server, path } = serve(4);
    const lb = new LbStatsCounters(writer);
    lb.vipCreated(0);
    lb.vipCreated(2);
    lb.countVip(2, 'first', 3n, 1);
    lb.countVip(2, 'next', 40n, 3);
    lb.countVip(0, 'noServer', 7n, 0);
    lb.countRoute(17, 5, 500, 2);

    const reader = await connected(path);
    expect(server.served).toBe(1);
    expect(reader.size).toBe(4 * 1024 * 1024);
    expect(await reader.bootTime()).toBe(1_712_345_678);
    const first = await readLbVipCounters(reader, { vipIndexes: [0, 2], fibIndexes: [17] });
    expect(first.missing).toEqual([]);
    expect(first.vips.get(2)).toEqual({ next: 40n, first: 3n, untracked: 0n, noServer: 0n });
    expect(first.vips.get(0)).toEqual({ next: 0n, first: 0n, untracked: 0n, noServer: 7n });
    expect(first.routes.get(17)).toEqual({ packets: 5n, bytes: 500n });

    // The reader holds the same memfd: counting goes on, vectors move, a new VIP index appears.
    lb.countVip(2, 'next', 2n, 0);
    lb.vipCreated(900);
    lb.countVip(900, 'untracked', 1n, 2);
    const later = await readLbVipCounters(reader, { vipIndexes: [2, 900] });
    expect(later.vips.get(2)?.next).toBe(42n);
    expect(later.vips.get(900)).toEqual({ next: 0n, first: 0n, untracked: 1n, noServer: 0n });
  });

  it('hands every client the segment and keeps readers working after the server and writer close', async () => {
    const { writer, server, path } = serve();
    writer.addScalar('/test/value', 5);
    const a = await connected(path);
    const b = await connected(path);
    expect(server.served).toBe(2);
    await server.close();
    expect(existsSync(path)).toBe(false);
    writer.setScalar('/test/value', 6);
    writer.close();
    for (const r of [a, b])
      expect((await r.dumpNames(['/test/value'])).get('/test/value')).toMatchObject({ value: 6 });
    const gone = await socketError(new StatsSegmentReader().connect(path));
    expect(gone.code).toBe('ENOENT');
  });

  it('replaces the open segment when connect() is called again', async () => {
    const one = serve();
    const two = serve();
    one.writer.addScalar('/which', 1);
    two.writer.addScalar('/which', 2);
    const reader = await connected(one.path);
    expect((await reader.dumpNames(['/which'])).get('/which')).toMatchObject({ value: 1 });
    await reader.connect(two.path);
    expect((await reader.dumpNames(['/which'])).get('/which')).toMatchObject({ value: 2 });
  });

  it('gives a typed error naming the socket when nothing is there', async () => {
    const path = join(dir, 'missing.sock');
    const err = await socketError(new StatsSegmentReader().connect(path));
    expect(err).toMatchObject({ socketPath: path, code: 'ENOENT', syscall: 'connect' });
    expect(err.message).toBe(
      `stats socket ${path}: connect failed: ENOENT (no such socket: is VPP running, with this statseg socket-name?)`,
    );
  });

  it('tells a stale socket, a stream socket and a plain file apart', async () => {
    const stale = socketPath();
    const memfd = loadNativeAddon().memfdCreate('stale');
    loadNativeAddon().serveFd(stale, memfd).close(); // leaves the socket file behind, like a killed VPP
    expect((await socketError(new StatsSegmentReader().connect(stale))).code).toBe('ECONNREFUSED');

    const stream = socketPath();
    const srv = createServer();
    await new Promise<void>((resolve) => srv.listen(stream, resolve));
    cleanup.push(() => new Promise<void>((resolve) => srv.close(() => resolve())));
    const wrongType = await socketError(new StatsSegmentReader().connect(stream));
    expect(wrongType.code).toBe('EPROTOTYPE');
    expect(wrongType.message).toContain('the API socket given for the stats socket?');

    const file = join(dir, 'plain-file');
    writeFileSync(file, 'x');
    expect((await socketError(new StatsSegmentReader().connect(file))).code).toBe('ECONNREFUSED');
  });

  it('refuses to listen on a path in use', async () => {
    const { writer, path } = serve();
    const err = (() => {
      try {
        StatsSegmentServer.listen(path, writer.fd!);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(StatsSocketError);
    expect(err).toMatchObject({ code: 'EADDRINUSE', syscall: 'bind' });
  });

  it('honours an AbortSignal given to connect', async () => {
    const { path } = serve();
    await expect(new StatsSegmentReader().connect(path, AbortSignal.abort())).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});

describe('stats socket served by another process', () => {
  let child: SegmentChild | undefined;
  afterEach(async () => {
    if (child) {
      child.proc.kill('SIGCONT');
      await child.stop();
      child = undefined;
    }
  });

  it('times out with ETIMEDOUT when VPP accepts but never sends the segment', async () => {
    const path = socketPath();
    child = await startSegmentChild('serve', path);
    child.proc.kill('SIGSTOP');
    const err = await socketError(new StatsSegmentReader({ connectTimeoutMs: 300 }).connect(path));
    expect(err).toMatchObject({ code: 'ETIMEDOUT', syscall: 'recvmsg' });
    expect(err.message).toContain('VPP did not send the segment in time');
  });

  it('abandons a pending connect when its signal aborts', async () => {
    const path = socketPath();
    child = await startSegmentChild('serve', path);
    child.proc.kill('SIGSTOP');
    const ac = new AbortController();
    const pending = new StatsSegmentReader({ connectTimeoutMs: 30_000 }).connect(path, ac.signal);
    ac.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('receives the segment from another process and reads it', async () => {
    const path = socketPath();
    child = await startSegmentChild('serve', path);
    const reader = await connected(path);
    expect(await reader.bootTime()).toBe(1_700_000_000);
    const got = await reader.dumpNames(['/churn/x', '/churn/names']);
    expect(got.get('/churn/names')).toMatchObject({ kind: 'name-vector', values: ['g0'] });
    expect(got.get('/churn/x')).toMatchObject({ kind: 'simple', values: [[0n], [0n], [0n], [0n]] });
    expect(await child.stop()).toBe(0);
    child = undefined;
  });
});
