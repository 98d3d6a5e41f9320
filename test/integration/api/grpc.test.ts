import { createRequire } from 'node:module';
import { create, fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaglevCallError, MaglevClient } from '../../../lib/api/client.js';
import { NotFoundError } from '../../../lib/api/errors.js';
import * as pb from '../../../lib/api/gen/maglev_pb.js';
import { MaglevGrpcServer, type MaglevHandlers } from '../../../lib/api/server.js';
import { EventBus } from '../../../lib/events/bus.js';

const bus = new EventBus();
const handlers = new Proxy({} as MaglevHandlers, {
  get(_t, prop: string) {
    switch (prop) {
      case 'listFrontends':
        return () => create(pb.ListFrontendsResponseSchema, { names: ['web', 'api'] });
      case 'getBackend':
        return (req: pb.GetBackendRequest) => {
          if (req.name !== 'nginx0') throw new NotFoundError(`backend "${req.name}" not found`);
          return create(pb.BackendInfoSchema, {
            name: 'nginx0',
            address: '127.0.0.2',
            state: 'up',
            enabled: true,
          });
        };
      default:
        return () => {
          throw new Error(`boom in ${prop}`);
        };
    }
  },
});

let server: MaglevGrpcServer;
let client: MaglevClient;
let address: string;

beforeAll(async () => {
  server = new MaglevGrpcServer({
    address: '127.0.0.1:0',
    handlers,
    events: {
      bus,
      frontendStates: () => [
        ['web', 'up'],
        ['api', 'unknown'],
      ],
    },
  });
  const port = await server.start();
  address = `127.0.0.1:${port}`;
  client = new MaglevClient(address);
});

afterAll(async () => {
  client.close();
  await server.close();
});

describe('MaglevGrpcServer + MaglevClient', () => {
  it('serves unary calls', async () => {
    expect((await client.listFrontends()).names).toEqual(['web', 'api']);
    expect(await client.getBackend('nginx0')).toMatchObject({ name: 'nginx0', state: 'up' });
  });

  it('maps typed errors onto gRPC codes with the bare message', async () => {
    const err = await client.getBackend('nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MaglevCallError);
    expect(err).toMatchObject({ code: grpc.status.NOT_FOUND, message: 'backend "nope" not found' });
    const internal = await client.getVPPInfo().catch((e: unknown) => e);
    expect(internal).toMatchObject({ code: grpc.status.INTERNAL, message: 'boom in getVPPInfo' });
  });

  it('call() reaches every unary RPC of the service descriptor by its camelCase name', async () => {
    const unary = pb.Maglev.methods.filter((m) => m.methodKind === 'unary');
    expect(unary.length).toBeGreaterThan(15);
    for (const m of unary) {
      // The proxy's default handler throws "boom in <method>": reaching it proves the call was
      // routed to the RPC the descriptor names, with the request serialized by its schema.
      const name = m.localName as Parameters<MaglevClient['call']>[0];
      const got = await client.call(name, {}).then(
        (reply) => ({ ok: true, reply }),
        (e: unknown) => ({ ok: false, e }),
      );
      if (name === 'listFrontends' || name === 'getBackend') continue;
      expect(got, m.name).toMatchObject({ ok: false, e: { method: m.name, message: `boom in ${name}` } });
    }
    const reply = await client.call('getBackend', { name: 'nginx0' });
    expect(reply.$typeName).toBe('maglev.BackendInfo');
    expect(reply.address).toBe('127.0.0.2');
  });

  it('WatchEvents replays frontend states first, then streams filtered bus events', async () => {
    const ac = new AbortController();
    const got: pb.Event[] = [];
    const it = client.watchEvents({ backend: true, frontend: true }, ac.signal)[Symbol.asyncIterator]();
    for (let i = 0; i < 2; i++) got.push((await it.next()).value as pb.Event);
    expect(
      got.map(
        (e) => e.event.case === 'frontend' && [e.event.value.frontend, e.event.value.from, e.event.value.to],
      ),
    ).toEqual([
      ['web', 'up', 'up'],
      ['api', 'unknown', 'unknown'],
    ]);
    // Log events were not asked for, so only the backend event arrives.
    bus.publish({ kind: 'log', level: 'info', msg: 'ignored', attrs: {}, at: Date.now() });
    bus.publish({
      kind: 'backend',
      backend: 'nginx0',
      frontend: 'web',
      address: '127.0.0.2',
      transition: {
        from: 'up',
        to: 'down',
        at: 1_700_000_000_000,
        code: 'L4CON',
        detail: 'connect ECONNREFUSED',
      },
    });
    const next = (await it.next()).value as pb.Event;
    expect(next.event.case).toBe('backend');
    if (next.event.case === 'backend') {
      expect(next.event.value).toMatchObject({ backend: 'nginx0', frontend: 'web' });
      expect(next.event.value.transition).toMatchObject({
        from: 'up',
        to: 'down',
        code: 'L4CON',
        atNs: 1_700_000_000_000_000_000n,
      });
    }
    ac.abort();
    await it.return?.(undefined);
  });

  it('WatchEvents log filter applies its own level', async () => {
    const ac = new AbortController();
    const it = client.watchEvents({ log: true, logLevel: 'warn' }, ac.signal)[Symbol.asyncIterator]();
    const first = it.next();
    // Wait until the server has subscribed: the bus then has a log subscriber.
    await expect.poll(() => bus.hasLogSubscribers).toBe(true);
    bus.publish({ kind: 'log', level: 'info', msg: 'too-low', attrs: {}, at: Date.now() });
    bus.publish({
      kind: 'log',
      level: 'error',
      msg: 'vpp-disconnect',
      attrs: { reason: 'EOF', n: 3 },
      at: Date.now(),
    });
    const e = (await first).value as pb.Event;
    expect(e.event.case === 'log' && e.event.value).toMatchObject({
      msg: 'vpp-disconnect',
      level: 'error',
      attrs: { reason: 'EOF', n: '3' },
    });
    ac.abort();
    await it.return?.(undefined);
  });

  it('server reflection lists maglev.Maglev and its methods', async () => {
    const require = createRequire(import.meta.url);
    const protoPath = require.resolve('@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto');
    const def = protoLoader.loadSync(protoPath, {
      keepCase: true,
      longs: String,
      defaults: true,
      oneofs: true,
    });
    const loaded = grpc.loadPackageDefinition(def) as unknown as {
      grpc: { reflection: { v1: { ServerReflection: grpc.ServiceClientConstructor } } };
    };
    const rc = new loaded.grpc.reflection.v1.ServerReflection(address, grpc.credentials.createInsecure());
    const ask = (req: Record<string, unknown>) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const call = (
          rc as unknown as {
            ServerReflectionInfo(): grpc.ClientDuplexStream<unknown, Record<string, unknown>>;
          }
        ).ServerReflectionInfo();
        call.on('data', (d) => {
          resolve(d);
          call.end();
        });
        call.on('error', reject);
        call.write(req);
      });
    const list = (await ask({ list_services: '' })) as {
      list_services_response: { service: Array<{ name: string }> };
    };
    expect(list.list_services_response.service.map((s) => s.name)).toContain('maglev.Maglev');
    const files = (await ask({ file_containing_symbol: 'maglev.Maglev' })) as {
      file_descriptor_response: { file_descriptor_proto: Buffer[] };
    };
    const methods = files.file_descriptor_response.file_descriptor_proto
      .map((b) => fromBinary(FileDescriptorProtoSchema, b))
      .flatMap((f) => f.service.flatMap((s) => s.method.map((m) => m.name)));
    expect(methods).toEqual(pb.Maglev.methods.map((m) => m.name));
    expect(methods).toContain('WatchEvents');
    rc.close();
  });
});
