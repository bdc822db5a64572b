/**
 * A story as stored: the published `Entry` plus what dedupe needs to recognise
 * it again and to explain itself (`cleanfeed why`). Pure data and pure
 * functions; ids and time come in as arguments.
 */
import type { Entry, Item, MatchReason, RelatedLink } from "../item.ts";
import { mergeSketches, type Sketch, sameSketch } from "./sketch.ts";

/** Why a copy was merged into a story, kept for `cleanfeed why`. */
interface MergeRecord {
  at: string;
  /** The source's scope key (see keys.ts `sourceKey`). */
  source: string;
  /** The source as a person knows it: its config name, file name or outlet. */
  sourceName?: string;
  url: string | null;
  title: string;
  reason: MatchReason;
}

/** The text measures a story keeps of the copy it shows. */
interface ShownText {
  /** SHA-256 of the text's words (not the title's): it moves `updated` when it changes. */
  textHash: string;
  words: number;
}

export interface StoredStory {
  version: 2;
  /** `urn:uuid:…`: the atom:id readers key on. Never changes. */
  id: string;
  /** Bumped on every write, so an index never rolls back to an older copy. */
  rev: number;
  entry: Entry;
  firstSeen: string;
  /** The source of the copy shown: its own later copies update the text. */
  primarySource: string;
  /**
   * Every source a copy came from, as people know it (config name, file name,
   * outlet), first one first; absent in stories stored before it was kept.
   */
  sourceNames?: string[];
  /** The home key (keys.ts) of the copy shown. */
  home: string;
  shown: ShownText;
  /** Stands for every copy merged so far (sketch.ts): how a later copy of any of them finds the story. */
  sketch: Sketch;
  /** Every key that leads to this story (see keys.ts). */
  keys: string[];
  merges: MergeRecord[];
  /** Tombstone: set by `cleanfeed remove`; the story never comes back. */
  removed: string | null;
  /** Set when a concurrent ingest stored a twin first: this story lives on there. */
  mergedInto: string | null;
  /** The intent (store/intents.ts) of the ingest that created it: how a replay tells whether it was committed. */
  intent: string | null;
  /** Stories stored before version 2 recorded their place in ingest order here. */
  seq?: number | null;
}

/**
 * What a home key leads to when its copy was merged into another story: the
 * entry object a new story would have had, pointing at the story it joined.
 */
export interface StoryAlias {
  version: 2;
  id: string;
  aliasOf: string;
}

export type StoredRecord = StoredStory | StoryAlias;

export function isAlias(record: StoredRecord): record is StoryAlias {
  return "aliasOf" in record;
}

/** Everything about one incoming copy that storing it needs. */
export interface CopyFacts {
  item: Item;
  firstSeen: string;
  /** Scope key of its source. */
  source: string;
  sourceName: string;
  home: string;
  keys: string[];
  shown: ShownText;
  sketch: Sketch;
  /** The copy's text ends as a teaser does. */
  teaser: boolean;
}

/** At most this many merge records are kept per story (the newest win). */
const MAX_MERGES = 50;
/** At most this many related outlet links are kept per story. */
const MAX_RELATED = 20;
/** At most this many keys stand for a story. */
export const MAX_KEYS = 64;
/** A copy replaces the text shown only when it has this many times its words. */
const FULLER = 1.25;

/** A brand-new story from its first copy. */
export function newStory(id: string, copy: CopyFacts, intent: string | null): StoredStory {
  const published = copy.item.published ?? copy.firstSeen;
  const updated = laterOf(copy.item.updated ?? published, published);
  return {
    version: 2,
    id,
    rev: 1,
    entry: { id, item: copy.item, published, updated, related: [] },
    firstSeen: copy.firstSeen,
    primarySource: copy.source,
    sourceNames: [copy.sourceName],
    home: copy.home,
    shown: copy.shown,
    sketch: copy.sketch,
    keys: [...new Set(copy.keys)].slice(0, MAX_KEYS),
    merges: [],
    removed: null,
    mergedInto: null,
    intent,
    seq: null,
  };
}

function laterOf(a: string, b: string): string {
  return a >= b ? a : b;
}

function union<T>(a: readonly T[], b: readonly T[], max: number): T[] {
  return [...new Set([...a, ...b])].slice(0, max);
}

function relatedLink(item: Item, reason: MatchReason): RelatedLink | null {
  if (item.url === null) return null;
  return { url: item.url, title: item.title, feedTitle: item.source.feedTitle, matchedBy: reason };
}

function withRelated(entry: Entry, link: RelatedLink | null): Entry {
  if (link === null || link.url === entry.item.url) return entry;
  if (entry.related.some((r) => r.url === link.url) || entry.related.length >= MAX_RELATED) {
    return entry;
  }
  return { ...entry, related: [...entry.related, link] };
}

/**
 * The entry after its shown copy's publisher sent it again. `updated` moves
 * only when the words of the text changed (a title fix, markup, tracking
 * parameters or category order leave it); `published` never moves. A teaser
 * never replaces the full text it is the start of.
 */
function ownUpdate(story: StoredStory, copy: CopyFacts, now: string): StoredStory {
  const { entry } = story;
  const item = copy.item;
  if (copy.teaser && copy.shown.words < story.shown.words) return story;
  const visible = { ...item, published: entry.item.published };
  const before = JSON.stringify({ ...entry.item, updated: null, source: null });
  const after = JSON.stringify({ ...visible, updated: null, source: null });
  if (before === after) return story;
  const textChanged = copy.shown.textHash !== story.shown.textHash;
  // A feed that bumps its own updated date says when; one that does not (RSS
  // has only pubDate) changed it when we saw it change.
  const claimed = item.updated !== null && item.updated > entry.updated ? item.updated : null;
  const updated = textChanged ? (claimed ?? laterOf(now, entry.updated)) : entry.updated;
  return {
    ...story,
    entry: { ...entry, item: { ...visible, updated: item.updated }, updated },
    shown: copy.shown,
  };
}

/**
 * The story shown through a fuller copy: its text and title, the first id and
 * `published` kept, the copy shown until now kept as a related link.
 */
function showInstead(
  story: StoredStory,
  copy: CopyFacts,
  reason: MatchReason,
  now: string,
): StoredStory {
  const { entry } = story;
  const previous = relatedLink(entry.item, reason);
  const related = entry.related.filter((r) => r.url !== copy.item.url);
  const shownEntry: Entry = {
    ...entry,
    item: { ...copy.item, published: entry.item.published },
    updated: laterOf(now, entry.updated),
    related,
  };
  return {
    ...story,
    entry: withRelated(shownEntry, previous),
    primarySource: copy.source,
    home: copy.home,
    shown: copy.shown,
  };
}

/**
 * Folds another copy of the story in. Returns the new story, or null when
 * nothing a reader could see (or `cleanfeed why` could explain) changed, so an
 * unchanged re-fetch writes nothing.
 *
 * The entry shows the best copy: the fullest text (a teaser never replaces a
 * full one), with its own title. Other outlets become related links. Every
 * copy but the one shown leaves a merge record, including one from the same
 * feed under another guid, so nothing replaces a text without a trace.
 */
export function mergeCopy(
  story: StoredStory,
  copy: CopyFacts,
  reason: MatchReason,
  now: string,
): StoredStory | null {
  let next: StoredStory;
  // The publisher of the copy shown, sending it again (perhaps edited)
  const own = copy.source === story.primarySource && copy.keys.includes(story.home);
  if (own) {
    next = ownUpdate(story, copy, now);
  } else if (!copy.teaser && copy.shown.words >= FULLER * story.shown.words) {
    next = showInstead(story, copy, reason, now);
  } else {
    const entry = withRelated(story.entry, relatedLink(copy.item, reason));
    next = entry === story.entry ? story : { ...story, entry };
  }
  const keys = union(next.keys, copy.keys, MAX_KEYS);
  const names = union(sourceNames(story), [copy.sourceName], MAX_MERGES);
  const sketch = mergeSketches(next.sketch, copy.sketch);
  const isNewCopy =
    !own && !story.merges.some((m) => m.source === copy.source && m.url === copy.item.url);
  const merges = isNewCopy
    ? [
        ...story.merges,
        {
          at: now,
          source: copy.source,
          sourceName: copy.sourceName,
          url: copy.item.url,
          title: copy.item.title,
          reason,
        },
      ].slice(-MAX_MERGES)
    : story.merges;
  const unchanged =
    next === story &&
    keys.length === story.keys.length &&
    sameSketch(sketch, story.sketch) &&
    !isNewCopy;
  if (unchanged) return null;
  return { ...next, rev: story.rev + 1, keys, sketch, merges, sourceNames: names };
}

/**
 * The sources of a story's copies by the names people know them by. A story
 * stored before names were kept names its first source by its feed's title
 * (else its scope key), and the others by their merge records.
 */
export function sourceNames(story: StoredStory): string[] {
  if (story.sourceNames) return story.sourceNames;
  const first = story.entry.item.source.feedTitle ?? story.primarySource;
  return [...new Set([first, ...story.merges.map((m) => m.sourceName ?? m.source)])];
}

/** The tombstone: kept forever so no source can bring the story back. */
export function removeStory(story: StoredStory, now: string): StoredStory {
  if (story.removed) return story;
  return { ...story, rev: story.rev + 1, removed: now };
}
