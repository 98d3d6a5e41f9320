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
  await sim.start();
  log.info('sim-listen', { socket: values.socket, stats_socket: values['stats-socket'], pid: sim.pid });
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await sim.close();
  log.info('sim-stop', {});
  return 0;
});
