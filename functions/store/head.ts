/**
 * `index/head.json`: the bounded window of recent stories. Ingest reads it once
 * per invocation (its keys and sentence sketches answer most lookups without
 * a read) and commits to it once, with a compare-and-swap; regenerate reads
 * only it (plus the few stories leaving the window), which is what keeps both
 * flat however much history the bucket holds.
 */

import { shortKey } from "../core/dedupe/keys.ts";
import { sketchHashes } from "../core/dedupe/sketch.ts";
import { MAX_KEYS, type StoredStory } from "../core/dedupe/story.ts";
import type { Entry } from "../core/item.ts";
import { HEAD_INDEX_KEY } from "./layout.ts";
import type { Objects } from "./objects.ts";

export interface HeadStory {
  id: string;
  /** Ingest order, assigned here: archive pages are cut along it. */
  seq: number;
  rev: number;
  removed: boolean;
  /** The story's keys, short (keys.ts `shortKey`): exact lookups without a read. */
  keys: string[];
  /**
   * The story's sketch (core/dedupe/sketch.ts), its hashes cut to 24 bits and
   * packed (base64): near-duplicate candidates without a read. A collision
   * only makes a candidate that fails verification.
   */
  sig: string;
  words: number;
  /** The full entry, kept for the newest `windowSize` live stories within the byte budget. */
  entry: Entry | null;
}

export interface HeadIndex {
  version: 2;
  /** The last seq given out. */
  seq: number;
  /** Newest seq first; at most `recentWindow` stories. */
  stories: HeadStory[];
  /**
   * Intents (intents.ts) whose stories this head holds, until their objects
   * are gone: a replay that finds one of their stories knows it was committed.
   */
  doneIntents: string[];
  /**
   * Set for a bucket written before version 2: its guid keys are objects
   * (`keys/guid/…`), which a new copy must look up before it creates a story.
   */
  legacyKeys: boolean;
}

export interface HeadLimits {
  windowSize: number;
  recentWindow: number;
}

/**
 * Bytes of entries the head inlines; stories past it are read from their own
 * objects by regenerate. With content capped at 1 MB an item, a window of 50
 * could otherwise make a 50 MB head that every ingest reads.
 */
const HEAD_ENTRY_BUDGET = 2 * 1024 * 1024;
/** Keys of one story the head holds (the rest are still found through their objects). */
const HEAD_KEYS = 16;

export const EMPTY_HEAD: HeadIndex = {
  version: 2,
  seq: 0,
  stories: [],
  doneIntents: [],
  legacyKeys: false,
};

/** A head as version 1 wrote it: a SimHash per story instead of keys and a sketch. */
export interface HeadIndexV1 {
  version: 1;
  seq: number;
  stories: { id: string; seq: number; rev: number; removed: boolean; entry: Entry | null }[];
}

/** The head's summary of a stored story, at its seq. */
export function headStory(story: StoredStory, seq: number): HeadStory {
  return {
    id: story.id,
    seq,
    rev: story.rev,
    removed: story.removed !== null,
    keys: story.keys.slice(0, Math.min(HEAD_KEYS, MAX_KEYS)).map(shortKey),
    sig: packSig(sketchHashes(story.sketch)),
    words: story.shown.words,
    entry: story.entry,
  };
}

/** 24 bits of each hash, 3 bytes each, base64. */
function packSig(hashes: readonly number[]): string {
  const bytes = Buffer.alloc(hashes.length * 3);
  for (const [i, h] of hashes.entries()) bytes.writeUIntBE(h & 0xffffff, i * 3, 3);
  return bytes.toString("base64");
}

export function unpackSig(sig: string): number[] {
  const bytes = Buffer.from(sig, "base64");
  const out: number[] = [];
  for (let i = 0; i + 3 <= bytes.length; i += 3) out.push(bytes.readUIntBE(i, 3));
  return out;
}

export interface HeadChanges {
  /** Stories to give a place in ingest order (new, or found unplaced by a replay). */
  place: readonly StoredStory[];
  /** Stories written again: their summaries are replaced when newer. */
  update: readonly StoredStory[];
  /** Intents whose stories this commit holds. */
  done: readonly string[];
  /** Intents whose objects are gone: no longer worth remembering. */
  forget: ReadonlySet<string>;
}

/**
 * Folds changes into the head. A story already there is replaced only by a
 * newer rev (two ingests may commit out of order); a story to place that is
 * already there keeps its seq.
 */
export function applyToHead(head: HeadIndex, changes: HeadChanges, limits: HeadLimits): HeadIndex {
  const byId = new Map(head.stories.map((s) => [s.id, s]));
  let seq = head.seq;
  for (const story of [...changes.place, ...changes.update]) {
    if (story.mergedInto !== null) continue;
    const current = byId.get(story.id);
    if (current !== undefined) {
      if (story.rev > current.rev) byId.set(story.id, headStory(story, current.seq));
    } else if (changes.place.includes(story)) {
      seq += 1;
      byId.set(story.id, headStory(story, seq));
    }
  }
  const ordered = [...byId.values()].sort((a, b) => b.seq - a.seq).slice(0, limits.recentWindow);
  let live = 0;
  let bytes = 0;
  const trimmed = ordered.map((s) => {
    if (s.removed || !s.entry) return s.entry === null ? s : { ...s, entry: null };
    live += 1;
    const size = live <= limits.windowSize ? JSON.stringify(s.entry).length : Infinity;
    if (bytes + size > HEAD_ENTRY_BUDGET) return { ...s, entry: null };
    bytes += size;
    return s;
  });
  const doneIntents = [...new Set([...head.doneIntents, ...changes.done])].filter(
    (t) => !changes.forget.has(t),
  );
  return { ...head, version: 2, seq, stories: trimmed, doneIntents };
}

/** What regenerate needs of a story in either version of the head. */
export type WindowStory = HeadIndexV1["stories"][number];

export async function readHead(
  objects: Objects,
): Promise<{ head: HeadIndex | HeadIndexV1; etag: string | null }> {
  const got = await objects.getJson<HeadIndex | HeadIndexV1>(HEAD_INDEX_KEY);
  return got === null ? { head: EMPTY_HEAD, etag: null } : { head: got.value, etag: got.etag };
}
