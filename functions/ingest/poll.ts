/**
 * Polling the configured sources: conditional GET, parse, normalize, store,
 * each source isolated from the others. An unchanged source costs one S3 read
 * (its state) and no writes: a 304, or a 200 whose items all match the
 * digests remembered from the last fetch, stops before the store.
 */
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { SourceConfig } from "../core/config.ts";
import { sourceKey, storyKeys } from "../core/dedupe/keys.ts";
import { FeedError } from "../core/errors.ts";
import type { NormalizedItem } from "../core/item.ts";
import type { Log } from "../runtime/log.ts";
import { type FetchResult, fetchFeed } from "../sources/fetch.ts";
import { mapBounded } from "../sources/poll.ts";
import {
  isDue,
  recordAccepted,
  recordFetch,
  type SourceState,
  stateForSource,
} from "../sources/state.ts";
import { PREFIX } from "../store/layout.ts";
import type { Objects } from "../store/objects.ts";
import { acceptCopies } from "../store/stories.ts";
import type { PollSummary } from "./dispatch.ts";
import {
  acceptOptions,
  type IngestDeps,
  type IngestReport,
  normalizeDocument,
  report as reportOf,
} from "./ingest.ts";

/** What is kept per source in `sources/<hash>.json`. */
export interface SourceRecord {
  state: SourceState;
  /** Story key → digest of the item as last fetched: unchanged items skip the store. */
  known: Record<string, string>;
}

export interface PollOptions {
  /** Only the local runner allows loopback (sample feeds served on this machine). */
  allowLoopback: boolean;
  log: Log;
  /** Folder `path` sources are relative to (the config file's); null in the cloud. */
  baseDir?: string | null;
}

/** A state write only for news: timestamps alone are refreshed at most hourly. */
const HEARTBEAT_MS = 60 * 60 * 1000;

const recordKey = (source: SourceConfig) => `${PREFIX.sources}${sourceKey(source.name)}.json`;
const sourceLabel = (source: SourceConfig) => source.url ?? source.path ?? source.name;

function digest(copy: NormalizedItem): string {
  return createHash("sha1").update(JSON.stringify(copy.item)).digest("hex");
}

/** Reads a `path` source like a conditional GET, with size and mtime as the validator. */
async function readPathSource(
  source: SourceConfig,
  baseDir: string | null | undefined,
  etag: string | null,
  maxBytes: number,
): Promise<FetchResult> {
  const url = `file:${source.path}`;
  const none = { maxAgeSeconds: null, retryAfterSeconds: null };
  if (!baseDir) {
    return {
      kind: "error",
      url,
      status: null,
      message: "file sources work only in the local runner",
      ...none,
    };
  }
  const file = resolve(baseDir, source.path!);
  try {
    const info = await stat(file);
    const tag = `"${info.size}-${Math.floor(info.mtimeMs)}"`;
    if (tag === etag) {
      return { kind: "not-modified", url, validators: { etag: tag, lastModified: null }, ...none };
    }
    if (info.size > maxBytes) {
      return {
        kind: "error",
        url,
        status: null,
        message: `body exceeds ${maxBytes} bytes`,
        ...none,
      };
    }
    const body = new Uint8Array(await readFile(file));
    return {
      kind: "ok",
      url,
      status: 200,
      body,
      contentType: null,
      validators: { etag: tag, lastModified: null },
      ...none,
    };
  } catch (e) {
    return {
      kind: "error",
      url,
      status: 404,
      message: `cannot read ${file}: ${(e as Error).message}`,
      ...none,
    };
  }
}

async function pollOne(
  deps: IngestDeps,
  source: SourceConfig,
  options: PollOptions,
): Promise<PollSummary> {
  const { objects, config } = deps;
  const now = deps.now();
  const key = recordKey(source);
  const stored = await objects.getJson<SourceRecord>(key);
  // a source whose URL changed in the config starts afresh (stateForSource)
  const before: SourceRecord = {
    state: stateForSource(stored?.value.state ?? null, source.name, sourceLabel(source)),
    known: stored?.value.known ?? {},
  };
  if (!isDue(before.state, now)) {
    return { source: source.name, status: "not due", report: null, error: null };
  }
  const result = source.url
    ? await fetchFeed(
        source.url,
        { etag: before.state.etag, lastModified: before.state.lastModified },
        {
          allowLoopback: options.allowLoopback,
          timeoutMs: config.limits.fetchTimeoutMs,
          maxBytes: config.limits.maxDocumentBytes,
        },
      )
    : await readPathSource(
        source,
        options.baseDir,
        before.state.etag,
        config.limits.maxDocumentBytes,
      );

  let state = recordFetch(before.state, result, now);
  let known = before.known;
  let report: IngestReport | null = null;
  let error: string | null = result.kind === "error" ? result.message : null;
  if (result.kind === "ok") {
    try {
      const info = {
        source: source.name,
        documentUrl: source.url ?? null,
        contentType: result.contentType,
      };
      const { copies } = normalizeDocument(result.body, info, config, now);
      const scope = sourceKey(source.url ?? source.name);
      known = {};
      const changed: NormalizedItem[] = [];
      for (const copy of copies) {
        const id = storyKeys(copy, scope)[0]!.name;
        const d = digest(copy);
        known[id] = d;
        if (before.known[id] !== d) changed.push(copy);
      }
      const outcomes = changed.length
        ? await acceptCopies(objects, changed, scope, { ...acceptOptions(deps), now })
        : [];
      report = { ...reportOf(source.name, outcomes, []), items: copies.length };
      state = recordAccepted(state, report.new);
    } catch (e) {
      if (!(e instanceof FeedError)) throw e;
      // The document is broken: nothing of it is stored, the validators are
      // forgotten so the next poll fetches it again in full.
      error = e.message;
      known = before.known;
      state = recordFetch(
        before.state,
        {
          kind: "error",
          url: result.url,
          status: result.status,
          message: e.message,
          retryAfterSeconds: null,
        },
        now,
      );
    }
  }
  const next: SourceRecord = { state, known };
  if (worthWriting(before, next, stored === null)) {
    await objects
      .putJson(key, next, stored ? { ifMatch: stored.etag } : { create: true })
      .catch((e) => {
        // Two polls of one source at once: the other one's record is as good as ours.
        options.log.warn(`source ${source.name}: state not saved (${String(e)})`);
      });
  }
  return { source: source.name, status: state.lastStatus ?? result.kind, report, error };
}

function worthWriting(before: SourceRecord, next: SourceRecord, isNew: boolean): boolean {
  if (isNew) return true;
  // A 304 after a 200 is news to nobody: both mean "fetched fine".
  const ok = (status: string | null) => (status === "304" ? "200" : status);
  const quiet = (r: SourceRecord) =>
    JSON.stringify({
      ...r,
      state: {
        ...r.state,
        lastStatus: ok(r.state.lastStatus),
        lastAttempt: null,
        lastSuccess: null,
        nextFetchAfter: null,
      },
    });
  if (quiet(before) !== quiet(next)) return true;
  const last = Date.parse(before.state.lastSuccess ?? before.state.lastAttempt ?? "");
  const now = Date.parse(next.state.lastAttempt ?? "");
  return Number.isNaN(last) || now - last > HEARTBEAT_MS;
}

/** Polls every configured source, at most `limits.pollConcurrency` at once. */
export async function pollSources(deps: IngestDeps, options: PollOptions): Promise<PollSummary[]> {
  const sources = deps.config.sources;
  const settled = await mapBounded(sources, deps.config.limits.pollConcurrency, (s) =>
    pollOne(deps, s, options),
  );
  return settled.map((r, i) => {
    if (r.status === "fulfilled") return r.value;
    const name = sources[i]!.name;
    options.log.error(`source ${name} failed`, { error: String(r.reason) });
    return { source: name, status: "failed", report: null, error: String(r.reason) };
  });
}

/** The stored state of every configured source, for `cleanfeed sources`. */
export async function readSourceStates(objects: Objects, config: IngestDeps["config"]) {
  return Promise.all(
    config.sources.map(async (s) => {
      const got = await objects.getJson<SourceRecord>(recordKey(s));
      return stateForSource(got?.value.state ?? null, s.name, sourceLabel(s));
    }),
  );
}
