/**
 * Property: whatever bytes arrive, parseFeed either returns a feed with at
 * most maxItems entries or throws FeedParseError / FeedLimitError about that
 * document, never a TypeError, RangeError or anything else. The parser wraps
 * no exception of its own into these (parse-errors.test.ts injects a bug to
 * check that), so an untyped error reaching this test is a parser bug found.
 */

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FeedLimitError, FeedParseError } from "../../functions/core/errors.ts";
import { parseFeed } from "../../functions/core/parse/index.ts";

const dir = join(import.meta.dirname, "../fixtures/feeds");
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith(".xml") || f.endsWith(".feed.json"))
  .sort()
  .map((f) => readFileSync(join(dir, f)));

const MAX_ITEMS = 3;

/** Runs the parser and checks the property; returns nothing, throws on violation. */
function check(input: Uint8Array | string, contentType: string | null = null): void {
  try {
    const feed = parseFeed(input, {
      source: "fuzz",
      contentType,
      maxItems: MAX_ITEMS,
      maxBytes: 1 << 20,
    });
    expect(feed.entries.length).toBeLessThanOrEqual(MAX_ITEMS);
    // Every value must survive serialisation (no cycles, no functions).
    JSON.stringify(feed);
  } catch (e) {
    // anything untyped is rethrown as it is: fast-check reports the input that caused it
    if (!(e instanceof FeedParseError || e instanceof FeedLimitError)) throw e;
    expect(e.source).toBe("fuzz");
    // a message about the document, not an internal error dressed up as one
    expect(e.message).not.toMatch(/is not a function|Cannot read prop|undefined|\[object /);
  }
}

const fixture = fc.constantFrom(...fixtures);

/** Mutations real transports and broken generators produce. */
const mutated = fc.oneof(
  // truncated download
  fc
    .tuple(fixture, fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([b, f]) => b.subarray(0, Math.floor(b.length * f))),
  // flipped bytes
  fc
    .tuple(
      fixture,
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 8,
      }),
    )
    .map(([b, flips]) => {
      const copy = new Uint8Array(b);
      for (const [at, value] of flips) if (copy.length > 0) copy[at % copy.length] = value;
      return copy;
    }),
  // a tag (or any slice) duplicated somewhere else
  fc.tuple(fixture, fc.nat(), fc.nat(), fc.nat()).map(([b, a, len, to]) => {
    const text = b.toString("latin1");
    const start = text.length === 0 ? 0 : a % text.length;
    const slice = text.slice(start, start + (len % 200));
    const at = text.length === 0 ? 0 : to % text.length;
    return Buffer.from(text.slice(0, at) + slice + text.slice(at), "latin1");
  }),
  // the whole document nested inside itself, or an element wrapped many times
  fc.tuple(fixture, fc.integer({ min: 1, max: 300 })).map(([b, n]) => {
    const text = b.toString("utf8").replace(/^<\?xml[^>]*\?>/, "");
    const at = text.indexOf("<item>") === -1 ? text.indexOf("<entry>") : text.indexOf("<item>");
    if (at === -1) return `<x>${text}</x>`;
    return text.slice(0, at) + "<item>".repeat(n) + text.slice(at) + "</item>".repeat(n);
  }),
);

const markupish = fc
  .array(
    fc.constantFrom(
      "<",
      ">",
      "</",
      "/>",
      "<?xml version='1.0'?>",
      "<rss version='2.0'>",
      "<channel>",
      "<item>",
      "</item>",
      "<feed xmlns='http://www.w3.org/2005/Atom'>",
      "<entry>",
      "<title>",
      "</title>",
      "<content type='xhtml'>",
      "<![CDATA[",
      "]]>",
      "<!--",
      "-->",
      "<!DOCTYPE x [<!ENTITY a 'b'>]>",
      "&amp;",
      "&#x110000;",
      "&#0;",
      "&",
      '"',
      "xml:base='../'",
      "{",
      '"version":"https://jsonfeed.org/version/1.1"',
      '"items":[',
      "text",
    ),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(""));

describe("parseFeed never throws anything but typed feed errors", () => {
  it("on random strings", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => check(s)),
      { numRuns: 400 },
    );
  });

  it("on random markup-like token soup", () => {
    fc.assert(
      fc.property(markupish, (s) => check(s)),
      { numRuns: 1500 },
    );
  });

  it("on random bytes with random charsets", () => {
    const charset = fc.constantFrom(
      null,
      "text/xml; charset=utf-16",
      "application/rss+xml; charset=bogus",
      "text/html; charset=iso-8859-15",
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), charset, (b, ct) => check(b, ct)),
      { numRuns: 400 },
    );
  });

  it("on mutations of every valid fixture", () => {
    fc.assert(
      fc.property(mutated, (doc) => check(doc)),
      { numRuns: 1500 },
    );
  });
});
