/**
 * The S3 layout, in one place. The CDK stack grants and notifies on these
 * prefixes, so a change here is a change to the deployed permissions too.
 *
 *   incoming/…            drops: raw feed documents or JSON arrays of items (ingest reads, then deletes)
 *   entries/<id>.json     one stored story each (Entry plus its keys and merge history)
 *   entries/<id>.json     …or, for a copy merged into another story, an alias to it (see core/dedupe/story.ts)
 *   keys/<kind>/<hash>    alias → story id; created once with If-None-Match, never rewritten
 *   index/head.json       the bounded window of recent stories: near-duplicate matching and the feed
 *   index/intents/<t>.json  the stories an ingest is about to create, until its head commit (intents.ts)
 *   sources/<hash>.json   per-source polling state (validators, counters, known guids)
 *   public/…              what readers get: feed.atom, feed.rss, feed.json, archive/N.atom, feed.xsl (browsers)
 */
export const PREFIX = {
  incoming: "incoming/",
  entries: "entries/",
  keys: "keys/",
  index: "index/",
  intents: "index/intents/",
  sources: "sources/",
  archiveState: "index/archive/",
  public: "public/",
} as const;

export const HEAD_INDEX_KEY = `${PREFIX.index}head.json`;

/**
 * Published files, as paths below `public/`: what CloudFront and the local
 * server serve at the feed's public URL (the bucket key is `public/` + path).
 */
export const PUBLIC_FILES = {
  atom: "feed.atom",
  rss: "feed.rss",
  json: "feed.json",
  /** The XSLT the current Atom and RSS documents name, for a browser opening them. */
  stylesheet: "feed.xsl",
  archive: (page: number) => `archive/${page}.atom`,
} as const;

/**
 * The Content-Security-Policy every published file is served with, by
 * CloudFront and by the local server alike. A feed opened in a browser runs
 * nothing: `sandbox` without `allow-scripts` stops every script, whatever an
 * entry carries. What it does allow is the feed's own stylesheet: Chromium
 * loads an `<?xml-stylesheet?>` only under `script-src` and only for the
 * document's own origin (hence `allow-same-origin`); with `default-src 'none'`
 * alone it shows an empty page. The XSLT's output styles itself inline.
 */
export const SERVED_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; sandbox allow-same-origin";
