import { vnetApiErrorName } from './errno.js';

/** Bytes from VPP (or a peer) that do not form a valid message or frame. */
export class VppDecodeError extends Error {
  constructor(
    message: string,
    /** The message being decoded, when known. */
    readonly messageName: string | undefined,
    /** Payload offset where decoding failed. */
    readonly offset: number,
  ) {
    super(messageName ? `${messageName}: ${message}` : message);
    this.name = 'VppDecodeError';
  }
}

/** A value that cannot be encoded: names the field path, e.g. `lb_add_del_as_v2.pfx.len`. */
export class VppEncodeError extends Error {
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = 'VppEncodeError';
  }
}

/**
 * VPP answered with a nonzero retval. `name` is VPP's error name (`VALUE_EXIST` for -81, see
 * VNET_API_ERRORS), not the class name; use `instanceof VppApiError` to recognise it.
 */
export class VppApiError extends Error {
  /** VPP's name for the retval, e.g. `NO_SUCH_ENTRY`; `UNKNOWN_<n>` for a code not in the table. */
  override readonly name: string;
  constructor(
    /** The request that failed. */
    readonly request: string,
    readonly retval: number,
  ) {
    const name = vnetApiErrorName(retval);
    super(`${request}: VPP error ${name} (${retval})`);
    this.name = name;
  }
}

/** The connected VPP lacks a message (or defines it with another CRC). */
export class VppUnsupportedMessageError extends Error {
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

/** A request got no answer in time. */
export class VppTimeoutError extends Error {
  constructor(
    readonly request: string,
    readonly timeoutMs: number,
  ) {
    super(`${request}: no reply from VPP within ${timeoutMs} ms`);
    this.name = 'VppTimeoutError';
  }
}

/** Why a connection ended. */
export type VppDisconnectReason = 'closed' | 'eof' | 'error' | 'protocol';

/** The connection is not (or no longer) usable; pending requests fail with this. */
export class VppDisconnectedError extends Error {
  constructor(
    readonly reason: VppDisconnectReason | 'not-connected',
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

/** Connecting or the `sockclnt_create` handshake failed. */
export class VppConnectError extends Error {
  constructor(
    readonly socketPath: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot connect to VPP at ${socketPath}: ${detail}`, options);
    this.name = 'VppConnectError';
  }
}

/** VPP sent something the protocol does not allow for the request (a message of the wrong kind). */
export class VppProtocolError extends Error {
  constructor(
    readonly request: string,
    readonly detail: string,
  ) {
    super(`${request}: ${detail}`);
    this.name = 'VppProtocolError';
  }
}
