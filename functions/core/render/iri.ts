/**
 * IRIs as the published feeds may carry them: only absolute ones, and links
 * only to the web (never `javascript:` or `data:`).
 */
import { cleanText } from "./xmlText.ts";

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
// Characters an IRI can never contain (RFC 3987): space, controls, <>"{}|\^`.
const NOT_IN_IRI = /[\s<>"{}|\\^`\u0000-\u001F\u007F]/;

/**
 * An absolute http(s) URL, serialized by the WHATWG URL parser (which
 * percent-encodes what must be), or null when `s` is anything else.
 */
export function webUrl(s: string | null | undefined): string | null {
  if (!s) return null;
  const text = cleanText(s).trim();
  if (!/^https?:\/\//i.test(text)) return null;
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * An identifier IRI kept exactly as given (`urn:uuid:…`, `tag:…`, a URL), or
 * null when it is not absolute or contains characters no IRI may contain.
 * Ids are compared character by character by readers, so they are never rewritten.
 */
function absoluteIri(s: string | null | undefined): string | null {
  if (!s) return null;
  const text = cleanText(s);
  if (!SCHEME.test(text) || NOT_IN_IRI.test(text)) return null;
  return text;
}

/** Whether `s` is an absolute IRI (what the feed checks demand of every link and id). */
export function isAbsoluteIri(s: string): boolean {
  return absoluteIri(s) === s;
}
