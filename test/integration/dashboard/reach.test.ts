import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as pb from '../../../lib/api/gen/maglev_pb.js';
import { grpcServiceDefinition } from '../../../lib/api/grpc-service.js';
import { MaglevGrpcServer } from '../../../lib/api/server.js';
import { DashboardServer } from '../../../lib/dashboard/server.js';
import type { MaglevdListEntry, StateResponse } from '../../../lib/dashboard/types.js';
import { makeTestPki, type TestPki } from '../../support/certs.js';
import { FakeMaglevd } from '../cli/fake-maglevd.js';

// How the dashboard reaches maglevd: a unix socket (never TLS, whatever the settings), and what
// it answers when maglevd refuses its certificate the right to act (PERMISSION_DENIED).

let dir: string;
let pki: TestPki;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dash-reach-'));
  pki = makeTestPki();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  pki.cleanup();
});

const json = async <T>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> => {
  const r = await fetch(url, init);
  return { status: r.status, body: (await r.json()) as T };
};

describe('maglevd-frontend and a maglevd on a unix socket', () => {
  it('follows it, named localhost, in plaintext even with TLS settings for the TCP maglevds', async () => {
    const fake = new FakeMaglevd();
    const path = join(dir, 'maglevd.sock');
    const grpc = new MaglevGrpcServer({
      address: `unix:${path}`,
      handlers: fake.handlers,
      events: {
        bus: fake.bus,
        frontendStates: () => fake.frontends.map((f) => [f.name, fake.frontendState(f)] as const),
      },
    });
    await grpc.start();
    const d = new DashboardServer({
      listen: '127.0.0.1:0',
      servers: [`unix://${path}`],
      tls: { ca: pki.ca },
      assetsDir: null,
      timings: { healthIntervalMs: 200, backoffInitialMs: 50 },
    });
    const base = `http://127.0.0.1:${await d.start()}`;
    try {
      await expect
        .poll(
          async () => (await json<MaglevdListEntry[]>(`${base}/view/api/maglevds`)).body[0]?.status.streaming,
          {
            timeout: 30_000,
          },
        )
        .toBe(true);
      const list = (await json<MaglevdListEntry[]>(`${base}/view/api/maglevds`)).body;
      expect(list.map((m) => [m.name, m.address])).toEqual([['localhost', `unix://${path}`]]);
      await expect
        .poll(
          async () =>
            (await json<StateResponse>(`${base}/view/api/state`)).body.maglevds[0]?.frontends.map(
              (f) => f.name,
            ),
          { timeout: 30_000 },
        )
        .toContain('web');
    } finally {
      await d.close();
      await grpc.close();
    }
  });
});

describe('maglevd-frontend and a maglevd that refuses its actions', () => {
  let server: Server;
  let address: string;

  beforeAll(async () => {
    server = new Server();
    server.addService(grpcServiceDefinition(pb.Maglev), {
      PauseBackend: (_call: unknown, cb: (e: { code: status; details: string }) => void) =>
        cb({
          code: status.PERMISSION_DENIED,
          details: 'client "maglevd-frontend" may not call PauseBackend',
        }),
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(
        '127.0.0.1:0',
        ServerCredentials.createSsl(null, [{ cert_chain: pki.server.cert, private_key: pki.server.key }]),
        (e, p) => (e ? reject(e) : resolve(p)),
      ),
    );
    address = `127.0.0.1:${port}`;
  });

  afterAll(() => server.forceShutdown());

  it('PERMISSION_DENIED is 403 with maglevd message', async () => {
    const d = new DashboardServer({
      listen: '127.0.0.1:0',
      servers: [address],
      tls: { ca: pki.ca },
      admin: { user: 'ops', password: 'pw' },
      assetsDir: null,
    });
    const base = `http://127.0.0.1:${await d.start()}`;
    try {
      const r = await json<{ error: string }>(`${base}/admin/api/maglevd/127.0.0.1/backends/nginx0/pause`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Basic ${Buffer.from('ops:pw').toString('base64')}`,
        },
        body: '{}',
      });
      expect(r).toEqual({
        status: 403,
        body: { error: 'client "maglevd-frontend" may not call PauseBackend' },
      });
    } finally {
      await d.close();
    }
  });
});
