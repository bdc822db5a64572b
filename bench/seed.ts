/**
 * A bucket holding N stories, written straight into s3rver's on-disk layout
 * (`<dir>/<bucket>/<key>._S3rver_object`; s3rver makes the optional `.md5`
 * and metadata files itself when it needs them). Storing 100k stories through the S3 API
 * takes minutes on s3rver; on disk it takes seconds. What is written is what
 * ingest would have left behind: real `StoredStory` JSON with its alias keys,
 * the head index, and an archive state that says everything below the feed
 * window is already on an archive page.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { storyKeys } from "../functions/core/dedupe/keys.ts";
import { newStory, type StoredStory } from "../functions/core/dedupe/story.ts";
import type { NormalizedItem } from "../functions/core/item.ts";
import type { HeadIndex, HeadStory } from "../functions/store/head.ts";
import { HEAD_INDEX_KEY, PREFIX } from "../functions/store/layout.ts";
import { ARCHIVE_STATE_KEY, type ArchiveState } from "../functions/store/published.ts";
import { aliasKey, entryKey } from "../functions/store/stories.ts";
import { prng } from "./feed-generator.ts";

/** A random 64-bit SimHash as 16 hex digits. */
export function randomSimhash(rand: () => number): string {
  const half = () =>
    Math.floor(rand() * 2 ** 32)
      .toString(16)
      .padStart(8, "0");
  return half() + half();
}

/** Seeded story ids sort in seq order (their keys list in that order too). */
export const seededId = (seq: number) =>
  `urn:uuid:00000000-0000-4000-8000-${String(seq).padStart(12, "0")}`;

const SOURCE = "bench-history";
const START = Date.UTC(2023, 0, 1);

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** A cheap but complete copy: everything a reader and the render checks need. */
export function syntheticCopy(n: number, rand: () => number, at: number): NormalizedItem {
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
    fingerprint: {
      contentHash: createHash("sha256").update(`story ${n}`).digest("hex"),
      simhash: randomSimhash(rand),
      words: 120,
    },
    firstSeen: published,
  };
}

/** Stored stories 1..count (seq = n, one every ten minutes), oldest first. */
export function seededStories(count: number, seed = 7): StoredStory[] {
  const rand = prng(seed);
  const stories: StoredStory[] = [];
  for (let n = 1; n <= count; n++) {
    const copy = syntheticCopy(n, rand, START + n * 600_000);
    const keys = storyKeys(copy, SOURCE).map((k) => k.name);
    stories.push({ ...newStory(seededId(n), copy, SOURCE, keys), seq: n });
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
    id: s.id,
    seq: s.seq ?? 0,
    rev: s.rev,
    simhash: s.fingerprint.simhash,
    words: s.fingerprint.words,
    removed: false,
    entry: i < limits.windowSize ? s.entry : null,
  }));
  return { version: 1, seq: stories.at(-1)?.seq ?? 0, stories: summaries };
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
  let bytes = 0;
  const put = (key: string, body: string, md5: boolean) => {
    const file = join(bucketDir, `${key}._S3rver_object`);
    const dir = dirname(file);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    writeFileSync(file, body);
    // s3rver computes a missing md5 on an object's first read (and a listing
    // by common prefix never needs it), so only the index objects, read on
    // every run, get theirs now: 100k more files would double the seed time.
    if (md5) writeFileSync(`${file}.md5`, createHash("md5").update(body).digest("hex"));
    objects += 1;
    bytes += Buffer.byteLength(body);
  };
  const stories = seededStories(count);
  for (const story of stories) {
    put(entryKey(story.id), JSON.stringify(story), false);
    for (const name of story.keys) put(aliasKey({ name }), JSON.stringify({ id: story.id }), false);
  }
  put(HEAD_INDEX_KEY, JSON.stringify(headFor(stories, limits)), true);
  put(ARCHIVE_STATE_KEY, JSON.stringify(archiveStateFor(count, limits.windowSize)), true);
  return { stories: count, objects, bytes };
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
