import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StateResponse } from '../../lib/dashboard/types.js';
import { FakeMaglevd, SAMPLE_CONFIG } from '../integration/dashboard/fake-maglevd.js';
import { binPath, runBin } from '../support/bin.js';

// The built maglevd-frontend binary: flags, environment, logs and signals.

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

class Running {
  readonly child: ChildProcess;
  readonly lines: Record<string, unknown>[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #waiters: (() => void)[] = [];

  constructor(args: string[], env: Record<string, string>) {
    this.child = spawn(process.execPath, [binPath('maglevd-frontend'), ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buf = '';
    this.child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        this.lines.push(JSON.parse(buf.slice(0, nl)) as Record<string, unknown>);
        buf = buf.slice(nl + 1);
      }
      for (const w of this.#waiters.splice(0)) w();
    });
    this.child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      this.stderr += d;
    });
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  async line(msg: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const l = this.lines.find((x) => x.msg === msg);
      if (l) return l;
      if (Date.now() > deadline)
        throw new Error(`no "${msg}" log line; got ${JSON.stringify(this.lines)} ${this.stderr}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 500);
        this.#waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }
}

let fake: FakeMaglevd;

beforeAll(async () => {
  fake = new FakeMaglevd(SAMPLE_CONFIG);
  await fake.start();
});

afterAll(async () => {
  await fake?.close();
});

describe('maglevd-frontend binary', () => {
  it('prints its version', async () => {
    const r = await runBin('maglevd-frontend', ['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^maglevd-frontend version \S+ \(commit \S+, built \S+\)\n$/);
  });

  it('--help lists every flag and renders no empty default', async () => {
    const r = await runBin('maglevd-frontend', ['--help']);
    expect(r.code).toBe(0);
    for (const flag of ['server', 'listen', 'log-level', 'version', 'help'])
      expect(r.stdout).toContain(`--${flag}`);
    expect(r.stdout).toContain('(env MAGLEV_FRONTEND_SERVER, MAGLEV_SERVERS)\n');
    expect(r.stdout).not.toMatch(/default[;)]|\(\)/);
  });

  it.each([
    [[], {}, /no maglevd given/],
    [
      ['-server', 'x:1'],
      { MAGLEV_FRONTEND_USER: 'ops' },
      /neither MAGLEV_FRONTEND_PASSWORD nor a password file/,
    ],
    [['-server', 'x:1', '-listen', '8080'], {}, /invalid listen address "8080"/],
    [['-server', 'x:1', '-log-level', 'loud'], {}, /expected one of debug, info, warn, error/],
  ])('%j %j is a usage error', async (args, env, why) => {
    const r = await runBin('maglevd-frontend', args, { env: { MAGLEV_FRONTEND_SERVER: undefined, ...env } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(why);
  });

  it('exits 1 when the listen address is taken', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    try {
      const port = (taken.address() as AddressInfo).port;
      const r = await runBin('maglevd-frontend', ['-server', fake.address, '-listen', `127.0.0.1:${port}`]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/);
    } finally {
      taken.close();
    }
  });

  it('serves the dashboard, ignores SIGHUP, stops cleanly on SIGTERM, and never logs the password', async () => {
    const p = new Running(['-listen', '127.0.0.1:0'], {
      MAGLEV_FRONTEND_SERVER: fake.address,
      MAGLEV_FRONTEND_USER: 'ops',
      MAGLEV_FRONTEND_PASSWORD: 'hunter2-secret',
      MAGLEV_FRONTEND_LOG_LEVEL: 'info',
    });
    try {
      const starting = await p.line('starting');
      expect(starting).toMatchObject({ level: 'INFO', version: expect.any(String) });
      const listening = await p.line('listening');
      expect(listening).toMatchObject({ admin: true, maglevds: [fake.address] });
      const base = `http://127.0.0.1:${listening.port as number}`;
      expect(await get(`${base}/healthz`)).toEqual({ status: 200, body: 'ok\n' });
      await expect
        .poll(
          async () =>
            (JSON.parse((await get(`${base}/view/api/state`)).body) as StateResponse).maglevds[0]?.frontends
              .length,
          {
            timeout: 30_000,
          },
        )
        .toBe(2);
      expect((await get(`${base}/admin/api/version`)).status).toBe(401);

      p.child.kill('SIGHUP');
      await p.line('sighup-ignored');
      expect((await get(`${base}/healthz`)).status).toBe(200);

      p.child.kill('SIGTERM');
      expect(await p.exited).toEqual({ code: 0, signal: null });
      await p.line('stopped');
      expect(JSON.stringify(p.lines)).not.toContain('hunter2');
    } finally {
      p.child.kill('SIGKILL');
    }
  });
});
