/**
 * The three built programs together over TLS: maglevd with mutual TLS, one admin identity and a
 * unix socket; maglevc as the admin, as a read-only viewer, without a certificate and over the
 * socket; maglevd-frontend reaching maglevd as the viewer and serving its dashboard over HTTPS
 * to a real Chromium. Certificates are made with openssl at test time; everything stays on
 * loopback.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin } from '../support/bin.js';
import { makeTestPki, type TestPki } from '../support/certs.js';
import { launchChromium } from '../support/dashboard-browser.js';
import { type LoggedProcess, startBin, UNPROBED_SITE_CONFIG, Workspace } from '../support/e2e-harness.js';

const ws = new Workspace();
const sock = join(ws.dir, 'maglevd.sock');
let pki: TestPki;
let maglevd: LoggedProcess;
let frontend: LoggedProcess | undefined;
let browser: Browser | undefined;
let server = '';

/** maglevc's TLS flags for a client certificate with this common name. */
function as(cn: string): string[] {
  const c = pki.client(cn);
  return ['--tls-ca', pki.caFile, '--tls-cert', c.certFile, '--tls-key', c.keyFile];
}

beforeAll(async () => {
  pki = makeTestPki();
  ws.writeConfig(UNPROBED_SITE_CONFIG);
  maglevd = startBin('maglevd', [
    '--config',
    ws.config,
    '--metrics-addr',
    '',
    '--vpp-api-addr',
    '',
    '--state-file',
    '',
    '--grpc-addr',
    `127.0.0.1:0,unix://${sock}`,
    '--grpc-tls-cert',
    pki.server.certFile,
    '--grpc-tls-key',
    pki.server.keyFile,
    '--grpc-client-ca',
    pki.caFile,
    '--grpc-admin',
    'admin',
  ]);
  const tcp = await maglevd.waitLog((l) => l.msg === 'grpc-listen' && l.tls === true);
  await maglevd.waitLog((l) => l.msg === 'grpc-listen' && l.path === sock);
  server = `127.0.0.1:${tcp.port as number}`;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await frontend?.stop();
  await maglevd?.stop();
  pki?.cleanup();
  ws.remove();
});

describe('maglevc against maglevd over mutual TLS', () => {
  it('the admin lists and pauses', async () => {
    const show = await runBin('maglevc', ['--server', server, ...as('admin'), 'show', 'frontends']);
    expect(show.stderr).toBe('');
    expect(show.code).toBe(0);
    expect(show.stdout.split('\n')).toContain('www');
    const pause = await runBin('maglevc', [
      '--server',
      server,
      ...as('admin'),
      'set',
      'backend',
      'web0',
      'pause',
    ]);
    expect(pause.code, pause.stderr).toBe(0);
    const after = await runBin('maglevc', ['--server', server, ...as('admin'), 'show', 'backends', 'web0']);
    expect(after.stdout).toMatch(/^state +paused/m);
  });

  it('a viewer lists, and is refused a change, which maglevd logs with its identity', async () => {
    const show = await runBin('maglevc', ['--server', server, ...as('viewer'), 'show', 'backends', 'web1']);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain('web1');
    const pause = await runBin('maglevc', [
      '--server',
      server,
      ...as('viewer'),
      'set',
      'backend',
      'web1',
      'pause',
    ]);
    expect(pause.code).toBe(1);
    expect(pause.stderr).toMatch(/maglevd refused PauseBackend: .*viewer.*\(this client is read-only\)/);
    const refused = await maglevd.waitLog((l) => l.msg === 'grpc-permission-denied');
    expect(refused).toMatchObject({ level: 'WARN', method: 'PauseBackend', identity: 'viewer' });
    const still = await runBin('maglevc', ['--server', server, ...as('admin'), 'show', 'backends', 'web1']);
    expect(still.stdout).not.toMatch(/^state +paused/m);
  });

  it('without a client certificate the handshake is refused, said in words', async () => {
    const r = await runBin('maglevc', ['--server', server, '--tls-ca', pki.caFile, 'show', 'frontends']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/client certificate/);
  });

  it('plaintext against the TLS listener fails and hints at --tls-ca', async () => {
    const r = await runBin('maglevc', ['--server', server, 'show', 'frontends']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--tls-ca');
  });

  it('over the unix socket no certificate is needed, and the caller is an admin', async () => {
    const r = await runBin('maglevc', ['--server', `unix://${sock}`, 'set', 'backend', 'web0', 'resume']);
    expect(r.code, r.stderr).toBe(0);
    const after = await runBin('maglevc', ['--server', `unix://${sock}`, 'show', 'backends', 'web0']);
    expect(after.stdout).not.toMatch(/^state +paused/m);
  });
});

describe('maglevd-frontend over HTTPS, reaching maglevd over mutual TLS as a viewer', () => {
  it('Chromium shows the frontend of the real maglevd on the HTTPS page', async () => {
    const viewer = pki.client('dashboard-viewer');
    frontend = startBin(
      'maglevd-frontend',
      [
        '--listen',
        '127.0.0.1:0',
        '--listen-tls-cert',
        pki.server.certFile,
        '--listen-tls-key',
        pki.server.keyFile,
        '--server',
        server,
        '--tls-ca',
        pki.caFile,
        '--tls-cert',
        viewer.certFile,
        '--tls-key',
        viewer.keyFile,
      ],
      { MAGLEV_FRONTEND_LOG_LEVEL: 'info' },
    );
    const listening = await frontend.waitLog((l) => l.msg === 'listening');
    expect(listening).toMatchObject({ scheme: 'https' });
    browser = await launchChromium();
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1440, height: 900 } });
    try {
      const page = await ctx.newPage();
      const res = await page.goto(`https://127.0.0.1:${listening.port as number}/view/`);
      expect(res?.status()).toBe(200);
      await page.locator('[data-testid="frontend-www"]').waitFor({ timeout: 30_000 });
      await page.locator('[data-testid="row-www-main-web1"]').waitFor({ timeout: 30_000 });
    } finally {
      await ctx.close();
    }
  }, 120_000);
});
