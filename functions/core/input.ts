/**
 * The one decision every way in (poll, drop, push, direct invocation, the
 * CLI) makes about a body: a feed document, or pushed items. Markup is a feed;
 * JSON is a feed when it names a jsonfeed.org version, and pushed items
 * otherwise (an item that merely says "version" is still an item). The bytes
 * are read in the encoding their byte-order mark, else their Content-Type
 * charset, says; a feed document is handed on as bytes, for the parser to
 * read its own declaration.
 */
import { FeedParseError } from "./errors.ts";
import { isObject } from "./json.ts";
import { decodeFeedBytes } from "./parse/charset.ts";
import { jsonFeedFormat } from "./parse/format.ts";

export type Body = { kind: "feed"; bytes: Uint8Array | string } | { kind: "items"; value: unknown };

/**
 * Reads a body. Throws FeedParseError (naming `source`) for a body that is
 * neither markup nor JSON.
 */
export function readBody(
  body: Uint8Array | string,
  contentType: string | null | undefined,
  source: string,
): Body {
  // windows-1252 by the feed decoder: Node's TextDecoder reads it as Latin-1 (no curly quotes)
  const text = typeof body === "string" ? body : decodeFeedBytes(body, contentType).text;
  const start = text.replace(/^\uFEFF/, "").trimStart();
  if (start.startsWith("<")) return { kind: "feed", bytes: body };
  let value: unknown;
  try {
    value = JSON.parse(start);
  } catch (e) {
    throw new FeedParseError(
      source,
      `the body is not JSON, nor a feed document (XML): ${(e as SyntaxError).message}`,
    );
  }
  const isJsonFeed =
    isObject(value) && typeof value.version === "string" && jsonFeedFormat(value.version) !== null;
  // a JSON Feed goes to the parser as text: its bytes' encoding is settled here
  return isJsonFeed ? { kind: "feed", bytes: start } : { kind: "items", value };
}
