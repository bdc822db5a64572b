/**
 * Polling many sources at once, but not all at once: a fixed number of
 * fetches run in parallel, each slot taking the next source as soon as it is
 * free, so one slow or failing source holds up only its own slot.
 */
import { type FetchOptions, type FetchResult, fetchFeed } from "./fetch.ts";
import { isDue, recordFetch, type SourceState } from "./state.ts";

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

/** One source after a polling round. */
export interface PollOutcome {
  state: SourceState;
  /** What the fetch returned; null when the source was not due (or is dead). */
  result: FetchResult | null;
}

/**
 * Polls every due source, `concurrency` at a time, sending back each one's
 * validators, and records the outcome in its state. `now` is read when each
 * fetch ends, so backoff and Retry-After count from the real attempt time.
 * Never rejects; outcomes are in input order.
 */
export async function pollSources(
  states: SourceState[],
  opts: FetchOptions & { concurrency: number },
  now: () => string,
): Promise<PollOutcome[]> {
  const start = now();
  const settled = await mapBounded(states, opts.concurrency, async (state) => {
    if (!isDue(state, start)) return { state, result: null };
    const result = await fetchFeed(state.url, state, opts);
    return { state: recordFetch(state, result, now()), result };
  });
  return settled.map((s, i) => {
    if (s.status === "fulfilled") return s.value;
    // fetchFeed never rejects; this is a bug elsewhere, recorded rather than lost.
    const state = states[i]!;
    const result: FetchResult = {
      kind: "error",
      url: state.url,
      status: null,
      message: `internal error: ${(s.reason as Error)?.message ?? String(s.reason)}`,
      retryAfterSeconds: null,
    };
    return { state: recordFetch(state, result, now()), result };
  });
}
