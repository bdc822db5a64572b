/**
 * The one ingest path, whatever brought the input (a poll, a dropped file,
 * an HTTP push, a direct invocation, the `cleanfeed` command): a body and its
 * media type in, one decision of feed vs pushed items (core/input.ts), then
 * parse → normalize → store. One `Invocation` stores any number of inputs and
 * commits the head index once, at its end.
 */
import type { Config } from "../core/config.ts";
import type { SourceRef } from "../core/dedupe/facts.ts";
import { sourceKey } from "../core/dedupe/keys.ts";
import { readBody } from "../core/input.ts";
import type { NormalizedItem } from "../core/item.ts";
import { boundItem } from "../core/limits.ts";
import { normalizeFeed } from "../core/normalize/index.ts";
import { readFeed } from "../core/parse/index.ts";
import { parsePushedItems } from "../core/push.ts";
import type { Objects } from "../store/objects.ts";
import { type Outcome, StoreSession } from "../store/session.ts";

export interface IngestDeps {
  objects: Objects;
  config: Config;
  /** The current time, RFC 3339 UTC (the core has no clock). */
  now: () => string;
  /** A fresh unique id (`urn:uuid:…`): names this invocation's writes. */
  newId: () => string;
  /**
   * Progress for a person watching a terminal (the local command); absent in
   * Lambda, where the log lines say what happened. `transient` lines are
   * counts that the next line replaces.
   */
  progress?: (line: string, transient?: boolean) => void;
}

/** A document with more items than this shows a running count while it is stored. */
const COUNT_FROM = 200;

/** What happened to one input: what a user wants in a log line. */
export interface IngestReport {
  source: string;
  items: number;
  new: number;
  merged: number;
  /** Copies of removed (tombstoned) stories, dropped. */
  dropped: number;
  /** Items refused, each naming why (a pushed item's bad field). */
  rejected: string[];
  /** Items that could not be stored (the store kept failing): retried with the input. */
  failed: string[];
  /** Feed items cut to the item limits (core/limits.ts), each naming what was cut. */
  cut: string[];
}

/** One input: a feed document or pushed items, as bytes or text, or an already parsed JSON value. */
export interface Input {
  /** Name for errors and logs: the config source name, a file name, a URL, "push". */
  source: string;
  body: Uint8Array | string | { json: unknown };
  /** HTTP Content-Type, for its charset. */
  contentType?: string | null;
  /** Where the bytes came from, for relative links and the guid scope. */
  documentUrl?: string | null;
}

/** Parsed and normalized, not stored yet. */
export interface Normalized {
  /** One group per outlet: a document is one, pushed items one per `source` they name. */
  groups: { source: SourceRef; copies: NormalizedItem[] }[];
  rejected: string[];
  cut: string[];
}

/**
 * Some items of an invocation could not be stored: the invocation fails, and
 * is retried. `cause` is the first item's error: what an operator (or the
 * local command, for a full data folder) needs to fix before a retry helps.
 */
export class StoreFailure extends Error {
  override name = "StoreFailure";
  constructor(
    readonly failed: string[],
    cause?: unknown,
  ) {
    const why = cause === undefined ? "" : ` (first error: ${String(cause)})`;
    super(
      `${failed.length} item(s) could not be stored and will be retried${why}: ${failed.slice(0, 5).join("; ")}`,
      { cause },
    );
  }
}

/** Parse and normalize only (what `cleanfeed normalize` prints). Throws FeedError for bad input. */
export function normalizeInput(input: Input, config: Config, now: string): Normalized {
  const body =
    typeof input.body === "object" && "json" in input.body
      ? ({ kind: "items", value: input.body.json } as const)
      : readBody(input.body, input.contentType, input.source);
  const ctx = {
    now,
    documentUrl: input.documentUrl ?? null,
    iframeHosts: config.content.iframeHosts,
    iframes: config.content.iframes,
  };
  if (body.kind === "items") {
    const { feeds, errors } = parsePushedItems(body.value, input.source);
    const source = { scope: sourceKey(`push:${input.source}`), name: input.source };
    return {
      groups: feeds.map((feed) => ({ source, copies: normalizeFeed(feed, ctx) })),
      rejected: errors.map((e) => e.message),
      cut: [],
    };
  }
  // entries are read one at a time as they are normalized: a big document is
  // never held decoded whole
  const raw = readFeed(body.bytes, {
    source: input.source,
    contentType: input.contentType ?? null,
    maxBytes: config.limits.maxDocumentBytes,
    maxItems: config.limits.maxItemsPerDocument,
  });
  const cut: string[] = [];
  const copies = normalizeFeed(raw, ctx).map((copy, i) => {
    const bounded = boundItem(copy.item);
    const name = `item ${i + 1}${copy.item.source.id ? ` (${copy.item.source.id.slice(0, 100)})` : ""}`;
    for (const note of bounded.cut) cut.push(`${name}: ${note}`);
    return bounded.cut.length === 0 ? copy : { ...copy, item: bounded.item };
  });
  // the scope its guids live in: the document's URL when it has one, else its name
  const scope = sourceKey(input.documentUrl ?? raw.feedUrl ?? raw.siteUrl ?? input.source);
  return { groups: [{ source: { scope, name: input.source }, copies }], rejected: [], cut };
}

/** Counts outcomes the way a user reads them. */
export function report(
  source: string,
  outcomes: Outcome[],
  rejected: string[],
  cut: string[],
  items: number,
): IngestReport {
  const count = (kind: Outcome["kind"]) => outcomes.filter((o) => o.kind === kind).length;
  return {
    source,
    items,
    new: count("new"),
    merged: count("merged"),
    dropped: count("removed"),
    rejected,
    failed: outcomes.flatMap((o) => (o.kind === "failed" ? [o.item] : [])),
    cut,
  };
}

/**
 * One ingest invocation: stores inputs as they come, commits once. Use
 * `commit` at the end; until then nothing stored is in the feed.
 */
export class Invocation {
  private session: Promise<StoreSession> | null = null;
  private readonly failed: string[] = [];
  private firstError: unknown;
  private readonly started: string;
  private readonly writer: string;

  constructor(readonly deps: IngestDeps) {
    this.started = deps.now();
    // the writer names this invocation's intents and creates: short, unique, safe in a key
    this.writer = deps
      .newId()
      .replace(/^urn:uuid:/, "")
      .replaceAll("-", "")
      .slice(0, 20);
  }

  private store(): Promise<StoreSession> {
    const { config } = this.deps;
    this.session ??= StoreSession.open(this.deps.objects, {
      now: this.started,
      writer: this.writer,
      windowSize: config.feed.windowSize,
      recentWindow: config.dedupe.recentWindow,
      nearDuplicates: config.dedupe.nearDuplicates,
      minWords: config.dedupe.minWords,
    });
    return this.session;
  }

  /** Stores normalized copies of one source. */
  async accept(copies: readonly NormalizedItem[], source: SourceRef): Promise<Outcome[]> {
    if (copies.length === 0) return [];
    const { progress } = this.deps;
    const total = copies.length;
    const counted =
      progress && total > COUNT_FROM
        ? (done: number) => {
            if (done % 25 === 0 || done === total) {
              progress(`${source.name}: stored ${done} of ${total} items`, done < total);
            }
          }
        : undefined;
    const outcomes = await (await this.store()).accept(copies, source, counted);
    for (const o of outcomes) {
      if (o.kind !== "failed") continue;
      this.failed.push(o.item);
      this.firstError ??= o.error;
    }
    return outcomes;
  }

  /**
   * Stores one input. Throws FeedError for input that is not a readable feed
   * or push; anything else is a failure of ours.
   */
  async ingest(input: Input): Promise<IngestReport> {
    const { groups, rejected, cut } = normalizeInput(input, this.deps.config, this.started);
    const outcomes: Outcome[] = [];
    let items = rejected.length;
    for (const group of groups) {
      outcomes.push(...(await this.accept(group.copies, group.source)));
      items += group.copies.length;
    }
    return report(input.source, outcomes, rejected, cut, items);
  }

  /** Tombstones a story: it leaves the feed and no source can bring it back. */
  async remove(id: string) {
    return (await this.store()).remove(id);
  }

  /**
   * Commits what this invocation stored to the head index (once), then throws
   * StoreFailure if any item could not be stored, so the invocation is
   * retried (a replay finds what was stored, and stores what was not).
   */
  async commit(): Promise<void> {
    if (this.session !== null) await (await this.session).commit();
    if (this.failed.length > 0) throw new StoreFailure(this.failed, this.firstError);
  }
}
