import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardServer } from '../../../lib/dashboard/server.js';
import type {
  BackendView,
  DashboardEvent,
  FrontendView,
  MaglevdListEntry,
  PreviewResponse,
  StateResponse,
} from '../../../lib/dashboard/types.js';
import { createLogger } from '../../../lib/events/logger.js';
import { FakeMaglevd, SAMPLE_CONFIG } from './fake-maglevd.js';
import { SseClient } from './sse-client.js';

const USER = 'operator';
const PASSWORD = 'correct horse battery staple';

const fast = {
  refreshIntervalMs: 2000,
  healthIntervalMs: 200,
  lbMinIntervalMs: 100,
  backoffInitialMs: 50,
  backoffMaxMs: 500,
  callTimeoutMs: 2000,
};

interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function http(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

let a: FakeMaglevd;
let b: FakeMaglevd;
let server: DashboardServer;
let base: string;
let assetsDir: string;
const logs = new PassThrough();
let logText = '';
logs.setEncoding('utf8').on('data', (d: string) => {
  logText += d;
});

beforeAll(async () => {
  a = new FakeMaglevd(SAMPLE_CONFIG);
  await a.start();
  // b is down from the start: a port that refuses connections until b.start().
  b = new FakeMaglevd(SAMPLE_CONFIG);
  await b.start();
  await b.stop();
  assetsDir = mkdtempSync(join(tmpdir(), 'dash-assets-'));
  mkdirSync(join(assetsDir, 'assets'));
  writeFileSync(join(assetsDir, 'index.html'), '<!doctype html><title>maglev</title>');
  writeFileSync(join(assetsDir, 'assets', 'app-1234.js'), 'console.log(1)');
  writeFileSync(join(assetsDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  server = new DashboardServer({
    listen: '127.0.0.1:0',
    servers: [a.address, b.address],
    admin: { user: USER, password: PASSWORD },
    assetsDir,
    logger: createLogger({ level: 'debug', stream: logs }),
    timings: fast,
    events: { pingIntervalMs: 300, retryMs: 1500 },
  });
  base = `http://127.0.0.1:${await server.start()}`;
});

afterAll(async () => {
  await server?.close();
  await a?.close();
  await b?.close();
  rmSync(assetsDir, { recursive: true, force: true });
});

async function state(): Promise<StateResponse> {
  return JSON.parse((await http(`${base}/view/api/state`)).body) as StateResponse;
}

function frontendOf(s: StateResponse, maglevd: string, fe: string): FrontendView | undefined {
  return s.maglevds.find((m) => m.address === maglevd)?.frontends.find((f) => f.name === fe);
}

describe('DashboardServer with two maglevds, one of them down', () => {
  it('serves the state of the reachable maglevd and reports the other unreachable', async () => {
    await expect
      .poll(
        async () => {
          const s = await state();
          return s.maglevds.map((m) => [m.address, m.status.connected, m.frontends.length, m.vpp.state]);
        },
        { timeout: 20_000 },
      )
      .toEqual([
        [a.address, true, 2, 'connected'],
        [b.address, false, 0, ''],
      ]);
    const s = await state();
    const down = s.maglevds[1];
    expect(down?.status.error).toMatch(/./);
    expect(s.maglevds[0]?.name).toBe(a.address); // both on 127.0.0.1: the port tells them apart
    expect(s.maglevds[0]?.vpp).toMatchObject({
      state: 'connected',
      info: { version: '25.06-release', pid: 4242 },
    });
    expect(s.eventId).toMatch(/^.+-\d+$/);
    const list = JSON.parse((await http(`${base}/view/api/maglevds`)).body) as MaglevdListEntry[];
    expect(list.map((m) => [m.address, m.status.connected])).toEqual([
      [a.address, true],
      [b.address, false],
    ]);
    const one = await http(`${base}/view/api/state/${encodeURIComponent(a.address)}`);
    expect(one.status).toBe(200);
    expect((await http(`${base}/view/api/state/nope`)).status).toBe(404);
  });

  it('streams transitions, re-read frontends and lb state of the live maglevd', async () => {
    const sse = new SseClient(`${base}/view/api/events`);
    try {
      const { status, headers } = await sse.status;
      expect(status).toBe(200);
      expect(headers['content-type']).toMatch(/^text\/event-stream/);
      expect(headers['x-accel-buffering']).toBe('no');
      expect(headers['content-encoding']).toBeUndefined();
      const first = await sse.next();
      expect(first.retry).toBe(1500);
      await expect.poll(() => a.watched, { timeout: 20_000 }).toBe(true);

      a.setState('nginx0-ams', 'up');
      const t = await sse.nextEvent<Extract<DashboardEvent, { type: 'transition' }>>(
        'transition',
        (d) => d.backend === 'nginx0-ams',
      );
      expect(t.data).toMatchObject({
        maglevd: a.address,
        frontend: 'web-v4',
        transition: { from: 'unknown', to: 'up' },
      });
      const fe = await sse.nextEvent<Extract<DashboardEvent, { type: 'frontend-state' }>>(
        'frontend-state',
        (d) => d.frontend === 'web-v4',
      );
      expect([fe.data.from, fe.data.to]).toEqual(['unknown', 'up']);
      const lb = await sse.nextEvent<{
        lb: { vips: { frontend: string; ases: { backend: string; buckets: number }[] }[] };
      }>(
        'lbstate',
        (d) => d.lb?.vips.find((v) => v.frontend === 'web-v4')?.ases.some((x) => x.buckets === 1024) ?? false,
      );
      expect(
        lb.data.lb.vips.find((v) => v.frontend === 'web-v4')?.ases.find((x) => x.buckets > 0)?.backend,
      ).toBe('nginx0-ams');

      // Debug log records reach the page (probe heartbeat, API arrows).
      a.probe('nginx1-ams');
      const probe = await sse.nextEvent<{ msg: string; attrs: Record<string, string> }>(
        'log',
        (d) => d.msg === 'probe-done',
      );
      expect(probe.data.attrs.backend).toBe('nginx1-ams');

      // The REST state agrees with what the stream said.
      expect(frontendOf(await state(), a.address, 'web-v4')?.pools[0]?.backends[0]).toMatchObject({
        state: 'up',
        effectiveWeight: 100,
      });

      // The comment heartbeat.
      await sse.next((f) => f.comment === 'ping');
    } finally {
      sse.close();
    }
  });

  it('picks up a maglevd that comes back, while the other keeps streaming', async () => {
    const sse = new SseClient(`${base}/view/api/events`);
    try {
      await sse.status;
      await b.start();
      const up = await sse.nextEvent<Extract<DashboardEvent, { type: 'maglevd' }>>(
        'maglevd',
        (d) => d.maglevd === b.address && d.status.connected,
      );
      expect(up.data.status.error).toBeNull();
      await expect
        .poll(async () => frontendOf(await state(), b.address, 'web-v4')?.name, { timeout: 20_000 })
        .toBe('web-v4');
      // Now a goes away; b's events still flow.
      await expect.poll(() => b.watched, { timeout: 20_000 }).toBe(true);
      await a.stop();
      await sse.nextEvent<Extract<DashboardEvent, { type: 'maglevd' }>>(
        'maglevd',
        (d) => d.maglevd === a.address && !d.status.connected,
      );
      b.setState('api0', 'up');
      await sse.nextEvent<Extract<DashboardEvent, { type: 'transition' }>>(
        'transition',
        (d) => d.maglevd === b.address && d.backend === 'api0',
      );
      // a's last known state stays on the page.
      expect(frontendOf(await state(), a.address, 'web-v4')?.state).toBe('up');
      await a.start();
      await sse.nextEvent<Extract<DashboardEvent, { type: 'maglevd' }>>(
        'maglevd',
        (d) => d.maglevd === a.address && d.status.connected,
      );
      await expect.poll(() => a.watched, { timeout: 20_000 }).toBe(true);
    } finally {
      sse.close();
    }
  });
});

describe('SSE replay and resync', () => {
  it('replays what a reconnecting browser missed after its Last-Event-ID', async () => {
    const first = new SseClient(`${base}/view/api/events`);
    await first.status;
    await expect.poll(() => a.watched, { timeout: 20_000 }).toBe(true);
    a.setState('nginx1-ams', 'up');
    const seen = await first.nextEvent<{ backend: string }>('transition', (d) => d.backend === 'nginx1-ams');
    first.close();

    a.setState('nginx1-ams', 'down');
    a.setState('nginx0-fra', 'up');
    // Wait until the server has both, so the replay must contain them.
    await expect
      .poll(async () => frontendOf(await state(), a.address, 'web-v4')?.pools[1]?.backends[0]?.state, {
        timeout: 20_000,
      })
      .toBe('up');
    const again = new SseClient(`${base}/view/api/events`, { 'Last-Event-ID': seen.id });
    try {
      const replayed = [
        await again.nextEvent<{ backend: string; transition: { to: string } }>('transition'),
        await again.nextEvent<{ backend: string; transition: { to: string } }>('transition'),
      ];
      expect(replayed.map((e) => [e.data.backend, e.data.transition.to])).toEqual([
        ['nginx1-ams', 'down'],
        ['nginx0-fra', 'up'],
      ]);
      const ids = again.events().map((e) => Number(e.id.split('-').pop()));
      expect(ids[0]).toBeGreaterThan(Number(seen.id.split('-').pop()));
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      expect(again.events('resync')).toEqual([]);
    } finally {
      again.close();
    }
  });

  it('tells a browser from before a server restart to resync', async () => {
    const sse = new SseClient(`${base}/view/api/events`, { 'Last-Event-ID': 'otherepoch-17' });
    try {
      const r = await sse.nextEvent<{ reason: string }>('resync');
      expect(r.data.reason).toBe('server restarted');
      // The resync carries a current id, so the browser's next reconnect replays normally.
      expect(r.id.startsWith('otherepoch')).toBe(false);
    } finally {
      sse.close();
    }
  });

  it('tells a browser that was away longer than the ring holds to resync', async () => {
    const small = new DashboardServer({
      listen: '127.0.0.1:0',
      servers: [a.address],
      assetsDir: null,
      timings: fast,
      events: { maxEvents: 3 },
    });
    const port = await small.start();
    try {
      const url = `http://127.0.0.1:${port}/view/api/events`;
      const sse = new SseClient(url);
      await sse.status;
      // Both dashboards watch a now; wait for the second stream.
      await expect.poll(() => a.bus.size, { timeout: 20_000 }).toBe(2);
      a.probe('api1');
      const mark = await sse.nextEvent<{ msg: string }>('log', (d) => d.msg === 'probe-done');
      for (let i = 0; i < 3; i++) a.probe('api1');
      for (let i = 0; i < 6; i++)
        await sse.nextEvent<{ msg: string }>('log', (d) => d.msg.startsWith('probe-'));
      sse.close();
      const late = new SseClient(url, { 'Last-Event-ID': mark.id });
      const r = await late.nextEvent<{ reason: string }>('resync');
      expect(r.data.reason).toBe('missed events were dropped');
      late.close();
    } finally {
      await small.close();
    }
  });
});

describe('/admin/', () => {
  const action = (path: string, headers: Record<string, string>, body = '{}') =>
    http(`${base}/admin/api/maglevd/${encodeURIComponent(a.address)}/${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body,
    });
  const sameOrigin = () => ({
    Authorization: basic(USER, PASSWORD),
    Origin: base,
    'Sec-Fetch-Site': 'same-origin',
  });

  it('answers 401 without or with wrong credentials, and never logs them', async () => {
    const none = await http(`${base}/admin/api/state`);
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Basic realm=/);
    const wrongPassword = await http(`${base}/admin/api/state`, {
      headers: { Authorization: basic(USER, 'correct horse battery stapl') },
    });
    expect(wrongPassword.status).toBe(401);
    const wrongUser = await http(`${base}/admin/`, { headers: { Authorization: basic('root', PASSWORD) } });
    expect(wrongUser.status).toBe(401);
    const ok = await http(`${base}/admin/api/state`, { headers: { Authorization: basic(USER, PASSWORD) } });
    expect(ok.status).toBe(200);
    expect((JSON.parse(ok.body) as StateResponse).maglevds).toHaveLength(2);
    const version = await http(`${base}/admin/api/version`, {
      headers: { Authorization: basic(USER, PASSWORD) },
    });
    expect(JSON.parse(version.body)).toMatchObject({ admin: true });

    await expect
      .poll(() => logText.split('\n').filter((l) => l.includes('"admin-auth-failed"')).length)
      .toBe(3);
    expect(logText).not.toContain(PASSWORD);
    expect(logText).not.toContain('correct horse');
    expect(logText).not.toContain(Buffer.from(`${USER}:`).toString('base64').slice(0, 8));
    expect(logText).not.toContain('"root"');
  });

  it('refuses cross-origin POSTs (CSRF) even with credentials', async () => {
    const before = a.state('api1');
    const evil = await action('backends/api1/pause', {
      Authorization: basic(USER, PASSWORD),
      Origin: 'http://evil.example',
    });
    expect(evil.status).toBe(403);
    const crossSite = await action('backends/api1/pause', {
      Authorization: basic(USER, PASSWORD),
      'Sec-Fetch-Site': 'cross-site',
    });
    expect(crossSite.status).toBe(403);
    const form = await http(
      `${base}/admin/api/maglevd/${encodeURIComponent(a.address)}/backends/api1/pause`,
      {
        method: 'POST',
        headers: {
          Authorization: basic(USER, PASSWORD),
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: 'x=1',
      },
    );
    expect(form.status).toBe(415);
    expect(a.state('api1')).toBe(before);
  });

  it('has no way to mutate anything under /view/', async () => {
    const r = await http(`${base}/view/api/maglevd/${encodeURIComponent(a.address)}/backends/api1/pause`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: base, Authorization: basic(USER, PASSWORD) },
      body: '{}',
    });
    expect(r.status).toBe(405);
    expect(a.state('api1')).not.toBe('paused');
    const version = JSON.parse((await http(`${base}/view/api/version`)).body) as {
      admin: boolean;
      version: string;
    };
    expect(version).toMatchObject({ admin: false, version: '0.0.0-test' });
  });

  it('pauses, resumes, disables and enables a backend; the page hears of it', async () => {
    const sse = new SseClient(`${base}/admin/api/events`, { Authorization: basic(USER, PASSWORD) });
    try {
      await sse.status;
      const paused = await action('backends/api1/pause', sameOrigin());
      expect(paused.status).toBe(200);
      expect((JSON.parse(paused.body) as BackendView).state).toBe('paused');
      expect(a.state('api1')).toBe('paused');
      await sse.nextEvent<{ backend: string; transition: { to: string } }>(
        'transition',
        (d) => d.backend === 'api1' && d.transition.to === 'paused',
      );
      await expect.poll(() => logText).toContain('"admin-action"');
      expect((await action('backends/api1/resume', sameOrigin())).status).toBe(200);
      expect(a.state('api1')).toBe('unknown');
      expect((await action('backends/api1/disable', sameOrigin())).status).toBe(200);
      const refused = await action('backends/api1/pause', sameOrigin());
      expect(refused.status).toBe(409);
      expect(JSON.parse(refused.body)).toEqual({ error: 'backend "api1" is disabled' });
      expect((await action('backends/api1/enable', sameOrigin())).status).toBe(200);
      expect(a.state('api1')).toBe('unknown');
      expect((await action('backends/nope/pause', sameOrigin())).status).toBe(404);
      expect((await action('backends/api1/explode', sameOrigin())).status).toBe(404);
    } finally {
      sse.close();
    }
  });

  it('sets a pool weight, syncs and reloads', async () => {
    const sse = new SseClient(`${base}/admin/api/events`, { Authorization: basic(USER, PASSWORD) });
    try {
      await sse.status;
      const set = await action(
        'frontends/web-v4/pools/primary/backends/nginx0-ams/weight',
        sameOrigin(),
        '{"weight":40}',
      );
      expect(set.status).toBe(200);
      expect((JSON.parse(set.body) as FrontendView).pools[0]?.backends[0]).toMatchObject({ weight: 40 });
      await sse.nextEvent<{ frontend: FrontendView }>(
        'frontend',
        (d) => d.frontend.name === 'web-v4' && d.frontend.pools[0]?.backends[0]?.weight === 40,
      );
      const bad = await action(
        'frontends/web-v4/pools/primary/backends/nginx0-ams/weight',
        sameOrigin(),
        '{"weight":101}',
      );
      expect(bad.status).toBe(400);
      const notJson = await action(
        'frontends/web-v4/pools/primary/backends/nginx0-ams/weight',
        sameOrigin(),
        '{',
      );
      expect(notJson.status).toBe(400);
      const sync = await action('sync', sameOrigin(), '{"frontend":"web-v4"}');
      expect(JSON.parse(sync.body)).toMatchObject({ scope: 'vip' });
      const reload = await action('reload', sameOrigin());
      expect(JSON.parse(reload.body)).toMatchObject({ ok: true });
      const unknown = await http(`${base}/admin/api/maglevd/nowhere/reload`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...sameOrigin() },
        body: '{}',
      });
      expect(unknown.status).toBe(404);
    } finally {
      sse.close();
    }
  });

  it('previews every action with dryRun: the preview, nothing done, no admin-action line', async () => {
    a.setState('api0', 'up');
    const actionsBefore = logText.split('\n').filter((l) => l.includes('"admin-action"')).length;
    const before = a.state('api0');
    const p = await action('backends/api0/pause', sameOrigin(), '{"dryRun":true}');
    expect(p.status).toBe(200);
    const pv = JSON.parse(p.body) as PreviewResponse;
    expect(pv).toMatchObject({ ok: true, preview: { before: 'vpp' } });
    expect(pv.preview?.vips.find((v) => v.frontend === 'api-v4')).toMatchObject({
      change: 'changed',
      servers: [expect.objectContaining({ backend: 'api0', weightAfter: 0 })],
    });
    expect(a.state('api0')).toBe(before);
    const w = await action(
      'frontends/web-v4/pools/primary/backends/nginx0-ams/weight',
      sameOrigin(),
      '{"weight":7,"dryRun":true}',
    );
    expect(JSON.parse(w.body)).toMatchObject({ ok: true, preview: { vips: expect.any(Array) } });
    expect(
      (await state()).maglevds[0]?.frontends.find((f) => f.name === 'web-v4')?.pools[0]?.backends[0]?.weight,
    ).not.toBe(7);
    for (const path of ['sync', 'reload', 'backends/api0/resume'])
      expect(
        JSON.parse((await action(path, sameOrigin(), '{"dryRun":true,"assumeUp":true}')).body),
      ).toMatchObject({
        ok: true,
      });
    // The action's own checks apply: a bad weight is refused before any preview.
    const bad = await action(
      'frontends/web-v4/pools/primary/backends/nginx0-ams/weight',
      sameOrigin(),
      '{"weight":101,"dryRun":true}',
    );
    expect(bad.status).toBe(400);
    expect((await action('backends/nope/pause', sameOrigin(), '{"dryRun":true}')).status).toBe(404);
    // Never under /view/, and never an admin-action line.
    const view = await http(`${base}/view/api/maglevd/${encodeURIComponent(a.address)}/backends/api0/pause`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"dryRun":true}',
    });
    expect(view.status).toBe(405);
    expect(logText.split('\n').filter((l) => l.includes('"admin-action"')).length).toBe(actionsBefore);
    // A dryRun that is not a boolean is a bad request, refused (and logged) like any other.
    expect((await action('backends/api0/pause', sameOrigin(), '{"dryRun":"yes"}')).status).toBe(400);
    expect(a.state('api0')).toBe(before);
  });

  it('answers any method but POST on an action URL with 405 and Allow: POST, changing nothing', async () => {
    const auth = { Authorization: basic(USER, PASSWORD) };
    const mutating = () =>
      a.calls.filter((c) => /pause|resume|enable|disable|weight|sync|reload/i.test(c)).length;
    const callsBefore = mutating();
    const logBefore = logText.split('\n').filter((l) => l.includes('"admin-action"')).length;
    const stateBefore = a.state('api0');
    const paths = [
      'backends/api0/pause',
      'backends/api0/disable',
      'frontends/web-v4/pools/primary/backends/nginx0-ams/weight',
      'sync',
      'reload',
    ];
    for (const path of paths) {
      for (const method of ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
        const body = method === 'GET' || method === 'HEAD' ? undefined : '{"weight":1}';
        const r = await http(`${base}/admin/api/maglevd/${encodeURIComponent(a.address)}/${path}`, {
          method,
          headers: {
            ...auth,
            'Content-Type': 'application/json',
            Origin: base,
            'Sec-Fetch-Site': 'same-origin',
            // node sends DELETE and OPTIONS bodies unframed unless told their length.
            ...(body !== undefined && { 'Content-Length': String(Buffer.byteLength(body)) }),
          },
          body,
        });
        expect(r.status, `${method} ${path}`).toBe(405);
        expect(r.headers.allow, `${method} ${path}`).toBe('POST');
        if (method !== 'HEAD') expect(JSON.parse(r.body).error).toMatch(/is an action: send it as a POST/);
      }
    }
    // The shape decides, not the names: an unknown maglevd or backend is still an action URL.
    const unknown = await http(`${base}/admin/api/maglevd/nowhere/backends/nobody/resume`, { headers: auth });
    expect(unknown.status).toBe(405);
    expect(unknown.headers.allow).toBe('POST');
    // Authentication still comes first.
    expect((await http(`${base}/admin/api/maglevd/${encodeURIComponent(a.address)}/reload`)).status).toBe(
      401,
    );
    // /view/ has no actions at all, and says where they are.
    const view = await http(`${base}/view/api/maglevd/${encodeURIComponent(a.address)}/backends/api0/pause`);
    expect(view.status).toBe(404);
    expect(JSON.parse(view.body).error).toContain('actions are POST requests under /admin/api/');
    // The read API is untouched by the rule.
    expect((await http(`${base}/admin/api/state`, { headers: auth })).status).toBe(200);

    expect(mutating()).toBe(callsBefore);
    expect(a.state('api0')).toBe(stateBefore);
    expect(logText.split('\n').filter((l) => l.includes('"admin-action"')).length).toBe(logBefore);
  });

  it('logs one admin-action line per action once its outcome is known, with the outcome', async () => {
    type Line = Record<string, unknown> & { msg: string; level: string };
    const seen = logText.length;
    const lines = () =>
      logText
        .slice(seen)
        .split('\n')
        .filter((l) => l.includes('"admin-action"'))
        .map((l) => JSON.parse(l) as Line);
    const remote = expect.stringMatching(/^(::ffff:)?127\.0\.0\.1$/);

    expect((await action('backends/api0/pause', sameOrigin())).status).toBe(200);
    // Written before the answer is sent, so it is there once the answer is.
    expect(lines()).toEqual([
      expect.objectContaining({
        level: 'INFO',
        maglevd: a.address,
        action: 'pause',
        backend: 'api0',
        outcome: 'ok',
        remote,
      }),
    ]);
    expect(lines()[0]).not.toHaveProperty('error');

    expect((await action('backends/api0/disable', sameOrigin())).status).toBe(200);
    const refused = await action('backends/api0/pause', sameOrigin());
    expect(refused.status).toBe(409);
    expect(lines()[2]).toEqual(
      expect.objectContaining({
        level: 'WARN',
        action: 'pause',
        backend: 'api0',
        outcome: 'error',
        error: 'backend "api0" is disabled',
        status: 409,
      }),
    );
    expect((await action('backends/api0/enable', sameOrigin())).status).toBe(200);

    // Refused by the dashboard itself (bad value), by maglevd (unknown name), and a reload
    // maglevd answers with ok false.
    await action('frontends/api-v4/pools/main/backends/api0/weight', sameOrigin(), '{"weight":"lots"}');
    await action('frontends/api-v4/pools/main/backends/nobody/weight', sameOrigin(), '{"weight":5}');
    a.reloadParseError = 'line 3: mapping values are not allowed here';
    try {
      const reload = await action('reload', sameOrigin());
      expect(reload.status).toBe(200);
      expect(JSON.parse(reload.body)).toMatchObject({ ok: false });
    } finally {
      a.reloadParseError = null;
    }
    expect((await action('sync', sameOrigin(), '{"frontend":"api-v4"}')).status).toBe(200);

    const all = lines();
    expect(all.map((l) => [l.action, l.outcome])).toEqual([
      ['pause', 'ok'],
      ['disable', 'ok'],
      ['pause', 'error'],
      ['enable', 'ok'],
      ['set-weight', 'error'],
      ['set-weight', 'error'],
      ['reload', 'error'],
      ['sync', 'ok'],
    ]);
    expect(all[4]).toMatchObject({ error: 'weight must be a whole number 0-100', status: 400, pool: 'main' });
    expect(all[5]).toMatchObject({
      error: 'backend "nobody" not in pool "main"',
      status: 404,
      weight: 5,
      flush: false,
    });
    expect(all[6]).toMatchObject({ level: 'WARN', error: 'line 3: mapping values are not allowed here' });
    expect(all[6]).not.toHaveProperty('status');
    expect(all[7]).toMatchObject({ level: 'INFO', frontend: 'api-v4' });
  });

  it('says so when admin is off', async () => {
    const plain = new DashboardServer({
      listen: '127.0.0.1:0',
      servers: [a.address],
      assetsDir: null,
      timings: fast,
    });
    const port = await plain.start();
    try {
      const r = await http(`http://127.0.0.1:${port}/admin/`, {
        headers: { Authorization: basic(USER, PASSWORD) },
      });
      expect(r.status).toBe(404);
      expect(r.body).toContain('admin interface is disabled');
      const view = await http(`http://127.0.0.1:${port}/view/`);
      expect(view.status).toBe(503);
    } finally {
      await plain.close();
    }
  });
});

describe('pages and health', () => {
  it('serves the app under /view/ and /admin/, only files that exist', async () => {
    const page = await http(`${base}/view/`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.body).toContain('<title>maglev</title>');
    const asset = await http(`${base}/view/assets/app-1234.js`);
    expect(asset.headers['cache-control']).toContain('immutable');
    const admin = await http(`${base}/admin/assets/app-1234.js`, {
      headers: { Authorization: basic(USER, PASSWORD) },
    });
    expect(admin.body).toBe('console.log(1)');
    expect((await http(`${base}/view/assets/../../../etc/passwd`)).status).toBe(404);
    expect((await http(`${base}/view/%2e%2e/%2e%2e/etc/passwd`)).status).toBe(404);
    expect((await http(`${base}/view/nothing.js`)).status).toBe(404);
    const root = await http(`${base}/`);
    expect([root.status, root.headers.location]).toEqual([302, '/view/']);
    expect((await http(`${base}/favicon.ico`)).headers['content-type']).toBe('image/svg+xml');
    const health = await http(`${base}/healthz`);
    expect([health.status, health.body]).toEqual([200, 'ok\n']);
  });
});
