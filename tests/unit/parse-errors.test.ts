/**
 * Errors that tell bugs from bad input: a document that is malformed, too
 * large or refused is a FeedParseError or FeedLimitError; anything else the
 * parser throws is a bug and must reach the caller as it is, so that ingest
 * fails the record (retried, then dead-lettered, alarmed) instead of filing it
 * as bad input. A bug cannot be caused for real, so one is injected: the one
 * place a mock is justified.
 */

import { XMLParser } from "fast-xml-parser";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_IFRAME_HOSTS } from "../../functions/core/config.ts";
import { FeedParseError } from "../../functions/core/errors.ts";
import { normalizeFeed } from "../../functions/core/normalize/index.ts";
import * as entryReader from "../../functions/core/parse/entry.ts";
import { parseFeed, readFeed } from "../../functions/core/parse/index.ts";

const RSS = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Caf\u00e9 \u2014 news</title>
<item><title>One \u2026</title><link>https://example.org/1</link></item>
</channel></rss>`;
const OPTS = { source: "bug" };
const CTX = { now: "2024-05-20T12:00:00Z", documentUrl: null, iframeHosts: DEFAULT_IFRAME_HOSTS };

/** The document as a string, as bytes read decoded (windows-1252), and as a UTF-8 byte text. */
const inputs: [string, string | Uint8Array][] = [
  ["a string", RSS],
  ["bytes in another charset", new TextEncoder().encode(RSS.replace("utf-8", "windows-1252"))],
  ["UTF-8 bytes (the byte-text reading)", new TextEncoder().encode(RSS)],
];

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (e) {
    return e;
  }
  throw new Error("expected a throw");
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("a bug in the parser reaches the caller as itself", () => {
  for (const [what, input] of inputs) {
    it(`a TypeError in the entry reader, from ${what}`, () => {
      const bug = new TypeError("cannot read properties of undefined (reading 'local')");
      vi.spyOn(entryReader, "readEntry").mockImplementation(() => {
        throw bug;
      });
      expect(thrown(() => parseFeed(input, OPTS))).toBe(bug);
      // the pipeline reads entries as it normalizes them: the same error, unwrapped
      expect(thrown(() => normalizeFeed(readFeed(input, OPTS), CTX))).toBe(bug);
    });

    it(`a TypeError inside fast-xml-parser, from ${what}`, () => {
      const bug = new TypeError("xmlData.charCodeAt is not a function");
      vi.spyOn(XMLParser.prototype, "parse").mockImplementation(() => {
        throw bug;
      });
      expect(thrown(() => parseFeed(input, OPTS))).toBe(bug);
    });
  }

  it("while what fast-xml-parser refuses in a document is bad input", () => {
    const doc = `<rss version="2.0"><channel><item><__proto__>x</__proto__></item></channel></rss>`;
    const err = thrown(() => parseFeed(doc, OPTS));
    expect(err).toBeInstanceOf(FeedParseError);
    expect((err as Error).message).toMatch(/^bug: malformed XML: /);
  });

  it("and the entry reader works again once the bug is gone", () => {
    expect(parseFeed(RSS, OPTS).entries[0]?.title?.value).toBe("One \u2026");
  });
});
