import { describe, expect, it } from 'vitest';
import { parseServerAddress, ServerAddressError } from '../../../lib/cli/server-address.js';

describe('maglevc --server values', () => {
  it.each([
    ['localhost:9090', 'localhost:9090'],
    ['127.0.0.1:9090', '127.0.0.1:9090'],
    ['lb1.example.net:1', 'lb1.example.net:1'],
    ['lb1.example.net.:65535', 'lb1.example.net.:65535'],
    ['maglev_d:9090', 'maglev_d:9090'],
    ['[::1]:9090', '[::1]:9090'],
    ['[2001:db8::2]:9090', '[2001:db8::2]:9090'],
    [':9090', 'localhost:9090'],
    ['unix:/run/maglevd.sock', 'unix:/run/maglevd.sock'],
    ['unix:///run/maglevd.sock', 'unix:///run/maglevd.sock'],
  ])('%s dials %s', (value, target) => {
    expect(parseServerAddress(value)).toBe(target);
  });

  it.each([
    ['', 'it is empty (expected HOST:PORT)'],
    ['   ', 'it is empty (expected HOST:PORT)'],
    ['garbage', 'the port is missing (expected HOST:PORT)'],
    ['localhost:', 'the port is missing (expected HOST:PORT)'],
    ['127.0.0.1:99999', 'port 99999 is out of range 1-65535'],
    ['127.0.0.1:0', 'port 0 is out of range 1-65535'],
    ['127.0.0.1:http', 'port "http" is not a number'],
    ['127.0.0.1:-1', 'port "-1" is not a number'],
    ['300.1.1.1:9090', '"300.1.1.1" is not a valid IPv4 address'],
    ['bad host:9090', 'it contains white space'],
    [' localhost:9090', 'it contains white space'],
    ['lb1!.example:9090', '"lb1!.example" is not a valid host name or address'],
    ['-lb1:9090', '"-lb1" is not a valid host name or address'],
    ['::1:9090', 'an IPv6 address goes in brackets: [ADDRESS]:PORT'],
    ['2001:db8::2', 'an IPv6 address goes in brackets: [ADDRESS]:PORT'],
    ['a:b:9090', 'too many colons (expected HOST:PORT)'],
    ['[::1', 'the "]" closing the IPv6 address is missing'],
    ['[::1]', 'the port is missing (expected [IPV6]:PORT)'],
    ['[::1]:99999', 'port 99999 is out of range 1-65535'],
    ['[fe80::zz]:9090', '"fe80::zz" is not a valid IPv6 address'],
    ['unix:', 'the socket path is missing (expected unix:PATH)'],
  ])('%j is refused: %s', (value, reason) => {
    let caught: unknown;
    try {
      parseServerAddress(value);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ServerAddressError);
    expect(caught).toMatchObject({ value, message: reason });
  });
});
