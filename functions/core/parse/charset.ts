/**
 * Bytes to text. Feeds arrive as bytes whose encoding is stated in up to three
 * places that often disagree: a byte order mark, the HTTP Content-Type charset
 * and the XML declaration. The precedence follows feedparser / RFC 3023:
 * a BOM wins over everything; an HTTP charset wins for XML and JSON media
 * types; otherwise the XML declaration; otherwise an HTTP charset sent with a
 * non-XML type (servers that call feeds text/html); otherwise UTF-8.
 */

/**
 * windows-1252 characters for bytes/references 0x80-0x9F: `&#146;` or byte
 * 0x92 in a feed written on Windows is the right quote, not invisible U+0092.
 */
const WINDOWS_1252_C1 =
  "\u20AC\uFFFD\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\uFFFD\u017D\uFFFD" +
  "\uFFFD\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\uFFFD\u017E\u0178";

/** How the decoder chose its encoding, for tests and diagnostics. */
export interface DecodedText {
  text: string;
  /** The WHATWG encoding name actually used (`utf-8`, `windows-1252`…). */
  encoding: string;
}

/** Characters XML 1.0 forbids, dropped before parsing rather than failing on them. */
const FORBIDDEN_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
export const FORBIDDEN_CONTROLS_ALL = new RegExp(FORBIDDEN_CONTROLS, "g");

/** Removes control characters XML forbids (a stray \x0B from a CMS kills strict parsers). */
export function dropForbiddenControls(text: string): string {
  return FORBIDDEN_CONTROLS.test(text) ? text.replace(FORBIDDEN_CONTROLS_ALL, "") : text;
}

/** The `charset` parameter of a Content-Type header, lowercased, or null. */
function httpCharset(contentType: string | null | undefined): string | null {
  if (!contentType) return null;
  const m = /;\s*charset\s*=\s*["']?([^"';\s]+)/i.exec(contentType);
  return m?.[1] ? m[1].toLowerCase() : null;
}

/** True for media types whose charset parameter is authoritative over the document's own. */
function isFeedMediaType(contentType: string): boolean {
  const media = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  return media.endsWith("xml") || media.endsWith("json") || media.includes("rss");
}

/** The `encoding` pseudo-attribute of an ASCII-compatible XML declaration, or null. */
function xmlDeclEncoding(bytes: Uint8Array): string | null {
  // The declaration is ASCII by definition; read at most its plausible length
  // (the pattern cannot run past its closing `>`).
  const head = String.fromCharCode(...bytes.subarray(0, 512));
  const m = /^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  return m?.[1] ? m[1].toLowerCase() : null;
}

/** Encoding given by a byte order mark, and the mark's length. */
function bomEncoding(b: Uint8Array): [string, number] | null {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return ["utf-8", 3];
  if (b[0] === 0xff && b[1] === 0xfe) return ["utf-16le", 2];
  if (b[0] === 0xfe && b[1] === 0xff) return ["utf-16be", 2];
  return null;
}

/** UTF-16 without a BOM shows as NUL bytes interleaved with the ASCII `<`. */
function sniffUtf16(b: Uint8Array): string | null {
  if (b.length < 4) return null;
  if (b[0] === 0x3c && b[1] === 0 && b[2] !== 0 && b[3] === 0) return "utf-16le";
  if (b[0] === 0 && b[1] === 0x3c && b[2] === 0 && b[3] !== 0) return "utf-16be";
  return null;
}

const C1 = /[\u0080-\u009F]/;
const C1_ALL = new RegExp(C1, "g");

function decodeWith(label: string, bytes: Uint8Array): DecodedText | null {
  try {
    const decoder = new TextDecoder(label, { fatal: false, ignoreBOM: true });
    let text = decoder.decode(bytes);
    // Node 20 decodes windows-1252 (also the label for latin-1 and ASCII) as
    // ISO-8859-1, leaving invisible C1 controls where smart quotes were.
    if (decoder.encoding === "windows-1252" && C1.test(text)) {
      text = text.replace(C1_ALL, (c) => WINDOWS_1252_C1[c.charCodeAt(0) - 0x80]!);
    }
    return { text, encoding: decoder.encoding };
  } catch {
    return null; // unknown label
  }
}

/** The encoding a feed document's bytes are in (a label), and where its text starts (after a BOM). */
export interface FeedEncoding {
  label: string;
  start: number;
}

/** The encoding of a feed document's bytes, by BOM, HTTP charset and XML declaration. */
export function feedEncoding(
  bytes: Uint8Array,
  contentType: string | null | undefined,
): FeedEncoding {
  const bom = bomEncoding(bytes);
  if (bom) return { label: bom[0], start: bom[1] };
  const sniffed = sniffUtf16(bytes);
  if (sniffed) return { label: sniffed, start: 0 };

  const fromHttp = httpCharset(contentType);
  let label =
    fromHttp && contentType && isFeedMediaType(contentType)
      ? fromHttp
      : (xmlDeclEncoding(bytes) ?? fromHttp);

  // A document we could read as ASCII cannot really be UTF-16 (no BOM, no NULs):
  // the declaration was copied from elsewhere or the server transcoded it.
  if (label === null || label.startsWith("utf-16") || label === "unicode") label = "utf-8";
  return { label, start: 0 };
}

/** The WHATWG name of an encoding label (`utf8` → `utf-8`), or null for an unknown one. */
export function encodingName(label: string): string | null {
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return null;
  }
}

/**
 * Decodes a feed document's bytes. Invalid byte sequences become U+FFFD rather
 * than failing: one bad byte must not cost the user the whole feed.
 */
export function decodeFeedBytes(
  bytes: Uint8Array,
  contentType: string | null | undefined,
  encoding: FeedEncoding = feedEncoding(bytes, contentType),
): DecodedText {
  const { label, start } = encoding;
  const text = start === 0 ? bytes : bytes.subarray(start);
  // an unknown label is read as UTF-8
  return decodeWith(label, text) ?? (decodeWith("utf-8", text) as DecodedText);
}
