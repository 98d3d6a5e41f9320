import { describe, expect, it } from 'vitest';
import { type FqdnResolver, isFqdnOf, resolveFqdn } from '../../../lib/tui/fqdn.js';

function resolver(
  hosts: Record<string, string>,
  names: Record<string, string>,
): FqdnResolver & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    lookup: async (h) => {
      calls.push(`lookup ${h}`);
      const a = hosts[h];
      if (a === undefined)
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${h}`), { code: 'ENOTFOUND' });
      return a;
    },
    reverse: async (a) => {
      calls.push(`reverse ${a}`);
      const n = names[a];
      if (n === undefined)
        throw Object.assign(new Error(`getnameinfo ENOTFOUND ${a}`), { code: 'ENOTFOUND' });
      return n;
    },
  };
}

describe('resolveFqdn', () => {
  it.each([
    [
      'the canonical name of the host address',
      'lb1',
      { lb1: '192.0.2.5' },
      { '192.0.2.5': 'lb1.ams.example.net' },
      'lb1.ams.example.net',
    ],
    [
      'a trailing dot dropped',
      'lb1',
      { lb1: '192.0.2.5' },
      { '192.0.2.5': 'lb1.example.net.' },
      'lb1.example.net',
    ],
    [
      'case kept from DNS',
      'lb1',
      { lb1: '192.0.2.5' },
      { '192.0.2.5': 'LB1.Example.NET' },
      'LB1.Example.NET',
    ],
    ['the host name when it does not resolve', 'lb1', {}, {}, 'lb1'],
    ['the host name when the address has no name', 'lb1', { lb1: '192.0.2.5' }, {}, 'lb1'],
    [
      'the host name when its address is loopback',
      'lb1',
      { lb1: '127.0.1.1' },
      { '127.0.1.1': 'localhost' },
      'lb1',
    ],
    [
      'the host name when the name is another host',
      'lb1',
      { lb1: '192.0.2.5' },
      { '192.0.2.5': 'www.example.net' },
      'lb1',
    ],
  ])('gives %s', async (_what, host, hosts, names, want) => {
    expect(await resolveFqdn(host, { resolver: resolver(hosts, names) })).toBe(want);
  });

  it('keeps a host name that already has a dot, without asking DNS', async () => {
    const r = resolver({}, {});
    expect(await resolveFqdn('lb1.example.net', { resolver: r })).toBe('lb1.example.net');
    expect(r.calls).toEqual([]);
  });

  it('settles for the host name when DNS does not answer in time', async () => {
    const never: FqdnResolver = { lookup: () => new Promise(() => {}), reverse: () => new Promise(() => {}) };
    expect(await resolveFqdn('lb1', { resolver: never, timeoutMs: 10 })).toBe('lb1');
  });

  it.each([
    ['lb1.example.net', 'lb1', true],
    ['lb1.example.net.', 'LB1', true],
    ['lb1', 'lb1', false],
    ['lb1.', 'lb1', false],
    ['lb10.example.net', 'lb1', false],
    ['localhost', 'lb1', false],
  ])('isFqdnOf(%s, %s) is %s', (name, host, want) => {
    expect(isFqdnOf(name, host)).toBe(want);
  });
});
