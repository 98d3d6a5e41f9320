import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DemoBackendServer } from '../../../lib/demo/backend-server.js';
import { binPath } from '../../support/bin.js';
import { RoundRobinVip } from './round-robin.js';
import { type TempDir, tempDir, vipConfigYaml } from './vips.js';

/**
 * The live screen in a real terminal: the built maglevt runs inside tmux against stand-in VIPs
 * on loopback addresses, keys go in with send-keys and the screen comes back with capture-pane.
 * Every wait polls the screen for the expected text, with a generous deadline.
 *
 * VIP "web" is a round-robin stand-in balancer over backends alpha and beta (each answers with
 * X-IPng-Frontend naming itself); VIP "solo" is a server of its own.
 */

const run = promisify(execFile);
const SOCKET = `maglevt-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
const DEADLINE_MS = 30_000;
const ESC = '\u001b';
let dir: TempDir;
let tmuxConf: string;
let config: string;
let alpha: DemoBackendServer;
let beta: DemoBackendServer;
let solo: DemoBackendServer;
let web: RoundRobinVip;
let session = 0;
let target = '';

function tmux(...args: string[]): Promise<string> {
  return run('tmux', ['-L', SOCKET, '-f', tmuxConf, ...args], {
    env: { ...process.env, LANG: 'C.UTF-8' },
  }).then((r) => r.stdout);
}

/**
 * What the pane shows, trailing blanks gone; with `escapes`, SGR attributes included; with
 * `history`, the lines scrolled off the top too (tmux may push the first lines there).
 */
async function screen(escapes = false, history = false): Promise<string> {
  const text = await tmux(
    'capture-pane',
    '-p',
    ...(escapes ? ['-e'] : []),
    ...(history ? ['-S', '-'] : []),
    '-t',
    target,
  );
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/\n+$/, '');
}

async function waitFor(what: string, test: (s: string) => boolean, escapes = false): Promise<string> {
  const until = Date.now() + DEADLINE_MS;
  let last = '';
  for (;;) {
    last = await screen(escapes);
    if (test(last)) return last;
    if (Date.now() > until) throw new Error(`the screen never showed ${what}; it shows:\n${last}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The table row of a VIP, split into its columns. */
function row(text: string, vip: string): string[] | null {
  const line = text.split('\n').find((l) => l.startsWith(`${vip} `));
  return line ? line.trim().split(/\s+/) : null;
}

// Columns: VIP ADDRESS PROBE N FAIL OK% P50 P95 P99 MAX LAST tally...
const N = 3;
const FAIL = 4;
const LAST = 10;
const num = (cols: string[] | null, i: number) => Number(cols?.[i] ?? Number.NaN);
/** The tally's count of a value in a row, or null when it is not shown. */
function tally(cols: string[] | null, value: string): number | null {
  const cell = cols?.slice(LAST + 1).find((c) => c.startsWith(`${value}=`));
  return cell === undefined ? null : Number(cell.slice(value.length + 1));
}

const keys = (...k: string[]) => tmux('send-keys', '-t', target, ...k);

/** maglevt's exit status once it has ended, or "running"; a shell wrapper prints it. */
async function exitStatus(): Promise<string> {
  return /^maglevt-exit=(\d+)$/m.exec(await screen())?.[1] ?? 'running';
}

async function startMaglevt(): Promise<void> {
  target = `s${++session}`;
  const cmd =
    `printf 'before-maglevt\\n'; ${process.execPath} ${binPath('maglevt')} --config ${config}; ` +
    // cat keeps the pane alive on the terminal maglevt leaves behind.
    `echo maglevt-exit=$?; exec cat`;
  await tmux('new-session', '-d', '-s', target, '-x', '170', '-y', '40', cmd);
}

beforeAll(async () => {
  dir = tempDir('maglevt-tmux-');
  tmuxConf = dir.write(
    'tmux.conf',
    'set -s exit-empty off\nset -g remain-on-exit on\nset -g default-terminal tmux-256color\n',
  );
  alpha = new DemoBackendServer({ name: 'alpha', address: '127.0.0.52' });
  beta = new DemoBackendServer({ name: 'beta', address: '127.0.0.53' });
  solo = new DemoBackendServer({ name: 'solo', address: '127.0.0.54' });
  await Promise.all([alpha.start(), beta.start(), solo.start()]);
  web = new RoundRobinVip('127.0.0.51', [
    { address: alpha.address, port: alpha.port },
    { address: beta.address, port: beta.port },
  ]);
  const webPort = await web.start();
  config = dir.write(
    'maglev.yaml',
    vipConfigYaml([
      { name: 'web', address: '127.0.0.51', port: webPort },
      { name: 'solo', address: '127.0.0.54', port: solo.port },
    ]),
  );
  await tmux('start-server');
});

afterEach(async () => {
  await tmux('kill-session', '-t', target).catch(() => undefined);
});

afterAll(async () => {
  await tmux('kill-server').catch(() => undefined);
  await web.close();
  await Promise.all([alpha.stop(), beta.stop(), solo.stop()]);
  dir.remove();
});

describe('maglevt in a terminal', () => {
  it('shows every VIP with its tally; a dead backend drains from the tally and counts failures; r, p, q', async () => {
    await startMaglevt();
    let s = await waitFor('both backends in the tally of web, and solo', (t) => {
      const w = row(t, 'web');
      return (
        (tally(w, 'alpha') ?? 0) > 2 &&
        (tally(w, 'beta') ?? 0) > 2 &&
        (tally(row(t, 'solo'), 'solo') ?? 0) > 2
      );
    });
    expect(s).toMatch(/^maglevt \S+ on \S+ {2}\| {2}2 VIPs every 100ms \(jitter 10%\) {2}\| {2}timeout 1s/);
    expect(s).toMatch(/^VIP +ADDRESS +PROBE +N +FAIL +OK% +P50 +P95 +P99 +MAX +LAST +X-IPng-Frontend$/m);
    expect(row(s, 'web')?.slice(1, 3)).toEqual([expect.stringMatching(/^127\.0\.0\.51:\d+$/), 'http']);
    expect(num(row(s, 'web'), FAIL)).toBe(0);
    expect(row(s, 'web')?.[LAST]).toBe('200');
    expect(s).toMatch(/errors: none/);
    expect(s).toMatch(/^q quit {2}p pause {2}r reset counters$/m);

    // beta dies: flows the balancer sends to it fail, alpha takes the answers, and once beta has
    // not answered for 5 s its tally entry turns grey while alpha stays bright.
    await beta.stop();
    s = await waitFor('failures on web, counted in the error panel', (t) => {
      return num(row(t, 'web'), FAIL) > 0 && /errors: \d+ net-err/.test(t) && / web +net-err +\S/.test(t);
    });
    const betaAtStop = tally(row(s, 'web'), 'beta') as number;
    const alphaAtStop = tally(row(s, 'web'), 'alpha') as number;
    s = await waitFor(
      'beta drained (grey) and alpha live (bold)',
      (t) =>
        new RegExp(`${ESC}\\[90mbeta=\\d+`).test(t) && new RegExp(`${ESC}\\[1m(${ESC}\\[37m)?alpha=`).test(t),
      true,
    );
    s = await waitFor('alpha answering on', (t) => (tally(row(t, 'web'), 'alpha') ?? 0) > alphaAtStop + 5);
    expect(tally(row(s, 'web'), 'beta')).toBe(betaAtStop);
    expect(num(row(s, 'solo'), FAIL)).toBe(0);

    // solo dies: every probe fails, refused.
    await solo.stop();
    s = await waitFor('solo refused', (t) => row(t, 'solo')?.[LAST] === 'ECONNREFUSED');
    // r: counters start again; solo has not answered since, so its tally is empty.
    await keys('r');
    s = await waitFor('counters reset', (t) => {
      const cols = row(t, 'solo');
      return (
        cols !== null && tally(cols, 'solo') === null && num(cols, N) > 0 && num(cols, N) === num(cols, FAIL)
      );
    });
    expect(row(s, 'solo')?.[5]).toBe('0%');
    // p: paused, and the key line offers to resume; p again resumes.
    await keys('p');
    s = await waitFor('PAUSED', (t) => /\| {2}PAUSED$/m.test(t) && /^q quit {2}p resume/m.test(t));
    await keys('p');
    await waitFor('running again', (t) => !t.includes('PAUSED') && /^q quit {2}p pause/m.test(t));

    // q: maglevt ends with status 0 and the shell's screen is back as it was.
    await solo.start();
    await beta.start();
    await keys('q');
    await expect.poll(exitStatus, { timeout: DEADLINE_MS, interval: 100 }).toBe('0');
    // The alternate screen is gone: the shell's lines follow each other, the table is nowhere.
    s = await screen(false, true);
    expect(s).toMatch(/^before-maglevt\nmaglevt-exit=0$/m);
    expect(s).not.toContain('X-IPng-Frontend');
    expect((await tmux('display-message', '-p', '-t', target, '#{alternate_on} #{cursor_flag}')).trim()).toBe(
      '0 1',
    );
    // The terminal is back in cooked mode: a typed line is echoed, then cat prints it.
    await tmux('send-keys', '-t', target, '-l', 'typed-after');
    await keys('Enter');
    await waitFor('the line echoed and printed back', (t) => /^typed-after\ntyped-after$/m.test(t));
  });

  it('Ctrl-C ends it too, with status 0 and the terminal restored', async () => {
    await startMaglevt();
    await waitFor('the table', (t) => row(t, 'solo') !== null && num(row(t, 'solo'), N) > 0);
    await keys('C-c');
    await expect.poll(exitStatus, { timeout: DEADLINE_MS, interval: 100 }).toBe('0');
    expect(await screen(false, true)).toMatch(/^before-maglevt\nmaglevt-exit=0$/m);
    expect((await tmux('display-message', '-p', '-t', target, '#{alternate_on}')).trim()).toBe('0');
  });
});
