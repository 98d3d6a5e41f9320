import { EventEmitter } from 'node:events';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stripAnsi } from '../../../lib/cli/format.js';
import { runMaglevc } from '../../../lib/cli/main.js';
import { runBin } from '../../support/bin.js';
import { type FakeMaglevd, startFakeMaglevd } from './fake-maglevd.js';

process.env.TZ = 'UTC';

class Collect extends Writable {
  text = '';
  /** A terminal or not, as maglevc's --color=auto sees it. */
  isTTY = false;
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

let fake: FakeMaglevd;
let address: string;
let close: () => Promise<void>;
let deadAddress: string;

beforeAll(async () => {
  ({ fake, address, close } = await startFakeMaglevd());
  // A port that was just free: nothing listens there.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  deadAddress = `127.0.0.1:${port}`;
});

afterAll(async () => {
  await close();
});

beforeEach(() => {
  fake.reset();
});

interface Run {
  code: number;
  out: string;
  err: string;
}

interface RunOptions {
  env?: Record<string, string>;
  stdin?: string;
  signals?: EventEmitter;
  /** Leave the colour to maglevc (no --color=never): its flags, env and terminals decide. */
  color?: boolean;
  /** Present stdout and stderr as terminals. */
  tty?: { stdout: boolean; stderr: boolean };
}

/** Starts maglevc in-process; its output can be watched while it runs. */
function start(args: readonly string[], opts: RunOptions = {}): { stdout: Collect; done: Promise<Run> } {
  const stdout = new Collect();
  const stderr = new Collect();
  stdout.isTTY = opts.tty?.stdout ?? false;
  stderr.isTTY = opts.tty?.stderr ?? false;
  const stdin = new PassThrough();
  stdin.end(opts.stdin ?? '');
  const flags = opts.color ? [] : ['--color=never'];
  const done = runMaglevc([...flags, ...args], {
    stdout,
    stderr,
    stdin,
    env: opts.env ?? { MAGLEV_SERVER: address },
    ...(opts.signals ? { signals: opts.signals } : {}),
  }).then((code) => ({ code, out: stdout.text, err: stderr.text }));
  return { stdout, done };
}

function maglevc(args: readonly string[], opts: RunOptions = {}): Promise<Run> {
  return start(args, opts).done;
}

const lineCount = (c: Collect) => c.text.split('\n').length - 1;

async function ok(...words: string[]): Promise<string> {
  const r = await maglevc(words);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return r.out;
}

describe('one-shot commands against a real gRPC server', () => {
  it('show version needs no server', async () => {
    const r = await maglevc(['show', 'version'], { env: { MAGLEV_SERVER: deadAddress } });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^version {2}\S+\ncommit {3}\S+\ndate {5}\S+\n$/);
  });

  it('help lists every command', async () => {
    const out = await ok('help');
    expect(out).toContain('watch events [num <n>] [log [level <level>]] [backend] [frontend]');
    expect(out).toContain('set frontend <name> pool <pool> backend <name> weight <0-100> [flush]');
    expect(out).toContain('config reload');
  });

  it('show frontends|backends|healthchecks: the names, one per line, plain', async () => {
    for (const words of [
      ['show', 'frontends'],
      ['sh', 'fr'],
    ]) {
      expect(await ok(...words)).toBe('web\napi\ndns\n');
    }
    expect(await ok('show', 'backends')).toBe('nginx0\nnginx1\nnginx2\napi0\napi1\ndns0\n');
    expect(await ok('show', 'healthchecks')).toBe('http-check\ntcp-check\nicmp-check\n');
    // Never coloured, not even on a terminal with colour forced.
    for (const opts of [{ color: true }, { color: true, tty: { stdout: true, stderr: true } }]) {
      expect((await maglevc(['show', 'frontends'], opts)).out).toBe('web\napi\ndns\n');
    }
    expect((await maglevc(['--color=always', 'show', 'backends'], { color: true })).out).not.toContain(
      '\x1b',
    );
  });

  it('show frontends detail / show frontend <name>', async () => {
    const all = await ok('show', 'frontends', 'detail');
    expect(await ok('sh', 'fr', 'detail')).toBe(all);
    expect(all.split('\n')[0]).toMatch(/^name +address +protocol +port +state/);
    expect(all).toMatch(/\nweb +192\.0\.2\.1 +tcp +80 +up +primary +1\/3 +Public website\n/);
    expect(all).toMatch(/\ndns +203\.0\.113\.53 +udp +53 +up/);
    const web = await ok('show', 'frontend', 'web');
    expect(web).toContain('src-ip-sticky  false\nflush-on-down  true\npools\n  primary (active)\n');
    expect(web).toMatch(/nginx1 +192\.0\.2\.11 +down +weight 50\n/);
    expect(web).toMatch(/nginx2 +192\.0\.2\.12 +disabled +\[disabled\]\n/);
  });

  it('show backends detail / show backend <name> (any unambiguous prefix)', async () => {
    const all = await ok('sh', 'ba', 'detail');
    expect(all).toMatch(/\nnginx1 +192\.0\.2\.11 +down +1h12m +true +http-check +web\n/);
    expect(all).toMatch(/\napi0 +198\.51\.100\.20 +paused +20m\ds +true +tcp-check +api\n/);
    const one = await ok('sh', 'ba', 'nginx0');
    expect(one).toMatch(
      /^name {9}nginx0\naddress {6}192\.0\.2\.10\nstate {8}up for 10m3\ds\nenabled {6}true\n/,
    );
    expect(one).toMatch(/healthcheck {2}http-check\n/);
    expect(one).toMatch(
      /transitions\n {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} {2}unknown -> up +L7OK +2h0m ago +HTTP 200\n/,
    );
    expect(one).toMatch(/down -> up +L7OK +10m3\ds ago +HTTP 200\n$/);
  });

  it('show healthchecks detail / show healthcheck <name>', async () => {
    const all = await ok('show', 'healthchecks', 'detail');
    expect(all).toMatch(/\nhttp-check +http +80 +2s +1s +5s +1s +2 +3\n/);
    expect(all).toMatch(/\nicmp-check +icmp +- +1s/);
    const one = await ok('show', 'healthcheck', 'http-check');
    expect(one).toContain('path            /healthz\n');
    expect(one).toContain('host            www.example.com\n');
  });

  it('show vpp info', async () => {
    const out = await ok('show', 'vpp', 'info');
    expect(out).toMatch(/^version {7}24\.10-release\n/);
    expect(out).toContain('vpp-pid       4242\n');
    expect(out).toMatch(/vpp-boottime {2}\S+ \S+ \(up 1d16h\)\n/);
    expect(out).toMatch(/connected {5}\S+ \S+ \(for 1h12m\)\n/);
  });

  it('show vpp lbstate and its alias show vpp lb state print the same', async () => {
    const a = await ok('show', 'vpp', 'lbstate');
    const b = await ok('show', 'vpp', 'lb', 'state');
    expect(a).toBe(b);
    expect(a).toContain('global\n  ip4-src-address          192.0.2.254\n');
    expect(a).toContain('vip 198.51.100.1/32 protocol tcp port 443\n  frontend           api\n');
    expect(a).toContain('  address 192.0.2.10 weight 100 flow-table-buckets 1024\n');
  });

  it('show vpp lb counters', async () => {
    const out = await ok('show', 'vpp', 'lb', 'counters');
    expect(out).toMatch(
      /^vip +protocol +port +frontend +first +next +untracked +no-server +packets +bytes\n/,
    );
    expect(out).toMatch(/\n192\.0\.2\.1\/32 +tcp +80 +web +2000 +1000000 +0 +0 +1002000 +1400000000\n/);
  });

  it('sync vpp lbstate [<name>] and sync vpp lb state [<name>]', async () => {
    expect(await ok('sync', 'vpp', 'lbstate')).toContain('scope              all\n');
    expect(await ok('sync', 'vpp', 'lb', 'state', 'web')).toContain('scope              vip\n');
  });

  it('set backend <name> pause|resume|disable|enable changes the backend', async () => {
    expect(await ok('set', 'backend', 'dns0', 'pause')).toBe('backend dns0 state paused enabled true\n');
    expect(await ok('show', 'backend', 'dns0')).toMatch(/state {8}paused for \d+ms\n/);
    expect(await ok('set', 'backend', 'dns0', 'resume')).toBe('backend dns0 state unknown enabled true\n');
    expect(await ok('set', 'backend', 'dns0', 'disable')).toBe('backend dns0 state disabled enabled false\n');
    expect(await ok('set', 'backend', 'dns0', 'enable')).toBe('backend dns0 state unknown enabled true\n');
    const hist = await ok('show', 'backend', 'dns0');
    expect(hist).toMatch(/up -> paused +paused/);
    expect(hist).toMatch(/disabled -> unknown +enabled/);
  });

  it('set frontend <name> pool <pool> backend <name> weight <0-100>: the override is marked *', async () => {
    const legend = '* weight set at runtime by an operator, not from the config\n';
    expect(await ok('show', 'frontend', 'api')).not.toContain(legend);
    const out = await ok('set', 'frontend', 'api', 'pool', 'main', 'backend', 'api1', 'weight', '30');
    expect(out).toMatch(/ {4}api1 +198\.51\.100\.21 +unknown +weight 30\*\n/);
    expect(out.endsWith(legend)).toBe(true);
    const api = await ok('show', 'frontend', 'api');
    expect(api).toMatch(/ {4}api0 +198\.51\.100\.20 +paused\n/);
    expect(api).toMatch(/ {4}api1 +198\.51\.100\.21 +unknown +weight 30\*\n/);
    expect(api.endsWith(legend)).toBe(true);
    // Set to 100, the default, it is still an override and still shown.
    await ok('set', 'frontend', 'api', 'pool', 'main', 'backend', 'api0', 'weight', '100');
    expect(await ok('show', 'frontend', 'api')).toMatch(/ {4}api0 +198\.51\.100\.20 +paused +weight 100\*\n/);
    // With colour the mark and the legend are the same, the label alone is blue.
    const colored = await maglevc(['--color=always', 'show', 'frontend', 'api'], { color: true });
    expect(colored.out).toContain('unknown  \x1b[34mweight\x1b[0m 30*\n');
    expect(colored.out.endsWith(legend)).toBe(true);
  });

  it('watch events num <n> prints n events as compact protobuf JSON', async () => {
    const out = await ok('watch', 'events', 'num', '3');
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => JSON.parse(l))).toMatchObject([
      { frontend: { frontend: 'web', from: 'up', to: 'up' } },
      { frontend: { frontend: 'api' } },
      { frontend: { frontend: 'dns', from: 'up', to: 'up' } },
    ]);
    expect(lines[0]).not.toContain(' ');
  });

  it('watch events backend streams live transitions', async () => {
    const run = start(['watch', 'events', 'frontend', 'backend', 'num', '4']);
    // The frontend replay is sent once the stream is subscribed to the bus.
    await expect.poll(() => lineCount(run.stdout), { timeout: 20_000 }).toBe(3);
    fake.handlers.pauseBackend({ name: 'nginx0' } as never);
    const r = await run.done;
    expect(r.code).toBe(0);
    const ev = JSON.parse(r.out.trimEnd().split('\n')[3] as string) as {
      backend: { backend: string; transition: { from: string; to: string } };
    };
    expect(ev.backend).toMatchObject({ backend: 'nginx0', transition: { from: 'up', to: 'paused' } });
  });

  it('watch events ends on SIGINT', async () => {
    const signals = new EventEmitter();
    const run = start(['watch', 'events', 'frontend'], { signals });
    await expect.poll(() => lineCount(run.stdout), { timeout: 20_000 }).toBe(3);
    expect(signals.listenerCount('SIGINT')).toBe(1);
    signals.emit('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(r.out.trimEnd().split('\n')).toHaveLength(3);
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });

  it('config check and config reload: ok, or the errors and exit 1', async () => {
    expect(await ok('config', 'check')).toBe('config ok\n');
    expect(await ok('config', 'reload')).toBe('config reloaded\n');
    fake.configError = 'frontend "web": pool "primary": backend "nginx9" is not defined';
    try {
      const r = await maglevc(['config', 'check']);
      expect(r.code).toBe(1);
      expect(r.err).toBe('semantic error: frontend "web": pool "primary": backend "nginx9" is not defined\n');
      expect((await maglevc(['config', 'reload'])).code).toBe(1);
    } finally {
      fake.configError = '';
    }
  });

  it('quit and exit do nothing in one-shot mode', async () => {
    expect(await ok('quit')).toBe('');
    expect(await ok('exit')).toBe('');
  });
});

describe('errors and exit codes', () => {
  it('unknown command: exit 2, the word pointed at', async () => {
    const r = await maglevc(['show', 'bogus']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(
      'show bogus\n     ^\nunknown word "bogus"; expected one of: version, frontends, backends, healthchecks, vpp\n',
    );
  });

  it('ambiguous prefix: exit 2, the candidates listed', async () => {
    const r = await maglevc(['s', 'ba']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('ambiguous word "s": could be show, sync, set\n');
  });

  it('incomplete command: exit 2', async () => {
    const r = await maglevc(['set', 'backend', 'nginx0']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('incomplete command; expected one of: pause, resume, disable, enable');
  });

  it('NotFound: exit 1 with maglevd message only', async () => {
    const r = await maglevc(['show', 'backend', 'nope']);
    expect(r).toMatchObject({ code: 1, out: '', err: 'backend "nope" not found\n' });
  });

  it('InvalidArgument (weight 101): exit 1', async () => {
    const r = await maglevc([
      'set',
      'frontend',
      'web',
      'pool',
      'primary',
      'backend',
      'nginx1',
      'weight',
      '101',
    ]);
    expect(r).toMatchObject({ code: 1, out: '', err: 'weight 101 out of range 0-100\n' });
  });

  it('FailedPrecondition (pause a disabled backend): exit 1', async () => {
    const r = await maglevc(['set', 'backend', 'nginx2', 'pause']);
    expect(r).toMatchObject({ code: 1, err: 'backend "nginx2" is disabled; enable it first\n' });
  });

  it('Unavailable (VPP not connected): exit 1', async () => {
    fake.vppConnected = false;
    try {
      const r = await maglevc(['show', 'vpp', 'info']);
      expect(r).toMatchObject({ code: 1, err: 'VPP is not connected\n' });
    } finally {
      fake.vppConnected = true;
    }
  });

  it('server unreachable (a closed port): exit 1, maglevc says so, no grpc-js text', async () => {
    for (const words of [
      ['show', 'frontends'],
      ['set', 'backend', 'nginx0', 'pause'],
      ['watch', 'events'],
    ]) {
      const r = await maglevc(words, { env: { MAGLEV_SERVER: deadAddress } });
      expect(r).toEqual({
        code: 1,
        out: '',
        err: `maglevc: cannot reach maglevd at ${deadAddress}: connection refused\n`,
      });
    }
    // Commands from a pipe say the same, and the run fails.
    const piped = await maglevc([], { env: { MAGLEV_SERVER: deadAddress }, stdin: 'show backends\n' });
    expect(piped).toEqual({
      code: 1,
      out: '',
      err: `maglevc: cannot reach maglevd at ${deadAddress}: connection refused\n`,
    });
    // Red on a terminal, like any error.
    const red = await maglevc(['show', 'frontends'], {
      color: true,
      tty: { stdout: true, stderr: true },
      env: { MAGLEV_SERVER: deadAddress },
    });
    expect(red.err).toBe(
      `\x1b[31mmaglevc: cannot reach maglevd at ${deadAddress}: connection refused\x1b[0m\n`,
    );
  });

  it('a unix socket that does not exist: exit 1, no such socket', async () => {
    const at = `unix:${join(tmpdir(), `maglevc-missing-${process.pid}`, 'maglevd.sock')}`;
    const r = await maglevc(['--server', at, 'show', 'frontends']);
    expect(r).toEqual({ code: 1, out: '', err: `maglevc: cannot reach maglevd at ${at}: no such socket\n` });
  });

  it.each([
    ['127.0.0.1:99999', 'port 99999 is out of range 1-65535'],
    ['', 'it is empty (expected HOST:PORT)'],
    ['garbage', 'the port is missing (expected HOST:PORT)'],
    ['::1:9090', 'an IPv6 address goes in brackets: [ADDRESS]:PORT'],
  ])('bad --server %j: exit 2, the flag and the value named', async (value, reason) => {
    for (const args of [
      ['--server', value, 'show', 'frontends'],
      [`--server=${value}`, 'show', 'version'],
    ]) {
      const r = await maglevc(args);
      expect(r).toEqual({
        code: 2,
        out: '',
        err: `maglevc: invalid value ${JSON.stringify(value)} for flag --server: ${reason}\nRun 'maglevc --help' for usage.\n`,
      });
    }
    const env = await maglevc(['show', 'frontends'], { env: { MAGLEV_SERVER: value } });
    expect(env.code).toBe(2);
    expect(env.err).toBe(
      `maglevc: invalid value ${JSON.stringify(value)} for MAGLEV_SERVER (--server): ${reason}\nRun 'maglevc --help' for usage.\n`,
    );
  });

  it('bad flag: exit 2', async () => {
    const r = await maglevc(['--sever', address, 'show', 'frontends']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown flag --sever (did you mean --server?)');
  });
});

describe('flags and colour', () => {
  it('--server beats MAGLEV_SERVER', async () => {
    const r = await maglevc(['--server', address, 'show', 'frontends'], {
      env: { MAGLEV_SERVER: deadAddress },
    });
    expect(r.code).toBe(0);
    const e = await maglevc(['--server', deadAddress, 'show', 'frontends'], {
      env: { MAGLEV_SERVER: address },
    });
    expect(e.code).toBe(1);
  });

  it('--color=always colours labels dark blue and errors red; never writes no ANSI at all', async () => {
    const colored = await maglevc(['--color=always', 'show', 'backend', 'nginx0'], { color: true });
    expect(colored.out).toContain('\x1b[34mname       \x1b[0m  nginx0');
    const err = await maglevc(['--color=always', 'show', 'backend', 'nope'], { color: true });
    expect(err.err).toBe('\x1b[31mbackend "nope" not found\x1b[0m\n');
    for (const words of [
      ['show', 'backend', 'nginx0'],
      ['show', 'frontends', 'detail'],
      ['show', 'vpp', 'lbstate'],
      ['help'],
      ['show', 'bogus'],
    ]) {
      const r = await maglevc(words, { tty: { stdout: true, stderr: true } });
      expect(r.out + r.err).not.toContain('\x1b');
    }
    const agesAway = (s: string) => s.replace(/\d+(ms|[dhms]\d*[hms]?)/g, 'T');
    expect(agesAway(stripAnsi(colored.out))).toBe(
      agesAway((await maglevc(['show', 'backend', 'nginx0'])).out),
    );
  });

  const LABEL = '\x1b[34mname';
  const RED = '\x1b[31m';
  /** Whether a run coloured its labels (stdout) and its error (stderr). */
  async function colours(args: string[], opts: RunOptions): Promise<{ labels: boolean; errors: boolean }> {
    const label = await maglevc([...args, 'show', 'backend', 'nginx0'], { ...opts, color: true });
    const error = await maglevc([...args, 'show', 'backend', 'nope'], { ...opts, color: true });
    expect([label.code, error.code]).toEqual([0, 1]);
    return { labels: label.out.includes(LABEL), errors: error.err.startsWith(RED) };
  }
  const TTY = { stdout: true, stderr: true };
  const PIPES = { stdout: false, stderr: false };

  it.each([
    ['auto on terminals', [], {}, TTY, true, true],
    ['auto into pipes', [], {}, PIPES, false, false],
    ['auto, stdout a terminal, stderr a pipe', [], {}, { stdout: true, stderr: false }, true, false],
    ['auto, stdout a pipe, stderr a terminal', [], {}, { stdout: false, stderr: true }, false, true],
    ['auto on terminals with NO_COLOR=1', [], { NO_COLOR: '1' }, TTY, false, false],
    ['auto on terminals with an empty NO_COLOR', [], { NO_COLOR: '' }, TTY, true, true],
    ['--color=auto with NO_COLOR', ['--color=auto'], { NO_COLOR: 'yes' }, TTY, false, false],
    ['--color alone into pipes', ['--color'], {}, PIPES, true, true],
    ['--color=always into pipes with NO_COLOR', ['--color=always'], { NO_COLOR: '1' }, PIPES, true, true],
    ['--color=true (the Go spelling)', ['--color=true'], {}, PIPES, true, true],
    ['-color=false (the Go spelling)', ['-color=false'], {}, TTY, false, false],
    ['--color=never on terminals', ['--color=never'], {}, TTY, false, false],
    ['MAGLEV_COLOR=always with NO_COLOR', [], { MAGLEV_COLOR: 'always', NO_COLOR: '1' }, PIPES, true, true],
    ['MAGLEV_COLOR=never on terminals', [], { MAGLEV_COLOR: 'never' }, TTY, false, false],
    [
      '--color=never beats MAGLEV_COLOR=always',
      ['--color=never'],
      { MAGLEV_COLOR: 'always' },
      TTY,
      false,
      false,
    ],
  ] as const)('%s', async (_what, args, vars, tty, labels, errors) => {
    const env = { MAGLEV_SERVER: address, ...vars };
    expect(await colours([...args], { env, tty })).toEqual({ labels, errors });
  });

  it('a --color or MAGLEV_COLOR it does not know: exit 2, naming where it came from', async () => {
    const r = await maglevc(['--color=sometimes', 'show', 'version'], { color: true });
    expect(r).toEqual({
      code: 2,
      out: '',
      err: 'maglevc: invalid value "sometimes" for flag --color: expected always, never or auto (or true, false)\nRun \'maglevc --help\' for usage.\n',
    });
    const e = await maglevc(['show', 'version'], { color: true, env: { MAGLEV_COLOR: 'blue' } });
    expect(e.code).toBe(2);
    expect(e.err).toMatch(/^maglevc: invalid value "blue" for MAGLEV_COLOR \(--color\): expected always/);
  });

  it('--help and --version', async () => {
    const h = await maglevc(['--help']);
    expect(h.code).toBe(0);
    expect(h.out).toContain(
      'Usage: maglevc [--server host:port] [--tls-ca FILE [--tls-cert FILE --tls-key FILE]] [--color[=always|never|auto]] [command...]',
    );
    expect(h.out).toMatch(/--color\[=WHEN\] +colour .*NO_COLOR.*\(env MAGLEV_COLOR; default auto\)/);
    expect(h.out).toContain('MAGLEV_SERVER');
    const v = await maglevc(['--version']);
    expect(v.out).toMatch(/^maglevc version /);
  });
});

describe('commands from a pipe', () => {
  it('runs each line; exit 1 if any failed', async () => {
    const r = await maglevc([], { stdin: 'show version\n\nsh fr web\nshow bogus\nset backend nope pause\n' });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^version {2}/);
    expect(r.out).toContain('name           web\n');
    expect(r.err).toContain('show bogus\n     ^\nunknown word "bogus"');
    expect(r.err).toContain('backend "nope" not found\n');
  });

  it('exit 0 when all succeeded, and quit stops reading', async () => {
    const r = await maglevc([], { stdin: 'show frontends\nquit\nshow bogus\n' });
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
  });
});

// Runs dist/bin/maglevc.js: `npm run build` first (npm test does).
describe('the built binary', () => {
  it('exit codes: 0 success, 2 unknown command, 1 NotFound, 1 unreachable', async () => {
    const env = { MAGLEV_SERVER: address, TZ: 'UTC' };
    const okRun = await runBin('maglevc', ['--color=false', 'show', 'frontend', 'web'], { env });
    expect(okRun.code).toBe(0);
    expect(okRun.stdout).toContain('name           web\n');
    const unknown = await runBin('maglevc', ['--color=false', 'frobnicate'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown word "frobnicate"');
    const missing = await runBin('maglevc', ['--color=false', 'show', 'backend', 'nope'], { env });
    expect(missing).toMatchObject({ code: 1, stdout: '', stderr: 'backend "nope" not found\n' });
    const dead = await runBin('maglevc', ['--color=false', '--server', deadAddress, 'show', 'backends'], {
      env,
    });
    expect(dead).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `maglevc: cannot reach maglevd at ${deadAddress}: connection refused\n`,
    });
    const bad = await runBin('maglevc', ['--server', '127.0.0.1:99999', 'show', 'backends'], { env });
    expect(bad).toMatchObject({
      code: 2,
      stdout: '',
      stderr:
        'maglevc: invalid value "127.0.0.1:99999" for flag --server: port 99999 is out of range 1-65535\n' +
        "Run 'maglevc --help' for usage.\n",
    });
  });

  it('into pipes: the names one per line and no escape sequence, unless --color=always', async () => {
    // NO_COLOR and MAGLEV_COLOR from the test runner's environment must not decide.
    const env = { MAGLEV_SERVER: address, TZ: 'UTC', NO_COLOR: undefined, MAGLEV_COLOR: undefined };
    const names = await runBin('maglevc', ['show', 'frontends'], { env });
    expect(names).toMatchObject({ code: 0, stdout: 'web\napi\ndns\n', stderr: '' });
    const detail = await runBin('maglevc', ['show', 'backend', 'nginx0'], { env });
    expect(detail.stdout).toMatch(/^name +nginx0\n/);
    expect(detail.stdout).not.toContain('\x1b');
    const missing = await runBin('maglevc', ['show', 'backend', 'nope'], { env });
    expect(missing.stderr).toBe('backend "nope" not found\n');
    const forced = await runBin('maglevc', ['--color=always', 'show', 'backend', 'nginx0'], {
      env: { ...env, NO_COLOR: '1' },
    });
    expect(forced.stdout).toContain('\x1b[34mname');
  });

  it('watch events num 2 ends by itself', async () => {
    const r = await runBin('maglevc', ['watch', 'ev', 'fr', 'num', '2'], { env: { MAGLEV_SERVER: address } });
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(2);
  });
});
