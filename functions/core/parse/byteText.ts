/**
 * UTF-8 documents read as bytes, one byte a character. A decoded document
 * takes two bytes a character in V8 as soon as one character is beyond
 * Latin-1 (one "…" in 23 MB of English does it), and the element tree's
 * strings are views that keep all of it alive until the feed is normalized.
 *
 * The markup of XML is ASCII, and in UTF-8 no byte of a multi-byte character
 * is below 0x80, so a UTF-8 document read as Latin-1 (each byte one
 * character: a "byte text") has every `<`, `>`, quote and name of its markup
 * exactly where the decoded text has them, at half the memory. The parser
 * finds the structure in the byte text and decodes each piece it keeps (a
 * text node, an attribute value, a text construct's source) from UTF-8 when
 * it takes it; the big pieces, content and descriptions, are decoded only
 * when their entry is read (see xmlFeed.ts), one entry at a time.
 *
 * Whatever reads a byte text must compare or trim only ASCII, or decode
 * first: JavaScript's `\s` and `trim()` also take U+00A0, which is the byte
 * 0xA0, the tail of "à" in UTF-8.
 */

import { Buffer, isUtf8 } from "node:buffer";

/** A byte at or above 0x80: part of a character beyond ASCII. */
const HIGH = /[\u0080-\u00ff]/;
// a lead byte of a character beyond U+00FF: without one, decoded text is one byte a character anyway
const BEYOND_LATIN1_LEAD = /[\u00c4-\u00f4]/;
// what dropForbiddenControls removes: C0 controls, and U+FFFE and U+FFFF as UTF-8 bytes
// (searched apart: one character class scans three times faster than an alternation)
const FORBIDDEN_C0 = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
const FORBIDDEN_FFFE = "\u00ef\u00bf\u00be";
const FORBIDDEN_FFFF = "\u00ef\u00bf\u00bf";
const FIRST_MARK = /\S/;

/**
 * The byte text of a UTF-8 document, or null when reading it decoded is as
 * good or needed: not valid UTF-8 (the decoder's replacement characters must
 * be placed by the decoder), a character XML forbids (dropped from the
 * decoded text first), not starting with markup (JSON, an HTML sniff), or
 * nothing beyond Latin-1 (the decoded text is as small).
 */
export function byteText(bytes: Uint8Array): string | null {
  if (!isUtf8(bytes)) return null;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  if (FIRST_MARK.exec(text.slice(0, 4096))?.[0] !== "<") return null;
  if (!BEYOND_LATIN1_LEAD.test(text) || FORBIDDEN_C0.test(text)) return null;
  if (text.includes(FORBIDDEN_FFFE) || text.includes(FORBIDDEN_FFFF)) return null;
  return text;
}

/** True when a piece of a byte text has a byte beyond ASCII (needs decoding). */
export function hasHighBytes(piece: string): boolean {
  return HIGH.test(piece);
}

/** The text a piece of a byte text stands for (the piece itself when it is all ASCII). */
export function decodeBytes(piece: string): string {
  return HIGH.test(piece) ? Buffer.from(piece, "latin1").toString("utf8") : piece;
}

/**
 * Thrown while reading a byte text where only the decoded text reads right
 * (a name beyond ASCII: JavaScript's `\s` and `trim()` take the byte 0xA0
 * in it for whitespace). The caller reads the document decoded instead.
 */
export class NeedsDecodedText extends Error {}
