import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as pb from '../../../lib/api/gen/maglev_pb.js';
import { grpcServiceDefinition } from '../../../lib/api/grpc-service.js';
import { MaglevGrpcServer } from '../../../lib/api/server.js';
import { runMaglevc } from '../../../lib/cli/main.js';
import { makeTestPki, type TestPki } from '../../support/certs.js';
import { startTlsProxy, type TlsProxy } from '../../support/tls-proxy.js';
import { FakeMaglevd, startFakeMaglevd } from './fake-maglevd.js';

/**
 * maglevc reaching maglevd over TLS, mutual TLS and a unix socket, against real sockets on
 * loopback: the fake maglevd's gRPC server behind a real TLS handshake (see tls-proxy.ts).
 */

class Collect extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

interface Run {
  code: number;
  out: string;
  err: string;
}

async function maglevc(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  const stdout = new Collect();
  const stderr = new Collect();
  const stdin = new PassThrough();
  stdin.end('');
  const code = await runMaglevc(['--color=never', ...args], { stdout, stderr, stdin, env });
  return { code, out: stdout.text, err: stderr.text };
}

let pki: TestPki;
let plain: Awaited<ReturnType<typeof startFakeMaglevd>>;
let tls: TlsProxy;
let mtls: TlsProxy;
let otherName: TlsProxy;
let readOnly: { server: Server; address: string };
let client: ReturnType<TestPki['client']>;
let dir: string;

beforeAll(async () => {
  pki = makeTestPki();
  client = pki.client('ops.example');
  plain = await startFakeMaglevd();
  tls = await startTlsProxy({ target: plain.address, cert: pki.server.cert, key: pki.server.key });
  mtls = await startTlsProxy({
    target: plain.address,
    cert: pki.server.cert,
    key: pki.server.key,
    clientCa: pki.ca,
  });
  // A maglevd whose certificate names only maglevd.example (not 127.0.0.1), from the other CA.
  const named = pki.stranger('maglevd.example');
  otherName = await startTlsProxy({ target: plain.address, cert: named.cert, key: named.key });
  // A maglevd that refuses every change from this client, as maglevd does a read-only one.
  const server = new Server();
  server.addService(grpcServiceDefinition(pb.Maglev), {
    PauseBackend: (_call: unknown, cb: (e: { code: status; details: string }) => void) =>
      cb({
        code: status.PERMISSION_DENIED,
        details: 'client "viewer.example" may not call PauseBackend',
      }),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      '127.0.0.1:0',
      ServerCredentials.createSsl(null, [{ cert_chain: pki.server.cert, private_key: pki.server.key }]),
      (e, p) => (e ? reject(e) : resolve(p)),
    ),
  );
  readOnly = { server, address: `127.0.0.1:${port}` };
  dir = mkdtempSync(join(tmpdir(), 'maglevc-tls-'));
});

afterAll(async () => {
  readOnly?.server.forceShutdown();
  await Promise.all([tls?.close(), mtls?.close(), otherName?.close()]);
  await plain?.close();
  pki?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const otherCa = () => join(pki.dir, 'other-ca.crt');

describe('maglevc over TLS', () => {
  it('--tls-ca: the CA that signs maglevd certificate; the command runs', async () => {
    const r = await maglevc(['--server', tls.address, '--tls-ca', pki.caFile, 'show', 'frontends']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')).toContain('web');
  });

  it('the env twins MAGLEV_SERVER and MAGLEV_TLS_CA do the same', async () => {
    const r = await maglevc(['show', 'frontends'], { MAGLEV_SERVER: tls.address, MAGLEV_TLS_CA: pki.caFile });
    expect(r.err).toBe('');
    expect(r.out.split('\n')).toContain('web');
  });

  it('a CA that did not sign the certificate: refused, said in words', async () => {
    const r = await maglevc(['--server', tls.address, '--tls-ca', otherCa(), 'show', 'frontends']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toBe(
      `maglevc: cannot reach maglevd at ${tls.address}: TLS: maglevd's certificate is not signed by a CA this client trusts\n`,
    );
  });

  it('--tls alone trusts the system CAs, which do not know the test CA', async () => {
    const r = await maglevc(['--server', tls.address, '--tls', 'show', 'frontends']);
    expect(r.code).toBe(1);
    expect(r.err).toContain("TLS: maglevd's certificate is not signed by a CA this client trusts");
  });

  it('a plaintext maglevc against a TLS maglevd: told it may want TLS', async () => {
    const r = await maglevc(['--server', tls.address, 'show', 'frontends']);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `maglevc: cannot reach maglevd at ${tls.address}: the connection closed before the gRPC handshake\n` +
        'maglevc: if maglevd serves TLS, give --tls-ca FILE (or --tls)\n',
    );
  });

  it('a TLS maglevc against a plaintext maglevd: told it does not speak TLS', async () => {
    const r = await maglevc(['--server', plain.address, '--tls-ca', pki.caFile, 'show', 'frontends']);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `maglevc: cannot reach maglevd at ${plain.address}: TLS: maglevd does not speak TLS at this address\n`,
    );
  });

  it('--tls-server-name: the name checked instead of the address dialled', async () => {
    const wrong = await maglevc(['--server', otherName.address, '--tls-ca', otherCa(), 'show', 'frontends']);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/TLS: maglevd's certificate is not valid for "127\.0\.0\.1"/);
    const right = await maglevc(['--server', otherName.address, '--tls-ca', otherCa(), 'show', 'frontends'], {
      MAGLEV_TLS_SERVER_NAME: 'maglevd.example',
    });
    expect(right.err).toBe('');
    expect(right.out.split('\n')).toContain('web');
    const other = await maglevc([
      '--server',
      tls.address,
      '--tls-ca',
      pki.caFile,
      '--tls-server-name',
      'maglevd.example',
      'show',
      'frontends',
    ]);
    expect(other.code).toBe(1);
    expect(other.err).toContain(`TLS: maglevd's certificate is not valid for "maglevd.example"`);
    expect(other.err).toContain('DNS:localhost');
  });
});

describe('maglevc over mutual TLS', () => {
  it('--tls-cert and --tls-key: the client certificate is presented and accepted', async () => {
    const before = mtls.clientNames.length;
    const r = await maglevc([
      '--server',
      mtls.address,
      '--tls-ca',
      pki.caFile,
      '--tls-cert',
      client.certFile,
      '--tls-key',
      client.keyFile,
      'show',
      'backends',
    ]);
    expect(r.err).toBe('');
    expect(r.out.split('\n')).toContain('nginx0');
    expect(mtls.clientNames.slice(before)).toContain('ops.example');
  });

  it('the env twins MAGLEV_TLS_CERT and MAGLEV_TLS_KEY do the same', async () => {
    const r = await maglevc(['show', 'backends'], {
      MAGLEV_SERVER: mtls.address,
      MAGLEV_TLS_CA: pki.caFile,
      MAGLEV_TLS_CERT: client.certFile,
      MAGLEV_TLS_KEY: client.keyFile,
    });
    expect(r.err).toBe('');
    expect(r.out.split('\n')).toContain('nginx0');
  });

  it('without a client certificate: maglevd requires one, said in words', async () => {
    const r = await maglevc(['--server', mtls.address, '--tls-ca', pki.caFile, 'show', 'backends']);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `maglevc: cannot reach maglevd at ${mtls.address}: TLS: maglevd requires a client certificate\n`,
    );
  });

  it('a certificate from a CA maglevd does not trust: the handshake fails, with the likely reason', async () => {
    const stranger = pki.stranger('intruder');
    const r = await maglevc([
      '--server',
      mtls.address,
      '--tls-ca',
      pki.caFile,
      '--tls-cert',
      stranger.certFile,
      '--tls-key',
      stranger.keyFile,
      'show',
      'backends',
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^maglevc: cannot reach maglevd at \S+: (TLS: maglevd refused this client's certificate|the connection closed during the TLS handshake \(maglevd may have refused this client's certificate, or requires one\))\n$/,
    );
  });
});

describe('maglevc --tls-* files checked before anything runs', () => {
  it('a missing file is a usage error naming the flag and the file', async () => {
    const r = await maglevc([
      '--server',
      tls.address,
      '--tls-ca',
      join(dir, 'nope.pem'),
      'show',
      'frontends',
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `maglevc: cannot read ${join(dir, 'nope.pem')} (flag --tls-ca): no such file\nRun 'maglevc --help' for usage.\n`,
    );
  });

  it('from the environment, the variable is named', async () => {
    const r = await maglevc(['show', 'frontends'], {
      MAGLEV_SERVER: tls.address,
      MAGLEV_TLS_CA: join(dir, 'nope.pem'),
    });
    expect(r.code).toBe(2);
    expect(r.err).toContain(`cannot read ${join(dir, 'nope.pem')} (MAGLEV_TLS_CA (--tls-ca)): no such file`);
  });

  it('a file that is not PEM, a certificate without its key, a key that is not the certificate', async () => {
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'not a certificate\n');
    const notPem = await maglevc(['--tls-ca', junk, 'show', 'frontends']);
    expect(notPem.code).toBe(2);
    expect(notPem.err).toContain(`${junk} (flag --tls-ca) holds no PEM certificate`);

    const alone = await maglevc(['--tls-ca', pki.caFile, '--tls-cert', client.certFile, 'show', 'frontends']);
    expect(alone.code).toBe(2);
    expect(alone.err).toContain('flag --tls-cert is set but --tls-key is not');

    const other = pki.client('someone-else');
    const mismatch = await maglevc([
      '--tls-cert',
      client.certFile,
      '--tls-key',
      other.keyFile,
      'show',
      'frontends',
    ]);
    expect(mismatch.code).toBe(2);
    expect(mismatch.err).toContain(
      `cannot use ${client.certFile} (flag --tls-cert) with ${other.keyFile} (flag --tls-key): `,
    );
    expect(mismatch.err).toMatch(/key values mismatch/i);
  });
});

describe('maglevc against a maglevd that refuses a read-only client', () => {
  it('PERMISSION_DENIED: what was refused and why, exit 1', async () => {
    const r = await maglevc([
      '--server',
      readOnly.address,
      '--tls-ca',
      pki.caFile,
      'set',
      'backend',
      'nginx0',
      'pause',
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'maglevc: maglevd refused PauseBackend: client "viewer.example" may not call PauseBackend (this client is read-only)\n',
    );
  });
});

describe('maglevc over a unix socket', () => {
  it('--server unix:///path reaches a maglevd listening there; TLS settings do not apply', async () => {
    const fake = new FakeMaglevd();
    const path = join(dir, 'maglevd.sock');
    const server = new MaglevGrpcServer({
      address: `unix:${path}`,
      handlers: fake.handlers,
      events: {
        bus: fake.bus,
        frontendStates: () => fake.frontends.map((f) => [f.name, fake.frontendState(f)] as const),
      },
    });
    await server.start();
    try {
      const r = await maglevc(['--server', `unix://${path}`, 'show', 'frontends']);
      expect(r.err).toBe('');
      expect(r.out.split('\n')).toContain('web');
      // A profile that sets MAGLEV_TLS_CA for the remote maglevds does not break the local socket.
      const env = await maglevc(['show', 'frontends'], {
        MAGLEV_SERVER: `unix://${path}`,
        MAGLEV_TLS_CA: pki.caFile,
      });
      expect(env.err).toBe('');
      expect(env.out.split('\n')).toContain('web');
    } finally {
      await server.close();
    }
  });

  it('a socket path where nothing listens: no such socket', async () => {
    const path = join(dir, 'absent.sock');
    const r = await maglevc(['--server', `unix://${path}`, 'show', 'frontends']);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`maglevc: cannot reach maglevd at unix://${path}: no such socket\n`);
  });
});
