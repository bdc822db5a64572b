/**
 * Focused parser behaviours that goldens show only indirectly: charset
 * precedence, format detection, xml:base arithmetic, entity decoding.
 */

import { describe, expect, it } from "vitest";
import { FeedParseError } from "../../functions/core/errors.ts";
import { decodeFeedBytes } from "../../functions/core/parse/charset.ts";
import { decodeEntities } from "../../functions/core/parse/entities.ts";
import { parseFeed } from "../../functions/core/parse/index.ts";
import { resolveAgainst } from "../../functions/core/parse/xmlBase.ts";

const latin1 = (s: string) => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));

describe("charset precedence", () => {
  const declaredUtf8 = latin1('<?xml version="1.0" encoding="utf-8"?><a>caf\u00e9</a>');
  it("an HTTP charset on an XML media type beats the declaration", () => {
    expect(decodeFeedBytes(declaredUtf8, "application/rss+xml; charset=ISO-8859-1").text).toContain(
      "café",
    );
  });
  it("the declaration beats an HTTP charset sent with text/html", () => {
    const declaredLatin1 = latin1('<?xml version="1.0" encoding="iso-8859-1"?><a>caf\u00e9</a>');
    expect(decodeFeedBytes(declaredLatin1, "text/html; charset=utf-8").text).toContain("café");
  });
  it("a BOM beats both", () => {
    const bytes = new Uint8Array([
      0xef,
      0xbb,
      0xbf,
      ...new TextEncoder().encode('<?xml version="1.0" encoding="iso-8859-1"?><a>café</a>'),
    ]);
    expect(decodeFeedBytes(bytes, "text/xml; charset=iso-8859-1").text).toContain("café");
  });
  it("an unknown charset label falls back to UTF-8 instead of failing", () => {
    const bytes = new TextEncoder().encode('<?xml version="1.0" encoding="x-klingon"?><a>café</a>');
    expect(decodeFeedBytes(bytes, null)).toMatchObject({ encoding: "utf-8" });
  });
  it("windows-1252 smart quotes decode to quotes, not invisible controls", () => {
    const bytes = new Uint8Array([
      0x3c, 0x61, 0x3e, 0x93, 0x68, 0x69, 0x94, 0x80, 0x3c, 0x2f, 0x61, 0x3e,
    ]);
    expect(decodeFeedBytes(bytes, "text/xml; charset=windows-1252").text).toBe(
      "<a>\u201chi\u201d\u20ac</a>",
    );
  });
});

describe("the format, from the document's content", () => {
  const cases: [string, string | null][] = [
    ['<rss version="2.0"><channel/></rss>', "rss20"],
    ['<?xml version="1.0"?>\n<!-- hi -->\n<rss version="0.91"/>', "rss091"],
    ['<!DOCTYPE rss [<!ENTITY x "y">]><rss version="0.92"/>', "rss092"],
    [
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel/></rdf:RDF>',
      "rss10",
    ],
    [
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel/></rdf:RDF>',
      "rss090",
    ],
    ['<feed xmlns="http://www.w3.org/2005/Atom"/>', "atom10"],
    ['<feed version="0.3" xmlns="http://purl.org/atom/ns#"/>', "atom03"],
    ['<atom:feed xmlns:atom="http://www.w3.org/2005/Atom"/>', "atom10"],
    ['<entry xmlns="http://www.w3.org/2005/Atom"/>', "atom10"],
    ['{"version": "https://jsonfeed.org/version/1", "items": []}', "json10"],
    ['\ufeff{"version":"https://jsonfeed.org/version/1.1","items":[]}', "json11"],
    ["<html><body>nope</body></html>", null],
    ['{"items": []}', null],
    ["", null],
  ];
  for (const [text, format] of cases) {
    it(`${JSON.stringify(text.slice(0, 50))} is ${format ?? "not a feed"}`, () => {
      const read = () => parseFeed(text, { source: "t" }).format;
      if (format === null) expect(read).toThrow(FeedParseError);
      else expect(read()).toBe(format);
    });
  }
});

describe("xml:base resolution", () => {
  it("resolves against absolute bases", () => {
    expect(resolveAgainst("https://a.example/x/y/", "../z")).toBe("https://a.example/x/z");
  });
  it("keeps relative-on-relative results relative", () => {
    expect(resolveAgainst("/blog/", "2024/")).toBe("/blog/2024/");
    expect(resolveAgainst("blog/", "2024/")).toBe("blog/2024/");
    expect(resolveAgainst("//cdn.example/a/", "b")).toBe("//cdn.example/a/b");
  });
  it("leaves absolute references alone", () => {
    expect(resolveAgainst("/blog/", "mailto:jo@example.org")).toBe("mailto:jo@example.org");
  });
});

describe("entity decoding", () => {
  it("decodes XML, numeric and HTML named references once", () => {
    expect(decodeEntities("&lt;&amp;amp;&#233;&#xE9;&eacute;&nbsp;&hellip;")).toBe(
      "<&amp;ééé\u00a0…",
    );
  });
  it("maps C1 references to windows-1252 and invalid code points to U+FFFD", () => {
    expect(decodeEntities("&#146;&#0;&#x110000;&#xD800;")).toBe("\u2019\ufffd\ufffd\ufffd");
  });
  it("keeps bare ampersands and unknown names as written", () => {
    expect(decodeEntities("AT&T &unknown; & &;")).toBe("AT&T &unknown; & &;");
  });
});

describe("parseFeed options", () => {
  it("names the source in every error", () => {
    expect(() => parseFeed("<rss>", { source: "https://example.com/feed" })).toThrow(
      /^https:\/\/example\.com\/feed: /,
    );
  });
  it("accepts a string as well as bytes, BOM included", () => {
    const feed = parseFeed('\ufeff<rss version="2.0"><channel><title>T</title></channel></rss>', {
      source: "s",
    });
    expect(feed.title).toEqual({ value: "T", type: "text" });
  });
  it("cuts junk after the root element instead of failing", () => {
    const feed = parseFeed(
      '<rss version="2.0"><channel><title>T</title></channel></rss><script>x</script>',
      { source: "j" },
    );
    expect(feed.title?.value).toBe("T");
  });
  it("drops control characters XML forbids", () => {
    const feed = parseFeed(
      '<rss version="2.0"><channel><title>A\u0001B\u000bC</title></channel></rss>',
      { source: "c" },
    );
    expect(feed.title?.value).toBe("ABC");
  });
});

describe("RSS 0.90 under either of Netscape's namespace URIs", () => {
  for (const host of ["my.netscape.com", "channel.netscape.com"]) {
    it(`reads the items of a document in http://${host}/rdf/simple/0.9/`, () => {
      const doc = `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://${host}/rdf/simple/0.9/">
<channel><title>T</title><link>http://example.org/</link></channel>
<item><title>One</title><link>http://example.org/1</link></item></rdf:RDF>`;
      const feed = parseFeed(doc, { source: host });
      expect(feed.format).toBe("rss090");
      expect(feed.title?.value).toBe("T");
      expect(feed.entries.map((e) => e.title?.value)).toEqual(["One"]);
    });
  }
});
