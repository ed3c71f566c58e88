// Calendar arithmetic through the Temporal polyfill costs microseconds a call, and a billing run
// recomputes the same few dates for thousands of services: pure functions of strings, memoised.

/**
 * `compute` memoised on its arguments. The cache is bounded: when it holds `capacity` results it
 * starts over. `compute` must be pure, and its results immutable (they are shared).
 */
export function memoised<Result>(compute: (...keys: string[]) => Result, capacity = 20_000): (...keys: string[]) => Result {
  const results = new Map<string, Result>();
  return (...keys) => {
    const key = keys.join('|');
    const known = results.get(key);
    if (known !== undefined) return known;
    if (results.size >= capacity) results.clear();
    const result = compute(...keys);
    results.set(key, result);
    return result;
  };
}
