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
  // The scheme test leaves the parser nothing but http: and https: to read.
  return /^https?:\/\//i.test(text) && URL.canParse(text) ? new URL(text).href : null;
}

/**
 * Whether `s` is an absolute IRI (what the feed checks demand of every link
 * and id), exactly as given: readers compare ids character by character, so
 * one that would need cleaning is no id we may publish.
 */
export function isAbsoluteIri(s: string): boolean {
  return SCHEME.test(s) && !NOT_IN_IRI.test(s) && cleanText(s) === s;
}
