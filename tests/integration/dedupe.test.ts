/**
 * One story, one entry, one id forever: a scenario per kind of duplicate users
 * meet, and the two cases that must never be merged. Each drives the real
 * ingest code against the embedded S3 and checks what is stored.
 */
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StoredStory } from "../../functions/core/dedupe/story.ts";
import { regenerate } from "../../functions/regenerate/regenerate.ts";
import { readHead, type WindowStory } from "../../functions/store/head.ts";
import { readStory } from "../../functions/store/stories.ts";
import {
  ingestDeps,
  ingestDocument,
  ingestPushed,
  removeEntry,
  type TestIngestDeps,
} from "../helpers/ingest.ts";
import { startTestStore, type TestStore, total } from "../helpers/store.ts";

const story = (name: string) =>
  readFileSync(new URL(`../fixtures/stories/${name}`, import.meta.url), "utf-8");
const istanbulRaw = readFileSync(
  new URL("../fixtures/samples/istanbul-talks.txt", import.meta.url),
  "utf-8",
);
const lines = istanbulRaw.split("\n").filter((l) => l.trim());
/** The clean twin another outlet publishes: each paragraph once, no repeated title. */
const istanbulClean = [lines[0], ...lines.slice(3, 10)].join("\n\n");

let store: TestStore;
let deps: TestIngestDeps;

beforeEach(async () => {
  store = await startTestStore();
  deps = ingestDeps(store);
});
afterEach(async () => {
  await store.close();
});

async function live(): Promise<WindowStory[]> {
  return (await readHead(store.objects)).head.stories.filter((s) => !s.removed);
}

async function stored(id: string): Promise<StoredStory> {
  const got = await readStory(store.objects, id);
  if (!got) throw new Error(`no story ${id}`);
  return got.value;
}

function rss(items: { guid: string; link: string; title: string; body: string; date?: string }[]) {
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Outlet</title>
<link>https://outlet.example/</link><description>news</description>
${items
  .map(
    (
      i,
    ) => `<item><title>${esc(i.title)}</title><link>${esc(i.link)}</link><guid isPermaLink="false">${esc(i.guid)}</guid>
<pubDate>${i.date ?? "Mon, 02 Jun 2025 17:45:00 +0000"}</pubDate><description>${esc(
      i.body
        .split(/\n+/)
        .map((p) => `<p>${esc(p)}</p>`)
        .join(""),
    )}</description></item>`,
  )
  .join("\n")}</channel></rss>`;
}

const info = { source: "outlet", documentUrl: "https://outlet.example/feed.xml" };
type RssItem = Parameters<typeof rss>[0][number];
/** One poll of the outlet's feed carrying a single item. */
const ingestOne = (item: RssItem) => ingestDocument(deps, rss([item]), info);
const rates =
  "The central bank left its benchmark rate unchanged on Monday, saying it wanted more evidence that price growth was cooling before it would consider cuts later in the year. Policymakers voted seven to two to hold, with the two dissenters favouring an immediate quarter-point reduction. Officials noted that services inflation remained sticky while goods prices had eased.";

describe("the duplicates users meet become one entry", () => {
  it("1. the same item fetched again: one entry, nothing written the second time", async () => {
    const doc = rss([
      { guid: "a-1", link: "https://outlet.example/rates", title: "Rates held", body: rates },
    ]);
    const first = await ingestDocument(deps, doc, info);
    expect(first.new).toBe(1);
    store.requests.clear();
    const again = await ingestDocument(deps, doc, info);
    expect(again.new).toBe(0);
    expect(total(store.requests, "PutObjectCommand")).toBe(0);
    expect(await live()).toHaveLength(1);
  });

  it("2. the guid changes but the link is the same", async () => {
    await ingestOne({
      guid: "?p=123",
      link: "https://outlet.example/rates",
      title: "Rates held",
      body: rates,
    });
    const r = await ingestOne({
      guid: "https://outlet.example/?p=123",
      link: "https://outlet.example/rates",
      title: "Rates held",
      body: rates,
    });
    expect(r.new).toBe(0);
    expect(await live()).toHaveLength(1);
  });

  it("3. the link changes (https, www, tracking, slug fix) but the guid is the same", async () => {
    await ingestOne({
      guid: "g-7",
      link: "http://outlet.example/rates-hled",
      title: "Rates held",
      body: rates,
    });
    const r = await ingestOne({
      guid: "g-7",
      link: "https://www.outlet.example/rates-held?utm_source=rss&fbclid=x",
      title: "Rates held",
      body: rates,
    });
    expect(r.new).toBe(0);
    const [one] = await live();
    expect((await stored(one!.id)).entry.item.url).toBe("https://www.outlet.example/rates-held");
  });

  it("4. the title is edited after publication: same id, new title, updated unmoved", async () => {
    await ingestOne({
      guid: "g-8",
      link: "https://outlet.example/rates",
      title: "Rates hled",
      body: rates,
    });
    const [before] = await live();
    const was = await stored(before!.id);
    deps.setNow("2025-06-03T18:00:00Z");
    await ingestOne({
      guid: "g-8",
      link: "https://outlet.example/rates",
      title: "UPDATED: Rates held (12 comments)",
      body: rates,
    });
    const [after] = await live();
    expect(after!.id).toBe(before!.id);
    const now = await stored(after!.id);
    expect(now.entry.item.title).toBe("UPDATED: Rates held (12 comments)");
    expect(now.entry.updated).toBe(was.entry.updated);
    expect(now.entry.published).toBe(was.entry.published);
  });

  it("5. the same story from another outlet, with another title and URL: one entry, related link kept", async () => {
    await ingestPushed(
      deps,
      [
        {
          id: "wd-1",
          url: "https://worlddesk.example/istanbul",
          title: "Istanbul talks end without ceasefire",
          content: istanbulClean,
        },
      ],
      "world-desk",
    );
    const r = await ingestPushed(
      deps,
      [
        {
          id: "nw-9",
          url: "https://newswire.example/2025/istanbul-peace",
          title: "Peace talks stall in Istanbul",
          content: istanbulClean,
        },
      ],
      "newswire",
    );
    expect(r.new).toBe(0);
    const stories = await live();
    expect(stories).toHaveLength(1);
    const s = await stored(stories[0]!.id);
    expect(s.entry.related.map((l) => l.url)).toEqual([
      "https://newswire.example/2025/istanbul-peace",
    ]);
    expect(s.merges[0]?.reason.kind).toMatch(/content|near/);
  });

  it("6. paragraphs pasted twice: cleaned, and still matched to its clean twin elsewhere", async () => {
    await ingestPushed(
      deps,
      [
        {
          id: "dw-1",
          url: "https://dailywire.example/istanbul",
          title: lines[1],
          content: istanbulRaw,
        },
      ],
      "daily-wire",
    );
    const [one] = await live();
    const html = (await stored(one!.id)).entry.item.contentHtml ?? "";
    const repeated = lines[4]!.slice(0, 60);
    expect(html.split(repeated)).toHaveLength(2); // present exactly once
    const r = await ingestPushed(
      deps,
      [
        {
          id: "wd-1",
          url: "https://worlddesk.example/istanbul",
          title: "Istanbul talks end without ceasefire",
          content: istanbulClean,
        },
      ],
      "world-desk",
    );
    expect(r.new).toBe(0);
    expect(await live()).toHaveLength(1);
  });
});

describe("updated moves only on a meaningful change", () => {
  it("not on whitespace, markup, tracking parameters or category order; yes when the text changes", async () => {
    const doc = (body: string, link: string, cats: string) =>
      rss([{ guid: "u-1", link, title: "Rates held", body }]).replace(
        "<pubDate>",
        `${cats}<pubDate>`,
      );
    await ingestDocument(
      deps,
      doc(rates, "https://outlet.example/rates", "<category>A</category><category>B</category>"),
      info,
    );
    const [one] = await live();
    const first = await stored(one!.id);
    deps.setNow("2025-06-04T09:00:00Z");
    await ingestDocument(
      deps,
      doc(
        `  ${rates.replace(/ /g, "   ")}  `,
        "https://outlet.example/rates?utm_source=x",
        "<category>B</category><category>A</category>",
      ),
      info,
    );
    expect((await stored(one!.id)).entry.updated).toBe(first.entry.updated);
    deps.setNow("2025-06-05T09:00:00Z");
    await ingestDocument(
      deps,
      doc(`${rates} Correction: the vote was eight to one.`, "https://outlet.example/rates", ""),
      info,
    );
    const after = await stored(one!.id);
    expect(after.entry.updated).toBe("2025-06-05T09:00:00Z");
    expect(after.entry.published).toBe(first.entry.published);
    expect(after.id).toBe(first.id);
  });
});

describe("what must not be merged", () => {
  it("day-one and day-two coverage of the same talks stay two entries", async () => {
    await ingestPushed(
      deps,
      [
        {
          id: "d1",
          url: "https://outlet.example/istanbul-day-one",
          title: "Istanbul talks: prisoner swap agreed",
          content: story("istanbul-day-one.txt"),
        },
      ],
      "outlet",
    );
    const r = await ingestPushed(
      deps,
      [
        {
          id: "d2",
          url: "https://outlet.example/istanbul-day-two",
          title: "Istanbul talks: no ceasefire",
          content: istanbulClean,
        },
      ],
      "outlet",
    );
    expect(r.new).toBe(1);
    expect(await live()).toHaveLength(2);
  });

  it("two different items a broken feed gives the same guid stay two entries", async () => {
    const doc = rss([
      { guid: "same", link: "https://outlet.example/rates", title: "Rates held", body: rates },
      {
        guid: "same",
        link: "https://outlet.example/istanbul",
        title: "Istanbul talks",
        body: istanbulClean,
      },
    ]);
    const r = await ingestDocument(deps, doc, info);
    expect(r.new).toBe(2);
    expect(await live()).toHaveLength(2);
  });
});

describe("ids and removal", () => {
  it("keeps every story's id across later copies, and a removed story never comes back", async () => {
    const doc = rss([
      { guid: "g-9", link: "https://outlet.example/rates", title: "Rates held", body: rates },
    ]);
    await ingestDocument(deps, doc, info);
    const [one] = await live();
    await removeEntry(deps, one!.id);
    expect(await live()).toHaveLength(0);
    const again = await ingestDocument(deps, doc, info);
    expect(again.new).toBe(0);
    expect(again.dropped).toBe(1);
    const other = await ingestPushed(
      deps,
      [{ url: "https://mirror.example/rates", title: "Rates held (mirror)", content: rates }],
      "mirror",
    );
    expect(other.new).toBe(0);
    expect(await live()).toHaveLength(0);
  });
});

describe("one story, one entry, on real syndication", () => {
  /** The wire story's body, paragraph by paragraph (the sample article, cleaned). */
  const body = istanbulClean;
  const standfirst =
    "Negotiators left Istanbul with a prisoner exchange but no ceasefire, and each side blamed the other for the stalemate.";

  it("merges the full body and the body with a standfirst into one entry that names the other outlet", async () => {
    await ingestPushed(
      deps,
      [
        {
          id: "b-1",
          url: "https://outlet-b.example/istanbul",
          title: "Talks in Istanbul end",
          content: body,
        },
      ],
      "Outlet B",
    );
    const r = await ingestPushed(
      deps,
      [
        {
          id: "a-77",
          url: "https://outlet-a.example/world/istanbul-talks",
          title: "No ceasefire after Istanbul peace talks",
          content: `${lines[1]}\n\n${standfirst}\n\n${body}`,
          source: { title: "Outlet A", url: "https://outlet-a.example/" },
        },
      ],
      "Outlet A",
    );
    expect(r.new).toBe(0);
    const stories = await live();
    expect(stories).toHaveLength(1);
    const s = await stored(stories[0]!.id);
    expect(s.merges[0]).toMatchObject({
      sourceName: "Outlet A",
      reason: { kind: "near", measure: "containment" },
    });
    await regenerate({
      objects: store.objects,
      config: deps.config,
      publicUrl: "http://127.0.0.1:8787/",
    });
    const atom = (await store.objects.getText("public/feed.atom"))!.value;
    expect(atom.match(/<entry[ >]/g)).toHaveLength(1);
    expect(atom).toContain(
      'Also reported by: &lt;a href="https://outlet-a.example/world/istanbul-talks"&gt;Outlet A&lt;/a&gt;',
    );
  });

  it("shows the fullest text: a full copy replaces an excerpt, never the other way round; the id stays", async () => {
    const excerpt = `${body.split(/\s+/).slice(0, 50).join(" ")} […]`;
    await ingestPushed(
      deps,
      [
        {
          id: "t-1",
          url: "https://teaser.example/istanbul",
          title: "Istanbul teaser",
          summary: excerpt,
        },
      ],
      "teasers",
    );
    const [first] = await live();
    await ingestPushed(
      deps,
      [
        {
          id: "f-1",
          url: "https://full.example/istanbul",
          title: "Istanbul in full",
          content: body,
        },
      ],
      "full",
    );
    const [merged] = await live();
    expect(merged!.id).toBe(first!.id);
    const shown = await stored(merged!.id);
    expect(shown.entry.item.title).toBe("Istanbul in full");
    expect(shown.entry.related.map((r) => r.url)).toEqual(["https://teaser.example/istanbul"]);
    // the excerpt again (another outlet's teaser): the full text stays
    await ingestPushed(
      deps,
      [
        {
          id: "t-2",
          url: "https://teaser2.example/istanbul",
          title: "Teaser two",
          summary: excerpt,
        },
      ],
      "teasers-2",
    );
    const still = await stored(merged!.id);
    expect(still.entry.item.title).toBe("Istanbul in full");
    expect(await live()).toHaveLength(1);
  });

  it("a near-duplicate from the entry's own feed under another guid leaves a merge record", async () => {
    await ingestOne({
      guid: "r-1",
      link: "https://outlet.example/rates",
      title: "Rates held",
      body: `${rates} ${rates}`,
    });
    await ingestOne({
      guid: "r-2",
      link: "https://outlet.example/rates-v2",
      title: "Rates held, vote split",
      body: `${rates} ${rates} Two members dissented.`,
    });
    const stories = await live();
    expect(stories).toHaveLength(1);
    const s = await stored(stories[0]!.id);
    expect(s.entry.item.title).toBe("Rates held");
    expect(s.merges).toHaveLength(1);
    expect(s.merges[0]).toMatchObject({
      url: "https://outlet.example/rates-v2",
      reason: { kind: "near" },
    });
  });
});
