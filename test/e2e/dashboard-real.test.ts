import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RealScenario, realScenario } from '../integration/dashboard/scenario-real.js';
import {
  ADMIN_PASSWORD,
  ADMIN_USER,
  buildWebApp,
  launchChromium,
  type RunningDashboard,
  removeDir,
  memberRow as row,
  startCrossOriginPage,
  startDashboard,
} from '../support/dashboard-browser.js';

// The dashboard in a real Chromium against the real thing: two built maglevds, each with its
// own vpp-lb-sim and loopback HTTP backends; a backend goes down because its server is killed.
// dashboard.test.ts runs the same pages against fakes, with more cases.

const WEB_VIP = '198.51.100.1/32';

let scenario: RealScenario;
let dash: RunningDashboard;
let browser: Browser;
let assetsDir: string;
let evil: { base: string; close(): Promise<void> };

/** Buckets VPP gave an AS of a VIP, as text (the dashboard's cell). */
async function vppBuckets(site: number, prefix: string, address: string): Promise<string> {
  const vip = (await scenario.vppState(site)).vips.find((v) => v.prefix === prefix);
  const as = vip?.ases.find((a) => a.address === address);
  return as ? String(as.numBuckets) : 'missing';
}

async function vppWeight(site: number, prefix: string, address: string): Promise<number | undefined> {
  const vip = (await scenario.vppState(site)).vips.find((v) => v.prefix === prefix);
  return vip?.ases.find((a) => a.address === address)?.weight;
}

beforeAll(async () => {
  assetsDir = await buildWebApp();
  scenario = await realScenario({ count: 2 });
  dash = await startDashboard(scenario.servers, assetsDir);
  evil = await startCrossOriginPage(
    () =>
      `${dash.base}/admin/api/maglevd/${encodeURIComponent(scenario.servers[0] as string)}/backends/api0-ams/pause`,
  );
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await dash?.close();
  await evil?.close();
  await scenario?.close();
  removeDir(assetsDir);
}, 60_000);

async function viewPage(): Promise<{ page: Page; ctx: BrowserContext }> {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await ctx.newPage();
  const res = await page.goto(`${dash.base}/view/`);
  expect(res?.status()).toBe(200);
  return { page, ctx };
}

describe('maglevd-frontend in Chromium against real maglevds and VPP', { timeout: 180_000 }, () => {
  it('/view/ shows the frontends, their backends, effective weights and the buckets VPP has', async () => {
    const { page, ctx } = await viewPage();
    try {
      await expect.poll(() => page.locator('section.card').count(), { timeout: 30_000 }).toBe(3);
      const health = (fe: string) =>
        page.locator(`[data-testid="frontend-${fe}"]`).getAttribute('data-health');
      await expect.poll(() => health('web-v4'), { timeout: 30_000 }).toBe('ok');
      // api2-ams's server is not running, mx0-ams's neither: smtp-v4 serves from its fallback.
      expect(await health('api-v4')).toBe('degraded');
      expect(await health('smtp-v4')).toBe('fallback');

      const r0 = row(page, 'web-v4', 'primary', 'nginx0-ams');
      expect(await r0.getAttribute('data-state')).toBe('up');
      expect(await r0.locator('[data-testid="effective-weight"]').textContent()).toBe('100');
      expect(await r0.textContent()).toContain(scenario.addressOf('nginx0-ams'));
      const r1 = row(page, 'web-v4', 'primary', 'nginx1-ams');
      expect(await r1.locator('[data-testid="effective-weight"]').textContent()).toBe('50');
      expect(await row(page, 'api-v4', 'main', 'api2-ams').getAttribute('data-state')).toBe('down');
      expect(
        await row(page, 'api-v4', 'main', 'api2-ams')
          .locator('[data-testid="effective-weight"]')
          .textContent(),
      ).toBe('0');

      // The lb buckets are the simulator's own Maglev table: 100:50 over 1024 buckets.
      const b0 = await vppBuckets(0, WEB_VIP, scenario.addressOf('nginx0-ams'));
      const b1 = await vppBuckets(0, WEB_VIP, scenario.addressOf('nginx1-ams'));
      expect(Number(b0) + Number(b1)).toBe(1024);
      expect(Number(b0)).toBeGreaterThan(Number(b1));
      await expect.poll(() => r0.locator('.cell-buckets').textContent(), { timeout: 30_000 }).toBe(b0);
      expect(await r1.locator('.cell-buckets').textContent()).toBe(b1);
      expect(await row(page, 'web-v4', 'fallback', 'nginx0-fra').locator('.cell-buckets').textContent()).toBe(
        '0',
      );

      expect(await page.locator('[data-testid="vpp-state"]').textContent()).toBe('connected');
      // maglevd's own messages to VPP (its debug log, over WatchEvents) light the arrow.
      await scenario.vppApi(0, 'send');
      await expect
        .poll(() => page.locator('.api-arrow').first().getAttribute('class'), { timeout: 30_000 })
        .toContain('pulse');
      // /view/ offers no actions.
      expect(await page.locator('[data-action]').count()).toBe(0);
      // Two maglevds, each with a green dot; the second one's frontends are there too.
      await expect.poll(() => page.locator('nav.scopes .dot-ok').count(), { timeout: 30_000 }).toBe(2);
      await page.locator('nav.scopes button').nth(1).click();
      await expect
        .poll(
          () =>
            row(page, 'smtp-v4', 'fallback', 'mx0-zrh')
              .locator('[data-testid="effective-weight"]')
              .textContent(),
          {
            timeout: 30_000,
          },
        )
        .toBe('100');
    } finally {
      await ctx.close();
    }
  });

  it('killing a backend turns its row down and its effective weight 0, without a reload', async () => {
    const { page, ctx } = await viewPage();
    try {
      const r = row(page, 'web-v4', 'primary', 'nginx0-ams');
      await expect.poll(() => r.getAttribute('data-state'), { timeout: 30_000 }).toBe('up');
      // Browser-side code as text: this file is compiled without the DOM library.
      await page.evaluate(`window.marker = 'same page'`);

      await scenario.setHealthy(0, 'nginx0-ams', false);
      await expect.poll(() => r.getAttribute('data-state'), { timeout: 30_000 }).toBe('down');
      await expect
        .poll(() => r.locator('[data-testid="effective-weight"]').textContent(), { timeout: 30_000 })
        .toBe('0');
      // VPP agrees, and the other primary backend has taken every bucket.
      await expect
        .poll(() => vppWeight(0, WEB_VIP, scenario.addressOf('nginx0-ams')), { timeout: 30_000 })
        .toBe(0);
      await expect
        .poll(() => row(page, 'web-v4', 'primary', 'nginx1-ams').locator('.cell-buckets').textContent(), {
          timeout: 30_000,
        })
        .toBe('1024');
      expect(await vppBuckets(0, WEB_VIP, scenario.addressOf('nginx1-ams'))).toBe('1024');
      expect(await page.locator('[data-testid="frontend-web-v4"]').getAttribute('data-health')).toBe(
        'degraded',
      );
      expect(await page.evaluate('window.marker')).toBe('same page');
      // Only maglevd 0's backend died.
      expect(await scenario.backendState(1, 'nginx0-ams')).toBe('up');

      // Revived, it comes back up on the same page.
      await scenario.setHealthy(0, 'nginx0-ams', true);
      await expect.poll(() => r.getAttribute('data-state'), { timeout: 30_000 }).toBe('up');
      await expect
        .poll(() => r.locator('[data-testid="effective-weight"]').textContent(), { timeout: 30_000 })
        .toBe('100');
      await expect
        .poll(() => page.locator('[data-testid="frontend-web-v4"]').getAttribute('data-health'), {
          timeout: 30_000,
        })
        .toBe('ok');
      expect(await page.evaluate('window.marker')).toBe('same page');
    } finally {
      await ctx.close();
    }
  });

  it('/admin/ refuses a browser without credentials', async () => {
    const ctx = await browser.newContext();
    try {
      const page = await ctx.newPage();
      const answered = page.waitForResponse((r) => r.url() === `${dash.base}/admin/`);
      // Chromium turns the unanswered basic-auth challenge into a failed navigation.
      const nav = await page.goto(`${dash.base}/admin/`).catch((e: Error) => e);
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

  it('/admin/ refuses a cross-origin POST from another site, even with credentials', async () => {
    const ctx = await browser.newContext({
      httpCredentials: { username: ADMIN_USER, password: ADMIN_PASSWORD },
    });
    try {
      const page = await ctx.newPage();
      const answered = page.waitForResponse((r) => r.url().includes('/backends/api0-ams/pause'));
      await page.goto(`${evil.base}/`);
      expect((await answered).status()).toBe(403);
      await expect.poll(() => dash.logText()).toContain('"admin-cross-origin-refused"');
      expect(await scenario.backendState(0, 'api0-ams')).toBe('up');
      expect(
        scenario.maglevds[0]?.lines.some((l) => l.msg === 'backend-transition' && l.to === 'paused'),
      ).toBe(false);
    } finally {
      await ctx.close();
    }
  });

  it('/admin/ with credentials pauses a backend and shows it paused', async () => {
    const ctx = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      httpCredentials: { username: ADMIN_USER, password: ADMIN_PASSWORD },
    });
    try {
      const page = await ctx.newPage();
      const res = await page.goto(`${dash.base}/admin/`);
      expect(res?.status()).toBe(200);
      const r = row(page, 'api-v4', 'main', 'api0-ams');
      await expect.poll(() => r.getAttribute('data-state'), { timeout: 30_000 }).toBe('up');
      await expect
        .poll(() => vppWeight(0, '198.51.100.2/32', scenario.addressOf('api0-ams')), { timeout: 30_000 })
        .toBe(100);
      // The preview comes first: maglevd's own, against what VPP holds.
      const dialog = page.locator('[data-testid="confirm-dialog"]');
      await r.locator('[data-action="pause"]').click();
      const vip = dialog.locator('[data-testid="preview-vip-api-v4"]');
      await vip.waitFor({ timeout: 30_000 });
      const server = vip.locator('[data-testid="preview-server-api0-ams"]');
      const buckets = (await server.locator('[data-testid="buckets"]').textContent()) ?? '';
      expect(buckets).toBe(`${await vppBuckets(0, '198.51.100.2/32', scenario.addressOf('api0-ams'))} → 0`);
      const moved = Number(await vip.getAttribute('data-moved'));
      expect(moved).toBeGreaterThanOrEqual(Number(buckets.split(' ')[0]));
      expect(await dialog.locator('[data-testid="moved-share"]').textContent()).toBe(
        `${((100 * moved) / 1024).toFixed(1)}%`,
      );
      // Every server row's buckets after the change, as the preview announces them.
      const announced: Array<[string, string]> = [];
      for (const tr of await vip.locator('tbody tr').all()) {
        const name = (await tr.locator('td').first().textContent()) ?? '';
        const cell = (await tr.locator('[data-testid="buckets"]').textContent()) ?? '';
        announced.push([name, cell.split(' → ').at(-1) ?? '']);
      }
      expect(announced.map(([n]) => n)).toContain('api0-ams');
      // Nothing was done yet.
      expect(await scenario.backendState(0, 'api0-ams')).toBe('up');
      expect(
        scenario.maglevds[0]?.lines.some((l) => l.msg === 'backend-transition' && l.to === 'paused'),
      ).toBe(false);
      await dialog.locator('[data-action="confirm"]').click();
      await expect.poll(() => r.getAttribute('data-state'), { timeout: 30_000 }).toBe('paused');
      expect(await scenario.backendState(0, 'api0-ams')).toBe('paused');
      await expect
        .poll(() => r.locator('[data-testid="effective-weight"]').textContent(), { timeout: 30_000 })
        .toBe('0');
      await expect
        .poll(() => vppWeight(0, '198.51.100.2/32', scenario.addressOf('api0-ams')), { timeout: 30_000 })
        .toBe(0);
      // And VPP holds exactly the buckets the preview announced.
      for (const [name, after] of announced)
        expect(await vppBuckets(0, '198.51.100.2/32', scenario.addressOf(name)), name).toBe(after);
      await scenario.maglevds[0]?.waitLog(
        (l) => l.msg === 'backend-transition' && l.backend === 'api0-ams' && l.to === 'paused',
      );
      await expect
        .poll(() => page.locator('[data-testid="event-log"] .log-line').allInnerTexts(), { timeout: 30_000 })
        .toEqual(expect.arrayContaining([expect.stringContaining('api0-ams up → paused')]));

      // Resumed, it is probed again and comes back up: the preview assumes so, and says it.
      await r.locator('[data-action="resume"]').click();
      await dialog.locator('[data-testid="preview-assumption"]').waitFor({ timeout: 30_000 });
      expect(await dialog.locator('[data-testid="preview-assumption"]').textContent()).toContain(
        'Assumes api0-ams (resumed) passes its health check',
      );
      await dialog.locator('[data-action="confirm"]').click();
      await expect.poll(() => r.getAttribute('data-state'), { timeout: 30_000 }).toBe('up');
      expect(await scenario.backendState(0, 'api0-ams')).toBe('up');
      await expect
        .poll(() => vppWeight(0, '198.51.100.2/32', scenario.addressOf('api0-ams')), { timeout: 30_000 })
        .toBe(100);
      expect(dash.logText()).not.toContain(ADMIN_PASSWORD);
    } finally {
      await ctx.close();
    }
  });
});
