/**
 * Namespaces we understand, identified by URI, never by prefix: feeds bind
 * Atom to `a:`, Dublin Core to `dcterms:` or `DC:`. Each known URI maps to a
 * short id the format readers switch on; unknown URIs keep their URI as id.
 */

/** Short ids of the namespaces the readers look at. `""` is "no namespace" (plain RSS). */
export const NS = {
  none: "",
  atom: "atom",
  atom03: "atom03",
  rss10: "rss10",
  rss090: "rss090",
  rdf: "rdf",
  content: "content",
  dc: "dc",
  dcterms: "dcterms",
  media: "media",
  itunes: "itunes",
  xhtml: "xhtml",
  xml: "xml",
} as const;

/** URI (lowercased, without scheme and trailing `/` or `#`) to namespace id. */
const BY_URI = new Map<string, string>([
  ["www.w3.org/2005/atom", NS.atom],
  ["purl.org/atom/ns", NS.atom03],
  ["purl.org/rss/1.0", NS.rss10],
  // RSS 0.90: Netscape published the namespace under both hosts
  ["my.netscape.com/rdf/simple/0.9", NS.rss090],
  ["channel.netscape.com/rdf/simple/0.9", NS.rss090],
  ["www.w3.org/1999/02/22-rdf-syntax-ns", NS.rdf],
  ["purl.org/rss/1.0/modules/content", NS.content],
  ["purl.org/dc/elements/1.1", NS.dc],
  ["purl.org/dc/terms", NS.dcterms],
  ["search.yahoo.com/mrss", NS.media],
  ["video.search.yahoo.com/mrss", NS.media],
  ["www.itunes.com/dtds/podcast-1.0.dtd", NS.itunes],
  ["www.w3.org/1999/xhtml", NS.xhtml],
  ["www.w3.org/xml/1998/namespace", NS.xml],
  // RSS 2.0 occasionally declares itself; its elements are plain RSS.
  ["backend.userland.com/rss2", NS.none],
  ["blogs.law.harvard.edu/tech/rss", NS.none],
  ["backend.userland.com/rss", NS.none],
]);

/**
 * Prefixes feeds use without declaring them (`dc:creator`, `media:content`).
 * A strict parser would drop these; readers guess, and so do we.
 */
export const CONVENTIONAL_PREFIXES: ReadonlyMap<string, string> = new Map([
  ["xml", NS.xml],
  ["atom", NS.atom],
  ["rdf", NS.rdf],
  ["content", NS.content],
  ["dc", NS.dc],
  ["dcterms", NS.dcterms],
  ["media", NS.media],
  ["itunes", NS.itunes],
  ["xhtml", NS.xhtml],
]);

/** The namespace id for a namespace URI (unknown URIs are their own id). */
export function namespaceId(uri: string): string {
  const key = uri
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, "")
    .replace(/[/#]+$/, "");
  if (key === "") return NS.none;
  return BY_URI.get(key) ?? uri;
}

/**
 * Local names that are text constructs (title, content…) per namespace id: the
 * XML parser hands their inner source back unparsed so that inline XHTML and
 * CDATA survive exactly.
 */
export const TEXT_CONSTRUCTS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  [NS.none, new Set(["title", "description"])],
  [NS.rss10, new Set(["title", "description"])],
  [NS.rss090, new Set(["title", "description"])],
  [NS.atom, new Set(["title", "subtitle", "summary", "content", "rights"])],
  [NS.atom03, new Set(["title", "tagline", "summary", "content", "copyright", "info"])],
  [NS.content, new Set(["encoded"])],
  [NS.media, new Set(["title", "description"])],
  [NS.itunes, new Set(["summary", "subtitle"])],
]);

/** Every local name that is a text construct in some namespace. */
export const TEXT_CONSTRUCT_LOCALS: ReadonlySet<string> = new Set(
  [...TEXT_CONSTRUCTS.values()].flatMap((s) => [...s]),
);
