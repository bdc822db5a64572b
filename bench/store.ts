/**
 * What storing and publishing cost, counted on the real S3 client against the
 * embedded S3 server: requests per ingested item and per re-poll, the
 * near-duplicate lookup over the head window against a scan of all history,
 * and a steady regeneration at 1k, 10k and 100k stored stories. Every figure
 * is printed next to a reference measured in the same run. Run with
 * `npx tsx bench/store.ts`, or call `benchStore()` from bench/run.ts.
 */

import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import type { Config } from "../functions/core/config.ts";
import { copyOf } from "../functions/core/dedupe/facts.ts";
import { containment } from "../functions/core/dedupe/similarity.ts";
import type { NormalizedItem } from "../functions/core/item.ts";
import { normalizeFeed } from "../functions/core/normalize/index.ts";
import { Invocation } from "../functions/ingest/ingest.ts";
import { pollSources } from "../functions/ingest/poll.ts";
import { regenerate } from "../functions/regenerate/regenerate.ts";
import type { Log } from "../functions/runtime/log.ts";
import { readHead } from "../functions/store/head.ts";
import { testConfig, testRuntime } from "../tests/helpers/config.ts";
import { startTestStore, type TestStore, total } from "../tests/helpers/store.ts";
import { generateBenchFeed, generateBenchRawFeed } from "./feed-generator.ts";
import { countEntries, seedBucket, seededStories } from "./seed.ts";

const BUCKET = "bench";
const PUBLIC_URL = "https://feed.example.com/";
const QUIET: Log = { info() {}, warn() {}, error() {} };

/**
 * The embedded S3 of the tests, with its data on tmpfs when there is one: the
 * 100k seed is 400k small files, and the disk is shared with other work.
 */
async function startStore(): Promise<TestStore> {
  const saved = process.env.TMPDIR;
  if (existsSync("/dev/shm") && statSync("/dev/shm").isDirectory()) process.env.TMPDIR = "/dev/shm";
  try {
    return await startTestStore(BUCKET);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
}

/** `GetObject 2, PutObject 1`, in a stable order. */
function breakdown(requests: Map<string, number>): string {
  const parts = [...requests].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k} ${v}`);
  return parts.length ? parts.join(", ") : "none";
}

const writes = (r: Map<string, number>) => total(r, "PutObject", "DeleteObject");
const short = (r: Map<string, number>) =>
  new Map([...r].map(([k, v]) => [k.replace(/Command$/, ""), v]));

const ms = (x: number) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;
const ratio = (x: number) => `${x.toFixed(2)}x`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

// ---------------------------------------------------------------- 1. ingest

/** Objects under a prefix, by one ListObjectsV2 page (enough for the 110-item feed). */
async function objectsUnder(store: TestStore, prefix: string): Promise<number> {
  const out = await store.objects.client.send(
    new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }),
  );
  if (out.IsTruncated) throw new Error(`more than one page under ${prefix}`);
  return out.KeyCount ?? 0;
}

/** Prints the S3 requests of a poll series and adds their summary lines to `summary`. */
export async function benchPolls(summary: string[]): Promise<void> {
  const store = await startStore();
  const feedDir = mkdtempSync(join(tmpdir(), "cleanfeed-bench-feed-"));
  try {
    const feedFile = join(feedDir, "feed.xml");
    writeFileSync(feedFile, generateBenchFeed(100));
    const config = testConfig({ sources: [{ name: "bench", path: "feed.xml" }] });
    const rt = testRuntime("2025-06-03T12:00:00Z");
    const deps = { objects: store.objects, config, now: rt.now, newId: rt.newId };
    let minute = 0;
    const poll = async () => {
      // One scheduled poll every 15 minutes, as deployed.
      rt.setNow(new Date(Date.parse("2025-06-03T12:00:00Z") + minute * 60_000).toISOString());
      minute += 15;
      store.requests.clear();
      const [s] = await pollSources(deps, { allowLoopback: false, log: QUIET, baseDir: feedDir });
      if (!s || s.error) throw new Error(`bench poll failed: ${s?.error ?? "no summary"}`);
      const headCommits = store.written.filter((k) => k === "index/head.json").length;
      return { report: s.report, requests: short(new Map(store.requests)), headCommits };
    };

    console.log(
      "1. S3 requests per poll of a `path` source (100-item generated feed), one invocation each",
    );
    const first = await poll();
    const newItems = first.report?.new ?? 0;
    const perNewItem = total(first.requests) / Math.max(1, newItems);
    console.log(
      `   first poll:       ${newItems} new items, ${total(first.requests)} requests = ${perNewItem.toFixed(2)} per new story (budget <= 3); head commits: ${first.headCommits}`,
    );
    console.log(`                     ${breakdown(first.requests)}`);
    // The reference: the objects a new story must create (its entry and URL key).
    const created = (await objectsUnder(store, "entries/")) + (await objectsUnder(store, "keys/"));
    const putsPerObject = (first.requests.get("PutObject") ?? 0) / created;
    console.log(
      `                     ${created} objects created (entries + URL keys, ListObjectsV2); PutObject per object created: ${ratio(putsPerObject)}`,
    );

    // The first re-poll answers "304" where the last one said "200": that
    // status is part of the stored state. The next ones are the steady case.
    const again = await poll();
    console.log(
      `   unchanged re-poll, first after the fetch: ${total(again.requests)} requests, ${writes(again.requests)} writes`,
    );
    console.log(`                     ${breakdown(again.requests)}`);
    const steady = await poll();
    console.log(
      `   unchanged re-poll, steady: ${total(steady.requests)} requests, ${writes(steady.requests)} writes (design: <= 1 request, 0 writes)`,
    );
    console.log(`                     ${breakdown(steady.requests)}`);

    // New bytes (a channel element changed), the very same items.
    writeFileSync(
      feedFile,
      generateBenchFeed(100).replace(
        "<language>en-us</language>",
        "<language>en-us</language>\n<lastBuildDate>Tue, 03 Jun 2025 12:30:00 GMT</lastBuildDate>",
      ),
    );
    const touched = await poll();
    console.log(
      `   changed file, same items: ${total(touched.requests)} requests, ${writes(touched.requests)} writes (${touched.report?.new ?? 0} new, ${touched.report?.merged ?? 0} merged)`,
    );
    console.log(`                     ${breakdown(touched.requests)}`);

    // The same 100 items plus 10 older ones: what a typical later poll stores.
    writeFileSync(feedFile, generateBenchFeed(110));
    const more = await poll();
    const tenMore = more.report?.new ?? 0;
    const tenMorePerItem = total(more.requests) / Math.max(1, tenMore);
    console.log(
      `   10 more items:     ${tenMore} new, ${total(more.requests)} requests = ${tenMorePerItem.toFixed(2)} per new story (budget <= 3); head commits: ${more.headCommits}`,
    );
    console.log(`                     ${breakdown(more.requests)}`);

    summary.push(
      `S3 requests per new story: ${perNewItem.toFixed(2)} (first poll of ${newItems}), ${tenMorePerItem.toFixed(2)} (10 new in a later poll); budget <= 3; head commits per invocation ${first.headCommits} and ${more.headCommits}; PutObject per object created ${ratio(putsPerObject)}`,
      `S3 requests per unchanged re-poll: ${total(steady.requests)} (${writes(steady.requests)} writes); the first after a fetch: ${total(again.requests)} (${writes(again.requests)} writes); file changed, items same: ${total(touched.requests)} (${writes(touched.requests)} writes)`,
    );
  } finally {
    rmSync(feedDir, { recursive: true, force: true });
    await store.close();
  }
}

// ------------------------------------------------------- 3. regeneration

/** Unmeasured rounds first: the first renders run before the JIT has compiled them. */
const WARM_ROUNDS = 3;
const MEASURED_ROUNDS = 12;
const HISTORY_SIZES = [1_000, 10_000, 100_000];

/** One seeded bucket, ready for steady rounds. */
interface History {
  stored: number;
  store: TestStore;
  times: number[];
  requests: number[];
  ingestTimes: number[];
  ingestRequests: number[];
  last: Map<string, number>;
  /** Containment lookups per second of a scan of every stored story's text: no index. */
  naiveLookups: number;
}

/** Fresh stories from the realistic generator, 10 per round, never seen by the seed. */
function newCopies(rounds: number, now: string): NormalizedItem[][] {
  const raw = generateBenchRawFeed(rounds * 10);
  const copies = normalizeFeed(raw, {
    now,
    documentUrl: "https://news.example.com/feed.xml",
    iframeHosts: [],
  });
  return Array.from({ length: rounds }, (_, r) => copies.slice(r * 10, r * 10 + 10));
}

/** What a lookup without an index costs: the new copy against every stored text. */
function naiveLookupsPerSecond(stored: number): number {
  const source = { scope: "bench", name: "bench" };
  const profiles = seededStories(stored).map(
    (s) => copyOf({ item: s.entry.item, firstSeen: s.firstSeen }, source).profile,
  );
  const [query] = newCopies(1, "2025-06-03T12:00:00Z")[0]!;
  const q = copyOf(query!, source).profile;
  const t = performance.now();
  let rounds = 0;
  while (performance.now() - t < 300 || rounds === 0) {
    for (const p of profiles) containment(q, p);
    rounds++;
  }
  return rounds / ((performance.now() - t) / 1000);
}

async function seededHistory(stored: number, config: Config): Promise<History> {
  const store = await startStore();
  const limits = { windowSize: config.feed.windowSize, recentWindow: config.dedupe.recentWindow };
  const t0 = performance.now();
  const seeded = seedBucket(join(store.dir, BUCKET), stored, limits);
  const seedMs = performance.now() - t0;
  const counted = await countEntries(store.objects.client, BUCKET);
  if (counted.entries !== stored) {
    await store.close();
    throw new Error(`seeding went wrong: ListObjectsV2 counts ${counted.entries} entries`);
  }
  const { head } = await readHead(store.objects);
  console.log(
    `   ${String(stored).padStart(7)} stored: seeded ${seeded.objects} objects (${(seeded.bytes / 1e6).toFixed(1)} MB) in ${ms(seedMs)}; ` +
      `ListObjectsV2 counts ${counted.entries} entries (${counted.requests} request); head holds ${head.stories.length}`,
  );
  // Settle: the first regeneration publishes the feed files the seed lacks.
  await regenerate({ objects: store.objects, config, publicUrl: PUBLIC_URL });
  return {
    stored,
    store,
    times: [],
    requests: [],
    ingestTimes: [],
    ingestRequests: [],
    last: new Map(),
    naiveLookups: naiveLookupsPerSecond(stored),
  };
}

/** Ingests 10 new stories (one invocation), then times and counts the regeneration that follows. */
async function steadyRound(
  h: History,
  batch: NormalizedItem[],
  config: Config,
  now: string,
  measured: boolean,
) {
  const { objects, requests } = h.store;
  const rt = testRuntime(now);
  requests.clear();
  let t = performance.now();
  const invocation = new Invocation({ objects, config, now: rt.now, newId: rt.newId });
  const outcomes = await invocation.accept(batch, { scope: "bench-new", name: "bench-new" });
  await invocation.commit();
  const ingestMs = performance.now() - t;
  const ingestRequests = total(requests);
  if (outcomes.some((o) => o.kind !== "new")) throw new Error("bench items were not all new");
  requests.clear();
  t = performance.now();
  const result = await regenerate({ objects, config, publicUrl: PUBLIC_URL });
  const elapsed = performance.now() - t;
  if (!result.written.some((w) => w.startsWith("archive/"))) {
    throw new Error("the measured regeneration archived nothing: the seed is not steady");
  }
  if (!measured) return;
  h.ingestTimes.push(ingestMs);
  h.ingestRequests.push(ingestRequests);
  h.times.push(elapsed);
  h.requests.push(total(requests));
  h.last = short(new Map(requests));
}

async function benchHistory(config: Config, summary: string[]) {
  console.log(
    "2. Ingest (lookups included) and regeneration vs history size (steady state: 10 new stories, one invocation; they archive 10 and rewrite the feed)",
  );
  console.log(
    "   Seeding bypasses the S3 API: stories, URL keys, head index and archive state are written",
  );
  console.log(
    "   straight into the embedded server's folder; each bucket is then counted through ListObjectsV2.",
  );
  const histories: History[] = [];
  try {
    for (const stored of HISTORY_SIZES) histories.push(await seededHistory(stored, config));
    const now = "2025-06-03T12:00:00Z";
    // Rounds alternate between the buckets, so warm-up and machine load
    // weigh on every history size alike.
    for (const [round, batch] of newCopies(WARM_ROUNDS + MEASURED_ROUNDS, now).entries()) {
      for (const h of histories) await steadyRound(h, batch, config, now, round >= WARM_ROUNDS);
    }
  } finally {
    for (const h of histories) await h.store.close();
  }
  const rows = histories.map((h) => ({
    stored: h.stored,
    // The best run is the one least disturbed by other work on the machine.
    ms: Math.min(...h.times),
    median: median(h.times),
    requests: median(h.requests),
    ingestMs: Math.min(...h.ingestTimes),
    ingestRequests: median(h.ingestRequests),
    naive: h.naiveLookups,
    spread: `${Math.min(...h.requests)}${Math.min(...h.requests) === Math.max(...h.requests) ? "" : `-${Math.max(...h.requests)}`}`,
    breakdown: breakdown(h.last),
  }));
  const base = rows[0] as (typeof rows)[0];
  console.log(
    `   best (median) of ${MEASURED_ROUNDS} rounds after ${WARM_ROUNDS} warm-up rounds, 1k as the reference:`,
  );
  for (const row of rows) {
    console.log(
      `   ${String(row.stored).padStart(7)} stored: ingest of 10 ${ms(row.ingestMs)}, ${row.ingestRequests} requests (vs 1k: time ${ratio(row.ingestMs / base.ingestMs)}, requests ${ratio(row.ingestRequests / base.ingestRequests)}); ` +
        `a scan of every stored text without the index would manage ${row.naive.toFixed(1)} lookups/s (vs 1k ${ratio(row.naive / base.naive)})`,
    );
    console.log(
      `            regeneration ${ms(row.ms).padStart(7)} (${ms(row.median)}), ${row.spread} requests (${row.breakdown}); ` +
        `vs 1k: time ${ratio(row.ms / base.ms)}, requests ${ratio(row.requests / base.requests)}`,
    );
  }
  summary.push(
    `Ingest of 10 new stories (time, requests) vs 1k: ${rows
      .map(
        (r) =>
          `${r.stored / 1000}k ${ratio(r.ingestMs / base.ingestMs)} ${ratio(r.ingestRequests / base.ingestRequests)}`,
      )
      .join(
        "; ",
      )} (flat: lookups use the bounded head; an index-free scan falls to ${ratio(rows.at(-1)!.naive / base.naive)} at 100k)`,
    `Regeneration (time, requests) vs 1k: ${rows
      .map(
        (r) => `${r.stored / 1000}k ${ratio(r.ms / base.ms)} ${ratio(r.requests / base.requests)}`,
      )
      .join("; ")} (1k: ${ms(base.ms)}, ${base.requests} requests)`,
  );
}

/** Prints the three storage benchmarks; returns one summary line per figure. */
export async function benchStore(): Promise<string[]> {
  const summary: string[] = [];
  const config = testConfig();
  await benchPolls(summary);
  console.log();
  await benchHistory(config, summary);
  return summary;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const summary = await benchStore();
  console.log(`\nsummary:\n${summary.map((l) => `  ${l}`).join("\n")}`);
}
