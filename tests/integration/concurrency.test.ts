/**
 * Lambda delivers at least once and runs copies side by side. With the
 * embedded S3 enforcing conditional writes as S3 does, concurrent ingests and
 * regenerations must store every story exactly once, and a replayed run must
 * change nothing.
 */
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { regenerate } from "../../functions/regenerate/regenerate.ts";
import { readHead } from "../../functions/store/head.ts";
import { readStory } from "../../functions/store/stories.ts";
import { ingestDeps, ingestDocument } from "../helpers/ingest.ts";
import { startTestStore, type TestStore } from "../helpers/store.ts";

const WORDS =
  "harbour council budget river festival school rail bridge market museum library hospital election court weather garden orchestra stadium airport factory".split(
    " ",
  );

/** Story n: its own words in its own order, long enough to fingerprint. */
function storyText(n: number): string {
  const out: string[] = [];
  let x = n * 7919 + 13;
  for (let i = 0; i < 90; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push(WORDS[x % WORDS.length]!, `w${(x >> 8) % 997}`);
  }
  return out.join(" ");
}

function feed(outlet: string, stories: number[]): string {
  return `<rss version="2.0"><channel><title>${outlet}</title><link>https://${outlet}.example/</link><description>d</description>
${stories
  .map(
    (n) => `<item><title>Story ${n}</title><link>https://shared.example/story/${n}</link>
<guid>${outlet}-${n}</guid><pubDate>Mon, 02 Jun 2025 ${String(n % 24).padStart(2, "0")}:00:00 +0000</pubDate>
<description>&lt;p&gt;${storyText(n)}&lt;/p&gt;</description></item>`,
  )
  .join("\n")}</channel></rss>`;
}

let store: TestStore;
beforeEach(async () => {
  store = await startTestStore();
});
afterEach(async () => {
  await store.close();
});

async function listAll(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let token: string | undefined;
  do {
    const page = await store.objects.client.send(
      new ListObjectsV2Command({ Bucket: store.objects.bucket, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) out.set(o.Key!, o.ETag!);
    token = page.NextContinuationToken;
  } while (token);
  return out;
}

describe("concurrent ingests and regenerations", () => {
  it("stores every story once, with one id, and the next feed has them all", async () => {
    const deps = {
      ...ingestDeps(store, { feed: { windowSize: 100 } }),
      newId: () => `urn:uuid:${crypto.randomUUID()}`,
    };
    const { config } = deps;
    // 8 outlets, 24 stories, each outlet carrying an overlapping third of them.
    const feeds = Array.from({ length: 8 }, (_, o) =>
      feed(
        `outlet${o}`,
        Array.from({ length: 12 }, (_, i) => (o * 3 + i) % 24),
      ),
    );
    const regen = () =>
      regenerate({ objects: store.objects, config, publicUrl: "http://127.0.0.1:8787/" });
    await Promise.all([
      ...feeds.map((doc, o) =>
        ingestDocument(deps, doc, {
          source: `outlet${o}`,
          documentUrl: `https://outlet${o}.example/feed`,
        }),
      ),
      regen(),
      regen(),
      regen(),
      regen(),
    ]);
    const { head } = await readHead(store.objects);
    const liveIds = head.stories.filter((s) => !s.removed).map((s) => s.id);
    expect(new Set(liveIds).size).toBe(24);
    const urls = await Promise.all(
      liveIds.map(async (id) => (await readStory(store.objects, id))!.value.entry.item.url),
    );
    expect(new Set(urls).size).toBe(24);

    await regen();
    const atom = (await store.objects.getText("public/feed.atom"))!.value;
    for (const id of liveIds) expect(atom).toContain(`<id>${id}</id>`);
    expect(atom.match(/<entry[ >]/g)).toHaveLength(24);
  });

  it("a replay of every event of a run changes nothing stored", async () => {
    const deps = ingestDeps(store);
    const { config } = deps;
    const run = async () => {
      for (let o = 0; o < 3; o++) {
        await ingestDocument(deps, feed(`outlet${o}`, [o, o + 1, o + 2, 10 + o]), {
          source: `outlet${o}`,
          documentUrl: `https://outlet${o}.example/feed`,
        });
        await regenerate({ objects: store.objects, config, publicUrl: "http://127.0.0.1:8787/" });
      }
    };
    await run();
    const before = await listAll();
    await run();
    const after = await listAll();
    expect(after).toEqual(before);
  });
});
