import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaglevCallError, MaglevClient, MaglevUnreachableError } from '../../../lib/api/client.js';
import { startFakeMaglevd } from './fake-maglevd.js';

/**
 * MaglevClient tells a call maglevd answered (even with UNAVAILABLE, as for "VPP is not
 * connected") from one that never reached it, and says why, against real sockets on loopback.
 */

async function listen(onConnection: (s: Socket) => void): Promise<{ server: Server; address: string }> {
  const server = createServer(onConnection);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, address: `127.0.0.1:${(server.address() as { port: number }).port}` };
}

const sockets = new Set<Socket>();
let silent: { server: Server; address: string };
let hangUp: { server: Server; address: string };

beforeAll(async () => {
  // Accepts and never says a word: no HTTP/2 settings, so no gRPC connection ever comes up.
  silent = await listen((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // Accepts and closes at once.
  hangUp = await listen((s) => s.destroy());
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => silent.server.close(r));
  await new Promise((r) => hangUp.server.close(r));
});

async function failure(address: string, timeoutMs = 10_000): Promise<unknown> {
  const client = new MaglevClient(address, { timeoutMs });
  try {
    await client.listFrontends();
    return undefined;
  } catch (e) {
    return e;
  } finally {
    client.close();
  }
}

describe('a call that never reaches maglevd', () => {
  it('a peer that never answers: no connection within the deadline', async () => {
    const e = await failure(silent.address, 500);
    expect(e).toBeInstanceOf(MaglevUnreachableError);
    expect(e).toMatchObject({
      address: silent.address,
      reason: 'no connection within 0.5s',
      message: `cannot reach maglevd at ${silent.address}: no connection within 0.5s`,
    });
  });

  it('a peer that hangs up: closed before the gRPC handshake', async () => {
    const e = await failure(hangUp.address);
    expect(e).toBeInstanceOf(MaglevUnreachableError);
    expect((e as Error).message).toBe(
      `cannot reach maglevd at ${hangUp.address}: the connection closed before the gRPC handshake`,
    );
  });

  it('is still a MaglevCallError with the gRPC code, for callers that only know that', async () => {
    const e = (await failure(hangUp.address)) as MaglevCallError;
    expect(e).toBeInstanceOf(MaglevCallError);
    expect(e.code).toBe(14);
    expect(e.details).toMatch(/No connection established/);
  });
});

describe('a call maglevd answered', () => {
  it('UNAVAILABLE from maglevd itself is its message, not "cannot reach"', async () => {
    const { fake, address, close } = await startFakeMaglevd();
    const client = new MaglevClient(address);
    try {
      fake.vppConnected = false;
      const e = await client.getVPPInfo().catch((x: unknown) => x);
      expect(e).toBeInstanceOf(MaglevCallError);
      expect(e).not.toBeInstanceOf(MaglevUnreachableError);
      expect(e).toMatchObject({ code: 14, message: 'VPP is not connected' });
    } finally {
      client.close();
      await close();
    }
  });
});
