/**
 * What the format parsers hand to the normalizer: the feed's own words,
 * decoded from bytes and mapped onto one shape, but not yet cleaned.
 * Text keeps its declared type so the normalizer knows whether it is markup.
 */

export type FeedFormat =
  | "rss090"
  | "rss091"
  | "rss092"
  | "rss20"
  | "rss10"
  | "atom03"
  | "atom10"
  | "json10"
  | "json11"
  // items pushed to us as JSON (see functions/core/push.ts), not a feed format
  | "push";

/** A text construct: `html` and `xhtml` values are markup, `text` is literal. */
export interface RawText {
  value: string;
  type: "text" | "html" | "xhtml";
  /**
   * The element's own effective xml:base, set only when it differs from the
   * entry's (`<content xml:base="…">`): relative links in the value resolve
   * against it. Absent or null means the entry's base applies.
   */
  base?: string | null;
}

/** A text construct of `value`, or null when there is none. */
export function rawText(value: string | null, type: RawText["type"]): RawText | null {
  return value === null ? null : { value, type };
}

export interface RawLink {
  href: string;
  rel: string | null;
  type: string | null;
  /** As written in the feed (`length` attribute, `fileSize`…). */
  length: string | null;
  title: string | null;
}

/** A link that says only its `rel`, as a list: empty when there is no `href`. */
export function linksTo(href: string | null, rel: string): RawLink[] {
  return href === null ? [] : [{ href, rel, type: null, length: null, title: null }];
}

/** A person as written: `raw` holds an unsplit RSS string like `jo@x.org (Jo)`. */
export interface RawPerson {
  name: string | null;
  email: string | null;
  uri: string | null;
  raw: string | null;
}

export interface RawEntry {
  /** guid / atom:id / rdf:about / JSON Feed id, as written. */
  id: string | null;
  /** RSS `isPermaLink`: true means the guid is also the article's URL. */
  idIsPermalink: boolean | null;
  title: RawText | null;
  /** Every link, in document order; RSS `<link>` becomes rel `alternate`. */
  links: RawLink[];
  /** The entry's effective xml:base (already resolved through its ancestors). */
  base: string | null;
  /** The entry's effective xml:lang. */
  language: string | null;
  /** content:encoded / atom:content / content_html (or content_text as type text). */
  content: RawText | null;
  /** description / atom:summary / JSON Feed summary / media:description. */
  summary: RawText | null;
  /** Raw date strings, exactly as written (pubDate, dc:date, published, issued…). */
  published: string | null;
  updated: string | null;
  authors: RawPerson[];
  /** Category terms or labels as written (category, dc:subject, tags, itunes:category). */
  categories: string[];
  /** enclosure / media:content / atom link rel="enclosure" / JSON attachments. */
  enclosures: RawLink[];
  /** media:thumbnail / itunes:image / JSON Feed image, if any. */
  image: string | null;
}

export interface RawFeed {
  format: FeedFormat;
  title: RawText | null;
  /** The site the feed is about (RSS channel link, Atom alternate link, home_page_url). */
  siteUrl: string | null;
  /** The feed's self link (atom:link rel="self", JSON Feed feed_url). */
  feedUrl: string | null;
  /** The document's effective xml:base at feed level. */
  base: string | null;
  language: string | null;
  authors: RawPerson[];
  entries: RawEntry[];
}

/**
 * A feed whose entries are read from the document as they are iterated (and
 * again on each iteration), so that only the entry being read is decoded
 * (see parse/byteText.ts). What `readFeed` gives and `normalizeFeed` takes;
 * a RawFeed is one too.
 */
export interface StreamedFeed extends Omit<RawFeed, "entries"> {
  entries: Iterable<RawEntry>;
}
