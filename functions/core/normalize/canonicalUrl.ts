/**
 * One spelling per link: absolute, lowercase scheme and host, no default
 * port, no fragment, no click-tracking parameters. Two links to the same story
 * then compare equal, and the dedupe can key on them.
 */
import { isTrackingParam } from "./trackingParams.ts";

// Browsers ignore leading/trailing C0 controls and spaces in URLs; so do we,
// so that "  https://x" and "https://x" are the same link.
const EDGE_JUNK = /^[\u0000-\u0020]+|[\u0000-\u0020]+$/g;

/** Parses `url` against `base`, or returns null. Accepts any scheme. */
export function parseUrl(url: string, base?: string | null): URL | null {
  const clean = url.replace(EDGE_JUNK, "");
  // an empty link would resolve to the base itself: every item would share it
  if (clean === "") return null;
  return safeUrl(clean, base ?? undefined);
}

// "http://…" or "https://…" means the same whatever the base: parsing it without
// one spares URL a parse of the base string on every link (most links are absolute)
const ABSOLUTE_HTTP = /^https?:\/\//i;

function safeUrl(url: string, base?: string): URL | null {
  try {
    return base === undefined || ABSOLUTE_HTTP.test(url) ? new URL(url) : new URL(url, base);
  } catch {
    // a broken base must not lose an absolute URL
    if (base !== undefined) {
      try {
        return new URL(url);
      } catch {
        return null;
      }
    }
    return null;
  }
}

/** Removes tracking parameters, keeping the others exactly as written and in order. */
function stripTracking(search: string): string {
  if (search.length <= 1) return "";
  const kept: string[] = [];
  for (const pair of search.slice(1).split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    let name = rawName;
    if (rawName.includes("%") || rawName.includes("+")) {
      try {
        name = decodeURIComponent(rawName.replaceAll("+", " "));
      } catch {
        // a malformed escape is not a tracker we know; keep it
      }
    }
    if (!isTrackingParam(name)) kept.push(pair);
  }
  return kept.length === 0 ? "" : `?${kept.join("&")}`;
}

/**
 * Canonical form of an already parsed URL (http and https only). The URL
 * object is left as it was.
 */
export function canonicalize(u: URL): string | null {
  if (u.protocol !== "http:" && u.protocol !== "https:") return null;
  if (u.hostname === "") return null;
  // WHATWG URL already lowercases scheme and host and drops default ports. What is
  // left is cutting the serialisation, not re-parsing it through the setters: in a
  // serialised http(s) URL "#" appears only as the fragment's delimiter, and the
  // first "?" before it only as the query's; the query's pairs are already
  // percent-encoded, so setting a subset of them would encode nothing anew
  const href = u.href;
  const hash = href.indexOf("#");
  const beforeHash = hash === -1 ? href : href.slice(0, hash);
  const q = beforeHash.indexOf("?");
  // an empty query ("?" alone) is kept as written, as the search setter would
  if (q === -1 || q === beforeHash.length - 1) return beforeHash;
  const search = beforeHash.slice(q);
  const kept = stripTracking(search);
  return kept === search ? beforeHash : beforeHash.slice(0, q) + kept;
}

/**
 * The canonical absolute form of a link, resolved against `base`; null when
 * it is not a valid http(s) URL.
 */
export function canonicalUrl(url: string, base?: string | null): string | null {
  const u = parseUrl(url, base);
  return u === null ? null : canonicalize(u);
}

/**
 * The base relative links are resolved against: each candidate resolved
 * against the ones after it, the first (most specific) that exists winning.
 * Order: entry xml:base, feed xml:base, feed site URL, document URL.
 */
export function resolveBase(candidates: readonly (string | null | undefined)[]): string | null {
  let base: string | null = null;
  for (let i = candidates.length - 1; i >= 0; i--) {
    const c = candidates[i];
    if (c === null || c === undefined || c.trim() === "") continue;
    const u = parseUrl(c, base);
    if (u !== null) base = u.href;
  }
  return base;
}
