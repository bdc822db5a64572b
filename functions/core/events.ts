/**
 * Recognising the AWS event shapes the functions are invoked with. Pure: it
 * only looks at the JSON Lambda hands over. Each shape names only the fields
 * we read, so a notification AWS grows a field in still matches.
 */
import * as v from "valibot";
import { isObject } from "./json.ts";

/** An object that was created in the bucket (S3 notification record). */
export interface CreatedObject {
  bucket: string;
  /** The decoded key; as it came (URL-encoded) when it could not be decoded. */
  key: string;
  /** Why the key could not be decoded, or null: that object fails, not its batch. */
  error: string | null;
}

/**
 * One SQS message: the objects of an S3 notification, or a shard of a
 * scheduled poll (`{ "poll": ["source name", …] }`, sent by the poll itself).
 */
export interface SqsMessage {
  id: string;
  objects: CreatedObject[];
  /** Source names to poll, or null. */
  poll: string[] | null;
}

/** The body of a poll shard message. */
const PollShard = v.object({ poll: v.array(v.string()) });

export type IngestEvent =
  /**
   * A scheduled poll: every source, the shard of them at `shard` (an index
   * into the config's `sourceShards`), or the sources named.
   */
  | { kind: "poll"; names: string[] | null; shard?: number }
  | { kind: "objects"; objects: CreatedObject[] }
  | { kind: "sqs"; messages: SqsMessage[] }
  | { kind: "http"; method: string; body: Uint8Array | string; contentType: string | null }
  | { kind: "feed"; feed: string; source: string }
  | { kind: "items"; items: unknown; source: string }
  | { kind: "remove"; id: string }
  | { kind: "unknown"; reason: string };

const Notification = v.object({ Records: v.array(v.unknown()) });

const ObjectCreatedRecord = v.object({
  eventSource: v.literal("aws:s3"),
  eventName: v.pipe(v.string(), v.startsWith("ObjectCreated:")),
  s3: v.object({
    bucket: v.object({ name: v.string() }),
    object: v.object({ key: v.string() }),
  }),
});

const SqsBatch = v.object({
  Records: v.array(
    v.object({
      eventSource: v.literal("aws:sqs"),
      messageId: v.string(),
      // a body that is not JSON is not an S3 notification: nothing to do
      body: v.fallback(v.pipe(v.string(), v.parseJson()), null),
    }),
  ),
});

/** A Lambda Function URL (or API Gateway HTTP API) request. */
const HttpRequest = v.object({
  requestContext: v.object({ http: v.object({ method: v.string() }) }),
  headers: v.optional(v.record(v.string(), v.string()), {}),
  body: v.optional(v.string(), ""),
  isBase64Encoded: v.optional(v.boolean(), false),
});

/** An EventBridge Scheduler or rule event, or `{ "action": "poll" }` by hand. */
const Scheduled = v.union([
  v.object({ "detail-type": v.literal("Scheduled Event") }),
  v.object({ source: v.picklist(["aws.scheduler", "aws.events"]) }),
  v.object({ action: v.literal("poll") }),
]);

/** The input of one shard's schedule: `{ "source": "aws.scheduler", "action": "poll", "shard": 3 }`. */
const ScheduledShard = v.object({
  action: v.literal("poll"),
  shard: v.pipe(v.number(), v.integer(), v.minValue(0)),
});

/** A direct invocation: `{ feed }`, `{ items }` or `{ remove }`, optionally naming its `source`. */
const Direct = v.object({
  source: v.optional(v.string(), "invoke"),
  feed: v.optional(v.string()),
  items: v.optional(v.unknown()),
  remove: v.optional(v.string()),
});

/** S3 keys arrive URL-encoded, with `+` for spaces. */
function decodedKey(bucket: string, key: string): CreatedObject {
  try {
    return { bucket, key: decodeURIComponent(key.replace(/\+/g, " ")), error: null };
  } catch (e) {
    return { bucket, key, error: `cannot decode the S3 key "${key}": ${(e as Error).message}` };
  }
}

/**
 * The created objects of an S3 notification (direct, or an SQS message body).
 * An `s3:TestEvent` (sent when a notification is configured) yields none:
 * it is acknowledged, never retried.
 */
export function createdObjects(notification: unknown): CreatedObject[] {
  if (!v.is(Notification, notification)) return [];
  return notification.Records.flatMap((r) =>
    v.is(ObjectCreatedRecord, r) ? [decodedKey(r.s3.bucket.name, r.s3.object.key)] : [],
  );
}

export function classifyIngestEvent(event: unknown): IngestEvent {
  if (!isObject(event)) return { kind: "unknown", reason: "the event is not a JSON object" };
  const sqs = v.safeParse(SqsBatch, event);
  if (sqs.success) {
    return {
      kind: "sqs",
      messages: sqs.output.Records.map((r) => ({
        id: r.messageId,
        objects: createdObjects(r.body),
        poll: v.is(PollShard, r.body) ? r.body.poll : null,
      })),
    };
  }
  if (v.is(Notification, event)) return { kind: "objects", objects: createdObjects(event) };
  const http = v.safeParse(HttpRequest, event);
  if (http.success) {
    const { requestContext, headers, body, isBase64Encoded } = http.output;
    return {
      kind: "http",
      method: requestContext.http.method,
      // a text body is text already (its charset was the client's business);
      // only base64 bytes are read in the charset the Content-Type names
      body: isBase64Encoded ? new Uint8Array(Buffer.from(body, "base64")) : body,
      // header names are case-insensitive
      contentType:
        Object.entries(headers).find(([name]) => name.toLowerCase() === "content-type")?.[1] ??
        null,
    };
  }
  const scheduled = v.is(Scheduled, event);
  const direct = v.safeParse(Direct, event);
  if (direct.success) {
    const { feed, items, remove } = direct.output;
    const source = scheduled ? "invoke" : direct.output.source;
    if (feed !== undefined) return { kind: "feed", feed, source };
    if (items !== undefined) return { kind: "items", items, source };
    if (remove !== undefined) return { kind: "remove", id: remove };
  }
  if (scheduled) {
    const shard = v.safeParse(ScheduledShard, event);
    return { kind: "poll", names: null, ...(shard.success && { shard: shard.output.shard }) };
  }
  if (v.is(PollShard, event)) return { kind: "poll", names: event.poll };
  return {
    kind: "unknown",
    reason: 'expected a schedule, an S3 or SQS notification, or { "feed" | "items" | "remove" }',
  };
}
