import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePasswordHash, verifyPassword } from '../../lib/dashboard/auth.js';
import type { StateResponse } from '../../lib/dashboard/types.js';
import { FakeMaglevd, SAMPLE_CONFIG } from '../integration/dashboard/fake-maglevd.js';
import { runBin } from '../support/bin.js';
import { makeTestPki, type TestPki } from '../support/certs.js';
import { startBin } from '../support/e2e-harness.js';
import { startTlsProxy, type TlsProxy } from '../support/tls-proxy.js';

// The built maglevc and maglevd-frontend with TLS: flags and env twins, the HTTPS listener and
// its SIGHUP reload, --hash-password and the password file, no stray warnings on stderr.

function get(
  url: string,
  ca: Buffer,
  auth?: string,
): Promise<{ status: number; body: string; serial: string }> {
  return new Promise((resolve, reject) => {
    httpsRequest(
      url,
      {
        ca,
        agent: false,
        ...(auth && { headers: { Authorization: `Basic ${Buffer.from(auth).toString('base64')}` } }),
      },
      (res) => {
        const serial = (res.socket as TLSSocket).getPeerCertificate().serialNumber;
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, serial }));
      },
    )
      .on('error', reject)
      .end();
  });
}

let pki: TestPki;
let fake: FakeMaglevd;
let tls: TlsProxy;
let mtls: TlsProxy;
let dir: string;

beforeAll(async () => {
  pki = makeTestPki();
  dir = mkdtempSync(join(tmpdir(), 'maglev-tls-bin-'));
  fake = new FakeMaglevd(SAMPLE_CONFIG);
  await fake.start();
  tls = await startTlsProxy({ target: fake.address, cert: pki.server.cert, key: pki.server.key });
  mtls = await startTlsProxy({
    target: fake.address,
    cert: pki.server.cert,
    key: pki.server.key,
    clientCa: pki.ca,
  });
});

afterAll(async () => {
  await tls?.close();
  await mtls?.close();
  await fake?.close();
  pki?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('maglevc binary over TLS', () => {
  it('reaches maglevd by IP address over mutual TLS, with nothing on stderr', async () => {
    const c = pki.client('ops');
    const r = await runBin('maglevc', ['show', 'frontends'], {
      env: {
        MAGLEV_SERVER: mtls.address,
        MAGLEV_TLS_CA: pki.caFile,
        MAGLEV_TLS_CERT: c.certFile,
        MAGLEV_TLS_KEY: c.keyFile,
      },
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toContain('web-v4');
  });

  it('--help documents the --tls-* flags and their variables', async () => {
    const r = await runBin('maglevc', ['--help']);
    for (const s of [
      '--tls-ca FILE',
      '--tls-cert FILE',
      '--tls-key FILE',
      '--tls-server-name NAME',
      'MAGLEV_TLS_CA',
    ])
      expect(r.stdout).toContain(s);
  });
});

describe('maglevd-frontend --hash-password', () => {
  it('reads the password on stdin and prints one scrypt hash line that verifies', async () => {
    const r = await runBin('maglevd-frontend', ['--hash-password'], { input: 'correct horse\n' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+\n$/);
    const h = parsePasswordHash(r.stdout);
    expect(await verifyPassword('correct horse', h)).toBe(true);
    expect(await verifyPassword('correct horse\n', h)).toBe(false);
  });

  it('an empty password is refused', async () => {
    const r = await runBin('maglevd-frontend', ['--hash-password'], { input: '\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('maglevd-frontend: the password is empty\n');
  });
});

describe('maglevd-frontend binary with TLS', () => {
  it.each([
    [['--tls-cert', '/x.pem'], {}, /flag --tls-cert is set but --tls-key is not/],
    [
      ['--listen-tls-key', '/x.key'],
      {},
      /flag --listen-tls-key is set but --listen-tls-cert is not: a key needs its certificate/,
    ],
    [
      [],
      { MAGLEV_FRONTEND_TLS_CA: '/nonexistent/ca.pem' },
      /cannot read \/nonexistent\/ca.pem \(MAGLEV_FRONTEND_TLS_CA \(--tls-ca\)\): no such file/,
    ],
    [[], { MAGLEV_TLS_CA: '/nonexistent/ca.pem' }, /\(MAGLEV_TLS_CA \(--tls-ca\)\): no such file/],
  ])('%j %j is a usage error', async (args, env, why) => {
    const r = await runBin('maglevd-frontend', ['-server', 'x:1', ...args], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(why);
  });

  it('refuses a password file others may read, naming the file and its mode', async () => {
    const hash = (await runBin('maglevd-frontend', ['--hash-password'], { input: 'pw' })).stdout;
    const p = join(dir, 'open-password');
    writeFileSync(p, hash);
    chmodSync(p, 0o644);
    const r = await runBin('maglevd-frontend', ['-server', 'x:1', '--admin-password-file', p], {
      env: { MAGLEV_FRONTEND_USER: 'ops' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `password file ${p} has mode 0644: it must not be accessible by group or others`,
    );
  });

  it('HTTPS listener, mutual TLS to maglevd by env, hashed password; SIGHUP serves a renewed certificate', async () => {
    const certFile = join(dir, 'dash.crt');
    const keyFile = join(dir, 'dash.key');
    copyFileSync(pki.server.certFile, certFile);
    copyFileSync(pki.server.keyFile, keyFile);
    const hash = (await runBin('maglevd-frontend', ['--hash-password'], { input: 'hunter2-secret\n' }))
      .stdout;
    const pwFile = join(dir, 'password');
    writeFileSync(pwFile, hash, { mode: 0o600 });
    const c = pki.client('dashboard');
    const p = startBin(
      'maglevd-frontend',
      ['-listen', '127.0.0.1:0', '--listen-tls-cert', certFile, '--listen-tls-key', keyFile],
      {
        MAGLEV_FRONTEND_SERVER: mtls.address,
        MAGLEV_FRONTEND_TLS_CA: pki.caFile,
        MAGLEV_FRONTEND_TLS_CERT: c.certFile,
        MAGLEV_FRONTEND_TLS_KEY: c.keyFile,
        MAGLEV_FRONTEND_USER: 'ops',
        MAGLEV_FRONTEND_PASSWORD_FILE: pwFile,
        MAGLEV_FRONTEND_LOG_LEVEL: 'info',
      },
    );
    try {
      const listening = await p.waitLog((l) => l.msg === 'listening');
      expect(listening).toMatchObject({ scheme: 'https', tls: true, admin: true });
      const base = `https://127.0.0.1:${listening.port as number}`;
      const first = await get(`${base}/healthz`, pki.ca);
      expect(first).toMatchObject({ status: 200, body: 'ok\n' });
      await expect
        .poll(
          async () =>
            (JSON.parse((await get(`${base}/view/api/state`, pki.ca)).body) as StateResponse).maglevds[0]
              ?.frontends.length,
          { timeout: 30_000 },
        )
        .toBe(2);
      expect(mtls.clientNames).toContain('dashboard');
      expect((await get(`${base}/admin/api/version`, pki.ca, 'ops:hunter2-secret')).status).toBe(200);
      expect((await get(`${base}/admin/api/version`, pki.ca, 'ops:hunter2')).status).toBe(401);

      // A renewed certificate on disk, then SIGHUP: new connections get it.
      const rotated = pki.rotatedServer();
      copyFileSync(rotated.certFile, certFile);
      copyFileSync(rotated.keyFile, keyFile);
      let from = p.lines.length;
      p.child.kill('SIGHUP');
      await p.waitLog((l) => l.msg === 'listen-tls-reload' && l.level === 'INFO', 30_000, from);
      const second = await get(`${base}/healthz`, pki.ca);
      expect(second.status).toBe(200);
      expect(second.serial).not.toBe(first.serial);

      // A broken file: the error is logged and the current certificate stays.
      writeFileSync(certFile, 'garbage\n');
      from = p.lines.length;
      p.child.kill('SIGHUP');
      const failed = await p.waitLog(
        (l) => l.msg === 'listen-tls-reload' && l.level === 'ERROR',
        30_000,
        from,
      );
      expect(String(failed.err)).toContain(`${certFile} (flag --listen-tls-cert) holds no PEM certificate`);
      const third = await get(`${base}/healthz`, pki.ca);
      expect(third.serial).toBe(second.serial);

      expect(p.stderr).toEqual([]);
      expect(JSON.stringify(p.lines)).not.toContain('hunter2');
    } finally {
      await p.stop('SIGKILL');
    }
  });

  it('warns when /admin/ is served over plain HTTP on every interface', async () => {
    const p = startBin('maglevd-frontend', ['-listen', ':0'], {
      MAGLEV_FRONTEND_SERVER: tls.address,
      MAGLEV_FRONTEND_TLS_CA: pki.caFile,
      MAGLEV_FRONTEND_USER: 'ops',
      MAGLEV_FRONTEND_PASSWORD: 'pw',
    });
    try {
      const warn = await p.waitLog((l) => l.msg === 'admin-over-http');
      expect(warn).toMatchObject({ level: 'WARN', address: ':0' });
      expect(String(warn.hint)).toContain('--listen-tls-cert');
    } finally {
      await p.stop('SIGKILL');
    }
  });
});
