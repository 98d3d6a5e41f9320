import { MaglevClient } from '../../../lib/api/client.js';
import { type FakeConfig, FakeMaglevd } from './fake-maglevd.js';

/**
 * What the dashboard's browser test needs from the maglevds behind it. The fake implements
 * it today; a real maglevd with the VPP simulator and loopback HTTP backends implements the
 * same (setHealthy toggles a backend server's health path), so the browser test does not
 * change when it moves to the real daemon.
 */
export interface DashboardScenario {
  /** gRPC addresses of the maglevds, for maglevd-frontend's -server. */
  readonly servers: readonly string[];
  /** Makes a backend of maglevd `index` pass or fail its health checks. */
  setHealthy(index: number, backend: string, healthy: boolean): Promise<void>;
  /** A backend's state as that maglevd reports it over gRPC. */
  backendState(index: number, backend: string): Promise<string>;
  /** Debug-level activity the dashboard animates: a probe in flight, VPP API messages. */
  probeStarted(index: number, backend: string): Promise<void>;
  probeDone(index: number, backend: string): Promise<void>;
  vppApi(index: number, direction: 'send' | 'recv'): Promise<void>;
  close(): Promise<void>;
}

/** A site with a mix of healthy, degraded, failed-over and dead frontends. */
export const E2E_CONFIG: FakeConfig = {
  backends: [
    { name: 'nginx0-ams', address: '192.0.2.10' },
    { name: 'nginx1-ams', address: '192.0.2.11' },
    { name: 'nginx0-fra', address: '192.0.2.20' },
    { name: 'api0-ams', address: '192.0.2.30' },
    { name: 'api1-ams', address: '192.0.2.31' },
    { name: 'api2-ams', address: '192.0.2.32' },
    { name: 'mx0-ams', address: '192.0.2.40' },
    { name: 'mx0-zrh', address: '192.0.2.41' },
  ],
  frontends: [
    {
      name: 'web-v4',
      address: '198.51.100.1',
      port: 80,
      description: 'Public web site',
      pools: [
        {
          name: 'primary',
          backends: [
            { name: 'nginx0-ams', weight: 100 },
            { name: 'nginx1-ams', weight: 50 },
          ],
        },
        { name: 'fallback', backends: [{ name: 'nginx0-fra' }] },
      ],
    },
    {
      name: 'api-v4',
      address: '198.51.100.2',
      port: 443,
      description: 'REST API',
      pools: [{ name: 'main', backends: [{ name: 'api0-ams' }, { name: 'api1-ams' }, { name: 'api2-ams' }] }],
    },
    {
      name: 'smtp-v4',
      address: '198.51.100.3',
      port: 25,
      description: 'Inbound mail',
      pools: [
        { name: 'primary', backends: [{ name: 'mx0-ams' }] },
        { name: 'fallback', backends: [{ name: 'mx0-zrh' }] },
      ],
    },
  ],
};

/** The states the scenario starts in. */
const INITIAL: Readonly<Record<string, 'up' | 'down'>> = {
  'nginx0-ams': 'up',
  'nginx1-ams': 'up',
  'nginx0-fra': 'up',
  'api0-ams': 'up',
  'api1-ams': 'up',
  'api2-ams': 'down',
  'mx0-ams': 'down',
  'mx0-zrh': 'up',
};

/** Two fake maglevds on their own loopback hosts, both with E2E_CONFIG. */
export async function fakeScenario(): Promise<DashboardScenario> {
  const fakes = [
    new FakeMaglevd(E2E_CONFIG, { host: '127.0.0.1' }),
    new FakeMaglevd(E2E_CONFIG, { host: '127.0.0.2' }),
  ];
  for (const f of fakes) {
    for (const [b, s] of Object.entries(INITIAL)) f.setState(b, s);
    await f.start();
  }
  const clients = fakes.map((f) => new MaglevClient(f.address));
  const fake = (i: number) => {
    const f = fakes[i];
    if (!f) throw new Error(`no maglevd ${i}`);
    return f;
  };
  return {
    servers: fakes.map((f) => f.address),
    async setHealthy(i, backend, healthy) {
      fake(i).setState(
        backend,
        healthy ? 'up' : 'down',
        healthy ? 'L7OK' : 'L7STS',
        healthy ? '' : 'HTTP 503',
      );
    },
    async backendState(i, backend) {
      const c = clients[i];
      if (!c) throw new Error(`no maglevd ${i}`);
      return (await c.getBackend(backend)).state;
    },
    async probeStarted(i, backend) {
      fake(i).log('debug', 'probe-start', { backend });
    },
    async probeDone(i, backend) {
      fake(i).log('debug', 'probe-done', { backend, ok: true, code: 'L7OK' });
    },
    async vppApi(i, direction) {
      fake(i).vppApi(direction);
    },
    async close() {
      for (const c of clients) c.close();
      await Promise.all(fakes.map((f) => f.close()));
    },
  };
}
