/**
 * The Atom 1.0 document (RFC 4287), the product's face. Written with our own
 * escaping XML writer rather than the `feed` package, which mislabels titles
 * as HTML, lets control characters through and drops the language.
 */
import type { Entry, FeedMeta } from "../item.ts";
import { rfc3339 } from "./dates.ts";
import { contentOf, enclosuresOf, entryDates, entryTitle, relatedOf } from "./entryParts.ts";
import { webUrl } from "./iri.ts";
import { GENERATOR, MEDIA_TYPES, type PageLinks, uniqueEntries } from "./page.ts";
import { feedAuthor, languageTag, nonEmpty, type Person, peopleOf, termsOf } from "./people.ts";
import { cleanText } from "./xmlText.ts";
import { el, type XmlElement, xmlDocument } from "./xmlWriter.ts";

const ATOM_NS = "http://www.w3.org/2005/Atom";
const HISTORY_NS = "http://purl.org/syndication/history/1.0";

/** Render `entries` (newest first) as one Atom document: the current feed or an archive page. */
export function renderAtom(meta: FeedMeta, entries: Entry[], page: PageLinks): string {
  const lang = languageTag(meta.language);
  const alternates = page.alternates;
  const feed = el(
    "feed",
    {
      xmlns: ATOM_NS,
      "xmlns:fh": page.archive ? HISTORY_NS : null,
      "xml:lang": lang,
    },
    el("id", {}, cleanText(meta.id)),
    el("title", { type: "text" }, nonEmpty(meta.title) ?? GENERATOR),
    nonEmpty(meta.subtitle) !== null && el("subtitle", { type: "text" }, nonEmpty(meta.subtitle)),
    el("updated", {}, rfc3339(page.updated) ?? cleanText(page.updated)),
    // A feed-level author is always written: it satisfies RFC 4287's author
    // rule for every entry whose source named nobody.
    authorElement(feedAuthor(meta)),
    link("self", page.self, MEDIA_TYPES.atom),
    link("alternate", webUrl(meta.siteUrl), "text/html"),
    alternates && link("alternate", alternates.rss, MEDIA_TYPES.rss),
    alternates && link("alternate", alternates.json, MEDIA_TYPES.json),
    link("hub", webUrl(meta.hubUrl), null),
    page.current !== page.self && link("current", page.current, MEDIA_TYPES.atom),
    link("prev-archive", page.prevArchive, MEDIA_TYPES.atom),
    link("next-archive", page.nextArchive, MEDIA_TYPES.atom),
    page.archive && el("fh:archive"),
    el("generator", {}, GENERATOR),
    uniqueEntries(entries).map((e) => entryElement(e, lang)),
  );
  return xmlDocument(feed, page.stylesheet ?? null);
}

function entryElement(entry: Entry, feedLang: string | null): XmlElement {
  const { item } = entry;
  const lang = languageTag(item.language);
  const url = webUrl(item.url);
  const content = contentOf(entry, url);
  const summary = addsToContent(nonEmpty(item.summary), content);
  const title = entryTitle(item.title, url);
  const { published, updated: entryUpdated } = entryDates(entry);
  return el(
    "entry",
    { "xml:lang": lang !== null && lang.toLowerCase() !== feedLang?.toLowerCase() ? lang : null },
    el("id", {}, cleanText(entry.id)),
    el("title", { type: "text" }, title),
    link("alternate", url, null),
    relatedOf(entry, url).map((r) =>
      el("link", {
        rel: "related",
        href: r.url,
        title: r.title && r.feedTitle ? `${r.title} (${r.feedTitle})` : (r.title ?? r.feedTitle),
      }),
    ),
    enclosuresOf(entry).map(({ url: href, type, length }) =>
      el("link", { rel: "enclosure", type, length, href }),
    ),
    el("published", {}, published),
    el("updated", {}, entryUpdated),
    peopleOf(item.authors).map(authorElement),
    termsOf(item.categories).map((term) => el("category", { term })),
    // The W3C validator warns about an entry with neither content nor
    // summary, so a link-only story gets its title as summary.
    (summary !== null || (content === null && url !== null)) &&
      el("summary", { type: "text" }, summary ?? title),
    content !== null
      ? el("content", { type: "html" }, content)
      : // RFC 4287 wants content or an alternate link; with neither, the
        // summary (or title) is the only content there is.
        url === null && el("content", { type: "text" }, summary ?? title),
    sourceElement(entry, entryUpdated),
  );
}

/** Words of a text, for comparing a summary with the content it may merely begin. */
function words(text: string): string {
  return text
    .replace(/<[^>]*>/g, " ")
    .replace(/&(amp|lt|gt|quot|#39);/g, " ")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()
    .toLowerCase();
}

/**
 * The summary, or null when it only repeats the start of the content (a
 * reader would show the same opening twice). Our content HTML is already
 * sanitized, so dropping its tags is enough to compare words.
 */
function addsToContent(summary: string | null, content: string | null): string | null {
  if (summary === null || content === null) return summary;
  const opening = words(summary.replace(/…$/, ""));
  return opening !== "" && words(content).startsWith(opening) ? null : summary;
}

function link(rel: string, href: string | null, type: string | null): XmlElement | null {
  if (href === null) return null;
  return el("link", { rel, type, href: cleanText(href) });
}

function authorElement(p: Person): XmlElement {
  return el(
    "author",
    {},
    el("name", {}, p.name),
    p.email !== null && el("email", {}, p.email),
    p.uri !== null && el("uri", {}, p.uri),
  );
}

/**
 * Where the story came from. The W3C validator wants a source to carry id,
 * title, updated and a self link like a feed does, so one is written only
 * when the source feed's URL is known: that URL is its self link and, since
 * the source feed's own atom:id is not known to us (ItemSource.id is the
 * item's original guid, not the feed's), its id too. Its updated is the
 * entry's: the last time we saw that feed's copy of the story change.
 */
function sourceElement(entry: Entry, updated: string): XmlElement | null {
  const { source } = entry.item;
  const feedUrl = webUrl(source.feedUrl);
  if (feedUrl === null) return null;
  const siteUrl = webUrl(source.siteUrl);
  const title = nonEmpty(source.feedTitle) ?? new URL(siteUrl ?? feedUrl).host;
  return el(
    "source",
    {},
    el("id", {}, feedUrl),
    el("title", { type: "text" }, title),
    el("updated", {}, updated),
    link("self", feedUrl, null),
    link("alternate", siteUrl, "text/html"),
  );
}
