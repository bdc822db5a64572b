/**
 * Reads one RSS `<item>` or Atom `<entry>` into a RawEntry. Elements are
 * dispatched by namespace id, so extensions (content:encoded, Dublin Core,
 * Media RSS, iTunes, Atom inside RSS) work under any prefix and in any format.
 * When several elements could fill a field, the format's own element wins,
 * whatever order they come in (see the ranks).
 */

import { NS } from "./namespaces.ts";
import type { RawEntry, RawLink, RawPerson, RawText } from "./raw.ts";
import {
  atom03Text,
  atomText,
  mediaText,
  rssText,
  rssTitle,
  textOf,
  textOrNull,
} from "./textConstruct.ts";
import { isAbsolute, resolveAgainst } from "./xmlBase.ts";
import { attr, attrNS, type El } from "./xmlTree.ts";

/** How elements in no namespace are read: plain RSS, or Atom written without its xmlns. */
export type Dialect = "rss" | "atom10" | "atom03";

type Slot = "id" | "title" | "content" | "summary" | "published" | "updated" | "image" | "language";

/** An entry being filled: lower rank wins a field, first offer wins a tie. */
class EntryDraft {
  readonly entry: RawEntry;
  private readonly ranks: Partial<Record<Slot, number>> = {};
  readonly fallbackAuthors: RawPerson[] = [];

  constructor(readonly el: El) {
    this.entry = {
      id: null,
      idIsPermalink: null,
      title: null,
      links: [],
      base: el.base,
      language: null,
      content: null,
      summary: null,
      published: null,
      updated: null,
      authors: [],
      categories: [],
      enclosures: [],
      image: null,
    };
  }

  offer<K extends Slot>(slot: K, value: RawEntry[K] | null, rank: number): boolean {
    if (value === null) return false;
    const current = this.ranks[slot];
    if (current !== undefined && current <= rank) return false;
    this.entry[slot] = value;
    this.ranks[slot] = rank;
    return true;
  }

  /**
   * A content or summary text, carrying the element's own xml:base when it
   * differs from the entry's, so links inside it resolve where the feed says.
   */
  text(el: El, t: RawText | null): RawText | null {
    if (t !== null && el.base !== null && el.base !== this.entry.base) t.base = el.base;
    return t;
  }

  /** An href as written, or resolved when the element sits under a different xml:base. */
  href(el: El, href: string): string {
    const ref = href.trim();
    return el.base === this.entry.base || isAbsolute(ref) ? ref : resolveAgainst(el.base, ref);
  }

  category(term: string | null): void {
    const t = term?.trim();
    if (t && !this.entry.categories.includes(t)) this.entry.categories.push(t);
  }

  enclosure(link: RawLink): void {
    if (!this.entry.enclosures.some((e) => e.href === link.href)) this.entry.enclosures.push(link);
  }

  author(person: RawPerson | null, fallback = false): void {
    if (!person) return;
    const list = fallback ? this.fallbackAuthors : this.entry.authors;
    const same = (p: RawPerson) =>
      p.name === person.name &&
      p.email === person.email &&
      p.uri === person.uri &&
      p.raw === person.raw;
    if (!list.some(same)) list.push(person);
  }
}

function link(href: string, rel: string | null, el: El | null): RawLink {
  return {
    href,
    rel,
    type: el ? (attr(el, "type")?.trim() ?? null) : null,
    length: el ? (attr(el, "length")?.trim() ?? null) : null,
    title: el ? (attr(el, "title")?.trim() ?? null) : null,
  };
}

/** A name-only person (dc:creator, itunes:author), or null when empty. */
export function namedPerson(el: El): RawPerson | null {
  const name = textOrNull(el);
  return name === null ? null : { name, email: null, uri: null, raw: null };
}

/** An RSS person string (`jo@example.org (Jo)`), kept unsplit in `raw`. */
export function rawPerson(el: El): RawPerson | null {
  const raw = textOrNull(el);
  return raw === null ? null : { name: null, email: null, uri: null, raw };
}

/** An Atom person construct (`url` is Atom 0.3's `uri`). */
export function atomPerson(el: El): RawPerson | null {
  let name: string | null = null;
  let email: string | null = null;
  let uri: string | null = null;
  for (const c of el.children) {
    if (c.local === "name") name = textOrNull(c);
    else if (c.local === "email") email = textOrNull(c);
    else if (c.local === "uri" || c.local === "url") uri = textOrNull(c);
  }
  // Some feeds write the name as the element's own text.
  if (name === null && email === null && uri === null) name = textOrNull(el);
  return name === null && email === null && uri === null ? null : { name, email, uri, raw: null };
}

/** Atom `<link>`: rel defaults to alternate; rel="enclosure" is also an enclosure. */
function atomLink(c: El, d: EntryDraft): void {
  const href = attr(c, "href");
  if (href === null || href.trim() === "") return;
  const l = link(d.href(c, href), attr(c, "rel")?.trim() || "alternate", c);
  d.entry.links.push(l);
  if (l.rel === "enclosure") d.enclosure(l);
}

function rssElement(c: El, d: EntryDraft): void {
  switch (c.local) {
    case "title":
      d.offer("title", rssTitle(c), 0);
      break;
    case "link": {
      const href = textOf(c) || attr(c, "href")?.trim() || "";
      if (href !== "") d.entry.links.push(link(d.href(c, href), "alternate", null));
      break;
    }
    case "description":
      d.offer("summary", d.text(c, rssText(c, "html")), 0);
      break;
    case "guid": {
      const id = textOrNull(c);
      if (d.offer("id", id, 0)) {
        // RSS 2.0: isPermaLink defaults to true.
        d.entry.idIsPermalink = (attr(c, "isPermaLink") ?? "true").trim().toLowerCase() !== "false";
      }
      break;
    }
    case "pubDate":
      d.offer("published", textOrNull(c), 0);
      break;
    case "author":
      d.author(rawPerson(c));
      break;
    case "category":
      d.category(textOf(c));
      break;
    case "enclosure": {
      const url = attr(c, "url");
      if (url !== null && url.trim() !== "") d.enclosure(link(d.href(c, url), "enclosure", c));
      break;
    }
  }
}

function atomElement(c: El, d: EntryDraft, v03: boolean): void {
  const text = v03 ? atom03Text : atomText;
  switch (c.local) {
    case "id":
      d.offer("id", textOrNull(c), 0);
      break;
    case "title":
      d.offer("title", text(c), 0);
      break;
    case "link":
      atomLink(c, d);
      break;
    case "content":
      d.offer("content", d.text(c, text(c)), 0);
      break;
    case "summary":
      d.offer("summary", d.text(c, text(c)), 0);
      break;
    case "published":
    case "issued":
      d.offer("published", textOrNull(c), 0);
      break;
    case "created":
      d.offer("published", textOrNull(c), 1);
      break;
    case "updated":
    case "modified":
      d.offer("updated", textOrNull(c), 0);
      break;
    case "author":
      d.author(atomPerson(c));
      break;
    case "category":
      d.category(attr(c, "label") ?? attr(c, "term") ?? textOf(c));
      break;
  }
}

function dcElement(c: El, d: EntryDraft): void {
  switch (c.local) {
    case "creator":
      d.author(namedPerson(c));
      break;
    case "date":
      d.offer("published", textOrNull(c), 1);
      break;
    case "issued":
      d.offer("published", textOrNull(c), 2);
      break;
    case "created":
      d.offer("published", textOrNull(c), 3);
      break;
    case "modified":
      d.offer("updated", textOrNull(c), 1);
      break;
    case "subject":
      d.category(textOf(c));
      break;
    case "language":
      d.offer("language", textOrNull(c), 1);
      break;
    case "identifier":
      d.offer("id", textOrNull(c), 3);
      break;
    case "title":
      d.offer("title", rssTitle(c), 2);
      break;
    case "description":
      d.offer("summary", rssText(c, "text"), 2);
      break;
  }
}

function mediaElement(c: El, d: EntryDraft): void {
  switch (c.local) {
    case "content": {
      const url = attr(c, "url");
      if (url !== null && url.trim() !== "") {
        const href = d.href(c, url);
        const type = attr(c, "type")?.trim() ?? null;
        d.enclosure({
          href,
          rel: "enclosure",
          type,
          length: attr(c, "fileSize")?.trim() ?? null,
          title: null,
        });
        if (attr(c, "medium") === "image" || type?.startsWith("image/")) d.offer("image", href, 2);
      }
      for (const child of c.children) if (child.ns === NS.media) mediaElement(child, d);
      break;
    }
    case "group":
      for (const child of c.children) if (child.ns === NS.media) mediaElement(child, d);
      break;
    case "thumbnail": {
      const url = attr(c, "url");
      if (url !== null && url.trim() !== "") d.offer("image", d.href(c, url), 0);
      break;
    }
    case "description":
      d.offer("summary", mediaText(c), 3);
      break;
    case "title":
      d.offer("title", mediaText(c), 3);
      break;
    case "category":
      d.category(textOf(c));
      break;
  }
}

function itunesCategories(c: El, d: EntryDraft): void {
  d.category(attr(c, "text"));
  for (const child of c.children) if (child.local === "category") itunesCategories(child, d);
}

function itunesElement(c: El, d: EntryDraft): void {
  switch (c.local) {
    case "image": {
      const href = attr(c, "href") ?? attr(c, "url");
      if (href !== null && href.trim() !== "") d.offer("image", d.href(c, href), 1);
      break;
    }
    case "summary":
      d.offer("summary", rssText(c, "text"), 4);
      break;
    case "author":
      d.author(namedPerson(c), true);
      break;
    case "category":
      itunesCategories(c, d);
      break;
  }
}

/** Reads an item or entry element. */
export function readEntry(el: El, dialect: Dialect): RawEntry {
  const d = new EntryDraft(el);
  // xml:lang on the entry itself beats dc:language; an inherited one does not.
  d.offer("language", el.lang, el.attrs?.["xml:lang"] !== undefined ? 0 : 2);
  d.offer("id", attrNS(el, NS.rdf, "about")?.trim() || null, 2);
  for (const c of el.children) {
    switch (c.ns) {
      case NS.none:
        if (dialect === "rss") rssElement(c, d);
        else atomElement(c, d, dialect === "atom03");
        break;
      case NS.rss10:
      case NS.rss090:
        rssElement(c, d);
        break;
      case NS.atom:
        atomElement(c, d, false);
        break;
      case NS.atom03:
        atomElement(c, d, true);
        break;
      case NS.content:
        if (c.local === "encoded") d.offer("content", d.text(c, rssText(c, "html")), 0);
        break;
      case NS.dc:
      case NS.dcterms:
        dcElement(c, d);
        break;
      case NS.media:
        mediaElement(c, d);
        break;
      case NS.itunes:
        itunesElement(c, d);
        break;
    }
  }
  if (d.entry.authors.length === 0) d.entry.authors.push(...d.fallbackAuthors);
  return d.entry;
}
