import { createLogger } from '../lib/events/logger.js';
import { VppLbSimulator } from '../lib/sim/server.js';
import { parseOrExit, run } from './common.js';

const flags = {
  socket: {
    kind: 'string',
    env: ['VPP_LB_SIM_SOCKET'],
    default: '/run/vpp/api.sock',
    valueName: 'PATH',
    description: 'API socket to serve',
  },
  'stats-socket': {
    kind: 'string',
    env: ['VPP_LB_SIM_STATS_SOCKET'],
    default: '',
    valueName: 'PATH',
    description: 'also serve a stats segment on this socket; empty for none',
  },
  'log-level': {
    kind: 'string',
    env: ['VPP_LB_SIM_LOG_LEVEL'],
    default: 'info',
    choices: ['debug', 'info', 'warn', 'error'],
    valueName: 'LEVEL',
    description: 'log level (operations are logged at info)',
  },
  version: {
    kind: 'boolean',
    default: false,
    description: 'print version, commit and build date, then exit',
  },
  help: { kind: 'boolean', default: false, aliases: ['h'], description: 'show this help' },
} as const;

run('vpp-lb-sim', async () => {
  const { values } = parseOrExit(flags, {
    program: 'vpp-lb-sim',
    usage: 'vpp-lb-sim [--socket PATH] [--stats-socket PATH]',
    summary: "A simulator of VPP's lb plugin on a unix socket, for dry runs and tests.",
    footer:
      'A socket file left by a killed simulator or VPP (nobody listens on it) is replaced; a socket\n' +
      'a live process listens on is an error (exit 1). SIGTERM and SIGINT close both sockets,\n' +
      'remove their files and exit 0.',
  });
  const log = createLogger({ level: values['log-level'] as 'info' });
  const sim = new VppLbSimulator({
    socketPath: values.socket,
    ...(values['stats-socket'] ? { statsSocketPath: values['stats-socket'] } : {}),
  });
  sim.on('operation', (op) =>
    log.info('sim-operation', { name: op.name, retval: op.retval, ...(op.crash ? { crash: op.crash } : {}) }),
  );
  sim.on('client', (c) => log.info(`sim-client-${c.event}`, { clients: c.clients }));
  sim.on('crash', (c) => log.error('sim-crash', c));
  // Listening before start: a stop asked for while the sockets are being bound is not lost.
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  await sim.start();
  log.info('sim-listen', { socket: values.socket, stats_socket: values['stats-socket'], pid: sim.pid });
  const signal = await stopped;
  await sim.close();
  log.info('sim-stop', { signal });
  // Both sockets are closed and their files removed; nothing else is worth waiting for (a
  // delayed reply's timer, say).
  process.exit(0);
});
