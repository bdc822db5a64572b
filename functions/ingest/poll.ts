/**
 * Polling the configured sources: conditional GET, parse, normalize, store,
 * each source isolated from the others. An unchanged source costs one S3 read
 * (its state) and no writes: a 304, or a 200 whose items all match the
 * digests remembered from the last fetch, stops before the store.
 */
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { mapBounded } from "../core/bounded.ts";
import { POLL_BUDGET_MS, type SourceConfig, sourceShards } from "../core/config.ts";
import { FeedError } from "../core/errors.ts";
import type { NormalizedItem } from "../core/item.ts";
import type { Log } from "../runtime/log.ts";
import { type FetchResult, fetchFeed } from "../sources/fetch.ts";
import { isDue, recordAccepted, recordFetch, stateForSource } from "../sources/state.ts";
import type { Objects } from "../store/objects.ts";
import { readShard, type SourceRecord, writeShard } from "../store/sources.ts";
import type { PollSummary } from "./dispatch.ts";
import {
  type IngestDeps,
  type IngestReport,
  Invocation,
  normalizeInput,
  report as reportOf,
  StoreFailure,
} from "./ingest.ts";

export interface PollOptions {
  /** Only the local runner allows loopback (sample feeds served on this machine). */
  allowLoopback: boolean;
  log: Log;
  /** Folder `path` sources are relative to (the config file's); null in the cloud. */
  baseDir?: string | null;
  /** How long the poll may start fetches (POLL_BUDGET_MS unless a test says otherwise). */
  budgetMs?: number;
}

/** A source the poll had no time left to start: its record stays as it was. */
const DEFERRED = "deferred";

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
  const failed = (message: string, status: number | null = null): FetchResult => ({
    kind: "error",
    url,
    status,
    message,
    retryAfterSeconds: null,
  });
  if (!baseDir) return failed("file sources work only in the local runner");
  const file = resolve(baseDir, source.path!);
  try {
    const info = await stat(file);
    const validators = { etag: `"${info.size}-${Math.floor(info.mtimeMs)}"`, lastModified: null };
    if (validators.etag === etag) return { kind: "not-modified", url, validators, ...none };
    if (info.size > maxBytes) return failed(`body exceeds ${maxBytes} bytes`);
    const body = new Uint8Array(await readFile(file));
    return { kind: "ok", url, status: 200, body, contentType: null, validators, ...none };
  } catch (e) {
    return failed(`cannot read ${file}: ${(e as Error).message}`, 404);
  }
}

/** One source's poll, up to the store. */
interface Polled {
  summary: PollSummary;
  /** What its record becomes once the invocation commits; none when it was not polled. */
  record?: { before: SourceRecord; next: SourceRecord; isNew: boolean };
}

/** The item's identity within its source, for the unchanged-item check. */
const itemKey = (copy: NormalizedItem) => copy.item.source.id ?? copy.item.url ?? copy.item.title;

async function pollOne(
  invocation: Invocation,
  source: SourceConfig,
  stored: SourceRecord | undefined,
  options: PollOptions,
): Promise<Polled> {
  const { config } = invocation.deps;
  const now = invocation.deps.now();
  // a source whose URL changed in the config starts afresh (stateForSource)
  const before: SourceRecord = {
    state: stateForSource(stored?.state ?? null, source.name, sourceLabel(source)),
    known: stored?.known ?? {},
  };
  if (!isDue(before.state, now)) {
    return { summary: { source: source.name, status: "not due", report: null, error: null } };
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
      const { groups, cut } = normalizeInput(
        {
          source: source.name,
          body: result.body,
          contentType: result.contentType,
          documentUrl: source.url ?? null,
        },
        config,
        now,
      );
      const [{ source: ref, copies }] = groups as [(typeof groups)[number]];
      known = {};
      const changed = copies.filter((copy) => {
        const d = digest(copy);
        known[itemKey(copy)] = d;
        return before.known[itemKey(copy)] !== d;
      });
      const outcomes = await invocation.accept(changed, ref);
      outcomes.forEach((o, i) => {
        // an item the store could not take is tried again on the next poll
        if (o.kind !== "failed") return;
        const k = itemKey(changed[i]!);
        if (before.known[k] === undefined) delete known[k];
        else known[k] = before.known[k]!;
      });
      report = reportOf(source.name, outcomes, [], cut, copies.length);
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
  return {
    summary: { source: source.name, status: state.lastStatus ?? result.kind, report, error },
    record: { before, next: { state, known }, isNew: stored === undefined },
  };
}

function worthWriting({ before, next, isNew }: NonNullable<Polled["record"]>): boolean {
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
  // Timestamps alone are not news: an unchanged source costs one read and no
  // write (its last success shows when it last brought something).
  return quiet(before) !== quiet(next);
}

/**
 * Polls every configured source, at most `limits.pollConcurrency` at once, in
 * one invocation: the head is committed once, after all of them, and only
 * then is each source's record written (an item stored but not committed is
 * thus fetched and found again by the next poll). One broken source never
 * fails the others; the store failing does fail the run, after the others
 * are committed.
 */
export async function pollSources(
  deps: IngestDeps,
  options: PollOptions,
  names?: readonly string[],
): Promise<PollSummary[]> {
  const wanted = names === undefined ? null : new Set(names);
  const sources = deps.config.sources.filter((s) => wanted === null || wanted.has(s.name));
  const invocation = new Invocation(deps);
  let shard: Awaited<ReturnType<typeof readShard>>;
  try {
    shard = await readShard(
      deps.objects,
      sources.map((s) => s.name),
    );
  } catch (e) {
    // Without its state no source can be polled safely (nor committed, most
    // likely): each of them failed, and the handler decides if that is an outage.
    options.log.error(`state of ${sources.length} sources not readable`, { error: String(e) });
    const error = `source state not readable: ${String(e)}`;
    return sources.map((s) => ({ source: s.name, status: "failed", report: null, error }));
  }
  let done = 0;
  const polled = (s: SourceConfig, outcome: string) =>
    deps.progress?.(`[${++done}/${sources.length}] ${s.name}: ${outcome}`);
  // No source starts a fetch that could outlast the budget. The least recently
  // attempted go first, so what one poll deferred is the next one's first work.
  const lastStart =
    Date.parse(deps.now()) +
    (options.budgetMs ?? POLL_BUDGET_MS) -
    deps.config.limits.fetchTimeoutMs;
  const attempted = (s: SourceConfig) => shard.records.get(s.name)?.state.lastAttempt ?? "";
  const order = [...sources.keys()].sort((a, b) =>
    attempted(sources[a]!).localeCompare(attempted(sources[b]!)),
  );
  const inOrder = await mapBounded(order, deps.config.limits.pollConcurrency, async (i) => {
    const s = sources[i]!;
    if (Date.parse(deps.now()) > lastStart) {
      polled(s, "deferred to the next poll (out of time)");
      return { summary: { source: s.name, status: DEFERRED, report: null, error: null } };
    }
    try {
      const r = await pollOne(invocation, s, shard.records.get(s.name), options);
      const { status, report, error } = r.summary;
      polled(s, error ? `${status}: ${error}` : `${status}${report ? `, ${report.new} new` : ""}`);
      return r;
    } catch (e) {
      polled(s, `failed: ${String(e)}`);
      throw e;
    }
  });
  // back in config order
  const settled = new Array<(typeof inOrder)[number]>(sources.length);
  for (const [k, i] of order.entries()) settled[i] = inOrder[k]!;
  const deferred = settled.filter(
    (r) => r.status === "fulfilled" && r.value.summary.status === DEFERRED,
  );
  if (deferred.length > 0) {
    options.log.warn(`poll ran out of time: ${deferred.length} sources deferred to the next poll`);
  }
  const summaries = settled.map((r, i) => {
    if (r.status === "fulfilled") return r.value.summary;
    const name = sources[i]!.name;
    options.log.error(`source ${name} failed`, { error: String(r.reason) });
    return { source: name, status: "failed", report: null, error: String(r.reason) };
  });
  let failure: unknown = null;
  try {
    await invocation.commit();
  } catch (e) {
    if (!(e instanceof StoreFailure)) throw e; // nothing committed: no record moves on
    failure = e; // committed, but some items failed: their sources keep their old digests
  }
  // One write for the shard, and only when some source has news.
  let news = false;
  for (const r of settled) {
    const record = r.status === "fulfilled" ? r.value.record : undefined;
    if (record === undefined || !worthWriting(record)) continue;
    shard.records.set(record.next.state.name, record.next);
    news = true;
  }
  if (news && !(await writeShard(deps.objects, shard))) {
    // Two polls of one shard at once: the other one's records are as good as ours.
    options.log.warn(`sources state of ${sources.length} sources not saved: written concurrently`);
  }
  if (failure !== null) throw failure;
  return summaries;
}

/**
 * The stored state of every configured source, for `cleanfeed sources`: from
 * the shard of all sources (a local poll) or the shards a scheduled poll in
 * the cloud splits them into.
 */
export async function readSourceStates(objects: Objects, config: IngestDeps["config"]) {
  const names = config.sources.map((s) => s.name);
  const shards = [names, ...sourceShards(config)];
  const found = new Map<string, SourceRecord>();
  for (const shard of shards) {
    const { records } = await readShard(objects, shard);
    for (const [name, record] of records) {
      const seen = found.get(name);
      // the most recently polled record is the current one
      if (!seen || (record.state.lastAttempt ?? "") > (seen.state.lastAttempt ?? "")) {
        found.set(name, record);
      }
    }
  }
  return config.sources.map((s) =>
    stateForSource(found.get(s.name)?.state ?? null, s.name, sourceLabel(s)),
  );
}
