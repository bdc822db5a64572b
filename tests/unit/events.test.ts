import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { classifyIngestEvent, createdObjects } from "../../functions/core/events.ts";

const event = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/events/${name}`, import.meta.url), "utf-8"));

const httpEvent = (extra: Record<string, unknown>) => ({
  version: "2.0",
  rawPath: "/",
  requestContext: { http: { method: "POST", path: "/" } },
  ...extra,
});

describe("classifyIngestEvent", () => {
  it("recognises a schedule, and a shard of one", () => {
    expect(classifyIngestEvent(event("scheduler.json"))).toEqual({ kind: "poll", names: null });
    expect(classifyIngestEvent({ action: "poll" })).toEqual({ kind: "poll", names: null });
    expect(classifyIngestEvent({ poll: ["a", "b"] })).toEqual({ kind: "poll", names: ["a", "b"] });
    // one shard's schedule names the shard by its index in the baked config
    expect(classifyIngestEvent({ source: "aws.scheduler", action: "poll", shard: 3 })).toEqual({
      kind: "poll",
      names: null,
      shard: 3,
    });
  });

  it("decodes the keys of an S3 notification", () => {
    expect(classifyIngestEvent(event("s3-object-created.json"))).toEqual({
      kind: "objects",
      objects: [{ bucket: "cleanfeed", key: "incoming/world desk.atom", error: null }],
    });
  });

  it("reads each SQS message's notification, an s3:TestEvent yielding no object", () => {
    expect(classifyIngestEvent(event("sqs-s3-object-created.json"))).toEqual({
      kind: "sqs",
      messages: [
        { id: "059f36b4-87a3-44ab-83d2-661970000001", objects: [], poll: null },
        {
          id: "059f36b4-87a3-44ab-83d2-661970000002",
          objects: [{ bucket: "cleanfeed", key: "incoming/world desk.atom", error: null }],
          poll: null,
        },
      ],
    });
  });

  it("reads a poll shard message: the source names to poll", () => {
    const record = {
      eventSource: "aws:sqs",
      messageId: "m-1",
      body: JSON.stringify({ poll: ["a", "b"] }),
    };
    expect(classifyIngestEvent({ Records: [record] })).toEqual({
      kind: "sqs",
      messages: [{ id: "m-1", objects: [], poll: ["a", "b"] }],
    });
  });

  it("turns a key with a bad percent-encoding into that object's error, not a throw", () => {
    const what = classifyIngestEvent(event("sqs-s3-bad-key.json"));
    expect(what.kind).toBe("sqs");
    if (what.kind !== "sqs") return;
    expect(what.messages.map((m) => m.objects)).toEqual([
      [
        {
          bucket: "cleanfeed",
          key: "incoming/bad%ZZname.atom",
          error: 'cannot decode the S3 key "incoming/bad%ZZname.atom": URI malformed',
        },
      ],
      [{ bucket: "cleanfeed", key: "incoming/world desk.atom", error: null }],
    ]);
  });

  it("ignores records that are not object creations", () => {
    const removed = {
      Records: [{ eventSource: "aws:s3", eventName: "ObjectRemoved:Delete", s3: {} }],
    };
    expect(createdObjects(removed)).toEqual([]);
    expect(createdObjects("not a notification")).toEqual([]);
  });

  it("carries an HTTP body as bytes, base64-decoded, with its Content-Type in any case", () => {
    const bytes = Uint8Array.from([0x5b, 0xe9, 0x5d]); // "[é]" in windows-1252: not UTF-8
    const what = classifyIngestEvent(
      httpEvent({
        headers: { "Content-Type": "application/json; charset=windows-1252" },
        body: Buffer.from(bytes).toString("base64"),
        isBase64Encoded: true,
      }),
    );
    expect(what).toEqual({
      kind: "http",
      method: "POST",
      body: expect.any(Uint8Array),
      contentType: "application/json; charset=windows-1252",
    });
    if (what.kind === "http") expect([...what.body]).toEqual([...bytes]);
  });

  it("carries a plain HTTP body as text (decoded already), and no Content-Type when none was sent", () => {
    const what = classifyIngestEvent(httpEvent({ body: "é" }));
    expect(what.kind === "http" && what.body).toBe("é");
    expect(what.kind === "http" && what.contentType).toBeNull();
    const empty = classifyIngestEvent(httpEvent({ requestContext: { http: { method: "GET" } } }));
    expect(empty).toMatchObject({ kind: "http", method: "GET", contentType: null });
  });

  it("recognises direct invocations, naming their source", () => {
    expect(classifyIngestEvent(event("direct-feed.json"))).toMatchObject({
      kind: "feed",
      source: "direct",
    });
    expect(classifyIngestEvent(event("direct-items.json"))).toMatchObject({
      kind: "items",
      source: "direct-push",
    });
    expect(classifyIngestEvent({ items: [] })).toEqual({
      kind: "items",
      items: [],
      source: "invoke",
    });
    expect(classifyIngestEvent({ remove: "urn:uuid:x" })).toEqual({
      kind: "remove",
      id: "urn:uuid:x",
    });
  });

  it("says why it does not know an event", () => {
    expect(classifyIngestEvent("poll")).toEqual({
      kind: "unknown",
      reason: "the event is not a JSON object",
    });
    expect(classifyIngestEvent({ hello: "world" })).toEqual({
      kind: "unknown",
      reason: 'expected a schedule, an S3 or SQS notification, or { "feed" | "items" | "remove" }',
    });
  });
});
