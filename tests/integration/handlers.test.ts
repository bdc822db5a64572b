/**
 * Both handlers, invoked with real AWS event shapes, against the embedded S3:
 * what lands in the bucket is what a user's reader will get.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { localHandlers } from "../../functions/local/runtime.ts";
import type { HeadIndex } from "../../functions/store/head.ts";
import { HEAD_INDEX_KEY } from "../../functions/store/layout.ts";
import { testConfig } from "../helpers/config.ts";
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

function handlersWith(sources: { name: string; path: string }[], dir = examples) {
  const config = testConfig({ sources });
  return localHandlers(store.objects, config, dir, {
    publicUrl: "http://127.0.0.1:8787/",
    quiet: true,
  });
}

async function publishedAtom() {
  return store.objects.getFile("public/feed.atom");
}

describe("ingest handler", () => {
  it("polls the configured sources on a Scheduler event and regenerate publishes them", async () => {
    const h = handlersWith([
      { name: "daily-wire", path: "daily-wire.xml" },
      { name: "field-notes", path: "field-notes.json" },
    ]);
    const polled = (await h.ingest(event("scheduler.json"))) as {
      sources: { source: string; error: string | null; report: { new: number } | null }[];
    };
    expect(polled.sources.map((s) => s.source)).toEqual(["daily-wire", "field-notes"]);
    expect(polled.sources.every((s) => s.error === null)).toBe(true);
    expect(polled.sources.reduce((n, s) => n + (s.report?.new ?? 0), 0)).toBeGreaterThanOrEqual(4);

    const regen = await h.regenerate(event("sqs-index-changed.json"));
    expect(regen).toEqual({ batchItemFailures: [] });
    const atom = await publishedAtom();
    expect(atom?.contentType).toBe("application/atom+xml; charset=utf-8");
    expect(atom?.body.toString()).toContain("Central bank holds rates steady");
    expect(atom?.body.toString()).toContain("Night trains are back, slowly");
  });

  it("ingests a feed dropped under incoming/ (S3 notification) and deletes it once stored", async () => {
    const h = handlersWith([]);
    await store.objects.put(
      "incoming/world desk.atom",
      readFileSync(join(examples, "world-desk.atom"), "utf-8"),
    );
    const out = (await h.ingest(event("s3-object-created.json"))) as { reports: { new: number }[] };
    expect(out.reports[0]?.new).toBe(2);
    expect(await store.objects.getText("incoming/world desk.atom")).toBeNull();
    const head = await store.objects.getJson<HeadIndex>(HEAD_INDEX_KEY);
    expect(head?.value.stories).toHaveLength(2);
  });

  it("reads a dropped feed in the encoding it declares, not as UTF-8", async () => {
    const h = handlersWith([]);
    const doc = `<?xml version="1.0" encoding="windows-1252"?>
<rss version="2.0"><channel><title>Desk</title><link>https://desk.example/</link>
<item><title>Caf\u00e9 \u2013 \u2018quoted\u2019</title><link>https://desk.example/1</link>
<description>Une histoire de caf\u00e9.</description></item></channel></rss>`;
    // the bytes a Windows tool writes: é is 0xE9, – 0x96, ‘ ’ 0x91 0x92
    const cp1252: Record<string, number> = { "\u2013": 0x96, "\u2018": 0x91, "\u2019": 0x92 };
    const bytes = Uint8Array.from([...doc].map((c) => cp1252[c] ?? c.charCodeAt(0)));
    await store.objects.client.send(
      new PutObjectCommand({
        Bucket: store.s3.bucket,
        Key: "incoming/world desk.atom",
        Body: bytes,
      }),
    );
    const out = (await h.ingest(event("s3-object-created.json"))) as { reports: { new: number }[] };
    expect(out.reports[0]?.new).toBe(1);
    const head = await store.objects.getJson<HeadIndex>(HEAD_INDEX_KEY);
    expect(head?.value.stories[0]?.entry?.item.title).toBe("Caf\u00e9 \u2013 \u2018quoted\u2019");
  });

  it("tells dropped items that mention a version from a dropped JSON Feed", async () => {
    const h = handlersWith([]);
    const drop = async (body: string) => {
      await store.objects.put("incoming/world desk.atom", body);
      return (await h.ingest(event("s3-object-created.json"))) as { reports: { new: number }[] };
    };
    const items = {
      items: [
        {
          title: "A new version of the app",
          url: "https://apps.example/v2",
          content: "Out today.",
          categories: ["release", "version"],
        },
      ],
    };
    expect((await drop(JSON.stringify(items))).reports[0]?.new).toBe(1);
    const feed = {
      version: "https://jsonfeed.org/version/1.1",
      title: "Apps",
      items: [
        { id: "3", title: "Version three", url: "https://apps.example/v3", content_text: "Later." },
      ],
    };
    expect((await drop(JSON.stringify(feed))).reports[0]?.new).toBe(1);
  });

  it("acknowledges an s3:TestEvent in an SQS batch and processes the real record beside it", async () => {
    const h = handlersWith([]);
    await store.objects.put(
      "incoming/world desk.atom",
      readFileSync(join(examples, "world-desk.atom"), "utf-8"),
    );
    const out = await h.ingest(event("sqs-s3-object-created.json"));
    expect(out).toEqual({ batchItemFailures: [] });
    const head = await store.objects.getJson<HeadIndex>(HEAD_INDEX_KEY);
    expect(head?.value.stories).toHaveLength(2);
  });

  it("accepts a direct invocation with a feed document and with pushed items", async () => {
    const h = handlersWith([]);
    const fed = (await h.ingest(event("direct-feed.json"))) as { new: number };
    expect(fed.new).toBe(1);
    const pushed = (await h.ingest(event("direct-items.json"))) as { new: number };
    expect(pushed.new).toBe(1);
    await h.regenerate({});
    const atom = (await publishedAtom())?.body.toString() ?? "";
    expect(atom).toContain("Hello &amp; welcome");
    expect(atom).toContain("Pushed directly");
  });

  it("reports a broken source by name and still stores the others", async () => {
    const dir = join(store.dir, "feeds");
    mkdirSync(dir);
    writeFileSync(
      join(dir, "broken.xml"),
      "<rss version='2.0'><channel><title>x</title><item><title>unclosed",
    );
    writeFileSync(join(dir, "good.json"), readFileSync(join(examples, "field-notes.json")));
    const h = handlersWith(
      [
        { name: "missing", path: "missing.xml" },
        { name: "broken", path: "broken.xml" },
        { name: "good", path: "good.json" },
      ],
      dir,
    );
    const polled = (await h.ingest(event("scheduler.json"))) as {
      sources: { source: string; error: string | null; report: { new: number } | null }[];
    };
    const by = Object.fromEntries(polled.sources.map((s) => [s.source, s]));
    expect(by.missing?.error).toMatch(/missing\.xml/);
    expect(by.broken?.error).toMatch(/broken/);
    expect(by.good?.error).toBeNull();
    expect(by.good?.report?.new).toBe(2);
  });

  it("refuses an unknown event with a clear error", async () => {
    const h = handlersWith([]);
    await expect(h.ingest({ hello: "world" })).rejects.toThrow(/unrecognised event/);
  });
});

describe("regenerate handler", () => {
  it("writes nothing when nothing changed, so readers keep getting 304", async () => {
    const h = handlersWith([{ name: "field-notes", path: "field-notes.json" }]);
    await h.ingest(event("scheduler.json"));
    const first = (await h.regenerate({})) as { written: string[] };
    expect(first.written).toContain("feed.atom");
    const etag = (await publishedAtom())?.etag;
    const second = (await h.regenerate({})) as { written: string[] };
    expect(second.written).toEqual([]);
    expect((await publishedAtom())?.etag).toBe(etag);
  });

  it("publishes RSS and JSON Feed alternates with their content types", async () => {
    const h = handlersWith([{ name: "field-notes", path: "field-notes.json" }]);
    await h.ingest(event("scheduler.json"));
    await h.regenerate({});
    expect((await store.objects.getFile("public/feed.rss"))?.contentType).toBe(
      "application/rss+xml; charset=utf-8",
    );
    const json = await store.objects.getFile("public/feed.json");
    expect(json?.contentType).toBe("application/feed+json; charset=utf-8");
    expect(JSON.parse(json?.body.toString() ?? "{}").items).toHaveLength(2);
  });
});
