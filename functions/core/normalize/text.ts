/**
 * Plain-text helpers: whitespace, entity decoding, tag stripping, cutting text
 * on a word boundary and turning plain text into paragraphs.
 */
import { decodeHTML } from "entities";
import { Parser } from "htmlparser2";
import { TEXTLESS } from "./policy.ts";

// Runs that need rewriting: two or more whitespace characters, or one that is not a
// plain space (single spaces, most of any text, are left alone)
const WHITESPACE_RUN = / \s+|[^\S ]\s*/g;
// whitespace but a plain space: with a search for two spaces, it finds what
// WHITESPACE_RUN would rewrite in a fraction of its time (one class, no alternation)
const ODD_WHITESPACE = /[^\S ]/;

/** Collapses every run of whitespace (including NBSP and newlines) to one space and trims. */
export function collapseWhitespace(value: string): string {
  // trimmed first: the whitespace between blocks, a good share of the calls, ends here
  const trimmed = value.trim();
  if (trimmed === "" || !(ODD_WHITESPACE.test(trimmed) || trimmed.includes("  "))) return trimmed;
  return trimmed.replace(WHITESPACE_RUN, " ");
}

/** The key two texts are compared by: collapsed whitespace, lowercase. */
export function comparable(value: string): string {
  return collapseWhitespace(value).toLowerCase();
}

// Elements whose boundaries separate words: "<p>a</p><p>b</p>" reads "a b", not "ab".
const INLINE = new Set([
  "a",
  "abbr",
  "b",
  "bdi",
  "bdo",
  "big",
  "cite",
  "code",
  "data",
  "del",
  "dfn",
  "em",
  "font",
  "i",
  "ins",
  "kbd",
  "mark",
  "q",
  "s",
  "samp",
  "small",
  "span",
  "strike",
  "strong",
  "sub",
  "sup",
  "time",
  "tt",
  "u",
  "var",
  "wbr",
]);

// Cheap test that spares the HTML tokenizer for the common plain title.
const MARKUP = /[<&]/;

/**
 * The readable text of an HTML fragment: tags stripped, entities decoded,
 * script/style and similar content dropped, whitespace collapsed.
 */
function htmlToText(html: string): string {
  if (!MARKUP.test(html)) return collapseWhitespace(html);
  let text = "";
  let silent = 0;
  const reader = {
    onopentag(name: string) {
      if (silent > 0 || TEXTLESS.has(name)) silent++;
      else if (!INLINE.has(name)) text += " ";
    },
    onclosetag(name: string) {
      if (silent > 0) silent--;
      else if (!INLINE.has(name)) text += " ";
    },
    ontext(data: string) {
      if (silent === 0) text += decodeText(data);
    },
  };
  new Parser(reader, { decodeEntities: false }).end(html);
  return collapseWhitespace(text);
}

/**
 * Text htmlparser2 handed over with its references left in (we run it with
 * `decodeEntities: false`, see sanitize.ts), decoded as a browser would.
 */
export function decodeText(data: string): string {
  return data.includes("&") ? decodeHTML(data) : data;
}

// Something that looks like a tag: "<b>", "</i>", "<br/>"; a lone "<" as in "x < y" is not.
const TAG = /<\/?[a-z][^>]*>/i;

/**
 * Cleans a field that should be plain text; entities are decoded.
 * - `html` / `xhtml` values are markup: they become their text.
 * - declared `text` is literal: "Content <type> matrix" keeps its angle
 *   brackets (output escapes them, so they are safe).
 * - an untyped string (a category term, a person's name) has nothing to say
 *   what it is: whatever looks like a tag is stripped.
 */
export function cleanText(value: string, type?: "text" | "html" | "xhtml"): string {
  if (type === "html" || type === "xhtml" || (type === undefined && TAG.test(value))) {
    return htmlToText(value);
  }
  if (value.includes("&")) return htmlToText(value.replaceAll("<", "&lt;"));
  return collapseWhitespace(value);
}

// whitespace and the punctuation a cut text should not end on (before its ellipsis)
const CUT_JUNK = /[\s,;:.\-\u2013\u2014]+$/;

/**
 * Cuts collapsed text to at most `max` characters on a word boundary,
 * adding an ellipsis when something was cut.
 */
export function truncateOnWord(text: string, max: number): string {
  if (text.length <= max) return text;
  // leave room for the ellipsis character
  const room = text.slice(0, max);
  const space = room.lastIndexOf(" ");
  // a single very long word: cut inside it rather than return almost nothing
  const cut = space > max / 2 ? room.slice(0, space) : room.slice(0, max - 1);
  return `${cut.replace(CUT_JUNK, "")}…`;
}

/** Escapes text for use in HTML text or a double-quoted attribute value. */
export function escapeHtml(value: string): string {
  // most text has none of them; four native searches cost less than a regex call
  // on the sanitizer's many short pieces (measured: about 6% of the pipeline's CPU)
  const special =
    value.includes("&") || value.includes("<") || value.includes(">") || value.includes('"');
  if (!special) return value;
  // "&" first, so that no entity is escaped again
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

// A line this long is a paragraph on its own, not a hard-wrapped line of one.
const WRAPPED_LINE_MAX = 100;

/**
 * Turns plain text into HTML paragraphs: split on blank lines, and on single
 * newlines when the text has no blank lines. A blank-line block is only kept
 * as one paragraph when it looks hard-wrapped (all its lines short); a block
 * of long lines is really one paragraph per line, as in text pasted from the
 * web with the odd blank line in it.
 */
export function plainTextToHtml(text: string): string {
  const normalized = text.replace(/\r\n?/g, "\n");
  const blocks = /\n[ \t]*\n/.test(normalized) ? normalized.split(/\n[ \t]*\n+/) : [normalized];
  let html = "";
  for (const block of blocks) {
    const lines = block.split("\n");
    const wrapped =
      blocks.length > 1 && lines.slice(0, -1).every((l) => l.trim().length <= WRAPPED_LINE_MAX);
    const paragraphs = wrapped ? [block] : lines;
    for (const p of paragraphs) {
      const clean = collapseWhitespace(p);
      if (clean !== "") html += `<p>${escapeHtml(clean)}</p>`;
    }
  }
  return html;
}
