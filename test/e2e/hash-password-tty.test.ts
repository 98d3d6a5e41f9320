import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parsePasswordHash, verifyPassword } from '../../lib/dashboard/auth.js';
import { binPath } from '../support/bin.js';

/**
 * `maglevd-frontend --hash-password` on a real terminal (tmux): it asks twice, echoes nothing,
 * and prints the hash line; two different answers are refused.
 */

const run = promisify(execFile);
const SOCKET = `hashpw-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
const DEADLINE_MS = 30_000;
let dir: string;
let conf: string;
let session = 0;
let target = '';

function tmux(...args: string[]): Promise<string> {
  return run('tmux', ['-L', SOCKET, '-f', conf, ...args], { env: { ...process.env, LANG: 'C.UTF-8' } }).then(
    (r) => r.stdout,
  );
}

async function screen(): Promise<string> {
  return (await tmux('capture-pane', '-p', '-J', '-S', '-', '-t', target)).replace(/\s+$/, '');
}

async function waitFor(re: RegExp): Promise<string> {
  const until = Date.now() + DEADLINE_MS;
  for (;;) {
    const s = await screen();
    if (re.test(s)) return s;
    if (Date.now() > until) throw new Error(`screen never matched ${String(re)}; it shows:\n${s}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const type = (text: string) => tmux('send-keys', '-t', target, '-l', text);
const enter = () => tmux('send-keys', '-t', target, 'Enter');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hashpw-tmux-'));
  conf = join(dir, 'tmux.conf');
  writeFileSync(conf, 'set -s exit-empty off\nset -g remain-on-exit on\n');
  await tmux('start-server');
});

afterAll(async () => {
  await tmux('kill-server').catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  await tmux('kill-session', '-t', target).catch(() => undefined);
});

async function start(out: string): Promise<void> {
  target = `s${++session}`;
  const cmd = `${process.execPath} ${binPath('maglevd-frontend')} --hash-password > ${out}; echo hash-exit=$?`;
  await tmux('new-session', '-d', '-s', target, '-x', '120', '-y', '20', cmd);
}

describe('maglevd-frontend --hash-password on a terminal', () => {
  it('asks twice without echo and prints the hash of the password typed', async () => {
    const out = join(dir, 'hash-ok');
    await start(out);
    await waitFor(/^Password:$/m);
    await type('tty s3cret');
    await enter();
    await waitFor(/^Again:$/m);
    await type('tty s3cret');
    await enter();
    const s = await waitFor(/hash-exit=\d+/);
    expect(s).toContain('hash-exit=0');
    expect(s).not.toContain('s3cret');
    const line = readFileSync(out, 'utf8');
    expect(line).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$\S+\$\S+\n$/);
    expect(await verifyPassword('tty s3cret', parsePasswordHash(line))).toBe(true);
  });

  it('two different answers: refused, nothing printed', async () => {
    const out = join(dir, 'hash-differ');
    await start(out);
    await waitFor(/^Password:$/m);
    await type('one');
    await enter();
    await waitFor(/^Again:$/m);
    await type('two');
    await enter();
    const s = await waitFor(/hash-exit=\d+/);
    expect(s).toContain('maglevd-frontend: the two passwords differ');
    expect(s).toContain('hash-exit=1');
    expect(readFileSync(out, 'utf8')).toBe('');
  });
});
