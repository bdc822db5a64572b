/** The JSON Feed 1.1 alternate, checked field by field against the spec. */
import { describe, expect, it } from "vitest";
import { checkJsonFeed, renderJsonFeed } from "../../functions/core/render/index.ts";
import { loadRenderFixtures, makeEntry, makeItem, makeMeta, makePage } from "../helpers/entries.ts";

type JsonItem = Record<string, unknown>;

function feed(
  ...args: Parameters<typeof renderJsonFeed>
): Record<string, unknown> & { items: JsonItem[] } {
  return JSON.parse(renderJsonFeed(...args));
}

describe("JSON Feed 1.1", () => {
  it("passes checkJsonFeed for every golden input", () => {
    for (const f of loadRenderFixtures())
      expect(checkJsonFeed(renderJsonFeed(f.meta, f.entries, f.page)), f.name).toEqual([]);
  });

  it("describes the feed: version, title, home page, its own URL, language, authors, hub", () => {
    const out = feed(
      makeMeta({
        siteUrl: "https://reading.example.net/",
        hubUrl: "https://hub.example.net/",
        subtitle: "Sub",
      }),
      [],
      makePage(),
    );
    expect(out).toEqual({
      version: "https://jsonfeed.org/version/1.1",
      title: "Morning Reading",
      home_page_url: "https://reading.example.net/",
      feed_url: "https://feeds.example.net/feed.json",
      description: "Sub",
      authors: [{ name: "Ada Reader" }],
      language: "en",
      hubs: [{ type: "WebSub", url: "https://hub.example.net/" }],
      items: [],
    });
  });

  it("writes every item field the entry has", () => {
    const entry = makeEntry({
      item: makeItem({
        title: 'Code <sample> & "quotes"',
        summary: "Short.",
        authors: [{ name: "Grace", email: "grace@example.com", uri: null }],
        categories: ["Tech", ""],
        language: "de",
        enclosures: [{ url: "https://cdn.example.com/a.mp3", type: "audio/mpeg", length: 9 }],
      }),
      related: [
        {
          url: "https://mirror.example.org/a",
          title: "Copy",
          feedTitle: null,
          matchedBy: { kind: "url", key: "k" },
        },
      ],
    });
    expect(feed(makeMeta(), [entry], makePage()).items[0]).toEqual({
      id: "urn:uuid:00000000-0000-4000-8000-000000000001",
      url: "https://blog.example.org/2024/05/hello",
      title: 'Code <sample> & "quotes"',
      // the other outlet, visible where readers look
      content_html:
        '<p>First post.</p>\n<p>Also reported by: <a href="https://mirror.example.org/a">mirror.example.org</a></p>',
      summary: "Short.",
      date_published: "2024-05-27T08:00:00Z",
      date_modified: "2024-05-27T09:30:00Z",
      authors: [{ name: "Grace", url: "mailto:grace@example.com" }],
      tags: ["Tech"],
      language: "de",
      attachments: [
        { url: "https://cdn.example.com/a.mp3", mime_type: "audio/mpeg", size_in_bytes: 9 },
      ],
      _cleanfeed: { related: [{ url: "https://mirror.example.org/a", title: "Copy" }] },
    });
  });

  it("falls back to content_text when there is no HTML, since an item needs one of them", () => {
    const [item] = feed(
      makeMeta(),
      [makeEntry({ item: makeItem({ contentHtml: null, summary: null }) })],
      makePage(),
    ).items;
    expect(item?.content_html).toBeUndefined();
    expect(item?.content_text).toBe("Hello, world");
  });

  it("never dates a modification before publication", () => {
    const [item] = feed(
      makeMeta(),
      [makeEntry({ published: "2024-05-10T00:00:00Z", updated: "2024-05-01T00:00:00Z" })],
      makePage(),
    ).items;
    expect(item?.date_modified).toBe("2024-05-10T00:00:00Z");
  });

  it("uses page.self as feed_url when the caller gives JSON-specific links", () => {
    expect(
      feed(makeMeta(), [], makePage({ self: "https://x.example/f.json", alternates: null }))
        .feed_url,
    ).toBe("https://x.example/f.json");
  });

  it("contains no control characters or lone surrogates, even escaped", () => {
    const json = renderJsonFeed(
      makeMeta(),
      [makeEntry({ item: makeItem({ title: "a\u0000b\uDC00c\u001Fd" }) })],
      makePage(),
    );
    expect(json).not.toMatch(/\\u00[01]|\\ud[89a-f]/i);
    expect(JSON.parse(json).items[0].title).toBe("abcd");
  });
});
