/**
 * Text hygiene shared by every output format: characters XML 1.0 forbids,
 * lone UTF-16 surrogates and the C1 controls that readers show as boxes.
 */
import { escapeHtml } from "../normalize/text.ts";

// C0 controls except tab, newline and carriage return; DEL and C1 controls;
// the noncharacters U+FFFE/U+FFFF; a high surrogate not followed by a low one;
// a low surrogate not preceded by a high one.
const FORBIDDEN =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `s` without the characters that must never reach a published document. */
export function cleanText(s: string): string {
  return s.replace(FORBIDDEN, "");
}

/** Where the first forbidden character of `s` is, as a readable problem, or null. */
export function findForbiddenCharacter(s: string): string | null {
  FORBIDDEN.lastIndex = 0;
  const m = FORBIDDEN.exec(s);
  FORBIDDEN.lastIndex = 0;
  if (m === null) return null;
  const code = m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
  return `contains the forbidden character U+${code} at offset ${m.index}`;
}

/** Escape plain text for XML character data (after cleaning it). */
export function escapeText(s: string): string {
  // `>` is escaped too so that `]]>` can never appear. Line ends are written
  // as LF: XML parsers normalize CR anyway, and some mishandle `&#13;`.
  return cleanText(s)
    .replace(/\r\n?/g, "\n")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

/** Escape plain text for a double-quoted XML attribute value. */
export function escapeAttribute(s: string): string {
  // Whitespace is written as references: attribute-value normalization would
  // otherwise turn tabs and newlines into spaces.
  return escapeText(s).replace(/"/g, "&quot;").replace(/\t/g, "&#9;").replace(/\n/g, "&#10;");
}

/** Escape plain text so that it reads the same inside HTML (`a < b` stays `a < b`). */
export function textToHtml(s: string): string {
  return escapeHtml(cleanText(s));
}
