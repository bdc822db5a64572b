/**
 * The ingest handler's edges (events in, normalized items out), with the store
 * replaced by a recorder of the copies handed to it: what a push or a drop
 * turns into, before deduplication.
 */
import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { NormalizedItem } from "../../functions/core/item.ts";
import { createIngestHandler } from "../../functions/ingest/dispatch.ts";
import { ingestPushed } from "../../functions/ingest/ingest.ts";
import type { Objects } from "../../functions/store/objects.ts";
import { testConfig, testRuntime } from "../helpers/config.ts";

const { accepted } = vi.hoisted(() => ({ accepted: [] as NormalizedItem[] }));
vi.mock("../../functions/store/stories.ts", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../functions/store/stories.ts")>()),
  acceptCopies: async (_objects: unknown, copies: NormalizedItem[]) => {
    accepted.push(...copies);
    return copies.map((_, i) => ({ kind: "new", id: `story-${i}` }));
  },
}));

const fixture = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url));
const event = (name: string): unknown => JSON.parse(fixture(`fixtures/events/${name}`).toString());

/** A bucket holding only `incoming/world desk.atom`; records what was read. */
function runtime() {
  const read: string[] = [];
  const objects = {
    getFile: async (key: string) => {
      read.push(key);
      return key === "incoming/world desk.atom"
        ? { body: fixture("../examples/feeds/world-desk.atom") }
        : null;
    },
    delete: async () => {},
  } as unknown as Objects;
  const errors: string[] = [];
  const rt = {
    ...testRuntime(),
    objects,
    config: testConfig(),
    log: { info: () => {}, warn: () => {}, error: (m: string) => void errors.push(m) },
    poll: async () => [],
  };
  return { rt, read, errors, ingest: createIngestHandler(rt) };
}

beforeEach(() => {
  accepted.length = 0;
});

describe("pushed items from different outlets", () => {
  it("each keep their own outlet as their source", async () => {
    const { rt } = runtime();
    await ingestPushed(
      rt,
      [
        {
          title: "Rates held",
          url: "https://wire.example/rates",
          source: { title: "The Wire", url: "https://wire.example/" },
        },
        {
          title: "Trains are back",
          url: "https://desk.example/trains",
          source: { title: "World Desk", url: "https://desk.example/" },
        },
      ],
      "push",
    );
    const sources = accepted.map(({ item }) => [
      item.title,
      item.source.feedTitle,
      item.source.siteUrl,
    ]);
    expect(sources).toEqual([
      ["Rates held", "The Wire", "https://wire.example/"],
      ["Trains are back", "World Desk", "https://desk.example/"],
    ]);
  });
});

describe("an S3 key with a bad percent-encoding", () => {
  it("fails only its own SQS message; the other message's object is stored", async () => {
    const { ingest, read, errors } = runtime();
    const out = await ingest(event("sqs-s3-bad-key.json"));
    expect(out).toEqual({
      batchItemFailures: [{ itemIdentifier: "059f36b4-87a3-44ab-83d2-661970000003" }],
    });
    expect(read).toEqual(["incoming/world desk.atom"]);
    expect(accepted.length).toBeGreaterThan(0);
    expect(errors).toEqual(["ingest of a dropped object failed; SQS will retry"]);
  });

  it("in a direct S3 notification, fails the invocation after storing the other objects", async () => {
    const { ingest, read } = runtime();
    const notification = event("s3-object-created.json") as {
      Records: { s3: { object: { key: string } } }[];
    };
    const [good] = notification.Records;
    const bad = structuredClone(good!);
    bad.s3.object.key = "incoming/bad%ZZname.atom";
    await expect(ingest({ Records: [bad, good] })).rejects.toThrow(
      'cannot decode the S3 key "incoming/bad%ZZname.atom"',
    );
    expect(read).toEqual(["incoming/world desk.atom"]);
    expect(accepted.length).toBeGreaterThan(0);
  });
});

describe("an HTTP push", () => {
  it("is read in the charset its Content-Type names (base64, windows-1252)", async () => {
    const { ingest } = runtime();
    const title = "Caf\u00e9 cr\u00e8me \u2013 \u2018na\u00efve\u2019";
    const json = JSON.stringify([{ title, url: "https://cafe.example/1" }]);
    // the bytes a Windows tool sends: é is 0xE9, – 0x96, ‘ ’ 0x91 0x92
    const cp1252: Record<string, number> = { "\u2013": 0x96, "\u2018": 0x91, "\u2019": 0x92 };
    const bytes = Uint8Array.from([...json].map((c) => cp1252[c] ?? c.charCodeAt(0)));
    const res = (await ingest({
      requestContext: { http: { method: "POST" } },
      headers: { "content-type": "application/json; charset=windows-1252" },
      body: Buffer.from(bytes).toString("base64"),
      isBase64Encoded: true,
    })) as { statusCode: number; body: string };
    expect(res.statusCode).toBe(200);
    expect(accepted.map(({ item }) => item.title)).toEqual([title]);
  });
});
