/**
 * The pushed-item format: JSON items sent to the push endpoint (or dropped in
 * `incoming/`) by a script, rather than polled from a feed. Each valid item
 * becomes a `RawEntry` (format "push") for the normalizer; each invalid item
 * becomes one `ItemValidationError` naming its index and field, and the rest
 * of the batch still goes in.
 *
 * Accepted shapes: one item object, an array of items, or `{ "items": [...] }`.
 *
 * Item fields (all optional, but an item needs a title, content, contentHtml or url):
 *   id          string: your stable id for the story (dedupes re-pushes)
 *   url         absolute http(s) URL of the story
 *   title       plain text, at most 1000 characters
 *   content     plain text body (blank lines separate paragraphs), at most 1 MB
 *   contentHtml HTML body (sanitized later), at most 1 MB; not together with content
 *   summary     plain text
 *   published   date string, e.g. "2024-05-16T08:00:00Z"
 *   updated     date string
 *   authors     array of names or of { name, email, url }
 *   categories  array of strings
 *   language    language tag such as "en" or "pt-BR"
 *   source      { title, url }: the outlet the story comes from
 */
import { FeedLimitError, FeedParseError, ItemValidationError } from "./errors.ts";
import { isObject, type JsonObject as Json } from "./json.ts";
import type { RawEntry, RawFeed, RawPerson, RawText } from "./parse/raw.ts";

/** Limits of one push. Strings over a limit fail their item (never silently cut). */
export const PUSH_LIMITS = {
  items: 1000,
  /** Characters. */
  title: 1000,
  /** UTF-8 bytes, for content and contentHtml. */
  contentBytes: 1024 * 1024,
  /** Characters. */
  summary: 100_000,
  id: 2048,
  url: 8192,
  authors: 100,
  categories: 100,
  /** Characters of one category, author name or email, or source title. */
  shortText: 1000,
} as const;

/** The parse of one push. */
export interface PushedBatch {
  /** Every valid item, in input order. Feed-level title/siteUrl are set only
   *  when all valid items name the same `source`. */
  feed: RawFeed;
  /** The same entries grouped by their `source` (first-seen order), so each
   *  group can be normalized with its own outlet as the feed. */
  feeds: RawFeed[];
  /** One per rejected item. */
  errors: ItemValidationError[];
}

const ITEM_FIELDS = [
  "id",
  "url",
  "title",
  "content",
  "contentHtml",
  "summary",
  "published",
  "updated",
  "authors",
  "categories",
  "language",
  "source",
] as const;

/** Thrown inside one item's validation; becomes that item's error. */
class Invalid extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

function utf8Bytes(s: string): number {
  // Every UTF-16 unit is at least one UTF-8 byte and at most three.
  if (s.length * 3 <= PUSH_LIMITS.contentBytes) return s.length;
  return new TextEncoder().encode(s).length;
}

/** A string field: absent, null and blank all mean "not given". */
function text(o: Json, field: string, path: string, maxChars: number | null): string | null {
  const v = o[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") throw new Invalid(path, `must be a string, got ${describe(v)}`);
  if (v.trim() === "") return null;
  if (maxChars !== null && v.length > maxChars) {
    throw new Invalid(path, `must be at most ${maxChars} characters, got ${v.length}`);
  }
  return v;
}

function httpUrl(o: Json, field: string, path: string): string | null {
  const v = text(o, field, path, PUSH_LIMITS.url);
  if (v === null) return null;
  let u: URL;
  try {
    u = new URL(v.trim());
  } catch {
    throw new Invalid(path, "must be an absolute http(s) URL");
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new Invalid(path, "must be an absolute http(s) URL");
  }
  return u.href;
}

const RFC3339 = /^\d{4}-\d\d-\d\d([Tt ]\d\d:\d\d(:\d\d(\.\d+)?)?([Zz]|[+-]\d\d:?\d\d)?)?$/;

function date(o: Json, field: string): string | null {
  const v = text(o, field, field, 100);
  if (v === null) return null;
  // The normalizer does the real parsing; here we only catch what no parser could read.
  if (!RFC3339.test(v.trim()) && Number.isNaN(Date.parse(v))) {
    throw new Invalid(field, `must be a date such as "2024-05-16T08:00:00Z", got "${v}"`);
  }
  return v.trim();
}

function knownKeys(o: Json, known: readonly string[], path: string): void {
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) {
      const where = path ? `${path}.${k}` : k;
      throw new Invalid(where, `is not a known field (known: ${known.join(", ")})`);
    }
  }
}

function authors(o: Json): RawPerson[] {
  const v = o.authors;
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    throw new Invalid(
      "authors",
      `must be an array of names or {name, email, url}, got ${describe(v)}`,
    );
  }
  if (v.length > PUSH_LIMITS.authors) {
    throw new Invalid("authors", `must have at most ${PUSH_LIMITS.authors} entries`);
  }
  const out: RawPerson[] = [];
  v.forEach((a, i) => {
    const path = `authors[${i}]`;
    if (typeof a === "string") {
      const name = text({ a }, "a", path, PUSH_LIMITS.shortText);
      if (name !== null) out.push({ name: name.trim(), email: null, uri: null, raw: null });
      return;
    }
    if (!isObject(a))
      throw new Invalid(path, `must be a name or {name, email, url}, got ${describe(a)}`);
    knownKeys(a, ["name", "email", "url"], path);
    const name = text(a, "name", `${path}.name`, PUSH_LIMITS.shortText)?.trim() ?? null;
    const email = text(a, "email", `${path}.email`, PUSH_LIMITS.shortText)?.trim() ?? null;
    if (email !== null && !/^[^@\s]+@[^@\s]+$/.test(email)) {
      throw new Invalid(`${path}.email`, `"${email}" is not an email address`);
    }
    const uri = httpUrl(a, "url", `${path}.url`);
    if (name === null && email === null && uri === null) {
      throw new Invalid(path, "needs at least one of name, email and url");
    }
    out.push({ name, email, uri, raw: null });
  });
  return out;
}

function categories(o: Json): string[] {
  const v = o.categories;
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v))
    throw new Invalid("categories", `must be an array of strings, got ${describe(v)}`);
  if (v.length > PUSH_LIMITS.categories) {
    throw new Invalid("categories", `must have at most ${PUSH_LIMITS.categories} entries`);
  }
  const out: string[] = [];
  v.forEach((c, i) => {
    const s = text({ c }, "c", `categories[${i}]`, PUSH_LIMITS.shortText);
    if (s !== null) out.push(s.trim());
  });
  return out;
}

interface PushedSource {
  title: string | null;
  url: string | null;
}

function source(o: Json): PushedSource | null {
  const v = o.source;
  if (v === undefined || v === null) return null;
  if (!isObject(v))
    throw new Invalid("source", `must be an object {title, url}, got ${describe(v)}`);
  knownKeys(v, ["title", "url"], "source");
  const title = text(v, "title", "source.title", PUSH_LIMITS.shortText)?.trim() ?? null;
  const url = httpUrl(v, "url", "source.url");
  return title === null && url === null ? null : { title, url };
}

function body(o: Json, field: "content" | "contentHtml"): string | null {
  const v = text(o, field, field, null);
  if (v === null) return null;
  const bytes = utf8Bytes(v);
  if (bytes > PUSH_LIMITS.contentBytes) {
    throw new Invalid(field, `must be at most ${PUSH_LIMITS.contentBytes} bytes, got ${bytes}`);
  }
  return v;
}

/** Validates one item; throws `Invalid` naming the first bad field. */
function toEntry(value: unknown): { entry: RawEntry; source: PushedSource | null } {
  if (!isObject(value)) throw new Invalid("(item)", `must be an object, got ${describe(value)}`);
  knownKeys(value, ITEM_FIELDS, "");
  const id = text(value, "id", "id", PUSH_LIMITS.id);
  const url = httpUrl(value, "url", "url");
  const title = text(value, "title", "title", PUSH_LIMITS.title);
  const content = body(value, "content");
  const contentHtml = body(value, "contentHtml");
  if (content !== null && contentHtml !== null) {
    throw new Invalid("contentHtml", "give either content (plain text) or contentHtml, not both");
  }
  const summary = text(value, "summary", "summary", PUSH_LIMITS.summary);
  const published = date(value, "published");
  const updated = date(value, "updated");
  const people = authors(value);
  const tags = categories(value);
  const language = text(value, "language", "language", 35)?.trim() ?? null;
  if (language !== null && !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(language)) {
    throw new Invalid(
      "language",
      `must be a language tag such as "en" or "pt-BR", got "${language}"`,
    );
  }
  const from = source(value);
  if (title === null && content === null && contentHtml === null && url === null) {
    throw new Invalid("title", "an item needs at least one of title, content, contentHtml and url");
  }
  const asText = (v: string | null, type: RawText["type"]): RawText | null =>
    v === null ? null : { value: v, type };
  return {
    entry: {
      id: id?.trim() ?? null,
      idIsPermalink: null,
      title: asText(title, "text"),
      links:
        url === null
          ? []
          : [{ href: url, rel: "alternate", type: null, length: null, title: null }],
      base: null,
      language,
      content: content !== null ? asText(content, "text") : asText(contentHtml, "html"),
      summary: asText(summary, "text"),
      published,
      updated,
      authors: people,
      categories: tags,
      enclosures: [],
      image: null,
    },
    source: from,
  };
}

function rawFeed(from: PushedSource | null, entries: RawEntry[]): RawFeed {
  return {
    format: "push",
    title: from?.title ? { value: from.title, type: "text" } : null,
    siteUrl: from?.url ?? null,
    feedUrl: null,
    base: null,
    language: null,
    authors: [],
    entries,
  };
}

/** The list of items in a push body, or a whole-batch error. */
function itemsOf(value: unknown, name: string): unknown[] {
  if (Array.isArray(value)) return value;
  if (isObject(value)) {
    if ("items" in value) {
      if (!Array.isArray(value.items))
        throw new FeedParseError(name, '"items" must be an array of items');
      return value.items;
    }
    return [value];
  }
  throw new FeedParseError(
    name,
    `a push must be an item object, an array of items or {"items": [...]}, got ${describe(value)}`,
  );
}

/**
 * Validates a decoded push body. Per-item problems are collected in `errors`
 * (the other items still go in); a body that is not a push at all throws
 * `FeedParseError`, and one with more than 1000 items throws `FeedLimitError`
 * (nothing of it is stored: a silent cut would lose the tail of the batch).
 * `source` names the push in those errors (endpoint, file or object key).
 */
export function parsePushedItems(value: unknown, source: string): PushedBatch {
  const items = itemsOf(value, source);
  if (items.length > PUSH_LIMITS.items) {
    throw new FeedLimitError(source, "items", PUSH_LIMITS.items, `got ${items.length} items`);
  }
  const entries: RawEntry[] = [];
  const errors: ItemValidationError[] = [];
  const groups = new Map<string, { from: PushedSource | null; entries: RawEntry[] }>();
  items.forEach((item, index) => {
    try {
      const { entry, source: from } = toEntry(item);
      entries.push(entry);
      const key = JSON.stringify(from);
      const group = groups.get(key) ?? { from, entries: [] };
      group.entries.push(entry);
      groups.set(key, group);
    } catch (err) {
      if (!(err instanceof Invalid)) throw err;
      errors.push(new ItemValidationError(err.field, err.message, index));
    }
  });
  const feeds = [...groups.values()].map((g) => rawFeed(g.from, g.entries));
  const uniform = feeds.length === 1 ? (groups.values().next().value?.from ?? null) : null;
  return { feed: rawFeed(uniform, entries), feeds, errors };
}

/** Decodes and validates a push body given as JSON text (throws `FeedParseError` on bad JSON). */
export function parsePushBody(json: string, source: string): PushedBatch {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new FeedParseError(source, `the push body is not valid JSON (${(err as Error).message})`);
  }
  return parsePushedItems(value, source);
}
