import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DemoBackendServer } from '../../../lib/demo/backend-server.js';
import type { FqdnResolver } from '../../../lib/tui/fqdn.js';
import { MAGLEVT_EXIT, type MaglevtSignals, runMaglevt } from '../../../lib/tui/main.js';
import { runBin } from '../../support/bin.js';
import { type TempDir, tempDir, vipConfigYaml } from './vips.js';

/**
 * The summary mode (--once, or stdout not a terminal) against stand-in VIPs on loopback
 * addresses: in-process through runMaglevt, and the built binary.
 */

const resolver: FqdnResolver = {
  lookup: async () => '192.0.2.5',
  reverse: async () => 'lb1.example.net',
};

class Out extends PassThrough {
  text = '';
  constructor(readonly isTTY = false) {
    super();
    this.setEncoding('utf8');
    this.on('data', (d: string) => {
      this.text += d;
    });
  }
}

async function maglevt(
  argv: string[],
  opts: { tty?: boolean; signals?: MaglevtSignals; env?: Record<string, string> } = {},
) {
  const stdout = new Out(opts.tty ?? false);
  let stderr = '';
  const code = await runMaglevt(argv, {
    stdout,
    stderr: { write: (s: string) => (stderr += s) },
    stdin: Object.assign(new PassThrough(), { isTTY: false }),
    env: opts.env ?? {},
    hostname: () => 'lb1',
    fqdnResolver: resolver,
    ...(opts.signals ? { signals: opts.signals } : {}),
  });
  await new Promise((r) => setImmediate(r));
  return { code, stdout: stdout.text, stderr };
}

let dir: TempDir;
let alpha: DemoBackendServer;
let beta: DemoBackendServer;
let config: string;

beforeAll(async () => {
  dir = tempDir('maglevt-once-');
  alpha = new DemoBackendServer({ name: 'alpha', address: '127.0.0.31' });
  beta = new DemoBackendServer({ name: 'beta', address: '127.0.0.32' });
  await alpha.start();
  await beta.start();
  config = dir.write(
    'maglev.yaml',
    vipConfigYaml([
      { name: 'web-alpha', address: '127.0.0.31', port: alpha.port },
      { name: 'web-beta', address: '127.0.0.32', port: beta.port },
      { name: 'dns', address: '127.0.0.33', port: 53, protocol: 'udp', http: false },
    ]),
  );
});

beforeEach(async () => {
  await beta.start();
});

afterAll(async () => {
  await alpha.stop();
  await beta.stop();
  dir.remove();
});

function row(summary: string, name: string): string {
  const line = summary.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`no row ${name} in:\n${summary}`);
  return line;
}

describe('maglevt summary mode', () => {
  it('probes every VIP for --duration, prints the table and exits 0 when all answered', async () => {
    const r = await maglevt(['--config', config, '--duration', '500ms', '--interval', '50ms']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(MAGLEVT_EXIT.ok);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^maglevt \S+ on lb1\.example\.net: 2 VIPs probed for \ds \(every 50ms, jitter 10%, timeout 1s\)$/,
    );
    expect(lines[2]).toMatch(
      /^VIP +ADDRESS +PROBE +N +FAIL +OK% +P50 +P95 +P99 +MAX +LAST +X-IPng-Frontend$/,
    );
    expect(row(r.stdout, 'web-alpha')).toMatch(
      new RegExp(
        `^web-alpha +127\\.0\\.0\\.31:${alpha.port} +http +(\\d+) +0 +100% +(\\S+ +){4}200 +alpha=\\1$`,
      ),
    );
    expect(row(r.stdout, 'web-beta')).toMatch(/ 0 +100% .* 200 +beta=\d+$/);
    expect(row(r.stdout, 'dns')).toMatch(/^dns +127\.0\.0\.33:53\/udp +- +not probed: udp$/);
    // Several probes each, at the interval (a loaded machine may fit fewer than the ideal 10).
    expect(Number(/ http +(\d+) /.exec(row(r.stdout, 'web-alpha'))?.[1])).toBeGreaterThan(1);
    expect(r.stdout).toMatch(/\nresult: ok\n$/);
  });

  it('exits 1 naming the VIP that failed every probe, with its errors', async () => {
    await beta.stop();
    const r = await maglevt(['--config', config, '--duration', '300ms']);
    expect(r.code).toBe(MAGLEVT_EXIT.failed);
    expect(row(r.stdout, 'web-beta')).toMatch(/ http +(\d+) +\1 +0% +- +- +- +- +ECONNREFUSED$/);
    expect(row(r.stdout, 'web-alpha')).toMatch(/ 100% /);
    expect(r.stdout).toMatch(
      /\nerrors: \d+ net-err\n {2}\d\d:\d\d:\d\d {2}web-beta {2}net-err {3}connect ECONNREFUSED 127\.0\.0\.32:\d+/,
    );
    expect(r.stdout).toMatch(/\nresult: 1 VIP failed every probe: web-beta\n$/);
  });

  it('--filter keeps the matching VIPs only; then the dead one no longer fails the run', async () => {
    await beta.stop();
    const r = await maglevt(['--config', config, '--duration', '200ms', '--filter', 'alpha$']);
    expect(r.code).toBe(MAGLEVT_EXIT.ok);
    expect(r.stdout).toContain('1 VIP probed');
    expect(r.stdout).not.toContain('web-beta');
  });

  it('prints a summary when stdout is a terminal but stdin is not', async () => {
    const r = await maglevt(['--config', config, '--duration', '200ms'], { tty: true });
    expect(r.code).toBe(MAGLEVT_EXIT.ok);
    expect(r.stdout).toContain('result: ok');
  });

  it('reads its settings from MAGLEVT_* variables', async () => {
    const r = await maglevt([], {
      env: {
        MAGLEV_CONFIG: config,
        MAGLEVT_DURATION: '200ms',
        MAGLEVT_FILTER: 'beta',
        MAGLEVT_HEADER: 'X-Other',
      },
    });
    expect(r.code).toBe(MAGLEVT_EXIT.ok);
    expect(r.stdout).toMatch(/LAST +X-Other\n/);
    // The servers do not send X-Other: nothing to tally.
    expect(row(r.stdout, 'web-beta')).toMatch(/ 200$/);
  });

  it('SIGINT ends the probing early and still prints the summary', async () => {
    // A VIP whose server raises SIGINT at its third request: an event, not a timer.
    const signals = new EventEmitter() as EventEmitter & MaglevtSignals;
    let requests = 0;
    const server: Server = createServer((_req, res) => {
      if (++requests === 3) signals.emit('SIGINT');
      res.setHeader('X-IPng-Frontend', 'kappa');
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.34', r));
    const port = (server.address() as AddressInfo).port;
    const file = dir.write('sigint.yaml', vipConfigYaml([{ name: 'kappa', address: '127.0.0.34', port }]));
    try {
      const r = await maglevt(['--config', file, '--duration', '10m', '--interval', '10ms'], { signals });
      expect(r.code).toBe(MAGLEVT_EXIT.ok);
      expect(row(r.stdout, 'kappa')).toMatch(/ http +3 +0 +100% .* kappa=3$/);
      expect(signals.listenerCount('SIGINT')).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it.each<[string, (c: string) => string[], RegExp]>([
    [
      'an unknown flag',
      () => ['--bogus'],
      /^maglevt: unknown flag --bogus\nRun 'maglevt --help' for usage\.\n$/,
    ],
    [
      'a bad duration',
      (c) => ['--config', c, '--interval', 'fast'],
      /invalid value "fast" for flag --interval/,
    ],
    [
      'an unreadable config',
      () => ['--config', '/nonexistent/maglev.yaml'],
      /^maglevt: \/nonexistent\/maglev\.yaml: cannot read the configuration file/,
    ],
    [
      'a filter matching nothing',
      (c) => ['--config', c, '--filter', 'nothing'],
      /^maglevt: no frontend matches --filter "nothing"\n$/,
    ],
    [
      'only VIPs that cannot be probed',
      (c) => ['--config', c, '--filter', 'dns'],
      /^maglevt: none of the VIPs can be probed: dns \(udp\)\n$/,
    ],
  ])('exits 2 without probing on %s', async (_what, argv, message) => {
    const r = await maglevt(argv(config));
    expect(r.code).toBe(MAGLEVT_EXIT.usage);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('exits 2 on a configuration with errors, naming file and line', async () => {
    const bad = dir.write('bad.yaml', 'maglev:\n  frontends:\n    web: { address: nope }\n');
    const r = await maglevt(['--config', bad]);
    expect(r.code).toBe(MAGLEVT_EXIT.usage);
    expect(r.stderr).toMatch(new RegExp(`^maglevt: ${bad.replace(/[.]/g, '\\.')}:\\d+:\\d+: `));
  });

  it('--help lists every flag with its environment variable; --version prints the build', async () => {
    const help = await maglevt(['--help']);
    expect(help.code).toBe(0);
    for (const flag of [
      'config',
      'interval',
      'timeout',
      'host',
      'uri',
      'header',
      'insecure',
      'keepalive',
      'filter',
      'once',
      'duration',
    ])
      expect(help.stdout).toMatch(new RegExp(`^ {2}--${flag}\\b`, 'm'));
    expect(help.stdout).toContain('env MAGLEVT_CONFIG, MAGLEV_CONFIG');
    const version = await maglevt(['-version']);
    expect(version.stdout).toMatch(/^maglevt version \S+ \(commit \S+, built \S+\)\n$/);
  });
});

describe('the built maglevt without a terminal', () => {
  it('prints the summary and exits 0, or 1 when a VIP never answered', async () => {
    const ok = await runBin('maglevt', ['-config', config, '-duration', '300ms', '-filter', 'alpha']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^web-alpha .* alpha=\d+$/m);
    expect(ok.stdout).toMatch(/\nresult: ok\n$/);
    await beta.stop();
    const failed = await runBin('maglevt', ['-config', config, '-duration', '300ms']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/\nresult: 1 VIP failed every probe: web-beta\n$/);
  });

  it('exits 2 on a bad flag, and prints its version', async () => {
    const bad = await runBin('maglevt', ['-interval', '0s']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      "maglevt: --interval must be at least 1ms, not 0s\nRun 'maglevt --help' for usage.\n",
    );
    const v = await runBin('maglevt', ['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^maglevt version 1\.\S+ \(commit \S+, built \S+\)\n$/);
  });
});
