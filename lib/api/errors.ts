import { status } from '@grpc/grpc-js';

/**
 * Errors the API layer maps onto gRPC status codes. Library layers throw their own typed errors;
 * the daemon wraps or classifies them through {@link grpcStatusOf}.
 */
export class NotFoundError extends Error {
  override readonly name: string = 'NotFoundError';
}
export class InvalidArgumentError extends Error {
  override readonly name: string = 'InvalidArgumentError';
}
export class FailedPreconditionError extends Error {
  override readonly name: string = 'FailedPreconditionError';
}
export class UnavailableError extends Error {
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

export function grpcStatusOf(err: unknown): status {
  if (err instanceof Error) {
    for (let e: unknown = err; e instanceof Error; e = e.cause) {
      const code = BY_NAME[e.name];
      if (code !== undefined) return code;
    }
  }
  return status.INTERNAL;
}
