import { createServer } from 'node:net';
import { emitKeypressEvents } from 'node:readline';
import { DEMO_BACKENDS, demoLine, formatDemoEvent, MaglevDemo } from '../lib/demo/demo.js';
import type { MaglevEvent } from '../lib/events/types.js';
import { run } from './common.js';

/** Whether host:port can be bound right now (the demo prefers the default ports). */
function free(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

run('maglev-demo', async () => {
  // Ctrl-C, kill and a closed terminal (SIGHUP) all end the demo the same way: every part
  // stopped and the temporary directory removed. The handlers are in place before anything
  // starts, so a signal that arrives during start-up waits for it and then cleans up too.
  let signal: NodeJS.Signals | null = null;
  let requestStop: () => void = () => {};
  const stopRequested = new Promise<void>((resolve) => {
    requestStop = resolve;
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      signal ??= sig;
      requestStop();
    });
  }
  // After a hang-up the terminal is gone: writing to it fails (EIO), which must not kill the
  // demo half way through its clean-up.
  process.stdout.on('error', () => {});
  process.stdin.on('error', () => requestStop());

  const grpcAddr = (await free('127.0.0.1', 9090)) ? '127.0.0.1:9090' : '127.0.0.1:0';
  const metricsAddr = (await free('127.0.0.1', 9091)) ? '127.0.0.1:9091' : '127.0.0.1:0';
  const dashboardAddr = (await free('127.0.0.1', 8080)) ? '127.0.0.1:8080' : '127.0.0.1:0';
  const demo = new MaglevDemo({ grpcAddr, metricsAddr, dashboardAddr });
  // A failed start stops what it had started and removes the directory itself.
  await demo.start();
  const server = demo.grpcPort === 9090 ? '' : ` --server 127.0.0.1:${demo.grpcPort}`;
  const port = demo.backends[0]?.port;
  const out = process.stdout;
  out.write(`\n${bold('vpp-maglev demo')} — everything runs on this machine, on loopback\n\n`);
  out.write(`  VPP (simulated)  ${demo.sim?.socketPath}\n`);
  out.write(
    `  backends         ${DEMO_BACKENDS.map((b, i) => `[${i + 1}] ${b.name} ${b.address}:${port} (${b.pool})`).join('\n                   ')}\n`,
  );
  out.write(`  frontend         web = VIP 198.51.100.1 tcp/80, pools primary → fallback\n`);
  out.write(
    `  maglevd          gRPC 127.0.0.1:${demo.grpcPort}, metrics http://127.0.0.1:${demo.metricsPort}/metrics\n`,
  );
  if (demo.dashboard) {
    out.write(
      `  dashboard        http://127.0.0.1:${demo.dashboardPort}/view/  (admin: /admin/, user admin, password demo)\n`,
    );
  }
  out.write(`  config           ${demo.configPath}\n\n`);
  out.write(`${bold('Try in another terminal')}:\n`);
  for (const cmd of [
    'show frontends web',
    'show backends nginx1',
    'show vpp lbstate',
    'set backend nginx1 pause',
    'set frontend web pool primary backend nginx2 weight 100',
    'watch events',
    '',
  ]) {
    out.write(`  node dist/bin/maglevc.js${server}${cmd ? ` ${cmd}` : '     (the interactive shell)'}\n`);
  }
  out.write(`\n${bold('Keys')}: 1-4 crash or revive a backend, q or Ctrl-C quits.\n\n`);

  demo.daemon?.bus.subscribe(
    (e: MaglevEvent) => {
      const line = formatDemoEvent(e);
      if (line !== null) out.write(`${line}\n`);
    },
    { wantsLogs: true },
  );

  if (process.stdin.isTTY) {
    emitKeypressEvents(process.stdin);
    process.stdin.setRawMode(true);
    // The terminal closing ends stdin too.
    process.stdin.on('end', () => requestStop());
    process.stdin.on('keypress', (str: string | undefined, key: { ctrl?: boolean; name?: string }) => {
      if (key.name === 'q' || (key.ctrl && key.name === 'c')) requestStop();
      const n = Number(str);
      if (n >= 1 && n <= demo.backends.length) {
        void demo.toggle(n - 1).then((r) => {
          if (r)
            out.write(
              `${demoLine(Date.now(), `${r.name} ${r.listening ? 'revived' : 'crashed (listener closed)'}`)}\n`,
            );
        });
      }
    });
  }
  await stopRequested;
  if (process.stdin.isTTY) {
    try {
      process.stdin.setRawMode(false);
    } catch {
      // A terminal that hung up has no mode left to restore.
    }
  }
  if (signal !== 'SIGHUP') out.write('stopping…\n');
  await demo.close();
  process.exit(0);
});
