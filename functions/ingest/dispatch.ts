/**
 * The ingest function's behaviour for every event it accepts. `handler.ts`
 * gives it Lambda's runtime; the `cleanfeed` command gives it a local one.
 * Every event is one `Invocation`: its inputs go through the one ingest path
 * and the head is committed once, at the end.
 */
import { sourceShards } from "../core/config.ts";
import { FeedError } from "../core/errors.ts";
import { type CreatedObject, classifyIngestEvent, type SqsMessage } from "../core/events.ts";
import type { Log } from "../runtime/log.ts";
import { PREFIX } from "../store/layout.ts";
import { type IngestDeps, type IngestReport, Invocation, StoreFailure } from "./ingest.ts";

export interface IngestRuntime extends IngestDeps {
  log: Log;
  /**
   * Polls the configured sources (all, or those named); one broken source
   * never fails the others.
   */
  poll: (names?: string[]) => Promise<PollSummary[]>;
}

export interface PollSummary {
  source: string;
  status: string;
  report: IngestReport | null;
  error: string | null;
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const json = (statusCode: number, value: unknown): HttpResponse => ({
  statusCode,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(value),
});

/**
 * What became of one dropped object: `stored` (delete it once the invocation
 * commits), `partial` (some items failed: keep it, and retry), `refused` (bad
 * input: keep it for the user, never retry), `gone` (a replayed event: it was
 * stored and deleted already), `ignored` (not under incoming/).
 */
type Dropped = "stored" | "partial" | "refused" | "gone" | "ignored";

interface DropOutcome {
  report: IngestReport | null;
  status: Dropped;
  /** Why a refused drop was refused. */
  reason?: string;
}

/** Reads one dropped object and stores what it holds. */
async function ingestObject(
  rt: IngestRuntime,
  invocation: Invocation,
  object: CreatedObject,
): Promise<DropOutcome> {
  if (object.error !== null) throw new Error(object.error);
  if (!object.key.startsWith(PREFIX.incoming)) {
    rt.log.warn("ignored an object outside incoming/", { key: object.key });
    return { report: null, status: "ignored" };
  }
  // as bytes: a feed document says its own encoding (XML declaration, BOM)
  const got = await rt.objects.getFile(object.key);
  if (got === null) return { report: null, status: "gone" };
  const name = object.key.slice(PREFIX.incoming.length);
  try {
    const report = await invocation.ingest({
      source: name,
      body: got.body,
      contentType: got.contentType,
    });
    rt.log.info("ingested dropped object", { key: object.key, ...report });
    return { report, status: report.failed.length === 0 ? "stored" : "partial" };
  } catch (e) {
    if (!(e instanceof FeedError)) throw e;
    // The file is wrong, not the service: keep it for the user and do not retry.
    rt.log.error("refused a dropped object", { key: object.key, error: String(e) });
    return { report: null, status: "refused", reason: String(e) };
  }
}

async function handleHttp(
  rt: IngestRuntime,
  method: string,
  body: Uint8Array | string,
  contentType: string | null,
): Promise<HttpResponse> {
  if (method !== "POST") return json(405, { error: "POST items as JSON, or a feed document" });
  const invocation = new Invocation(rt);
  let report: IngestReport;
  try {
    report = await invocation.ingest({ source: "push", body, contentType });
  } catch (e) {
    if (e instanceof FeedError) return json(400, { error: e.message });
    throw e;
  }
  await invocation.commit();
  rt.log.info("push accepted", { ...report });
  return json(
    report.rejected.length > 0 && report.items === report.rejected.length ? 400 : 200,
    report,
  );
}

/** An SQS batch: one invocation, each message failed alone when its objects did not go in. */
async function handleSqs(
  rt: IngestRuntime,
  messages: SqsMessage[],
): Promise<{ batchItemFailures: { itemIdentifier: string }[] }> {
  const failed = new Set<string>();
  // Poll shards: one poll (one head commit) for all of them; if the store
  // fails it, every shard goes back to the queue.
  const shards = messages.filter((m) => m.poll !== null);
  if (shards.length > 0) {
    try {
      await rt.poll(shards.flatMap((m) => m.poll ?? []));
    } catch (e) {
      rt.log.error("poll shard failed; SQS will retry", { error: String(e) });
      for (const m of shards) failed.add(m.id);
    }
  }
  const invocation = new Invocation(rt);
  const removable: string[] = [];
  for (const message of messages) {
    if (message.poll !== null) continue;
    try {
      for (const object of message.objects) {
        const { status } = await ingestObject(rt, invocation, object);
        if (status === "stored") removable.push(object.key);
        // only a partial store is retried: bad input stays bad, a replay is done
        if (status === "partial") failed.add(message.id);
      }
    } catch (e) {
      rt.log.error("ingest of a dropped object failed; SQS will retry", {
        messageId: message.id,
        error: String(e),
      });
      failed.add(message.id);
    }
  }
  try {
    await invocation.commit();
  } catch (e) {
    if (!(e instanceof StoreFailure)) {
      // nothing was committed: every message goes back to the queue
      rt.log.error("ingest commit failed; SQS will retry the batch", { error: String(e) });
      return {
        batchItemFailures: messages
          .filter((m) => m.poll === null || failed.has(m.id))
          .map((m) => ({ itemIdentifier: m.id })),
      };
    }
  }
  // Deleted only once committed: a crash before leaves them for the retry.
  await Promise.all(removable.map((key) => rt.objects.delete(key)));
  return { batchItemFailures: [...failed].map((id) => ({ itemIdentifier: id })) };
}

/**
 * Drops that did not go in: the invocation fails naming them, so that it is
 * retried (an S3 notification is an asynchronous invocation: Lambda retries
 * it twice, then sends it to the dead-letter queue, which pages). Each drop
 * named stays in incoming/ for the retry, or for whoever reads the message.
 */
class DropsFailedError extends Error {
  override name = "DropsFailedError";
  constructor(readonly failures: string[]) {
    super(`dropped objects not stored: ${failures.join("; ")}`);
  }
}

/**
 * An S3 notification delivered to the function: every object is tried, the
 * stored ones committed and deleted, then the invocation fails if any did not
 * go in. A refused (malformed) document fails it too: retrying it is cheap
 * and changes nothing, and the dead-letter queue is where a person learns
 * which file to fix (the alternative, a metric and an alarm of its own,
 * costs $0.40 a month for what the dead-letter alarm already tells).
 */
async function handleObjects(rt: IngestRuntime, objects: CreatedObject[]) {
  const invocation = new Invocation(rt);
  const failures = objects.flatMap((o) => o.error ?? []);
  const results: (DropOutcome & { key: string })[] = [];
  for (const object of objects) {
    if (object.error !== null) continue;
    try {
      results.push({ key: object.key, ...(await ingestObject(rt, invocation, object)) });
    } catch (e) {
      rt.log.error("ingest of a dropped object failed", { key: object.key, error: String(e) });
      failures.push(`${object.key}: ${String(e)}`);
    }
  }
  // If the commit fails, nothing is deleted: the whole event is retried.
  await invocation.commit();
  for (const r of results) {
    if (r.status === "stored") await rt.objects.delete(r.key);
    if (r.status === "partial") {
      failures.push(`${r.key}: ${r.report?.failed.length ?? "some"} items could not be stored`);
    }
    if (r.status === "refused") failures.push(`${r.key}: refused: ${r.reason}`);
  }
  if (failures.length > 0) throw new DropsFailedError(failures);
  return { reports: results.map((r) => r.report) };
}

/** Handles any ingest event. SQS batches answer with their failed message ids. */
export function createIngestHandler(rt: IngestRuntime) {
  return async (event: unknown): Promise<unknown> => {
    const what = classifyIngestEvent(event);
    switch (what.kind) {
      case "poll": {
        if (what.names !== null) return { sources: await rt.poll(what.names) };
        // Without a shard (the local command, or a config of one shard): every source.
        if (what.shard === undefined) return { sources: await rt.poll() };
        const shards = sourceShards(rt.config);
        const names = shards[what.shard];
        if (names === undefined) {
          throw new Error(`ingest: no poll shard ${what.shard}; the config has ${shards.length}`);
        }
        return { sources: await rt.poll(names) };
      }
      case "objects":
        return handleObjects(rt, what.objects);
      case "sqs":
        return handleSqs(rt, what.messages);
      case "http":
        return handleHttp(rt, what.method, what.body, what.contentType);
      case "feed":
      case "items": {
        const invocation = new Invocation(rt);
        const body = what.kind === "feed" ? what.feed : { json: what.items };
        const report = await invocation.ingest({ source: what.source, body });
        await invocation.commit();
        return report;
      }
      case "remove": {
        const invocation = new Invocation(rt);
        const story = await invocation.remove(what.id);
        if (story === null) throw new Error(`no entry with id ${what.id}`);
        await invocation.commit();
        return { removed: story.id };
      }
      case "unknown":
        throw new Error(`ingest: unrecognised event: ${what.reason}`);
    }
  };
}
