/**
 * Where the ways into ingest meet the one ingest path: each bug found where
 * the copies of the pipeline used to differ, through the ingest handler with
 * real AWS event shapes, against the embedded S3.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { XMLParser } from "fast-xml-parser";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createIngestHandler } from "../../functions/ingest/dispatch.ts";
import { localHandlers } from "../../functions/local/runtime.ts";
import { readHead } from "../../functions/store/head.ts";
import { readStory } from "../../functions/store/stories.ts";
import { testConfig, testRuntime } from "../helpers/config.ts";
import { startTestStore, type TestStore } from "../helpers/store.ts";

const examples = new URL("../../examples/feeds/", import.meta.url).pathname;
const events = new URL("../fixtures/events/", import.meta.url).pathname;
const event = (name: string) => JSON.parse(readFileSync(join(events, name), "utf-8"));

let store: TestStore;
beforeEach(async () => {
  store = await startTestStore("cleanfeed");
});
afterEach(async () => {
  await store.close();
});

const handlers = () =>
  localHandlers(store.objects, testConfig(), examples, {
    publicUrl: "http://127.0.0.1:8787/",
    quiet: true,
  });

async function storedItems() {
  const { head } = await readHead(store.objects);
  const stories = await Promise.all(head.stories.map((s) => readStory(store.objects, s.id)));
  return stories.map((s) => s!.value.entry.item);
}

const worldDesk = () => readFileSync(join(examples, "world-desk.atom"), "utf-8");

describe("one ingest path, whatever brought the input", () => {
  it("reads a UTF-16 feed with a byte-order mark dropped into incoming/ (not refused as bad JSON)", async () => {
    const h = handlers();
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(worldDesk(), "utf16le")]);
    await store.objects.client.send(
      new PutObjectCommand({ Bucket: "cleanfeed", Key: "incoming/world desk.atom", Body: utf16 }),
    );
    const out = (await h.ingest(event("s3-object-created.json"))) as {
      reports: ({ new: number } | null)[];
    };
    expect(out.reports[0]?.new).toBe(2);
    expect(await store.objects.getText("incoming/world desk.atom")).toBeNull();
  });

  it("reads a base64 HTTP push in the charset its Content-Type names (windows-1252)", async () => {
    const h = handlers();
    const title = "Caf\u00e9 cr\u00e8me \u2013 \u2018na\u00efve\u2019";
    const json = JSON.stringify([{ title, url: "https://cafe.example/1" }]);
    // the bytes a Windows tool sends: é is 0xE9, – 0x96, ‘ ’ 0x91 0x92
    const cp1252: Record<string, number> = { "\u2013": 0x96, "\u2018": 0x91, "\u2019": 0x92 };
    const bytes = Uint8Array.from([...json].map((c) => cp1252[c] ?? c.charCodeAt(0)));
    const res = (await h.ingest({
      requestContext: { http: { method: "POST" } },
      headers: { "Content-Type": "application/json; charset=windows-1252" },
      body: Buffer.from(bytes).toString("base64"),
      isBase64Encoded: true,
    })) as { statusCode: number };
    expect(res.statusCode).toBe(200);
    expect((await storedItems()).map((i) => i.title)).toEqual([title]);
  });

  it("keeps each pushed item's own outlet when a batch names several", async () => {
    const h = handlers();
    await h.ingest({
      items: [
        {
          title: "Rates held",
          url: "https://wire.example/rates",
          content: "The central bank held its rate.",
          source: { title: "The Wire", url: "https://wire.example/" },
        },
        {
          title: "Trains are back",
          url: "https://desk.example/trains",
          content: "Night trains return to the timetable.",
          source: { title: "World Desk", url: "https://desk.example/" },
        },
      ],
    });
    const outlets = (await storedItems()).map((i) => [
      i.title,
      i.source.feedTitle,
      i.source.siteUrl,
    ]);
    expect(outlets.sort()).toEqual([
      ["Rates held", "The Wire", "https://wire.example/"],
      ["Trains are back", "World Desk", "https://desk.example/"],
    ]);
  });

  it("fails only the SQS record whose S3 key has a bad percent-encoding", async () => {
    const h = handlers();
    await store.objects.put("incoming/world desk.atom", worldDesk());
    const out = await h.ingest(event("sqs-s3-bad-key.json"));
    expect(out).toEqual({
      batchItemFailures: [{ itemIdentifier: "059f36b4-87a3-44ab-83d2-661970000003" }],
    });
    expect(await storedItems()).toHaveLength(2);
  });

  it("in a direct S3 notification, fails the invocation naming the bad key after storing the rest", async () => {
    const h = handlers();
    await store.objects.put("incoming/world desk.atom", worldDesk());
    const notification = event("s3-object-created.json") as {
      Records: { s3: { object: { key: string } } }[];
    };
    const [good] = notification.Records;
    const bad = structuredClone(good!);
    bad.s3.object.key = "incoming/bad%ZZname.atom";
    await expect(h.ingest({ Records: [bad, good] })).rejects.toThrow(
      'cannot decode the S3 key "incoming/bad%ZZname.atom"',
    );
    expect(await storedItems()).toHaveLength(2);
  });

  it("a bug in the parser (a TypeError) fails the record: retried, the file kept, not logged as bad input", async () => {
    const errors: string[] = [];
    const ingest = createIngestHandler({
      ...testRuntime(),
      objects: store.objects,
      config: testConfig(),
      log: { info: () => {}, warn: () => {}, error: (m: string) => void errors.push(m) },
      poll: async () => [],
    });
    await store.objects.put("incoming/world desk.atom", worldDesk());
    // The one mock of this file: a bug cannot be caused for real on purpose.
    const spy = vi.spyOn(XMLParser.prototype, "parse").mockImplementation(() => {
      throw new TypeError("cannot read properties of undefined (reading 'x')");
    });
    try {
      const out = await ingest(event("sqs-s3-object-created.json"));
      expect(out).toEqual({
        batchItemFailures: [{ itemIdentifier: "059f36b4-87a3-44ab-83d2-661970000002" }],
      });
    } finally {
      spy.mockRestore();
    }
    expect(await store.objects.getText("incoming/world desk.atom")).not.toBeNull();
    expect(errors).not.toContain("refused a dropped object");
    expect(errors).toContain("ingest of a dropped object failed; SQS will retry");
  });
});
