/**
 * RawEntry -> NormalizedItem: every rule of the product's promise about one
 * item (text, links, dates, people, content, summary).
 */
import type { Author, Enclosure, ItemSource, NormalizedItem } from "../item.ts";
import type { RawEntry, RawLink, RawText, StreamedFeed } from "../parse/raw.ts";
import { normalizeAuthors } from "./authors.ts";
import { canonicalUrl, resolveBase } from "./canonicalUrl.ts";
import { parseDate, utcSeconds } from "./dates.ts";
import { normalizeLanguage } from "./language.ts";
import { ownCopy, ownCopyOrNull } from "./ownStrings.ts";
import type { IframePolicy } from "./policy.ts";
import { type SanitizedContent, sanitizeContent } from "./sanitize.ts";
import { cleanText, comparable, plainTextToHtml, truncateOnWord } from "./text.ts";

/** What the normalizer needs besides the feed: no clock inside, time comes in here. */
export interface NormalizeContext {
  /** RFC 3339 UTC: first-seen time of these items. */
  now: string;
  /** Where the document was fetched from, for resolving relative links. */
  documentUrl: string | null;
  /** Hosts whose iframes are kept (sandboxed); others dropped. */
  iframeHosts: string[];
  /** What a kept iframe becomes: a link to its video (default) or the iframe. */
  iframes?: IframePolicy;
}

/** Longest summary, in characters. */
const SUMMARY_MAX = 400;
/** Longest title made up from the start of the content. */
const FALLBACK_TITLE_MAX = 80;
// a date this far past `now` is a mistake (or a trick to stay on top): clamp it
const FUTURE_TOLERANCE_MS = 24 * 60 * 60 * 1000;

/** Everything about the feed that every entry shares, worked out once per feed. */
export interface FeedScope {
  base: string | null;
  /** The base of an entry without an xml:base of its own: `base` resolved once, not per entry. */
  entryBase: string | null;
  source: Omit<ItemSource, "id">;
  authors: Author[];
  language: string | null;
  iframeHosts: ReadonlySet<string>;
  iframes: IframePolicy;
  now: string;
  /** The latest date an entry may carry (`now` + 1 day), RFC 3339 like every parsed date. */
  latest: string;
}

/** Prepares the per-feed part of normalization. Throws RangeError for a bad `ctx.now`. */
export function feedScope(feed: StreamedFeed, ctx: NormalizeContext): FeedScope {
  const now = parseDate(ctx.now);
  if (now === null) throw new RangeError(`NormalizeContext.now is not a date: "${ctx.now}"`);
  const documentBase = resolveBase([ctx.documentUrl]);
  const siteUrl =
    feed.siteUrl === null
      ? null
      : canonicalUrl(feed.siteUrl, resolveBase([feed.base, documentBase]));
  const base = resolveBase([feed.base, siteUrl, documentBase]);
  const fetchedFrom = ctx.documentUrl === null ? null : canonicalUrl(ctx.documentUrl);
  const title = feed.title === null ? "" : cleanText(feed.title.value, feed.title.type);
  return {
    base,
    entryBase: resolveBase([null, base]),
    source: {
      feedUrl: ownCopyOrNull(
        fetchedFrom ?? (feed.feedUrl === null ? null : canonicalUrl(feed.feedUrl, base)),
      ),
      feedTitle: title === "" ? null : ownCopy(title),
      siteUrl: ownCopyOrNull(siteUrl),
    },
    authors: ownAuthors(normalizeAuthors(feed.authors, base)),
    language: normalizeLanguage(feed.language),
    iframeHosts: new Set(ctx.iframeHosts.map((h) => h.toLowerCase())),
    iframes: ctx.iframes ?? "link",
    now,
    latest: utcSeconds(Date.parse(now) + FUTURE_TOLERANCE_MS),
  };
}

function text(t: RawText | null): string {
  return t === null ? "" : cleanText(t.value, t.type);
}

function hasValue(t: RawText | null): t is RawText {
  return t !== null && t.value.trim() !== "";
}

function isAlternate(link: RawLink): boolean {
  // Atom: a link without rel is an alternate
  return link.rel === null || link.rel === "" || link.rel.toLowerCase() === "alternate";
}

/**
 * The story's URL: first alternate link, else a permalink guid that is an
 * absolute http(s) URL, else null.
 */
function itemUrl(entry: RawEntry, base: string | null): string | null {
  for (const link of entry.links) {
    if (!isAlternate(link)) continue;
    const url = canonicalUrl(link.href, base);
    if (url !== null) return url;
  }
  if (entry.id !== null && entry.idIsPermalink !== false) {
    // RSS guids are permalinks unless they say otherwise (and the parser reports that
    // default as true), but a guid like "d1" or "42" is an id, not a path: resolving it
    // against the site would make up a URL that was never published. Only an absolute
    // http(s) guid is trusted as the story's address.
    const id = entry.id.trim();
    if (/^https?:\/\//i.test(id)) return canonicalUrl(id);
  }
  return null;
}

/** Parses, clamps to `now` (+1 day) and cross-fills published/updated. */
function dates(
  entry: RawEntry,
  scope: FeedScope,
): { published: string | null; updated: string | null } {
  const clamp = (raw: string | null): string | null => {
    const d = raw === null ? null : parseDate(raw);
    if (d === null) return null;
    // both RFC 3339 UTC with second precision and four-digit years: they sort as they read
    return d > scope.latest ? scope.now : d;
  };
  const published = clamp(entry.published);
  const updated = clamp(entry.updated);
  return { published: published ?? updated, updated: updated ?? published };
}

function categories(raw: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const c of raw) {
    const v = cleanText(c);
    const key = v.toLowerCase();
    if (v === "" || seen.has(key)) continue;
    seen.add(key);
    out.push(ownCopy(v));
  }
  return exactSize(out);
}

function enclosures(raw: readonly RawLink[], base: string | null): Enclosure[] {
  const seen = new Set<string>();
  const out: Enclosure[] = [];
  for (const link of raw) {
    const url = canonicalUrl(link.href, base);
    if (url === null || seen.has(url)) continue;
    seen.add(url);
    const type = ownCopyOrNull(link.type?.trim().toLowerCase() || null);
    const digits = link.length?.trim() ?? "";
    const length =
      /^\d+$/.test(digits) && Number.isSafeInteger(Number(digits)) ? Number(digits) : null;
    out.push({ url: ownCopy(url), type, length });
  }
  return exactSize(out);
}

/**
 * The same elements in an array of exactly their number. An array grown by
 * `push` from empty reserves room for 17; one item's two categories would hold
 * 152 bytes for 16, and items live as long as the run's output.
 */
function exactSize<T>(values: T[]): T[] {
  return values.length === 0 ? values : values.slice();
}

function sanitize(t: RawText, base: string | null, scope: FeedScope, titleKey: string | null) {
  const html = t.type === "text" ? plainTextToHtml(t.value) : t.value;
  // <content xml:base="…"> overrides the entry's base for the links inside it
  const own = t.base ? resolveBase([t.base, base]) : base;
  return sanitizeContent(html, {
    base: own,
    iframeHosts: scope.iframeHosts,
    iframes: scope.iframes,
    title: titleKey,
  });
}

// "…", "[...]", "Read more", "Continue reading →" at the end of an excerpt
const EXCERPT_TAIL =
  /\s*(?:\[\s*(?:…|\.\.\.)\s*\]|…|\.\.\.|(?:read more|continue reading)\W*)\s*$/i;
// WordPress's excerpt marker, "[…]": what follows it is no longer the excerpt
const BRACKETED_ELLIPSIS = /\[\s*(?:…|\.\.\.)\s*\]/;
// "[...] Read more" is two markers; a few more would be a sentence, not a teaser
const MAX_TAIL_MARKERS = 3;

/** `text` without the teaser markers it ends with. */
function withoutTail(text: string): string {
  let t = text;
  for (let i = 0; i < MAX_TAIL_MARKERS; i++) {
    // only the tail can hold a marker: spare the regex the whole text
    const cut = Math.max(0, t.length - 40);
    const next = t.slice(0, cut) + t.slice(cut).replace(EXCERPT_TAIL, "");
    if (next === t) break;
    t = next;
  }
  return t;
}

/** True when `excerpt` is only the start of `content` (the feed's teaser of it); both comparable. */
function isStartOf(excerpt: string, content: string): boolean {
  const e = withoutTail(excerpt);
  if (e === "" || content.startsWith(e)) return true;
  // WordPress: "Start of the post […] The post X appeared first on Y." where the
  // footer after the marker ends the content too: still nothing but a teaser
  const marker = BRACKETED_ELLIPSIS.exec(excerpt);
  if (marker === null) return false;
  const head = withoutTail(excerpt.slice(0, marker.index)).trimEnd();
  const rest = withoutTail(excerpt.slice(marker.index + marker[0].length)).trim();
  return content.startsWith(head) && (rest === "" || content.includes(rest));
}

/**
 * The item's summary: the feed's own when it says something the content does
 * not start with, else the start of a long content; null when it would only
 * repeat the title, or repeat a content short enough to be read whole.
 *
 * Both texts are collapsed already (cleanText's and the sanitizer's are, and
 * truncateOnWord cuts on a space and drops what it ends on): lowercasing is
 * all that "comparable" would add to them.
 */
function summary(
  summaryText: string | null,
  contentText: string,
  contentKey: string,
  titleKey: string,
): string | null {
  let s: string | null = null;
  if (
    summaryText !== null &&
    summaryText !== "" &&
    !isStartOf(summaryText.toLowerCase(), contentKey)
  ) {
    s = truncateOnWord(summaryText, SUMMARY_MAX);
  } else if (contentText.length > SUMMARY_MAX) {
    s = truncateOnWord(contentText, SUMMARY_MAX);
  }
  return s !== null && s.toLowerCase() === titleKey ? null : s;
}

// Content that shows something besides its text: never dropped for its words alone
const MEDIA = /<(?:img|video|audio|iframe)\b/i;

/**
 * True when the content says nothing but the title: an RSS description that
 * is the bare title text (the sanitizer drops a title block, not loose text).
 */
function isOnlyTitle(content: SanitizedContent, titleKey: string | null): boolean {
  // the sanitizer's text is already collapsed: its key is the comparable form
  return titleKey !== null && content.key === titleKey && !MEDIA.test(content.html);
}

/** The people with their strings copied out of the document (see ownStrings.ts). */
function ownAuthors(authors: Author[]): Author[] {
  for (const a of authors) {
    a.name = ownCopyOrNull(a.name);
    a.email = ownCopyOrNull(a.email);
    a.uri = ownCopyOrNull(a.uri);
  }
  return exactSize(authors);
}

/**
 * Normalizes one entry with a prepared feed scope; null when the entry has
 * nothing to show (no title, no content and no link).
 */
export function normalizeWithScope(entry: RawEntry, scope: FeedScope): NormalizedItem | null {
  // resolveBase skips a missing or blank candidate: what is left is the feed's, resolved once
  const ownBase = entry.base !== null && entry.base !== undefined && entry.base.trim() !== "";
  const base = ownBase ? resolveBase([entry.base, scope.base]) : scope.entryBase;
  let title = text(entry.title);
  const titleKey = title === "" ? null : title.toLowerCase();
  const useSummaryAsContent = !hasValue(entry.content);
  const main = useSummaryAsContent ? entry.summary : entry.content;
  let content: SanitizedContent | null = hasValue(main)
    ? sanitize(main, base, scope, titleKey)
    : null;
  let summaryText = useSummaryAsContent ? null : text(entry.summary);
  if (content !== null && isOnlyTitle(content, titleKey)) content = null;
  if (
    (content === null || content.html === "") &&
    !useSummaryAsContent &&
    hasValue(entry.summary)
  ) {
    // the content was nothing readable (only a script, say, or only the title again):
    // the description is all we have
    content = sanitize(entry.summary, base, scope, titleKey);
    if (isOnlyTitle(content, titleKey)) content = null;
    summaryText = null;
  }
  const contentText = content?.text ?? "";
  // the sanitizer's text is already collapsed: lowercase is all "comparable" adds
  const contentKey = content?.key ?? "";
  const url = itemUrl(entry, base);
  if (title === "") {
    title = truncateOnWord(contentText || summaryText || "", FALLBACK_TITLE_MAX) || (url ?? "");
  }
  if (title === "") return null;

  const { published, updated } = dates(entry, scope);
  const authors = ownAuthors(normalizeAuthors(entry.authors, base));
  const titleComparable = comparable(title);
  // every string below is the item's own, not a view on the document (ownStrings.ts);
  // dates and the HTML are built afresh already (a URL may be pieces cut from its link)
  return {
    item: {
      url: ownCopyOrNull(url),
      title: ownCopy(title),
      summary: ownCopyOrNull(summary(summaryText, contentText, contentKey, titleComparable)),
      contentHtml: content === null || content.html === "" ? null : content.html,
      published,
      updated,
      authors: authors.length > 0 ? authors : scope.authors,
      categories: categories(entry.categories),
      language: normalizeLanguage(entry.language) ?? scope.language,
      enclosures: enclosures(entry.enclosures, base),
      // a literal, not a spread: V8 gives a spread copy plus one field a backing
      // store of its own (about 290 bytes an item against 65)
      source: {
        feedUrl: scope.source.feedUrl,
        feedTitle: scope.source.feedTitle,
        siteUrl: scope.source.siteUrl,
        id: ownCopyOrNull(entry.id),
      },
    },
    firstSeen: scope.now,
  };
}
