/**
 * The feed parser: bytes (or text) in, RawFeed out. Detects the format from
 * the document, decodes bytes by BOM / HTTP charset / XML declaration, and
 * enforces size, item and depth limits before building anything big. It
 * throws only FeedParseError and FeedLimitError, whatever the input.
 */

import { Buffer } from "node:buffer";
import { FeedLimitError, FeedParseError } from "../errors.ts";
import { byteText } from "./byteText.ts";
import {
  decodeFeedBytes,
  dropForbiddenControls,
  encodingName,
  type FeedEncoding,
  feedEncoding,
} from "./charset.ts";
import { fastTree } from "./fastTree.ts";
import { parseJsonFeed } from "./jsonFeed.ts";
import { prescan } from "./prescan.ts";
import type { RawEntry, RawFeed, StreamedFeed } from "./raw.ts";
import { readXmlFeed, type XmlFeed } from "./xmlFeed.ts";
import { parseXmlTree } from "./xmlTree.ts";

export { detectFormat } from "./format.ts";
export type {
  FeedFormat,
  RawEntry,
  RawFeed,
  RawLink,
  RawPerson,
  RawText,
  StreamedFeed,
} from "./raw.ts";

/** How to parse one document. */
export interface ParseOptions {
  /** Name used in errors (config name, file name or URL). */
  source: string;
  /** HTTP Content-Type header, for its charset. */
  contentType?: string | null;
  /** Largest document accepted, in bytes (UTF-8 bytes for string input). Default 10 MiB. */
  maxBytes?: number;
  /** Most entries accepted in one document. Default 5000. */
  maxItems?: number;
}

/** Default `maxBytes`: 10 MiB. */
export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
/** Default `maxItems`. */
export const DEFAULT_MAX_ITEMS = 5000;
/** Deepest element nesting accepted (real feeds stay under 20 outside inline XHTML). */
export const MAX_DEPTH = 100;

const SURROGATE = /[\uD800-\uDFFF]/;
// either of the above, or a control character XML forbids (see dropForbiddenControls)
const SURROGATE_OR_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

/** True when every surrogate in `text` is half of a pair (native where Node has it). */
function isWellFormed(text: string): boolean {
  const native = (text as { isWellFormed?: () => boolean }).isWellFormed;
  return native === undefined ? !SURROGATE.test(text) : native.call(text);
}

/** UTF-8 length of a string, counted only as far as needed to compare with `max`. */
function exceedsUtf8(text: string, max: number): boolean {
  if (text.length > max) return true;
  if (text.length * 3 <= max) return false;
  // Without lone surrogates (a pair is one character of 4 bytes, the others 1 to 3)
  // the native count is exact, and 20x faster than the loop below
  if (isWellFormed(text)) return Buffer.byteLength(text, "utf8") > max;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
    if (bytes > max) return true;
  }
  return false;
}

const HTML_PAGE = /^\s*(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html|html[\s>])/i;

/**
 * Parses a feed document of any supported format, every entry read.
 * @throws FeedLimitError when the document is over `maxBytes`, has more than
 *   `maxItems` entries or nests deeper than MAX_DEPTH.
 * @throws FeedParseError when it is malformed or not a feed.
 */
export function parseFeed(input: Uint8Array | string, opts: ParseOptions): RawFeed {
  const feed = readFeed(input, opts);
  return Array.isArray(feed.entries)
    ? (feed as RawFeed)
    : { ...feed, entries: Array.from(feed.entries, exactSizes) };
}

/**
 * The entry with its lists in arrays of exactly their length, for a feed
 * whose entries are all kept: an array grown by `push` from empty reserves
 * room for 17, and every entry's two categories would hold 152 bytes for 16.
 * (readFeed's entries live one at a time: not worth it there.)
 */
function exactSizes(entry: RawEntry): RawEntry {
  if (entry.links.length > 0) entry.links = entry.links.slice();
  if (entry.authors.length > 0) entry.authors = entry.authors.slice();
  if (entry.categories.length > 0) entry.categories = entry.categories.slice();
  if (entry.enclosures.length > 0) entry.enclosures = entry.enclosures.slice();
  return entry;
}

/**
 * Parses a feed document like `parseFeed`, but reads each entry only as the
 * entries are iterated: what the pipeline uses, so that a document read as
 * bytes (byteText.ts) is decoded one entry at a time, never whole. The same
 * errors, thrown here for the document; iterating throws FeedParseError only.
 */
export function readFeed(input: Uint8Array | string, opts: ParseOptions): StreamedFeed {
  const { source } = opts;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxItems = opts.maxItems ?? DEFAULT_MAX_ITEMS;
  try {
    // Text that may be near the limit is scanned for its size anyway: one scan that
    // finds neither a surrogate nor a control XML forbids (as usual) answers the
    // size question natively and spares the control scan below
    const plain =
      typeof input === "string" &&
      input.length <= maxBytes &&
      input.length * 3 > maxBytes &&
      !SURROGATE_OR_CONTROL.test(input);
    // Size first: a 50 MB document is refused before a single byte is decoded.
    let size = typeof input === "string" ? 0 : input.length;
    if (plain) size = Buffer.byteLength(input, "utf8");
    else if (typeof input === "string" && exceedsUtf8(input, maxBytes)) size = maxBytes + 1;
    if (size > maxBytes) {
      throw new FeedLimitError(
        source,
        "bytes",
        maxBytes,
        typeof input === "string" ? undefined : `${size} bytes`,
      );
    }
    let text: string;
    if (typeof input === "string") text = input;
    else {
      const encoding = feedEncoding(input, opts.contentType);
      const feed = readByteText(input, encoding, opts, maxItems);
      if (feed !== null) return feed;
      text = decodeFeedBytes(input, opts.contentType, encoding).text;
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (!plain) text = dropForbiddenControls(text);

    const first = /\S/.exec(text.slice(0, 4096))?.[0];
    if (first === undefined) throw new FeedParseError(source, "empty document");
    if (first === "{" || first === "[") return parseJsonFeed(text, source, maxItems);
    if (HTML_PAGE.test(text.slice(0, 4096))) {
      throw new FeedParseError(source, "not a feed: an HTML page, not RSS, Atom or JSON Feed");
    }
    if (!text.includes("<")) throw new FeedParseError(source, "not a feed: neither XML nor JSON");

    const scan = prescan(text, { source, maxItems, maxDepth: MAX_DEPTH });
    const root = parseXmlTree(scan.body, scan.stopNames, MAX_DEPTH);
    return checked(readXmlFeed(root, source), source, maxItems);
  } catch (e) {
    throw asFeedError(e, source);
  }
}

/**
 * The fast way for a UTF-8 XML document with characters beyond Latin-1: read
 * as a byte text (byteText.ts). Null when the document is not one, or when
 * anything in it needs the decoded reading (a failure included: the decoded
 * reading then gives the error its exact words and position).
 */
function readByteText(
  bytes: Uint8Array,
  { label, start }: FeedEncoding,
  opts: ParseOptions,
  maxItems: number,
): StreamedFeed | null {
  if (encodingName(label) !== "utf-8") return null;
  const text = byteText(start === 0 ? bytes : bytes.subarray(start));
  if (text === null || HTML_PAGE.test(text.slice(0, 4096))) return null;
  try {
    const scan = prescan(text, { source: opts.source, maxItems, maxDepth: MAX_DEPTH }, true);
    const root = fastTree(scan.body, scan.stopNames, MAX_DEPTH, true);
    return root === null ? null : checked(readXmlFeed(root, opts.source), opts.source, maxItems);
  } catch {
    return null;
  }
}

function checked(feed: XmlFeed, source: string, maxItems: number): StreamedFeed {
  const { entryCount, entries, ...head } = feed;
  if (entryCount > maxItems) {
    throw new FeedLimitError(source, "items", maxItems, `${entryCount} entries`);
  }
  return { ...head, entries: typedErrors(entries, source) };
}

/** The entries, any error while reading one thrown as the parser's own. */
function typedErrors(entries: Iterable<RawEntry>, source: string): Iterable<RawEntry> {
  return {
    *[Symbol.iterator]() {
      // only the entries' own reading throws in here: a consumer's error never enters
      try {
        yield* entries;
      } catch (e) {
        throw asFeedError(e, source);
      }
    },
  };
}

/** Anything else (the XML parser's own errors, a stack overflow) is still "unreadable". */
function asFeedError(e: unknown, source: string): Error {
  if (e instanceof FeedParseError || e instanceof FeedLimitError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new FeedParseError(source, `malformed document: ${message}`);
}
