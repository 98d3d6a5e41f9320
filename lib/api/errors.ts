import { status } from '@grpc/grpc-js';

/**
 * Errors the API layer maps onto gRPC status codes. Library layers throw their own typed errors;
 * the daemon wraps or classifies them through {@link grpcStatusOf}.
 */
/**
 * A named object (frontend, backend, pool, health check) does not exist: gRPC NOT_FOUND.
 *
 * @public
 */
export class NotFoundError extends Error {
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name: string = 'NotFoundError';
}
/**
 * A request argument is malformed or out of range: gRPC INVALID_ARGUMENT.
 *
 * @public
 */
export class InvalidArgumentError extends Error {
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name: string = 'InvalidArgumentError';
}
/**
 * The request is valid but the current state refuses it (e.g. a disabled backend): gRPC
 * FAILED_PRECONDITION.
 *
 * @public
 */
export class FailedPreconditionError extends Error {
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name: string = 'FailedPreconditionError';
}
/**
 * A dependency is not there right now (VPP not connected): gRPC UNAVAILABLE; retrying may work.
 *
 * @public
 */
export class UnavailableError extends Error {
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name: string = 'UnavailableError';
}

/** Names of error classes elsewhere in the library, by the gRPC code they mean. */
const BY_NAME: Readonly<Record<string, status>> = {
  NotFoundError: status.NOT_FOUND,
  FrontendNotFoundError: status.NOT_FOUND,
  BackendNotFoundError: status.NOT_FOUND,
  HealthCheckNotFoundError: status.NOT_FOUND,
  PoolNotFoundError: status.NOT_FOUND,
  InvalidArgumentError: status.INVALID_ARGUMENT,
  FailedPreconditionError: status.FAILED_PRECONDITION,
  BackendDisabledError: status.FAILED_PRECONDITION,
  UnavailableError: status.UNAVAILABLE,
  VppUnavailableError: status.UNAVAILABLE,
  VppNotConnectedError: status.UNAVAILABLE,
};

/**
 * The gRPC status code an error maps to, by its class name or that of any error in its
 * `cause` chain; INTERNAL for anything unrecognised (including non-Error values).
 *
 * @public
 */
export function grpcStatusOf(err: unknown): status {
  if (err instanceof Error) {
    for (let e: unknown = err; e instanceof Error; e = e.cause) {
      const code = BY_NAME[e.name];
      if (code !== undefined) return code;
    }
  }
  return status.INTERNAL;
}
