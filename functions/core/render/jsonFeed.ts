/**
 * The JSON Feed 1.1 alternate of the current feed. Built as plain objects in
 * a fixed key order; the `feed` package writes JSON Feed 1.0 (with the
 * deprecated single `author`), no language and no attachments.
 */
import type { Entry, FeedMeta } from "../item.ts";
import { notBefore, rfc3339 } from "./dates.ts";
import { webUrl } from "./iri.ts";
import { GENERATOR, type PageLinks, uniqueEntries } from "./page.ts";
import {
  feedAuthor,
  languageTag,
  mediaType,
  nonEmpty,
  type Person,
  peopleOf,
  termsOf,
} from "./people.ts";
import { cleanText } from "./xmlText.ts";

/** The JSON Feed version this renderer writes. */
export const JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1";

type Json = { [key: string]: JsonValue };
type JsonValue = string | number | boolean | null | JsonValue[] | Json;

/**
 * Render `entries` (newest first) as JSON Feed 1.1. Its `feed_url` is
 * `page.alternates.json` when set, else `page.self`.
 */
export function renderJsonFeed(meta: FeedMeta, entries: Entry[], page: PageLinks): string {
  const feedLang = languageTag(meta.language);
  const feed: Json = {
    version: JSON_FEED_VERSION,
    title: nonEmpty(meta.title) ?? GENERATOR,
  };
  const home = webUrl(meta.siteUrl);
  if (home !== null) feed.home_page_url = home;
  feed.feed_url = cleanText(page.alternates?.json ?? page.self);
  const subtitle = nonEmpty(meta.subtitle);
  if (subtitle !== null) feed.description = subtitle;
  feed.authors = [personJson(feedAuthor(meta))];
  if (feedLang !== null) feed.language = feedLang;
  const hub = webUrl(meta.hubUrl);
  if (hub !== null) feed.hubs = [{ type: "WebSub", url: hub }];
  feed.items = uniqueEntries(entries).map((e) => itemJson(e, feedLang));
  return `${JSON.stringify(feed, null, 2)}\n`;
}

function personJson(p: Person): Json {
  const out: Json = { name: p.name };
  // JSON Feed authors have no email field; its spec allows a mailto: url.
  const url = p.uri ?? (p.email !== null ? `mailto:${p.email}` : null);
  if (url !== null) out.url = url;
  return out;
}

function itemJson(entry: Entry, feedLang: string | null): Json {
  const { item } = entry;
  const url = webUrl(item.url);
  const title = nonEmpty(item.title) ?? url ?? "Untitled";
  const summary = nonEmpty(item.summary);
  const content = nonEmpty(item.contentHtml);
  const published = rfc3339(entry.published) ?? cleanText(entry.published);
  const updated = rfc3339(entry.updated) ?? cleanText(entry.updated);
  const out: Json = { id: cleanText(entry.id) };
  if (url !== null) out.url = url;
  out.title = title;
  // An item must carry content_html or content_text.
  if (content !== null) out.content_html = content;
  else out.content_text = summary ?? title;
  if (summary !== null) out.summary = summary;
  out.date_published = published;
  out.date_modified = notBefore(updated, published);
  const authors = peopleOf(item.authors);
  if (authors.length > 0) out.authors = authors.map(personJson);
  const tags = termsOf(item.categories);
  if (tags.length > 0) out.tags = tags;
  const lang = languageTag(item.language);
  if (lang !== null && lang.toLowerCase() !== feedLang?.toLowerCase()) out.language = lang;
  const attachments = attachmentsJson(entry);
  if (attachments.length > 0) out.attachments = attachments;
  const related = relatedJson(entry, url);
  if (related.length > 0) out._cleanfeed = { related };
  return out;
}

function attachmentsJson(entry: Entry): Json[] {
  const out: Json[] = [];
  const seen = new Set<string>();
  for (const e of entry.item.enclosures) {
    const url = webUrl(e.url);
    if (url === null || seen.has(url)) continue;
    seen.add(url);
    const a: Json = { url, mime_type: mediaType(e.type) ?? "application/octet-stream" };
    if (Number.isSafeInteger(e.length) && (e.length ?? -1) >= 0) a.size_in_bytes = e.length;
    out.push(a);
  }
  return out;
}

/**
 * Other outlets' copies of the story. JSON Feed has no field for them, so they
 * go in an extension object (names starting with `_` are reserved for that).
 */
function relatedJson(entry: Entry, url: string | null): Json[] {
  const seen = new Set<string>(url === null ? [] : [url]);
  const out: Json[] = [];
  for (const r of entry.related) {
    const href = webUrl(r.url);
    if (href === null || seen.has(href)) continue;
    seen.add(href);
    const link: Json = { url: href };
    const title = nonEmpty(r.title);
    if (title !== null) link.title = title;
    const feedTitle = nonEmpty(r.feedTitle);
    if (feedTitle !== null) link.feed_title = feedTitle;
    out.push(link);
  }
  return out;
}
