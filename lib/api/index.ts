/**
 * The maglev.Maglev gRPC service: the typed client, the server, the protobuf messages.
 * Entry point `vpp-maglev/api`.
 */
export { type CallOptions, MaglevCallError, MaglevClient, type MaglevClientOptions } from './client.js';
export {
  FailedPreconditionError,
  grpcStatusOf,
  InvalidArgumentError,
  NotFoundError,
  UnavailableError,
} from './errors.js';
export * as maglevProto from './gen/maglev_pb.js';
export {
  type CallObserver,
  type EventSource,
  eventToProto,
  grpcListenAddress,
  MaglevGrpcServer,
  type MaglevGrpcServerOptions,
  type MaglevHandlers,
} from './server.js';
