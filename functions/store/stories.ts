/**
 * Storing copies as stories: the exact-key lookups, the near-duplicate check,
 * and the conditional writes that make concurrent and replayed ingests safe.
 *
 * Protocol for a copy that matches nothing:
 *   1. write `entries/<new id>.json` (If-None-Match), so every key we claim
 *      next points at something readable;
 *   2. claim its keys in the global order of `storyKeys` (If-None-Match). The
 *      first claim lost to a concurrent twin means that twin owns the story:
 *      our entry is marked `mergedInto` it, and we merge into the twin.
 *   3. commit to the head index (If-Match), which gives the story its seq;
 *      then record that seq on the entry.
 * A crash anywhere leaves a story that a replay finds by its keys and
 * finishes (an entry with seq null is placed on the next commit).
 */

import { type StoryKey, storyKeys } from "../core/dedupe/keys.ts";
import {
  type Candidate,
  confirmsMatch,
  findNearDuplicate,
  type NearDuplicateOptions,
  reasonFor,
} from "../core/dedupe/match.ts";
import { mergeCopy, newStory, removeStory, type StoredStory } from "../core/dedupe/story.ts";
import type { MatchReason, NormalizedItem } from "../core/item.ts";
import { commitToHead, type HeadLimits, type LateMerge, readHead } from "./head.ts";
import { PREFIX } from "./layout.ts";
import { ConflictError, type Objects, withRetry } from "./objects.ts";

export interface AcceptOptions extends HeadLimits, NearDuplicateOptions {
  /** Gives each new story its id (`urn:uuid:…`); injected so the core stays pure. */
  newId: () => string;
  now: string;
}

export type Outcome =
  | { kind: "new"; id: string }
  | { kind: "merged"; id: string; reason: MatchReason; changed: boolean }
  | { kind: "removed"; id: string };

interface KeyRef {
  id: string;
}

/** The object key of a story's entry; exported so bench/seed.ts writes the same keys ingest does. */
export const entryKey = (id: string) => `${PREFIX.entries}${encodeURIComponent(id)}.json`;
/** The object key of one alias; only the key's name matters, so a stored name (`story.keys`) will do. */
export const aliasKey = (k: Pick<StoryKey, "name">) => `${PREFIX.keys}${k.name}`;

export async function readStory(objects: Objects, id: string) {
  return objects.getJson<StoredStory>(entryKey(id));
}

/** Follows `mergedInto` to the story that survived (bounded: chains are short). */
async function resolveStory(objects: Objects, id: string) {
  let got = await readStory(objects, id);
  for (let hops = 0; got?.value.mergedInto && hops < 5; hops++) {
    got = await readStory(objects, got.value.mergedInto);
  }
  return got;
}

/**
 * Stores a batch of copies from one source. Returns one outcome per copy,
 * in order. Safe to run concurrently with other ingests and regenerations,
 * and to replay.
 */
export async function acceptCopies(
  objects: Objects,
  copies: readonly NormalizedItem[],
  source: string,
  options: AcceptOptions,
): Promise<Outcome[]> {
  const { head } = await readHead(objects);
  const candidates: Candidate[] = head.stories.map((s) => ({
    id: s.id,
    simhash: s.simhash,
    words: s.words,
  }));
  const written = new Map<string, StoredStory>();
  const outcomes: Outcome[] = [];
  for (const copy of copies) {
    const outcome = await acceptCopy(objects, copy, source, options, candidates, written);
    outcomes.push(outcome);
  }
  if (written.size > 0) {
    const { placed, late } = await commitToHead(objects, [...written.values()], options);
    await Promise.all(
      [...placed].map(([id, seq]) =>
        updateStory(objects, id, (s) => (s.seq === null ? { ...s, seq } : null)),
      ),
    );
    if (late.length > 0) {
      const merged = await settleLateMerges(objects, late, written, options);
      for (const [i, outcome] of outcomes.entries()) {
        const into = merged.get(outcome.id);
        if (outcome.kind === "new" && into) outcomes[i] = into;
      }
    }
  }
  return outcomes;
}

/**
 * Folds stories that lost a near-duplicate race into their twins: the loser
 * points at the twin (so its keys still lead to the story) and the twin gets
 * the loser's copy as a related outlet.
 */
async function settleLateMerges(
  objects: Objects,
  late: LateMerge[],
  written: Map<string, StoredStory>,
  options: AcceptOptions,
): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  const twins = new Map<string, StoredStory>();
  for (const { from, into, distance } of late) {
    const loser = written.get(from);
    if (!loser) continue;
    await updateStory(objects, from, (s) => ({ ...s, rev: s.rev + 1, mergedInto: into }));
    const copy: NormalizedItem = {
      item: loser.entry.item,
      fingerprint: loser.fingerprint,
      firstSeen: loser.firstSeen,
    };
    const reason: MatchReason = { kind: "simhash", distance };
    const outcome = await mergeInto(
      objects,
      into,
      copy,
      loser.primarySource,
      reason,
      loser.keys,
      options,
      twins,
    );
    outcomes.set(from, outcome);
  }
  if (twins.size > 0) await commitToHead(objects, [...twins.values()], options);
  return outcomes;
}

async function acceptCopy(
  objects: Objects,
  copy: NormalizedItem,
  source: string,
  options: AcceptOptions,
  candidates: Candidate[],
  written: Map<string, StoredStory>,
): Promise<Outcome> {
  const keys = storyKeys(copy, source);
  const names = keys.map((k) => k.name);
  const refs = await Promise.all(keys.map((k) => objects.getJson<KeyRef>(aliasKey(k))));
  // Lookups in trust order: the publisher's own guid, then the URL, then the text.
  for (const kind of ["guid", "url", "content"] as const) {
    const i = keys.findIndex((k) => k.kind === kind);
    const ref = refs[i];
    const key = keys[i];
    if (ref == null || key === undefined) continue;
    const found = await resolveStory(objects, ref.value.id);
    if (found === null || !confirmsMatch(found.value, copy, kind, options)) continue;
    return mergeInto(
      objects,
      found.value.id,
      copy,
      source,
      reasonFor(kind, key.name),
      names,
      options,
      written,
    );
  }
  const near = findNearDuplicate(copy.fingerprint, candidates, options);
  if (near !== null) {
    const reason: MatchReason = { kind: "simhash", distance: near.distance };
    return mergeInto(objects, near.id, copy, source, reason, names, options, written);
  }
  return create(objects, copy, source, keys, options, candidates, written);
}

async function create(
  objects: Objects,
  copy: NormalizedItem,
  source: string,
  keys: StoryKey[],
  options: AcceptOptions,
  candidates: Candidate[],
  written: Map<string, StoredStory>,
): Promise<Outcome> {
  const id = options.newId();
  const story = newStory(
    id,
    copy,
    source,
    keys.map((k) => k.name),
  );
  await objects.putJson(entryKey(id), story, { create: true });
  for (const key of keys) {
    try {
      await objects.putJson(aliasKey(key), { id } satisfies KeyRef, { create: true });
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
      const ref = await objects.getJson<KeyRef>(aliasKey(key));
      const twin = ref && (await resolveStory(objects, ref.value.id));
      if (!twin || twin.value.id === id) continue;
      if (!confirmsMatch(twin.value, copy, key.kind, options)) continue;
      // A concurrent ingest created the same story first: it wins.
      await updateStory(objects, id, (s) => ({ ...s, rev: s.rev + 1, mergedInto: twin.value.id }));
      const reason = reasonFor(key.kind, key.name);
      return mergeInto(objects, twin.value.id, copy, source, reason, story.keys, options, written);
    }
  }
  written.set(id, story);
  candidates.unshift({ id, simhash: copy.fingerprint.simhash, words: copy.fingerprint.words });
  return { kind: "new", id };
}

async function mergeInto(
  objects: Objects,
  id: string,
  copy: NormalizedItem,
  source: string,
  reason: MatchReason,
  keys: string[],
  options: AcceptOptions,
  written: Map<string, StoredStory>,
): Promise<Outcome> {
  let removed = false;
  let changed = false;
  let known: string[] = [];
  const final = await updateStory(objects, id, (story) => {
    removed = story.removed !== null;
    known = story.keys;
    if (removed) return null;
    const next = mergeCopy(story, copy, source, reason, keys, options.now);
    changed = next !== null && next.entry !== story.entry;
    return next;
  });
  if (removed) return { kind: "removed", id };
  if (final !== null) {
    // Aliases learnt from this copy; a 412 means another story already has the key.
    const fresh = keys.filter((k) => !known.includes(k));
    await Promise.all(
      fresh.map((name) =>
        objects
          .putJson(aliasKey({ name }), { id } satisfies KeyRef, { create: true })
          .catch((e) => {
            if (!(e instanceof ConflictError)) throw e;
          }),
      ),
    );
    // A story placed before (seq set) or created in this batch goes to the head.
    written.set(id, final);
  }
  return { kind: "merged", id, reason, changed };
}

/**
 * Compare-and-swap on one story. `change` returns the new story, or null to
 * leave it as it is. Returns what was written (null when nothing was).
 */
export async function updateStory(
  objects: Objects,
  id: string,
  change: (story: StoredStory) => StoredStory | null,
): Promise<StoredStory | null> {
  return withRetry(async () => {
    const got = await readStory(objects, id);
    if (got === null) return null;
    const next = change(got.value);
    if (next === null) return null;
    await objects.putJson(entryKey(id), next, { ifMatch: got.etag });
    return next;
  });
}

/** `cleanfeed remove`: tombstones a story and takes it out of the feed. */
export async function removeStoryById(
  objects: Objects,
  id: string,
  options: AcceptOptions,
): Promise<StoredStory | null> {
  const got = await resolveStory(objects, id);
  if (got === null) return null;
  const story = await updateStory(objects, got.value.id, (s) =>
    s.removed ? null : removeStory(s, options.now),
  );
  const final = story ?? got.value;
  await commitToHead(objects, [final], options);
  return final;
}
