/**
 * JSON Feed 1.0 and 1.1. Values of the wrong type are ignored rather than
 * trusted: a number where a string belongs must not reach the normalizer.
 */

import { FeedLimitError, FeedParseError } from "../errors.ts";
import { isObject, type JsonObject as Json } from "../json.ts";
import { jsonFeedFormat } from "./format.ts";
import { linksTo, type RawEntry, type RawFeed, type RawPerson, rawText } from "./raw.ts";

function str(v: unknown): string | null {
  if (typeof v !== "string") return null;
  const t = v.trim();
  return t === "" ? null : t;
}

/** 1.1 `authors` (array) or 1.0 `author` (object). */
function persons(obj: Json): RawPerson[] {
  const list = Array.isArray(obj["authors"])
    ? obj["authors"]
    : isObject(obj["author"])
      ? [obj["author"]]
      : [];
  return list.filter(isObject).flatMap((a) => {
    const name = str(a["name"]);
    const uri = str(a["url"]);
    return name !== null || uri !== null ? [{ name, email: null, uri, raw: null }] : [];
  });
}

/** An attachment as an enclosure link; none without a url. */
function attachment(a: unknown) {
  if (!isObject(a)) return [];
  const href = str(a["url"]);
  if (href === null) return [];
  const size = a["size_in_bytes"];
  const length = typeof size === "number" && Number.isFinite(size) ? String(size) : str(size);
  return [{ href, rel: "enclosure", type: str(a["mime_type"]), length, title: str(a["title"]) }];
}

function readItem(item: Json): RawEntry {
  const id = item["id"];
  const tags = Array.isArray(item["tags"]) ? item["tags"] : [];
  const attachments = Array.isArray(item["attachments"]) ? item["attachments"] : [];
  return {
    // Ids may be numbers in the wild; the spec says strings, so compare as strings.
    id: typeof id === "number" && Number.isFinite(id) ? String(id) : str(id),
    idIsPermalink: null,
    title: rawText(str(item["title"]), "text"),
    links: [
      ...linksTo(str(item["url"]), "alternate"),
      ...linksTo(str(item["external_url"]), "related"),
    ],
    base: null,
    language: str(item["language"]),
    content:
      rawText(str(item["content_html"]), "html") ?? rawText(str(item["content_text"]), "text"),
    summary: rawText(str(item["summary"]), "text"),
    published: str(item["date_published"]),
    updated: str(item["date_modified"]),
    authors: persons(item),
    categories: [...new Set(tags.map(str).filter((t): t is string => t !== null))],
    enclosures: attachments.flatMap(attachment),
    image: str(item["image"]) ?? str(item["banner_image"]),
  };
}

/** Parses a JSON Feed document (already decoded and size-checked). */
export function parseJsonFeed(text: string, source: string, maxItems: number): RawFeed {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new FeedParseError(source, `invalid JSON: ${(e as Error).message}`);
  }
  if (!isObject(doc))
    throw new FeedParseError(source, "not a JSON Feed: the document is not an object");
  const version = typeof doc["version"] === "string" ? jsonFeedFormat(doc["version"]) : null;
  if (version === null) {
    throw new FeedParseError(source, "not a JSON Feed: missing or unknown jsonfeed.org version");
  }
  const items = doc["items"];
  if (!Array.isArray(items))
    throw new FeedParseError(source, "not a JSON Feed: `items` is not an array");
  if (items.length > maxItems) {
    throw new FeedLimitError(source, "items", maxItems, `${items.length} items`);
  }
  return {
    format: version,
    title: rawText(str(doc["title"]), "text"),
    siteUrl: str(doc["home_page_url"]),
    feedUrl: str(doc["feed_url"]),
    base: null,
    language: str(doc["language"]),
    authors: persons(doc),
    entries: items.filter(isObject).map(readItem),
  };
}
