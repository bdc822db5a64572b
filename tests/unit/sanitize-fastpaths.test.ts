/**
 * The sanitizer's hot-path shortcuts (see the speed commits in normalize/):
 * each must give what the plain way gave, on the inputs that take the
 * shortcut and on the ones just beside it.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateBenchRawFeed } from "../../bench/feed-generator.ts";
import { normalizeAuthors } from "../../functions/core/normalize/authors.ts";
import { canonicalUrl } from "../../functions/core/normalize/canonicalUrl.ts";
import { parseDate } from "../../functions/core/normalize/dates.ts";
import { feedScope, normalizeWithScope } from "../../functions/core/normalize/entry.ts";
import { sanitizeContent } from "../../functions/core/normalize/sanitize.ts";
import { SimHasher, simhash } from "../../functions/core/normalize/simhash.ts";
import { collapseWhitespace, escapeHtml } from "../../functions/core/normalize/text.ts";
import type { RawEntry } from "../../functions/core/parse/raw.ts";

const OPTIONS = { base: "https://blog.example.com/", iframeHosts: new Set<string>(), title: null };

describe("repeated blocks, however many an item has", () => {
  const paragraph = (i: number) => `<p>Paragraph number ${i} of a long post.</p>`;

  it("drops a repeat among a few blocks, by text and whatever the case", () => {
    const html = `${paragraph(1)}${paragraph(2)}<p>PARAGRAPH NUMBER 1 of a long post.</p>`;
    expect(sanitizeContent(html, OPTIONS).html).toBe(`${paragraph(1)}${paragraph(2)}`);
  });

  it("keeps different blocks of the same length", () => {
    const html = "<p>one cat</p><p>one dog</p><p>one cat</p>";
    expect(sanitizeContent(html, OPTIONS).html).toBe("<p>one cat</p><p>one dog</p>");
  });

  it("drops repeats of early and late blocks in a post of hundreds of blocks", () => {
    const blocks = Array.from({ length: 300 }, (_, i) => paragraph(i));
    const html = [...blocks, paragraph(0), paragraph(150), paragraph(299)].join("");
    const out = sanitizeContent(html, OPTIONS);
    expect(out.html).toBe(blocks.join(""));
    expect(out.text.split("Paragraph number 150 ").length).toBe(2);
  });

  it("drops the block that repeats the title, even after many blocks", () => {
    const blocks = Array.from({ length: 100 }, (_, i) => paragraph(i));
    const html = [...blocks, "<p>The Title</p>"].join("");
    expect(sanitizeContent(html, { ...OPTIONS, title: "the title" }).html).toBe(blocks.join(""));
  });
});

describe("references, near and far", () => {
  it("decodes every reference in text and attribute values, however far apart", () => {
    const filler = "<p>Plain paragraph without any reference in it.</p>".repeat(200);
    const html = `${filler}<p><a href="/search?a=1&amp;b=2">fish &amp; chips</a> 1 &lt; 2</p>${filler}<p>&quot;end&quot;</p>`;
    const out = sanitizeContent(html, OPTIONS);
    expect(out.html).toContain(
      '<p><a href="https://blog.example.com/search?a=1&amp;b=2" rel="noopener noreferrer">fish &amp; chips</a> 1 &lt; 2</p>',
    );
    expect(out.text).toContain("fish & chips 1 < 2");
    expect(out.text.endsWith('"end"')).toBe(true);
  });
});

describe("content in and beyond Latin-1", () => {
  it("comes out intact, whichever characters it has", () => {
    const latin1 = "<p>Crème brûlée à la carte, 20 × 3 ÷ 4 ½ ÿ.</p>";
    expect(sanitizeContent(latin1, OPTIONS).html).toBe(latin1);
    const wide = "<p>Price: 20 € … “quoted” 日本語 😀 Āā.</p>";
    expect(sanitizeContent(wide, OPTIONS).html).toBe(wide);
    // one character beyond Latin-1 at the very end, after a long Latin-1 run
    const late = `<p>${"café ".repeat(50)}Ā</p>`;
    expect(sanitizeContent(late, OPTIONS).html).toBe(late);
  });
});

describe("whitespace and escaping of text", () => {
  it("collapses every kind of whitespace run and leaves single spaces alone", () => {
    expect(collapseWhitespace("a b c")).toBe("a b c");
    expect(collapseWhitespace(" a  b ")).toBe("a b");
    expect(collapseWhitespace("a\u00a0b\tc\nd\u2009e\u3000f\ufeffg")).toBe("a b c d e f g");
    expect(collapseWhitespace("a \n b")).toBe("a b");
  });

  it("escapes markup characters in short and long text", () => {
    expect(escapeHtml("a<b")).toBe("a&lt;b");
    expect(escapeHtml("plain words")).toBe("plain words");
    const long = "a long run of text without anything special in it, ";
    expect(escapeHtml(long)).toBe(long);
    expect(escapeHtml(`${long}"quoted" & <tagged>`)).toBe(
      `${long}&quot;quoted&quot; &amp; &lt;tagged&gt;`,
    );
  });

  it("collapses the whitespace of a block's text, whatever kind it is", () => {
    const html = "<p> Two  spaces,\ta tab,\u00a0a no-break space\n and&nbsp;an entity </p>";
    expect(sanitizeContent(html, OPTIONS).text).toBe(
      "Two spaces, a tab, a no-break space and an entity",
    );
    expect(sanitizeContent("<p>thin&#8201;space and\u3000wide</p>", OPTIONS).text).toBe(
      "thin space and wide",
    );
  });

  it("finds a repeated block whose only difference is its whitespace", () => {
    const html = "<p>Same words here.</p><p>Other.</p><p> Same \n words&nbsp; here. </p>";
    expect(sanitizeContent(html, OPTIONS).html).toBe("<p>Same words here.</p><p>Other.</p>");
  });

  it("keeps a paragraph's text escaped in the output", () => {
    const html = '<p>Fish &amp; chips for "two" &lt; three, and much more besides</p>';
    expect(sanitizeContent(html, OPTIONS).html).toBe(
      "<p>Fish &amp; chips for &quot;two&quot; &lt; three, and much more besides</p>",
    );
  });
});

describe("SimHash words, in Latin-1 text and beyond", () => {
  const latin1 = "élan vital of the café crème, the naïve señor said: 42 times ² over";

  it("hashes the same words alike whether or not the text has a character beyond Latin-1", () => {
    // an em dash and an emoji separate words just as a hyphen and a space do
    expect(simhash(`${latin1} — end`)).toBe(simhash(`${latin1} - end`));
    expect(simhash(`${latin1}😀end`)).toBe(simhash(`${latin1} end`));
  });

  it("reads Latin-1 letters as part of words", () => {
    expect(simhash("café crème brûlée today")).not.toBe(simhash("caf cr me br l e today"));
  });

  it("gives a hash that does not depend on how the text was cut into pieces", () => {
    const whole = new SimHasher();
    whole.addLowercase(latin1);
    const pieces = new SimHasher();
    for (const part of latin1.split(" ")) pieces.addLowercase(`${part} `);
    expect(pieces.digest()).toBe(whole.digest());
    expect(pieces.words).toBe(whole.words);
  });

  it("adds the words it read even when another hasher read other words in between", () => {
    // read() leaves the words in a buffer shared by every hasher until addRead()
    const first = new SimHasher();
    const second = new SimHasher();
    expect(first.read("Alpha beta gamma delta epsilon")).not.toBeNull();
    expect(second.read("one two three four five six")).not.toBeNull();
    second.addRead();
    first.addRead();
    expect(first.digest()).toBe(simhash("alpha beta gamma delta epsilon"));
    expect(second.digest()).toBe(simhash("one two three four five six"));
  });
});

describe("dates built without Date objects", () => {
  it("reads zones across day, month and year ends", () => {
    expect(parseDate("Tue, 31 Dec 2024 23:30:00 -0100")).toBe("2025-01-01T00:30:00Z");
    expect(parseDate("Wed, 01 Jan 2025 00:15:00 +0530")).toBe("2024-12-31T18:45:00Z");
    expect(parseDate("Thu, 29 Feb 2024 12:00:00 GMT")).toBe("2024-02-29T12:00:00Z");
  });

  it("refuses a day the month does not have", () => {
    expect(parseDate("Thu, 29 Feb 2023 12:00:00 GMT")).toBeNull();
    expect(parseDate("31 Apr 2024 08:00:00 GMT")).toBeNull();
    expect(parseDate("1900-02-29T00:00:00Z")).toBeNull();
    expect(parseDate("2000-02-29T00:00:00Z")).toBe("2000-02-29T00:00:00Z");
  });

  it("keeps a leap second as the last second of its minute", () => {
    expect(parseDate("2016-12-31T23:59:60Z")).toBe("2016-12-31T23:59:59Z");
  });
});

describe("rooted links against changing bases", () => {
  it("resolves each link against its own base, in any order", () => {
    expect(canonicalUrl("/a?utm_source=x&id=1", "https://One.example/feed")).toBe(
      "https://one.example/a?id=1",
    );
    expect(canonicalUrl("/a", "http://two.example/x/")).toBe("http://two.example/a");
    expect(canonicalUrl("/a", "https://xn--bcher-kva.example/")).toBe(
      "https://xn--bcher-kva.example/a",
    );
    expect(canonicalUrl("/b", "https://One.example/feed")).toBe("https://one.example/b");
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

describe("the content hash stays the SHA-256 of title and text", () => {
  it("hashes the UTF-8 of the comparable title, a line break and the content's key", () => {
    const feed = generateBenchRawFeed(1);
    const entry = feed.entries[0] as RawEntry;
    const odd = {
      ...entry,
      title: { value: "Ünïcode … 日本 😀 Title", type: "text" as const },
      content: { value: "<p>Größe — naïve “quotes” \ud800 lone</p>", type: "html" as const },
    };
    const scope = feedScope(feed, {
      now: "2024-05-20T12:00:00Z",
      documentUrl: null,
      iframeHosts: [],
    });
    const item = normalizeWithScope(odd, scope);
    const key = "größe — naïve “quotes” \ud800 lone";
    const expected = createHash("sha256").update(`ünïcode … 日本 😀 title\n${key}`).digest("hex");
    expect(item?.fingerprint.contentHash).toBe(expected);
  });
});
