/**
 * The ingest function's behaviour for every event it accepts. `handler.ts`
 * gives it Lambda's runtime; the `cleanfeed` command gives it a local one.
 * Every event is one `Invocation`: its inputs go through the one ingest path
 * and the head is committed once, at the end.
 */
import { type CreatedObject, classifyIngestEvent, type SqsMessage } from "../core/events.ts";
import type { Log } from "../runtime/log.ts";
import { PREFIX } from "../store/layout.ts";
import {
  type IngestDeps,
  type IngestReport,
  Invocation,
  isInputError,
  StoreFailure,
} from "./ingest.ts";

export interface IngestRuntime extends IngestDeps {
  log: Log;
  /**
   * Polls the configured sources (all, or those named); one broken source
   * never fails the others.
   */
  poll: (names?: string[]) => Promise<PollSummary[]>;
  /**
   * Sends messages to the queue ingest consumes (in the cloud: SQS). With it,
   * a scheduled poll of more than `limits.sourcesPerShard` sources is split
   * into shards, each polled by an invocation of its own; without it (the
   * local command) one invocation polls them all.
   */
  enqueue?: (bodies: string[]) => Promise<void>;
  /** Hears each dropped object refused as bad input (the Lambda counts them for an alarm). */
  onRefused?: (key: string, error: unknown) => void;
}

/** The shards of a scheduled poll: source names, `sourcesPerShard` at a time. */
export function pollShards(names: readonly string[], size: number): string[][] {
  const shards: string[][] = [];
  for (let i = 0; i < names.length; i += size) shards.push(names.slice(i, i + size));
  return shards;
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

const withoutCopies = ({ copies: _, ...report }: IngestReport & { copies: unknown }) => report;

/**
 * What became of one dropped object: `stored` (delete it once the invocation
 * commits), `partial` (some items failed: keep it, and retry), `refused` (bad
 * input: keep it for the user, never retry), `gone` (a replayed event: it was
 * stored and deleted already), `ignored` (not under incoming/).
 */
type Dropped = "stored" | "partial" | "refused" | "gone" | "ignored";

/** Reads one dropped object and stores what it holds. */
async function ingestObject(
  rt: IngestRuntime,
  invocation: Invocation,
  object: CreatedObject,
): Promise<{ report: IngestReport | null; status: Dropped }> {
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
    const report = withoutCopies(
      await invocation.ingest({ source: name, body: got.body, contentType: got.contentType }),
    );
    rt.log.info("ingested dropped object", { key: object.key, ...report });
    return { report, status: report.failed.length === 0 ? "stored" : "partial" };
  } catch (e) {
    if (!isInputError(e)) throw e;
    // The file is wrong, not the service: keep it for the user and do not retry.
    rt.log.error("refused a dropped object", { key: object.key, error: String(e) });
    rt.onRefused?.(object.key, e);
    return { report: null, status: "refused" };
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
    report = withoutCopies(await invocation.ingest({ source: "push", body, contentType }));
  } catch (e) {
    if (isInputError(e)) return json(400, { error: e.message });
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

/** Handles any ingest event. SQS batches answer with their failed message ids. */
export function createIngestHandler(rt: IngestRuntime) {
  return async (event: unknown): Promise<unknown> => {
    const what = classifyIngestEvent(event);
    switch (what.kind) {
      case "poll": {
        if (what.names !== null) return { sources: await rt.poll(what.names) };
        const names = rt.config.sources.map((s) => s.name);
        const size = rt.config.limits.sourcesPerShard;
        if (rt.enqueue === undefined || names.length <= size) return { sources: await rt.poll() };
        const shards = pollShards(names, size);
        await rt.enqueue(shards.map((poll) => JSON.stringify({ poll })));
        return { shards: shards.length };
      }
      case "objects": {
        // an object whose key cannot be read fails the invocation, after the others are stored
        const invocation = new Invocation(rt);
        const readable = what.objects.filter((o) => o.error === null);
        const results = [];
        for (const object of readable) results.push(await ingestObject(rt, invocation, object));
        await invocation.commit();
        for (const [i, r] of results.entries()) {
          if (r.status === "stored") await rt.objects.delete(readable[i]!.key);
        }
        const errors = what.objects.flatMap((o) => o.error ?? []);
        if (errors.length > 0) throw new Error(errors.join("; "));
        return { reports: results.map((r) => r.report) };
      }
      case "sqs":
        return handleSqs(rt, what.messages);
      case "http":
        return handleHttp(rt, what.method, what.body, what.contentType);
      case "feed":
      case "items": {
        const invocation = new Invocation(rt);
        const body = what.kind === "feed" ? what.feed : { json: what.items };
        const report = withoutCopies(await invocation.ingest({ source: what.source, body }));
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
