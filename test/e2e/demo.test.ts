import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaglevClient } from '../../lib/api/client.js';
import { clockTime, formatDemoEvent, MaglevDemo, transitionReason } from '../../lib/demo/demo.js';
import type { BackendEvent } from '../../lib/events/types.js';

const DEADLINE_MS = 30_000;
const DEMO_BIN = fileURLToPath(new URL('../../dist/bin/maglev-demo.js', import.meta.url));

function demoBin(): string {
  if (!existsSync(DEMO_BIN))
    throw new Error(`${DEMO_BIN} is missing: run 'npm run build' first (npm test does)`);
  return DEMO_BIN;
}

/** Words said twice in a row, ignoring case and punctuation ("paused (paused" counts). */
function doubledWords(line: string): string[] {
  const words = line
    .split(/\s+/)
    .map((w) => w.toLowerCase().replace(/[^\p{L}\p{N}]/gu, ''))
    .filter((w) => w !== '');
  return words.filter((w, i) => i > 0 && words[i - 1] === w);
}

/** An event line: local HH:MM:SS, two spaces, the text. */
const EVENT_LINE = /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d {2}\S/;

// Asia/Kolkata is UTC+05:30 all year: a line in local time cannot pass for UTC there.
const TZ = 'Asia/Kolkata';
const KOLKATA_OFFSET_S = 5.5 * 3600;

/** Seconds between a printed HH:MM:SS in Kolkata and now, across midnight too. */
function secondsFromNowInKolkata(hms: string): number {
  const [h, m, s] = hms.split(':').map(Number) as [number, number, number];
  const nowS = Math.floor(Date.now() / 1000 + KOLKATA_OFFSET_S) % 86_400;
  const d = Math.abs(h * 3600 + m * 60 + s - nowS);
  return Math.min(d, 86_400 - d);
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

describe('the demo in-process', () => {
  const demo = new MaglevDemo({
    grpcAddr: '127.0.0.1:0',
    metricsAddr: '127.0.0.1:0',
    dashboardAddr: '127.0.0.1:0',
  });
  let client: MaglevClient;

  function weights(): Record<string, number> {
    const vip = demo.sim?.getState().vips.find((v) => v.used && v.prefix === '198.51.100.1/32');
    return Object.fromEntries(
      (vip?.ases ?? []).filter((a) => a.flags === 1).map((a) => [a.address, a.weight]),
    );
  }

  beforeAll(async () => {
    await demo.start();
    client = new MaglevClient(`127.0.0.1:${demo.grpcPort}`);
  });

  afterAll(async () => {
    client?.close();
    await demo.close();
  });

  it('npm start: the demo programs the simulator, and a crashed backend loses its weight', async () => {
    await expect.poll(weights, { timeout: DEADLINE_MS }).toEqual({
      '127.0.0.2': 100,
      '127.0.0.3': 100,
      '127.0.0.4': 50,
      '127.0.0.5': 0,
    });
    expect((await client.listFrontends()).names).toEqual(['web']);
    expect(await demo.toggle(1)).toEqual({ name: 'nginx1', listening: false });
    await expect.poll(weights, { timeout: DEADLINE_MS }).toMatchObject({ '127.0.0.3': 0 });
    expect(await demo.toggle(1)).toEqual({ name: 'nginx1', listening: true });
    await expect.poll(weights, { timeout: DEADLINE_MS }).toMatchObject({ '127.0.0.3': 100 });
    const page = await fetch(`http://127.0.0.1:${demo.dashboardPort}/view/`);
    expect(page.status).toBe(200);
  });

  it('close() removes the temporary directory, and may be called again', async () => {
    const other = new MaglevDemo({ grpcAddr: '127.0.0.1:0', metricsAddr: '127.0.0.1:0', dashboardAddr: '' });
    expect(existsSync(other.dir)).toBe(true);
    await other.start();
    await other.close();
    expect(existsSync(other.dir)).toBe(false);
    await other.close();
  });

  it('a start that fails stops what it started and removes the directory', async () => {
    // The dashboard address is taken by the running demo: start fails after maglevd is up.
    const clash = new MaglevDemo({
      grpcAddr: '127.0.0.1:0',
      metricsAddr: '127.0.0.1:0',
      dashboardAddr: `127.0.0.1:${demo.dashboardPort}`,
    });
    await expect(clash.start()).rejects.toThrow(/EADDRINUSE/);
    expect(existsSync(clash.dir)).toBe(false);
    expect(clash.grpcPort).toBeGreaterThan(0);
    expect(await refused(clash.grpcPort)).toBe(true);
  });
});

describe('demo event lines', () => {
  const event = (code: string, detail: string, from: string, to: string): BackendEvent =>
    ({
      kind: 'backend',
      backend: 'nginx1',
      frontend: 'web',
      address: '127.0.0.3',
      transition: { from, to, at: Date.UTC(2026, 0, 2, 3, 4, 5), code, detail },
    }) as BackendEvent;

  it.each([
    ['paused', 'paused by operator', 'up', 'paused', 'backend nginx1: up → paused (by operator)'],
    [
      'resumed',
      'resumed by operator',
      'paused',
      'unknown',
      'backend nginx1: paused → unknown (resumed by operator)',
    ],
    ['disabled', 'disabled by operator', 'up', 'disabled', 'backend nginx1: up → disabled (by operator)'],
    [
      'enabled',
      'enabled by operator',
      'disabled',
      'unknown',
      'backend nginx1: disabled → unknown (enabled by operator)',
    ],
    [
      'removed',
      'removed from the configuration',
      'up',
      'removed',
      'backend nginx1: up → removed (from the configuration)',
    ],
    ['L7OK', 'status 200', 'unknown', 'up', 'backend nginx1: unknown → up (L7OK status 200)'],
    ['L4CON', 'connect ECONNREFUSED', 'up', 'down', 'backend nginx1: up → down (L4CON connect ECONNREFUSED)'],
    ['L4TOUT', '', 'up', 'down', 'backend nginx1: up → down (L4TOUT)'],
  ])('%s / %s reads once, with its local time', (code, detail, from, to, text) => {
    const line = formatDemoEvent(event(code, detail, from, to)) as string;
    expect(line).toBe(`${clockTime(Date.UTC(2026, 0, 2, 3, 4, 5))}  ${text}`);
    expect(line).toMatch(EVENT_LINE);
    expect(doubledWords(line)).toEqual([]);
  });

  it('leaves out a reason that only repeats the new state', () => {
    expect(transitionReason({ to: 'paused', code: 'paused', detail: 'paused' })).toBe('');
    expect(formatDemoEvent(event('paused', 'paused', 'up', 'paused'))).toMatch(
      / {2}backend nginx1: up → paused$/,
    );
  });

  it('shows a backend once (its per-frontend copy) and ignores records it has no line for', () => {
    expect(formatDemoEvent({ ...event('L7OK', 'status 200', 'unknown', 'up'), frontend: null })).toBeNull();
    expect(formatDemoEvent({ kind: 'log', level: 'debug', msg: 'probe-done', attrs: {}, at: 0 })).toBeNull();
    expect(
      formatDemoEvent({
        kind: 'log',
        level: 'info',
        msg: 'vpp-lbsync-as-weight',
        attrs: { address: '127.0.0.3', weight: 0, flush: true },
        at: 0,
      }),
    ).toBe(`${clockTime(0)}  VPP: 127.0.0.3 weight 0 (flows flushed)`);
  });

  it('clockTime is local HH:MM:SS', () => {
    const at = new Date(2026, 4, 6, 7, 8, 9).getTime();
    expect(clockTime(at)).toBe('07:08:09');
  });
});

describe('the built demo (npm start)', () => {
  /** The demo with its output collected line by line. */
  class Demo {
    readonly child: ChildProcess;
    readonly lines: string[] = [];
    readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
    #buf = '';

    constructor() {
      this.child = spawn(process.execPath, [demoBin()], {
        env: { ...process.env, TZ },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const take = (d: string) => {
        this.#buf += d;
        for (let nl = this.#buf.indexOf('\n'); nl >= 0; nl = this.#buf.indexOf('\n')) {
          this.lines.push(this.#buf.slice(0, nl));
          this.#buf = this.#buf.slice(nl + 1);
        }
      };
      this.child.stdout?.setEncoding('utf8').on('data', take);
      this.child.stderr?.setEncoding('utf8').on('data', take);
      this.exited = new Promise((resolve) =>
        this.child.on('exit', (code, signal) => resolve({ code, signal })),
      );
    }

    async line(re: RegExp): Promise<RegExpExecArray> {
      let m: RegExpExecArray | null = null;
      await expect
        .poll(
          () => {
            for (const l of this.lines) {
              m = re.exec(l);
              if (m) return true;
            }
            return false;
          },
          { timeout: DEADLINE_MS, interval: 100, message: `no line ${re} in:\n${this.lines.join('\n')}` },
        )
        .toBe(true);
      return m as unknown as RegExpExecArray;
    }

    /** The lines after the banner: the event log. */
    events(): string[] {
      const keys = this.lines.findIndex((l) => l.startsWith('Keys'));
      return this.lines.slice(keys + 1).filter((l) => l !== '');
    }
  }

  let demo: Demo | null = null;
  let dir = '';
  // A failed run leaves nothing behind.
  afterAll(async () => {
    if (demo && demo.child.exitCode === null && demo.child.signalCode === null) {
      demo.child.kill('SIGKILL');
      await demo.exited;
    }
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('prints timestamped event lines without doubled words, and SIGHUP stops it and removes its directory', async () => {
    demo = new Demo();
    dir = dirname((await demo.line(/^ {2}config +(\S+)$/))[1] as string);
    const grpcPort = Number((await demo.line(/^ {2}maglevd +gRPC 127\.0\.0\.1:(\d+),/))[1]);
    expect(existsSync(dir)).toBe(true);
    await demo.line(/^\S+ {2}backend nginx1: unknown → up /);

    const client = new MaglevClient(`127.0.0.1:${grpcPort}`);
    try {
      await client.pauseBackend('nginx1');
      const paused = await demo.line(/^(\S+) {2}backend nginx1: up → paused.*$/);
      expect(paused[0]).toMatch(/^\d\d:\d\d:\d\d {2}backend nginx1: up → paused \(by operator\)$/);
      // The time of day where the demo runs, not UTC.
      expect(secondsFromNowInKolkata(paused[1] as string)).toBeLessThan(60);
      await client.resumeBackend('nginx1');
      await demo.line(/^\S+ {2}backend nginx1: paused → unknown \(resumed by operator\)$/);
    } finally {
      client.close();
    }
    const events = demo.events();
    expect(events.length).toBeGreaterThanOrEqual(6);
    for (const l of events) {
      expect(l).toMatch(EVENT_LINE);
      expect(doubledWords(l), l).toEqual([]);
    }

    demo.child.kill('SIGHUP');
    expect(await demo.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(dir)).toBe(false);
    expect(await refused(grpcPort)).toBe(true);
  });
});

describe('the built demo in a terminal that closes', () => {
  const run = promisify(execFile);
  const SOCKET = `maglev-demo-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  let tmuxDir: string;
  let conf: string;
  let demoDir = '';
  const tmux = (...args: string[]) =>
    run('tmux', ['-L', SOCKET, '-f', conf, ...args], { env: { ...process.env, LANG: 'C.UTF-8' } }).then(
      (r) => r.stdout,
    );
  const screen = () => tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'demo');

  beforeAll(async () => {
    tmuxDir = mkdtempSync(join(tmpdir(), 'maglev-demo-tmux-'));
    conf = join(tmuxDir, 'tmux.conf');
    writeFileSync(conf, 'set -s exit-empty off\nset -g history-limit 10000\n');
    await tmux('start-server');
  });

  afterAll(async () => {
    await tmux('kill-server').catch(() => undefined);
    rmSync(tmuxDir, { recursive: true, force: true });
    // A failed run leaves nothing behind.
    if (demoDir !== '') rmSync(demoDir, { recursive: true, force: true });
  });

  it('closing the terminal (SIGHUP, stdin and stdout gone) stops the demo and removes its directory', async () => {
    // exec: the pane's process is the demo itself, so its pid is the pane's.
    await tmux(
      'new-session',
      '-d',
      '-s',
      'demo',
      '-x',
      '200',
      '-y',
      '50',
      `TZ=${TZ} exec ${process.execPath} ${demoBin()}`,
    );
    const pid = Number((await tmux('display-message', '-p', '-t', 'demo', '#{pane_pid}')).trim());
    let text = '';
    await expect
      .poll(
        async () => {
          text = await screen();
          return /backend nginx1: unknown → up/.test(text);
        },
        { timeout: DEADLINE_MS, interval: 200 },
      )
      .toBe(true);
    demoDir = dirname(/^ {2}config +(\S+)$/m.exec(text)?.[1] as string);
    expect(existsSync(demoDir)).toBe(true);

    // Key 2 crashes nginx1; the demo says so on a timestamped line.
    await tmux('send-keys', '-t', 'demo', '2');
    await expect
      .poll(async () => /^\d\d:\d\d:\d\d {2}nginx1 crashed \(listener closed\)$/m.test(await screen()), {
        timeout: DEADLINE_MS,
        interval: 200,
      })
      .toBe(true);

    await tmux('kill-session', '-t', 'demo');
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await expect.poll(alive, { timeout: DEADLINE_MS, interval: 100 }).toBe(false);
    expect(existsSync(demoDir)).toBe(false);
  });
});
