/**
 * Many things at once, but not all at once: sources polled, copies stored. A
 * fixed number run in parallel, each slot taking the next item as soon as it
 * is free, so one slow item holds up only its own slot.
 */

/**
 * Runs `fn` over `items` with at most `limit` calls in flight. Never rejects:
 * each item gets its own settled result, in input order. A synchronous throw
 * in `fn` counts as that item's rejection.
 */
export async function mapBounded<T, R>(
  items: T[],
  limit: number,
  fn: (t: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const results = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { status: "fulfilled", value: await fn(items[i] as T) };
      } catch (reason) {
        results[i] = { status: "rejected", reason };
      }
    }
  };
  const slots = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  await Promise.all(Array.from({ length: slots }, worker));
  return results;
}
