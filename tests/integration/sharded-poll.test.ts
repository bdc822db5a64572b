/**
 * Polling that scales: 1,000 sources served on loopback, split into shards
 * of 50 (one schedule each in the stack, whose input names the shard), the
 * shards polled by ingest invocations running 4 at a time, against the
 * embedded S3. Each outlet has a story of its own and
 * carries one of 100 wire stories (the same text, its own title, URL and
 * guid), so copies of one story are polled by different shards at once.
 * Every story is stored once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prng } from "../../bench/feed-generator.ts";
import { mapBounded } from "../../functions/core/bounded.ts";
import { sourceShards } from "../../functions/core/config.ts";
import { createIngestHandler } from "../../functions/ingest/dispatch.ts";
import { pollSources } from "../../functions/ingest/poll.ts";
import { readHead } from "../../functions/store/head.ts";
import { readStory } from "../../functions/store/stories.ts";
import { testConfig, testRuntime } from "../helpers/config.ts";
import { startServer, type TestServer } from "../helpers/http.ts";
import { startTestStore, type TestStore } from "../helpers/store.ts";

const SOURCES = 1000;
const WIRE = 100;

function text(seed: number, words = 70): string {
  const rand = prng(seed);
  const vocabulary =
    "harbour council budget river festival school rail bridge market museum library hospital election court".split(
      " ",
    );
  return Array.from(
    { length: words },
    () => `${vocabulary[Math.floor(rand() * vocabulary.length)]}${Math.floor(rand() * 997)}`,
  ).join(" ");
}

function outletFeed(n: number): string {
  const wire = n % WIRE;
  const item = (guid: string, link: string, title: string, body: string) =>
    `<item><title>${title}</title><link>${link}</link><guid>${guid}</guid><description>&lt;p&gt;${body}.&lt;/p&gt;</description></item>`;
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Outlet ${n}</title><link>https://outlet${n}.example/</link><description>d</description>${item(`own-${n}`, `https://outlet${n}.example/own`, `Outlet ${n}'s own story`, text(100_000 + n))}${item(`wire-${n}`, `https://outlet${n}.example/wire-${wire}`, `Wire story ${wire}, as outlet ${n} titles it`, text(wire))}</channel></rss>`;
}

let server: TestServer;
let store: TestStore;
beforeAll(async () => {
  server = await startServer((req, res) => {
    const n = Number(/\/feed\/(\d+)\.xml$/.exec(req.url ?? "")?.[1]);
    res.writeHead(200, { "content-type": "application/rss+xml" });
    res.end(outletFeed(n));
  });
  store = await startTestStore("shards");
});
afterAll(async () => {
  await store.close();
  await server.close();
});

describe("a scheduled poll of 1,000 sources", () => {
  it("is split into shards polled in parallel, and stores every story once", async () => {
    const config = testConfig({
      sources: Array.from({ length: SOURCES }, (_, n) => ({
        name: `outlet${n}`,
        url: `${server.origin}/feed/${n}.xml`,
      })),
      limits: { sourcesPerShard: 50, pollConcurrency: 8 },
      feed: { windowSize: 50 },
      dedupe: { recentWindow: 5000 },
    });
    const quiet = { info: () => {}, warn: () => {}, error: () => {} };
    const deps = { ...testRuntime(), objects: store.objects, config };
    const ingest = createIngestHandler({
      ...deps,
      log: quiet,
      poll: (names) => pollSources(deps, { allowLoopback: true, log: quiet }, names),
    });
    const shards = sourceShards(config);
    expect(shards).toHaveLength(20);
    // Each shard's schedule invokes ingest on its own; here at most 4 run at once.
    const results = await mapBounded([...shards.keys()], 4, (shard) =>
      ingest({ source: "aws.scheduler", action: "poll", shard }),
    );
    for (const [shard, r] of results.entries()) {
      if (r.status !== "fulfilled") throw r.reason;
      const { sources } = r.value as { sources: { source: string; error: string | null }[] };
      expect(sources.map((s) => s.source)).toEqual(shards[shard]);
      expect(sources.filter((s) => s.error !== null)).toEqual([]);
    }

    const { head } = await readHead(store.objects);
    const live = head.stories.filter((s) => !s.removed);
    expect(live).toHaveLength(SOURCES + WIRE);
    const stories = await Promise.all(
      live.map(async (s) => (await readStory(store.objects, s.id))!.value),
    );
    const own = stories.filter((s) => s.entry.item.url?.endsWith("/own"));
    expect(own).toHaveLength(SOURCES);
    const wire = stories.filter((s) => !s.entry.item.url?.endsWith("/own"));
    // each wire story once, naming the other 9 outlets that carried it
    expect(wire).toHaveLength(WIRE);
    for (const s of wire) expect(s.entry.related).toHaveLength(9);
  }, 900_000);
});
