import { request as httpsRequest } from 'node:https';
import { PassThrough } from 'node:stream';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, parsePasswordHash } from '../../lib/dashboard/auth.js';
import { DashboardServer } from '../../lib/dashboard/server.js';
import type { MaglevdListEntry } from '../../lib/dashboard/types.js';
import { createLogger } from '../../lib/events/logger.js';
import { FakeMaglevd, SAMPLE_CONFIG } from '../integration/dashboard/fake-maglevd.js';
import { makeTestPki, type TestPki } from '../support/certs.js';
import { buildWebApp, launchChromium, memberRow, removeDir } from '../support/dashboard-browser.js';
import { startTlsProxy, type TlsProxy } from '../support/tls-proxy.js';

// The dashboard served over HTTPS to a real Chromium, reaching its maglevd over mutual TLS, with
// the admin password given as an scrypt hash.

const USER = 'ops';
const PASSWORD = 'correct horse battery';

let pki: TestPki;
let fake: FakeMaglevd;
let mtls: TlsProxy;
let server: DashboardServer;
let browser: Browser;
let assetsDir: string;
let base: string;
let logText = '';

function get(
  url: string,
  opts: { ca?: Buffer; auth?: string } = {},
): Promise<{ status: number; body: string; serial: string }> {
  return new Promise((resolve, reject) => {
    httpsRequest(
      url,
      {
        ...(opts.ca ? { ca: opts.ca } : { rejectUnauthorized: false }),
        ...(opts.auth && {
          headers: { Authorization: `Basic ${Buffer.from(opts.auth).toString('base64')}` },
        }),
        agent: false,
      },
      (res) => {
        let body = '';
        const serial = (res.socket as TLSSocket).getPeerCertificate().serialNumber;
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

async function untilStreaming(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const list = JSON.parse((await get(`${url}/view/api/maglevds`)).body) as MaglevdListEntry[];
    if (list.every((m) => m.status.streaming)) return;
    if (Date.now() > deadline) throw new Error(`maglevd not streaming: ${JSON.stringify(list)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  pki = makeTestPki();
  assetsDir = await buildWebApp();
  fake = new FakeMaglevd(SAMPLE_CONFIG);
  await fake.start();
  for (const b of ['nginx0-ams', 'api0']) fake.setState(b, 'up');
  mtls = await startTlsProxy({
    target: fake.address,
    cert: pki.server.cert,
    key: pki.server.key,
    clientCa: pki.ca,
  });
  const dashboardCert = pki.client('maglevd-frontend');
  const logs = new PassThrough();
  logs.setEncoding('utf8').on('data', (d: string) => {
    logText += d;
  });
  server = new DashboardServer({
    listen: '127.0.0.1:0',
    servers: [mtls.address],
    tls: { ca: pki.ca, cert: dashboardCert.cert, key: dashboardCert.key },
    listenTls: { cert: pki.server.cert, key: pki.server.key },
    admin: { user: USER, passwordHash: parsePasswordHash(await hashPassword(PASSWORD, { ln: 12 })) },
    assetsDir,
    logger: createLogger({ level: 'info', stream: logs }),
    timings: { refreshIntervalMs: 5000, healthIntervalMs: 500, lbMinIntervalMs: 200, backoffInitialMs: 100 },
  });
  base = `https://127.0.0.1:${await server.start()}`;
  await untilStreaming(base);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await mtls?.close();
  await fake?.close();
  removeDir(assetsDir);
  pki?.cleanup();
});

describe('maglevd-frontend over HTTPS, reaching maglevd over mutual TLS', () => {
  it('serves HTTPS with its certificate, which verifies against the CA; no warning about /admin/', async () => {
    expect(server.https).toBe(true);
    const r = await get(`${base}/healthz`, { ca: pki.ca });
    expect(r).toMatchObject({ status: 200, body: 'ok\n' });
    expect(mtls.clientNames).toContain('maglevd-frontend');
    expect(logText).toContain('"scheme":"https"');
    expect(logText).not.toContain('admin-over-http');
  });

  it('/view/ in Chromium shows the frontends of the maglevd reached over TLS', async () => {
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1440, height: 900 } });
    try {
      const page = await ctx.newPage();
      const res = await page.goto(`${base}/view/`);
      expect(res?.status()).toBe(200);
      expect(page.url()).toMatch(/^https:/);
      await page.locator('[data-testid="frontend-web-v4"]').waitFor({ timeout: 30_000 });
      await expect
        .poll(() => memberRow(page, 'web-v4', 'primary', 'nginx0-ams').getAttribute('data-state'), {
          timeout: 20_000,
        })
        .toBe('up');
    } finally {
      await ctx.close();
    }
  });

  it('/admin/ refuses a wrong password', async () => {
    const ctx = await browser.newContext({
      ignoreHTTPSErrors: true,
      httpCredentials: { username: USER, password: `${PASSWORD}x` },
    });
    try {
      const page = await ctx.newPage();
      const answered = page.waitForResponse((r) => r.url() === `${base}/admin/`);
      await page.goto(`${base}/admin/`).catch((e: Error) => e);
      expect((await answered).status()).toBe(401);
      expect(await page.locator('[data-action]').count()).toBe(0);
      expect((await get(`${base}/admin/api/version`, { auth: `${USER}:wrong` })).status).toBe(401);
      expect((await get(`${base}/admin/api/version`, { auth: `root:${PASSWORD}` })).status).toBe(401);
    } finally {
      await ctx.close();
    }
  });

  it('/admin/ accepts the hashed password in Chromium, and an action goes through over HTTPS', async () => {
    const ctx = await browser.newContext({
      ignoreHTTPSErrors: true,
      viewport: { width: 1440, height: 900 },
      httpCredentials: { username: USER, password: PASSWORD },
    });
    try {
      const page = await ctx.newPage();
      const res = await page.goto(`${base}/admin/`);
      expect(res?.status()).toBe(200);
      const r = memberRow(page, 'api-v4', 'main', 'api0');
      await expect.poll(() => r.getAttribute('data-state'), { timeout: 20_000 }).toBe('up');
      await r.locator('[data-action="pause"]').click();
      await page.locator('[data-testid="confirm-dialog"] [data-action="confirm"]:not([disabled])').click();
      await expect.poll(() => r.getAttribute('data-state'), { timeout: 20_000 }).toBe('paused');
      expect(fake.state('api0')).toBe('paused');
      expect(logText).not.toContain(PASSWORD);
    } finally {
      await ctx.close();
    }
  });

  it('setListenTls: a renewed certificate is served to new connections, the listener stays', async () => {
    const before = await get(`${base}/healthz`, { ca: pki.ca });
    const rotated = pki.rotatedServer();
    server.setListenTls({ cert: rotated.cert, key: rotated.key });
    const after = await get(`${base}/healthz`, { ca: pki.ca });
    expect(after.status).toBe(200);
    expect(after.serial).not.toBe(before.serial);
    // The same serial as the rotated certificate on disk.
    const socket = tlsConnect({
      host: '127.0.0.1',
      port: Number(new URL(base).port),
      ca: pki.ca,
      servername: 'localhost',
    });
    const cert = await new Promise<string>((resolve, reject) =>
      socket
        .once('secureConnect', () => resolve(socket.getPeerCertificate().serialNumber))
        .once('error', reject),
    );
    socket.destroy();
    expect(cert).toBe(after.serial);
  });
});

describe("the dashboard's connection state says why TLS failed", () => {
  it('without a client certificate, a maglevd that requires one is shown as such, in the API and the page', async () => {
    const d = new DashboardServer({
      listen: '127.0.0.1:0',
      servers: [mtls.address],
      tls: { ca: pki.ca },
      assetsDir,
      timings: { healthIntervalMs: 300, backoffInitialMs: 100 },
    });
    const port = await d.start();
    const why = `cannot reach maglevd at ${mtls.address}: TLS: maglevd requires a client certificate`;
    const ctx = await browser.newContext();
    try {
      await expect
        .poll(
          async () =>
            (
              (await (await fetch(`http://127.0.0.1:${port}/view/api/maglevds`)).json()) as MaglevdListEntry[]
            )[0]?.status.error,
          { timeout: 30_000 },
        )
        .toBe(why);
      const page = await ctx.newPage();
      await page.goto(`http://127.0.0.1:${port}/view/`);
      await expect.poll(() => page.locator('body').textContent(), { timeout: 20_000 }).toContain(why);
    } finally {
      await ctx.close();
      await d.close();
    }
  });
});
