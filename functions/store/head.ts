/**
 * `index/head.json`: the bounded window of recent stories. Ingest reads it once
 * per run for near-duplicate matching and updates it with a compare-and-swap;
 * regenerate reads only it (plus the few stories leaving the window), which is
 * what keeps both flat however much history the bucket holds.
 */

import { findNearDuplicate, type NearDuplicateOptions } from "../core/dedupe/match.ts";
import type { StoredStory } from "../core/dedupe/story.ts";
import type { Entry } from "../core/item.ts";
import { HEAD_INDEX_KEY } from "./layout.ts";
import { type Objects, withRetry } from "./objects.ts";

export interface HeadStory {
  id: string;
  /** Ingest order, assigned here: archive pages are cut along it. */
  seq: number;
  rev: number;
  simhash: string;
  words: number;
  removed: boolean;
  /** The full entry, kept for the newest `windowSize` live stories only. */
  entry: Entry | null;
}

export interface HeadIndex {
  version: 1;
  /** The last seq given out. */
  seq: number;
  /** Newest seq first; at most `recentWindow` stories. */
  stories: HeadStory[];
}

export interface HeadLimits extends NearDuplicateOptions {
  windowSize: number;
  recentWindow: number;
}

/** A new story that turned out to be a twin of one committed concurrently. */
export interface LateMerge {
  from: string;
  into: string;
  distance: number;
}

export const EMPTY_HEAD: HeadIndex = { version: 1, seq: 0, stories: [] };

/**
 * Folds written stories into the head. A story already there is replaced only
 * by a newer rev (two ingests may commit out of order); a story not there is
 * placed with a new seq only if it was never placed before, so an old story
 * updated long after it left the window does not come back as new.
 *
 * A story about to be placed is checked once more for near-duplicates among
 * the stories already in the head: another ingest may have committed its twin
 * since this one looked. The twin keeps its place; ours becomes a late merge.
 * Returns the new head, the seq given to each placed story, and late merges.
 */
export function applyToHead(
  head: HeadIndex,
  stories: readonly StoredStory[],
  limits: HeadLimits,
): { head: HeadIndex; placed: Map<string, number>; late: LateMerge[] } {
  const byId = new Map(head.stories.map((s) => [s.id, s]));
  const placed = new Map<string, number>();
  const late: LateMerge[] = [];
  const existing = head.stories.map((s) => ({ id: s.id, simhash: s.simhash, words: s.words }));
  let seq = head.seq;
  for (const story of stories) {
    if (story.mergedInto !== null) continue;
    const current = byId.get(story.id);
    if (current !== undefined) {
      if (story.rev <= current.rev) continue;
      byId.set(story.id, { ...summary(story, current.seq), entry: story.entry });
    } else if (story.seq === null) {
      const twin = findNearDuplicate(story.fingerprint, existing, limits);
      if (twin !== null) {
        late.push({ from: story.id, into: twin.id, distance: twin.distance });
        continue;
      }
      seq += 1;
      placed.set(story.id, seq);
      byId.set(story.id, { ...summary(story, seq), entry: story.entry });
    }
  }
  const ordered = [...byId.values()].sort((a, b) => b.seq - a.seq).slice(0, limits.recentWindow);
  let live = 0;
  const trimmed = ordered.map((s) => {
    if (s.removed) return { ...s, entry: null };
    live += 1;
    return live <= limits.windowSize ? s : { ...s, entry: null };
  });
  return { head: { version: 1, seq, stories: trimmed }, placed, late };
}

function summary(story: StoredStory, seq: number): HeadStory {
  return {
    id: story.id,
    seq,
    rev: story.rev,
    simhash: story.fingerprint.simhash,
    words: story.fingerprint.words,
    removed: story.removed !== null,
    entry: null,
  };
}

export async function readHead(
  objects: Objects,
): Promise<{ head: HeadIndex; etag: string | null }> {
  const got = await objects.getJson<HeadIndex>(HEAD_INDEX_KEY);
  return got === null ? { head: EMPTY_HEAD, etag: null } : { head: got.value, etag: got.etag };
}

/**
 * Commits stories to the head with If-Match (If-None-Match for the first one),
 * re-reading and re-applying on every lost race. Writes nothing when nothing
 * changed, so an unchanged re-poll does not wake the regenerate function.
 */
export async function commitToHead(
  objects: Objects,
  stories: readonly StoredStory[],
  limits: HeadLimits,
): Promise<ReturnType<typeof applyToHead>> {
  return withRetry(async () => {
    const { head, etag } = await readHead(objects);
    const next = applyToHead(head, stories, limits);
    if (JSON.stringify(next.head) === JSON.stringify(head)) return next;
    await objects.putJson(
      HEAD_INDEX_KEY,
      next.head,
      etag === null ? { create: true } : { ifMatch: etag },
    );
    return next;
  });
}
