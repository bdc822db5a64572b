/** The RSS 2.0 alternate as feedparser-based readers see it. */
import { describe, expect, it } from "vitest";
import { checkRss, renderRss } from "../../functions/core/render/index.ts";
import {
  attr,
  child,
  children,
  parseXml,
  text,
  type XmlNode,
} from "../../functions/core/render/xmlTree.ts";
import { loadRenderFixtures, makeEntry, makeItem, makeMeta, makePage } from "../helpers/entries.ts";
import { itWithTool, runFeedparser } from "../helpers/validators.ts";

function channelOf(xml: string): XmlNode {
  const parsed = parseXml(xml);
  if ("problem" in parsed) throw new Error(parsed.problem);
  const channel = child(child(parsed.root, "rss")!, "channel");
  if (channel === null) throw new Error("no <channel>");
  return channel;
}

function itemsOf(xml: string): XmlNode[] {
  return children(channelOf(xml), "item");
}

const fixtures = loadRenderFixtures();

describe("feedparser, as a reader", () => {
  for (const f of fixtures) {
    itWithTool("feedparser")(
      `reads golden ${f.name} as RSS 2.0 cleanly, each item with id, title, link, date`,
      () => {
        const parsed = runFeedparser(renderRss(f.meta, f.entries, f.page));
        expect(parsed.bozo, parsed.bozoException ?? "").toBe(0);
        expect(parsed.version).toBe("rss20");
        expect(parsed.entries).toHaveLength(f.entries.length);
        for (const e of parsed.entries) {
          expect(e.id).toMatch(/^urn:uuid:/);
          expect(e.title).toBeTruthy();
          expect(e.updated).toBeTruthy();
        }
      },
    );
  }

  itWithTool("feedparser")("shows the title, link, summary and each author exactly once", () => {
    const entry = makeEntry({
      item: makeItem({
        title: 'Code <sample> & "quotes"',
        url: "https://news.example.com/a?x=1&y=2",
        summary: "a < b",
        authors: [
          { name: "Grace", email: "grace@news.example.com", uri: null },
          { name: "Linus", email: null, uri: null },
        ],
      }),
    });
    const [e] = runFeedparser(renderRss(makeMeta(), [entry], makePage())).entries;
    expect(e?.title).toBe('Code <sample> & "quotes"');
    expect(e?.link).toBe("https://news.example.com/a?x=1&y=2");
    expect(e?.authors).toEqual(["Grace", "Linus"]);
    expect(e?.content).toBe("<p>First post.</p>");
  });
});

describe("channel", () => {
  it("passes checkRss for every golden input", () => {
    for (const f of fixtures)
      expect(checkRss(renderRss(f.meta, f.entries, f.page)), f.name).toEqual([]);
  });

  it("links itself as the RSS alternate, or as page.self when the caller gives RSS-specific links", () => {
    const selfOf = (xml: string) =>
      attr(children(channelOf(xml), "atom:link").find((l) => attr(l, "rel") === "self")!, "href");
    expect(selfOf(renderRss(makeMeta(), [], makePage()))).toBe(
      "https://feeds.example.net/feed.rss",
    );
    expect(
      selfOf(
        renderRss(makeMeta(), [], makePage({ self: "https://x.example/f.rss", alternates: null })),
      ),
    ).toBe("https://x.example/f.rss");
  });

  it("carries title, site link, description, language and an RFC 822 build date", () => {
    const channel = channelOf(
      renderRss(
        makeMeta({ siteUrl: "https://reading.example.net/", subtitle: "Sub", language: "pt-BR" }),
        [],
        makePage(),
      ),
    );
    expect(text(child(channel, "title"))).toBe("Morning Reading");
    expect(text(child(channel, "link"))).toBe("https://reading.example.net/");
    expect(text(child(channel, "description"))).toBe("Sub");
    expect(text(child(channel, "language"))).toBe("pt-BR");
    expect(text(child(channel, "lastBuildDate"))).toBe("Mon, 20 May 2024 12:00:00 GMT");
  });
});

describe("items", () => {
  it("writes the entry id as a non-permalink guid and the published date in RFC 822", () => {
    const [item] = itemsOf(
      renderRss(makeMeta(), [makeEntry({ published: "2024-02-29T23:59:58Z" })], makePage()),
    );
    const guid = child(item!, "guid")!;
    expect(text(guid)).toBe("urn:uuid:00000000-0000-4000-8000-000000000001");
    expect(attr(guid, "isPermaLink")).toBe("false");
    expect(text(child(item!, "pubDate"))).toBe("Thu, 29 Feb 2024 23:59:58 GMT");
  });

  it("puts the plain summary, HTML-escaped, in description and the HTML in content:encoded", () => {
    const [item] = itemsOf(
      renderRss(
        makeMeta(),
        [makeEntry({ item: makeItem({ summary: "a < b & c", contentHtml: "<p>x</p>" }) })],
        makePage(),
      ),
    );
    expect(text(child(item!, "description"))).toBe("a &lt; b &amp; c");
    expect(text(child(item!, "content:encoded"))).toBe("<p>x</p>");
  });

  it("writes one enclosure, with a length and a type even when the source gave none", () => {
    const entry = makeEntry({
      item: makeItem({
        enclosures: [
          { url: "https://cdn.example.com/a.jpg", type: null, length: null },
          { url: "https://cdn.example.com/b.mp3", type: "audio/mpeg", length: 5 },
        ],
      }),
    });
    const enclosures = children(
      itemsOf(renderRss(makeMeta(), [entry], makePage()))[0]!,
      "enclosure",
    );
    expect(enclosures.map((e) => [attr(e, "url"), attr(e, "length"), attr(e, "type")])).toEqual([
      ["https://cdn.example.com/a.jpg", "0", "application/octet-stream"],
    ]);
  });

  it("writes the first author with an email as <author>, the rest as dc:creator", () => {
    const entry = makeEntry({
      item: makeItem({
        authors: [
          { name: "Linus", email: null, uri: null },
          { name: null, email: "anon@example.org", uri: null },
        ],
      }),
    });
    const [item] = itemsOf(renderRss(makeMeta(), [entry], makePage()));
    expect(text(child(item!, "author"))).toBe("anon@example.org");
    expect(children(item!, "dc:creator").map(text)).toEqual(["Linus"]);
  });
});
