/**
 * `Promise.allSettled` of `fn` over `items`, started in order with at most `window` calls
 * unsettled at once: a long pipeline to VPP keeps its order and its speed without letting one
 * request wait behind thousands of others (its timeout counts from when it is sent).
 *
 * @internal
 */
export function allSettledWindowed<T, R>(
  items: readonly T[],
  fn: (item: T, index: number) => Promise<R>,
  window: number,
): Promise<PromiseSettledResult<R>[]> {
  if (!Number.isInteger(window) || window < 1)
    throw new RangeError(`window must be a whole number >= 1, got ${window}`);
  const results = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await fn(items[i] as T, i) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  return Promise.all(Array.from({ length: Math.min(window, items.length) }, lane)).then(() => results);
}
