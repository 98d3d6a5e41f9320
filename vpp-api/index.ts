/**
 * VPP's binary API over its unix socket: generated message definitions, codec and connection.
 * Knows nothing of maglev.
 *
 * @packageDocumentation
 */
export {
  defaultVppCodec,
  FRAME_HEADER_BYTES,
  readMessageId,
  VppCodec,
  type VppHeaderValues,
  VppMessageCodec,
  type VppMessageTableEntry,
} from './codec/codec.js';
export {
  fixedSize,
  minSize,
  type VppFieldNode,
  VppSchema,
  VppSchemaError,
  type VppTypeNode,
} from './codec/schema.js';
export {
  DEFAULT_VPP_API_SOCKET,
  nextVppContext,
  type VppConnectedEvent,
  VppConnection,
  type VppConnectionEvents,
  type VppConnectionOptions,
  type VppConnectionState,
  type VppDisconnectedEvent,
  type VppDumpName,
  type VppReplyOf,
  type VppRequestName,
  type VppRequestOptions,
  type VppTraceEvent,
  type VppTraceResult,
} from './connection.js';
export type {
  ApiAliasDefinition,
  ApiEnumDefinition,
  ApiFieldDefinition,
  ApiMessageDefinition,
  ApiModuleDefinition,
  ApiServiceDefinition,
  ApiStructDefinition,
  ApiTypeDefinition,
  ApiUnionDefinition,
  VppBaseType,
  VppDefaultValue,
  VppIntegerType,
} from './definitions.js';
export { VNET_API_ERRORS, vnetApiErrorName } from './errno.js';
export {
  VppApiError,
  VppConnectError,
  VppDecodeError,
  VppDisconnectedError,
  type VppDisconnectReason,
  VppEncodeError,
  VppProtocolError,
  VppTimeoutError,
  VppUnsupportedMessageError,
} from './errors.js';
export {
  DEFAULT_MAX_FRAME_BYTES,
  framePayload,
  VppFrameReader,
  type VppFrameReaderOptions,
  writeFrameHeader,
} from './frame.js';
export * from './generated/index.js';
export { type MessageHeaderLayout, messageHeaderLayout } from './header.js';
export {
  ADDRESS_IP4,
  ADDRESS_IP6,
  addressFromString,
  addressToString,
  ip4FromString,
  ip4ToString,
  ip6FromString,
  ip6ToString,
  prefixFromString,
  prefixToString,
  VppAddressError,
} from './ip.js';
