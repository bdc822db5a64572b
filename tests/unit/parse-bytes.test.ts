/**
 * A UTF-8 document with characters beyond Latin-1, read as bytes, is read
 * as a byte text (functions/core/parse/byteText.ts) to halve its memory.
 * Whatever the document, the feed must be exactly the one its decoded text
 * gives: same entries, same strings, same errors.
 */

import { Buffer, isUtf8 } from "node:buffer";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { byteText, decodeBytes } from "../../functions/core/parse/byteText.ts";
import { parseFeed, readFeed } from "../../functions/core/parse/index.ts";

// the XML fixtures written in UTF-8 (the others say another encoding: re-encoding
// their text as UTF-8 would make a different document)
const fixtures = ["../fixtures/feeds", "../fixtures/feeds/normalize", "../fixtures/hostile"]
  .map((d) => join(import.meta.dirname, d))
  .flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith(".xml"))
      .sort()
      .map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(dir, f))) })),
  )
  .filter(({ bytes }) => {
    const head = Buffer.from(bytes.subarray(0, 200)).toString("latin1");
    const declared = /encoding\s*=\s*["']([^"']+)/.exec(head)?.[1]?.toLowerCase();
    return isUtf8(bytes) && (declared === undefined || declared === "utf-8" || declared === "utf8");
  });

const utf8 = new TextEncoder();
const OPTS = { source: "test", maxItems: 50 };

/** The feed, or the error's class and words. */
function outcome(input: Uint8Array | string): unknown {
  try {
    return parseFeed(input, OPTS);
  } catch (e) {
    return { error: (e as Error).name, message: (e as Error).message };
  }
}

/** The document with one "…" after its XML declaration, in a comment: it changes nothing. */
function widened(text: string): string {
  const at = text.startsWith("<?xml") ? text.indexOf("?>") + 2 : 0;
  return `${text.slice(0, at)}<!--\u2026-->${text.slice(at)}`;
}

const RSS = (item: string, head = "") =>
  `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Caf\u00e9 \u2014 \u65b0\u805e</title><link>https://example.org/</link>${head}
<item>${item}</item></channel></rss>`;

/** The bytes go to the byte-text reading (not decoded whole), and both readings agree. */
function expectSameReading(doc: string): void {
  const bytes = utf8.encode(doc);
  expect(byteText(bytes)).not.toBeNull();
  expect(outcome(bytes)).toEqual(outcome(doc));
}

describe("reading UTF-8 bytes without decoding the whole document", () => {
  it("reads every fixture, given one character beyond Latin-1, exactly as its decoded text", () => {
    let byteRead = 0;
    for (const { name, bytes } of fixtures) {
      const text = new TextDecoder().decode(bytes);
      if (!/^\s*</.test(text)) continue;
      const wide = widened(text);
      const wideBytes = utf8.encode(wide);
      if (byteText(wideBytes) !== null) byteRead++;
      expect(outcome(wideBytes), name).toEqual(outcome(wide));
    }
    // the fast reading is what most documents take, not a path that never runs
    expect(byteRead).toBeGreaterThan(60);
  });

  it("decodes titles, attributes, CDATA and references next to multi-byte characters", () => {
    const doc = RSS(`<title>\u00c9conomie &amp; \u6771\u4eac: 5&#8364; \u2026</title>
<link>https://example.org/\u00e9t\u00e9?q=\u00fc</link>
<category>\u00c9conomie</category><dc:subject>\u7d4c\u6e08</dc:subject>
<media:content url="https://example.org/caf\u00e9.jpg" type="image/jpeg"><media:title>Un caf\u00e9 \u2615</media:title></media:content>
<description><![CDATA[<p>Na\u00efve \u201cquotes\u201d \u{1F600}</p>]]></description>`);
    const feed = parseFeed(utf8.encode(doc), OPTS);
    expect(feed.title?.value).toBe("Caf\u00e9 \u2014 \u65b0\u805e");
    const [entry] = feed.entries;
    expect(entry?.title?.value).toBe("\u00c9conomie & \u6771\u4eac: 5\u20ac \u2026");
    expect(entry?.categories).toEqual(["\u00c9conomie", "\u7d4c\u6e08"]);
    expect(entry?.summary?.value).toBe("<p>Na\u00efve \u201cquotes\u201d \u{1F600}</p>");
    expect(entry?.enclosures[0]?.href).toBe("https://example.org/caf\u00e9.jpg");
    expectSameReading(doc);
  });

  it("trims end tags as the decoded text does (U+00A0 is the byte 0xA0 of 'à')", () => {
    // JavaScript's trim takes U+00A0 and U+3000; the byte 0xA0 alone must not be taken
    expectSameReading(RSS("<title>dej\u00e0</title><description>x\u00e0</description >"));
    expectSameReading(RSS("<title>a</title\u00a0><description>b</description\u3000>"));
    expectSameReading(RSS("<title>\u00e0</title\u00e0>"));
    // read as bytes without decoding, the first end tag would not end the title, the second would
    expectSameReading(RSS("<title>a</title\u00a0></title>"));
  });

  it("falls back to the decoded reading for names beyond ASCII", () => {
    expectSameReading(
      RSS(`<title>t</title><ex:\u540d\u524d xmlns:ex="urn:x">\u5024</ex:\u540d\u524d>
<\u00e9l\u00e9ment>v</\u00e9l\u00e9ment>`),
    );
    expectSameReading(RSS(`<title xmlns:\u00e9="urn:\u00e9">t \u2026</title>`));
  });

  it("lets the decoder place replacement characters, and drops forbidden controls, as before", () => {
    const doc = RSS("<title>broken \u2026 here</title>");
    const bytes = utf8.encode(doc);
    const at = bytes.indexOf(0x62); // "b" of "broken": one invalid byte there
    const invalid = new Uint8Array(bytes);
    invalid[at] = 0xff;
    expect(byteText(invalid)).toBeNull();
    expect(outcome(invalid)).toEqual(outcome(new TextDecoder().decode(invalid)));
    expect((parseFeed(invalid, OPTS).entries[0]?.title?.value ?? "").startsWith("\ufffd")).toBe(
      true,
    );

    const controlled = doc.replace("broken", "bro\u000bken");
    expect(byteText(utf8.encode(controlled))).toBeNull();
    expect(parseFeed(utf8.encode(controlled), OPTS).entries[0]?.title?.value).toBe(
      "broken \u2026 here",
    );
  });

  it("gives the decoded reading's error, position included, for a broken document", () => {
    const doc = RSS("<title>\u2026</title><description>never closed");
    const bytes = utf8.encode(doc);
    expect(outcome(bytes)).toEqual(outcome(doc));
    expect(outcome(bytes)).toMatchObject({ message: expect.stringMatching(/line \d+, column/) });
  });

  it("reads the same feed whatever characters a generated document holds", () => {
    const piece = fc.string({
      unit: fc.constantFrom(
        "a",
        " ",
        "\u00e0",
        "\u00a0",
        "\u2026",
        "\u3000",
        "\u{1F600}",
        "&amp;",
        "&#233;",
        "<",
        "]]>",
        "<b>",
        "\n",
      ),
      maxLength: 12,
    });
    fc.assert(
      fc.property(piece, piece, piece, piece, (title, link, category, content) => {
        const doc = RSS(
          `<title>${title}</title><link>${link}</link><category term="${category}">${category}</category>` +
            `<description><![CDATA[${content}]]></description><content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/">${content}</content:encoded>`,
        );
        expectSameReading(doc);
      }),
      { numRuns: 300 },
    );
  });

  it("reads mutated fixtures the same way, byte text or not", () => {
    const texts = fixtures
      .map((f) => new TextDecoder().decode(f.bytes))
      .filter((t) => /^\s*</.test(t))
      .map(widened);
    const insert = fc.constantFrom("\u00a0", "\u2026", "\u00e0", "<", "</", ">", '"', "\u3000");
    fc.assert(
      fc.property(
        fc.constantFrom(...texts),
        fc.array(fc.tuple(fc.nat(), insert), { minLength: 1, maxLength: 4 }),
        (text, edits) => {
          let doc = text;
          for (const [at, s] of edits) {
            const k = at % (doc.length + 1);
            doc = doc.slice(0, k) + s + doc.slice(k);
          }
          expect(outcome(utf8.encode(doc))).toEqual(outcome(doc));
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe("readFeed", () => {
  it("reads entries as they are iterated, in one pass", () => {
    const doc = RSS("<title>one \u2026</title>", "<item><title>two</title></item>");
    const feed = readFeed(utf8.encode(doc), OPTS);
    expect(Array.isArray(feed.entries)).toBe(false);
    const first = [...feed.entries];
    expect(first.map((e) => e.title?.value)).toEqual(["two", "one \u2026"]);
    expect(first).toEqual(parseFeed(doc, OPTS).entries);
    // each entry is let go once read (what keeps a big document's memory flat):
    // a second pass would find nothing, so it is refused as the bug it would be
    expect(() => [...feed.entries]).toThrow("can be read only once");
  });

  it("decodes a piece of a byte text to the text it stands for", () => {
    const text = "caf\u00e9 \u2014 \u{1F600}";
    const piece = Buffer.from(text, "utf8").toString("latin1");
    expect(decodeBytes(piece)).toBe(text);
    expect(decodeBytes("plain ascii")).toBe("plain ascii");
  });
});
