import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, sleep } from '../../../lib/dashboard/backoff.js';
import { frontendFlags } from '../../../lib/dashboard/flags.js';
import { CoalescingRunner } from '../../../lib/dashboard/runner.js';
import { formatSseComment, formatSseEvent, formatSseRetry } from '../../../lib/dashboard/sse.js';
import { type FlagSpec, formatHelp } from '../../../lib/flags/flags.js';
import { ListenAddressError, parseListenAddress } from '../../../lib/util/listen-address.js';

describe('parseListenAddress', () => {
  it.each([
    [':8080', { host: undefined, port: 8080 }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
    ['[::1]:8080', { host: '::1', port: 8080 }],
    ['localhost:65535', { host: 'localhost', port: 65535 }],
  ])('%s', (text, want) => {
    expect(parseListenAddress(text)).toEqual(want);
  });

  it.each([
    ['8080', /host:port/],
    ['::1:8080', /brackets/],
    [':99999', /0-65535/],
    [':http', /0-65535/],
    ['[::1]8080', /\[v6-address\]:port/],
  ])('%s is refused', (text, why) => {
    expect(() => parseListenAddress(text)).toThrow(ListenAddressError);
    expect(() => parseListenAddress(text)).toThrow(why);
  });
});

describe('maglevd-frontend --help', () => {
  const help = formatHelp(frontendFlags, { program: 'maglevd-frontend', usage: 'maglevd-frontend [flags]' });
  const line = (flag: string) => help.split('\n').find((l) => l.startsWith(`  --${flag} `)) ?? '';

  it('leaves out the default of a list flag that has none, instead of printing an empty one', () => {
    expect(line('server')).toBe(
      '  --server ADDR[,ADDR...]     maglevd gRPC address(es), host:port, [v6]:port or unix:///path; repeatable (env MAGLEV_FRONTEND_SERVER, MAGLEV_SERVERS)',
    );
    // No clause ends in an empty value anywhere.
    expect(help).not.toMatch(/default[;)]|default\s*$|\(\)|; \)/m);
  });

  it('still shows every real default', () => {
    expect(line('listen')).toContain('(env MAGLEV_FRONTEND_LISTEN, MAGLEV_LISTEN; default :8080)');
    expect(line('log-level')).toContain('default info; one of debug, info, warn, error');
  });

  it('prints no empty parentheses for a flag with neither environment nor default', () => {
    const specs = {
      peer: { kind: 'strings', default: [], description: 'peers' } as FlagSpec<'strings'>,
      tags: { kind: 'strings', default: ['a', 'b'], description: 'tags' } as FlagSpec<'strings'>,
      name: { kind: 'string', default: '', description: 'name' } as FlagSpec<'string'>,
    };
    const text = formatHelp(specs, { program: 'x', usage: 'x' });
    expect(text).toMatch(/--peer VALUE +peers\n/);
    expect(text).toContain('tags (default a,b)');
    expect(text).toContain('name (default "")');
  });
});

describe('SSE framing', () => {
  it('frames an event, one data line per payload line', () => {
    expect(formatSseEvent('e-1', 'log', '{"a":1}')).toBe('id: e-1\nevent: log\ndata: {"a":1}\n\n');
    expect(formatSseEvent('e-2', 'x', 'a\nb\r\nc')).toBe('id: e-2\nevent: x\ndata: a\ndata: b\ndata: c\n\n');
    expect(() => formatSseEvent('e\n3', 'x', '')).toThrow();
    expect(formatSseComment('ping')).toBe(': ping\n\n');
    expect(formatSseComment('a\nb')).toBe(': a b\n\n');
    expect(formatSseRetry(3000)).toBe('retry: 3000\n\n');
  });
});

describe('backoff', () => {
  it('property: between half and all of the capped doubling delay', () => {
    fc.assert(
      fc.property(fc.nat(100), fc.double({ min: 0, max: 0.999_999, noNaN: true }), (attempt, random) => {
        const d = backoffDelay(attempt, { initialMs: 500, maxMs: 30_000 }, random);
        const cap = Math.min(30_000, 500 * 2 ** attempt);
        expect(d).toBeGreaterThanOrEqual(Math.floor(cap / 2));
        expect(d).toBeLessThanOrEqual(cap);
      }),
    );
  });

  it('sleep resolves early on abort', async () => {
    const ac = new AbortController();
    const p = sleep(60_000, ac.signal);
    ac.abort();
    await expect(p).resolves.toBeUndefined();
  });
});

describe('CoalescingRunner (leading and trailing edge)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs at once, then once more after the interval for any number of triggers', async () => {
    vi.useFakeTimers();
    const starts: number[] = [];
    const r = new CoalescingRunner(async () => {
      starts.push(Date.now());
    }, 1000);
    const t0 = Date.now();
    r.trigger();
    await vi.advanceTimersByTimeAsync(0);
    for (let i = 0; i < 50; i++) {
      r.trigger();
      await vi.advanceTimersByTimeAsync(10);
    }
    await vi.advanceTimersByTimeAsync(2000);
    expect(starts.map((s) => s - t0)).toEqual([0, 1000]);
    // Quiet for a while: the next trigger runs at once again.
    await vi.advanceTimersByTimeAsync(5000);
    r.trigger();
    await vi.advanceTimersByTimeAsync(0);
    expect(starts.length).toBe(3);
    await r.close();
  });

  it('never runs twice at once: a trigger during a run becomes one run after it', async () => {
    vi.useFakeTimers();
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const r = new CoalescingRunner(async () => {
      running++;
      runs++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((res) => setTimeout(res, 3000));
      running--;
    }, 1000);
    r.trigger();
    await vi.advanceTimersByTimeAsync(500);
    r.trigger();
    r.trigger();
    await vi.advanceTimersByTimeAsync(10_000);
    expect([runs, maxRunning]).toEqual([2, 1]);
    await r.close();
  });

  it('close() cancels a pending trailing run', async () => {
    vi.useFakeTimers();
    let runs = 0;
    const r = new CoalescingRunner(async () => {
      runs++;
    }, 1000);
    r.trigger();
    await vi.advanceTimersByTimeAsync(0);
    r.trigger();
    await r.close();
    await vi.advanceTimersByTimeAsync(5000);
    expect(runs).toBe(1);
  });
});
