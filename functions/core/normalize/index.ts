/**
 * The normalizer: a parsed feed (`RawFeed`) in, clean `NormalizedItem`s out.
 * Pure: no clock, no network; the time of the run comes in `ctx.now`.
 *
 * Entries that cannot be normalized at all (no title, no content and no
 * link) are skipped by `normalizeFeed`, not thrown: one broken entry must not
 * cost the feed its other items.
 */
import { ItemValidationError } from "../errors.ts";
import type { NormalizedItem } from "../item.ts";
import type { RawEntry, StreamedFeed } from "../parse/raw.ts";
import { feedScope, type NormalizeContext, normalizeWithScope } from "./entry.ts";

export { canonicalUrl } from "./canonicalUrl.ts";
export { parseDate } from "./dates.ts";
export type { NormalizeContext } from "./entry.ts";

/**
 * Normalizes every entry of a feed, in document order, skipping empty ones.
 * A feed from `readFeed` is read one entry at a time as it goes.
 */
export function normalizeFeed(feed: StreamedFeed, ctx: NormalizeContext): NormalizedItem[] {
  const scope = feedScope(feed, ctx);
  const items: NormalizedItem[] = [];
  for (const entry of feed.entries) {
    const item = normalizeWithScope(entry, scope);
    if (item !== null) items.push(item);
  }
  return items;
}

/**
 * Normalizes one entry. Throws `ItemValidationError` (field `title`) when the
 * entry has no title, no content and no link; use `normalizeFeed` to skip
 * such entries instead.
 */
export function normalizeEntry(
  entry: RawEntry,
  feed: StreamedFeed,
  ctx: NormalizeContext,
): NormalizedItem {
  const item = normalizeWithScope(entry, feedScope(feed, ctx));
  if (item === null) {
    throw new ItemValidationError("title", "the item has no title, no content and no link");
  }
  return item;
}
