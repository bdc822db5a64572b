/**
 * The pushed-item format: JSON items sent to the push endpoint (or dropped in
 * `incoming/`) by a script, rather than polled from a feed. Each valid item
 * becomes a `RawEntry` (format "push") for the normalizer; each invalid item
 * becomes one `ItemValidationError` naming its position (from 1) and field,
 * and the rest of the batch still goes in.
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
import * as v from "valibot";
import { FeedLimitError, FeedParseError, ItemValidationError } from "./errors.ts";
import { describe, isObject, issuePath, jsonObject } from "./json.ts";
import { ITEM_LIMITS } from "./limits.ts";
import { linksTo, type RawEntry, type RawFeed, type RawPerson, rawText } from "./parse/raw.ts";

/** Limits of one push: at most 1000 items, each within the item limits (limits.ts). */
export const PUSH_LIMITS = { items: 1000, ...ITEM_LIMITS } as const;

/** The parse of one push. */
export interface PushedBatch {
  /** The valid items grouped by the outlet they name (`source`), in first-seen
   *  order: each feed's title and site are its outlet's, so that every item
   *  is normalized with its own. */
  feeds: RawFeed[];
  /** One per rejected item. */
  errors: ItemValidationError[];
}

/** An object of known fields; anything else is refused as not `shape`. */
const fields = <const TEntries extends v.ObjectEntries>(entries: TEntries, shape: string) =>
  jsonObject(
    entries,
    (issue) => `must be ${shape}, got ${describe(issue.input)}`,
    `is not a known field (known: ${Object.keys(entries).join(", ")})`,
  );

const blankAsNull = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? null : value;

/** An optional field: absent, null and blank all mean "not given" (null). */
const given = <TOutput>(schema: v.GenericSchema<string, TOutput>) =>
  v.optional(v.pipe(v.unknown(), v.transform(blankAsNull), v.nullish(schema, null)), null);

const string = (maxChars = Number.POSITIVE_INFINITY) =>
  v.pipe(
    v.string((issue) => `must be a string, got ${describe(issue.input)}`),
    v.maxLength(
      maxChars,
      (issue) => `must be at most ${maxChars} characters, got ${issue.received}`,
    ),
  );
const trimmed = (maxChars: number) => v.pipe(string(maxChars), v.trim());

const httpUrl = v.pipe(
  string(PUSH_LIMITS.url),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const value = dataset.value.trim();
    const url = URL.canParse(value) ? new URL(value) : null;
    if (url?.protocol === "http:" || url?.protocol === "https:") return url.href;
    addIssue({ message: "must be an absolute http(s) URL" });
    return NEVER;
  }),
);

function utf8Bytes(s: string): number {
  // Every UTF-16 unit is at least one UTF-8 byte and at most three.
  if (s.length * 3 <= PUSH_LIMITS.contentBytes) return s.length;
  return new TextEncoder().encode(s).length;
}
const body = v.pipe(
  string(),
  v.check(
    (s) => utf8Bytes(s) <= PUSH_LIMITS.contentBytes,
    (issue) => `must be at most ${PUSH_LIMITS.contentBytes} bytes, got ${utf8Bytes(issue.input)}`,
  ),
);

const RFC3339 = /^\d{4}-\d\d-\d\d([Tt ]\d\d:\d\d(:\d\d(\.\d+)?)?([Zz]|[+-]\d\d:?\d\d)?)?$/;
const date = v.pipe(
  string(100),
  // The normalizer does the real parsing; here we only catch what no parser could read.
  v.check(
    (s) => RFC3339.test(s.trim()) || !Number.isNaN(Date.parse(s)),
    (issue) => `must be a date such as "2024-05-16T08:00:00Z", got "${issue.input}"`,
  ),
  v.trim(),
);

const authorObject = v.pipe(
  fields(
    {
      name: given(trimmed(PUSH_LIMITS.shortText)),
      email: given(
        v.pipe(
          trimmed(PUSH_LIMITS.shortText),
          v.regex(/^[^@\s]+@[^@\s]+$/, (issue) => `"${issue.input}" is not an email address`),
        ),
      ),
      url: given(httpUrl),
    },
    "a name or {name, email, url}",
  ),
  v.check(
    (a) => a.name !== null || a.email !== null || a.url !== null,
    "needs at least one of name, email and url",
  ),
  v.transform(({ name, email, url }): RawPerson => ({ name, email, uri: url, raw: null })),
);
const authorName = given(
  v.pipe(
    trimmed(PUSH_LIMITS.shortText),
    v.transform((name): RawPerson => ({ name, email: null, uri: null, raw: null })),
  ),
);
/** A name alone, or `{ name, email, url }`. */
const author = v.lazy((value) => (typeof value === "string" ? authorName : authorObject));

/** An optional list: absent or null is empty, blank entries are dropped. */
const list = <TItem>(item: v.GenericSchema<unknown, TItem | null>, max: number, shape: string) =>
  v.nullish(
    v.pipe(
      v.array(item, (issue) => `must be an array of ${shape}, got ${describe(issue.input)}`),
      v.maxLength(max, `must have at most ${max} entries`),
      v.transform((items) => items.filter((x): x is TItem => x !== null)),
    ),
    [],
  );

const source = v.nullish(
  v.pipe(
    fields(
      { title: given(trimmed(PUSH_LIMITS.shortText)), url: given(httpUrl) },
      "an object {title, url}",
    ),
    v.transform((s) => (s.title === null && s.url === null ? null : s)),
  ),
  null,
);
type PushedSource = v.InferOutput<typeof source>;

const item = v.pipe(
  fields(
    {
      id: given(trimmed(PUSH_LIMITS.id)),
      url: given(httpUrl),
      title: given(string(PUSH_LIMITS.title)),
      content: given(body),
      contentHtml: given(body),
      summary: given(string(PUSH_LIMITS.summary)),
      published: given(date),
      updated: given(date),
      authors: list(author, PUSH_LIMITS.authors, "names or {name, email, url}"),
      categories: list(given(trimmed(PUSH_LIMITS.shortText)), PUSH_LIMITS.categories, "strings"),
      language: given(
        v.pipe(
          trimmed(35),
          v.regex(
            /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/,
            (issue) => `must be a language tag such as "en" or "pt-BR", got "${issue.input}"`,
          ),
        ),
      ),
      source,
    },
    "an object",
  ),
  v.forward(
    v.check(
      (i) => i.content === null || i.contentHtml === null,
      "give either content (plain text) or contentHtml, not both",
    ),
    ["contentHtml"],
  ),
  v.forward(
    v.check(
      (i) => i.title !== null || i.content !== null || i.contentHtml !== null || i.url !== null,
      "an item needs at least one of title, content, contentHtml and url",
    ),
    ["title"],
  ),
  v.transform((i): { entry: RawEntry; source: PushedSource } => ({
    entry: {
      id: i.id,
      idIsPermalink: null,
      title: rawText(i.title, "text"),
      links: linksTo(i.url, "alternate"),
      base: null,
      language: i.language,
      content: rawText(i.content, "text") ?? rawText(i.contentHtml, "html"),
      summary: rawText(i.summary, "text"),
      published: i.published,
      updated: i.updated,
      authors: i.authors,
      categories: i.categories,
      enclosures: [],
      image: null,
    },
    source: i.source,
  })),
);

/** An empty feed whose title and site are the outlet's. */
function outletFeed(from: PushedSource): RawFeed {
  return {
    format: "push",
    title: rawText(from?.title ?? null, "text"),
    siteUrl: from?.url ?? null,
    feedUrl: null,
    base: null,
    language: null,
    authors: [],
    entries: [],
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
  const feeds = new Map<string, RawFeed>();
  const errors: ItemValidationError[] = [];
  for (const [i, value] of items.entries()) {
    const result = v.safeParse(item, value, { abortEarly: true });
    if (!result.success) {
      const [issue] = result.issues;
      // numbered from 1, as a user counts the items of a batch
      errors.push(new ItemValidationError(issuePath(issue) || "(item)", issue.message, i + 1));
      continue;
    }
    const { entry, source: from } = result.output;
    const key = JSON.stringify(from);
    const feed = feeds.get(key) ?? outletFeed(from);
    feed.entries.push(entry);
    feeds.set(key, feed);
  }
  return { feeds: [...feeds.values()], errors };
}
