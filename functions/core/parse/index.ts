/**
 * The feed parser: bytes (or text) in, RawFeed out. Detects the format from
 * the document, decodes bytes by BOM / HTTP charset / XML declaration, and
 * enforces size, item and depth limits before building anything big. Bad
 * input is a FeedParseError or a FeedLimitError, whatever it is; any other
 * exception is a bug, and is left to propagate as one.
 */

import { Buffer } from "node:buffer";
import { FeedLimitError, FeedParseError } from "../errors.ts";
import { byteText, NeedsDecodedText } from "./byteText.ts";
import {
  decodeFeedBytes,
  dropForbiddenControls,
  encodingName,
  type FeedEncoding,
  feedEncoding,
} from "./charset.ts";
import { parseJsonFeed } from "./jsonFeed.ts";
import { prescan } from "./prescan.ts";
import type { RawFeed, StreamedFeed } from "./raw.ts";
import { readXmlFeed } from "./xmlFeed.ts";
import { parseXmlTree } from "./xmlTree.ts";

export type { RawFeed, StreamedFeed } from "./raw.ts";

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
const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
/** Default `maxItems`. */
const DEFAULT_MAX_ITEMS = 5000;
/** Deepest element nesting accepted (real feeds stay under 20 outside inline XHTML). */
export const MAX_DEPTH = 100;

const HTML_PAGE = /^\s*(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html|html[\s>])/i;

/**
 * Parses a feed document of any supported format, every entry read.
 * @throws FeedLimitError when the document is over `maxBytes`, has more than
 *   `maxItems` entries or nests deeper than MAX_DEPTH.
 * @throws FeedParseError when it is malformed or not a feed.
 * Anything else thrown is a bug, and propagates as it is.
 */
export function parseFeed(input: Uint8Array | string, opts: ParseOptions): RawFeed {
  const feed = readFeed(input, opts);
  return Array.isArray(feed.entries) ? (feed as RawFeed) : { ...feed, entries: [...feed.entries] };
}

/**
 * Parses a feed document like `parseFeed`, but reads each entry from the
 * parsed tree only as the entries are iterated: what the pipeline uses, so
 * that one entry at a time is read and normalized. The same errors.
 */
export function readFeed(input: Uint8Array | string, opts: ParseOptions): StreamedFeed {
  const { source } = opts;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxItems = opts.maxItems ?? DEFAULT_MAX_ITEMS;
  // size first: a 50 MB document is refused before a single byte is decoded
  const size = typeof input === "string" ? Buffer.byteLength(input, "utf8") : input.length;
  if (size > maxBytes) {
    const detail = typeof input === "string" ? undefined : `${size} bytes`;
    throw new FeedLimitError(source, "bytes", maxBytes, detail);
  }
  let text: string;
  if (typeof input === "string") text = input;
  else {
    const encoding = feedEncoding(input, opts.contentType);
    const feed = readByteText(input, encoding, source, maxItems);
    if (feed !== null) return feed;
    text = decodeFeedBytes(input, opts.contentType, encoding).text;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  text = dropForbiddenControls(text);

  const head = text.slice(0, 4096);
  const first = /\S/.exec(head)?.[0];
  if (first === undefined) throw new FeedParseError(source, "empty document");
  if (first === "{" || first === "[") return parseJsonFeed(text, source, maxItems);
  if (HTML_PAGE.test(head)) {
    throw new FeedParseError(source, "not a feed: an HTML page, not RSS, Atom or JSON Feed");
  }
  if (!text.includes("<")) throw new FeedParseError(source, "not a feed: neither XML nor JSON");

  return readXml(text, source, maxItems);
}

/** An XML document's feed, from its decoded text or (`bytes`) its byte text. */
function readXml(text: string, source: string, maxItems: number, bytes = false): StreamedFeed {
  const scan = prescan(text, { source, maxItems, maxDepth: MAX_DEPTH }, bytes);
  const root = parseXmlTree(scan.body, scan.stopNames, MAX_DEPTH, source, bytes);
  const { entryCount, ...feed } = readXmlFeed(root, source);
  if (entryCount > maxItems) {
    throw new FeedLimitError(source, "items", maxItems, `${entryCount} entries`);
  }
  return feed;
}

/**
 * A UTF-8 XML document with characters beyond Latin-1, read as a byte text
 * (byteText.ts) to keep it at one byte a character. Null when the document
 * is not one, or when the byte reading is unsure or finds it malformed: the
 * decoded reading then decides, and gives an error its exact words and column.
 */
function readByteText(
  bytes: Uint8Array,
  { label, start }: FeedEncoding,
  source: string,
  maxItems: number,
): StreamedFeed | null {
  if (encodingName(label) !== "utf-8") return null;
  const text = byteText(start === 0 ? bytes : bytes.subarray(start));
  if (text === null || HTML_PAGE.test(text.slice(0, 4096))) return null;
  try {
    return readXml(text, source, maxItems, true);
  } catch (e) {
    if (e instanceof NeedsDecodedText || e instanceof FeedParseError) return null;
    throw e;
  }
}
