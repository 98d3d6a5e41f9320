/**
 * Errors of the lb plugin simulator. A SimulatedCrash is not a bug of the simulator: it stands
 * for an input that would bring VPP down (or into undefined behaviour), so the socket server
 * drops the client's connection instead of replying.
 */

/**
 * VPP would crash (or behave undefinedly) on this message; nothing was changed.
 *
 * @public
 */
export class SimulatedCrash extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'SIMULATED_CRASH' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'SimulatedCrash';
  constructor(
    /** The request's message name, e.g. "lb_add_del_vip_v2". */
    readonly messageName: string,
    /** Why VPP would go down, in a sentence. */
    readonly reason: string,
  ) {
    super(`${messageName}: simulated VPP crash: ${reason}`);
  }
}

/**
 * A message name the simulator does not handle (VPP drops unknown ids silently).
 *
 * @public
 */
export class UnknownMessageError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'UNKNOWN_MESSAGE' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'UnknownMessageError';
  constructor(
    /** The name asked for. */
    readonly messageName: string,
  ) {
    super(`unknown message ${JSON.stringify(messageName)}`);
  }
}

/**
 * A malformed request object (wrong field shape); the codec should never produce one.
 *
 * @public
 */
export class SimInputError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'SIM_INPUT' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'SimInputError';
  constructor(
    /** The request's message name. */
    readonly messageName: string,
    /** The malformed field, e.g. "pfx.address". */
    readonly field: string,
    detail: string,
  ) {
    super(`${messageName}.${field}: ${detail}`);
  }
}

/**
 * A socket path the simulator cannot take: another process listens on it, or something that is
 * not a socket is in the way. A stale socket (nobody listening) is not an error: it is removed.
 *
 * @public
 */
export class SimSocketInUseError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'SIM_SOCKET_IN_USE' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'SimSocketInUseError';
  constructor(
    /** The socket path, e.g. "/run/vpp/api.sock". */
    readonly socketPath: string,
    /** Which socket: "API" or "stats". */
    readonly role: string,
    detail: string,
  ) {
    super(`${role} socket ${socketPath}: ${detail}`);
  }
}
