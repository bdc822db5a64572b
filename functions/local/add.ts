/**
 * `cleanfeed add <url>`: subscribe by a site's page or a feed's own URL. The
 * URL is fetched with the poller's fetch and limits; a page leads to the
 * feeds it declares (autodiscovery) or, when it declares none, to the usual
 * feed locations; the first candidate the project's parser reads is the feed.
 */
import type { Config } from "../core/config.ts";
import { FeedError } from "../core/errors.ts";
import { parseFeed } from "../core/parse/index.ts";
import {
  COMMON_FEED_PATHS,
  discoverFeeds,
  guessFeedUrls,
  isHtmlPage,
} from "../sources/discover.ts";
import { fetchFeed } from "../sources/fetch.ts";

/** The URL leads to no feed the parser can read; the message says what was tried. */
export class NoFeedError extends Error {
  override name = "NoFeedError";
}

/**
 * A document fetched as every local command fetches: loopback allowed (sample
 * feeds served on this machine), private ranges refused. FeedError naming the
 * URL when it cannot be had.
 */
export async function fetchDocument(url: string, limits: { timeoutMs: number; maxBytes: number }) {
  const result = await fetchFeed(
    url,
    { etag: null, lastModified: null },
    { allowLoopback: true, ...limits },
  );
  if (result.kind === "ok") return result;
  throw new FeedError(url, result.kind === "error" ? result.message : "not modified");
}

function plainTitle(title: { value: string; type: string } | null): string | null {
  if (title === null) return null;
  const text = (title.type === "text" ? title.value : title.value.replace(/<[^>]*>/g, ""))
    .replace(/\s+/g, " ")
    .trim();
  return text === "" ? null : text;
}

/** The feed in a fetched document (what `add` subscribes to); FeedError when it is none. */
function read(doc: { url: string; body: Uint8Array; contentType: string | null }, config: Config) {
  const feed = parseFeed(doc.body, {
    source: doc.url,
    contentType: doc.contentType,
    maxBytes: config.limits.maxDocumentBytes,
    maxItems: config.limits.maxItemsPerDocument,
  });
  return { url: doc.url, title: plainTitle(feed.title), entries: feed.entries.length };
}

/**
 * Finds the feed behind `url`: the URL itself when it is a feed, else the
 * best feed its page declares (Atom, then RSS, then JSON Feed), else one of
 * the common feed paths of its site. Throws NoFeedError naming what failed.
 */
export async function findFeed(url: string, config: Config) {
  const limits = {
    timeoutMs: config.limits.fetchTimeoutMs,
    maxBytes: config.limits.maxDocumentBytes,
  };
  const messageOf = (e: unknown) => {
    if (e instanceof FeedError) return e.message;
    throw e;
  };
  const page = await fetchDocument(url, limits).catch((e) => {
    throw new NoFeedError(messageOf(e));
  });
  const text = new TextDecoder().decode(page.body.subarray(0, 1 << 20));
  if (!isHtmlPage(text, page.contentType)) {
    try {
      return read(page, config);
    } catch (e) {
      throw new NoFeedError(`${url} is not a feed: ${messageOf(e)}`);
    }
  }
  const declared = discoverFeeds(text, page.url).map((f) => f.url);
  const candidates = declared.length > 0 ? declared : guessFeedUrls(page.url);
  const tried: string[] = [];
  for (const candidate of candidates) {
    try {
      return read(await fetchDocument(candidate, limits), config);
    } catch (e) {
      tried.push(messageOf(e));
    }
  }
  if (declared.length === 0) {
    throw new NoFeedError(
      `${url} is a web page that declares no feed (no <link rel="alternate" type="application/atom+xml">, rss+xml or feed+json), and none was found at ${COMMON_FEED_PATHS.join(", ")}`,
    );
  }
  throw new NoFeedError(`${url} declares feeds, but none could be read: ${tried.join("; ")}`);
}
