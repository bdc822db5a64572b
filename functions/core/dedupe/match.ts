/**
 * Deciding whether an incoming copy is a story we already have.
 */
import type { Fingerprint, MatchReason, NormalizedItem } from "../item.ts";
import type { KeyKind } from "./keys.ts";
import { urlIdentity } from "./keys.ts";
import { simhashDistance } from "./simhash.ts";
import type { StoredStory } from "./story.ts";

export interface NearDuplicateOptions {
  /** Max Hamming distance; 0 turns near-duplicate matching off. */
  maxDistance: number;
  /** Both texts need at least this many words for a SimHash to mean something. */
  minWords: number;
}

/** A story the near-duplicate matcher can compare against. */
export interface Candidate {
  id: string;
  simhash: string;
  words: number;
}

/** The closest candidate within the distance, or null. Ties go to the oldest (first listed). */
export function findNearDuplicate(
  fingerprint: Fingerprint,
  candidates: readonly Candidate[],
  options: NearDuplicateOptions,
): { id: string; distance: number } | null {
  if (options.maxDistance <= 0 || fingerprint.words < options.minWords) return null;
  let best: { id: string; distance: number } | null = null;
  for (const c of candidates) {
    if (c.words < options.minWords) continue;
    const distance = simhashDistance(fingerprint.simhash, c.simhash);
    if (distance <= options.maxDistance && (best === null || distance < best.distance)) {
      best = { id: c.id, distance };
    }
  }
  return best;
}

/**
 * Whether an exact key match really is the same story. A content key always
 * is. A guid or a URL can lie: broken feeds give every item the same guid, or
 * link every item to their home page. So such a match is refused when nothing
 * else agrees: different URL (or guid), different title and different text.
 */
export function confirmsMatch(
  story: StoredStory,
  copy: NormalizedItem,
  kind: KeyKind,
  options: NearDuplicateOptions,
): boolean {
  if (kind === "content") return true;
  const known = story.entry.item;
  const sameUrl =
    known.url !== null &&
    copy.item.url !== null &&
    urlIdentity(known.url) === urlIdentity(copy.item.url);
  const sameGuid = known.source.id !== null && known.source.id === copy.item.source.id;
  const sameTitle = known.title.toLowerCase() === copy.item.title.toLowerCase();
  // Text that is close, with a looser bound than merging strangers: this is a
  // copy we already have a key for, edited by its own publisher.
  const longEnough = Math.min(story.fingerprint.words, copy.fingerprint.words) >= options.minWords;
  const similarText =
    story.fingerprint.contentHash === copy.fingerprint.contentHash ||
    (longEnough && simhashDistance(story.fingerprint.simhash, copy.fingerprint.simhash) <= 16);
  if (kind === "guid") return sameUrl || sameTitle || similarText;
  return sameGuid || sameTitle || similarText;
}

export function reasonFor(kind: KeyKind, key: string): MatchReason {
  return { kind, key };
}
