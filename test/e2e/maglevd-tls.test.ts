/**
 * maglevd's gRPC security end to end, on the built binary: TLS, mutual TLS, admin identities
 * and read-only clients, a unix socket, certificate rotation on SIGHUP, and the warning for an
 * open listener. Certificates are made with openssl at test time; everything stays on loopback
 * (the one ":0" listener only listens on every interface, nothing is sent to it).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, copyFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaglevClient, type MaglevClientTls } from '../../lib/api/client.js';
import { runBin } from '../support/bin.js';
import { makeTestPki, servedFingerprint, type TestPki } from '../support/certs.js';
import { type LoggedProcess, startBin, UNPROBED_SITE_CONFIG, Workspace } from '../support/e2e-harness.js';

const ws = new Workspace();
let pki: TestPki;
const certFile = join(ws.dir, 'server.crt');
const keyFile = join(ws.dir, 'server.key');
const sock = join(ws.dir, 'maglevd.sock');
const clients: MaglevClient[] = [];

function base(): string[] {
  return ['--config', ws.config, '--metrics-addr', '', '--vpp-api-addr', '', '--state-file', ''];
}

function client(address: string, tls?: MaglevClientTls): MaglevClient {
  const c = new MaglevClient(address, { timeoutMs: 10_000, ...(tls ? { tls } : {}) });
  clients.push(c);
  return c;
}

beforeAll(() => {
  pki = makeTestPki();
  ws.writeConfig(UNPROBED_SITE_CONFIG);
  copyFileSync(pki.server.certFile, certFile);
  copyFileSync(pki.server.keyFile, keyFile);
});

afterAll(() => {
  for (const c of clients) c.close();
  pki.cleanup();
  ws.remove();
});

describe('maglevd with mutual TLS, admin identities and a unix socket', () => {
  let maglevd: LoggedProcess;
  let port = 0;
  const as = (cn: string): MaglevClientTls => {
    const p = pki.client(cn);
    return { ca: pki.ca, cert: p.cert, key: p.key };
  };

  beforeAll(async () => {
    maglevd = startBin('maglevd', [
      ...base(),
      '--grpc-addr',
      `127.0.0.1:0,unix://${sock}`,
      '--grpc-tls-cert',
      certFile,
      '--grpc-tls-key',
      keyFile,
      '--grpc-client-ca',
      pki.caFile,
      '--grpc-admin',
      'admin',
    ]);
    const tcp = await maglevd.waitLog((l) => l.msg === 'grpc-listen' && l.tls === true);
    await maglevd.waitLog((l) => l.msg === 'grpc-listen' && l.path === sock);
    port = tcp.port as number;
    expect(tcp).toMatchObject({ addr: '127.0.0.1:0', client_auth: true });
  });

  afterAll(async () => {
    await maglevd.stop();
  });

  const fingerprint = (): Promise<string> => servedFingerprint(port, pki.ca, pki.client('fingerprint'));

  it('serves an admin client over TLS: reads and changes', async () => {
    const admin = client(`localhost:${port}`, as('admin'));
    expect((await admin.listFrontends()).names).toEqual(['www']);
    expect((await admin.pauseBackend('web0')).state).toBe('paused');
    expect((await admin.resumeBackend('web0')).name).toBe('web0');
  });

  it('refuses a plaintext client, a client without a certificate, and a stranger', async () => {
    const plain = await client(`127.0.0.1:${port}`)
      .listFrontends()
      .catch((e: unknown) => e);
    expect(plain).toMatchObject({ code: status.UNAVAILABLE });
    const anonymous = await client(`localhost:${port}`, { ca: pki.ca })
      .listFrontends()
      .catch((e: unknown) => e);
    expect(anonymous).toMatchObject({ code: status.UNAVAILABLE });
    const s = pki.stranger('admin');
    const stranger = await client(`localhost:${port}`, { ca: pki.ca, cert: s.cert, key: s.key })
      .pauseBackend('web0')
      .catch((e: unknown) => e);
    expect(stranger).toMatchObject({ code: status.UNAVAILABLE });
    expect(
      maglevd.lines.some((l) => l.msg === 'backend-transition' && l.to === 'paused' && l.backend === 'web1'),
    ).toBe(false);
  });

  it('a read-only client lists, watches and previews; changes are PERMISSION_DENIED and logged', async () => {
    const viewer = client(`localhost:${port}`, as('viewer'));
    expect((await viewer.listBackends()).names).toEqual(['web0', 'web1']);
    const ac = new AbortController();
    const events = viewer.watchEvents({ frontend: true }, ac.signal)[Symbol.asyncIterator]();
    expect((await events.next()).value).toMatchObject({
      event: { case: 'frontend', value: { frontend: 'www' } },
    });
    ac.abort();
    await events.return?.(undefined);
    // Previews change nothing: allowed.
    const preview = await viewer.call('pauseBackend', { name: 'web0', dryRun: true });
    expect(preview.name).toBe('web0');
    await viewer.call('setFrontendPoolBackendWeight', {
      frontend: 'www',
      pool: 'main',
      backend: 'web0',
      weight: 0,
      dryRun: true,
    });
    const from = maglevd.lines.length;
    const refused: Array<[string, () => Promise<unknown>]> = [
      ['PauseBackend', () => viewer.pauseBackend('web0')],
      [
        'SetFrontendPoolBackendWeight',
        () =>
          viewer.call('setFrontendPoolBackendWeight', {
            frontend: 'www',
            pool: 'main',
            backend: 'web0',
            weight: 0,
          }),
      ],
      ['ReloadConfig', () => viewer.reloadConfig()],
    ];
    for (const [method, call] of refused) {
      const err = await call().catch((e: unknown) => e);
      expect(err, method).toMatchObject({ code: status.PERMISSION_DENIED });
      expect((err as Error).message).toMatch(new RegExp(`viewer.*${method}`));
      const line = await maglevd.waitLog(
        (l) => l.msg === 'grpc-permission-denied' && l.method === method,
        10_000,
        from,
      );
      expect(line).toMatchObject({ level: 'WARN', identity: 'viewer' });
      expect(String(line.peer)).toMatch(/^127\.0\.0\.1:\d+$/);
    }
    // Nothing changed.
    expect((await viewer.getBackend('web0')).state).not.toBe('paused');
    expect(
      maglevd.lines.slice(from).some((l) => l.msg === 'config-reload' || l.msg === 'frontend-weight-set'),
    ).toBe(false);
  });

  it('the unix socket keeps other users out (0660) and its clients are admins', async () => {
    const st = statSync(sock);
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o660);
    const local = client(`unix://${sock}`);
    expect((await local.listFrontends()).names).toEqual(['www']);
    expect((await local.pauseBackend('web1')).state).toBe('paused');
    expect((await local.resumeBackend('web1')).name).toBe('web1');
    // Connect as another user: the socket's group gets in, everyone else is refused by the
    // kernel. The directory is opened to everyone for this, so only the socket's mode decides.
    chmodSync(dirname(sock), 0o755);
    // A node other users may run: the runtime `npm run test:runtime` uses lives below the
    // checkout, which another user cannot enter, so fall back to the system's.
    const node = [process.execPath, '/usr/bin/node', '/usr/local/bin/node'].find(
      (n) => spawnSync(n, ['-e', ''], { uid: 65534, gid: 65534 }).status === 0,
    );
    if (node === undefined) throw new Error('no node binary that uid 65534 may run');
    const connectAs = (uid: number, gid: number): string =>
      execFileSync(
        node,
        [
          '-e',
          `const s = require('node:net').connect(${JSON.stringify(sock)});
           s.on('connect', () => { console.log('connected'); s.destroy(); });
           s.on('error', (e) => console.log(e.code));`,
        ],
        { uid, gid, encoding: 'utf8' },
      ).trim();
    expect(connectAs(65534, 65534)).toBe('EACCES');
    expect(connectAs(65534, st.gid)).toBe('connected');
  });

  it('serves a rotated certificate after SIGHUP; a broken one keeps the old and the config still reloads', async () => {
    const before = await fingerprint();
    expect(before).toBe(new X509Certificate(pki.server.cert).fingerprint256);
    const admin = client(`localhost:${port}`, as('admin'));
    await admin.listFrontends();

    const rotated = pki.rotatedServer();
    copyFileSync(rotated.certFile, certFile);
    copyFileSync(rotated.keyFile, keyFile);
    let from = maglevd.lines.length;
    maglevd.child.kill('SIGHUP');
    const ok = await maglevd.waitLog((l) => l.msg === 'grpc-tls-reload', 15_000, from);
    expect(ok).toMatchObject({ level: 'INFO', cert: certFile });
    const want = new X509Certificate(rotated.cert).fingerprint256;
    expect(ok.fingerprint).toBe(want);
    expect(await fingerprint()).toBe(want);
    // The connection made before the rotation stays; new clients verify the new certificate.
    expect((await admin.listFrontends()).names).toEqual(['www']);
    expect((await client(`localhost:${port}`, as('admin')).listFrontends()).names).toEqual(['www']);

    writeFileSync(keyFile, 'not a key\n');
    from = maglevd.lines.length;
    maglevd.child.kill('SIGHUP');
    const bad = await maglevd.waitLog((l) => l.msg === 'grpc-tls-reload', 15_000, from);
    expect(bad).toMatchObject({ level: 'ERROR' });
    expect(String(bad.err)).toContain(`--grpc-tls-key ${keyFile}: no PEM private key`);
    await maglevd.waitLog((l) => l.msg === 'config-reload', 15_000, from);
    expect(await fingerprint()).toBe(want);
    expect((await client(`localhost:${port}`, as('viewer')).listFrontends()).names).toEqual(['www']);
  });

  it('logs no grpc-insecure warning: the TCP listener speaks TLS', () => {
    expect(
      maglevd.lines.filter((l) => l.msg === 'grpc-insecure' || l.msg === 'grpc-unauthenticated'),
    ).toEqual([]);
  });
});

describe('maglevd without TLS', () => {
  it('warns grpc-insecure for a listener on every interface, not for a loopback one', async () => {
    const maglevd = startBin('maglevd', [...base(), '--grpc-addr', '127.0.0.1:0,:0']);
    try {
      await maglevd.waitLog((l) => l.msg === 'grpc-listen' && l.addr === ':0');
      const listens = maglevd.lines.filter((l) => l.msg === 'grpc-listen');
      expect(listens.map((l) => [l.addr, l.tls])).toEqual([
        ['127.0.0.1:0', false],
        [':0', false],
      ]);
      const warnings = maglevd.lines.filter((l) => l.msg === 'grpc-insecure');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ level: 'WARN', addr: ':0' });
      expect(String(warnings[0]?.detail)).toMatch(/anyone who can reach this port can drain/);
      // Plaintext on loopback still works as it always did.
      const c = client(`127.0.0.1:${listens[0]?.port as number}`);
      expect((await c.listFrontends()).names).toEqual(['www']);
    } finally {
      await maglevd.stop();
    }
  });

  it('with TLS but no client CA, an open listener warns grpc-unauthenticated', async () => {
    const maglevd = startBin('maglevd', [
      ...base(),
      '--grpc-addr',
      ':0',
      '--grpc-tls-cert',
      pki.server.certFile,
      '--grpc-tls-key',
      pki.server.keyFile,
    ]);
    try {
      const warn = await maglevd.waitLog((l) => l.msg === 'grpc-unauthenticated');
      expect(warn).toMatchObject({ level: 'WARN', addr: ':0' });
      expect(maglevd.lines.filter((l) => l.msg === 'grpc-insecure')).toEqual([]);
    } finally {
      await maglevd.stop();
    }
  });
});

describe('maglevd refuses bad TLS settings, naming the flag and the file', () => {
  it.each([
    [['--grpc-tls-cert', '/etc/x.crt'], 2, '--grpc-tls-cert needs --grpc-tls-key'],
    [['--grpc-tls-key', '/etc/x.key'], 2, '--grpc-tls-key needs --grpc-tls-cert'],
    [['--grpc-client-ca', '/etc/ca.crt'], 2, '--grpc-client-ca needs --grpc-tls-cert and --grpc-tls-key'],
    [['--grpc-admin', 'admin'], 2, '--grpc-admin needs --grpc-client-ca'],
  ])('%j exits %i', async (args, code, message) => {
    const r = await runBin('maglevd', [...base(), '--grpc-addr', '127.0.0.1:0', ...args]);
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(message);
  });

  it('a unix socket that cannot be made stops the start, naming that listener', async () => {
    const dir = join(ws.dir, 'no-such-dir');
    const r = await runBin('maglevd', [...base(), '--grpc-addr', `127.0.0.1:0,unix://${dir}/maglevd.sock`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `maglevd: gRPC listen unix:${dir}/maglevd.sock: directory ${dir} does not exist`,
    );
  });

  it('a missing key file, and a key of another certificate, stop the start', async () => {
    const missing = join(ws.dir, 'missing.key');
    const r = await runBin('maglevd', [
      ...base(),
      '--grpc-addr',
      '127.0.0.1:0',
      '--grpc-tls-cert',
      pki.server.certFile,
      '--grpc-tls-key',
      missing,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`--grpc-tls-key ${missing}: no such file`);
    const other = pki.client('someone');
    const m = await runBin('maglevd', [
      ...base(),
      '--grpc-addr',
      '127.0.0.1:0',
      '--grpc-tls-cert',
      pki.server.certFile,
      '--grpc-tls-key',
      other.keyFile,
    ]);
    expect(m.code).toBe(1);
    expect(m.stderr).toContain(
      `--grpc-tls-key ${other.keyFile}: key does not match certificate --grpc-tls-cert ${pki.server.certFile}`,
    );
  });
});
