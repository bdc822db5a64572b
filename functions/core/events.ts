/**
 * Recognising the AWS event shapes the functions are invoked with. Pure: it
 * only looks at the JSON Lambda hands over.
 */

import { isObject, type JsonObject as Json } from "./json.ts";

/** An object that was created in the bucket (S3 notification record). */
export interface CreatedObject {
  bucket: string;
  key: string;
}

export type IngestEvent =
  | { kind: "poll" }
  | { kind: "objects"; objects: CreatedObject[] }
  | { kind: "sqs"; messages: { id: string; objects: CreatedObject[] }[] }
  | { kind: "http"; method: string; body: string; contentType: string | null }
  | { kind: "feed"; feed: string; source: string }
  | { kind: "items"; items: unknown; source: string }
  | { kind: "remove"; id: string }
  | { kind: "unknown"; reason: string };

/** S3 keys arrive URL-encoded, with `+` for spaces. */
function decodeKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, " "));
}

/**
 * The created objects of an S3 notification (direct, or an SQS message body).
 * An `s3:TestEvent` (sent when a notification is configured) yields none:
 * it is acknowledged, never retried.
 */
export function createdObjects(notification: unknown): CreatedObject[] {
  if (!isObject(notification) || !Array.isArray(notification.Records)) return [];
  return notification.Records.flatMap((r: unknown) => {
    if (!isObject(r) || r.eventSource !== "aws:s3" || !isObject(r.s3)) return [];
    const eventName = typeof r.eventName === "string" ? r.eventName : "";
    if (!eventName.startsWith("ObjectCreated:")) return [];
    const { bucket, object } = r.s3 as { bucket?: Json; object?: Json };
    if (typeof bucket?.name !== "string" || typeof object?.key !== "string") return [];
    return [{ bucket: bucket.name, key: decodeKey(object.key) }];
  });
}

function isScheduled(e: Json): boolean {
  return (
    e["detail-type"] === "Scheduled Event" ||
    e.source === "aws.scheduler" ||
    e.source === "aws.events" ||
    e.action === "poll"
  );
}

export function classifyIngestEvent(event: unknown): IngestEvent {
  if (!isObject(event)) return { kind: "unknown", reason: "the event is not a JSON object" };
  if (Array.isArray(event.Records)) {
    const first = event.Records[0] as Json | undefined;
    if (first?.eventSource === "aws:sqs") {
      return {
        kind: "sqs",
        messages: event.Records.map((r: Json) => {
          let body: unknown = null;
          try {
            body = JSON.parse(String(r.body));
          } catch {
            // A body that is not JSON is not an S3 notification: nothing to do.
          }
          return { id: String(r.messageId), objects: createdObjects(body) };
        }),
      };
    }
    return { kind: "objects", objects: createdObjects(event) };
  }
  if (isObject(event.requestContext) && isObject(event.requestContext.http)) {
    const headers = isObject(event.headers) ? event.headers : {};
    const raw = typeof event.body === "string" ? event.body : "";
    return {
      kind: "http",
      method: String(event.requestContext.http.method),
      body: event.isBase64Encoded ? Buffer.from(raw, "base64").toString("utf-8") : raw,
      contentType: typeof headers["content-type"] === "string" ? headers["content-type"] : null,
    };
  }
  const source = typeof event.source === "string" && !isScheduled(event) ? event.source : "invoke";
  if (typeof event.feed === "string") return { kind: "feed", feed: event.feed, source };
  if (event.items !== undefined) return { kind: "items", items: event.items, source };
  if (typeof event.remove === "string") return { kind: "remove", id: event.remove };
  if (isScheduled(event)) return { kind: "poll" };
  return {
    kind: "unknown",
    reason: 'expected a schedule, an S3 or SQS notification, or { "feed" | "items" | "remove" }',
  };
}
