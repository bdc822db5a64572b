/**
 * The pre-publish gate: each check must catch the broken document a bug
 * upstream (or in the renderer) could produce, and pass the good one.
 */
import { describe, expect, it } from "vitest";
import {
  checkAtom,
  checkJsonFeed,
  checkRss,
  renderAtom,
  renderJsonFeed,
  renderRss,
} from "../../functions/core/render/index.ts";
import { makeEntry, makeMeta, makePage } from "../helpers/entries.ts";

const meta = makeMeta();
const entries = [makeEntry({}, 1), makeEntry({}, 2)];
const atom = renderAtom(meta, entries, makePage());
const rss = renderRss(meta, entries, makePage());
const json = renderJsonFeed(meta, entries, makePage());

/** A minimal Atom document around the given feed-level and entry XML. */
function atomDoc(feedExtra: string, ...entryXml: string[]): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>urn:uuid:6f1c6a4e-3b7e-4c2a-9d7e-2f9c1b0a5e11</id>
  <title>T</title>
  <updated>2024-05-20T12:00:00Z</updated>
  <link rel="self" href="https://feeds.example.net/feed.atom"/>
  ${feedExtra}
  ${entryXml.join("\n")}
</feed>`;
}

/** An entry with a summary unless `textual` is false. */
function entryXml(id: string, inner: string, textual = true): string {
  const summary = textual ? "<summary>s</summary>" : "";
  return `<entry><id>${id}</id><title>E</title><updated>2024-05-20T12:00:00Z</updated>${summary}${inner}</entry>`;
}

const AUTHOR = "<author><name>A</name></author>";
const LINK = '<link rel="alternate" href="https://blog.example.org/a"/>';

describe("checkAtom", () => {
  it("passes our rendered feed and a minimal valid one", () => {
    expect(checkAtom(atom)).toEqual([]);
    expect(checkAtom(atomDoc(AUTHOR, entryXml("urn:uuid:1", LINK)))).toEqual([]);
  });

  it("catches XML that is not well-formed", () => {
    expect(checkAtom(atom.replace("</feed>", ""))).toEqual([
      expect.stringMatching(/^not well-formed XML/),
    ]);
    expect(checkAtom(atom.replace("Morning Reading", "Morning & Reading"))[0]).toMatch(
      /^not well-formed XML/,
    );
  });

  it("catches a feed with no author when an entry has none either", () => {
    const problems = checkAtom(
      atomDoc("", entryXml("urn:uuid:1", LINK), entryXml("urn:uuid:2", LINK + AUTHOR)),
    );
    expect(problems).toEqual(["entry 1 (urn:uuid:1) has no author and neither has the feed"]);
  });

  it("catches an entry with neither content nor an alternate link", () => {
    const problems = checkAtom(
      atomDoc(
        AUTHOR,
        entryXml(
          "urn:uuid:1",
          '<summary>s</summary><link rel="related" href="https://x.example/"/>',
        ),
      ),
    );
    expect(problems).toEqual(["entry 1 (urn:uuid:1) has neither content nor an alternate link"]);
  });

  it("catches an entry with neither content nor summary (a validator warning)", () => {
    expect(checkAtom(atomDoc(AUTHOR, entryXml("urn:uuid:1", LINK, false)))).toEqual([
      "entry 1 (urn:uuid:1) has neither content nor summary",
    ]);
  });

  it("catches duplicate entry ids", () => {
    const problems = checkAtom(
      atomDoc(AUTHOR, entryXml("urn:uuid:1", LINK), entryXml("urn:uuid:1", LINK)),
    );
    expect(problems).toContain("entry 2 (urn:uuid:1) repeats the id of entry 1");
  });

  it("catches relative IRIs in ids, links and author URIs", () => {
    const problems = checkAtom(
      atomDoc(
        '<author><name>A</name><uri>/about</uri></author><link rel="alternate" href="index.html"/>',
        entryXml("1234", '<link rel="alternate" href="/posts/1"/>'),
      ),
    );
    expect(problems).toEqual([
      'feed link "index.html" is not an absolute IRI',
      'feed author uri "/about" is not an absolute IRI',
      'entry 1 (1234) id "1234" is not an absolute IRI',
      'entry 1 (1234) link "/posts/1" is not an absolute IRI',
    ]);
  });

  it("catches an entry updated before it was published", () => {
    const problems = checkAtom(
      atomDoc(AUTHOR, entryXml("urn:uuid:1", `${LINK}<published>2024-06-01T00:00:00Z</published>`)),
    );
    expect(problems).toEqual(["entry 1 (urn:uuid:1) is updated before it was published"]);
  });

  it("catches forbidden characters, bad dates, empty terms and names, and incomplete sources", () => {
    const problems = checkAtom(
      atomDoc(
        AUTHOR,
        entryXml(
          "urn:uuid:1",
          `${LINK}<published>yesterday</published><category term=""/><author><name> </name></author>` +
            "<source><title>S</title></source>",
        ).replace("<title>E</title>", "<title>E\u0001</title>"),
      ),
    );
    expect(problems).toEqual([
      "document contains the forbidden character U+0001 at offset 334",
      'entry 1 (urn:uuid:1) <published> "yesterday" is not an RFC 3339 date',
      "entry 1 (urn:uuid:1) has an author with an empty name",
      "entry 1 (urn:uuid:1) has a category without a term",
      "entry 1 (urn:uuid:1) source has no <id>",
      "entry 1 (urn:uuid:1) source has no <updated>",
      'entry 1 (urn:uuid:1) source has no rel="self" link',
    ]);
  });

  it("catches a document that is not an Atom feed", () => {
    expect(checkAtom(rss)).toEqual(["the root element is not <feed>"]);
  });
});

describe("checkRss", () => {
  it("passes our rendered RSS", () => {
    expect(checkRss(rss)).toEqual([]);
  });

  it("catches XML that is not well-formed", () => {
    expect(checkRss(rss.replace("</channel>", ""))[0]).toMatch(/^not well-formed XML/);
  });

  it("catches repeated guids, relative links and dates that are not RFC 822", () => {
    const broken = rss
      .replace(
        "urn:uuid:00000000-0000-4000-8000-000000000002",
        "urn:uuid:00000000-0000-4000-8000-000000000001",
      )
      .replace("<link>https://blog.example.org/2024/05/hello</link>", "<link>/2024/05/hello</link>")
      .replace("Mon, 27 May 2024 08:00:00 GMT", "2024-05-27T08:00:00Z");
    expect(checkRss(broken)).toEqual([
      'item 1 link "/2024/05/hello" is not an absolute URL',
      'item 1 pubDate "2024-05-27T08:00:00Z" is not an RFC 822 date',
      "item 2 repeats the guid of item 1",
    ]);
  });

  it("catches a channel without a description", () => {
    expect(checkRss(rss.replace(/<description>Morning Reading<\/description>/, ""))).toEqual([
      "channel needs exactly one <description>",
    ]);
  });
});

describe("checkJsonFeed", () => {
  const parsed = () => JSON.parse(json);

  it("passes our rendered JSON Feed", () => {
    expect(checkJsonFeed(json)).toEqual([]);
  });

  it("catches text that is not JSON and a wrong version", () => {
    expect(checkJsonFeed(json.slice(0, -3))[0]).toMatch(/^not valid JSON/);
    expect(
      checkJsonFeed(JSON.stringify({ ...parsed(), version: "https://jsonfeed.org/version/1" })),
    ).toEqual(["version is not https://jsonfeed.org/version/1.1"]);
  });

  it("catches items without content, with repeated ids, relative URLs or backwards dates", () => {
    const doc = parsed();
    delete doc.items[0].content_html;
    doc.items[1].id = doc.items[0].id;
    doc.items[1].url = "/relative";
    doc.items[1].date_modified = "2020-01-01T00:00:00Z";
    expect(checkJsonFeed(JSON.stringify(doc))).toEqual([
      "item 1 has neither content_html nor content_text",
      "item 2 repeats the id of item 1",
      "item 2 url is not an absolute URL",
      "item 2 is modified before it was published",
    ]);
  });

  it("catches a lone surrogate hidden in a JSON escape", () => {
    const doc = json.replace('"title": "Hello, world"', '"title": "Hello\\ud800"');
    expect(checkJsonFeed(doc)).toEqual([
      "feed.items[0].title contains the forbidden character U+D800 at offset 5",
    ]);
  });

  it("catches an attachment without a mime_type and an author with nothing", () => {
    const doc = parsed();
    doc.items[0].attachments = [{ url: "https://cdn.example.com/a.mp3" }];
    doc.authors = [{}];
    expect(checkJsonFeed(JSON.stringify(doc))).toEqual([
      "feed has an author with no name, url or avatar",
      "item 1 has an attachment without a mime_type",
    ]);
  });
});
