/**
 * A bucket written before version 2 (random story ids, SimHash fingerprints,
 * a head index of SimHashes, guid/url/content key objects) keeps working: the
 * same items found again stay the stories they were, with the ids readers
 * know; the head is upgraded on the first commit; nothing is stored twice.
 */
import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sourceKey, urlIdentity } from "../../functions/core/dedupe/keys.ts";
import { readHead } from "../../functions/store/head.ts";
import { readStory } from "../../functions/store/stories.ts";
import { ingestDeps, ingestDocument, ingestPushed } from "../helpers/ingest.ts";
import { startTestStore, type TestStore } from "../helpers/store.ts";

const digest = (t: string) => createHash("sha256").update(t).digest("hex").slice(0, 40);
const DOC_URL = "https://old.example/feed.xml";
const BODY = (n: number) =>
  `Story ${n} of the old bucket: the harbour council met on Tuesday to approve a budget for the river festival, the school rail bridge and the market museum, with the library and hospital votes put off until the autumn session after a long debate about the cost.`;

let store: TestStore;
beforeEach(async () => {
  store = await startTestStore("old");
});
afterEach(async () => {
  await store.close();
});

/** What version 1 left for story n: its entry, its three key objects. */
async function writeV1Story(n: number, seq: number) {
  const id = `urn:uuid:9a1e0000-0000-4000-8000-00000000000${n}`;
  const url = `https://old.example/story-${n}`;
  const item = {
    url,
    title: `Old story ${n}`,
    summary: null,
    contentHtml: `<p>${BODY(n)}</p>`,
    published: "2025-05-01T10:00:00Z",
    updated: "2025-05-01T10:00:00Z",
    authors: [],
    categories: [],
    language: "en",
    enclosures: [],
    source: { feedUrl: DOC_URL, feedTitle: "Old", siteUrl: "https://old.example/", id: `old-${n}` },
  };
  const keys = [
    `url/${digest(urlIdentity(url))}`,
    `content/${digest(`v1 content ${n}`)}`,
    `guid/${digest(`${sourceKey(DOC_URL)}\nold-${n}`)}`,
  ];
  const entry = { id, item, published: item.published, updated: item.updated, related: [] };
  await store.objects.putJson(`entries/${encodeURIComponent(id)}.json`, {
    version: 1,
    id,
    rev: 1,
    entry,
    firstSeen: item.published,
    primarySource: sourceKey(DOC_URL),
    fingerprint: { contentHash: "0".repeat(64), simhash: "0123456789abcdef", words: 45 },
    keys,
    merges: [],
    removed: null,
    mergedInto: null,
    seq,
  });
  for (const k of keys) await store.objects.putJson(`keys/${k}`, { id });
  return { id, entry, seq };
}

function doc(ns: number[]) {
  const items = ns.map(
    (n) =>
      `<item><title>Old story ${n}</title><link>https://old.example/story-${n}</link><guid isPermaLink="false">old-${n}</guid><pubDate>Thu, 01 May 2025 10:00:00 +0000</pubDate><description>&lt;p&gt;${BODY(n)}&lt;/p&gt;</description></item>`,
  );
  return `<rss version="2.0"><channel><title>Old</title><link>https://old.example/</link><description>d</description>${items.join("")}</channel></rss>`;
}

describe("a bucket from before version 2", () => {
  it("finds its stories again by their old keys, keeps their ids, and upgrades the head", async () => {
    const one = await writeV1Story(1, 1); // left the head window long ago
    const two = await writeV1Story(2, 2);
    await store.objects.putJson("index/head.json", {
      version: 1,
      seq: 2,
      stories: [
        {
          id: two.id,
          seq: 2,
          rev: 1,
          simhash: "0123456789abcdef",
          words: 45,
          removed: false,
          entry: two.entry,
        },
      ],
    });
    const deps = ingestDeps(store);
    const again = await ingestDocument(deps, doc([1, 2]), { source: "old", documentUrl: DOC_URL });
    expect(again.new).toBe(0);
    expect(again.merged).toBe(2);
    const { head } = await readHead(store.objects);
    expect(head.version).toBe(2);
    expect(head.stories.map((s) => s.id)).toEqual([two.id]);
    expect((await store.objects.list("entries/")).map((o) => o.key).sort()).toEqual(
      [one.id, two.id].map((id) => `entries/${encodeURIComponent(id)}.json`).sort(),
    );
    // a copy from another outlet still finds the story by its text
    const other = await ingestPushed(
      deps,
      [{ url: "https://mirror.example/2", title: "Mirror of story 2", content: BODY(2) }],
      "mirror",
    );
    expect(other.new).toBe(0);
    expect((await readStory(store.objects, two.id))!.value.entry.related.map((r) => r.url)).toEqual(
      ["https://mirror.example/2"],
    );
  });
});
