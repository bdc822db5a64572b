/**
 * Character references. The XML parser runs with entity processing off (so a
 * DTD can never make it expand anything); we decode references ourselves,
 * once, and only in the values we keep. Besides XML's five and numeric
 * references we decode HTML's named ones (through `entities`, the decoder
 * htmlparser2 uses), because many real feeds write `&nbsp;`, `&eacute;` or
 * `&mdash;` without declaring them.
 */

import { decodeHTMLStrict } from "entities";
import { FORBIDDEN_CONTROLS_ALL } from "./charset.ts";

/**
 * Decodes character references in parsed XML text. Unknown names stay as
 * written (`&foo;`): they are not ours to guess, and never expand anything.
 * A bare `&` (as in "AT&T", common in sloppy feeds) is kept literally.
 */
export function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  // entities' strict mode: a name needs its semicolon, as XML says; numeric
  // references map C1 to Windows-1252 and NUL, surrogates and beyond U+10FFFF to U+FFFD
  const decoded = decodeHTMLStrict(text);
  // a reference to a character XML forbids reads as U+FFFD, as one to NUL does
  return text.includes("&#") ? decoded.replace(FORBIDDEN_CONTROLS_ALL, "\uFFFD") : decoded;
}

/** Raw element content split into what a reader should see. */
export interface RawContent {
  /** CDATA unwrapped, comments dropped; references decoded unless `markup`. */
  value: string;
  /** True when the content holds unescaped child elements (inline markup). */
  markup: boolean;
}

/**
 * Interprets the raw inner source of an element the XML parser did not parse
 * (a "stop node"): CDATA sections are unwrapped, comments dropped, and if the
 * rest contains no tags its references are decoded. When it does contain tags
 * (inline XHTML, or HTML a feed forgot to escape) the markup is kept as is,
 * since its references belong to that markup.
 */
export function interpretRaw(raw: string): RawContent {
  const first = raw.indexOf("<");
  if (first === -1) return { value: decodeEntities(raw), markup: false };
  const single = oneCdataSection(raw, first);
  if (single !== null) return { value: single, markup: false };
  let markup = false;
  const parts: string[] = [];
  let i = 0;
  while (i < raw.length) {
    const lt = raw.indexOf("<", i);
    if (lt === -1) {
      parts.push(raw.slice(i));
      break;
    }
    parts.push(raw.slice(i, lt));
    if (raw.startsWith("<![CDATA[", lt)) {
      const end = raw.indexOf("]]>", lt + 9);
      const stop = end === -1 ? raw.length : end;
      // Marked so the entity pass below skips it: CDATA is literal text.
      parts.push(`\u0000${raw.slice(lt + 9, stop)}\u0000`);
      i = end === -1 ? raw.length : end + 3;
    } else if (raw.startsWith("<!--", lt)) {
      const end = raw.indexOf("-->", lt + 4);
      i = end === -1 ? raw.length : end + 3;
    } else {
      markup = true;
      const gt = raw.indexOf(">", lt);
      const stop = gt === -1 ? raw.length : gt + 1;
      parts.push(raw.slice(lt, stop));
      i = stop;
    }
  }
  const joined = parts.join("");
  if (markup) return { value: joined.replaceAll("\u0000", ""), markup };
  // Decode only outside the CDATA sections (odd-numbered pieces are CDATA).
  const pieces = joined.split("\u0000");
  for (let k = 0; k < pieces.length; k += 2) pieces[k] = decodeEntities(pieces[k]!);
  return { value: pieces.join(""), markup };
}

/**
 * The common shape of a content:encoded value, one CDATA section with at
 * most some plain text (whitespace) around it, unwrapped without building
 * the pieces the general case needs; null for any other shape.
 */
function oneCdataSection(raw: string, first: number): string | null {
  if (!raw.startsWith("<![CDATA[", first)) return null;
  const end = raw.indexOf("]]>", first + 9);
  if (end === -1 || raw.indexOf("<", end + 3) !== -1) return null;
  // No U+0000 to look for, as the general case would: the parser drops it (a
  // control XML forbids) before any element is read, and a reference to it
  // decodes to U+FFFD. That spares a scan of the whole content.
  return (
    decodeEntities(raw.slice(0, first)) +
    raw.slice(first + 9, end) +
    decodeEntities(raw.slice(end + 3))
  );
}
