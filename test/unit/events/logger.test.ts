import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../lib/events/bus.js';
import { createLogger } from '../../../lib/events/logger.js';
import type { MaglevEvent } from '../../../lib/events/types.js';

function capture(): { stream: PassThrough; lines: () => Array<Record<string, unknown>> } {
  const stream = new PassThrough();
  let text = '';
  stream.setEncoding('utf8').on('data', (d: string) => {
    text += d;
  });
  return {
    stream,
    lines: () =>
      text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  it('writes slog-shaped JSON lines at or above the level', () => {
    const out = capture();
    const log = createLogger({ level: 'info', stream: out.stream });
    log.debug('probe-start', { backend: 'a' });
    log.info('starting', { version: '1.2.3' });
    log.error('vpp-disconnect', { reason: 'EOF' });
    const lines = out.lines();
    expect(lines.map((l) => l.msg)).toEqual(['starting', 'vpp-disconnect']);
    expect(lines[0]).toMatchObject({ level: 'INFO', msg: 'starting', version: '1.2.3' });
    expect(String(lines[0]?.time)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(lines[1]).toMatchObject({ level: 'ERROR', reason: 'EOF' });
  });

  it('publishes every level to the bus, independent of the stream level', () => {
    const out = capture();
    const bus = new EventBus();
    const got: MaglevEvent[] = [];
    const log = createLogger({ level: 'error', stream: out.stream, bus });
    log.debug('before-subscribe');
    const off = bus.subscribe((e) => got.push(e));
    expect(log.enabled('debug')).toBe(true);
    log.debug('probe-done', { backend: 'b' });
    off();
    log.debug('after-unsubscribe');
    expect(log.enabled('debug')).toBe(false);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ kind: 'log', level: 'debug', msg: 'probe-done', attrs: { backend: 'b' } });
    expect(out.lines()).toEqual([]);
  });
});

describe('EventBus', () => {
  it('skips log events for subscribers that do not want them and drops throwing ones', () => {
    const bus = new EventBus();
    const a: string[] = [];
    bus.subscribe((e) => a.push(e.kind), { wantsLogs: false });
    bus.subscribe(() => {
      throw new Error('broken consumer');
    });
    expect(bus.hasLogSubscribers).toBe(true);
    bus.publish({ kind: 'log', level: 'info', msg: 'x', attrs: {}, at: 0 });
    bus.publish({ kind: 'frontend', frontend: 'web', from: 'up', to: 'down', at: 0 });
    expect(a).toEqual(['frontend']);
    expect(bus.size).toBe(1);
    expect(bus.hasLogSubscribers).toBe(false);
  });
});
