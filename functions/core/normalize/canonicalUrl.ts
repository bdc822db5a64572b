/**
 * One spelling per link: absolute, lowercase scheme and host, no default
 * port, no fragment, no click-tracking parameters. Two links to the same story
 * then compare equal, and the dedupe can key on them.
 */
import { ownCopy } from "./ownStrings.ts";
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

function safeUrl(url: string, base?: string): URL | null {
  try {
    return base === undefined ? new URL(url) : new URL(url, base);
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

// Feeds repeat the same few queries ("?utm_source=rss&utm_medium=feed") on link
// after link: their stripped form is remembered, a bounded number of them.
const STRIPPED = new Map<string, string>();
const STRIPPED_MAX = 256;

/** Removes tracking parameters, keeping the others exactly as written and in order. */
function stripTracking(search: string): string {
  if (search.length <= 1) return "";
  const known = STRIPPED.get(search);
  if (known !== undefined) return known;
  const stripped = stripTrackingPairs(search);
  if (STRIPPED.size >= STRIPPED_MAX) STRIPPED.clear();
  // a key cut from a document must not keep the document alive (ownStrings.ts)
  STRIPPED.set(ownCopy(search), stripped);
  return stripped;
}

function stripTrackingPairs(search: string): string {
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
  const plain = plainCanonical(url, base ?? null);
  if (plain !== undefined) return plain;
  const u = parseUrl(url, base);
  return u === null ? null : canonicalize(u);
}

// Links in the shape whose WHATWG serialisation is their own text, bar the case of
// scheme and host: a host name whose last label starts with a letter (no IP address,
// port, user info or punycode), then path and query made only of characters the
// parser leaves as they are (no backslash, quote, bracket, space or non-ASCII), up to the
// end or a fragment. For these the URL parser is a costly identity.
const PLAIN_ABSOLUTE =
  /^(https?):\/\/((?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*)(\/[\w\-.~!$&'()*+,;=:@/%]*)?(\?[\w\-.~!$&()*+,;=:@/?%]*)?(?:#|$)/i;
// the same path and query from the root of the base's site ("/images/1.jpg")
const PLAIN_ROOTED = /^(\/(?!\/)[\w\-.~!$&'()*+,;=:@/%]*)(\?[\w\-.~!$&()*+,;=:@/?%]*)?(?:#|$)/;
// what the parser would rewrite: dot segments (also percent-encoded), punycode labels
const DOT_SEGMENT = /\/\.\.?(?:\/|$)|%2e/i;
const PUNYCODE_LABEL = /(?:^|\.)xn--/i;

// The base of the last rooted link and its origin: every item of a feed has the same
let lastBase: string | null = null;
let lastBaseOrigin: string | null = null;

/** `scheme://host` of a base in the plain shape (lowercase), or null for any other base. */
function plainOrigin(base: string): string | null {
  if (base === lastBase) return lastBaseOrigin;
  const b = PLAIN_ABSOLUTE.exec(base);
  const origin =
    b === null || PUNYCODE_LABEL.test(b[2] as string)
      ? null
      : `${(b[1] as string).toLowerCase()}://${(b[2] as string).toLowerCase()}`;
  // the base's own copy: a key cut from a document must not keep it alive (ownStrings.ts)
  lastBase = ownCopy(base);
  lastBaseOrigin = origin === null ? null : ownCopy(origin);
  return origin;
}

/**
 * `canonicalUrl` without the URL parser, for links in the plain shape above
 * (absolute, or from the root against a plain base); undefined for any other
 * link, which the parser then reads. A result always reads
 * `scheme://host/path` and maybe `?query`: no port, no user info.
 */
export function plainCanonical(url: string, base: string | null): string | null | undefined {
  const first = url.charCodeAt(0);
  const last = url.charCodeAt(url.length - 1);
  // edge junk is the slow path's to strip
  if (!(first > 0x20 && last > 0x20)) return undefined;
  let origin: string;
  let path: string | undefined;
  let query: string | undefined;
  if (first === 0x2f /* / */) {
    if (base === null) return undefined;
    const baseOrigin = plainOrigin(base);
    const r = PLAIN_ROOTED.exec(url);
    if (baseOrigin === null || r === null) return undefined;
    origin = baseOrigin;
    path = r[1];
    query = r[2];
  } else {
    const a = PLAIN_ABSOLUTE.exec(url);
    if (a === null || PUNYCODE_LABEL.test(a[2] as string)) return undefined;
    origin = `${(a[1] as string).toLowerCase()}://${(a[2] as string).toLowerCase()}`;
    path = a[3];
    query = a[4];
  }
  if (path !== undefined && DOT_SEGMENT.test(path)) return undefined;
  const where = `${origin}${path ?? "/"}`;
  // as canonicalize: an empty query ("?" alone) is kept, tracking pairs are not
  if (query === undefined || query.length === 1) return where + (query ?? "");
  return where + stripTracking(query);
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
