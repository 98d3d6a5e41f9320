/**
 * The dashboard in a real browser: the web app built with vite, a DashboardServer in this
 * process in front of the maglevds, headless Chromium, and a page on another origin that tries
 * to make the operator's browser act on the dashboard.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { build } from 'vite';
import { DashboardServer } from '../../lib/dashboard/server.js';
import type { MaglevdListEntry } from '../../lib/dashboard/types.js';
import { createLogger } from '../../lib/events/logger.js';

export const ADMIN_USER = 'ops';
export const ADMIN_PASSWORD = 's3cret pass';

const repo = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

export function httpGet(url: string): Promise<string> {
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

/** Builds web/ into a fresh temporary directory; remove it when done. */
export async function buildWebApp(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'dash-web-'));
  await build({
    configFile: repo('web/vite.config.ts'),
    build: { outDir: dir, emptyOutDir: true },
    logLevel: 'warn',
  });
  return dir;
}

export interface RunningDashboard {
  readonly server: DashboardServer;
  /** http://127.0.0.1:port */
  readonly base: string;
  /** Everything the server logged so far (JSON lines). */
  logText(): string;
  close(): Promise<void>;
}

/**
 * A DashboardServer with admin credentials for `servers`. Resolves once it streams events from
 * every maglevd, so nothing a test changes afterwards is missed.
 */
export async function startDashboard(
  servers: readonly string[],
  assetsDir: string,
  timeoutMs = 60_000,
): Promise<RunningDashboard> {
  let logText = '';
  const logs = new PassThrough();
  logs.setEncoding('utf8').on('data', (d: string) => {
    logText += d;
  });
  const server = new DashboardServer({
    listen: '127.0.0.1:0',
    servers,
    admin: { user: ADMIN_USER, password: ADMIN_PASSWORD },
    assetsDir,
    logger: createLogger({ level: 'info', stream: logs }),
    timings: { refreshIntervalMs: 5000, healthIntervalMs: 500, lbMinIntervalMs: 200, backoffInitialMs: 100 },
  });
  const base = `http://127.0.0.1:${await server.start()}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = JSON.parse(await httpGet(`${base}/view/api/maglevds`)) as MaglevdListEntry[];
    if (list.every((m) => m.status.streaming)) break;
    if (Date.now() > deadline) {
      await server.close();
      throw new Error(`maglevds not streaming: ${JSON.stringify(list)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { server, base, logText: () => logText, close: () => server.close() };
}

/**
 * Another origin (same host, other port: same-site, cross-origin) serving a page that submits
 * a form POST to `target()` as soon as it loads.
 */
export async function startCrossOriginPage(
  target: () => string,
): Promise<{ base: string; close(): Promise<void> }> {
  const evil: Server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(
      `<!doctype html><form method="POST" action="${target()}" enctype="text/plain"><input name='{"x":"' value='"}'></form>` +
        '<script>document.forms[0].submit()</script>',
    );
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(evil.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => evil.close(() => r())),
  };
}

/** Headless Chromium on a fresh temporary profile (playwright's launch() makes one). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}

/** The table row of one pool member on a frontend's card. */
export function memberRow(page: Page, frontend: string, pool: string, backend: string): Locator {
  return page.locator(`[data-testid="row-${frontend}-${pool}-${backend}"]`);
}

export function removeDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}
