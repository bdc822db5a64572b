import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ItemValidationError } from "../../functions/core/errors.ts";
import { normalizeAuthors } from "../../functions/core/normalize/authors.ts";
import { normalizeEntry, normalizeFeed } from "../../functions/core/normalize/index.ts";
import type { RawEntry, RawFeed } from "../../functions/core/parse/raw.ts";
import { link, person, rawEntry, rawFeed, text } from "../helpers/raw.ts";

const CTX = {
  now: "2024-05-20T12:00:00Z",
  documentUrl: "https://news.example.com/feed.xml",
  iframeHosts: ["www.youtube.com"],
};

function one(entry: Partial<RawEntry>, feed: Partial<RawFeed> = {}) {
  const e = rawEntry({ title: text("A title", "text"), ...entry });
  return normalizeEntry(e, rawFeed([e], feed), CTX);
}

describe("normalize: text fields", () => {
  it("decodes entities, strips tags and collapses whitespace in titles", () => {
    expect(one({ title: text("  Tom &amp; Jerry\n\t<b>return</b>  ", "html") }).item.title).toBe(
      "Tom & Jerry return",
    );
    // declared text is literal: its angle brackets are words, not tags
    expect(one({ title: text("Plain <i>text</i> with a tag", "text") }).item.title).toBe(
      "Plain <i>text</i> with a tag",
    );
    expect(one({ title: text("Content <type>  matrix", "text") }).item.title).toBe(
      "Content <type> matrix",
    );
    expect(
      one({ title: text("<script>alert(1)</script> &amp; other XSS", "text") }).item.title,
    ).toBe("<script>alert(1)</script> & other XSS");
    expect(one({ title: text("x < y &amp; y > z", "text") }).item.title).toBe("x < y & y > z");
    expect(one({ title: text("<span>XHTML</span> title", "xhtml") }).item.title).toBe(
      "XHTML title",
    );
  });

  it("falls back to the start of the content for a missing title", () => {
    const body =
      "Residents of the old harbour district woke to find the tide had reached the market square overnight, again.";
    const item = one({ title: null, content: text(`<p>${body}</p>`) }).item;
    expect(item.title).toBe(
      "Residents of the old harbour district woke to find the tide had reached the…",
    );
    expect(item.title.length).toBeLessThanOrEqual(81);
  });

  it("uses a short content whole as the title", () => {
    expect(
      one({ title: text("  ", "text"), content: text("Short note.", "text") }).item.title,
    ).toBe("Short note.");
  });
});

describe("normalize: links", () => {
  it("uses the first alternate link, canonical", () => {
    const item = one({
      links: [
        link("https://news.example.com/comments/1", { rel: "replies" }),
        link("HTTPS://News.Example.com:443/story?utm_source=rss&id=1#more"),
        link("https://news.example.com/other"),
      ],
    }).item;
    expect(item.url).toBe("https://news.example.com/story?id=1");
  });

  it("resolves relative links against xml:base, feed base, site URL and document URL in turn", () => {
    expect(
      one({ links: [link("a")], base: "https://e.example/x/" }, { base: "https://f.example/" }).item
        .url,
    ).toBe("https://e.example/x/a");
    expect(one({ links: [link("a")] }, { base: "https://f.example/y/" }).item.url).toBe(
      "https://f.example/y/a",
    );
    expect(one({ links: [link("a")] }, { siteUrl: "https://site.example/blog/" }).item.url).toBe(
      "https://site.example/blog/a",
    );
    expect(one({ links: [link("/a")] }, { siteUrl: null }).item.url).toBe(
      "https://news.example.com/a",
    );
  });

  it("falls back to a permalink guid, never to a non-permalink one", () => {
    expect(
      one({ id: "https://news.example.com/p/1?utm_medium=feed", idIsPermalink: null }).item.url,
    ).toBe("https://news.example.com/p/1");
    expect(one({ id: "https://news.example.com/p/1", idIsPermalink: false }).item.url).toBeNull();
    expect(one({ id: "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427" }).item.url).toBeNull();
  });

  it("never makes up a URL from a guid that is not an absolute http(s) URL", () => {
    // <guid>d1</guid>: isPermaLink defaults to true, but "d1" is an id, not a page on the site
    expect(one({ id: "d1", idIsPermalink: true }).item.url).toBeNull();
    expect(one({ id: "/posts/1", idIsPermalink: true }).item.url).toBeNull();
    expect(one({ id: "https://news.example.com/p/2", idIsPermalink: true }).item.url).toBe(
      "https://news.example.com/p/2",
    );
  });

  it("refuses non-http item links", () => {
    expect(
      one({ links: [link("javascript:alert(1)"), link("ftp://x.example/f")] }).item.url,
    ).toBeNull();
  });

  it("keeps the original id and describes the source", () => {
    const item = one(
      { id: " tag:news.example.com,2024:1 " },
      {
        title: text("News &amp; Views", "text"),
        siteUrl: "https://news.example.com/?utm_source=x",
      },
    ).item;
    expect(item.source).toEqual({
      feedUrl: "https://news.example.com/feed.xml",
      feedTitle: "News & Views",
      siteUrl: "https://news.example.com/",
      id: " tag:news.example.com,2024:1 ",
    });
  });
});

describe("normalize: dates", () => {
  it("outputs RFC 3339 UTC and cross-fills published and updated", () => {
    const a = one({ published: "Thu, 16 May 2024 10:00:00 +0200" }).item;
    expect([a.published, a.updated]).toEqual(["2024-05-16T08:00:00Z", "2024-05-16T08:00:00Z"]);
    const b = one({ updated: "2024-05-17T08:00:00Z" }).item;
    expect([b.published, b.updated]).toEqual(["2024-05-17T08:00:00Z", "2024-05-17T08:00:00Z"]);
  });

  it("leaves unreadable dates null and records the first-seen time", () => {
    const r = one({ published: "someday", updated: null });
    expect([r.item.published, r.item.updated]).toEqual([null, null]);
    expect(r.firstSeen).toBe("2024-05-20T12:00:00Z");
  });

  it("clamps dates more than a day in the future to now", () => {
    expect(one({ published: "2030-01-01T00:00:00Z" }).item.published).toBe("2024-05-20T12:00:00Z");
    expect(one({ published: "2024-05-21T11:00:00Z" }).item.published).toBe("2024-05-21T11:00:00Z");
  });
});

describe("normalize: people, categories, language, enclosures", () => {
  it("splits RSS author strings and dedupes identical authors", () => {
    const item = one({
      authors: [
        person("jo@example.com (Jo Bloggs)"),
        person("Sam Smith <sam@example.com>"),
        person("Ann Other"),
        person("solo@example.com"),
        person("jo@example.com (Jo Bloggs)"),
        {
          name: "Atom Person",
          email: "mailto:ap@example.com",
          uri: "https://ap.example/#me",
          raw: null,
        },
      ],
    }).item;
    expect(item.authors).toEqual([
      { name: "Jo Bloggs", email: "jo@example.com", uri: null },
      { name: "Sam Smith", email: "sam@example.com", uri: null },
      { name: "Ann Other", email: null, uri: null },
      { name: null, email: "solo@example.com", uri: null },
      { name: "Atom Person", email: "ap@example.com", uri: "https://ap.example/" },
    ]);
  });

  it("splits a name-only person (dc:creator) written with an email, keeping the email", () => {
    const named = (name: string) => ({ name, email: null, uri: null, raw: null });
    const item = one({
      authors: [
        named("Sam Lee <sam@example.com>"),
        named("jo@example.com (Jo Bloggs)"),
        named("Ann <i>Other</i>"),
      ],
    }).item;
    expect(item.authors).toEqual([
      { name: "Sam Lee", email: "sam@example.com", uri: null },
      { name: "Jo Bloggs", email: "jo@example.com", uri: null },
      { name: "Ann Other", email: null, uri: null },
    ]);
  });

  it("falls back to the feed's authors", () => {
    expect(one({}, { authors: [person("Desk")] }).item.authors).toEqual([
      { name: "Desk", email: null, uri: null },
    ]);
  });

  it("cleans categories, deduplicating case-insensitively in order", () => {
    expect(
      one({ categories: ["  World  News", "tech", "world news", "", "Tech", "AT&amp;T"] }).item
        .categories,
    ).toEqual(["World News", "tech", "AT&T"]);
  });

  it("normalizes the language tag, entry first", () => {
    expect(one({ language: "en-us" }, { language: "fr" }).item.language).toBe("en-US");
    expect(one({}, { language: "PT_br" }).item.language).toBe("pt-BR");
    expect(one({ language: "zh-hant-tw" }).item.language).toBe("zh-Hant-TW");
    expect(one({ language: "English" }).item.language).toBeNull();
  });

  it("makes enclosure URLs absolute and lengths numbers", () => {
    const item = one({
      base: "https://cdn.example/pod/",
      enclosures: [
        link("ep1.mp3?utm_source=feed", { rel: "enclosure", type: "Audio/MPEG", length: "12345" }),
        link("ep1.mp3", { rel: "enclosure", type: "audio/mpeg" }),
        link("ep2.mp3", { rel: "enclosure", length: "about 3MB" }),
        link("data:audio/mp3;base64,AAAA", { rel: "enclosure" }),
      ],
    }).item;
    expect(item.enclosures).toEqual([
      { url: "https://cdn.example/pod/ep1.mp3", type: "audio/mpeg", length: 12345 },
      { url: "https://cdn.example/pod/ep2.mp3", type: null, length: null },
    ]);
  });
});

describe("normalize: content and summary", () => {
  const LONG = `<p>${"The committee met again to discuss the harbour wall. ".repeat(12)}</p>`;

  it("sanitizes content and drops the title repeated at its start", () => {
    const item = one({
      title: text("Harbour wall", "text"),
      content: text(
        '<h1>Harbour Wall</h1><p onclick="x">Work starts <a href="/w?fbclid=1">today</a>.</p>',
      ),
    }).item;
    expect(item.contentHtml).toBe(
      '<p>Work starts <a href="https://news.example.com/w" rel="noopener noreferrer">today</a>.</p>',
    );
  });

  it("drops a content that only repeats the title, unless it shows media", () => {
    const title = text("Zürich — naïve café", "text");
    // an RSS description that is the bare title text
    expect(one({ title, summary: text("Zürich —  Naïve Café") }).item.contentHtml).toBeNull();
    expect(
      one({ title, content: text("Zürich — naïve café", "text") }).item.contentHtml,
    ).toBeNull();
    // content that is only the title: the description, if any, is the body
    expect(
      one({
        title,
        content: text("Zürich — naïve café"),
        summary: text("<p>The city's cafés.</p>"),
      }).item.contentHtml,
    ).toBe("<p>The city's cafés.</p>");
    const photo = one({
      title,
      summary: text('Zürich — naïve café <img src="https://news.example.com/c.jpg" alt="">'),
    }).item;
    expect(photo.contentHtml).toContain("<img");
  });

  it("uses the description as content when there is no content", () => {
    const item = one({ summary: text("<p>Only a description.</p>") }).item;
    expect(item.contentHtml).toBe("<p>Only a description.</p>");
    expect(item.summary).toBeNull(); // short enough to be read whole
  });

  it("keeps a summary that says something else, as plain text", () => {
    const item = one({
      content: text(LONG),
      summary: text("<b>Short</b> &amp; different teaser."),
    }).item;
    expect(item.summary).toBe("Short & different teaser.");
  });

  it("derives a summary from long content when the feed's is just its start", () => {
    const item = one({
      content: text(LONG),
      summary: text("The committee met again to discuss […]"),
    }).item;
    expect(item.summary?.startsWith("The committee met again to discuss the harbour wall.")).toBe(
      true,
    );
    expect(item.summary?.endsWith("…")).toBe(true);
    expect(item.summary?.length).toBeLessThanOrEqual(400);
  });

  it("treats a teaser with several end markers, or a WordPress footer, as the content's start", () => {
    const more = one({
      content: text(LONG),
      summary: text('<p>The committee met again [...] <a href="/1">Read more</a></p>'),
    }).item;
    expect(more.summary?.startsWith("The committee met again to discuss the harbour wall.")).toBe(
      true,
    );
    const footer = "The post Harbour appeared first on The Daily Wall.";
    const wordpress = one({
      content: text(`<p>The committee met again.</p><p>More words.</p><p>${footer}</p>`),
      summary: text(`The committee met again. [&#8230;]<p>${footer}</p>`),
    }).item;
    expect(wordpress.summary).toBeNull(); // the content is short enough to be read whole
    // words after the marker that the content does not hold are the feed's own: kept
    const own = one({
      content: text("<p>The committee met again.</p><p>More words.</p>"),
      summary: text("The committee met again. […] Also: a vote next week."),
    }).item;
    expect(own.summary).toBe("The committee met again. […] Also: a vote next week.");
  });

  it("drops a summary that only repeats the title", () => {
    expect(one({ content: text(LONG), summary: text("A TITLE ", "text") }).item.summary).toBeNull();
  });

  it("cuts long summaries on a word boundary", () => {
    const words = "lorem ipsum dolor sit amet ".repeat(30);
    const s = one({ content: text("<p>Body.</p>"), summary: text(words, "text") }).item
      .summary as string;
    expect(s.length).toBeLessThanOrEqual(400);
    expect(s.endsWith("…")).toBe(true);
    expect(words.startsWith(s.slice(0, -1))).toBe(true);
    expect(/\s…$/.test(s)).toBe(false);
  });

  it("turns plain-text content into escaped paragraphs", () => {
    const item = one({ content: text("First line <b>not bold</b>\n\nSecond & last", "text") }).item;
    expect(item.contentHtml).toBe(
      "<p>First line &lt;b&gt;not bold&lt;/b&gt;</p><p>Second &amp; last</p>",
    );
    const single = one({ content: text("one\ntwo\nthree", "text") }).item;
    expect(single.contentHtml).toBe("<p>one</p><p>two</p><p>three</p>");
  });

  it("keeps hard-wrapped plain text paragraphs together", () => {
    const wrapped =
      "This paragraph was wrapped\nat a short width by its author.\n\nAnd a second one\nwrapped too.";
    expect(one({ content: text(wrapped, "text") }).item.contentHtml).toBe(
      "<p>This paragraph was wrapped at a short width by its author.</p><p>And a second one wrapped too.</p>",
    );
  });

  it("shows the pasted-twice Istanbul story once, title as the title only", () => {
    const sample = readFileSync(
      new URL("../fixtures/samples/istanbul-talks.txt", import.meta.url),
      "utf8",
    );
    // The team's copy lives in shared/ beside the repository, when there is one.
    const shared = new URL("../../../shared/samples/istanbul-talks.txt", import.meta.url);
    if (existsSync(shared)) expect(readFileSync(shared, "utf8")).toBe(sample);
    const title = "Stalemate Continues: Ukraine and Russia Fail to Reach Peace Amid Talks";
    const item = one({ title: text(title, "text"), content: text(sample, "text") }).item;
    const html = item.contentHtml as string;
    const paragraphs = [...html.matchAll(/<p>(.*?)<\/p>/g)].map((m) => m[1] as string);
    expect(item.title).toBe(title);
    expect(html).not.toContain("Stalemate Continues");
    expect(paragraphs[0]).toMatch(/^Recent peace talks in Istanbul/);
    expect(paragraphs[1]).toMatch(/^Peace discussions in Istanbul yield limited progress/);
    // every distinct line of the sample, except the title, exactly once
    const distinct = new Set(
      sample
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l !== "" && l !== title),
    );
    expect(paragraphs).toHaveLength(distinct.size);
    expect(new Set(paragraphs).size).toBe(paragraphs.length);
    for (const p of paragraphs) expect(html.split(p).length - 1).toBe(1);
  });
});

describe("normalizeFeed", () => {
  it("skips entries with no title, content or link, and keeps order", () => {
    const feed = rawFeed([
      rawEntry({ title: text("First", "text") }),
      rawEntry({ id: "not-a-link", published: "2024-05-16" }),
      rawEntry({ links: [link("https://news.example.com/only-a-link")] }),
    ]);
    const items = normalizeFeed(feed, CTX);
    expect(items.map((i) => i.item.title)).toEqual([
      "First",
      "https://news.example.com/only-a-link",
    ]);
  });

  it("throws a validation error for such an entry given alone", () => {
    const e = rawEntry({});
    expect(() => normalizeEntry(e, rawFeed([e]), CTX)).toThrow(ItemValidationError);
  });

  it("refuses a context without a valid now", () => {
    expect(() => normalizeFeed(rawFeed([]), { ...CTX, now: "soon" })).toThrow(RangeError);
  });
});

describe("people credited item after item", () => {
  it("splits the same RSS author string alike every time, each item with its own record", () => {
    const raw = { name: null, email: null, uri: null, raw: "jo@news.example (Jo Bloggs)" };
    const first = normalizeAuthors([raw], null);
    const second = normalizeAuthors([{ ...raw }], null);
    expect(first).toEqual([{ name: "Jo Bloggs", email: "jo@news.example", uri: null }]);
    expect(second).toEqual(first);
    (first[0] as { name: string | null }).name = "changed";
    expect(normalizeAuthors([raw], null)[0]?.name).toBe("Jo Bloggs");
  });
});
