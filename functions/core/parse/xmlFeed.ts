/**
 * Feed-level reading of an XML feed tree: RSS (0.90 to 2.0, RDF included)
 * and Atom (0.3, 1.0, or a lone entry document as a one-entry feed).
 */

import { FeedParseError } from "../errors.ts";
import { atomPerson, type Dialect, namedPerson, rawPerson, readEntry } from "./entry.ts";
import { classifyRoot } from "./format.ts";
import { NS } from "./namespaces.ts";
import type { FeedFormat, RawEntry, RawPerson, RawText, StreamedFeed } from "./raw.ts";
import { atom03Text, atomText, rssTitle, textOf, textOrNull } from "./textConstruct.ts";
import { isAbsolute, resolveAgainst } from "./xmlBase.ts";
import { attr, builtEntry, type El } from "./xmlTree.ts";

type FeedSlot = "title" | "siteUrl" | "feedUrl" | "language";

/** Feed fields being filled; lower rank wins, first offer wins a tie. */
class FeedDraft {
  readonly ranks: Partial<Record<FeedSlot, number>> = {};
  title: RawText | null = null;
  siteUrl: string | null = null;
  feedUrl: string | null = null;
  language: string | null = null;
  readonly authors: RawPerson[] = [];
  readonly fallbackAuthors: RawPerson[] = [];
  /** The entry elements, read into RawEntries only as the feed's entries are iterated. */
  readonly entries: El[] = [];
  dialect: Dialect = "rss";

  constructor(readonly base: string | null) {}

  offer<K extends FeedSlot>(slot: K, value: FeedDraft[K] | null, rank: number): void {
    if (value === null) return;
    const current = this.ranks[slot];
    if (current !== undefined && current <= rank) return;
    (this as Record<FeedSlot, unknown>)[slot] = value;
    this.ranks[slot] = rank;
  }

  href(el: El, href: string): string {
    const ref = href.trim();
    return el.base === this.base || isAbsolute(ref) ? ref : resolveAgainst(el.base, ref);
  }

  author(person: RawPerson | null, fallback = false): void {
    if (person) (fallback ? this.fallbackAuthors : this.authors).push(person);
  }
}

/** Atom link at feed level: alternate (HTML preferred) is the site, self is the feed. */
function feedLink(c: El, f: FeedDraft, rankOffset: number): void {
  const href = attr(c, "href");
  if (href === null || href.trim() === "") return;
  const rel = attr(c, "rel")?.trim() || "alternate";
  if (rel === "self") f.offer("feedUrl", f.href(c, href), rankOffset);
  else if (rel === "alternate") {
    const type = attr(c, "type")?.trim().toLowerCase();
    const html = type === undefined || type === "text/html" || type === "application/xhtml+xml";
    f.offer("siteUrl", f.href(c, href), rankOffset + (html ? 0 : 1));
  }
}

/** Extension elements shared by RSS channels and Atom feeds. */
function feedExtension(c: El, f: FeedDraft): void {
  if (c.ns === NS.dc || c.ns === NS.dcterms) {
    if (c.local === "language") f.offer("language", textOrNull(c), 1);
    else if (c.local === "creator") f.author(namedPerson(c));
    else if (c.local === "title") f.offer("title", rssTitle(c), 2);
  } else if (c.ns === NS.itunes && c.local === "author") {
    f.author(namedPerson(c), true);
  }
}

function readRssChannel(channel: El, f: FeedDraft): void {
  for (const c of channel.children) {
    if (c.ns === NS.none || c.ns === NS.rss10 || c.ns === NS.rss090) {
      switch (c.local) {
        case "title":
          f.offer("title", rssTitle(c), 0);
          break;
        case "link": {
          const href = textOf(c) || attr(c, "href")?.trim() || "";
          if (href !== "") f.offer("siteUrl", f.href(c, href), 0);
          break;
        }
        case "language":
          f.offer("language", textOrNull(c), 0);
          break;
        case "managingEditor":
          f.author(rawPerson(c));
          break;
        case "item":
          f.entries.push(c);
          break;
      }
    } else if (c.ns === NS.atom && c.local === "link") {
      feedLink(c, f, 1);
    } else {
      feedExtension(c, f);
    }
  }
}

function readRss(root: El, format: FeedFormat): XmlFeed {
  const channel = root.children.find(
    (c) => c.local === "channel" && (c.ns === NS.none || c.ns === NS.rss10 || c.ns === NS.rss090),
  );
  const f = new FeedDraft(channel?.base ?? root.base);
  if (channel) readRssChannel(channel, f);
  // RSS 0.90/1.0 put items beside the channel; some broken RSS 2.0 feeds too.
  for (const c of root.children) {
    if (c.local === "item" && (c.ns === NS.none || c.ns === NS.rss10 || c.ns === NS.rss090)) {
      f.entries.push(c);
    }
  }
  f.offer("language", channel?.lang ?? root.lang, 2);
  return finish(f, format);
}

function readAtom(root: El, format: FeedFormat): XmlFeed {
  const own = (c: El) => c.ns === (format === "atom03" ? NS.atom03 : NS.atom) || c.ns === NS.none;
  const f = new FeedDraft(root.base);
  f.dialect = format === "atom03" ? "atom03" : "atom10";
  if (root.local === "entry") {
    f.entries.push(root);
    return finish(f, format);
  }
  const text = format === "atom03" ? atom03Text : atomText;
  for (const c of root.children) {
    if (own(c)) {
      switch (c.local) {
        case "title":
          f.offer("title", text(c), 0);
          break;
        case "link":
          feedLink(c, f, 0);
          break;
        case "author":
          f.author(atomPerson(c));
          break;
        case "entry":
          f.entries.push(c);
          break;
      }
    } else {
      feedExtension(c, f);
    }
  }
  f.offer("language", root.lang, 0);
  return finish(f, format);
}

/** An XML feed read but for its entries, which are read as they are iterated. */
export interface XmlFeed extends StreamedFeed {
  /** How many entries iterating gives. */
  entryCount: number;
}

function finish(f: FeedDraft, format: FeedFormat): XmlFeed {
  const { entries, dialect } = f;
  let read = false;
  return {
    format,
    title: f.title,
    siteUrl: f.siteUrl,
    feedUrl: f.feedUrl,
    base: f.base,
    language: f.language,
    authors: f.authors.length > 0 ? f.authors : f.fallbackAuthors,
    entries: {
      *[Symbol.iterator](): Iterator<RawEntry> {
        // one pass: each entry is built from the parser's output as it is read and
        // let go after, so that the document's entries are never all held as trees
        if (read) throw new Error("a streamed feed's entries can be read only once");
        read = true;
        entries.reverse(); // popped from the end: in document order
        for (let el = entries.pop(); el !== undefined; el = entries.pop()) {
          yield readEntry(builtEntry(el), dialect);
        }
      },
    },
    entryCount: entries.length,
  };
}

/**
 * Reads a parsed XML document as a feed, or explains why it is not one. The
 * entries are read from their elements as they are iterated: a text
 * construct kept as bytes (byteText.ts) is decoded then, one entry at a time.
 */
export function readXmlFeed(root: El, source: string): XmlFeed {
  const channel = root.children.find((c) => c.local === "channel");
  const format = classifyRoot(root.local, root.ns, attr(root, "version"), channel?.ns ?? null);
  if (format === null) {
    const what =
      root.local.toLowerCase() === "html"
        ? "an HTML page"
        : `an XML document with root <${root.name}>`;
    throw new FeedParseError(source, `not a feed: ${what}, not RSS or Atom`);
  }
  return format.startsWith("atom") ? readAtom(root, format) : readRss(root, format);
}
