/**
 * A bucket holding N stories, written straight into the embedded server's
 * on-disk layout (functions/local/s3-files.ts). Storing 100k stories through the S3 API
 * takes minutes on s3rver; on disk it takes seconds. What is written is what
 * ingest would have left behind: real `StoredStory` JSON with its URL keys,
 * the head index, and an archive state that says everything below the feed
 * window is already on an archive page.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { copyOf } from "../functions/core/dedupe/facts.ts";
import { sourceKey, storyIdFor } from "../functions/core/dedupe/keys.ts";
import { newStory, type StoredStory } from "../functions/core/dedupe/story.ts";
import type { NormalizedItem } from "../functions/core/item.ts";
import { CHECKED_MARK } from "../functions/local/repair.ts";
import { filesOf, metadataJson, stampOf } from "../functions/local/s3-files.ts";
import { EMPTY_HEAD, type HeadIndex, type HeadStory, headStory } from "../functions/store/head.ts";
import { HEAD_INDEX_KEY, PREFIX } from "../functions/store/layout.ts";
import { ARCHIVE_STATE_KEY, type ArchiveState } from "../functions/store/published.ts";
import { aliasKey, entryKey } from "../functions/store/stories.ts";

/** Seeded story ids sort in seq order (their keys list in that order too). */
const SOURCE = { scope: sourceKey("bench-history"), name: "bench-history" };
const START = Date.UTC(2023, 0, 1);

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** A cheap but complete copy: everything a reader and the render checks need. */
export function syntheticCopy(n: number, at: number): NormalizedItem {
  const published = iso(at);
  return {
    item: {
      url: `https://history.example.com/story/${n}`,
      title: `Story number ${n}`,
      summary: `A short summary of story ${n}.`,
      contentHtml: `<p>The text of story ${n}, kept short so that seeding stays cheap.</p>`,
      published,
      updated: null,
      authors: [{ name: "Reporter", email: null, uri: null }],
      categories: ["News"],
      language: "en",
      enclosures: [],
      source: {
        feedUrl: "https://history.example.com/feed.xml",
        feedTitle: "History",
        siteUrl: "https://history.example.com/",
        id: `https://history.example.com/?p=${n}`,
      },
    },
    firstSeen: published,
  };
}

/** Stored stories 1..count (seq = n, one every ten minutes), oldest first, as ingest stores them. */
export function seededStories(count: number): StoredStory[] {
  const stories: StoredStory[] = [];
  for (let n = 1; n <= count; n++) {
    const copy = copyOf(syntheticCopy(n, START + n * 600_000), SOURCE);
    stories.push({ ...newStory(storyIdFor(copy.storyKeys[0]!), copy, null), seq: n });
  }
  return stories;
}

/** The head index ingest would have built: the newest `recentWindow`, full entries for `windowSize`. */
export function headFor(
  stories: readonly StoredStory[],
  limits: { windowSize: number; recentWindow: number },
): HeadIndex {
  const newest = stories.slice(-limits.recentWindow).reverse();
  const summaries: HeadStory[] = newest.map((s, i) => ({
    ...headStory(s, s.seq ?? 0),
    entry: i < limits.windowSize ? s.entry : null,
  }));
  return { ...EMPTY_HEAD, seq: stories.at(-1)?.seq ?? 0, stories: summaries };
}

/**
 * Every story below the feed window already archived, 50 to a page (what
 * steady regenerations after every ingest of 50 would have left).
 */
export function archiveStateFor(count: number, windowSize: number): ArchiveState {
  const archived = Math.max(0, count - windowSize);
  return { version: 1, pages: Math.ceil(archived / 50), archivedSeq: archived, pending: null };
}

export interface SeedResult {
  stories: number;
  objects: number;
  bytes: number;
}

/**
 * Writes `count` stories into the bucket folder of a (running or not yet
 * started) s3rver: entries, alias keys, head index and archive state.
 * Archive page bodies are not written: regeneration never reads them.
 */
export function seedBucket(
  bucketDir: string,
  count: number,
  limits: { windowSize: number; recentWindow: number },
): SeedResult {
  const made = new Set<string>();
  let objects = 0;
  let total = 0;
  // The three files the embedded store writes per object (functions/local/s3-files.ts),
  // whole, so that its checks read them as written.
  const put = (key: string, body: string) => {
    const base = join(bucketDir, key);
    const files = filesOf(base);
    const dir = dirname(files.object);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    const bytes = Buffer.from(body);
    const stamp = stampOf(bytes);
    writeFileSync(files.object, bytes);
    writeFileSync(files.md5, stamp.md5);
    writeFileSync(files.metadata, metadataJson({ "content-type": "application/json" }, stamp));
    objects += 1;
    total += bytes.length;
  };
  const stories = seededStories(count);
  for (const story of stories) {
    put(entryKey(story.id), JSON.stringify(story));
    // the URL key object (the guid key is the entry itself: its id derives from it)
    const url = story.keys.find((k) => k.startsWith("url/"));
    if (url) put(aliasKey({ name: url }), JSON.stringify({ id: story.id }));
  }
  put(HEAD_INDEX_KEY, JSON.stringify(headFor(stories, limits)));
  put(ARCHIVE_STATE_KEY, JSON.stringify(archiveStateFor(count, limits.windowSize)));
  // written whole: the embedded server need not read every object at its next start
  writeFileSync(join(dirname(bucketDir), CHECKED_MARK), "{}\n");
  return { stories: count, objects, bytes: total };
}

/**
 * Counts the entry objects with ListObjectsV2. Every key under `entries/`
 * ends in `.json`, so with that as the delimiter each key comes back as its
 * own common prefix: s3rver walks its folder once and answers in one page,
 * where listing keys 1,000 at a time would walk it once per page (minutes at
 * 100k). Real S3 pages common prefixes like keys; the loop follows it.
 */
export async function countEntries(client: S3Client, bucket: string) {
  const seen = new Set<string>();
  let token: string | undefined;
  let requests = 0;
  do {
    const out = await client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: PREFIX.entries,
        Delimiter: ".json",
        ContinuationToken: token,
      }),
    );
    for (const o of out.Contents ?? []) if (o.Key) seen.add(o.Key);
    for (const p of out.CommonPrefixes ?? []) if (p.Prefix) seen.add(p.Prefix);
    token = out.NextContinuationToken;
    requests += 1;
  } while (token);
  return { entries: seen.size, requests };
}
