/**
 * Whatever text the sources send, the published documents stay well-formed,
 * pass their checks, and show the text as written (minus forbidden characters).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkAtom,
  checkJsonFeed,
  checkRss,
  renderAtom,
  renderJsonFeed,
  renderRss,
} from "../../functions/core/render/index.ts";
import { cleanText } from "../../functions/core/render/xmlText.ts";
import { child, parseXml, text } from "../../functions/core/render/xmlTree.ts";
import { makeEntry, makeItem, makeMeta, makePage } from "../helpers/entries.ts";

// Full Unicode plus the troublemakers: markup, entities, CDATA ends, controls, lone surrogates.
const nasty = fc.oneof(
  fc.string({ unit: "grapheme-composite" }),
  fc.string({ unit: "binary" }),
  fc.string({
    unit: fc.constantFrom(
      "<",
      ">",
      "&",
      '"',
      "'",
      "]]>",
      "&amp;",
      "\u0000",
      "\u000B",
      "\uD800",
      "\uDFFF",
      "a",
      " ",
    ),
  }),
);

describe("any text from a source", () => {
  it("renders to documents that pass every check", () => {
    fc.assert(
      fc.property(nasty, nasty, nasty, nasty, nasty, (title, summary, html, name, category) => {
        const entry = makeEntry({
          item: makeItem({
            title,
            summary,
            contentHtml: html,
            authors: [{ name, email: null, uri: null }],
            categories: [category],
          }),
        });
        const meta = makeMeta({ title: name, subtitle: summary });
        expect(checkAtom(renderAtom(meta, [entry], makePage()))).toEqual([]);
        expect(checkRss(renderRss(meta, [entry], makePage()))).toEqual([]);
        expect(checkJsonFeed(renderJsonFeed(meta, [entry], makePage()))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it("reaches an XML parser as the same title, minus forbidden characters", () => {
    fc.assert(
      fc.property(nasty, (title) => {
        const expected = cleanText(title).trim();
        fc.pre(expected !== "");
        const xml = renderAtom(makeMeta(), [makeEntry({ item: makeItem({ title }) })], makePage());
        const parsed = parseXml(xml);
        if ("problem" in parsed) throw new Error(parsed.problem);
        const entry = child(child(parsed.root, "feed")!, "entry")!;
        // The writer writes line ends as LF, and XML parsers differ on what they
        // hand back for a lone CR; titles never carry one after normalization anyway.
        const eol = (s: string | null | undefined) =>
          (s ?? "").replace(/\r\n?/g, "\n").replace(/\s+$/, "");
        expect(eol(text(child(entry, "title")))).toBe(eol(expected));
      }),
      { numRuns: 300 },
    );
  });
});
