/**
 * The ingest function's behaviour for every event it accepts. `handler.ts`
 * gives it Lambda's runtime; the `cleanfeed` command gives it a local one.
 */
import { type CreatedObject, classifyIngestEvent } from "../core/events.ts";
import { isObject } from "../core/json.ts";
import { decodeFeedBytes } from "../core/parse/charset.ts";
import { jsonFeedFormat } from "../core/parse/format.ts";
import type { Log } from "../runtime/log.ts";
import { PREFIX } from "../store/layout.ts";
import {
  type IngestDeps,
  type IngestReport,
  ingestDocument,
  ingestPushed,
  isInputError,
  removeEntry,
} from "./ingest.ts";

export interface IngestRuntime extends IngestDeps {
  log: Log;
  /** Polls the configured sources; one broken source never fails the others. */
  poll: () => Promise<PollSummary[]>;
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
 * What a pushed or dropped body holds: pushed items (the parsed JSON), or null
 * for a feed document: XML, or a JSON Feed, which names its jsonfeed.org
 * version (an item that merely says "version" somewhere is still an item).
 * @throws SyntaxError for a body that is neither XML nor JSON.
 */
function pushedItems(text: string): { items: unknown } | null {
  if (text.trimStart().startsWith("<")) return null;
  const value: unknown = JSON.parse(text);
  const isFeed =
    isObject(value) && typeof value.version === "string" && jsonFeedFormat(value.version) !== null;
  return isFeed ? null : { items: value };
}

/** Reads one dropped object and stores what it holds; deletes it once stored. */
async function ingestObject(
  rt: IngestRuntime,
  object: CreatedObject,
): Promise<IngestReport | null> {
  // a key S3 could not have sent: fail this object (retried, then dead-lettered), not its batch
  if (object.error !== null) throw new Error(object.error);
  if (!object.key.startsWith(PREFIX.incoming)) {
    rt.log.warn("ignored an object outside incoming/", { key: object.key });
    return null;
  }
  // as bytes: a feed document says its own encoding (XML declaration, BOM), and
  // the parser reads UTF-8 without decoding it whole (parse/byteText.ts)
  const got = await rt.objects.getFile(object.key);
  if (got === null) return null; // already processed and deleted: a replayed event
  const name = object.key.slice(PREFIX.incoming.length);
  try {
    // only a body that is not markup is decoded here, to be read as JSON
    const markup = got.body.toString("utf8", 0, Math.min(got.body.length, 4096)).trimStart();
    const pushed = markup.startsWith("<") ? null : pushedItems(new TextDecoder().decode(got.body));
    const report = pushed
      ? await ingestPushed(rt, pushed.items, name)
      : await ingestDocument(rt, got.body, { source: name, documentUrl: null });
    rt.log.info("ingested dropped object", { key: object.key, ...report });
    await rt.objects.delete(object.key);
    return report;
  } catch (e) {
    if (!isInputError(e) && !(e instanceof SyntaxError)) throw e;
    // The file is wrong, not the service: keep it for the user and do not retry.
    rt.log.error("refused a dropped object", { key: object.key, error: String(e) });
    return null;
  }
}

async function handleHttp(
  rt: IngestRuntime,
  method: string,
  bytes: Uint8Array,
  contentType: string | null,
): Promise<HttpResponse> {
  if (method !== "POST") return json(405, { error: "POST items as JSON, or a feed document" });
  try {
    // Stand-in, to be replaced by the single ingest entry point (issue 13) that
    // decides feed vs items from bytes and media type: BOM, charset, else UTF-8.
    const body = decodeFeedBytes(bytes, contentType).text;
    const pushed = pushedItems(body);
    const report = pushed
      ? await ingestPushed(rt, pushed.items, "push")
      : await ingestDocument(rt, body, { source: "push", documentUrl: null });
    rt.log.info("push accepted", { ...report });
    return json(
      report.rejected.length > 0 && report.items === report.rejected.length ? 400 : 200,
      report,
    );
  } catch (e) {
    if (e instanceof SyntaxError) return json(400, { error: `body is not JSON: ${e.message}` });
    if (isInputError(e)) return json(400, { error: e.message });
    throw e;
  }
}

/** Handles any ingest event. SQS batches answer with their failed message ids. */
export function createIngestHandler(rt: IngestRuntime) {
  return async (event: unknown): Promise<unknown> => {
    const what = classifyIngestEvent(event);
    switch (what.kind) {
      case "poll":
        return { sources: await rt.poll() };
      case "objects": {
        const reports = [];
        for (const object of what.objects) {
          if (object.error === null) reports.push(await ingestObject(rt, object));
        }
        // an undecodable key fails the invocation (retried, alarmed on) once the others are stored
        const errors = what.objects.flatMap((o) => o.error ?? []);
        if (errors.length > 0) throw new Error(errors.join("; "));
        return { reports };
      }
      case "sqs": {
        const batchItemFailures: { itemIdentifier: string }[] = [];
        for (const message of what.messages) {
          try {
            for (const object of message.objects) await ingestObject(rt, object);
          } catch (e) {
            rt.log.error("ingest of a dropped object failed; SQS will retry", {
              messageId: message.id,
              error: String(e),
            });
            batchItemFailures.push({ itemIdentifier: message.id });
          }
        }
        return { batchItemFailures };
      }
      case "http":
        return handleHttp(rt, what.method, what.body, what.contentType);
      case "feed":
        return ingestDocument(rt, what.feed, { source: what.source, documentUrl: null });
      case "items":
        return ingestPushed(rt, what.items, what.source);
      case "remove": {
        const story = await removeEntry(rt, what.id);
        if (story === null) throw new Error(`no entry with id ${what.id}`);
        return { removed: story.id };
      }
      case "unknown":
        throw new Error(`ingest: unrecognised event: ${what.reason}`);
    }
  };
}
