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
import { jsonFeedFormat } from "./parse/format.ts";

export type Body = { kind: "feed"; bytes: Uint8Array | string } | { kind: "items"; value: unknown };

/** The charset a Content-Type names, if any (`application/json; charset=windows-1252`). */
export function charsetOf(contentType: string | null | undefined): string | null {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? "");
  return m ? m[1]!.toLowerCase() : null;
}

function encodingOf(bytes: Uint8Array, contentType: string | null | undefined): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  const declared = charsetOf(contentType);
  if (declared === null) return "utf-8";
  try {
    return new TextDecoder(declared).encoding;
  } catch {
    return "utf-8"; // a label no decoder knows: the bytes are most likely UTF-8
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Reads a body. Throws FeedParseError (naming `source`) for a body that is
 * neither markup nor JSON.
 */
export function readBody(
  body: Uint8Array | string,
  contentType: string | null | undefined,
  source: string,
): Body {
  const text =
    typeof body === "string" ? body : new TextDecoder(encodingOf(body, contentType)).decode(body);
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
