/**
 * Hostile and broken documents: each either parses safely (nothing from a
 * DTD is expanded or fetched) or fails with the right typed error and limit.
 * The huge ones are generated here rather than committed.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FeedLimitError, FeedParseError } from "../../functions/core/errors.ts";
import { MAX_DEPTH, parseFeed } from "../../functions/core/parse/index.ts";

const dir = join(import.meta.dirname, "../fixtures/hostile");
const read = (name: string) => new Uint8Array(readFileSync(join(dir, name)));

/** The error parseFeed throws, or fails the test if it returns. */
function errorOf(
  input: Uint8Array | string,
  opts: { maxBytes?: number; maxItems?: number } = {},
): unknown {
  try {
    parseFeed(input, { source: "hostile", ...opts });
  } catch (e) {
    return e;
  }
  throw new Error("expected parseFeed to throw");
}

describe("entity and DTD attacks never expand", () => {
  it("billion laughs: parses, entity references stay literal and small", () => {
    const feed = parseFeed(read("billion-laughs.xml"), { source: "lol" });
    expect(feed.title?.value).toBe("Laughs &lol9;");
    expect(feed.entries[0]?.title?.value).toBe("&lol9;");
    expect(JSON.stringify(feed).length).toBeLessThan(2000);
  });

  it("external file entity is never resolved", () => {
    const feed = parseFeed(read("xxe-file.xml"), { source: "xxe" });
    expect(feed.entries[0]?.title?.value).toBe("Secret: &xxe;");
    expect(JSON.stringify(feed)).not.toContain("root:");
  });

  it("parameter entities and a DTD with tricky quoting are skipped whole", () => {
    const feed = parseFeed(read("xxe-parameter.xml"), { source: "xxe-param" });
    expect(feed.format).toBe("atom10");
    expect(feed.title?.value).toBe("Param &exfil;");
    expect(feed.entries).toHaveLength(1);
  });

  it("an external DTD is ignored; HTML entities still decode, unknown ones stay", () => {
    const feed = parseFeed(read("external-dtd.xml"), { source: "dtd" });
    expect(feed.title?.value).toBe("External DTD \u00a0&custom;");
  });

  it("a quadratic blowup (one big entity used many times) stays unexpanded", () => {
    const big = "x".repeat(50_000);
    const refs = "&big;".repeat(50_000);
    const doc = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY big "${big}">]><rss version="2.0"><channel><title>q</title><item><title>${refs}</title></item></channel></rss>`;
    const feed = parseFeed(doc, { source: "quadratic" });
    expect(feed.entries[0]?.title?.value.length).toBe(refs.length);
  });

  it("a __proto__ element is refused, never assigned; such attributes are harmless", () => {
    const err = errorOf(read("proto-pollution.xml"));
    expect(err).toBeInstanceOf(FeedParseError);
    const attrsOnly = `<rss version="2.0"><channel><item __proto__="x" constructor="y"><title>Polluter</title></item></channel></rss>`;
    expect(parseFeed(attrsOnly, { source: "proto" }).entries[0]?.title?.value).toBe("Polluter");
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(({} as Record<string, unknown>)["x"]).toBeUndefined();
  });
});

describe("limits stop big documents early", () => {
  it("a 50 MB document is refused by maxBytes before decoding", () => {
    const huge = new Uint8Array(50 * 1024 * 1024).fill(0x20);
    const err = errorOf(huge);
    expect(err).toBeInstanceOf(FeedLimitError);
    expect((err as FeedLimitError).limit).toBe("bytes");
    expect((err as FeedLimitError).max).toBe(10 * 1024 * 1024);
  });

  it("a string over maxBytes in UTF-8 is refused even if its length is under", () => {
    const err = errorOf("é".repeat(600), { maxBytes: 1000 }); // 1200 UTF-8 bytes
    expect((err as FeedLimitError).limit).toBe("bytes");
  });

  it("a million tiny items hit the items limit", () => {
    const doc = `<rss version="2.0"><channel><title>many</title>${"<item><title>x</title></item>".repeat(1_000_000)}</channel></rss>`;
    const err = errorOf(doc, { maxBytes: 64 * 1024 * 1024 });
    expect(err).toBeInstanceOf(FeedLimitError);
    expect((err as FeedLimitError).limit).toBe("items");
    expect((err as FeedLimitError).max).toBe(5000);
  });

  it("exactly maxItems entries is fine, one more is not (Atom and JSON Feed too)", () => {
    const atom = (n: number) =>
      `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>${"<entry><id>x</id></entry>".repeat(n)}</feed>`;
    expect(parseFeed(atom(3), { source: "a", maxItems: 3 }).entries).toHaveLength(3);
    expect((errorOf(atom(4), { maxItems: 3 }) as FeedLimitError).limit).toBe("items");
    const json = (n: number) =>
      JSON.stringify({
        version: "https://jsonfeed.org/version/1.1",
        items: Array.from({ length: n }, (_, i) => ({ id: `${i}` })),
      });
    expect(parseFeed(json(3), { source: "j", maxItems: 3 }).entries).toHaveLength(3);
    expect((errorOf(json(4), { maxItems: 3 }) as FeedLimitError).limit).toBe("items");
  });

  it("items inside CDATA are not counted against the limit", () => {
    const doc = `<rss version="2.0"><channel><item><description><![CDATA[${"<item>".repeat(10)}]]></description></item></channel></rss>`;
    expect(parseFeed(doc, { source: "cdata", maxItems: 1 }).entries).toHaveLength(1);
  });

  it("absurd nesting hits the depth limit", () => {
    const depth = 100_000;
    const doc = `<rss version="2.0"><channel><item>${"<x>".repeat(depth)}${"</x>".repeat(depth)}</item></channel></rss>`;
    const err = errorOf(doc);
    expect(err).toBeInstanceOf(FeedLimitError);
    expect((err as FeedLimitError).limit).toBe("depth");
    expect((err as FeedLimitError).max).toBe(MAX_DEPTH);
  });

  it("deep nesting inside a text construct is kept as markup, not walked", () => {
    const doc = `<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>d</id><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">${"<span>".repeat(500)}deep${"</span>".repeat(500)}</div></content></entry></feed>`;
    const entry = parseFeed(doc, { source: "deep-xhtml" }).entries[0];
    expect(entry?.content?.type).toBe("xhtml");
    expect(entry?.content?.value).toContain("deep");
  });
});

describe("broken documents are FeedParseErrors with a clear message", () => {
  const cases: [string, RegExp][] = [
    ["truncated.xml", /not closed.*truncated/],
    ["mismatched-tags.xml", /expected <\/item> but found <\/channel>.*line 3/],
    ["html-page.xml", /HTML page/],
    ["not-a-feed.xml", /not a feed.*<svg>/],
    ["empty.xml", /empty document/],
    ["whitespace-only.xml", /empty document/],
    ["json-not-a-feed.feed.json", /not a JSON Feed/],
    ["json-broken.feed.json", /invalid JSON/],
    ["unclosed-comment.xml", /comment is not closed/],
    ["unclosed-cdata.xml", /<title> is not closed/],
    [
      "unquoted-attribute.xml",
      /attribute in <enclosure> without a quoted value \(line 5, column 63\)/,
    ],
  ];
  for (const [file, message] of cases) {
    it(`${file}: ${message.source}`, () => {
      const err = errorOf(read(file));
      expect(err).toBeInstanceOf(FeedParseError);
      expect((err as FeedParseError).message).toMatch(message);
      expect((err as FeedParseError).source).toBe("hostile");
    });
  }
});

describe("attribute values must be quoted", () => {
  const rss = (item: string) =>
    `<?xml version="1.0"?>\n<rss version="2.0">\n<channel><title>t</title>\n<item>${item}</item>\n</channel></rss>`;
  const cases: [string, string, RegExp][] = [
    [
      "an unquoted enclosure length",
      '<title>x</title><enclosure length=12345 type="audio/mpeg" url="https://example.org/a.mp3"/>',
      /<enclosure> without a quoted value \(line 4, column 34\)/,
    ],
    ["an unquoted attribute on a title", "<title a=b>x</title>", /<title> .*line 4, column 14/],
    ["an attribute without a value", "<title a>x</title>", /<title> .*line 4, column 14/],
    ["no space between attributes", '<guid a="1"b="2">x</guid>', /<guid> .*line 4, column 18/],
  ];
  for (const [what, item, message] of cases) {
    it(`${what} is a FeedParseError with line and column`, () => {
      const err = errorOf(rss(item));
      expect(err).toBeInstanceOf(FeedParseError);
      expect((err as FeedParseError).message).toMatch(/malformed XML: attribute in/);
      expect((err as FeedParseError).message).toMatch(message);
      // the same from the bytes, whichever reading takes them
      expect((errorOf(new TextEncoder().encode(rss(item))) as Error).message).toBe(
        (err as Error).message,
      );
    });
  }

  it("quoted values, single or double, with spaces around '=', are well-formed", () => {
    const feed = parseFeed(
      rss(`<title>x</title><enclosure url = 'https://example.org/a.mp3'\n length="1"/>`),
      {
        source: "quoted",
      },
    );
    expect(feed.entries[0]?.enclosures[0]).toMatchObject({
      href: "https://example.org/a.mp3",
      length: "1",
    });
  });
});
