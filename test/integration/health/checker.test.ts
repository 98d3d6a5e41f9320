import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../lib/config/types.js';
import { HealthChecker } from '../../../lib/health/checker.js';
import {
  BackendDisabledError,
  BackendNotFoundError,
  UnknownHealthCheckError,
} from '../../../lib/health/errors.js';
import type { TransitionEvent } from '../../../lib/health/types.js';
import { backend, frontend, healthcheck, makeConfig } from '../../support/health-config.js';
import { record, waitFor } from './events.js';
import { closedPort, type Listening, tcpServer } from './servers.js';

const UP = '127.0.0.21';
const UP2 = '127.0.0.22';
const DOWN = '127.0.0.23';

let upSrv: Listening;
let up2Srv: Listening;
let port: number;
const open: HealthChecker[] = [];

beforeAll(async () => {
  upSrv = await tcpServer(UP);
  port = upSrv.port;
  // The same port on a second address, so that a backend can move between them.
  up2Srv = await tcpServer(UP2).then(async (l) => {
    await l.close();
    return tcpServerOn(UP2, port);
  });
  return async () => {
    await upSrv.close();
    await up2Srv.close();
  };
});

async function tcpServerOn(host: string, p: number): Promise<Listening> {
  const { createServer } = await import('node:net');
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(p, host, resolve);
  });
  return {
    port: p,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

function checker(config: Config, random = () => 0.5): HealthChecker {
  const c = new HealthChecker(config, { random });
  open.push(c);
  return c;
}

function tcpCheck(name = 'tcp', extra: Partial<Parameters<typeof healthcheck>[0]> = {}) {
  return healthcheck({
    name,
    type: 'tcp',
    port,
    interval: 100,
    fastInterval: 40,
    downInterval: 100,
    timeout: 1000,
    rise: 2,
    fall: 3,
    ...extra,
  });
}

describe('HealthChecker', () => {
  it('brings backends up and down from unknown, with one raw transition per backend, however many frontends use it', async () => {
    const downPort = await closedPort(DOWN);
    const config = makeConfig({
      healthchecks: [tcpCheck(), tcpCheck('tcp-down', { port: downPort })],
      backends: [
        backend({ name: 'a', address: UP, healthcheck: 'tcp' }),
        backend({ name: 'b', address: DOWN, healthcheck: 'tcp-down' }),
      ],
      frontends: [frontend('web', '192.0.2.1', ['a'], ['b']), frontend('api', '192.0.2.2', ['a', 'b'])],
      transitionHistory: 3,
    });
    const c = checker(config);
    const transitions = record(c, 'transition');
    const aUp = waitFor(c, 'transition', (t) => t.backend === 'a');
    const bDown = waitFor(c, 'transition', (t) => t.backend === 'b');
    expect(c.snapshot().map((b) => b.state)).toEqual(['unknown', 'unknown']);
    c.start();
    await Promise.all([aUp, bDown]);
    const byA = transitions.events.filter((t) => t.backend === 'a');
    expect(byA).toHaveLength(1);
    expect(byA[0]).not.toHaveProperty('frontend');
    expect(byA[0]).toMatchObject({ from: 'unknown', to: 'up', code: 'L4OK', address: UP });
    const byB = transitions.events.filter((t) => t.backend === 'b');
    expect(byB[0]).toMatchObject({
      from: 'unknown',
      to: 'down',
      code: 'L4CON',
      detail: 'connect ECONNREFUSED',
    });
    const a = c.backend('a');
    expect(a).toMatchObject({ state: 'up', enabled: true, frontends: ['web', 'api'], rise: 2, fall: 3 });
    expect(a.history).toEqual([expect.objectContaining({ from: 'unknown', to: 'up', code: 'L4OK' })]);
    expect(a.lastResult?.code).toBe('L4OK');
    // The counter climbs to Max while the backend stays up.
    await waitFor(c, 'probe-done', (d) => d.backend === 'a' && d.counter === 4);
    expect(c.backend('a').state).toBe('up');
  });

  it('probes a backend once however many frontends use it, one probe in flight at a time', async () => {
    const config = makeConfig({
      healthchecks: [tcpCheck()],
      backends: [backend({ name: 'a', address: UP, healthcheck: 'tcp' })],
      frontends: [
        frontend('f1', '192.0.2.1', ['a']),
        frontend('f2', '192.0.2.2', ['a']),
        frontend('f3', '192.0.2.3', ['a']),
      ],
    });
    const c = checker(config);
    let inflight = 0;
    let maxInflight = 0;
    let probes = 0;
    c.on('probe-start', () => {
      inflight++;
      probes++;
      maxInflight = Math.max(maxInflight, inflight);
    });
    c.on('probe-done', () => {
      inflight--;
    });
    c.start();
    await waitFor(c, 'probe-done', () => probes >= 8);
    expect(maxInflight).toBe(1);
  });

  describe('operator actions', () => {
    const config = () =>
      makeConfig({
        healthchecks: [tcpCheck()],
        backends: [
          backend({ name: 'a', address: UP, healthcheck: 'tcp' }),
          backend({ name: 'clock', address: UP2, healthcheck: 'tcp' }),
        ],
        frontends: [frontend('web', '192.0.2.1', ['a'])],
      });

    it('pause stops probing; resume re-enters unknown and probes again', async () => {
      const c = checker(config());
      c.start();
      await waitFor(c, 'transition', (t) => t.backend === 'a' && t.to === 'up');
      const transitions = record(c, 'transition');
      const paused = c.pause('a');
      expect(paused.state).toBe('paused');
      expect(paused.probing).toBe(false);
      expect(transitions.events[0]).toMatchObject({
        backend: 'a',
        from: 'up',
        to: 'paused',
        code: 'paused',
      });
      // While the other backend probes five times, the paused one is not probed at all.
      const starts = record(c, 'probe-start');
      let clock = 0;
      await waitFor(c, 'probe-done', (d) => d.backend === 'clock' && ++clock >= 5);
      expect(starts.events.filter((s) => s.backend === 'a')).toEqual([]);
      expect(c.pause('a').history.length).toBe(2); // idempotent: no new transition
      const upAgain = waitFor(c, 'transition', (t) => t.backend === 'a' && t.to === 'up');
      const resumed = c.resume('a');
      expect(resumed).toMatchObject({ state: 'unknown', counter: 1 });
      await upAgain;
      expect(c.backend('a').history.map((h) => `${h.from}>${h.to}`)).toEqual([
        'unknown>up',
        'up>paused',
        'paused>unknown',
        'unknown>up',
      ]);
    });

    it('disable and enable, idempotent by state; pause and resume of a disabled backend are refused', async () => {
      const c = checker(config());
      c.start();
      await waitFor(c, 'transition', (t) => t.backend === 'a' && t.to === 'up');
      const d = c.disable('a');
      expect(d).toMatchObject({ state: 'disabled', enabled: false });
      expect(d.history.at(-1)).toMatchObject({ from: 'up', to: 'disabled', code: 'disabled' });
      expect(c.disable('a').history.length).toBe(d.history.length);
      expect(() => c.pause('a')).toThrow(BackendDisabledError);
      expect(() => c.resume('a')).toThrow(BackendDisabledError);
      const e = c.enable('a');
      expect(e).toMatchObject({ state: 'unknown', enabled: true, counter: 1 });
      expect(c.enable('a').history.length).toBe(e.history.length);
      await waitFor(c, 'transition', (t) => t.backend === 'a' && t.to === 'up');
    });

    it('unknown names are a typed error', () => {
      const c = checker(config());
      for (const fn of [c.pause, c.resume, c.enable, c.disable, c.backend]) {
        expect(() => fn.call(c, 'nope')).toThrow(BackendNotFoundError);
      }
      try {
        c.pause('nope');
      } catch (err) {
        expect(err).toMatchObject({ backend: 'nope', message: 'backend "nope" not found' });
      }
    });
  });

  it('refuses a backend whose health check does not exist', () => {
    const config = makeConfig({
      healthchecks: [tcpCheck()],
      backends: [backend({ name: 'a', address: UP, healthcheck: 'missing' })],
    });
    expect(() => new HealthChecker(config)).toThrow(UnknownHealthCheckError);
  });

  it('starts a backend disabled in the YAML as disabled and never probes it', async () => {
    const config = makeConfig({
      healthchecks: [tcpCheck()],
      backends: [
        backend({ name: 'off', address: UP, healthcheck: 'tcp', enabled: false }),
        backend({ name: 'clock', address: UP2, healthcheck: 'tcp' }),
      ],
    });
    const c = checker(config);
    const starts = record(c, 'probe-start');
    c.start();
    let n = 0;
    await waitFor(c, 'probe-done', (d) => d.backend === 'clock' && ++n >= 3);
    expect(c.backend('off')).toMatchObject({ state: 'disabled', enabled: false });
    expect(starts.events.every((s) => s.backend === 'clock')).toBe(true);
  });

  describe('reload', () => {
    it('keeps an unchanged backend probing with no gap and no reset, and moves it to a new address in place', async () => {
      const hc = tcpCheck('tcp', { interval: 150 });
      const before = makeConfig({
        healthchecks: [hc],
        backends: [
          backend({ name: 'a', address: UP, healthcheck: 'tcp' }),
          backend({ name: 'gone', address: UP, healthcheck: 'tcp' }),
        ],
        frontends: [frontend('web', '192.0.2.1', ['a', 'gone'])],
      });
      const c = checker(before); // random 0.5: no jitter, so every gap is exactly the interval
      c.start();
      await waitFor(c, 'probe-done', (d) => d.backend === 'a' && d.counter === 4);
      const disabledAtRuntime = c.disable('gone');
      expect(disabledAtRuntime.enabled).toBe(false);

      let lastDoneAt = 0;
      c.on('probe-done', (d) => {
        if (d.backend === 'a') lastDoneAt = performance.now();
      });
      await waitFor(c, 'probe-done', (d) => d.backend === 'a');
      const transitions = record(c, 'transition');
      const after = makeConfig({
        healthchecks: [hc],
        backends: [
          backend({ name: 'a', address: UP2, healthcheck: 'tcp' }),
          backend({ name: 'new', address: UP, healthcheck: 'tcp' }),
        ],
        frontends: [frontend('web', '192.0.2.1', ['a', 'new'])],
      });
      const doneBeforeReload = lastDoneAt;
      const newUp = waitFor(c, 'transition', (t) => t.backend === 'new' && t.to === 'up');
      const summary = c.applyConfig(after);
      expect(summary).toEqual({ added: ['new'], removed: ['gone'], restarted: [], kept: ['a'] });
      expect(c.backend('a')).toMatchObject({ state: 'up', counter: 4, address: UP2 });
      const next = await waitFor(c, 'probe-start', (s) => s.backend === 'a');
      // The probe planned before the reload runs as planned: one interval after the last one.
      expect(next.plannedAt - doneBeforeReload).toBeGreaterThanOrEqual(hc.interval - 1);
      expect(next.plannedAt - doneBeforeReload).toBeLessThanOrEqual(hc.interval + 1);
      expect(next.address).toBe(UP2);
      const done = await waitFor(c, 'probe-done', (d) => d.backend === 'a');
      expect(done).toMatchObject({ address: UP2, state: 'up', counter: 4 });
      expect(transitions.events.filter((t) => t.backend === 'a')).toEqual([]);
      expect(transitions.events.filter((t) => t.backend === 'gone')).toEqual([
        expect.objectContaining({ from: 'disabled', to: 'removed', code: 'removed' }),
      ]);
      expect(() => c.backend('gone')).toThrow(BackendNotFoundError);
      await newUp;
      expect(c.snapshot().map((b) => b.name)).toEqual(['a', 'new']);
    });

    it('keeps a runtime disable across a reload with an unchanged health check', async () => {
      const config = makeConfig({
        healthchecks: [tcpCheck()],
        backends: [backend({ name: 'a', address: UP, healthcheck: 'tcp' })],
      });
      const c = checker(config);
      c.start();
      c.disable('a');
      c.applyConfig(
        makeConfig({
          healthchecks: [tcpCheck()],
          backends: [backend({ name: 'a', address: UP, healthcheck: 'tcp' })],
        }),
      );
      expect(c.backend('a')).toMatchObject({ state: 'disabled', enabled: false });
    });

    it('gives a backend whose health check changed a fresh start, with the YAML enabled deciding', async () => {
      const config = makeConfig({
        healthchecks: [tcpCheck()],
        backends: [
          backend({ name: 'a', address: UP, healthcheck: 'tcp' }),
          backend({ name: 'b', address: UP2, healthcheck: 'tcp' }),
        ],
      });
      const c = checker(config);
      c.start();
      await waitFor(c, 'probe-done', (d) => d.backend === 'a' && d.counter === 4);
      c.disable('b');
      const changed = tcpCheck('tcp', { rise: 3, fall: 2 });
      const summary = c.applyConfig(
        makeConfig({
          healthchecks: [changed],
          backends: [
            backend({ name: 'a', address: UP, healthcheck: 'tcp' }),
            backend({ name: 'b', address: UP2, healthcheck: 'tcp', enabled: true }),
          ],
        }),
      );
      expect(summary.restarted).toEqual(['a', 'b']);
      expect(c.backend('a')).toMatchObject({ state: 'unknown', counter: 2, rise: 3 });
      expect(c.backend('a').history.at(-1)).toMatchObject({ from: 'up', to: 'unknown', code: 'config' });
      expect(c.backend('b')).toMatchObject({ state: 'unknown', enabled: true });
      const ups = await Promise.all([
        waitFor(c, 'transition', (t) => t.backend === 'a' && t.to === 'up'),
        waitFor(c, 'transition', (t) => t.backend === 'b' && t.to === 'up'),
      ]);
      expect(ups.map((t: TransitionEvent) => t.from)).toEqual(['unknown', 'unknown']);
    });

    it('applies a change of the YAML enabled value itself', () => {
      const hc = tcpCheck();
      const c = checker(
        makeConfig({
          healthchecks: [hc],
          backends: [backend({ name: 'a', address: UP, healthcheck: 'tcp' })],
        }),
      );
      c.applyConfig(
        makeConfig({
          healthchecks: [hc],
          backends: [backend({ name: 'a', address: UP, healthcheck: 'tcp', enabled: false })],
        }),
      );
      expect(c.backend('a')).toMatchObject({ state: 'disabled', enabled: false });
    });
  });

  it('close() stops everything and the checker refuses further use', async () => {
    const c = checker(
      makeConfig({
        healthchecks: [tcpCheck()],
        backends: [backend({ name: 'a', address: UP, healthcheck: 'tcp' })],
      }),
    );
    c.start();
    await waitFor(c, 'probe-start', () => true);
    await c.close();
    expect(() => c.start()).toThrow(/closed/);
    expect(() => c.backend('a')).toThrow(/closed/);
  });
});
