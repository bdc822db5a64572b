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
import { type Candidate, findNearDuplicate } from "../functions/core/dedupe/match.ts";
import type { Fingerprint, NormalizedItem } from "../functions/core/item.ts";
import { normalizeFeed } from "../functions/core/normalize/index.ts";
import { acceptOptions } from "../functions/ingest/ingest.ts";
import { pollSources } from "../functions/ingest/poll.ts";
import { regenerate } from "../functions/regenerate/regenerate.ts";
import type { Log } from "../functions/runtime/log.ts";
import { readHead } from "../functions/store/head.ts";
import { acceptCopies } from "../functions/store/stories.ts";
import { testConfig, testRuntime } from "../tests/helpers/config.ts";
import { startTestStore, type TestStore, total } from "../tests/helpers/store.ts";
import { generateBenchFeed, generateBenchRawFeed, prng } from "./feed-generator.ts";
import { countEntries, randomSimhash, seedBucket, seededId } from "./seed.ts";

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
async function benchPolls(summary: string[]): Promise<void> {
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
      return { report: s.report, requests: short(new Map(store.requests)) };
    };

    console.log("1. S3 requests per poll of a `path` source (100-item generated feed)");
    const first = await poll();
    const newItems = first.report?.new ?? 0;
    const perNewItem = total(first.requests) / Math.max(1, newItems);
    console.log(
      `   first poll:       ${newItems} new items, ${total(first.requests)} requests = ${perNewItem.toFixed(2)} per new item`,
    );
    console.log(`                     ${breakdown(first.requests)}`);
    // The reference: the objects a new story must create (its entry and alias keys).
    const created = (await objectsUnder(store, "entries/")) + (await objectsUnder(store, "keys/"));
    const putsPerObject = (first.requests.get("PutObject") ?? 0) / created;
    console.log(
      `                     ${created} objects created (entries + alias keys, ListObjectsV2); PutObject per object created: ${ratio(putsPerObject)}`,
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
      `   unchanged re-poll, steady: ${total(steady.requests)} requests, ${writes(steady.requests)} writes (design: <= 2 requests, 0 writes)`,
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
      `   10 more items:     ${tenMore} new, ${total(more.requests)} requests = ${tenMorePerItem.toFixed(2)} per new item`,
    );
    console.log(`                     ${breakdown(more.requests)}`);

    summary.push(
      `S3 requests per new item: ${perNewItem.toFixed(2)} (first poll of ${newItems}), ${tenMorePerItem.toFixed(2)} (10 new in a later poll); PutObject per object created ${ratio(putsPerObject)}`,
      `S3 requests per unchanged re-poll: ${total(steady.requests)} (${writes(steady.requests)} writes); the first after a fetch: ${total(again.requests)} (${writes(again.requests)} writes); file changed, items same: ${total(touched.requests)} (${writes(touched.requests)} writes)`,
    );
  } finally {
    rmSync(feedDir, { recursive: true, force: true });
    await store.close();
  }
}

// ------------------------------------------------------------ 2. SimHash

/**
 * Lookups per second of `find` over the queries: the best of a few timed
 * windows, as the machine is shared and a slow window is someone else's work.
 */
function lookupsPerSecond(queries: Fingerprint[], find: (q: Fingerprint) => unknown) {
  for (const q of queries.slice(0, 50)) find(q); // warm the JIT
  let best = 0;
  for (let window = 0; window < 4; window++) {
    let done = 0;
    const t0 = performance.now();
    let elapsed = 0;
    while (elapsed < 120) {
      for (const q of queries) {
        find(q);
        done += 1;
        if (performance.now() - t0 >= 120) break;
      }
      elapsed = performance.now() - t0;
    }
    best = Math.max(best, done / (elapsed / 1000));
  }
  return best;
}

async function benchSimhash(config: Config, summary: string[]) {
  const options = { maxDistance: config.dedupe.hammingDistance, minWords: config.dedupe.minWords };
  const window = config.dedupe.recentWindow;
  const rand = prng(99);
  const queries: Fingerprint[] = Array.from({ length: 1000 }, () => ({
    contentHash: "",
    simhash: randomSimhash(rand),
    words: 120,
  }));
  console.log(
    `2. SimHash near-duplicate lookup (findNearDuplicate, distance <= ${options.maxDistance}; random queries, so every candidate is compared)`,
  );
  const rows: { stored: number; windowed: number; naive: number }[] = [];
  for (const stored of [10_000, 100_000]) {
    // Newest first, as acceptCopies reads them off the head index.
    const all: Candidate[] = Array.from({ length: stored }, (_, i) => ({
      id: seededId(stored - i),
      simhash: randomSimhash(rand),
      words: 120,
    }));
    const head = all.slice(0, window);
    const windowed = lookupsPerSecond(queries, (q) => findNearDuplicate(q, head, options));
    const naive = lookupsPerSecond(queries, (q) => findNearDuplicate(q, all, options));
    rows.push({ stored, windowed, naive });
    console.log(
      `   ${String(stored).padStart(7)} stored: head window (${head.length}) ${windowed.toFixed(0).padStart(8)} lookups/s; ` +
        `naive scan of all (reference) ${naive.toFixed(0).padStart(7)} lookups/s; window / naive ${ratio(windowed / naive)}`,
    );
  }
  const [small, large] = rows as [(typeof rows)[0], (typeof rows)[0]];
  console.log(
    `   window lookups/s at 100k / at 10k: ${ratio(large.windowed / small.windowed)} (flat); naive: ${ratio(large.naive / small.naive)}`,
  );
  summary.push(
    `SimHash lookups/s, head window of ${window}: ${small.windowed.toFixed(0)} at 10k, ${large.windowed.toFixed(0)} at 100k ` +
      `(${ratio(small.windowed / small.naive)} and ${ratio(large.windowed / large.naive)} the naive full scan)`,
  );
}

// ------------------------------------------------------- 3. regeneration

/** Unmeasured rounds first: the first renders run before the JIT has compiled them. */
const WARM_ROUNDS = 3;
const MEASURED_ROUNDS = 12;
const HISTORY_SIZES = [1_000, 10_000, 100_000];

/** One seeded bucket, ready for steady regenerations. */
interface History {
  stored: number;
  store: TestStore;
  nextId: () => string;
  times: number[];
  requests: number[];
  last: Map<string, number>;
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
  let n = 0;
  const nextId = () => `urn:uuid:00000000-0000-4000-9000-${String(++n).padStart(12, "0")}`;
  return { stored, store, nextId, times: [], requests: [], last: new Map() };
}

/** Ingests 10 new stories, then times and counts the regeneration that follows. */
async function steadyRound(
  h: History,
  batch: NormalizedItem[],
  config: Config,
  now: string,
  measured: boolean,
) {
  const { objects, requests } = h.store;
  // The options ingest itself passes, so the bench stores what a deploy would.
  const outcomes = await acceptCopies(
    objects,
    batch,
    "bench-new",
    acceptOptions({ objects, config, newId: h.nextId, now: () => now }),
  );
  if (outcomes.some((o) => o.kind !== "new")) throw new Error("bench items were not all new");
  requests.clear();
  const t = performance.now();
  const result = await regenerate({ objects, config, publicUrl: PUBLIC_URL });
  const elapsed = performance.now() - t;
  if (!result.written.some((w) => w.startsWith("archive/"))) {
    throw new Error("the measured regeneration archived nothing: the seed is not steady");
  }
  if (!measured) return;
  h.times.push(elapsed);
  h.requests.push(total(requests));
  h.last = short(new Map(requests));
}

async function benchRegeneration(config: Config, summary: string[]) {
  console.log(
    "3. Regeneration vs history size (steady state: 10 new stories archive 10 and rewrite the feed)",
  );
  console.log(
    "   Seeding bypasses the S3 API: stories, alias keys, head index and archive state are written",
  );
  console.log(
    "   straight into s3rver's folder; each bucket is then counted through ListObjectsV2.",
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
    spread: `${Math.min(...h.requests)}${Math.min(...h.requests) === Math.max(...h.requests) ? "" : `-${Math.max(...h.requests)}`}`,
    breakdown: breakdown(h.last),
  }));
  const base = rows[0] as (typeof rows)[0];
  console.log(
    `   regeneration after 10 new stories, best (median) of ${MEASURED_ROUNDS} after ${WARM_ROUNDS} warm-up rounds, 1k as the reference:`,
  );
  for (const row of rows) {
    console.log(
      `   ${String(row.stored).padStart(7)} stored: ${ms(row.ms).padStart(7)} (${ms(row.median)}), ${row.spread} requests (${row.breakdown}); ` +
        `vs 1k: time ${ratio(row.ms / base.ms)}, requests ${ratio(row.requests / base.requests)}`,
    );
  }
  summary.push(
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
  await benchSimhash(config, summary);
  console.log();
  await benchRegeneration(config, summary);
  return summary;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const summary = await benchStore();
  console.log(`\nsummary:\n${summary.map((l) => `  ${l}`).join("\n")}`);
}
