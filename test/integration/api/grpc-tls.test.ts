/**
 * MaglevGrpcServer over TLS and mutual TLS, with admin identities, and on a unix socket: real
 * sockets on loopback, certificates made with openssl at test time, MaglevClient as the peer.
 */
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { create } from '@bufbuild/protobuf';
import { status } from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MaglevClient, type MaglevClientTls } from '../../../lib/api/client.js';
import * as pb from '../../../lib/api/gen/maglev_pb.js';
import {
  MaglevGrpcServer,
  type MaglevGrpcServerOptions,
  type MaglevHandlers,
} from '../../../lib/api/server.js';
import { GrpcServerTls } from '../../../lib/api/tls.js';
import { EventBus } from '../../../lib/events/bus.js';
import type { Logger } from '../../../lib/events/logger.js';
import { makeTestPki, servedFingerprint, type TestPki } from '../../support/certs.js';

const bus = new EventBus();
/** Which handlers ran: a refused call must never reach one. */
const ran: string[] = [];
const backend = () => create(pb.BackendInfoSchema, { name: 'nginx0', address: '127.0.0.2', state: 'up' });
const handlers = new Proxy({} as MaglevHandlers, {
  get(_t, prop: string) {
    return (req: unknown) => {
      ran.push(prop);
      switch (prop) {
        case 'listFrontends':
          return create(pb.ListFrontendsResponseSchema, { names: ['web'] });
        case 'pauseBackend':
        case 'resumeBackend':
          return backend();
        case 'setFrontendPoolBackendWeight':
          return create(pb.FrontendInfoSchema, { name: (req as pb.SetWeightRequest).frontend });
        case 'reloadConfig':
          return create(pb.ReloadConfigResponseSchema, { ok: true });
        case 'planConfig':
          return create(pb.PlanConfigResponseSchema, { ok: true });
        default:
          throw new Error(`unexpected ${prop}`);
      }
    };
  },
});

interface Logged {
  level: string;
  msg: string;
  fields: Record<string, unknown>;
}
function recordingLogger(into: Logged[]): Logger {
  const at =
    (level: string) =>
    (msg: string, fields: Record<string, unknown> = {}) =>
      into.push({ level, msg, fields });
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    enabled: () => true,
  } as unknown as Logger;
}

let pki: TestPki;
const servers: MaglevGrpcServer[] = [];
const clients: MaglevClient[] = [];

beforeAll(() => {
  pki = makeTestPki();
});
afterAll(() => pki.cleanup());
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.close();
  ran.length = 0;
});

async function serve(opts: Partial<MaglevGrpcServerOptions>): Promise<MaglevGrpcServer> {
  const server = new MaglevGrpcServer({
    address: '127.0.0.1:0',
    handlers,
    events: { bus, frontendStates: () => [['web', 'up']] },
    ...opts,
  });
  servers.push(server);
  await server.start();
  return server;
}

function client(address: string, tls?: MaglevClientTls): MaglevClient {
  const c = new MaglevClient(address, { timeoutMs: 5000, ...(tls ? { tls } : {}) });
  clients.push(c);
  return c;
}

describe('gRPC over TLS', () => {
  it('serves MaglevClient over TLS, verifying the server name', async () => {
    const tls = new GrpcServerTls({ cert: pki.server.cert, key: pki.server.key });
    const server = await serve({ tls });
    expect(server.listeners).toEqual([{ address: '127.0.0.1:0', port: server.port, tls: true }]);
    const c = client(`localhost:${server.port}`, { ca: pki.ca });
    expect((await c.listFrontends()).names).toEqual(['web']);
    // Dialled by IP, the certificate's IP SAN matches too.
    expect((await client(`127.0.0.1:${server.port}`, { ca: pki.ca }).listFrontends()).names).toEqual(['web']);
  });

  it('a plaintext client gets no answer from a TLS listener', async () => {
    const server = await serve({ tls: new GrpcServerTls({ cert: pki.server.cert, key: pki.server.key }) });
    const err = await client(`127.0.0.1:${server.port}`)
      .listFrontends()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: status.UNAVAILABLE });
    expect(ran).toEqual([]);
  });

  it('a client that does not trust the CA refuses the server', async () => {
    const server = await serve({ tls: new GrpcServerTls({ cert: pki.server.cert, key: pki.server.key }) });
    const other = pki.stranger('intruder');
    const err = await client(`localhost:${server.port}`, { ca: other.cert })
      .listFrontends()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: status.UNAVAILABLE });
    expect(ran).toEqual([]);
  });

  it('serves a new certificate after update(); a bad one keeps the old', async () => {
    const tls = new GrpcServerTls({ cert: pki.server.cert, key: pki.server.key });
    const server = await serve({ tls });
    const c = client(`localhost:${server.port}`, { ca: pki.ca });
    await c.listFrontends();
    const before = await servedFingerprint(server.port, pki.ca);
    const rotated = pki.rotatedServer();
    // A key that belongs to another certificate: refused, nothing changes.
    expect(() => tls.update({ cert: rotated.cert, key: pki.server.key })).toThrow(
      /key does not match certificate/,
    );
    expect(await servedFingerprint(server.port, pki.ca)).toBe(before);
    tls.update({ cert: rotated.cert, key: rotated.key });
    const after = await servedFingerprint(server.port, pki.ca);
    expect(after).not.toBe(before);
    expect(after).toBe(new X509Certificate(rotated.cert).fingerprint256);
    // The connection made before the rotation still works; so do new ones.
    expect((await c.listFrontends()).names).toEqual(['web']);
    expect((await client(`localhost:${server.port}`, { ca: pki.ca }).listFrontends()).names).toEqual(['web']);
  });
});

describe('mutual TLS and admin identities', () => {
  const mtls = () => new GrpcServerTls({ cert: pki.server.cert, key: pki.server.key, clientCa: pki.ca });

  it('refuses a client without a certificate, and one from another CA, during the handshake', async () => {
    const server = await serve({ tls: mtls() });
    const none = await client(`localhost:${server.port}`, { ca: pki.ca })
      .listFrontends()
      .catch((e: unknown) => e);
    expect(none).toMatchObject({ code: status.UNAVAILABLE });
    const stranger = pki.stranger('admin');
    const err = await client(`localhost:${server.port}`, {
      ca: pki.ca,
      cert: stranger.cert,
      key: stranger.key,
    })
      .listFrontends()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: status.UNAVAILABLE });
    expect(ran).toEqual([]);
    const ok = pki.client('anyone');
    expect(
      (await client(`localhost:${server.port}`, { ca: pki.ca, cert: ok.cert, key: ok.key }).listFrontends())
        .names,
    ).toEqual(['web']);
  });

  it('without admins, every verified client may change things', async () => {
    const server = await serve({ tls: mtls() });
    const anyone = pki.client('anyone');
    const c = client(`localhost:${server.port}`, { ca: pki.ca, cert: anyone.cert, key: anyone.key });
    expect((await c.pauseBackend('nginx0')).name).toBe('nginx0');
  });

  it('a read-only client reads, watches and previews; changes are PERMISSION_DENIED and logged', async () => {
    const logs: Logged[] = [];
    const server = await serve({ tls: mtls(), admins: ['admin'], logger: recordingLogger(logs) });
    const viewer = pki.client('viewer');
    const c = client(`localhost:${server.port}`, { ca: pki.ca, cert: viewer.cert, key: viewer.key });
    expect((await c.listFrontends()).names).toEqual(['web']);
    const ac = new AbortController();
    const events = c.watchEvents({ frontend: true }, ac.signal)[Symbol.asyncIterator]();
    expect((await events.next()).value).toMatchObject({ event: { case: 'frontend' } });
    ac.abort();
    await events.return?.(undefined);
    expect((await c.call('pauseBackend', { name: 'nginx0', dryRun: true })).name).toBe('nginx0');
    await c.call('setFrontendPoolBackendWeight', {
      frontend: 'web',
      pool: 'p',
      backend: 'b',
      weight: 0,
      dryRun: true,
    });
    await c.call('planConfig', { content: new TextEncoder().encode('maglev: {}\n') });

    ran.length = 0;
    for (const [name, call] of [
      ['PauseBackend', () => c.pauseBackend('nginx0')],
      [
        'SetFrontendPoolBackendWeight',
        () => c.call('setFrontendPoolBackendWeight', { frontend: 'web', pool: 'p', backend: 'b', weight: 0 }),
      ],
      ['ReloadConfig', () => c.reloadConfig()],
      ['PlanConfig', () => c.call('planConfig', { path: '/etc/shadow' })],
    ] as const) {
      const err = await (call as () => Promise<unknown>)().catch((e: unknown) => e);
      expect(err, name).toMatchObject({ code: status.PERMISSION_DENIED });
      expect((err as Error).message).toContain('viewer');
      expect((err as Error).message).toContain(name);
    }
    expect(ran).toEqual([]);
    const denied = logs.filter((l) => l.msg === 'grpc-permission-denied');
    expect(denied.map((l) => l.fields.method)).toEqual([
      'PauseBackend',
      'SetFrontendPoolBackendWeight',
      'ReloadConfig',
      'PlanConfig',
    ]);
    expect(denied[0]).toMatchObject({ level: 'warn', fields: { identity: 'viewer' } });
    expect(String(denied[0]?.fields.peer)).toMatch(/^127\.0\.0\.1:\d+$/);

    const admin = pki.client('admin');
    const a = client(`localhost:${server.port}`, { ca: pki.ca, cert: admin.cert, key: admin.key });
    expect((await a.pauseBackend('nginx0')).name).toBe('nginx0');
    expect((await a.reloadConfig()).ok).toBe(true);
    expect(ran).toEqual(['pauseBackend', 'reloadConfig']);
  });

  it('admins without a client CA is a programming error', () => {
    expect(
      () =>
        new MaglevGrpcServer({
          address: '127.0.0.1:0',
          handlers,
          events: { bus, frontendStates: () => [] },
          tls: new GrpcServerTls({ cert: pki.server.cert, key: pki.server.key }),
          admins: ['admin'],
        }),
    ).toThrow(/client CA/);
  });
});

describe('unix socket listener', () => {
  it('serves plaintext on a 0660 socket next to a TLS TCP listener; local clients are admins', async () => {
    const path = join(pki.dir, 'maglevd.sock');
    const logs: Logged[] = [];
    const server = await serve({
      address: ['127.0.0.1:0', `unix://${path}`],
      tls: new GrpcServerTls({ cert: pki.server.cert, key: pki.server.key, clientCa: pki.ca }),
      admins: ['admin'],
      logger: recordingLogger(logs),
    });
    expect(server.listeners.map((l) => [l.address, l.tls])).toEqual([
      ['127.0.0.1:0', true],
      [`unix:${path}`, false],
    ]);
    const st = statSync(path);
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o660);
    const local = client(`unix://${path}`);
    expect((await local.listFrontends()).names).toEqual(['web']);
    expect((await local.pauseBackend('nginx0')).name).toBe('nginx0');
    expect(logs.filter((l) => l.msg === 'grpc-permission-denied')).toEqual([]);
    // The TCP listener still wants a certificate, and the viewer stays read-only there.
    const viewer = pki.client('viewer');
    const err = await client(`localhost:${server.port}`, { ca: pki.ca, cert: viewer.cert, key: viewer.key })
      .pauseBackend('nginx0')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: status.PERMISSION_DENIED });
  });

  it('replaces a socket file nobody listens on; refuses one in use', async () => {
    const path = join(pki.dir, 'stale.sock');
    const first = await serve({ address: `unix:${path}` });
    // A second server on the same live socket must not steal it.
    const second = new MaglevGrpcServer({
      address: `unix:${path}`,
      handlers,
      events: { bus, frontendStates: () => [] },
    });
    await expect(second.start()).rejects.toMatchObject({
      name: 'GrpcListenError',
      address: `unix:${path}`,
      message: `gRPC listen unix:${path}: ${path}: another process listens on this socket`,
    });
    await second.close();
    await first.close();
    servers.length = 0;
    // What a crash leaves: a socket file without a listener (a killed process cannot unlink it).
    const child = spawn(
      process.execPath,
      ['-e', "require('net').createServer().listen(process.argv[1], () => console.log('up'))", path],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
    child.kill('SIGKILL');
    await new Promise<void>((resolve) => child.once('exit', () => resolve()));
    expect(statSync(path).isSocket()).toBe(true);
    const third = await serve({ address: `unix:${path}` });
    expect((await client(`unix:${path}`).listFrontends()).names).toEqual(['web']);
    expect(third.listeners[0]?.path).toBe(path);
  });

  it('refuses a path that is not a socket, and a missing directory, naming them', async () => {
    const file = join(pki.dir, 'not-a-socket');
    writeFileSync(file, 'x');
    const events = { bus, frontendStates: () => [] };
    const a = new MaglevGrpcServer({ address: `unix:${file}`, handlers, events });
    await expect(a.start()).rejects.toThrow(`${file} exists and is not a socket`);
    await a.close();
    const b = new MaglevGrpcServer({ address: `unix:${join(pki.dir, 'nope', 'x.sock')}`, handlers, events });
    await expect(b.start()).rejects.toThrow(`directory ${join(pki.dir, 'nope')} does not exist`);
    await b.close();
  });
});
