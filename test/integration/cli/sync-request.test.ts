import { create, fromBinary, fromJsonString, toBinary, toJson } from '@bufbuild/protobuf';
import { Client, credentials, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as pb from '../../../lib/api/gen/maglev_pb.js';
import { startFakeMaglevd } from './fake-maglevd.js';

/**
 * SyncVPPLBStateRequest carries the frontend as `frontend_name = 1`, as the Go vpp-maglev 1.0
 * does: the same bytes on the wire, and the original's JSON spelling for grpcurl callers.
 */

// Field 1, wire type 2 (length-delimited), 3 bytes: "web".
const WEB_ON_THE_WIRE = Uint8Array.from([0x0a, 0x03, 0x77, 0x65, 0x62]);

describe('SyncVPPLBStateRequest encoding', () => {
  it('JSON takes frontend_name and frontendName, and refuses the old "frontend"', () => {
    for (const json of ['{"frontend_name":"web"}', '{"frontendName":"web"}']) {
      expect(fromJsonString(pb.SyncVPPLBStateRequestSchema, json).frontendName).toBe('web');
    }
    expect(() => fromJsonString(pb.SyncVPPLBStateRequestSchema, '{"frontend":"web"}')).toThrow(/frontend/);
    const req = create(pb.SyncVPPLBStateRequestSchema, { frontendName: 'web' });
    expect(toJson(pb.SyncVPPLBStateRequestSchema, req)).toEqual({ frontendName: 'web' });
    expect(toJson(pb.SyncVPPLBStateRequestSchema, req, { useProtoFieldName: true })).toEqual({
      frontend_name: 'web',
    });
  });

  it('is field 1, a string, on the wire', () => {
    const req = create(pb.SyncVPPLBStateRequestSchema, { frontendName: 'web' });
    expect(toBinary(pb.SyncVPPLBStateRequestSchema, req)).toEqual(WEB_ON_THE_WIRE);
    expect(fromBinary(pb.SyncVPPLBStateRequestSchema, WEB_ON_THE_WIRE).frontendName).toBe('web');
  });
});

describe('a client that sends raw bytes, as one built from the Go original .proto would', () => {
  let close: () => Promise<void>;
  let raw: Client;

  beforeAll(async () => {
    const s = await startFakeMaglevd();
    close = s.close;
    raw = new Client(s.address, credentials.createInsecure());
  });

  afterAll(async () => {
    raw.close();
    await close();
  });

  const call = (body: Uint8Array) =>
    new Promise<pb.SyncVPPLBStateResponse>((resolve, reject) => {
      raw.makeUnaryRequest(
        '/maglev.Maglev/SyncVPPLBState',
        (b: Uint8Array) => Buffer.from(b),
        (b: Buffer) => fromBinary(pb.SyncVPPLBStateResponseSchema, b),
        body,
        (err: ServiceError | null, res?: pb.SyncVPPLBStateResponse) =>
          err ? reject(err) : resolve(res as pb.SyncVPPLBStateResponse),
      );
    });

  it('field 1 names the frontend whose VIP is synced', async () => {
    expect((await call(WEB_ON_THE_WIRE)).scope).toBe('vip');
    expect((await call(new Uint8Array())).scope).toBe('all');
    const nope = Uint8Array.from([0x0a, 0x04, ...Buffer.from('nope')]);
    await expect(call(nope)).rejects.toMatchObject({ code: 5, details: 'frontend "nope" not found' });
  });
});
