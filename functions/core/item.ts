/**
 * The canonical item model. Every input format is an adapter into `Item`,
 * every output format an adapter out of `Entry`. Keep this file stable: the
 * README documents it and stored entries are JSON of these shapes.
 */

/** A person named by a feed. Every field may be missing in real feeds. */
export interface Author {
  name: string | null;
  email: string | null;
  uri: string | null;
}

/** A podcast episode, image or other attached file. */
export interface Enclosure {
  url: string;
  type: string | null;
  /** Bytes, when the feed says so. */
  length: number | null;
}

/** Where an item came from, as the source feed described itself. */
export interface ItemSource {
  /** The URL the feed document was fetched from (or its self link). */
  feedUrl: string | null;
  feedTitle: string | null;
  /** The feed's own website (RSS `<link>`, Atom `rel="alternate"`). */
  siteUrl: string | null;
  /** The original guid / atom:id / JSON Feed id, exactly as given. */
  id: string | null;
}

/** One normalized article. All text is plain text, all dates RFC 3339 UTC. */
export interface Item {
  /** Canonical URL of the story (tracking parameters removed), or null. */
  url: string | null;
  /** Plain text, never empty. */
  title: string;
  /** Plain text of at most 400 characters, or null when it adds nothing. */
  summary: string | null;
  /** Sanitized HTML: safe to show in any reader. */
  contentHtml: string | null;
  /** RFC 3339 UTC (`2024-05-16T08:00:00Z`) or null when the feed gave none. */
  published: string | null;
  updated: string | null;
  authors: Author[];
  categories: string[];
  /** BCP 47 language tag (`en`, `pt-BR`) or null. */
  language: string | null;
  enclosures: Enclosure[];
  source: ItemSource;
}

/** The normalizer's output for one item. */
export interface NormalizedItem {
  item: Item;
  /** When this item was first seen by us (RFC 3339 UTC); the fallback date. */
  firstSeen: string;
}

/**
 * Why an incoming item was recognised as an existing story: an exact key, or
 * a near-duplicate text with the measure and score that matched. (Stories
 * stored before the near-duplicate matcher was replaced may still name a
 * SimHash distance.)
 */
export type MatchReason =
  | { kind: "guid"; key: string }
  | { kind: "url"; key: string }
  | { kind: "content"; key: string }
  | { kind: "near"; measure: NearMeasure; score: number }
  | { kind: "simhash"; distance: number };

/** How near-duplicate texts were found alike (see core/dedupe/match.ts). */
export type NearMeasure = "containment" | "excerpt";

/** Another outlet's copy of a merged story. */
export interface RelatedLink {
  url: string;
  title: string;
  feedTitle: string | null;
  matchedBy: MatchReason;
}

/** A story as published: one per story, whatever the number of sources. */
export interface Entry {
  /** `urn:uuid:…`, assigned when the story is first seen and never changed. */
  id: string;
  item: Item;
  /** RFC 3339 UTC; never moves once set. */
  published: string;
  /** RFC 3339 UTC; moves only when the normalized content meaningfully changes. */
  updated: string;
  related: RelatedLink[];
}

/** Feed-level settings of the published feed (from the config). */
export interface FeedMeta {
  /** The feed's permanent atom:id (`urn:uuid:` or `tag:` URI, or an https URL). */
  id: string;
  title: string;
  subtitle: string | null;
  author: Author;
  /** Website the feed is about, if any. */
  siteUrl: string | null;
  /** Absolute URL where `feed.atom` is served (the self link). */
  selfUrl: string;
  language: string | null;
  hubUrl: string | null;
}
