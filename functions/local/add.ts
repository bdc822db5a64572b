/**
 * `cleanfeed add <url>`: subscribe by a site's page or a feed's own URL. The
 * URL is fetched with the poller's fetch and limits; a page leads to the
 * feeds it declares (autodiscovery) or, when it declares none, to the usual
 * feed locations; the first candidate the project's parser reads is the feed.
 */
import type { Config } from "../core/config.ts";
import { FeedError } from "../core/errors.ts";
import { readFeed } from "../core/parse/index.ts";
import {
  COMMON_FEED_PATHS,
  discoverFeeds,
  guessFeedUrls,
  isHtmlPage,
} from "../sources/discover.ts";
import { fetchFeed } from "../sources/fetch.ts";

/** A feed that was fetched and parsed: what `add` subscribes to. */
export interface FoundFeed {
  url: string;
  title: string | null;
  entries: number;
}

/** The URL leads to no feed the parser can read; the message says what was tried. */
export class NoFeedError extends Error {
  override name = "NoFeedError";
}

type Fetched =
  | { ok: true; url: string; body: Uint8Array; contentType: string | null }
  | { ok: false; message: string };

async function get(url: string, config: Config): Promise<Fetched> {
  const result = await fetchFeed(
    url,
    { etag: null, lastModified: null },
    // Loopback as every local command allows it; private ranges stay refused.
    {
      allowLoopback: true,
      timeoutMs: config.limits.fetchTimeoutMs,
      maxBytes: config.limits.maxDocumentBytes,
    },
  );
  if (result.kind === "ok") {
    return { ok: true, url: result.url, body: result.body, contentType: result.contentType };
  }
  return { ok: false, message: result.kind === "error" ? result.message : "not modified" };
}

function plainTitle(title: { value: string; type: string } | null): string | null {
  if (title === null) return null;
  const text = (title.type === "text" ? title.value : title.value.replace(/<[^>]*>/g, ""))
    .replace(/\s+/g, " ")
    .trim();
  return text === "" ? null : text;
}

/** The feed in a fetched document, or why it is none. */
function read(doc: Extract<Fetched, { ok: true }>, config: Config): FoundFeed | string {
  try {
    const feed = readFeed(doc.body, {
      source: doc.url,
      contentType: doc.contentType,
      maxBytes: config.limits.maxDocumentBytes,
      maxItems: config.limits.maxItemsPerDocument,
    });
    let entries = 0;
    for (const _ of feed.entries) entries++;
    return { url: doc.url, title: plainTitle(feed.title), entries };
  } catch (e) {
    if (e instanceof FeedError) return e.message;
    throw e;
  }
}

/**
 * Finds the feed behind `url`: the URL itself when it is a feed, else the
 * best feed its page declares (Atom, then RSS, then JSON Feed), else one of
 * the common feed paths of its site. Throws NoFeedError naming what failed.
 */
export async function findFeed(url: string, config: Config): Promise<FoundFeed> {
  const page = await get(url, config);
  if (!page.ok) throw new NoFeedError(`${url}: ${page.message}`);
  const text = new TextDecoder().decode(page.body.subarray(0, 1 << 20));
  if (!isHtmlPage(text, page.contentType)) {
    const found = read(page, config);
    if (typeof found !== "string") return found;
    throw new NoFeedError(`${url} is not a feed: ${found}`);
  }
  const declared = discoverFeeds(text, page.url).map((f) => f.url);
  const candidates = declared.length > 0 ? declared : guessFeedUrls(page.url);
  const tried: string[] = [];
  for (const candidate of candidates) {
    const doc = await get(candidate, config);
    const found = doc.ok ? read(doc, config) : `${candidate}: ${doc.message}`;
    if (typeof found !== "string") return found;
    tried.push(found);
  }
  if (declared.length === 0) {
    throw new NoFeedError(
      `${url} is a web page that declares no feed (no <link rel="alternate" type="application/atom+xml">, rss+xml or feed+json), and none was found at ${COMMON_FEED_PATHS.join(", ")}`,
    );
  }
  throw new NoFeedError(`${url} declares feeds, but none could be read: ${tried.join("; ")}`);
}
