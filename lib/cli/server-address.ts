import { isIPv4, isIPv6 } from 'node:net';

/**
 * A `--server` value maglevc cannot use; the message says what is wrong with it.
 *
 * @internal
 */
export class ServerAddressError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'SERVER_ADDRESS' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'ServerAddressError';
  constructor(
    /** The `--server` value as given. */
    readonly value: string,
    reason: string,
  ) {
    super(reason);
  }
}

// RFC 1123 host names (plus the underscores some container networks use): labels of letters,
// digits and inner hyphens, at most 63 long.
const LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

function checkPort(value: string, port: string): void {
  if (port === '') throw new ServerAddressError(value, 'the port is missing (expected HOST:PORT)');
  if (!/^\d+$/.test(port)) throw new ServerAddressError(value, `port "${port}" is not a number`);
  const n = Number(port);
  if (n < 1 || n > 65535) throw new ServerAddressError(value, `port ${port} is out of range 1-65535`);
}

function checkHost(value: string, host: string): void {
  if (isIPv4(host)) return;
  if (/^[\d.]+$/.test(host)) throw new ServerAddressError(value, `"${host}" is not a valid IPv4 address`);
  if (
    host.length > 253 ||
    !host
      .replace(/\.$/, '')
      .split('.')
      .every((l) => LABEL.test(l))
  ) {
    throw new ServerAddressError(value, `"${host}" is not a valid host name or address`);
  }
}

/**
 * Checks maglevc's `--server` value and returns the gRPC target to dial. Accepted:
 * `HOST:PORT` (a host name or IPv4 address), `[IPV6]:PORT`, `:PORT` (this host, as Go's
 * dialer reads it), and `unix:PATH` for a maglevd listening on a unix socket. Anything else
 * throws {@link ServerAddressError}, so a typo fails at once instead of as a connection error.
 *
 * @internal
 */
export function parseServerAddress(value: string): string {
  if (value.trim() === '') throw new ServerAddressError(value, 'it is empty (expected HOST:PORT)');
  if (value !== value.trim() || /\s/.test(value))
    throw new ServerAddressError(value, 'it contains white space');
  if (value.startsWith('unix:')) {
    if (value.replace(/^unix:(\/\/)?/, '') === '')
      throw new ServerAddressError(value, 'the socket path is missing (expected unix:PATH)');
    return value;
  }
  if (value.startsWith('[')) {
    const close = value.indexOf(']');
    if (close < 0) throw new ServerAddressError(value, 'the "]" closing the IPv6 address is missing');
    const host = value.slice(1, close);
    if (!isIPv6(host)) throw new ServerAddressError(value, `"${host}" is not a valid IPv6 address`);
    const rest = value.slice(close + 1);
    if (!rest.startsWith(':'))
      throw new ServerAddressError(value, 'the port is missing (expected [IPV6]:PORT)');
    checkPort(value, rest.slice(1));
    return value;
  }
  const colon = value.lastIndexOf(':');
  if (colon < 0) throw new ServerAddressError(value, 'the port is missing (expected HOST:PORT)');
  const host = value.slice(0, colon);
  if (host.includes(':')) {
    throw new ServerAddressError(
      value,
      isIPv6(host) || isIPv6(value)
        ? 'an IPv6 address goes in brackets: [ADDRESS]:PORT'
        : 'too many colons (expected HOST:PORT)',
    );
  }
  checkPort(value, value.slice(colon + 1));
  if (host === '') return `localhost${value}`;
  checkHost(value, host);
  return value;
}
