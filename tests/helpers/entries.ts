/**
 * Record factories for rendering tests: a plausible, fully valid value by
 * default; each test overrides only the fields it is about.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Entry, FeedMeta, Item, ItemSource } from "../../functions/core/item.ts";
import type { PageLinks } from "../../functions/core/render/index.ts";

/** A source feed as the normalizer would describe it. */
export function makeSource(overrides: Partial<ItemSource> = {}): ItemSource {
  return {
    feedUrl: "https://blog.example.org/feed.xml",
    feedTitle: "Example Blog",
    siteUrl: "https://blog.example.org/",
    id: "https://blog.example.org/?p=1",
    ...overrides,
  };
}

/** A normalized item with only the required fields filled in. */
export function makeItem(overrides: Partial<Item> = {}): Item {
  return {
    url: "https://blog.example.org/2024/05/hello",
    title: "Hello, world",
    summary: null,
    contentHtml: "<p>First post.</p>",
    published: "2024-05-16T08:00:00Z",
    updated: null,
    authors: [],
    categories: [],
    language: null,
    enclosures: [],
    source: makeSource(),
    ...overrides,
  };
}

/** A published entry; `n` varies the id and dates so several entries stay distinct. */
export function makeEntry(overrides: Partial<Entry> = {}, n = 1): Entry {
  const hex = n.toString(16).padStart(12, "0");
  const day = String(Math.max(1, 28 - (n % 28))).padStart(2, "0");
  return {
    id: `urn:uuid:00000000-0000-4000-8000-${hex}`,
    item: makeItem(),
    published: `2024-05-${day}T08:00:00Z`,
    updated: `2024-05-${day}T09:30:00Z`,
    related: [],
    ...overrides,
  };
}

/** Feed settings of a typical deployment. */
export function makeMeta(overrides: Partial<FeedMeta> = {}): FeedMeta {
  return {
    id: "urn:uuid:6f1c6a4e-3b7e-4c2a-9d7e-2f9c1b0a5e11",
    title: "Morning Reading",
    subtitle: null,
    author: { name: "Ada Reader", email: null, uri: null },
    siteUrl: null,
    selfUrl: "https://feeds.example.net/feed.atom",
    language: "en",
    hubUrl: null,
    ...overrides,
  };
}

/** Links of the current feed document. */
export function makePage(overrides: Partial<PageLinks> = {}): PageLinks {
  return {
    self: "https://feeds.example.net/feed.atom",
    current: "https://feeds.example.net/feed.atom",
    alternates: {
      rss: "https://feeds.example.net/feed.rss",
      json: "https://feeds.example.net/feed.json",
    },
    prevArchive: null,
    nextArchive: null,
    archive: false,
    updated: "2024-05-20T12:00:00Z",
    ...overrides,
  };
}

/** One golden rendering input: `tests/fixtures/render/NAME.entries.json`. */
export interface RenderFixture {
  name: string;
  meta: FeedMeta;
  entries: Entry[];
  page: PageLinks;
}

/** The folder of the golden rendering pairs. */
export const RENDER_FIXTURES = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../fixtures/render",
);

/** Every golden rendering input, sorted by name. */
export function loadRenderFixtures(): RenderFixture[] {
  return readdirSync(RENDER_FIXTURES)
    .filter((f) => f.endsWith(".entries.json"))
    .sort()
    .map((f) => {
      const input = JSON.parse(readFileSync(join(RENDER_FIXTURES, f), "utf8")) as Omit<
        RenderFixture,
        "name"
      >;
      return { name: f.replace(/\.entries\.json$/, ""), ...input };
    });
}
