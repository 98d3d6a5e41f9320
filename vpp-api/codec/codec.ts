import type { ApiMessageDefinition, ApiModuleDefinition, ApiServiceDefinition } from '../definitions.js';
import { VppDecodeError, VppEncodeError } from '../errors.js';
import type { VppMessageInputTypes, VppMessageTypes } from '../generated/index.js';
import { vppApiModules } from '../generated/index.js';
import { messageHeaderLayout } from '../header.js';
import { type CompiledType, compileStruct, Reader } from './compile.js';
import { type VppFieldNode, VppSchema, VppSchemaError } from './schema.js';

/**
 * Bytes of the socket frame header that precedes every payload.
 *
 * @public
 */
export const FRAME_HEADER_BYTES = 16;

function asBuffer(p: Uint8Array): Buffer {
  return Buffer.isBuffer(p) ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength);
}

function putU32(b: Buffer, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = v >>> 16;
  b[o + 2] = v >>> 8;
  b[o + 3] = v;
}

function checkU(message: string, field: string, v: number, max: number): void {
  if (!Number.isInteger(v) || v < 0 || v > max) {
    throw new VppEncodeError(`${message}.${field}`, `expected an integer 0..${max}, got ${v}`);
  }
}

/**
 * Encoder and decoder of one message, compiled from its definition. Message objects carry the
 * content fields only; `_vl_msg_id`, `client_index` and `context` are passed separately.
 *
 * @typeParam T - the message as decode returns it
 * @typeParam I - the message as encode accepts it
 * @public
 */
export class VppMessageCodec<T = unknown, I = unknown> {
  /** The message name, e.g. `lb_as_v2_details`. */
  readonly name: string;
  /** CRC as 8 lowercase hex digits. */
  readonly crc: string;
  /** `<name>_<crc>`, the key of VPP's message table. */
  readonly nameCrc: string;
  /** The definition it was compiled from. */
  readonly definition: ApiMessageDefinition;
  /**
   * The content fields (header excluded), resolved.
   *
   * @beta
   */
  readonly fields: readonly VppFieldNode[];
  /** Payload offset of the `client_index` header field, or -1. */
  readonly clientIndexOffset: number;
  /** Payload offset of the `context` header field, or -1. */
  readonly contextOffset: number;
  /** Payload bytes taken by `_vl_msg_id` and the header fields. */
  readonly headerBytes: number;
  /** Whether the message has an `i32 retval` (replies). */
  readonly hasRetval: boolean;
  /** Payload size when it does not depend on the content (no strings or arrays of variable length). */
  readonly fixedSize: number | undefined;
  /** Smallest valid payload size. */
  readonly minSize: number;
  private readonly body: CompiledType;

  /**
   * Compiles the codec. `VppCodec.message()` does this once per message and caches it.
   *
   * @throws {@link VppSchemaError} when the definition names a type the schema lacks, or is
   *   otherwise unusable
   * @beta
   */
  constructor(definition: ApiMessageDefinition, schema: VppSchema) {
    this.definition = definition;
    this.name = definition.name;
    this.crc = definition.crc;
    this.nameCrc = `${definition.name}_${definition.crc}`;
    const layout = messageHeaderLayout(definition.fields);
    this.clientIndexOffset = layout.clientIndexOffset;
    this.contextOffset = layout.contextOffset;
    this.headerBytes = layout.headerBytes;
    this.fields = schema.fields(definition.fields.slice(layout.headerFields), definition.name);
    this.hasRetval = this.fields[0]?.name === 'retval' && this.fields[0].type.kind === 'int';
    this.body = compileStruct(this.fields, definition.name);
    this.fixedSize = this.body.fixed >= 0 ? this.headerBytes + this.body.fixed : undefined;
    this.minSize = this.headerBytes + this.body.min;
  }

  /**
   * Encodes `msg` as a complete socket frame (16-byte header, then the payload). Omitted fields
   * take their `[default=]` or zero.
   *
   * @param msgId - the `_vl_msg_id` (the id of this message in the peer's table), 0..65535
   * @param context - the `context` header value, 0..2^32-1; ignored for a message without one
   * @param clientIndex - the `client_index` header value; ignored for a message without one
   * @throws {@link VppEncodeError} naming the field for a bad value
   */
  encodeFrame(msg: I, msgId: number, context = 0, clientIndex = 0): Buffer {
    checkU(this.name, '_vl_msg_id', msgId, 0xffff);
    checkU(this.name, 'context', context, 0xffffffff);
    checkU(this.name, 'client_index', clientIndex, 0xffffffff);
    const size = this.fixedSize ?? this.headerBytes + this.body.size(msg, undefined);
    const b = Buffer.allocUnsafe(FRAME_HEADER_BYTES + size);
    for (let i = 0; i < 8; i++) b[i] = 0;
    putU32(b, 8, size);
    putU32(b, 12, 0);
    b[16] = msgId >>> 8;
    b[17] = msgId;
    if (this.clientIndexOffset >= 0) putU32(b, FRAME_HEADER_BYTES + this.clientIndexOffset, clientIndex);
    if (this.contextOffset >= 0) putU32(b, FRAME_HEADER_BYTES + this.contextOffset, context);
    const end = this.body.write(b, FRAME_HEADER_BYTES + this.headerBytes, msg, undefined);
    if (end !== b.length) throw new VppEncodeError(this.name, `encoded ${end - 16} bytes, expected ${size}`);
    return b;
  }

  /**
   * Encodes just the payload (no frame header); parameters and errors as {@link VppMessageCodec.encodeFrame}.
   */
  encodePayload(msg: I, msgId: number, context = 0, clientIndex = 0): Buffer {
    return this.encodeFrame(msg, msgId, context, clientIndex).subarray(FRAME_HEADER_BYTES);
  }

  /**
   * Decodes a payload (starting with `_vl_msg_id`, which is not checked). Surplus bytes at the
   * end are ignored, as VPP's own readers do. Every read is bounded by the payload, so untrusted
   * bytes are safe to pass.
   *
   * @throws {@link VppDecodeError} (and nothing else) for bytes that do not decode
   */
  decode(payload: Uint8Array): T {
    const b = asBuffer(payload);
    if (b.length < this.headerBytes) {
      throw new VppDecodeError(
        `payload of ${b.length} bytes is shorter than the ${this.headerBytes}-byte header`,
        this.name,
        0,
      );
    }
    return this.body.read(new Reader(b, this.headerBytes, b.length, this.name), {}) as T;
  }

  /** The `context` header value of a payload, or undefined when the message has none or it is cut short. */
  readContext(payload: Uint8Array): number | undefined {
    const o = this.contextOffset;
    if (o < 0 || payload.length < o + 4) return undefined;
    return ((payload[o]! << 24) | (payload[o + 1]! << 16) | (payload[o + 2]! << 8) | payload[o + 3]!) >>> 0;
  }

  /** The `client_index` header value of a payload, or undefined. */
  readClientIndex(payload: Uint8Array): number | undefined {
    const o = this.clientIndexOffset;
    if (o < 0 || payload.length < o + 4) return undefined;
    return ((payload[o]! << 24) | (payload[o + 1]! << 16) | (payload[o + 2]! << 8) | payload[o + 3]!) >>> 0;
  }
}

/**
 * The `_vl_msg_id` of a payload; undefined when it has fewer than 2 bytes.
 *
 * @public
 */
export function readMessageId(payload: Uint8Array): number | undefined {
  return payload.length < 2 ? undefined : (payload[0]! << 8) | payload[1]!;
}

/**
 * Header values a frame is encoded with.
 *
 * @public
 */
export interface VppHeaderValues {
  /** The `_vl_msg_id`: the message's id in the peer's message table. */
  readonly msgId: number;
  /** The `context` the answer will echo; default 0. */
  readonly context?: number;
  /** The `client_index` (requests only); default 0. */
  readonly clientIndex?: number;
}

/**
 * One entry of VPP's message table: the id and `<name>_<crc>`.
 *
 * @public
 */
export interface VppMessageTableEntry {
  /** The message id (`_vl_msg_id`), from 1. */
  readonly index: number;
  /** `<name>_<crc>`, e.g. `control_ping_51077d14`. */
  readonly name: string;
}

/**
 * Every message of a set of modules (by default the generated ones), encodable and decodable by
 * name. Codecs are compiled on first use and cached.
 *
 * @public
 */
export class VppCodec {
  /**
   * The resolved type tree of the modules' types.
   *
   * @beta
   */
  readonly schema: VppSchema;
  /** The modules it was built from. */
  readonly modules: readonly ApiModuleDefinition[];
  private readonly defs = new Map<string, ApiMessageDefinition>();
  private readonly services = new Map<string, ApiServiceDefinition>();
  private readonly codecs = new Map<string, VppMessageCodec>();

  /**
   * Indexes the modules' messages and services; types resolve lazily, as messages are used.
   *
   * @param modules - default: every generated module ({@link vppApiModules})
   * @throws {@link VppSchemaError} when two modules define the same message
   */
  constructor(modules: readonly ApiModuleDefinition[] = vppApiModules) {
    this.modules = modules;
    this.schema = new VppSchema(modules);
    for (const m of modules) {
      for (const msg of m.messages) {
        if (this.defs.has(msg.name))
          throw new VppSchemaError(`${m.name}.${msg.name}`, 'message defined twice');
        this.defs.set(msg.name, msg);
      }
      for (const s of m.services) this.services.set(s.request, s);
    }
  }

  /** All message names, in definition order. */
  get messageNames(): readonly string[] {
    return [...this.defs.keys()];
  }

  /** Whether the modules define a message of this name. */
  has(name: string): boolean {
    return this.defs.has(name);
  }

  /**
   * The codec of a generated message, typed from the generated maps.
   *
   * @throws {@link VppSchemaError} when no module defines it, or its definition is unusable
   */
  message<N extends keyof VppMessageTypes>(
    name: N,
  ): VppMessageCodec<VppMessageTypes[N], VppMessageInputTypes[N]>;
  /**
   * The codec of any message of the modules, untyped (for modules other than the generated ones).
   *
   * @throws {@link VppSchemaError} when no module defines it, or its definition is unusable
   */
  message(name: string): VppMessageCodec;
  message(name: string): VppMessageCodec {
    let c = this.codecs.get(name);
    if (!c) {
      const d = this.defs.get(name);
      if (!d) throw new VppSchemaError(name, 'no such message in the definitions');
      c = new VppMessageCodec(d, this.schema);
      this.codecs.set(name, c);
    }
    return c;
  }

  /** The service entry of a request: its reply or details message, and whether it is a dump. */
  service(request: string): ApiServiceDefinition | undefined {
    return this.services.get(request);
  }

  /**
   * Encodes a message as a complete frame; see {@link VppMessageCodec.encodeFrame}.
   *
   * @throws {@link VppEncodeError} naming the field for a bad value
   */
  encodeFrame<N extends keyof VppMessageTypes>(
    name: N,
    msg: VppMessageInputTypes[N],
    header: VppHeaderValues,
  ): Buffer {
    return this.message(name).encodeFrame(msg, header.msgId, header.context, header.clientIndex);
  }

  /**
   * Decodes a payload as the named message; see {@link VppMessageCodec.decode}.
   *
   * @throws {@link VppDecodeError} for bytes that do not decode
   */
  decode<N extends keyof VppMessageTypes>(name: N, payload: Uint8Array): VppMessageTypes[N] {
    return this.message(name).decode(payload);
  }

  /**
   * A message table numbering every message from 1 in definition order. With the generated
   * modules this gives memclnt its real fixed ids (sockclnt_create 15, control_ping 23, …); the
   * others are arbitrary, as they are in VPP. For test servers.
   */
  messageTable(): VppMessageTableEntry[] {
    return [...this.defs.values()].map((d, i) => ({ index: i + 1, name: `${d.name}_${d.crc}` }));
  }
}

let shared: VppCodec | undefined;

/**
 * The codec of the generated modules, shared (codecs compile once per process).
 *
 * @public
 */
export function defaultVppCodec(): VppCodec {
  shared ??= new VppCodec();
  return shared;
}
