/**
 * Feed autodiscovery: the feeds an HTML page declares with
 * `<link rel="alternate" type="application/atom+xml" href="…">` (and its RSS
 * and JSON Feed siblings), resolved against the page URL and its `<base>`.
 * Pure: the page comes in as text, fetching is the caller's.
 */
import { Parser } from "htmlparser2";

type FeedKind = "atom" | "rss" | "json";

/** A feed a page declares. */
export interface DiscoveredFeed {
  url: string;
  kind: FeedKind;
  /** The link's `title` attribute, when it has one. */
  title: string | null;
}

/** Media types a page may declare a feed with, and the preference among them. */
const KINDS: Record<string, FeedKind> = {
  "application/atom+xml": "atom",
  "application/rss+xml": "rss",
  "application/rdf+xml": "rss",
  "application/feed+json": "json",
};
const PREFERENCE: FeedKind[] = ["atom", "rss", "json"];

/** Where sites often publish a feed they do not declare: tried only when none is declared. */
export const COMMON_FEED_PATHS = ["/feed", "/rss.xml", "/atom.xml", "/feed.xml", "/index.xml"];

const HTML_START = /^\s*(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>])/i;

/** Whether a response is an HTML page rather than a feed: by its type, else by its start. */
export function isHtmlPage(text: string, contentType: string | null): boolean {
  const type = contentType?.split(";")[0]?.trim().toLowerCase();
  if (type === "text/html" || type === "application/xhtml+xml") return true;
  return HTML_START.test(text.slice(0, 4096));
}

function resolved(href: string, base: string): string | null {
  if (!URL.canParse(href.trim(), base)) return null;
  const url = new URL(href.trim(), base);
  return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
}

/**
 * The feeds `html` declares, best first (Atom, then RSS, then JSON Feed;
 * document order within a kind), each URL absolute and unique.
 */
export function discoverFeeds(html: string, pageUrl: string): DiscoveredFeed[] {
  const links: { href: string; kind: FeedKind; title: string | null }[] = [];
  let baseHref: string | null = null;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name === "base" && baseHref === null && attrs.href !== undefined) {
          baseHref = attrs.href;
          return;
        }
        if (name !== "link" || attrs.href === undefined) return;
        const rels = (attrs.rel ?? "").toLowerCase().split(/\s+/);
        const type = (attrs.type ?? "").split(";")[0]!.trim().toLowerCase();
        const kind = KINDS[type];
        if (!rels.includes("alternate") || kind === undefined) return;
        links.push({ href: attrs.href, kind, title: attrs.title?.trim() || null });
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
  // The first <base href> applies to every URL of the page, even links before it.
  const base = (baseHref !== null && resolved(baseHref, pageUrl)) || pageUrl;
  const seen = new Set<string>();
  const feeds: DiscoveredFeed[] = [];
  for (const link of links) {
    const url = resolved(link.href, base);
    if (url === null || seen.has(url)) continue;
    seen.add(url);
    feeds.push({ url, kind: link.kind, title: link.title });
  }
  return feeds.sort((a, b) => PREFERENCE.indexOf(a.kind) - PREFERENCE.indexOf(b.kind));
}

/** The common feed locations on the page's site, for a page that declares none. */
export function guessFeedUrls(pageUrl: string): string[] {
  return COMMON_FEED_PATHS.map((path) => new URL(path, pageUrl).href);
}
