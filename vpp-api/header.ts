import type { ApiFieldDefinition } from './definitions.js';

/**
 * Which leading fields of a message are transport header rather than content: `_vl_msg_id`,
 * then either `client_index` followed by `context` (requests, and `sockclnt_create_reply`), or
 * `context` alone (replies, details). A `client_index` further in, as in `control_ping_reply`,
 * is content. The connection fills the header in; message objects never carry it.
 *
 * @beta
 */
export interface MessageHeaderLayout {
  /** Payload offset of `client_index`, or -1. */
  readonly clientIndexOffset: number;
  /** Payload offset of `context`, or -1. */
  readonly contextOffset: number;
  /** How many leading fields (including `_vl_msg_id`) are header. */
  readonly headerFields: number;
  /** Payload offset of the first content field. */
  readonly headerBytes: number;
}

/**
 * The header layout of a message from its fields (all of them, `_vl_msg_id` first); see
 * {@link MessageHeaderLayout}.
 *
 * @beta
 */
export function messageHeaderLayout(fields: readonly ApiFieldDefinition[]): MessageHeaderLayout {
  const isU32 = (f: ApiFieldDefinition | undefined, name: string): boolean =>
    f !== undefined && f.name === name && f.type === 'u32' && f.length === undefined;
  let n = 1;
  let off = 2;
  let clientIndexOffset = -1;
  let contextOffset = -1;
  if (isU32(fields[n], 'client_index')) {
    clientIndexOffset = off;
    n++;
    off += 4;
  }
  if (isU32(fields[n], 'context')) {
    contextOffset = off;
    n++;
    off += 4;
  }
  return { clientIndexOffset, contextOffset, headerFields: n, headerBytes: off };
}
