/**
 * Why Atom is not written with the `feed` package: each test first shows a
 * pitfall of the real `feed` 6.0.0 (so the test fails the day it is fixed and
 * we can reconsider), then that our renderer gets the same input right.
 */
import { Feed } from "feed";
import { describe, expect, it } from "vitest";
import {
  checkAtom,
  renderAtom,
  renderJsonFeed,
  renderRss,
} from "../../functions/core/render/index.ts";
import {
  attr,
  child,
  children,
  parseXml,
  text,
  type XmlNode,
} from "../../functions/core/render/xmlTree.ts";
import { makeEntry, makeItem, makeMeta, makePage } from "../helpers/entries.ts";
import { itWithTool, runFeedparser } from "../helpers/validators.ts";

const UPDATED = new Date("2024-05-20T12:00:00Z");
const ENTRY_ID = "urn:uuid:00000000-0000-4000-8000-000000000001";

/** A `feed` document with one item titled `title`. */
function feedPackageAtom(
  title: string,
  extra: Partial<ConstructorParameters<typeof Feed>[0]> = {},
): string {
  const f = new Feed({
    id: "https://feeds.example.net/",
    title: "Morning Reading",
    updated: UPDATED,
    feedLinks: { atom: "https://feeds.example.net/feed.atom" },
    author: { name: "Ada Reader" },
    ...extra,
  });
  f.addItem({
    title,
    id: ENTRY_ID,
    link: "https://blog.example.org/a",
    date: UPDATED,
    content: "<p>x</p>",
  });
  return f.atom1();
}

function root(xml: string, name: string): XmlNode {
  const parsed = parseXml(xml);
  if ("problem" in parsed) throw new Error(parsed.problem);
  const node = child(parsed.root, name);
  if (node === null) throw new Error(`no <${name}>`);
  return node;
}

function firstEntry(xml: string): XmlNode {
  const entry = child(root(xml, "feed"), "entry");
  if (entry === null) throw new Error("no entry");
  return entry;
}

const TRICKY_TITLE = 'Code <sample> & "quotes"';

describe("titles with < and &", () => {
  it("feed writes them as unescaped HTML, so readers drop <sample> as an unknown tag", () => {
    const xml = feedPackageAtom(TRICKY_TITLE);
    expect(xml).toContain('<title type="html"><![CDATA[Code <sample> & "quotes"]]></title>');
  });

  itWithTool("feedparser")("feed's title reaches a reader mangled, ours exactly as written", () => {
    const theirs = runFeedparser(feedPackageAtom(TRICKY_TITLE)).entries[0]?.title;
    expect(theirs).not.toContain("<sample>");
    const ours = runFeedparser(
      renderAtom(makeMeta(), [makeEntry({ item: makeItem({ title: TRICKY_TITLE }) })], makePage()),
    ).entries[0]?.title;
    expect(ours).toBe(TRICKY_TITLE);
  });

  it("we write the title as escaped plain text", () => {
    const xml = renderAtom(
      makeMeta(),
      [makeEntry({ item: makeItem({ title: TRICKY_TITLE }) })],
      makePage(),
    );
    expect(xml).toContain('<title type="text">Code &lt;sample&gt; &amp; "quotes"</title>');
    const title = child(firstEntry(xml), "title");
    expect(title && attr(title, "type")).toBe("text");
    expect(text(title)).toBe(TRICKY_TITLE);
  });

  it("'Hello & welcome' survives in every format", () => {
    const entries = [makeEntry({ item: makeItem({ title: "Hello & welcome" }) })];
    expect(renderAtom(makeMeta(), entries, makePage())).toContain(">Hello &amp; welcome</title>");
    expect(renderRss(makeMeta(), entries, makePage())).toContain(
      "<title>Hello &amp; welcome</title>",
    );
    expect(JSON.parse(renderJsonFeed(makeMeta(), entries, makePage())).items[0].title).toBe(
      "Hello & welcome",
    );
  });
});

describe("a feed without an author", () => {
  it("feed lets it out, breaking RFC 4287's author rule", () => {
    const f = new Feed({ id: "https://feeds.example.net/", title: "T", updated: UPDATED });
    f.addItem({ title: "a", id: ENTRY_ID, link: "https://blog.example.org/a", date: UPDATED });
    const xml = f.atom1();
    expect(xml).not.toContain("<author>");
    expect(checkAtom(xml)).toContainEqual(expect.stringContaining("has no author"));
  });

  it("we always name a feed author: the configured name, else the email's local part, else the feed title", () => {
    const entries = [makeEntry()];
    const noOne = renderAtom(
      makeMeta({ author: { name: null, email: null, uri: null } }),
      entries,
      makePage(),
    );
    expect(text(child(child(root(noOne, "feed"), "author")!, "name"))).toBe("Morning Reading");
    expect(checkAtom(noOne)).toEqual([]);
    const emailOnly = renderAtom(
      makeMeta({ author: { name: "  ", email: "ada@example.net", uri: null } }),
      entries,
      makePage(),
    );
    expect(text(child(child(root(emailOnly, "feed"), "author")!, "name"))).toBe("ada");
  });
});

describe("categories", () => {
  it("feed writes a category without the required term", () => {
    const f = new Feed({
      id: "https://feeds.example.net/",
      title: "T",
      updated: UPDATED,
      author: { name: "A" },
    });
    f.addItem({
      title: "a",
      id: ENTRY_ID,
      link: "https://blog.example.org/a",
      date: UPDATED,
      category: [{ name: "News" }],
    });
    expect(f.atom1()).toContain('<category label="News"/>');
    expect(checkAtom(f.atom1())).toContainEqual(expect.stringContaining("category without a term"));
  });

  it("we write every category as a term and drop empty ones", () => {
    const xml = renderAtom(
      makeMeta(),
      [makeEntry({ item: makeItem({ categories: ["News", "", "  ", "News", "Tech & Society"] }) })],
      makePage(),
    );
    const terms = children(firstEntry(xml), "category").map((c) => attr(c, "term"));
    expect(terms).toEqual(["News", "Tech & Society"]);
  });
});

describe("XML-forbidden control characters", () => {
  const dirty = "Bell\u0007 vertical\u000Btab\u0000 lone\uD800 surrogate";

  it("feed passes them into the document, which XML parsers then reject", () => {
    const xml = feedPackageAtom(dirty);
    expect(xml).toContain("\u000B");
    expect(checkAtom(xml)).toContainEqual(expect.stringContaining("forbidden character U+0007"));
  });

  it("we strip them from every string of every format, keeping tabs, newlines and emoji", () => {
    const item = makeItem({
      title: dirty,
      summary: `sum\u0001mary \uD83D\uDE00`,
      contentHtml: `<p>a\u0008b\tc\nd</p>`,
      authors: [{ name: "Zo\u0003e", email: null, uri: null }],
      categories: ["ca\u001Ft"],
    });
    const entries = [makeEntry({ item })];
    const meta = makeMeta({ title: "Morning\u000C Reading" });
    for (const out of [
      renderAtom(meta, entries, makePage()),
      renderRss(meta, entries, makePage()),
      renderJsonFeed(meta, entries, makePage()),
    ]) {
      expect(out).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]|\\u000|\\ud800/i);
      expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
      expect(out).toContain("Bell vertical");
      expect(out).toContain("\uD83D\uDE00");
    }
    const atom = renderAtom(meta, entries, makePage());
    expect(text(child(firstEntry(atom), "title"))).toBe("Bell verticaltab lone surrogate");
    expect(checkAtom(atom)).toEqual([]);
  });
});

describe("ids that are not web URLs", () => {
  it("feed throws on an id that is not a URL (and round-trips every id through the URL parser)", () => {
    expect(() => feedPackageAtom("t", {})).not.toThrow();
    const f = new Feed({ id: "x", title: "T", updated: UPDATED });
    f.addItem({ title: "a", id: "42", link: "https://blog.example.org/a", date: UPDATED });
    expect(() => f.atom1()).toThrow(/Invalid URL/);
  });

  it("we keep urn:uuid and tag: ids exactly as given", () => {
    const xml = renderAtom(
      makeMeta({ id: "tag:feeds.example.net,2024:Morning" }),
      [makeEntry({ id: "urn:uuid:0E9A3C2B-0000-4000-8000-00000000ABCD" })],
      makePage(),
    );
    expect(text(child(root(xml, "feed"), "id"))).toBe("tag:feeds.example.net,2024:Morning");
    expect(text(child(firstEntry(xml), "id"))).toBe(
      "urn:uuid:0E9A3C2B-0000-4000-8000-00000000ABCD",
    );
  });
});

describe("language", () => {
  it("feed drops the language from Atom", () => {
    expect(feedPackageAtom("t", { language: "fr" })).not.toContain("xml:lang");
  });

  it("we write xml:lang on the feed, and on an entry only where it differs", () => {
    const entries = [
      makeEntry({ item: makeItem({ language: "pt-BR" }) }, 1),
      makeEntry({ item: makeItem({ language: "FR" }) }, 2),
      makeEntry({ item: makeItem({ language: null }) }, 3),
    ];
    const feed = root(renderAtom(makeMeta({ language: "fr" }), entries, makePage()), "feed");
    expect(attr(feed, "xml:lang")).toBe("fr");
    expect(children(feed, "entry").map((e) => attr(e, "xml:lang"))).toEqual(["pt-BR", null, null]);
  });
});

describe("the other formats of feed", () => {
  it("feed writes JSON Feed 1.0 with the deprecated single author; we write 1.1 with authors", () => {
    const f = new Feed({ id: "x", title: "T", updated: UPDATED, author: { name: "A" } });
    const theirs = JSON.parse(f.json1());
    expect(theirs.version).toBe("https://jsonfeed.org/version/1");
    expect(theirs.author).toEqual({ name: "A" });
    const ours = JSON.parse(renderJsonFeed(makeMeta(), [], makePage()));
    expect(ours.version).toBe("https://jsonfeed.org/version/1.1");
    expect(ours.authors).toEqual([{ name: "Ada Reader" }]);
    expect(ours.author).toBeUndefined();
  });

  it("feed's RSS links the channel to 'undefined' without a site URL; ours to a real page", () => {
    const f = new Feed({ id: "x", title: "T", updated: UPDATED });
    expect(f.rss2()).toContain("<link>undefined</link>");
    expect(renderRss(makeMeta({ siteUrl: null }), [], makePage())).toContain(
      "<link>https://feeds.example.net/feed.atom</link>",
    );
  });
});
