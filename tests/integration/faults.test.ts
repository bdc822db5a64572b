/**
 * Nothing lost when S3 fails requests: 8 ingests at once through a proxy that
 * fails 20% of requests (error answers, connections dropped before and after
 * the store applied them). Faults are retried where they happen; an ingest
 * that still fails fails as a whole (to be retried). After the faults stop,
 * one replay of every document leaves each story in the feed exactly once.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { prng } from "../../bench/feed-generator.ts";
import { isAlias, type StoredRecord } from "../../functions/core/dedupe/story.ts";
import { StoreFailure } from "../../functions/ingest/ingest.ts";
import { regenerate } from "../../functions/regenerate/regenerate.ts";
import { createS3Client } from "../../functions/store/client.ts";
import { readHead } from "../../functions/store/head.ts";
import { Objects } from "../../functions/store/objects.ts";
import { readStory } from "../../functions/store/stories.ts";
import { testConfig, testRuntime } from "../helpers/config.ts";
import { type FaultProxy, startFaultProxy } from "../helpers/fault-proxy.ts";
import { ingestOne } from "../helpers/ingest.ts";
import { startTestStore, type TestStore } from "../helpers/store.ts";

const OUTLETS = 8;
const STORIES = 200;

/** Story n's text: its own words. */
function storyText(n: number): string {
  const rand = prng(n + 1);
  const words =
    "harbour council budget river festival school rail bridge market museum library hospital election court".split(
      " ",
    );
  return Array.from(
    { length: 70 },
    () => `${words[Math.floor(rand() * words.length)]}${Math.floor(rand() * 997)}`,
  ).join(" ");
}

/** Outlet o carries 50 stories; each story is carried by two outlets (same URL, own guid). */
function outletFeed(o: number): string {
  const stories = Array.from({ length: 50 }, (_, i) => (o * 25 + i) % STORIES);
  const items = stories.map(
    (n) =>
      `<item><title>Story ${n} (${o})</title><link>https://shared.example/story/${n}</link><guid>outlet${o}-${n}</guid><description>&lt;p&gt;${storyText(n)}.&lt;/p&gt;</description></item>`,
  );
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Outlet ${o}</title><link>https://outlet${o}.example/</link><description>d</description>${items.join("")}</channel></rss>`;
}

let store: TestStore;
let proxy: FaultProxy;
beforeEach(async () => {
  store = await startTestStore("faults");
  proxy = await startFaultProxy(store.s3.endpoint, 0.2, Number(process.env.FAULT_SEED ?? 11));
});
afterEach(async () => {
  await proxy.close();
  await store.close();
});

describe("S3 failing 20% of requests", () => {
  it("loses and doubles no story: retried per request, and one replay after the faults converges", async () => {
    const config = testConfig({ feed: { windowSize: 50 } });
    const rt = testRuntime("2025-06-03T12:00:00Z");
    const faulty = new Objects(
      createS3Client({ bucket: "faults", endpoint: proxy.endpoint, embedded: true }),
      "faults",
    );
    const ingest = (objects: Objects, o: number) =>
      ingestOne(
        { objects, config, now: rt.now, newId: () => `urn:uuid:${crypto.randomUUID()}` },
        {
          source: `outlet${o}`,
          body: outletFeed(o),
          documentUrl: `https://outlet${o}.example/feed`,
        },
      );
    // 8 ingests at once, as 8 Lambdas would run
    const during = await Promise.allSettled(
      Array.from({ length: OUTLETS }, (_, o) => ingest(faulty, o)),
    );
    const injected = [...proxy.injected.values()].reduce((a, b) => a + b, 0);
    expect(injected).toBeGreaterThan(100);
    expect(proxy.injected.get("response lost") ?? 0).toBeGreaterThan(10);

    proxy.rate = 0;
    for (let o = 0; o < OUTLETS; o++) await ingest(faulty, o);
    await regenerate({ objects: store.objects, config, publicUrl: "http://127.0.0.1:8787/" });

    const { head } = await readHead(store.objects);
    const live = head.stories.filter((s) => !s.removed);
    const urls = await Promise.all(
      live.map(async (s) => (await readStory(store.objects, s.id))!.value.entry.item.url),
    );
    expect(new Set(urls).size).toBe(STORIES);
    expect(live).toHaveLength(STORIES);
    const records = await Promise.all(
      (await store.objects.list("entries/")).map((o) => store.objects.getJson<StoredRecord>(o.key)),
    );
    const stories = records.filter((r) => r !== null && !isAlias(r.value));
    const merged = stories.filter((r) => (r!.value as { mergedInto: string | null }).mergedInto);
    expect(stories.length - merged.length).toBe(STORIES);
    // for the record: how the ingests fared while S3 failed
    console.log(
      `faults injected: ${JSON.stringify(Object.fromEntries(proxy.injected))}; ingests during faults: ${during.filter((d) => d.status === "fulfilled").length} of ${OUTLETS} succeeded`,
    );
  }, 600_000);

  it("a failure names the store's own error: a full data folder is what the user must fix", async () => {
    const rt = testRuntime("2025-06-03T12:00:00Z");
    proxy.rate = 0;
    // the embedded S3's answer to a write on a full disk (atomic-store.ts): 507, never retried
    proxy.refuse = (method, path) =>
      method === "PUT" && path.includes("/entries/")
        ? { status: 507, code: "DataFolderFull" }
        : null;
    const deps = {
      objects: new Objects(
        createS3Client({ bucket: "faults", endpoint: proxy.endpoint, embedded: true }),
        "faults",
      ),
      config: testConfig({ feed: { windowSize: 50 } }),
      now: rt.now,
      newId: () => `urn:uuid:${crypto.randomUUID()}`,
    };
    const input = { source: "outlet1", body: outletFeed(1), documentUrl: null };
    try {
      const failure = await ingestOne(deps, input).then(
        () => null,
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(StoreFailure);
      expect((failure as StoreFailure).cause).toMatchObject({ name: "DataFolderFull" });
      expect((failure as Error).message).toMatch(/first error: DataFolderFull/);
      // 507 is not retried: no space comes back by asking again
      expect(proxy.injected.get("DataFolderFull")).toBe((failure as StoreFailure).failed.length);
    } finally {
      proxy.refuse = null;
    }
  }, 600_000);

  it("an item whose requests keep failing is named, the invocation fails, and a replay stores it once", async () => {
    const config = testConfig({ feed: { windowSize: 50 } });
    const rt = testRuntime("2025-06-03T12:00:00Z");
    proxy.rate = 0.75;
    const faulty = new Objects(
      createS3Client({ bucket: "faults", endpoint: proxy.endpoint, embedded: true }),
      "faults",
    );
    const deps = {
      objects: faulty,
      config,
      now: rt.now,
      newId: () => `urn:uuid:${crypto.randomUUID()}`,
    };
    const input = {
      source: "outlet0",
      body: outletFeed(0),
      documentUrl: "https://outlet0.example/feed",
    };
    // a failure, never a normal return: the caller retries (SQS, the next poll)
    await expect(ingestOne(deps, input)).rejects.toThrow(/could not be stored|.+/);
    proxy.rate = 0;
    const replay = await ingestOne(deps, input);
    expect(replay.failed).toEqual([]);
    const { head } = await readHead(store.objects);
    expect(head.stories.filter((s) => !s.removed)).toHaveLength(50);
    const objects = await store.objects.list("entries/");
    expect(objects).toHaveLength(50);
  }, 600_000);
});
