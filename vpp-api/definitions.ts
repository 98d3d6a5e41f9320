/**
 * The shape of the message definitions that `npm run vpp-binapi` generates from VPP's `.api.json`
 * files. It stays close to the JSON (same names, same field order) but is normalised: type
 * references drop the `vl_api_…_t` wrapping, defaults carry their typed value, and each module
 * lists only the types it defines itself, not the ones it imports.
 */

/**
 * Wire integer types. `u64`/`i64` are carried as bigint, the others as number.
 *
 * @public
 */
export type VppIntegerType = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'u64' | 'i64';

/**
 * Every base type of the VPP API language.
 *
 * @public
 */
export type VppBaseType = VppIntegerType | 'f64' | 'bool' | 'string';

/**
 * A default value from `[default=X]`, already converted to the field's representation: bigint for
 * u64/i64, the number of an enum symbol, true/false for bool.
 *
 * @public
 */
export type VppDefaultValue = number | bigint | boolean | string;

/**
 * One field of a message, type or union, in declaration order.
 *
 * @public
 */
export interface ApiFieldDefinition {
  /** The field name as VPP spells it (snake_case); message objects use it as the property name. */
  readonly name: string;
  /** A base type, or the name of a type, union, enum or alias (without `vl_api_` / `_t`). */
  readonly type: string;
  /** Present for arrays and strings: N for `x[N]`, 0 for a variable-length array or `string x[]`. */
  readonly length?: number;
  /** The field holding the element count of a variable-length array. */
  readonly count?: string;
  /** What encode sends when the field is omitted (`[default=X]`); VPP itself never applies it. */
  readonly default?: VppDefaultValue;
  /** Maximum length of a variable-length string (`{"limit": n}`). */
  readonly limit?: number;
}

/**
 * A `typedef` (struct): fields laid out one after another, without padding.
 *
 * @public
 */
export interface ApiStructDefinition {
  /** Tells the kinds of {@link ApiTypeDefinition} apart. */
  readonly kind: 'struct';
  /** The type name without `vl_api_` / `_t`, e.g. `address`. */
  readonly name: string;
  /** In wire order. */
  readonly fields: readonly ApiFieldDefinition[];
}

/**
 * A union: as wide as its largest member; which member is meant is told by a separate field.
 *
 * @public
 */
export interface ApiUnionDefinition {
  /** Tells the kinds of {@link ApiTypeDefinition} apart. */
  readonly kind: 'union';
  /** The union name without `vl_api_` / `_t`, e.g. `address_union`. */
  readonly name: string;
  /** The members; each starts at offset 0. */
  readonly fields: readonly ApiFieldDefinition[];
}

/**
 * An `enum` or `enumflag`: named integer values of a declared wire size.
 *
 * @public
 */
export interface ApiEnumDefinition {
  /** Tells the kinds of {@link ApiTypeDefinition} apart. */
  readonly kind: 'enum';
  /** The enum name without `vl_api_` / `_t`, e.g. `address_family`. */
  readonly name: string;
  /** The declared wire size (`enumtype`), u32 when the `.api` file names none. */
  readonly size: VppIntegerType;
  /** True for an `enumflag`: values are OR-ed bits. */
  readonly flags: boolean;
  /** Each symbol and its value, in declaration order. */
  readonly values: readonly (readonly [symbol: string, value: number])[];
}

/**
 * A `typedef` that renames another type, possibly as a fixed array (`ip4_address` is `u8[4]`).
 *
 * @public
 */
export interface ApiAliasDefinition {
  /** Tells the kinds of {@link ApiTypeDefinition} apart. */
  readonly kind: 'alias';
  /** The alias name without `vl_api_` / `_t`, e.g. `ip4_address`. */
  readonly name: string;
  /** The type it stands for: a base type or another type's name. */
  readonly type: string;
  /** N when the alias is an array `type[N]`. */
  readonly length?: number;
}

/**
 * Any named type a module defines; `kind` tells which.
 *
 * @public
 */
export type ApiTypeDefinition =
  | ApiStructDefinition
  | ApiUnionDefinition
  | ApiEnumDefinition
  | ApiAliasDefinition;

/**
 * One message: its name, CRC and every field including the header.
 *
 * @public
 */
export interface ApiMessageDefinition {
  /** The message name, e.g. `lb_add_del_as_v2`. */
  readonly name: string;
  /** The CRC as 8 lowercase hex digits; VPP's message table names the message `<name>_<crc>`. */
  readonly crc: string;
  /** All fields, including `_vl_msg_id` and the `client_index` / `context` header. */
  readonly fields: readonly ApiFieldDefinition[];
}

/**
 * A request and what answers it. Cursor-style services and one-way messages are not services
 * here: the connection refuses to call them.
 *
 * @public
 */
export interface ApiServiceDefinition {
  /** The request message's name. */
  readonly request: string;
  /** The reply, or for a stream the details message. */
  readonly reply: string;
  /** An old-style dump: details until the client's `control_ping` is answered. */
  readonly stream: boolean;
}

/**
 * One `.api` module (memclnt, lb, ip_types, ...): what the codec and the connection run on. The
 * generated `lbModule`, `ipTypesModule`, ... are of this type; `VppCodec` accepts others too.
 *
 * @public
 */
export interface ApiModuleDefinition {
  /** The module name, e.g. `lb`. */
  readonly name: string;
  /** The module's semantic version (`option version`), e.g. `1.2.0`; empty when it has none. */
  readonly version: string;
  /** `vl_api_version`, the CRC of the whole `.api` file. */
  readonly crc: number;
  /** The types this module defines itself (not those it imports), in the JSON's order. */
  readonly types: readonly ApiTypeDefinition[];
  /** Every message of the module, in the JSON's order. */
  readonly messages: readonly ApiMessageDefinition[];
  /** The request/reply and dump/details pairs the connection can call. */
  readonly services: readonly ApiServiceDefinition[];
}
