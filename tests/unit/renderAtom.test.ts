/**
 * The Atom feed as readers and validators see it: jing with RFC 4287's schema,
 * feedparser as a typical reader, and the structure each requirement names.
 */
import { describe, expect, it } from "vitest";
import type { Entry } from "../../functions/core/item.ts";
import { checkAtom, renderAtom } from "../../functions/core/render/index.ts";
import {
  attr,
  child,
  children,
  parseXml,
  text,
  type XmlNode,
} from "../../functions/core/render/xmlTree.ts";
import {
  loadRenderFixtures,
  makeEntry,
  makeItem,
  makeMeta,
  makePage,
  makeSource,
} from "../helpers/entries.ts";
import { itWithTool, runFeedparser, runJing, runJingAll } from "../helpers/validators.ts";

function feedOf(xml: string): XmlNode {
  const parsed = parseXml(xml);
  if ("problem" in parsed) throw new Error(parsed.problem);
  const feed = child(parsed.root, "feed");
  if (feed === null) throw new Error("no <feed>");
  return feed;
}

function entriesOf(xml: string): XmlNode[] {
  return children(feedOf(xml), "entry");
}

function linksOf(
  node: XmlNode,
): { rel: string | null; type: string | null; href: string | null }[] {
  return children(node, "link").map((l) => ({
    rel: attr(l, "rel"),
    type: attr(l, "type"),
    href: attr(l, "href"),
  }));
}

const everyOptionalField: Entry = makeEntry({
  item: makeItem({
    url: "https://news.example.com/a?x=1&y=2",
    title: 'Code <sample> & "quotes"',
    summary: "Short & plain.",
    contentHtml: '<p>Body with <a href="https://news.example.com/b">link</a></p>',
    authors: [
      { name: "Grace", email: "grace@news.example.com", uri: "https://news.example.com/grace" },
    ],
    categories: ["Tech"],
    language: "de",
    enclosures: [{ url: "https://cdn.example.com/a.mp3", type: "audio/mpeg", length: 1000 }],
    source: makeSource({
      feedTitle: "News",
      feedUrl: "https://news.example.com/feed",
      siteUrl: "https://news.example.com/",
    }),
  }),
  related: [
    {
      url: "https://mirror.example.org/a",
      title: "Mirror copy",
      feedTitle: "Mirror",
      matchedBy: { kind: "url", key: "k" },
    },
  ],
});

const scenarios: { name: string; xml: string }[] = [
  { name: "empty feed", xml: renderAtom(makeMeta(), [], makePage()) },
  { name: "one entry", xml: renderAtom(makeMeta(), [makeEntry()], makePage()) },
  {
    name: "entries with every optional field",
    xml: renderAtom(
      makeMeta({
        subtitle: "Sub",
        siteUrl: "https://reading.example.net/",
        hubUrl: "https://hub.example.net/",
      }),
      [everyOptionalField, makeEntry({}, 2)],
      makePage(),
    ),
  },
  {
    name: "archive page",
    xml: renderAtom(
      makeMeta(),
      [makeEntry({}, 3)],
      makePage({
        self: "https://feeds.example.net/archive/1.atom",
        alternates: null,
        nextArchive: "https://feeds.example.net/archive/2.atom",
        archive: true,
      }),
    ),
  },
  {
    name: "no feed author, no urls, no content",
    xml: renderAtom(
      makeMeta({ author: { name: null, email: null, uri: null }, language: null }),
      [makeEntry({ item: makeItem({ url: null, contentHtml: null, summary: null }) })],
      makePage(),
    ),
  },
  ...loadRenderFixtures().map((f) => ({
    name: `golden ${f.name}`,
    xml: renderAtom(f.meta, f.entries, f.page),
  })),
];

describe("jing with RFC 4287's RELAX NG schema", () => {
  itWithTool("jing")(
    "accepts every scenario: empty, one entry, every optional field, archive, goldens",
    () => {
      const verdicts = runJingAll(Object.fromEntries(scenarios.map((s) => [s.name, s.xml])));
      const failures = Object.entries(verdicts).filter(([, v]) => !v.ok);
      expect(failures).toEqual([]);
      expect(Object.keys(verdicts)).toHaveLength(scenarios.length);
    },
  );

  for (const { name, xml } of scenarios) {
    it(`${name} passes the rules jing skips (author, content or alternate) and our other checks`, () => {
      expect(checkAtom(xml)).toEqual([]);
    });
  }

  itWithTool("jing")(
    "rejects a document that breaks the schema (so the test above can fail)",
    () => {
      const broken = renderAtom(makeMeta(), [makeEntry()], makePage()).replace(
        /<updated>[^<]*<\/updated>/g,
        "",
      );
      expect(runJing(broken).ok).toBe(false);
    },
  );
});

describe("feedparser, as a reader", () => {
  for (const { name, xml } of scenarios) {
    itWithTool("feedparser")(
      `reads the ${name} cleanly, each entry with id, title, link or content, updated`,
      () => {
        const parsed = runFeedparser(xml);
        expect(parsed.bozo, parsed.bozoException ?? "").toBe(0);
        expect(parsed.version).toBe("atom10");
        // every entry written is one feedparser read: the loop below must not pass on none
        expect(parsed.entries).toHaveLength(entriesOf(xml).length);
        for (const e of parsed.entries) {
          expect(e.id).toMatch(/^urn:uuid:/);
          expect(e.title).toBeTruthy();
          expect(e.updated).toBeTruthy();
          expect(e.link ?? e.content).toBeTruthy();
        }
      },
    );
  }

  itWithTool("feedparser")("shows titles, authors, tags and enclosures exactly as written", () => {
    const parsed = runFeedparser(scenarios[2]!.xml);
    const [first] = parsed.entries;
    expect(first?.title).toBe('Code <sample> & "quotes"');
    expect(first?.link).toBe("https://news.example.com/a?x=1&y=2");
    expect(first?.authors).toEqual(["Grace"]);
    expect(first?.tags).toEqual(["Tech"]);
    expect(first?.enclosures).toEqual(["https://cdn.example.com/a.mp3"]);
    expect(first?.summary).toBe("Short & plain.");
    expect(first?.content).toContain('<a href="https://news.example.com/b">link</a>');
  });
});

describe("feed-level elements", () => {
  it("links self to page.self, the site, the alternates with their types, and the hub", () => {
    const xml = renderAtom(
      makeMeta({ siteUrl: "https://reading.example.net/", hubUrl: "https://hub.example.net/" }),
      [],
      makePage({ self: "https://cdn.example.net/x/feed.atom" }),
    );
    expect(linksOf(feedOf(xml))).toEqual([
      { rel: "self", type: "application/atom+xml", href: "https://cdn.example.net/x/feed.atom" },
      { rel: "alternate", type: "text/html", href: "https://reading.example.net/" },
      { rel: "alternate", type: "application/rss+xml", href: "https://feeds.example.net/feed.rss" },
      {
        rel: "alternate",
        type: "application/feed+json",
        href: "https://feeds.example.net/feed.json",
      },
      { rel: "hub", type: null, href: "https://hub.example.net/" },
      { rel: "current", type: "application/atom+xml", href: "https://feeds.example.net/feed.atom" },
    ]);
  });

  it("marks an archive page with fh:archive and RFC 5005 links, without the alternates", () => {
    const xml = renderAtom(
      makeMeta(),
      [],
      makePage({
        self: "https://feeds.example.net/archive/2.atom",
        alternates: null,
        prevArchive: "https://feeds.example.net/archive/1.atom",
        nextArchive: "https://feeds.example.net/archive/3.atom",
        archive: true,
      }),
    );
    const feed = feedOf(xml);
    expect(attr(feed, "xmlns:fh")).toBe("http://purl.org/syndication/history/1.0");
    expect(children(feed, "fh:archive")).toHaveLength(1);
    expect(linksOf(feed).map((l) => `${l.rel} ${l.href}`)).toEqual([
      "self https://feeds.example.net/archive/2.atom",
      "current https://feeds.example.net/feed.atom",
      "prev-archive https://feeds.example.net/archive/1.atom",
      "next-archive https://feeds.example.net/archive/3.atom",
    ]);
  });

  it("writes no fh:archive on the current feed", () => {
    const xml = renderAtom(
      makeMeta(),
      [],
      makePage({ prevArchive: "https://feeds.example.net/archive/9.atom" }),
    );
    expect(xml).not.toContain("fh:archive");
    expect(linksOf(feedOf(xml)).map((l) => l.rel)).toContain("prev-archive");
  });

  it("uses the caller's updated, the subtitle when set, and names the generator", () => {
    const feed = feedOf(
      renderAtom(
        makeMeta({ subtitle: "All of it" }),
        [],
        makePage({ updated: "2030-01-02T03:04:05Z" }),
      ),
    );
    expect(text(child(feed, "updated"))).toBe("2030-01-02T03:04:05Z");
    expect(text(child(feed, "subtitle"))).toBe("All of it");
    expect(text(child(feed, "generator"))).toBe("cleanfeed");
  });
});

describe("entries", () => {
  it("keeps the order given and drops a repeated id (keeping the first, newest)", () => {
    const a = makeEntry({ item: makeItem({ title: "newest" }) }, 1);
    const b = makeEntry({ item: makeItem({ title: "older" }) }, 2);
    const again = { ...a, item: makeItem({ title: "stale copy" }) };
    const titles = entriesOf(renderAtom(makeMeta(), [a, b, again], makePage())).map((e) =>
      text(child(e, "title")),
    );
    expect(titles).toEqual(["newest", "older"]);
  });

  it("never writes updated before published", () => {
    const entry = makeEntry({ published: "2024-05-10T10:00:00Z", updated: "2024-05-01T00:00:00Z" });
    const [e] = entriesOf(renderAtom(makeMeta(), [entry], makePage()));
    expect(text(child(e!, "published"))).toBe("2024-05-10T10:00:00Z");
    expect(text(child(e!, "updated"))).toBe("2024-05-10T10:00:00Z");
  });

  it("writes summary only when the item has one, and content as escaped HTML", () => {
    const xml = renderAtom(
      makeMeta(),
      [makeEntry({ item: makeItem({ summary: null, contentHtml: "<p>a &amp; b</p>" }) })],
      makePage(),
    );
    const [e] = entriesOf(xml);
    expect(child(e!, "summary")).toBeNull();
    expect(attr(child(e!, "content")!, "type")).toBe("html");
    expect(text(child(e!, "content"))).toBe("<p>a &amp; b</p>");
    expect(xml).toContain('<content type="html">&lt;p&gt;a &amp;amp; b&lt;/p&gt;</content>');
  });

  it("omits content when there is none, the alternate link standing in for it", () => {
    const [e] = entriesOf(
      renderAtom(
        makeMeta(),
        [makeEntry({ item: makeItem({ contentHtml: null, summary: "Just this." }) })],
        makePage(),
      ),
    );
    expect(child(e!, "content")).toBeNull();
    expect(text(child(e!, "summary"))).toBe("Just this.");
    expect(linksOf(e!)[0]).toEqual({
      rel: "alternate",
      type: null,
      href: "https://blog.example.org/2024/05/hello",
    });
  });

  it("gives a link-only story its title as summary, so validators see textual content", () => {
    const [e] = entriesOf(
      renderAtom(
        makeMeta(),
        [makeEntry({ item: makeItem({ title: "Link post", contentHtml: null, summary: null }) })],
        makePage(),
      ),
    );
    expect(text(child(e!, "summary"))).toBe("Link post");
    expect(child(e!, "content")).toBeNull();
  });

  it("drops relative and non-web links, so only absolute IRIs are published", () => {
    const entry = makeEntry({
      item: makeItem({
        url: "/2024/relative",
        enclosures: [{ url: "javascript:alert(1)", type: "audio/mpeg", length: 1 }],
        authors: [{ name: "Ann", email: null, uri: "about:blank" }],
      }),
      related: [
        { url: "../sibling", title: "x", feedTitle: null, matchedBy: { kind: "guid", key: "g" } },
      ],
    });
    const xml = renderAtom(makeMeta(), [entry], makePage());
    const [e] = entriesOf(xml);
    expect(linksOf(e!)).toEqual([]);
    expect(child(child(e!, "author")!, "uri")).toBeNull();
    expect(checkAtom(xml)).toEqual([]);
  });

  it("writes authors with a name always: the email's local part or 'unknown' when missing, none for nobody", () => {
    const entry = makeEntry({
      item: makeItem({
        authors: [
          { name: "  ", email: "zoe@example.org", uri: null },
          { name: null, email: null, uri: "https://anon.example.org/" },
          { name: null, email: null, uri: null },
          { name: "bob@example.org (Bob Smith)", email: null, uri: null },
        ],
      }),
    });
    const [e] = entriesOf(renderAtom(makeMeta(), [entry], makePage()));
    const people = children(e!, "author").map((a) => [
      text(child(a, "name")),
      text(child(a, "email")),
    ]);
    expect(people).toEqual([
      ["zoe", "zoe@example.org"],
      ["unknown", ""],
      ["Bob Smith", "bob@example.org"],
    ]);
  });

  it("writes related links and enclosures with their type and length", () => {
    const [e] = entriesOf(renderAtom(makeMeta(), [everyOptionalField], makePage()));
    const links = children(e!, "link").map((l) => [
      attr(l, "rel"),
      attr(l, "href"),
      attr(l, "type"),
      attr(l, "length"),
      attr(l, "title"),
    ]);
    expect(links).toEqual([
      ["alternate", "https://news.example.com/a?x=1&y=2", null, null, null],
      ["related", "https://mirror.example.org/a", null, null, "Mirror copy (Mirror)"],
      ["enclosure", "https://cdn.example.com/a.mp3", "audio/mpeg", "1000", null],
    ]);
  });

  it("names the source feed with id, title, updated and its self and site links", () => {
    const [e] = entriesOf(renderAtom(makeMeta(), [everyOptionalField], makePage()));
    const source = child(e!, "source")!;
    expect(text(child(source, "id"))).toBe("https://news.example.com/feed");
    expect(text(child(source, "title"))).toBe("News");
    expect(text(child(source, "updated"))).toBe(text(child(e!, "updated")));
    expect(linksOf(source)).toEqual([
      { rel: "self", type: null, href: "https://news.example.com/feed" },
      { rel: "alternate", type: "text/html", href: "https://news.example.com/" },
    ]);
  });

  it("writes no source when the source feed's URL is unknown (pushed items)", () => {
    const entry = makeEntry({ item: makeItem({ source: makeSource({ feedUrl: null }) }) });
    const [e] = entriesOf(renderAtom(makeMeta(), [entry], makePage()));
    expect(child(e!, "source")).toBeNull();
  });

  it("writes no xml:lang for a malformed language tag", () => {
    const xml = renderAtom(
      makeMeta({ language: "en_US!" }),
      [makeEntry({ item: makeItem({ language: "??" }) })],
      makePage(),
    );
    expect(xml).not.toContain("xml:lang");
  });
});
