/**
 * The JSON Feed 1.1 alternate of the current feed. Built as plain objects in
 * a fixed key order; the `feed` package writes JSON Feed 1.0 (with the
 * deprecated single `author`), no language and no attachments.
 */
import type { Entry, FeedMeta } from "../item.ts";
import { contentOf, enclosuresOf, entryDates, entryTitle, relatedOf } from "./entryParts.ts";
import { webUrl } from "./iri.ts";
import { GENERATOR, type PageLinks, uniqueEntries } from "./page.ts";
import { feedAuthor, languageTag, nonEmpty, type Person, peopleOf, termsOf } from "./people.ts";
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
  const title = entryTitle(item.title, url);
  const summary = nonEmpty(item.summary);
  const content = contentOf(entry, url);
  const { published, updated } = entryDates(entry);
  const out: Json = { id: cleanText(entry.id) };
  if (url !== null) out.url = url;
  out.title = title;
  // An item must carry content_html or content_text.
  if (content !== null) out.content_html = content;
  else out.content_text = summary ?? title;
  if (summary !== null) out.summary = summary;
  out.date_published = published;
  out.date_modified = updated;
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
  return enclosuresOf(entry).map(({ url, type, length }) => {
    const a: Json = { url, mime_type: type ?? "application/octet-stream" };
    if (length !== null) a.size_in_bytes = length;
    return a;
  });
}

/**
 * Other outlets' copies of the story. JSON Feed has no field for them, so they
 * go in an extension object (names starting with `_` are reserved for that).
 */
function relatedJson(entry: Entry, url: string | null): Json[] {
  return relatedOf(entry, url).map(({ url: href, title, feedTitle }) => {
    const link: Json = { url: href };
    if (title !== null) link.title = title;
    if (feedTitle !== null) link.feed_title = feedTitle;
    return link;
  });
}
