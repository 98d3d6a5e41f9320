/**
 * A Map that cannot change after construction. Object.freeze does not protect a Map's entries,
 * and the Config is shared by the health checker, planner and API: a stray set() would change
 * what every one of them sees.
 */
export class FrozenMap<K, V> extends Map<K, V> {
  constructor(entries: Iterable<readonly [K, V]> = []) {
    super();
    for (const [k, v] of entries) super.set(k, v);
    Object.freeze(this);
  }

  override set(_key: K, _value: V): never {
    throw new TypeError('the configuration is read-only');
  }

  override delete(_key: K): never {
    throw new TypeError('the configuration is read-only');
  }

  override clear(): never {
    throw new TypeError('the configuration is read-only');
  }
}

/** Freezes plain objects and arrays, all the way down. FrozenMaps are frozen already. */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Map) {
    for (const v of value.values()) deepFreeze(v);
    return value;
  }
  if (Object.isFrozen(value)) return value;
  for (const v of Object.values(value)) deepFreeze(v);
  return Object.freeze(value);
}
