import { vnetApiErrorName } from './errno.js';

/**
 * Bytes from VPP (or a peer) that do not form a valid message or frame. The only error decoding
 * throws.
 *
 * @public
 */
export class VppDecodeError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'VPP_DECODE' as const;
  /**
   * The message text becomes `<messageName>: <message>` when the message is known.
   *
   * @param message - what is wrong with the bytes
   * @param messageName - the message being decoded, when known
   * @param offset - payload offset where decoding failed
   */
  constructor(
    message: string,
    /** The message being decoded, when known; undefined for a framing error. */
    readonly messageName: string | undefined,
    /** Payload offset (bytes from the start of `_vl_msg_id`) where decoding failed. */
    readonly offset: number,
  ) {
    super(messageName ? `${messageName}: ${message}` : message);
    this.name = 'VppDecodeError';
  }
}

/**
 * A value that cannot be encoded: out of range for its wire type, of the wrong JavaScript type, a
 * string or array of the wrong length, a count field that disagrees with its array. Nothing is
 * sent.
 *
 * @public
 */
export class VppEncodeError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'VPP_ENCODE' as const;
  /**
   * The message text is `<path>: <detail>`.
   *
   * @param path - the field path, e.g. `lb_add_del_as_v2.pfx.len`
   * @param detail - what is wrong with its value
   */
  constructor(
    /** The field path, e.g. `lb_add_del_as_v2.pfx.len`. */
    readonly path: string,
    /** What is wrong with the value, e.g. `expected an integer 0..255, got 300`. */
    readonly detail: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = 'VppEncodeError';
  }
}

/**
 * VPP answered with a nonzero retval. `name` is VPP's error name (`VALUE_EXIST` for -81, see
 * VNET_API_ERRORS), not the class name; use `instanceof VppApiError` to recognise it.
 *
 * @public
 */
export class VppApiError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'VPP_API' as const;
  /** VPP's name for the retval, e.g. `NO_SUCH_ENTRY`; `UNKNOWN_<n>` for a code not in the table. */
  override readonly name: string;
  /**
   * Names the retval from {@link VNET_API_ERRORS}; the message text is
   * `<request>: VPP error <name> (<retval>)`.
   *
   * @param request - the request that failed
   * @param retval - the nonzero retval of its reply
   */
  constructor(
    /** The request that failed; for a dump `<name> (control_ping)`, whose reply carried the error. */
    readonly request: string,
    /** The reply's retval: a negative vnet_api_error code. */
    readonly retval: number,
  ) {
    const name = vnetApiErrorName(retval);
    super(`${request}: VPP error ${name} (${retval})`);
    this.name = name;
  }
}

/**
 * The connected VPP lacks a message (or defines it with another CRC). Raised before anything is
 * sent.
 *
 * @public
 */
export class VppUnsupportedMessageError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'VPP_UNSUPPORTED_MESSAGE' as const;
  /**
   * The message text is `unsupported: <nameCrc>`.
   *
   * @param nameCrc - the missing message as VPP would list it
   * @param request - the message asked for
   */
  constructor(
    /** The message's name and CRC as VPP would list it, e.g. `lb_add_del_as_v2_2f1d3b0e`. */
    readonly nameCrc: string,
    /** The message asked for; differs from nameCrc's message when its reply is the one missing. */
    readonly request: string,
  ) {
    super(`unsupported: ${nameCrc}`);
    this.name = 'VppUnsupportedMessageError';
  }
}

/**
 * A request got no answer in time. VPP silently drops a message it cannot parse, so this is also
 * how a malformed request shows. A reply that turns up later is traced as `unexpected`.
 *
 * @public
 */
export class VppTimeoutError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'VPP_TIMEOUT' as const;
  /**
   * The message text is `<request>: no reply from VPP within <timeoutMs> ms`.
   *
   * @param request - the request that timed out
   * @param timeoutMs - the timeout that passed, in milliseconds
   */
  constructor(
    /** The request that timed out. */
    readonly request: string,
    /** The timeout that passed, in milliseconds. */
    readonly timeoutMs: number,
  ) {
    super(`${request}: no reply from VPP within ${timeoutMs} ms`);
    this.name = 'VppTimeoutError';
  }
}

/**
 * Why a connection ended: `closed` (close() was called), `eof` (VPP closed the socket), `error`
 * (a socket error), `protocol` (the byte stream lost sync).
 *
 * @public
 */
export type VppDisconnectReason = 'closed' | 'eof' | 'error' | 'protocol';

/**
 * The connection is not (or no longer) usable; pending requests fail with this.
 *
 * @public
 */
export class VppDisconnectedError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'VPP_DISCONNECTED' as const;
  /**
   * The message text says the reason and the detail.
   *
   * @param reason - why the connection ended, or `not-connected` when it never was
   * @param detail - the underlying error's message, if any
   * @param options - `cause`: the underlying error
   */
  constructor(
    /** Why the connection ended, or `not-connected` for a request made before connect(). */
    readonly reason: VppDisconnectReason | 'not-connected',
    /** The underlying error's message, when there was one. */
    readonly detail?: string,
    options?: { cause?: unknown },
  ) {
    super(
      `VPP API connection ${reason === 'not-connected' ? 'is not connected' : `ended (${reason})`}${detail ? `: ${detail}` : ''}`,
      options,
    );
    this.name = 'VppDisconnectedError';
  }
}

/**
 * Connecting or the `sockclnt_create` handshake failed: no socket, no permission, no handshake
 * in time, or VPP refused the client. `cause` holds the socket error, if any.
 *
 * @public
 */
export class VppConnectError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'VPP_CONNECT' as const;
  /**
   * The message text is `cannot connect to VPP at <socketPath>: <detail>`.
   *
   * @param socketPath - the socket connected to
   * @param detail - what failed
   * @param options - `cause`: the underlying error
   */
  constructor(
    /** The unix socket connected to. */
    readonly socketPath: string,
    /** What failed, e.g. `connect ENOENT /run/vpp/api.sock` or `no handshake within 5000 ms`. */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot connect to VPP at ${socketPath}: ${detail}`, options);
    this.name = 'VppConnectError';
  }
}

/**
 * VPP sent something the protocol does not allow for the request (a message of the wrong kind),
 * or the request is not something this client can call (not a service, a dump sent as a request).
 *
 * @public
 */
export class VppProtocolError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'VPP_PROTOCOL' as const;
  /**
   * The message text is `<request>: <detail>`.
   *
   * @param request - the request concerned
   * @param detail - what was wrong
   */
  constructor(
    /** The request concerned. */
    readonly request: string,
    /** What was wrong, e.g. `got lb_conf_reply with context 7, expected lb_conf_get_reply`. */
    readonly detail: string,
  ) {
    super(`${request}: ${detail}`);
    this.name = 'VppProtocolError';
  }
}
