import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as pb from '../../../lib/api/gen/maglev_pb.js';
import { isExposedListenAddress, parseGrpcListenTargets } from '../../../lib/api/server.js';
import {
  checkGrpcTlsMaterial,
  GrpcServerTls,
  grpcCallPermitted,
  grpcMethodAccess,
  loadGrpcTlsFiles,
  parseSubjectAltName,
  peerIdentities,
} from '../../../lib/api/tls.js';
import { grpcSecurityFromFlags } from '../../../lib/daemon/flags.js';
import { makeTestPki, type TestPki } from '../../support/certs.js';

describe('grpcMethodAccess: the read-only rule', () => {
  it('classifies every RPC of the service, so a new one needs a decision', () => {
    const read = [
      'ListFrontends',
      'GetFrontend',
      'ListBackends',
      'GetBackend',
      'ListHealthChecks',
      'GetHealthCheck',
      'WatchEvents',
      'CheckConfig',
      'GetVPPInfo',
      'GetVPPLBState',
      'GetVPPLBCounters',
      'PlanConfig',
    ];
    const previewable = [
      'PauseBackend',
      'ResumeBackend',
      'EnableBackend',
      'DisableBackend',
      'SetFrontendPoolBackendWeight',
      'SyncVPPLBState',
    ];
    const admin = ['ReloadConfig'];
    const all = pb.Maglev.methods.map((m) => m.name).sort();
    expect([...read, ...previewable, ...admin].sort()).toEqual(all);
    for (const m of read) expect(grpcMethodAccess(m, {}), m).toBe('read');
    for (const m of previewable) {
      expect(grpcMethodAccess(m, {}), m).toBe('admin');
      expect(grpcMethodAccess(m, { dryRun: false }), m).toBe('admin');
      expect(grpcMethodAccess(m, { dryRun: true }), m).toBe('read');
    }
    expect(grpcMethodAccess('ReloadConfig', { dryRun: true })).toBe('admin');
  });

  it('PlanConfig with content or nothing is a read; with a path of the host it needs an admin', () => {
    expect(grpcMethodAccess('PlanConfig', { content: new Uint8Array([1]), path: '' })).toBe('read');
    expect(grpcMethodAccess('PlanConfig', { path: '' })).toBe('read');
    expect(grpcMethodAccess('PlanConfig', { path: '/etc/shadow' })).toBe('admin');
  });

  it('an unknown method, or a truthy non-boolean dry_run, needs an admin', () => {
    expect(grpcMethodAccess('DrainEverything', {})).toBe('admin');
    expect(grpcMethodAccess('PauseBackend', { dryRun: 'yes' })).toBe('admin');
    expect(grpcMethodAccess('PauseBackend', null)).toBe('admin');
  });
});

describe('grpcCallPermitted', () => {
  const admins = new Set(['admin', 'spiffe://ops/admin']);
  it('without admins everyone may do everything', () => {
    expect(grpcCallPermitted(undefined, { local: false, identities: [] }, 'ReloadConfig', {})).toBe(true);
  });
  it('local callers and admin identities may change things; others only read', () => {
    expect(grpcCallPermitted(admins, { local: true, identities: [] }, 'ReloadConfig', {})).toBe(true);
    expect(
      grpcCallPermitted(
        admins,
        { local: false, identities: ['x', 'spiffe://ops/admin'] },
        'PauseBackend',
        {},
      ),
    ).toBe(true);
    const viewer = { local: false, identities: ['viewer'] };
    expect(grpcCallPermitted(admins, viewer, 'PauseBackend', {})).toBe(false);
    expect(grpcCallPermitted(admins, viewer, 'PauseBackend', { dryRun: true })).toBe(true);
    expect(grpcCallPermitted(admins, viewer, 'ListBackends', {})).toBe(true);
    // Compared exactly: no case folding, no prefix match.
    expect(grpcCallPermitted(admins, { local: false, identities: ['Admin'] }, 'ReloadConfig', {})).toBe(
      false,
    );
    expect(grpcCallPermitted(admins, { local: false, identities: ['admin2'] }, 'ReloadConfig', {})).toBe(
      false,
    );
    expect(grpcCallPermitted(admins, { local: false, identities: [] }, 'ReloadConfig', {})).toBe(false);
  });
});

describe('peer identities', () => {
  it('parses node subjectAltName text, quoted values included', () => {
    expect(parseSubjectAltName('DNS:a.example, IP Address:127.0.0.1, URI:spiffe://x/y, email:o@x')).toEqual([
      { type: 'DNS', value: 'a.example' },
      { type: 'IP Address', value: '127.0.0.1' },
      { type: 'URI', value: 'spiffe://x/y' },
      { type: 'email', value: 'o@x' },
    ]);
    expect(parseSubjectAltName('DNS:"a, b", DNS:c')).toEqual([
      { type: 'DNS', value: 'a, b' },
      { type: 'DNS', value: 'c' },
    ]);
    expect(parseSubjectAltName('')).toEqual([]);
  });

  it('lists CNs, then DNS, URI and email SANs, never IP addresses, without duplicates', () => {
    expect(
      peerIdentities({
        subject: { CN: 'viewer' },
        subjectaltname: 'DNS:viewer, IP Address:10.0.0.1, URI:spiffe://ops/viewer, email:v@example.net',
      }),
    ).toEqual(['viewer', 'spiffe://ops/viewer', 'v@example.net']);
    expect(peerIdentities({ subject: { CN: ['a', 'b'] } })).toEqual(['a', 'b']);
    expect(peerIdentities({})).toEqual([]);
  });
});

describe('listen targets and exposure', () => {
  it('parses comma lists of TCP addresses and unix sockets', () => {
    expect(parseGrpcListenTargets(':9090, unix:///run/vpp-maglev/maglevd.sock,,unix:rel.sock')).toEqual([
      { kind: 'tcp', address: ':9090' },
      { kind: 'unix', path: '/run/vpp-maglev/maglevd.sock' },
      { kind: 'unix', path: 'rel.sock' },
    ]);
    expect(parseGrpcListenTargets(['127.0.0.1:0', 'unix:/tmp/x.sock'])).toEqual([
      { kind: 'tcp', address: '127.0.0.1:0' },
      { kind: 'unix', path: '/tmp/x.sock' },
    ]);
    expect(() => parseGrpcListenTargets('unix://host/x.sock')).toThrow(/unix:\/\/\/absolute\/path/);
    expect(() => parseGrpcListenTargets('unix:')).toThrow(/expected a socket file path/);
    expect(() => parseGrpcListenTargets('127.0.0.1:99999')).toThrow(/"127.0.0.1:99999"/);
  });

  it.each([
    [':9090', true],
    ['0.0.0.0:9090', true],
    ['[::]:9090', true],
    ['192.0.2.7:9090', true],
    ['maglev1.example.net:9090', true],
    ['127.0.0.1:9090', false],
    ['127.1.2.3:9090', false],
    ['localhost:9090', false],
    ['[::1]:9090', false],
    ['[::ffff:127.0.0.1]:9090', false],
    ['unix:///run/vpp-maglev/maglevd.sock', false],
  ])('%s exposed: %s', (addr, exposed) => {
    expect(isExposedListenAddress(addr)).toBe(exposed);
  });
});

describe('grpcSecurityFromFlags', () => {
  const flags = (v: Partial<Record<string, unknown>>) =>
    grpcSecurityFromFlags({
      'grpc-tls-cert': '',
      'grpc-tls-key': '',
      'grpc-client-ca': '',
      'grpc-admin': [],
      ...v,
    } as Parameters<typeof grpcSecurityFromFlags>[0]);
  it('no flags: plaintext, everyone admin (as the Go maglevd)', () => {
    expect(flags({})).toEqual({});
  });
  it('collects the files and the admins', () => {
    expect(
      flags({ 'grpc-tls-cert': 'c', 'grpc-tls-key': 'k', 'grpc-client-ca': 'ca', 'grpc-admin': ['admin'] }),
    ).toEqual({ tls: { certFile: 'c', keyFile: 'k', clientCaFile: 'ca' }, admins: ['admin'] });
    expect(flags({ 'grpc-tls-cert': 'c', 'grpc-tls-key': 'k' })).toEqual({
      tls: { certFile: 'c', keyFile: 'k' },
    });
  });
  it('refuses incomplete combinations, naming the flags', () => {
    expect(() => flags({ 'grpc-tls-cert': 'c' })).toThrow('--grpc-tls-cert needs --grpc-tls-key');
    expect(() => flags({ 'grpc-tls-key': 'k' })).toThrow('--grpc-tls-key needs --grpc-tls-cert');
    expect(() => flags({ 'grpc-client-ca': 'ca' })).toThrow('--grpc-client-ca needs --grpc-tls-cert');
    expect(() => flags({ 'grpc-tls-cert': 'c', 'grpc-tls-key': 'k', 'grpc-admin': ['a'] })).toThrow(
      '--grpc-admin needs --grpc-client-ca',
    );
  });
});

describe('TLS material', () => {
  let pki: TestPki;
  beforeAll(() => {
    pki = makeTestPki();
  });
  afterAll(() => pki.cleanup());

  it('loads a certificate, key and client CA and summarises them', async () => {
    const { material, summary } = await loadGrpcTlsFiles({
      certFile: pki.server.certFile,
      keyFile: pki.server.keyFile,
      clientCaFile: pki.caFile,
    });
    expect(material.clientCa?.equals(pki.ca)).toBe(true);
    expect(summary).toMatchObject({ subject: 'CN=localhost', clientCaCount: 1 });
    expect(summary.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(Date.parse(summary.notAfter)).toBeGreaterThan(Date.now());
  });

  it('names the file and the problem', async () => {
    const labels = { cert: '--grpc-tls-cert', key: '--grpc-tls-key', clientCa: '--grpc-client-ca' };
    const missing = join(pki.dir, 'missing.key');
    await expect(
      loadGrpcTlsFiles({ certFile: pki.server.certFile, keyFile: missing, labels }),
    ).rejects.toThrow(`--grpc-tls-key ${missing}: no such file`);
    await expect(
      loadGrpcTlsFiles({ certFile: pki.dir, keyFile: pki.server.keyFile, labels }),
    ).rejects.toThrow(`--grpc-tls-cert ${pki.dir}: is a directory`);
    const other = pki.client('someone');
    await expect(
      loadGrpcTlsFiles({ certFile: pki.server.certFile, keyFile: other.keyFile, labels }),
    ).rejects.toThrow(
      `--grpc-tls-key ${other.keyFile}: key does not match certificate --grpc-tls-cert ${pki.server.certFile}`,
    );
    const garbage = join(pki.dir, 'garbage.pem');
    writeFileSync(garbage, 'hello\n');
    await expect(
      loadGrpcTlsFiles({ certFile: garbage, keyFile: pki.server.keyFile, labels }),
    ).rejects.toThrow(`--grpc-tls-cert ${garbage}: no PEM certificate in it`);
    await expect(
      loadGrpcTlsFiles({
        certFile: pki.server.certFile,
        keyFile: pki.server.keyFile,
        clientCaFile: pki.server.certFile,
        labels,
      }),
    ).rejects.toThrow(
      `--grpc-client-ca ${pki.server.certFile}: certificate 1 (CN=localhost) is not a CA certificate`,
    );
  });

  it('refuses an encrypted key with a hint', () => {
    const key = Buffer.from(
      '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n',
    );
    expect(() => checkGrpcTlsMaterial({ cert: pki.server.cert, key })).toThrow(/encrypted.*openssl pkey/);
  });

  it('GrpcServerTls refuses to add or drop the client CA on update', () => {
    const tls = new GrpcServerTls({ cert: pki.server.cert, key: pki.server.key });
    expect(tls.requireClientCertificate).toBe(false);
    expect(() => tls.update({ cert: pki.server.cert, key: pki.server.key, clientCa: pki.ca })).toThrow(
      /restart/,
    );
  });
});
