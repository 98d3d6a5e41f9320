import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { binPath } from '../../support/bin.js';
import { type FakeMaglevd, startFakeMaglevd } from './fake-maglevd.js';

/**
 * The interactive shell in a real terminal: the built maglevc runs inside tmux, keys go in with
 * send-keys and the screen comes back with capture-pane. Every wait polls the screen for the
 * expected text, with a generous deadline.
 */

const run = promisify(execFile);
const SOCKET = `maglevc-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
const DEADLINE_MS = 30_000;
let dir: string;
let conf: string;
let fake: FakeMaglevd;
let address: string;
let closeServer: () => Promise<void>;
let session = 0;
let target = '';

function tmux(...args: string[]): Promise<string> {
  return run('tmux', ['-L', SOCKET, '-f', conf, ...args], {
    env: { ...process.env, TZ: 'UTC', LANG: 'C.UTF-8' },
  }).then((r) => r.stdout);
}

/** Everything the pane shows, scrollback included, wrapped lines joined, trailing blanks gone. */
async function screen(): Promise<string> {
  const text = await tmux('capture-pane', '-p', '-J', '-S', '-', '-t', target);
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/\n+$/, '');
}

async function waitFor(what: RegExp | ((s: string) => boolean)): Promise<string> {
  const test = typeof what === 'function' ? what : (s: string) => what.test(s);
  const until = Date.now() + DEADLINE_MS;
  let last = '';
  for (;;) {
    last = await screen();
    if (test(last)) return last;
    if (Date.now() > until) throw new Error(`screen never matched ${String(what)}; it shows:\n${last}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The cursor's column (trailing blanks are invisible on the screen). */
async function cursorX(): Promise<number> {
  return Number((await tmux('display-message', '-p', '-t', target, '#{cursor_x}')).trim());
}

/**
 * maglevc's exit status once it has ended, or "running". A shell wrapper prints it: tmux's own
 * pane_dead_status is lost when the pty closes before the child is reaped.
 */
async function paneExit(): Promise<string> {
  return /^maglevc-exit=(\d+)$/m.exec(await screen())?.[1] ?? 'running';
}

const keys = (...k: string[]) => tmux('send-keys', '-t', target, ...k);
/** Literal text: `?` and the like are not key names. */
const type = (text: string) => tmux('send-keys', '-t', target, '-l', text);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'maglevc-tmux-'));
  conf = join(dir, 'tmux.conf');
  // A dead pane stays, so its last words can be read; the server outlives its sessions, so a
  // new session never races a server shutting down.
  writeFileSync(conf, 'set -s exit-empty off\nset -g remain-on-exit on\nset -g history-limit 10000\n');
  ({ fake, address, close: closeServer } = await startFakeMaglevd());
  await tmux('start-server');
});

afterAll(async () => {
  await tmux('kill-server').catch(() => undefined);
  await closeServer();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs the built maglevc with these words in a new tmux session of its own. `env` is set for
 * it; NO_COLOR and MAGLEV_COLOR are otherwise cleared, so the test runner's own cannot decide.
 */
async function startMaglevc(words: string, env = ''): Promise<void> {
  fake.reset();
  target = `s${++session}`;
  const cmd =
    `env -u NO_COLOR -u MAGLEV_COLOR ${env} ${process.execPath} ${binPath('maglevc')} ` +
    `--server ${address} ${words}; echo maglevc-exit=$?`;
  await tmux('new-session', '-d', '-s', target, '-x', '150', '-y', '50', cmd);
}

/** The pane with its colours as escape sequences. */
function screenWithEscapes(): Promise<string> {
  return tmux('capture-pane', '-p', '-e', '-J', '-S', '-', '-t', target);
}

afterEach(async () => {
  await tmux('kill-session', '-t', target).catch(() => undefined);
});

describe('maglevc watch events, one-shot, in a terminal', () => {
  it.each([
    ['any key', 'q'],
    ['Ctrl-C', 'C-c'],
  ])('ends on %s with status 0, and gives the terminal back', async (_what, key) => {
    await startMaglevc('watch events frontend');
    await waitFor(/\{"frontend":\{"frontend":"dns".*\}\}$/m);
    expect(await paneExit()).toBe('running');
    await keys(key);
    await expect.poll(paneExit, { timeout: DEADLINE_MS, interval: 100 }).toBe('0');
  });

  it('ends by itself after num events', async () => {
    await startMaglevc('watch events num 2');
    await expect.poll(paneExit, { timeout: DEADLINE_MS, interval: 100 }).toBe('0');
    expect((await screen()).split('\n').filter((l) => l.startsWith('{"frontend":'))).toHaveLength(2);
  });
});

describe('maglevc one-shot in a terminal: colour by default, none with NO_COLOR', () => {
  const BLUE = '\x1b[34m';
  const RED = '\x1b[31m';

  it('colours labels on a terminal', async () => {
    await startMaglevc('show backend nginx0');
    await expect.poll(paneExit, { timeout: DEADLINE_MS, interval: 100 }).toBe('0');
    expect(await screenWithEscapes()).toContain(`${BLUE}name`);
  });

  it.each([
    ['NO_COLOR=1', false],
    ['NO_COLOR=', true],
    ['NO_COLOR=1 MAGLEV_COLOR=always', true],
    ['MAGLEV_COLOR=never', false],
  ])('%s: colour %s', async (env, on) => {
    await startMaglevc('show backend nope', env);
    await expect.poll(paneExit, { timeout: DEADLINE_MS, interval: 100 }).toBe('1');
    const s = await screenWithEscapes();
    expect(s).toContain('backend "nope" not found');
    expect(s.includes(RED)).toBe(on);
  });

  it('show frontends lists names, one per line, plain, even on a terminal', async () => {
    await startMaglevc('show frontends');
    await expect.poll(paneExit, { timeout: DEADLINE_MS, interval: 100 }).toBe('0');
    // With escapes shown, the lines are still bare: no colour around the names.
    expect(await screenWithEscapes()).toMatch(/^web\napi\ndns\nmaglevc-exit=0$/m);
  });
});

describe('maglevc shell in a terminal', () => {
  beforeEach(async () => {
    await startMaglevc('');
    await waitFor(/^maglev>$/m);
  });

  it('greets with the build version and shows the prompt', async () => {
    const s = await screen();
    expect(s).toMatch(/^maglevc version \S+ \(commit \S+, built \S+\); maglevd at 127\.0\.0\.1:\d+\n/);
    expect(s).toContain("Type 'help' or ? for help, Tab to complete, Ctrl-D to leave.");
  });

  it('Tab completes a keyword in place, then lists live names and restores the prompt', async () => {
    await type('sh ba');
    await keys('Tab');
    await waitFor(/^maglev> sh backends$/m);
    expect(await cursorX()).toBe('maglev> sh backends '.length);
    await keys('Tab');
    // The keyword `detail` and the live names compete.
    await waitFor(/^detail +nginx0 +nginx1 +nginx2 +api0 +api1 +dns0\nmaglev> sh backends$/m);
    expect(await cursorX()).toBe('maglev> sh backends '.length);
    // Several candidates with a longer common prefix: listed, and the prefix is filled in.
    await type('ng');
    await keys('Tab');
    await waitFor(/^nginx0 +nginx1 +nginx2\nmaglev> sh backends nginx$/m);
    await type('1');
    await keys('Enter');
    const s = await waitFor(/^state {8}down for 1h12m$/m);
    expect(s).toMatch(/^address {6}192\.0\.2\.11$/m);
    await waitFor(/transitions\n.*\n.*up -> down +L4CON.*\nmaglev>$/);
  });

  it('Tab offers detail beside the names after show frontends; ? explains it', async () => {
    await type('show frontends d');
    await keys('Tab');
    await waitFor(/^detail +dns\nmaglev> show frontends d$/m);
    await type('e');
    await keys('Tab');
    await waitFor(/^maglev> show frontends detail$/m);
    await keys('Enter');
    await waitFor(/^name +address +protocol +port +state .*\nweb .*\napi .*\ndns .*\nmaglev>$/m);
    await type('show backends ?');
    await waitFor(
      /^maglev> show backends \?\n {2}detail +all backends as a table\n {2}<name> +backend name\n {2}<cr> +run the command\nmaglev> show backends$/m,
    );
    await keys('C-u');
    await type('set backend nginx0 ?');
    await waitFor(/^ {2}pause +stop probing; weight 0, flows kept \(a drain\)$/m);
  });

  it('completes pools and pool members from the frontend on the line', async () => {
    await type('set fr web pool ');
    await keys('Tab');
    await waitFor(/^primary +fallback\nmaglev> set fr web pool$/m);
    await type('p');
    await keys('Tab');
    await waitFor(/^maglev> set fr web pool primary$/m);
    await type('ba');
    await keys('Tab');
    await type('ng');
    await keys('Tab');
    // Only the members of that pool: nginx2 is in another pool.
    await waitFor(/^nginx0 +nginx1\nmaglev> set fr web pool primary backend nginx$/m);
    await keys('C-u');
    await type('sh he h');
    await keys('Tab');
    await waitFor(/^maglev> sh he http-check$/m);
  });

  it('? lists continuations in several positions without adding itself to the line', async () => {
    await type('?');
    let s = await waitFor(/^maglev> \?\n {2}show +show state and configuration\n/m);
    expect(s).toMatch(/^ {2}watch +follow live events$/m);
    await waitFor(/^ {2}exit +leave the shell \(same as quit\)\nmaglev>$/m);

    await type('show ?');
    s = await waitFor(
      /^maglev> show \?\n {2}version +.*\n {2}frontends +.*\n {2}backends +.*\n {2}healthchecks +.*\n {2}vpp +the VPP dataplane\nmaglev> show$/m,
    );

    await type('vpp l?');
    await waitFor(
      /^maglev> show vpp l\?\n {2}lbstate +same as lb state\n {2}lb +the lb plugin\nmaglev> show vpp l$/m,
    );

    await keys('C-u');
    await type('watch events num 5 ?');
    s = await waitFor(
      /^maglev> watch events num 5 \?\n {2}log +log events\n {2}backend +.*\n {2}frontend +.*\n {2}<cr> +run the command\n/m,
    );

    // In the middle of a line: help for the words left of the cursor; the line is kept whole.
    await keys('C-u');
    await type('show vpp info');
    await keys('C-a', 'Right', 'Right', 'Right', 'Right', 'Right');
    await type('?');
    await waitFor(
      /^maglev> show \?vpp info\n {2}version +.*\n(.*\n){3} {2}vpp +the VPP dataplane\nmaglev> show vpp info$/m,
    );
    await keys('Enter');
    await waitFor(/^version +24\.10-release\n(.*\n){5}maglev>$/m);

    // Words that do not parse: the bad one is pointed at.
    await type('show bogus ?');
    await waitFor(/^maglev> show bogus \?\n {13}\^\n.*unknown word "bogus"/m);
  });

  it('runs full commands, and errors point at the bad word', async () => {
    await type('set backend nginx0 pause');
    await keys('Enter');
    await waitFor(/^backend nginx0 state paused enabled true\nmaglev>$/m);
    expect((await fake.handlers.getBackend({ name: 'nginx0' } as never)).state).toBe('paused');
    await type('show bogus');
    await keys('Enter');
    await waitFor(
      /^maglev> show bogus\n {13}\^\nunknown word "bogus"; expected one of: version, frontends, backends, healthchecks, vpp\nmaglev>$/m,
    );
    await type('set backend nope pause');
    await keys('Enter');
    await waitFor(/^backend "nope" not found\nmaglev>$/m);
  });

  it('watch events stops on any key, and on Ctrl-C; the key is not typed', async () => {
    await type('watch events');
    await keys('Enter');
    await waitFor(/\{"frontend":\{"frontend":"dns".*\}\}$/m);
    await keys('x');
    await waitFor(/"dns".*\nmaglev>$/);
    expect(await cursorX()).toBe('maglev> '.length);

    await type('watch events backend frontend');
    await keys('Enter');
    // The frontend replay shows the stream is subscribed.
    await waitFor(/^maglev> watch events backend frontend\n.*\n.*\n\{"frontend":\{"frontend":"dns"/m);
    fake.handlers.disableBackend({ name: 'nginx1' } as never);
    await waitFor(/^\{"backend":\{"backend":"nginx1","frontend":"web",.*"to":"disabled"/m);
    await keys('C-c');
    await waitFor(/"to":"disabled".*\nmaglev>$/);
    await type('show version');
    await keys('Enter');
    await waitFor(/^version {2}\S+\ncommit {3}\S+\ndate {5}\S+\nmaglev>$/m);
  });

  it('history recalls the previous command; Ctrl-C drops the line', async () => {
    await type('show vpp info');
    await keys('Enter');
    await waitFor(/connected .*\nmaglev>$/);
    await keys('Up');
    await waitFor(/connected .*\nmaglev> show vpp info$/);
    await keys('C-c');
    await waitFor(/^maglev> show vpp info\^C\nmaglev>$/m);
  });

  it('Ctrl-D leaves with status 0', async () => {
    await keys('C-d');
    await expect.poll(paneExit, { timeout: DEADLINE_MS, interval: 100 }).toBe('0');
  });

  it('quit leaves with status 0', async () => {
    await type('quit');
    await keys('Enter');
    await expect.poll(paneExit, { timeout: DEADLINE_MS, interval: 100 }).toBe('0');
  });
});
