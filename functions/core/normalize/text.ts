/**
 * Plain-text helpers: whitespace, entity decoding, tag stripping, cutting text
 * on a word boundary and turning plain text into paragraphs.
 */
import { type HtmlHandler, readHtml } from "./htmlEvents.ts";
import { TEXTLESS } from "./policy.ts";

// Runs that need rewriting: two or more whitespace characters, or one that is not a
// plain space. Single spaces, most of any text, are left alone: replacing each of
// them by itself made this the hottest function of the normalizer.
const WHITESPACE_RUN = / \s+|[^\S ]\s*/g;
// Whitespace other than a plain space. With a search for two spaces, this finds
// exactly what WHITESPACE_RUN would rewrite, in well under half the time of one
// regex for both (`/ \s|[^\S ]/`): a single class is a tight native scan, an
// alternation is tried at every position.
const ODD_WHITESPACE = /[^\S ]/;

/** Collapses every run of whitespace (including NBSP and newlines) to one space and trims. */
export function collapseWhitespace(value: string): string {
  return collapseWhitespaceAs(value, ODD_WHITESPACE.test(value) || value.includes("  "));
}

/**
 * collapseWhitespace for a caller that knows already whether `value` has a
 * run of whitespace or any whitespace but a plain space (`oddSpace`).
 */
export function collapseWhitespaceAs(value: string, oddSpace: boolean): string {
  return (oddSpace ? value.replace(WHITESPACE_RUN, " ") : value).trim();
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

/** Collects the readable text of HTML events (see htmlToText). */
class TextReader implements HtmlHandler {
  text = "";
  private silent = 0;

  onopentag(name: string): void {
    if (this.silent > 0 || TEXTLESS.has(name)) this.silent++;
    else if (!INLINE.has(name)) this.text += " ";
  }

  onclosetag(name: string): void {
    if (this.silent > 0) this.silent--;
    else if (!INLINE.has(name)) this.text += " ";
  }

  ontext(data: string): void {
    if (this.silent === 0) this.text += data;
  }

  wantsAttributes(): boolean {
    return false;
  }
}

// Cheap test that spares the HTML tokenizer for the common plain title.
const MARKUP = /[<&]/;

/**
 * The readable text of an HTML fragment: tags stripped, entities decoded,
 * script/style and similar content dropped, whitespace collapsed.
 */
function htmlToText(html: string): string {
  if (!MARKUP.test(html)) return collapseWhitespace(html);
  const reader = readHtml(html, () => new TextReader());
  return collapseWhitespace(reader.text);
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

/** JavaScript's \s (what trim and collapseWhitespace take for whitespace), for one code unit. */
function isWhitespaceCode(c: number): boolean {
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** Whitespace and the punctuation a cut text should not end on (before its ellipsis). */
function isCutJunk(c: number): boolean {
  // , ; : . - – —
  return (
    c === 44 ||
    c === 59 ||
    c === 58 ||
    c === 46 ||
    c === 45 ||
    c === 0x2013 ||
    c === 0x2014 ||
    isWhitespaceCode(c)
  );
}

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
  // the junk it ends on goes (a loop from the end: a regex would try every position)
  let end = cut.length;
  while (end > 0 && isCutJunk(cut.charCodeAt(end - 1))) end--;
  return `${cut.slice(0, end)}…`;
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
};

/** Below this length a look at each character beats four native searches. */
const SHORT_TEXT = 16;

/** Whether `value` holds a character escapeHtml rewrites. */
function hasSpecial(value: string): boolean {
  if (value.length < SHORT_TEXT) {
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      // & < > "
      if (c === 38 || c === 60 || c === 62 || c === 34) return true;
    }
    return false;
  }
  // four native searches take two thirds of the time of one regex test over the
  // text, and most text (the sanitizer's every piece) has none of them
  return value.includes("&") || value.includes("<") || value.includes(">") || value.includes('"');
}

/** Escapes text for use in HTML text or a double-quoted attribute value. */
export function escapeHtml(value: string): string {
  if (!hasSpecial(value)) return value;
  // most often a decoded "&amp;" on its own: a callback per match costs far more
  if (value.length === 1) return ESCAPES[value] as string;
  // one native replace per character present, "&" first so that no entity is
  // escaped again: the same as replacing each special character in one pass
  let out = value;
  if (out.includes("&")) out = out.replaceAll("&", "&amp;");
  if (out.includes("<")) out = out.replaceAll("<", "&lt;");
  if (out.includes(">")) out = out.replaceAll(">", "&gt;");
  if (out.includes('"')) out = out.replaceAll('"', "&quot;");
  return out;
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
