/**
 * What the ingest function does, independent of how it was invoked: turn a
 * feed document or a batch of pushed items into stored stories. The handler
 * and the `cleanfeed` command both call these.
 */
import type { Config } from "../core/config.ts";
import { sourceKey } from "../core/dedupe/keys.ts";
import { FeedError } from "../core/errors.ts";
import type { NormalizedItem } from "../core/item.ts";
import { normalizeFeed } from "../core/normalize/index.ts";
import { readFeed } from "../core/parse/index.ts";
import type { StreamedFeed } from "../core/parse/raw.ts";
import { parsePushedItems } from "../core/push.ts";
import type { Objects } from "../store/objects.ts";
import { acceptCopies, type Outcome, removeStoryById } from "../store/stories.ts";

export interface IngestDeps {
  objects: Objects;
  config: Config;
  /** The current time, RFC 3339 UTC (the core has no clock). */
  now: () => string;
  /** A fresh story id, `urn:uuid:…`. */
  newId: () => string;
}

/** What happened to one document or batch: what a user wants in a log line. */
export interface IngestReport {
  source: string;
  items: number;
  new: number;
  merged: number;
  /** Copies of removed (tombstoned) stories, dropped. */
  dropped: number;
  /** Items refused, each naming why (a pushed item's bad field). */
  rejected: string[];
}

export interface DocumentInfo {
  /** Name for errors and logs: the config source name, a file name or a URL. */
  source: string;
  /** Where the bytes came from, for relative links. */
  documentUrl: string | null;
  contentType?: string | null;
}

/** The store options that come from the config and the runtime. */
export function acceptOptions(deps: IngestDeps) {
  const { config } = deps;
  return {
    windowSize: config.feed.windowSize,
    recentWindow: config.dedupe.recentWindow,
    maxDistance: config.dedupe.hammingDistance,
    minWords: config.dedupe.minWords,
    newId: deps.newId,
    now: deps.now(),
  };
}

/** Counts outcomes the way a user reads them. */
export function report(source: string, outcomes: Outcome[], rejected: string[]): IngestReport {
  return {
    source,
    items: outcomes.length + rejected.length,
    new: outcomes.filter((o) => o.kind === "new").length,
    merged: outcomes.filter((o) => o.kind === "merged").length,
    dropped: outcomes.filter((o) => o.kind === "removed").length,
    rejected,
  };
}

/** Parse and normalize only (what `cleanfeed normalize` prints). Throws FeedError. */
export function normalizeDocument(
  bytes: Uint8Array | string,
  info: DocumentInfo,
  config: Config,
  now: string,
): { raw: StreamedFeed; copies: NormalizedItem[] } {
  // entries are read one at a time as they are normalized: a big document is
  // never held decoded whole (parse/byteText.ts)
  const raw = readFeed(bytes, {
    source: info.source,
    contentType: info.contentType ?? null,
    maxBytes: config.limits.maxDocumentBytes,
    maxItems: config.limits.maxItemsPerDocument,
  });
  return { raw, copies: normalizeRaw(raw, info, config, now) };
}

function normalizeRaw(raw: StreamedFeed, info: DocumentInfo, config: Config, now: string) {
  return normalizeFeed(raw, {
    now,
    documentUrl: info.documentUrl,
    iframeHosts: config.content.iframeHosts,
  });
}

/** The scope a source's guids live in: its URL when it has one, else its name. */
export function scopeOf(info: DocumentInfo, raw?: StreamedFeed): string {
  return sourceKey(info.documentUrl ?? raw?.feedUrl ?? raw?.siteUrl ?? info.source);
}

/** Stores the items of one feed document. A broken document throws a FeedError naming it. */
export async function ingestDocument(
  deps: IngestDeps,
  bytes: Uint8Array | string,
  info: DocumentInfo,
): Promise<IngestReport> {
  const { raw, copies } = normalizeDocument(bytes, info, deps.config, deps.now());
  const outcomes = await acceptCopies(
    deps.objects,
    copies,
    scopeOf(info, raw),
    acceptOptions(deps),
  );
  return report(info.source, outcomes, []);
}

/**
 * Stores pushed items (a JSON value: an item, an array, or `{ items: [...] }`).
 * A bad item is refused with a message naming its field; the rest go in.
 */
export async function ingestPushed(
  deps: IngestDeps,
  value: unknown,
  source: string,
): Promise<IngestReport> {
  const { feeds, errors } = parsePushedItems(value, source);
  const info = { source, documentUrl: null };
  const now = deps.now();
  // one feed per outlet the items name, so each item keeps its own source
  const copies = feeds.flatMap((feed) => normalizeRaw(feed, info, deps.config, now));
  const outcomes = await acceptCopies(
    deps.objects,
    copies,
    sourceKey(`push:${source}`),
    acceptOptions(deps),
  );
  return report(
    source,
    outcomes,
    errors.map((e) => e.message),
  );
}

/** Tombstones a story: it leaves the feed and no source can bring it back. */
export async function removeEntry(deps: IngestDeps, id: string) {
  return removeStoryById(deps.objects, id, acceptOptions(deps));
}

/** True for errors that are the input's fault (report and move on, never retry). */
export function isInputError(e: unknown): e is FeedError {
  return e instanceof FeedError;
}
