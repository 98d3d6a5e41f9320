/**
 * The one parser of listen addresses (`--grpc-addr`, `--metrics-addr`, maglevd-frontend's
 * `--listen`): Go's notation, as the original's flags take it.
 */
/**
 * A listen address the HTTP server can bind.
 *
 * @public
 */
export interface ListenAddress {
  /** undefined: every interface (IPv6 and IPv4). */
  readonly host: string | undefined;
  /** The TCP port; 0 picks a free one. */
  readonly port: number;
}

/**
 * A listen address that cannot be used, with the text given.
 *
 * @public
 */
export class ListenAddressError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'LISTEN_ADDRESS' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'ListenAddressError';
  constructor(
    /** The address as given. */
    readonly address: string,
    /** What is wrong with it. */
    readonly reason: string,
  ) {
    super(`invalid listen address ${JSON.stringify(address)}: ${reason}`);
  }
}

/**
 * Parses a Go-style listen address: `:8080` (every interface), `127.0.0.1:8080`,
 * `[::1]:8080`, `localhost:8080`. Port 0 picks a free port. Pure.
 *
 * @public
 */
export function parseListenAddress(text: string): ListenAddress {
  const s = text.trim();
  let host: string;
  let portText: string;
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0 || s[end + 1] !== ':') throw new ListenAddressError(text, 'expected [v6-address]:port');
    host = s.slice(1, end);
    portText = s.slice(end + 2);
  } else {
    const colon = s.lastIndexOf(':');
    if (colon < 0) throw new ListenAddressError(text, 'expected host:port or :port');
    host = s.slice(0, colon);
    if (host.includes(':')) throw new ListenAddressError(text, 'put an IPv6 address in brackets: [::1]:8080');
    portText = s.slice(colon + 1);
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535)
    throw new ListenAddressError(text, `port ${JSON.stringify(portText)} is not 0-65535`);
  return { host: host === '' ? undefined : host, port: Number(portText) };
}
