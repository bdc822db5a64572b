/**
 * Nothing lost when an ingest dies: a child process ingests a 1,000-item
 * document against the embedded S3 (which runs here, in the test process) and
 * kills itself with SIGKILL at a seeded point, from its first write to its
 * head commit; then one replay of the same document (as SQS, a poll or the
 * user would send it again). After each, the feed (current page and every
 * archive page) holds all 1,000 stories exactly once, and the bucket holds
 * exactly one story object each.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prng } from "../../bench/feed-generator.ts";
import { mapBounded } from "../../functions/core/bounded.ts";
import { regenerate } from "../../functions/regenerate/regenerate.ts";
import { testConfig, testRuntime } from "../helpers/config.ts";
import { ingestOne } from "../helpers/ingest.ts";
import { startTestStore, type TestStore } from "../helpers/store.ts";

const ITEMS = 1000;
const PUBLIC = "http://127.0.0.1:8787/";
const child = new URL("../helpers/crash-ingest.ts", import.meta.url).pathname;

/** 1,000 distinct stories of about 80 words, in RSS: small objects, the same number of writes. */
function crashFeed(): string {
  const rand = prng(7);
  const words =
    "harbour council budget river festival school rail bridge market museum library hospital election court weather garden orchestra stadium airport factory".split(
      " ",
    );
  const items = Array.from({ length: ITEMS }, (_, n) => {
    const text = Array.from(
      { length: 80 },
      () => `${words[Math.floor(rand() * words.length)]}${Math.floor(rand() * 997)}`,
    ).join(" ");
    return `<item><title>Story ${n}</title><link>https://big-outlet.example/story/${n}</link><guid>big-${n}</guid><pubDate>Mon, 02 Jun 2025 12:00:00 +0000</pubDate><description>&lt;p&gt;${text}.&lt;/p&gt;</description></item>`;
  });
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Big outlet</title><link>https://big-outlet.example/</link><description>d</description>${items.join("\n")}</channel></rss>`;
}

let dir: string;
let feedFile: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cleanfeed-crash-"));
  feedFile = join(dir, "feed.xml");
  writeFileSync(feedFile, crashFeed());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the child until it kills itself (or ends); resolves with how it ended. */
function ingestInChild(store: TestStore, kill: string) {
  return new Promise<{ code: number | null; signal: string | null; stderr: string }>(
    (resolve, reject) => {
      // one process (node with tsx's loader), so that its SIGKILL is what we see
      const args = [
        "--import",
        "tsx",
        child,
        store.s3.endpoint,
        store.objects.bucket,
        feedFile,
        kill,
      ];
      const p = spawn(process.execPath, args, {
        stdio: ["ignore", "ignore", "pipe"],
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
      });
      let stderr = "";
      p.stderr.on("data", (d) => {
        stderr += d;
      });
      p.on("error", reject);
      p.on("close", (code, signal) => resolve({ code, signal, stderr }));
    },
  );
}

/** Objects under entries/: one per story (no story here merges into another). */
async function entryObjects(store: TestStore) {
  return (await store.objects.list("entries/")).length;
}

/** Entry ids and links of the current feed and every archive page it leads back to. */
async function feedEntries(store: TestStore) {
  const ids: string[] = [];
  const links: string[] = [];
  let path: string | null = "feed.atom";
  while (path !== null) {
    const xml: string = (await store.objects.getText(`public/${path}`))?.value ?? "";
    for (const m of xml.matchAll(
      /<entry[ >][\s\S]*?<id>([^<]+)<\/id>[\s\S]*?<link rel="alternate"[^>]*href="([^"]+)"/g,
    )) {
      ids.push(m[1]!);
      links.push(m[2]!);
    }
    const prev: string | undefined = /<link rel="prev-archive"[^>]*href="([^"]+)"/.exec(xml)?.[1];
    path = prev ? prev.slice(PUBLIC.length) : null;
  }
  return { ids, links };
}

// Seeded points, from the first write (the intent) to the head commit. A
// clean run of this document makes about 2,000 writes (an entry and a URL
// key per story); the points fall anywhere in them.
const rand = prng(1104);
rand(); // the generator's first draws sit low
const anywhere = () => 2 + Math.floor(rand() * (2 * ITEMS - 2));
const KILLS = [
  "1:after",
  `${anywhere()}:before`,
  `${anywhere()}:after`,
  "head:before",
  "head:after",
];

/** One trial: kill, replay, and what the store then holds. */
async function trial(kill: string) {
  const store = await startTestStore("crash");
  try {
    const died = await ingestInChild(store, kill);
    const config = testConfig({ feed: { windowSize: 50 } });
    const rt = testRuntime("2025-06-03T12:00:00Z");
    const deps = { objects: store.objects, config, now: rt.now, newId: rt.newId };
    const input = {
      source: "big-outlet",
      body: new Uint8Array(readFileSync(feedFile)),
      documentUrl: "https://big-outlet.example/feed.xml",
    };
    const replay = await ingestOne(deps, input);
    await regenerate({ objects: store.objects, config, publicUrl: PUBLIC });
    const feed = await feedEntries(store);
    const objects = await entryObjects(store);
    const leftIntents = (await store.objects.list("index/intents/")).length;
    // The dead ingest's intent goes once stale: at the first commit after that.
    rt.setNow("2025-06-03T12:20:00Z");
    await ingestOne(deps, { source: "later", body: { json: [{ title: "A later story" }] } });
    const intentsLater = (await store.objects.list("index/intents/")).length;
    return { kill, died, replay, feed, objects, leftIntents, intentsLater };
  } finally {
    await store.close();
  }
}

describe("an ingest killed at any point, then replayed once", () => {
  it(`leaves every story once in the feed and one object each (kills at ${KILLS.join(", ")})`, async () => {
    // two trials at a time: each is a child process and a replay here
    const results = await mapBounded(KILLS, 2, trial);
    for (const r of results) {
      if (r.status === "rejected") throw r.reason;
      const { kill, died, replay, feed, objects, leftIntents, intentsLater } = r.value;
      expect(died.signal, `${kill}: ${died.stderr}`).toBe("SIGKILL");
      expect(replay.failed, kill).toEqual([]);
      expect(feed.ids, kill).toHaveLength(ITEMS);
      expect(new Set(feed.ids).size, kill).toBe(ITEMS);
      expect(new Set(feed.links).size, kill).toBe(ITEMS);
      expect(objects, kill).toBe(ITEMS);
      // the dead ingest's intent, at most; swept by the first commit once stale
      expect(leftIntents, kill).toBeLessThanOrEqual(1);
      expect(intentsLater, kill).toBe(0);
    }
  }, 900_000);
});
