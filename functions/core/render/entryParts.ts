/**
 * The per-entry values all three renderers publish, worked out once here so
 * Atom, RSS and JSON Feed cannot drift apart on what counts as a valid
 * enclosure, a related link or a title. Each format applies its own defaults
 * (a missing media type or length) where it writes them.
 */
import type { Entry } from "../item.ts";
import { notBefore, rfc3339 } from "./dates.ts";
import { webUrl } from "./iri.ts";
import { mediaType, nonEmpty } from "./people.ts";
import { cleanText, textToHtml } from "./xmlText.ts";

/** An enclosure that can be published: a web URL, a media type or null, a byte count or null. */
export interface PublishedEnclosure {
  url: string;
  type: string | null;
  length: number | null;
}

/** The entry's enclosures with a web URL, in order, each URL once. */
export function enclosuresOf(entry: Entry): PublishedEnclosure[] {
  const seen = new Set<string>();
  const out: PublishedEnclosure[] = [];
  for (const e of entry.item.enclosures) {
    const url = webUrl(e.url);
    if (url === null || seen.has(url)) continue;
    seen.add(url);
    // Only a whole, non-negative number is a byte count; anything else is unknown.
    const length = Number.isSafeInteger(e.length) && (e.length ?? -1) >= 0 ? e.length : null;
    out.push({ url, type: mediaType(e.type), length });
  }
  return out;
}

/** A related story as published: a web URL and its cleaned titles. */
export interface PublishedRelated {
  url: string;
  title: string | null;
  feedTitle: string | null;
}

/**
 * Other outlets' copies of the story, each URL once and never the entry's
 * own `url` (a link back to the story itself is no related link).
 */
export function relatedOf(entry: Entry, url: string | null): PublishedRelated[] {
  const seen = new Set<string>(url === null ? [] : [url]);
  const out: PublishedRelated[] = [];
  for (const r of entry.related) {
    const href = webUrl(r.url);
    if (href === null || seen.has(href)) continue;
    seen.add(href);
    out.push({ url: href, title: nonEmpty(r.title), feedTitle: nonEmpty(r.feedTitle) });
  }
  return out;
}

/** The entry title as plain text, never empty: readers show an empty title as a blank row. */
export function entryTitle(title: string, url: string | null): string {
  return nonEmpty(title) ?? url ?? "Untitled";
}

/**
 * The entry's dates in RFC 3339 (kept as cleaned text when unparseable), with
 * `updated` never before `published`, as Atom and JSON Feed both demand.
 */
export function entryDates(entry: Entry): { published: string; updated: string } {
  const published = rfc3339(entry.published) ?? cleanText(entry.published);
  const updated = rfc3339(entry.updated) ?? cleanText(entry.updated);
  return { published, updated: notBefore(updated, published) };
}

/** An outlet as a reader names it: its feed's title, else its site's host (its URL is a web URL). */
function outletName(r: PublishedRelated): string {
  return r.feedTitle ?? new URL(r.url).hostname.replace(/^www\./, "");
}

/**
 * The entry's HTML content as published: the story's text, then, when other
 * outlets carried it, a visible "Also reported by: Outlet B, Outlet C" line
 * linking to their copies. Most readers (newsboat among them) never show
 * `rel="related"` links, so the line is how a reader learns of them.
 */
export function contentOf(entry: Entry, url: string | null): string | null {
  const content = nonEmpty(entry.item.contentHtml);
  const related = relatedOf(entry, url);
  if (content === null || related.length === 0) return content;
  const names = new Set<string>();
  const links: string[] = [];
  for (const r of related) {
    const name = outletName(r);
    if (names.has(name)) continue;
    names.add(name);
    links.push(`<a href="${textToHtml(r.url)}">${textToHtml(name)}</a>`);
  }
  return `${content}\n<p>Also reported by: ${links.join(", ")}</p>`;
}
