/**
 * The RSS 2.0 alternate of the current feed. Written with the same escaping
 * XML writer as Atom: the `feed` package writes titles as raw CDATA (readers
 * then take `<sample>` for a tag), passes control characters, emits
 * `<link>undefined</link>` without a site URL and drops extra authors.
 */
import type { Entry, FeedMeta } from "../item.ts";
import { rfc822 } from "./dates.ts";
import { contentOf, enclosuresOf, entryTitle } from "./entryParts.ts";
import { webUrl } from "./iri.ts";
import { GENERATOR, MEDIA_TYPES, type PageLinks, uniqueEntries } from "./page.ts";
import { feedAuthor, languageTag, nonEmpty, peopleOf, termsOf } from "./people.ts";
import { cleanText, textToHtml } from "./xmlText.ts";
import { el, type XmlElement, xmlDocument } from "./xmlWriter.ts";

const ATOM_NS = "http://www.w3.org/2005/Atom";
const CONTENT_NS = "http://purl.org/rss/1.0/modules/content/";
const DC_NS = "http://purl.org/dc/elements/1.1/";

/**
 * Render `entries` (newest first) as RSS 2.0. Its self link is
 * `page.alternates.rss` when set (the caller passed the current feed's links),
 * else `page.self` (the caller passed links made for this document).
 */
export function renderRss(meta: FeedMeta, entries: Entry[], page: PageLinks): string {
  const self = page.alternates?.rss ?? page.self;
  const title = nonEmpty(meta.title) ?? GENERATOR;
  const author = feedAuthor(meta);
  const rss = el(
    "rss",
    { version: "2.0", "xmlns:atom": ATOM_NS, "xmlns:content": CONTENT_NS, "xmlns:dc": DC_NS },
    el(
      "channel",
      {},
      el("title", {}, title),
      // RSS requires a channel link to a web page; without a site the Atom
      // feed is the closest thing the reader can open.
      el("link", {}, webUrl(meta.siteUrl) ?? cleanText(page.current)),
      el("description", {}, nonEmpty(meta.subtitle) ?? title),
      languageTag(meta.language) !== null && el("language", {}, languageTag(meta.language)),
      el("lastBuildDate", {}, rfc822(page.updated) ?? cleanText(page.updated)),
      el("generator", {}, GENERATOR),
      el("dc:creator", {}, author.name),
      el("atom:link", { rel: "self", type: MEDIA_TYPES.rss, href: cleanText(self) }),
      webUrl(meta.hubUrl) !== null && el("atom:link", { rel: "hub", href: webUrl(meta.hubUrl) }),
      uniqueEntries(entries).map(itemElement),
    ),
  );
  return xmlDocument(rss, page.stylesheet ?? null);
}

function itemElement(entry: Entry): XmlElement {
  const { item } = entry;
  const url = webUrl(item.url);
  const summary = nonEmpty(item.summary);
  const content = contentOf(entry, url);
  const people = peopleOf(item.authors);
  // RSS <author> must be an email address and appears at most once; the
  // other authors go to dc:creator, which readers show as the byline.
  const withEmail = people.find((p) => p.email !== null);
  // RSS allows one enclosure per item: the first one, as podcast apps expect.
  const enclosure = enclosuresOf(entry)[0];
  return el(
    "item",
    {},
    el("title", {}, entryTitle(item.title, url)),
    url !== null && el("link", {}, url),
    el("guid", { isPermaLink: "false" }, cleanText(entry.id)),
    el("pubDate", {}, rfc822(entry.published) ?? cleanText(entry.published)),
    // description is HTML in RSS: the plain-text summary is escaped into it.
    summary !== null
      ? el("description", {}, textToHtml(summary))
      : content !== null && el("description", {}, content),
    content !== null && el("content:encoded", {}, content),
    withEmail !== undefined &&
      el(
        "author",
        {},
        !withEmail.named ? withEmail.email : `${withEmail.email} (${withEmail.name})`,
      ),
    // Readers merge <author> and dc:creator: naming someone in both doubles them.
    people.filter((p) => p !== withEmail).map((p) => el("dc:creator", {}, p.name)),
    termsOf(item.categories).map((term) => el("category", {}, term)),
    enclosure !== undefined &&
      el("enclosure", {
        url: enclosure.url,
        // RSS requires a length; 0 is the usual stand-in when it is unknown.
        length: enclosure.length ?? 0,
        type: enclosure.type ?? "application/octet-stream",
      }),
    sourceElement(entry),
  );
}

/** RSS `<source>`: the feed the story came from, when its URL is known. */
function sourceElement(entry: Entry): XmlElement | null {
  const url = webUrl(entry.item.source.feedUrl);
  if (url === null) return null;
  return el("source", { url }, nonEmpty(entry.item.source.feedTitle) ?? url);
}
