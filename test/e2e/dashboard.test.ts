import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardServer } from '../../lib/dashboard/server.js';
import type { MaglevdListEntry } from '../../lib/dashboard/types.js';
import { createLogger } from '../../lib/events/logger.js';
import { type DashboardScenario, fakeScenario } from '../integration/dashboard/scenario.js';

// The dashboard in a real Chromium: the app is built from web/ with vite, served by a real
// DashboardServer, fed by real gRPC maglevds (the fake for now; see scenario.ts).

const USER = 'ops';
const PASSWORD = 's3cret pass';
const repo = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

let scenario: DashboardScenario;
let server: DashboardServer;
let browser: Browser;
let base: string;
let assetsDir: string;
let evil: Server;
let evilBase: string;
let logText = '';

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => resolve(body));
    })
      .on('error', reject)
      .end();
  });
}

beforeAll(async () => {
  assetsDir = mkdtempSync(join(tmpdir(), 'dash-web-'));
  await build({
    configFile: repo('web/vite.config.ts'),
    build: { outDir: assetsDir, emptyOutDir: true },
    logLevel: 'warn',
  });
  scenario = await fakeScenario();
  const logs = new PassThrough();
  logs.setEncoding('utf8').on('data', (d: string) => {
    logText += d;
  });
  server = new DashboardServer({
    listen: '127.0.0.1:0',
    servers: scenario.servers,
    admin: { user: USER, password: PASSWORD },
    assetsDir,
    logger: createLogger({ level: 'info', stream: logs }),
    timings: { refreshIntervalMs: 5000, healthIntervalMs: 500, lbMinIntervalMs: 200, backoffInitialMs: 100 },
  });
  base = `http://127.0.0.1:${await server.start()}`;
  // Every maglevd streams its events before the test changes anything.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const list = JSON.parse(await get(`${base}/view/api/maglevds`)) as MaglevdListEntry[];
    if (list.every((m) => m.status.streaming)) break;
    if (Date.now() > deadline) throw new Error(`maglevds not streaming: ${JSON.stringify(list)}`);
    await new Promise((r) => setTimeout(r, 100));
  }

  // Another origin (same host, other port: same-site, cross-origin) with a page that tries
  // to make the operator's browser pause a backend.
  evil = createServer((_req, res) => {
    const target = `${base}/admin/api/maglevd/${encodeURIComponent(scenario.servers[0] as string)}/backends/api0-ams/pause`;
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(
      `<!doctype html><form method="POST" action="${target}" enctype="text/plain"><input name='{"x":"' value='"}'></form>` +
        '<script>document.forms[0].submit()</script>',
    );
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
  evilBase = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;

  // playwright's launch() runs Chromium on a fresh temporary profile of its own.
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await scenario?.close();
  await new Promise<void>((r) => (evil ? evil.close(() => r()) : r()));
  rmSync(assetsDir, { recursive: true, force: true });
});

async function viewPage(ctx?: BrowserContext): Promise<{ page: Page; ctx: BrowserContext }> {
  const c = ctx ?? (await browser.newContext({ viewport: { width: 1440, height: 900 } }));
  const page = await c.newPage();
  const res = await page.goto(`${base}/view/`);
  expect(res?.status()).toBe(200);
  return { page, ctx: c };
}

const row = (page: Page, fe: string, pool: string, be: string) =>
  page.locator(`[data-testid="row-${fe}-${pool}-${be}"]`);

describe('maglevd-frontend in Chromium', () => {
  it('/view/ shows the frontends, their pools and backends, bucket shares and VPP', async () => {
    const { page, ctx } = await viewPage();
    try {
      await expect.poll(() => page.locator('section.card').count(), { timeout: 20_000 }).toBe(3);
      const web = page.locator('[data-testid="frontend-web-v4"]');
      expect(await web.getAttribute('data-health')).toBe('ok');
      expect(await page.locator('[data-testid="frontend-api-v4"]').getAttribute('data-health')).toBe(
        'degraded',
      );
      expect(await page.locator('[data-testid="frontend-smtp-v4"]').getAttribute('data-health')).toBe(
        'fallback',
      );
      // Health icons are inline SVG (no emoji font needed), drawn at full size, one per health.
      for (const [fe, health] of [
        ['web-v4', 'ok'],
        ['api-v4', 'degraded'],
        ['smtp-v4', 'fallback'],
      ] as const) {
        const icon = page.locator(`[data-testid="frontend-${fe}"] [data-testid="health-icon"] svg`);
        expect(await icon.getAttribute('data-icon')).toBe(`health-${health}`);
        expect(await icon.boundingBox()).toMatchObject({ width: 16, height: 16 });
        expect(await icon.locator('title').textContent()).not.toBe('');
      }
      const r = row(page, 'web-v4', 'primary', 'nginx0-ams');
      expect(await r.getAttribute('data-state')).toBe('up');
      expect(await r.locator('[data-testid="effective-weight"]').textContent()).toBe('100');
      // lb buckets from VPP: 100:50 of 1024.
      await expect.poll(() => r.locator('.cell-buckets').textContent(), { timeout: 20_000 }).toBe('683');
      expect(await row(page, 'web-v4', 'fallback', 'nginx0-fra').locator('.cell-buckets').textContent()).toBe(
        '0',
      );
      expect(await page.locator('[data-testid="vpp-state"]').textContent()).toBe('connected');
      // /view/ offers no actions.
      expect(await page.locator('[data-action]').count()).toBe(0);
      // Two maglevds, each with a green dot.
      expect(await page.locator('nav.scopes .dot-ok').count()).toBe(2);

      // The probe heartbeat and the VPP API arrows follow maglevd's debug log.
      await scenario.probeStarted(0, 'nginx1-ams');
      const probe = row(page, 'web-v4', 'primary', 'nginx1-ams').locator('.probe');
      await expect.poll(() => probe.getAttribute('data-probing'), { timeout: 20_000 }).toBe('true');
      expect(await probe.locator('svg[data-icon="heart"]').boundingBox()).toMatchObject({
        width: 16,
        height: 16,
      });
      await scenario.vppApi(0, 'send');
      await expect
        .poll(() => page.locator('.api-arrow').first().getAttribute('class'), { timeout: 20_000 })
        .toContain('pulse');

      const shot = await page.screenshot({ fullPage: true });
      expect(shot.subarray(1, 4).toString()).toBe('PNG');
      // MAGLEV_UPDATE_SCREENSHOT=1 refreshes the picture in the docs.
      if (process.env.MAGLEV_UPDATE_SCREENSHOT === '1') {
        const tmp = join(assetsDir, 'shot.png');
        await page.screenshot({ path: tmp, fullPage: true });
        copyFileSync(tmp, repo('docs/dashboard.png'));
      }
      await scenario.probeDone(0, 'nginx1-ams');
      await expect.poll(() => probe.getAttribute('data-probing'), { timeout: 20_000 }).toBe('false');
      expect(await probe.locator('svg').count()).toBe(0);
      expect(await probe.textContent()).toBe('·');
    } finally {
      await ctx.close();
    }
  });

  it('a backend going down turns its row down and its effective weight 0, without a reload', async () => {
    const { page, ctx } = await viewPage();
    try {
      const r = row(page, 'web-v4', 'primary', 'nginx0-ams');
      await expect.poll(() => r.getAttribute('data-state'), { timeout: 20_000 }).toBe('up');
      // Browser-side code as text: this file is compiled without the DOM library.
      await page.evaluate(`
        window.marker = 'same page';
        // Record which cells get the change highlight.
        window.flashed = [];
        new MutationObserver((records) => {
          for (const r of records) {
            const el = r.target;
            if (!el.classList.contains('flash')) continue;
            window.flashed.push((el.closest('tr')?.dataset.testid ?? 'card') + ' ' + (el.closest('td')?.className ?? ''));
          }
        }).observe(document.body, { attributes: true, attributeFilter: ['class'], subtree: true });
      `);
      await scenario.setHealthy(0, 'nginx0-ams', false);
      await expect.poll(() => r.getAttribute('data-state'), { timeout: 20_000 }).toBe('down');
      await expect
        .poll(() => r.locator('[data-testid="effective-weight"]').textContent(), { timeout: 20_000 })
        .toBe('0');
      // The other primary backend now takes every bucket.
      await expect
        .poll(() => row(page, 'web-v4', 'primary', 'nginx1-ams').locator('.cell-buckets').textContent(), {
          timeout: 20_000,
        })
        .toBe('1024');
      expect(await page.locator('[data-testid="frontend-web-v4"]').getAttribute('data-health')).toBe(
        'degraded',
      );
      expect(await page.evaluate('window.marker')).toBe('same page');
      // Changed values flash; the fallback's bucket count stayed 0 and does not.
      const flashed = (await page.evaluate('window.flashed')) as string[];
      expect(flashed).toContain('row-web-v4-primary-nginx0-ams r cell-eff');
      expect(flashed).toContain('row-web-v4-primary-nginx1-ams r cell-buckets');
      expect(flashed.filter((f) => f.startsWith('row-web-v4-fallback-nginx0-fra'))).toEqual([]);

      // Both primaries down: the fallback pool serves.
      await scenario.setHealthy(0, 'nginx1-ams', false);
      await expect
        .poll(() => page.locator('[data-testid="frontend-web-v4"]').getAttribute('data-health'), {
          timeout: 20_000,
        })
        .toBe('fallback');
      // The icon follows the health in place.
      expect(
        await page
          .locator('[data-testid="frontend-web-v4"] [data-testid="health-icon"] svg')
          .getAttribute('data-icon'),
      ).toBe('health-fallback');
      await expect
        .poll(
          () =>
            row(page, 'web-v4', 'fallback', 'nginx0-fra')
              .locator('[data-testid="effective-weight"]')
              .textContent(),
          {
            timeout: 20_000,
          },
        )
        .toBe('100');
      await scenario.setHealthy(0, 'nginx0-ams', true);
      await scenario.setHealthy(0, 'nginx1-ams', true);
      await expect
        .poll(() => page.locator('[data-testid="frontend-web-v4"]').getAttribute('data-health'), {
          timeout: 20_000,
        })
        .toBe('ok');
    } finally {
      await ctx.close();
    }
  });

  it('/admin/ refuses a browser without credentials', async () => {
    const ctx = await browser.newContext();
    try {
      const page = await ctx.newPage();
      const answered = page.waitForResponse((r) => r.url() === `${base}/admin/`);
      // Chromium turns the unanswered basic-auth challenge into a failed navigation.
      const nav = await page.goto(`${base}/admin/`).catch((e: Error) => e);
      const res = await answered;
      expect(res.status()).toBe(401);
      expect(res.headers()['www-authenticate']).toMatch(/^Basic /);
      expect(nav instanceof Error ? nav.message : 'navigation succeeded').toMatch(
        /ERR_INVALID_AUTH_CREDENTIALS/,
      );
      expect(await page.locator('[data-action]').count()).toBe(0);
    } finally {
      await ctx.close();
    }
  });

  it('/admin/ refuses a cross-origin POST from another site, credentials or not', async () => {
    const ctx = await browser.newContext({ httpCredentials: { username: USER, password: PASSWORD } });
    try {
      const page = await ctx.newPage();
      const answered = page.waitForResponse((r) => r.url().includes('/backends/api0-ams/pause'));
      await page.goto(`${evilBase}/`);
      expect((await answered).status()).toBe(403);
      expect(await scenario.backendState(0, 'api0-ams')).toBe('up');
      await expect.poll(() => logText).toContain('"admin-cross-origin-refused"');
    } finally {
      await ctx.close();
    }
  });

  it('/admin/ with credentials pauses a backend and shows it paused', async () => {
    const ctx = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      httpCredentials: { username: USER, password: PASSWORD },
    });
    try {
      const page = await ctx.newPage();
      const res = await page.goto(`${base}/admin/`);
      expect(res?.status()).toBe(200);
      const r = row(page, 'api-v4', 'main', 'api0-ams');
      await expect.poll(() => r.getAttribute('data-state'), { timeout: 20_000 }).toBe('up');
      // The action is previewed first; cancelling it changes nothing.
      const dialog = page.locator('[data-testid="confirm-dialog"]');
      await r.locator('[data-action="pause"]').click();
      await dialog.waitFor();
      await expect
        .poll(
          () =>
            dialog.locator('[data-testid="preview-vip-api-v4"] [data-testid="moved-share"]').textContent(),
          {
            timeout: 20_000,
          },
        )
        .toMatch(/^\d+\.\d%$/);
      expect(await dialog.locator('h2').textContent()).toContain('pause api0-ams');
      await dialog.locator('[data-action="cancel"]').click();
      await dialog.waitFor({ state: 'detached' });
      expect(await scenario.backendState(0, 'api0-ams')).toBe('up');
      // Escape cancels too.
      await r.locator('[data-action="pause"]').click();
      await dialog.waitFor();
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      expect(await scenario.backendState(0, 'api0-ams')).toBe('up');
      await r.locator('[data-action="pause"]').click();
      await dialog.locator('[data-action="confirm"]:not([disabled])').click();
      await expect.poll(() => r.getAttribute('data-state'), { timeout: 20_000 }).toBe('paused');
      expect(await scenario.backendState(0, 'api0-ams')).toBe('paused');
      await expect
        .poll(() => page.locator('[data-testid="event-log"] .log-line').allInnerTexts(), { timeout: 20_000 })
        .toEqual(expect.arrayContaining([expect.stringContaining('api0-ams up → paused')]));
      // And back.
      await r.locator('[data-action="resume"]').click();
      await dialog.locator('[data-action="confirm"]:not([disabled])').click();
      await expect.poll(() => r.getAttribute('data-state'), { timeout: 20_000 }).toBe('unknown');
      expect(logText).not.toContain(PASSWORD);
    } finally {
      await ctx.close();
    }
  });
});
