/** Builders for parser output, so normalizer tests need no XML. */
import type {
  RawEntry,
  RawFeed,
  RawLink,
  RawPerson,
  RawText,
} from "../../functions/core/parse/raw.ts";

/** A text construct; `html` unless said otherwise. */
export function text(value: string, type: RawText["type"] = "html"): RawText {
  return { value, type };
}

/** A link; RSS `<link>` is an alternate. */
export function link(href: string, extra: Partial<RawLink> = {}): RawLink {
  return { href, rel: "alternate", type: null, length: null, title: null, ...extra };
}

/** A person given only as an unsplit RSS string. */
export function person(raw: string): RawPerson {
  return { name: null, email: null, uri: null, raw };
}

/** An entry with every field empty except the ones given. */
export function rawEntry(extra: Partial<RawEntry> = {}): RawEntry {
  return {
    id: null,
    idIsPermalink: null,
    title: null,
    links: [],
    base: null,
    language: null,
    content: null,
    summary: null,
    published: null,
    updated: null,
    authors: [],
    categories: [],
    enclosures: [],
    image: null,
    ...extra,
  };
}

/** An RSS 2.0 feed holding the given entries. */
export function rawFeed(entries: RawEntry[], extra: Partial<RawFeed> = {}): RawFeed {
  return {
    format: "rss20",
    title: text("Example News", "text"),
    siteUrl: "https://news.example.com/",
    feedUrl: null,
    base: null,
    language: null,
    authors: [],
    entries,
    ...extra,
  };
}
