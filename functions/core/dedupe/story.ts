/**
 * A story as stored: the published `Entry` plus what dedupe needs to recognise
 * it again and to explain itself (`cleanfeed why`). Pure data and pure
 * functions; ids and time come in as arguments.
 */
import type { Entry, Fingerprint, MatchReason, NormalizedItem, RelatedLink } from "../item.ts";

/** Why a copy was merged into a story, kept for `cleanfeed why`. */
export interface MergeRecord {
  at: string;
  source: string;
  url: string | null;
  title: string;
  reason: MatchReason;
}

export interface StoredStory {
  version: 1;
  /** `urn:uuid:…`: the atom:id readers key on. Never changes. */
  id: string;
  /** Bumped on every write, so an index never rolls back to an older copy. */
  rev: number;
  entry: Entry;
  firstSeen: string;
  /** The source that first brought the story: only its copies update the text. */
  primarySource: string;
  fingerprint: Fingerprint;
  /** Every alias key that points at this story (see keys.ts). */
  keys: string[];
  merges: MergeRecord[];
  /** Tombstone: set by `cleanfeed remove`; the story never comes back. */
  removed: string | null;
  /** Set when a concurrent ingest created a twin that lost the race. */
  mergedInto: string | null;
  /**
   * Position in ingest order, given by the head index when the story is first
   * placed there; null until then (so a crashed ingest's story is placed on replay).
   */
  seq: number | null;
}

/** At most this many merge records are kept per story (the newest win). */
const MAX_MERGES = 50;
/** At most this many related outlet links are kept per story. */
const MAX_RELATED = 20;

/** A brand-new story from its first copy. */
export function newStory(
  id: string,
  copy: NormalizedItem,
  source: string,
  keys: string[],
): StoredStory {
  const published = copy.item.published ?? copy.firstSeen;
  const updated = laterOf(copy.item.updated ?? published, published);
  return {
    version: 1,
    id,
    rev: 1,
    entry: { id, item: copy.item, published, updated, related: [] },
    firstSeen: copy.firstSeen,
    primarySource: source,
    fingerprint: copy.fingerprint,
    keys: [...new Set(keys)],
    merges: [],
    removed: null,
    mergedInto: null,
    seq: null,
  };
}

function laterOf(a: string, b: string): string {
  return a >= b ? a : b;
}

/**
 * Folds another copy of the story in. Returns the new story, or null when
 * nothing a reader could see (or `cleanfeed why` could explain) changed, so an
 * unchanged re-fetch writes nothing.
 *
 * `updated` moves only when the primary source's text really changed: the
 * SimHash is taken over words, so whitespace, markup, tracking parameters and
 * category order leave it alone. `published` never moves.
 */
export function mergeCopy(
  story: StoredStory,
  copy: NormalizedItem,
  source: string,
  reason: MatchReason,
  keys: string[],
  now: string,
): StoredStory | null {
  const newKeys = keys.filter((k) => !story.keys.includes(k));
  const item = copy.item;
  let entry = story.entry;
  let fingerprint = story.fingerprint;
  let changed = newKeys.length > 0;

  if (source === story.primarySource) {
    const textChanged = copy.fingerprint.simhash !== story.fingerprint.simhash;
    const visible = { ...item, published: entry.item.published };
    const before = JSON.stringify({ ...entry.item, updated: null, source: null });
    const after = JSON.stringify({ ...visible, updated: null, source: null });
    if (before !== after) {
      // A feed that bumps its own updated date says when; one that does not (RSS
      // has only pubDate) changed it when we saw it change.
      const claimed = item.updated !== null && item.updated > entry.updated ? item.updated : null;
      const updated = textChanged ? (claimed ?? laterOf(now, entry.updated)) : entry.updated;
      entry = { ...entry, item: { ...visible, updated: item.updated }, updated };
      fingerprint = copy.fingerprint;
      changed = true;
    }
  } else if (item.url !== null && item.url !== entry.item.url) {
    if (!entry.related.some((r) => r.url === item.url) && entry.related.length < MAX_RELATED) {
      const link: RelatedLink = {
        url: item.url,
        title: item.title,
        feedTitle: item.source.feedTitle,
        matchedBy: reason,
      };
      entry = { ...entry, related: [...entry.related, link] };
      changed = true;
    }
  }
  // The first copy is the story itself; only other copies are worth a record.
  const isNewCopy =
    (source !== story.primarySource || item.url !== story.entry.item.url) &&
    !story.merges.some((m) => m.source === source && m.url === item.url);
  if (!changed && !isNewCopy) return null;
  const merges = isNewCopy
    ? [...story.merges, { at: now, source, url: item.url, title: item.title, reason }].slice(
        -MAX_MERGES,
      )
    : story.merges;
  return {
    ...story,
    rev: story.rev + 1,
    entry,
    fingerprint,
    keys: [...story.keys, ...newKeys],
    merges,
  };
}

/** The tombstone: kept forever so no source can bring the story back. */
export function removeStory(story: StoredStory, now: string): StoredStory {
  if (story.removed) return story;
  return { ...story, rev: story.rev + 1, removed: now };
}
