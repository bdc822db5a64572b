/**
 * One ingest invocation's work on the store: it reads the head index once,
 * stores copies from any number of documents and sources, and commits the
 * head once. See docs/architecture.md for the protocol, what a crash at each
 * step leaves, and how a replay or a later ingest finishes it.
 *
 * A new story costs two creates in the steady state: its URL key and its
 * entry (whose id comes from its home key, so the create is the claim), both
 * with If-None-Match. Lookups are answered by the head (keys and sentence
 * sketches of the recent window) and by those creates' 412s; reads happen
 * only for matches.
 */
import { mapBounded } from "../core/bounded.ts";
import { type Copy, copyOf, itemProfile, type SourceRef } from "../core/dedupe/facts.ts";
import { type StoryKey, shortKey, storyIdFor } from "../core/dedupe/keys.ts";
import {
  confirmsMatch,
  type MatchOptions,
  type NearMatch,
  nearDuplicate,
  SentenceIndex,
} from "../core/dedupe/match.ts";
import type { TextProfile } from "../core/dedupe/profile.ts";
import { lookupHashes, sketchHashes } from "../core/dedupe/sketch.ts";
import { mergeCopy, newStory, removeStory, type StoredStory } from "../core/dedupe/story.ts";
import type { MatchReason, NormalizedItem } from "../core/item.ts";
import {
  applyToHead,
  EMPTY_HEAD,
  type HeadIndex,
  type HeadIndexV1,
  type HeadLimits,
  type HeadStory,
  headStory,
  readHead,
  unpackSig,
} from "./head.ts";
import { type Intent, intentKey, intentName, listIntents, readIntent } from "./intents.ts";
import { HEAD_INDEX_KEY } from "./layout.ts";
import { ConflictError, type Objects, withRetry } from "./objects.ts";
import {
  claimKey,
  createAlias,
  createRecord,
  readKey,
  readStory,
  resolveStory,
  updateStory,
} from "./stories.ts";

export interface SessionOptions extends HeadLimits, MatchOptions {
  now: string;
  /** Unique to the invocation: names its intents and marks its creates. */
  writer: string;
}

export type Outcome =
  | { kind: "new"; id: string }
  | { kind: "merged"; id: string; reason: MatchReason; changed: boolean }
  | { kind: "removed"; id: string }
  | { kind: "failed"; item: string; error: unknown };

/** Copies of one batch stored at once. */
const COPIES_AT_ONCE = 8;
/** Near-duplicate candidates verified per copy: the best few by shared sentences. */
const CANDIDATES = 8;

/** A story the session knows: as stored (when read) and its text profile. */
interface Known {
  story: StoredStory | null;
  /** The ETag `story` was read or written with: the first compare-and-swap needs no read. */
  etag?: string;
  profile: TextProfile;
}

function label(copy: Copy): string {
  const { item } = copy;
  return `"${item.title.slice(0, 80)}"${item.source.id ? ` (${item.source.id})` : item.url ? ` (${item.url})` : ""}`;
}

export class StoreSession {
  private readonly keyIndex = new Map<string, string>();
  private readonly sentences = new SentenceIndex();
  private readonly known = new Map<string, Known>();
  /** Stories to place in ingest order at commit: created here, or found never committed. */
  private readonly toPlace = new Map<string, StoredStory>();
  /** Stories written here that the head must show as they are now. */
  private readonly toUpdate = new Map<string, StoredStory>();
  /** Creations in flight: a copy that matches one waits for it. */
  private readonly pending = new Map<string, Promise<unknown>>();
  /** The copy each story created here was made from (for late merges at commit). */
  private readonly created = new Map<string, Copy>();
  private readonly intents: string[] = [];
  /** Intents of batches where a copy failed: left for a replay or a sweep to finish. */
  private readonly unsettled = new Set<string>();
  /** The stories of the head this session first read, or has since matched copies against. */
  private readonly snapshotIds = new Set<string>();
  private head = EMPTY_HEAD;
  private etag: string | null = null;
  /** The head read was version 1: the commit writes it back upgraded. */
  private migrated = false;
  private creates = 0;

  private constructor(
    readonly objects: Objects,
    readonly options: SessionOptions,
  ) {}

  /** Reads the head (once) and prepares its lookups. */
  static async open(objects: Objects, options: SessionOptions): Promise<StoreSession> {
    const session = new StoreSession(objects, options);
    await session.readHead();
    for (const s of session.head.stories) session.snapshotIds.add(s.id);
    return session;
  }

  /** Reads the head (again, after a lost commit race) and indexes its stories. */
  private async readHead() {
    const { head, etag } = await readHead(this.objects);
    this.migrated ||= head.version === 1;
    this.head = await upgradeHead(this.objects, head);
    this.etag = etag;
    for (const s of this.head.stories) this.index(s.id, s.keys, unpackSig(s.sig));
  }

  private index(id: string, keys: readonly string[], sig: readonly number[]) {
    for (const k of keys) if (!this.keyIndex.has(k)) this.keyIndex.set(k, id);
    this.sentences.add(id, sig);
  }

  // ------------------------------------------------------------ reading

  private headStory(id: string): HeadStory | undefined {
    return this.head.stories.find((s) => s.id === id);
  }

  /** The live story behind an id, read once per session (then kept up to date here). */
  private async story(id: string): Promise<StoredStory | null> {
    await this.pending.get(id);
    const cached = this.known.get(id)?.story;
    if (cached) return cached.mergedInto ? this.story(cached.mergedInto) : cached;
    const got = await resolveStory(this.objects, id);
    if (got === null) return null;
    this.remember(got.value, got.etag);
    return got.value;
  }

  private remember(story: StoredStory, etag?: string, profile?: TextProfile) {
    const known = this.known.get(story.id);
    this.known.set(story.id, {
      story,
      ...(etag === undefined ? {} : { etag }),
      profile: profile ?? known?.profile ?? itemProfile(story.entry.item),
    });
  }

  /** A story's text profile, without a read when the head or the session holds its text. */
  private async profile(id: string): Promise<TextProfile | null> {
    await this.pending.get(id);
    const known = this.known.get(id);
    if (known) return known.profile;
    const entry = this.headStory(id)?.entry;
    if (entry) {
      const profile = itemProfile(entry.item);
      this.known.set(id, { story: null, profile });
      return profile;
    }
    const story = await this.story(id);
    return story ? this.known.get(story.id)!.profile : null;
  }

  // ------------------------------------------------------------ accepting

  /**
   * Stores the copies of one document or batch from one source. Returns one
   * outcome per copy, in order; a copy that fails (S3 still failing after
   * retries, or a bug) is reported as failed and the others go on.
   */
  async accept(
    items: readonly NormalizedItem[],
    source: SourceRef,
    settledCount?: (done: number) => void,
  ): Promise<Outcome[]> {
    const copies = items.map((item) => copyOf(item, source));
    let done = 0;
    let intent: Promise<string> | null = null;
    // Written before the first story this batch may create: every id it could create.
    const ensureIntent = () => {
      intent ??= (async () => {
        const name = intentName(this.options.now, this.options.writer, this.intents.length + 1);
        this.intents.push(name);
        const ids = copies.flatMap((c) => c.storyKeys.map(storyIdFor));
        await this.objects.putJson(intentKey(name), { name, ids } satisfies Intent);
        return name;
      })();
      return intent;
    };
    // Copies are stored a few at a time: a Lambda waits on S3, not on the CPU.
    // Each is checked against the stories created so far and registered in one
    // synchronous step (create), so twins in one batch still find each other.
    const settled = await mapBounded([...copies], COPIES_AT_ONCE, (copy) =>
      this.acceptCopy(copy, ensureIntent).finally(() => settledCount?.(++done)),
    );
    // A copy that failed may have left its entry behind: its intent stays (not
    // done, not deleted), so a replay or a later sweep finds and commits it.
    if (intent !== null && settled.some((r) => r.status === "rejected")) {
      this.unsettled.add(await (intent as Promise<string>).catch(() => ""));
    }
    return settled.map((r, i) =>
      r.status === "fulfilled"
        ? r.value
        : { kind: "failed", item: label(copies[i]!), error: r.reason },
    );
  }

  private async acceptCopy(copy: Copy, ensureIntent: () => Promise<string>): Promise<Outcome> {
    const found = await this.match(copy, this.keyIndex, this.sentences);
    return found ? this.mergeInto(found.id, copy, found.reason) : this.create(copy, ensureIntent);
  }

  private view(story: StoredStory) {
    return { item: story.entry.item, profile: this.known.get(story.id)!.profile };
  }

  /**
   * The story a copy matches among those `keys` and `index` know: an exact
   * key (most trusted first) confirmed by something else agreeing, else the
   * closest of the stories sharing sentences with it, if one is near enough.
   */
  private async match(
    copy: Copy,
    keys: ReadonlyMap<string, string>,
    index: SentenceIndex,
  ): Promise<{ id: string; reason: MatchReason } | null> {
    for (const key of copy.storyKeys) {
      const id = keys.get(shortKey(key.name));
      const story = id === undefined ? null : await this.story(id);
      if (story && confirmsMatch(this.view(story), copy, key.kind, this.options)) {
        return { id: story.id, reason: { kind: key.kind, key: key.name } };
      }
    }
    let best: { id: string; match: NearMatch } | null = null;
    for (const id of index.candidates(lookupHashes(copy.profile), CANDIDATES)) {
      const profile = await this.profile(id);
      const match = profile && nearDuplicate(copy.profile, profile, this.options);
      if (match && (best === null || match.score > best.match.score)) best = { id, match };
    }
    return best && { id: best.id, reason: { kind: "near", ...best.match } };
  }

  /** The last check before creating: stories this session created since the copy looked. */
  private nearestCreatedHere(copy: Copy): { id: string; reason: MatchReason } | null {
    for (const key of copy.storyKeys) {
      const id = this.keyIndex.get(shortKey(key.name));
      const other = id === undefined ? undefined : this.created.get(id);
      if (id !== undefined && other && confirmsMatch(other, copy, key.kind, this.options)) {
        return { id, reason: { kind: key.kind, key: key.name } };
      }
    }
    for (const id of this.sentences.candidates(lookupHashes(copy.profile), CANDIDATES)) {
      const other = this.created.get(id);
      const match = other && nearDuplicate(copy.profile, other.profile, this.options);
      if (match) return { id, reason: { kind: "near", ...match } };
    }
    return null;
  }

  private async create(copy: Copy, ensureIntent: () => Promise<string>): Promise<Outcome> {
    const here = this.nearestCreatedHere(copy);
    if (here !== null) return this.mergeInto(here.id, copy, here.reason);
    // Its home is its most trusted key whose id no other copy of this session took.
    const homes = copy.storyKeys.filter((k) => !this.created.has(storyIdFor(k)));
    if (homes.length === 0) throw new Error(`${label(copy)}: every key's id is taken here`);
    const id = storyIdFor(homes[0]!);
    // Registered before the first await: a twin in another batch of this
    // session finds it, and waits for it.
    this.created.set(id, copy);
    this.index(id, copy.keys.map(shortKey), sketchHashes(copy.sketch));
    this.known.set(id, { story: null, profile: copy.profile });
    const done = this.claim(id, copy, homes, ensureIntent);
    this.pending.set(
      id,
      done.catch(() => undefined),
    );
    try {
      return await done;
    } finally {
      this.pending.delete(id);
    }
  }

  /**
   * Claims the copy's keys: its URL key, then its entry, whose id comes from
   * its home key (the first of its keys, most trusted first, whose entry is
   * not a different story's: a broken feed may give two items one guid). A
   * key held by a story the copy's other facts confirm, or its own entry
   * already there, turns the creation into a merge.
   */
  private async claim(
    id: string,
    copy: Copy,
    homes: StoryKey[],
    ensureIntent: () => Promise<string>,
  ): Promise<Outcome> {
    const intent = await ensureIntent();
    const holder = await this.existingByKey(id, copy);
    if (holder !== null) return this.joinInstead(id, copy, holder.id, holder.reason);
    for (const home of homes) {
      const homeId = storyIdFor(home);
      if (homeId !== id && this.created.has(homeId)) continue;
      const story = newStory(homeId, { ...copy, home: home.name }, intent);
      // the writer mark is per create: a 412 on another copy's create is not ours
      const writer = `${this.options.writer}.${++this.creates}`;
      if (await createRecord(this.objects, story, writer)) {
        if (homeId !== id) this.rename(id, homeId, copy);
        this.remember(story, undefined, copy.profile);
        this.toPlace.set(homeId, story);
        return { kind: "new", id: homeId };
      }
      // The entry is there: this copy's story was stored before (a replay, or
      // a copy seen again after it left the window), or it joined another.
      const found = await resolveStory(this.objects, homeId);
      if (found === null) throw new Error(`${homeId}: entry exists but leads to no story`);
      const existing = found.value;
      this.remember(existing, found.etag);
      if (!confirmsMatch(this.view(existing), copy, home.kind, this.options)) continue;
      const recovered = !this.headStory(existing.id) && (await this.neverCommitted(existing));
      if (recovered) this.toPlace.set(existing.id, existing);
      const outcome = await this.joinInstead(id, copy, existing.id, {
        kind: home.kind,
        key: home.name,
      });
      // stored by an ingest that died before its commit: new to the feed now
      return recovered && outcome.kind === "merged" ? { kind: "new", id: outcome.id } : outcome;
    }
    throw new Error(`${label(copy)}: every key's entry holds another story`);
  }

  /** The story registered as `id` was not created: the copy joins `target`. */
  private joinInstead(id: string, copy: Copy, target: string, reason: MatchReason) {
    // not created: nothing to wait for (and the merge below must not wait for itself)
    this.pending.delete(id);
    this.created.delete(id);
    if (id !== target) this.known.delete(id);
    this.repoint(id, target);
    return this.mergeInto(target, copy, reason);
  }

  /** The story registered as `from` was created under another home key's id. */
  private rename(from: string, to: string, copy: Copy) {
    this.created.delete(from);
    this.known.delete(from);
    this.created.set(to, copy);
    this.repoint(from, to);
    this.sentences.add(to, sketchHashes(copy.sketch));
  }

  /** Keys that led to `from` lead to `to`. */
  private repoint(from: string, to: string) {
    this.keyIndex.forEach((v, k) => {
      if (v === from) this.keyIndex.set(k, to);
    });
  }

  /**
   * A story found through the copy's keys outside the head: its URL's key
   * object, and in a bucket from before version 2 its guid's. Null when none
   * is held by a story the copy's other facts confirm.
   */
  private async existingByKey(
    id: string,
    copy: Copy,
  ): Promise<{ id: string; reason: MatchReason } | null> {
    const home = copy.storyKeys[0]!;
    const lookups: { key: StoryKey; holder: Promise<string | true | null> }[] = [];
    for (const key of copy.storyKeys) {
      if (key.kind === "url" && key !== home) {
        lookups.push({ key, holder: claimKey(this.objects, key, id) });
      } else if (key.kind === "guid" && this.head.legacyKeys) {
        lookups.push({ key, holder: readKey(this.objects, key) });
      }
    }
    for (const { key, holder } of lookups) {
      const other = await holder;
      if (other === true || other === null || other === id) continue;
      const story = await this.story(other);
      if (story === null || !confirmsMatch(this.view(story), copy, key.kind, this.options))
        continue;
      return { id: story.id, reason: { kind: key.kind, key: key.name } };
    }
    return null;
  }

  /** Whether a story whose entry exists but is not in the head was left uncommitted. */
  private async neverCommitted(story: StoredStory): Promise<boolean> {
    if (story.intent === null) return story.seq === null; // stored before version 2
    if (this.intents.includes(story.intent)) return true;
    if (this.head.doneIntents.includes(story.intent)) return false;
    // Deleted only after its commit: an intent still there was never committed.
    return (await readIntent(this.objects, story.intent)) !== null;
  }

  /**
   * Merges a copy into a story: first the keys that lead to it (the copy's
   * URL key and its home key's entry, as an alias), so a crash in between
   * leaves keys a replay repeats; then the story, with a compare-and-swap.
   */
  private async mergeInto(id: string, copy: Copy, reason: MatchReason): Promise<Outcome> {
    const target = await this.story(id);
    if (target === null) throw new Error(`${id}: story to merge into is gone`);
    if (target.removed) return { kind: "removed", id: target.id };
    const fresh = copy.keys.filter((k) => !target.keys.includes(k));
    if (fresh.length > 0) {
      const home = copy.storyKeys[0]!;
      const url = copy.storyKeys.find((k) => k.kind === "url" && k !== home);
      await Promise.all([
        url && fresh.includes(url.name) ? claimKey(this.objects, url, target.id) : null,
        fresh.includes(home.name)
          ? createAlias(this.objects, storyIdFor(home), target.id, this.options.writer)
          : null,
      ]);
    }
    const known = this.known.get(target.id);
    const written = await updateStory(
      this.objects,
      target.id,
      (story) => (story.removed ? null : mergeCopy(story, copy, reason, this.options.now)),
      known?.story && known.etag ? { value: known.story, etag: known.etag } : undefined,
    );
    const current = written?.value ?? target;
    if (written) {
      // The profile follows the text shown.
      this.remember(current, written.etag, itemProfile(current.entry.item));
      this.index(current.id, current.keys.map(shortKey), sketchHashes(current.sketch));
      if (this.toPlace.has(current.id)) this.toPlace.set(current.id, current);
      else this.toUpdate.set(current.id, current);
    }
    if (current.removed) return { kind: "removed", id: current.id };
    return { kind: "merged", id: current.id, reason, changed: written !== null };
  }

  /** Tombstones a story (`cleanfeed remove`); null when there is no such story. */
  async remove(id: string): Promise<StoredStory | null> {
    const found = await resolveStory(this.objects, id);
    if (found === null) return null;
    const written = await updateStory(this.objects, found.value.id, (s) =>
      s.removed ? null : removeStory(s, this.options.now),
    );
    const story = written?.value ?? found.value;
    this.toUpdate.set(story.id, story);
    if (!this.headStory(story.id) && (await this.neverCommitted(story))) {
      this.toPlace.set(story.id, story);
    }
    return story;
  }

  // ------------------------------------------------------------ committing

  /**
   * Commits everything this session stored to the head, once, and finishes
   * any intent a dead ingest left behind.
   */
  async commit(): Promise<void> {
    const { toPlace, toUpdate, intents } = this;
    // Nothing of ours to commit: a dead ingest's intents wait for a commit that writes anyway.
    if (toPlace.size + toUpdate.size + intents.length === 0 && !this.migrated) return;
    const listed = await listIntents(this.objects, this.options.now);
    const swept = await this.sweep(listed.filter((i) => i.stale && !this.intents.includes(i.name)));
    const existing = new Set(listed.map((i) => i.name));
    const forget = new Set(this.head.doneIntents.filter((t) => !existing.has(t)));
    await withRetry(async () => {
      if (this.etag === "stale") await this.readHead();
      await this.settleLateMerges();
      const next = applyToHead(
        this.head,
        {
          place: [...this.toPlace.values()],
          update: [...this.toUpdate.values()],
          done: [...this.settledIntents(), ...swept],
          forget,
        },
        this.options,
      );
      if (JSON.stringify(next) !== JSON.stringify(this.head)) {
        try {
          this.etag = await this.objects.swapJson(HEAD_INDEX_KEY, next, this.etag);
        } catch (e) {
          if (e instanceof ConflictError) this.etag = "stale";
          throw e;
        }
        this.head = next;
      }
    });
    // Only now are the intents' stories committed; a crash before this point
    // leaves intents a replay or a later commit finishes.
    const finished = [
      ...this.settledIntents(),
      ...swept,
      ...listed.map((i) => i.name).filter((n) => this.head.doneIntents.includes(n)),
    ];
    await Promise.all([...new Set(finished)].map((name) => this.objects.delete(intentKey(name))));
  }

  private settledIntents(): string[] {
    return this.intents.filter((name) => !this.unsettled.has(name));
  }

  /** Stories of stale intents that exist and never reached the head: placed by this commit. */
  private async sweep(stale: { name: string }[]): Promise<string[]> {
    const done: string[] = [];
    for (const { name } of stale) {
      if (this.head.doneIntents.includes(name)) continue;
      const intent = await readIntent(this.objects, name);
      for (const id of intent?.ids ?? []) {
        if (this.headStory(id) || this.toPlace.has(id)) continue;
        const story = (await readStory(this.objects, id))?.value;
        if (story && story.intent === name && story.mergedInto === null) {
          this.toPlace.set(id, story);
        }
      }
      done.push(name);
    }
    return done;
  }

  /**
   * New stories of this session that another ingest committed a twin of
   * since this session read the head: each joins its twin (its entry points
   * there, its copy is merged in).
   */
  private async settleLateMerges() {
    const others = this.head.stories.filter(
      (s) => !this.snapshotIds.has(s.id) && !this.created.has(s.id),
    );
    if (others.length === 0) return;
    const otherIndex = new SentenceIndex();
    const otherKeys = new Map<string, string>();
    for (const s of others) {
      otherIndex.add(s.id, unpackSig(s.sig));
      for (const k of s.keys) otherKeys.set(k, s.id);
    }
    for (const [id, copy] of this.created) {
      if (!this.toPlace.has(id)) continue;
      const twin = await this.match(copy, otherKeys, otherIndex);
      if (twin === null) continue;
      await updateStory(this.objects, id, (s) => ({ ...s, rev: s.rev + 1, mergedInto: twin.id }));
      this.toPlace.delete(id);
      this.created.delete(id);
      this.known.delete(id);
      this.snapshotIds.add(twin.id);
      await this.mergeInto(twin.id, copy, twin.reason);
    }
    for (const s of others) this.snapshotIds.add(s.id);
  }
}

/**
 * A head as version 2 holds it. A version 1 head (SimHashes, no keys) gets
 * each story's keys and sketch from its entry: one read per story of the
 * bounded window, once, written back by the next commit.
 */
async function upgradeHead(objects: Objects, head: HeadIndex | HeadIndexV1): Promise<HeadIndex> {
  if (head.version === 2) return head;
  const stories: HeadStory[] = [];
  for (const s of head.stories) {
    const story = (await readStory(objects, s.id))?.value;
    if (story) stories.push({ ...headStory(story, s.seq), entry: s.entry, removed: s.removed });
  }
  return { ...EMPTY_HEAD, seq: head.seq, stories, legacyKeys: true };
}
