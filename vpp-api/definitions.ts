/**
 * The shape of the message definitions that `npm run vpp-binapi` generates from VPP's `.api.json`
 * files. It stays close to the JSON (same names, same field order) but is normalised: type
 * references drop the `vl_api_…_t` wrapping, defaults carry their typed value, and each module
 * lists only the types it defines itself, not the ones it imports.
 */

/** Wire integer types. `u64`/`i64` are carried as bigint, the others as number. */
export type VppIntegerType = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'u64' | 'i64';

/** Every base type of the VPP API language. */
export type VppBaseType = VppIntegerType | 'f64' | 'bool' | 'string';

/** A default value from `[default=X]`, already converted to the field's representation. */
export type VppDefaultValue = number | bigint | boolean | string;

/** One field of a message, type or union, in declaration order. */
export interface ApiFieldDefinition {
  readonly name: string;
  /** A base type, or the name of a type, union, enum or alias (without `vl_api_` / `_t`). */
  readonly type: string;
  /** Present for arrays and strings: N for `x[N]`, 0 for a variable-length array or `string x[]`. */
  readonly length?: number;
  /** The field holding the element count of a variable-length array. */
  readonly count?: string;
  readonly default?: VppDefaultValue;
  /** Maximum length of a variable-length string (`{"limit": n}`). */
  readonly limit?: number;
}

export interface ApiStructDefinition {
  readonly kind: 'struct';
  readonly name: string;
  readonly fields: readonly ApiFieldDefinition[];
}

export interface ApiUnionDefinition {
  readonly kind: 'union';
  readonly name: string;
  readonly fields: readonly ApiFieldDefinition[];
}

export interface ApiEnumDefinition {
  readonly kind: 'enum';
  readonly name: string;
  /** The declared wire size (`enumtype`), u32 when the `.api` file names none. */
  readonly size: VppIntegerType;
  /** True for an `enumflag`: values are OR-ed bits. */
  readonly flags: boolean;
  readonly values: readonly (readonly [symbol: string, value: number])[];
}

export interface ApiAliasDefinition {
  readonly kind: 'alias';
  readonly name: string;
  readonly type: string;
  readonly length?: number;
}

export type ApiTypeDefinition =
  | ApiStructDefinition
  | ApiUnionDefinition
  | ApiEnumDefinition
  | ApiAliasDefinition;

export interface ApiMessageDefinition {
  readonly name: string;
  /** The CRC as 8 lowercase hex digits; VPP's message table names the message `<name>_<crc>`. */
  readonly crc: string;
  /** All fields, including `_vl_msg_id` and the `client_index` / `context` header. */
  readonly fields: readonly ApiFieldDefinition[];
}

export interface ApiServiceDefinition {
  readonly request: string;
  /** The reply, or for a stream the details message. */
  readonly reply: string;
  /** An old-style dump: details until the client's `control_ping` is answered. */
  readonly stream: boolean;
}

export interface ApiModuleDefinition {
  readonly name: string;
  readonly version: string;
  /** `vl_api_version`, the CRC of the whole `.api` file. */
  readonly crc: number;
  readonly types: readonly ApiTypeDefinition[];
  readonly messages: readonly ApiMessageDefinition[];
  readonly services: readonly ApiServiceDefinition[];
}
