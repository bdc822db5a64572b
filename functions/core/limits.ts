/**
 * The size of one item, whatever brought it. A pushed item over a limit is
 * refused, naming the field (push.ts: a script can fix and resend it); a feed
 * item is cut to the limits (`boundItem`: the publisher will not fix its feed
 * for us), and the cut is reported. Either way no item can make the store,
 * the head index or a published feed unboundedly large.
 */
import type { Author, Item } from "./item.ts";
import { truncateOnWord } from "./normalize/text.ts";

export const ITEM_LIMITS = {
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
  enclosures: 100,
  /** Characters of one category, author name, email or address, or a source title. */
  shortText: 1000,
} as const;

const cut = (s: string | null, max: number) =>
  s === null || s.length <= max ? s : truncateOnWord(s, max);
const within = (s: string | null, max: number) => (s === null || s.length <= max ? s : null);

function boundAuthor(a: Author): Author {
  const max = ITEM_LIMITS.shortText;
  return { name: cut(a.name, max), email: within(a.email, max), uri: within(a.uri, max) };
}

/** An item within ITEM_LIMITS, and what had to be cut to get there (empty: nothing). */
export function boundItem(item: Item): { item: Item; cut: string[] } {
  const L = ITEM_LIMITS;
  const notes: string[] = [];
  const note = (field: string, what: string) => notes.push(`${field}: ${what}`);
  if (item.title.length > L.title)
    note("title", `cut to ${L.title} of ${item.title.length} characters`);
  let contentHtml = item.contentHtml;
  if (contentHtml !== null && Buffer.byteLength(contentHtml, "utf8") > L.contentBytes) {
    note(
      "content",
      `left out: more than ${L.contentBytes} bytes after sanitizing (the summary stays)`,
    );
    contentHtml = null;
  }
  for (const list of ["authors", "categories", "enclosures"] as const) {
    const n = item[list].length;
    if (n > L[list]) note(list, `first ${L[list]} of ${n} kept`);
  }
  if (
    notes.length === 0 &&
    item.url === within(item.url, L.url) &&
    item.source.id === within(item.source.id, L.id)
  ) {
    return { item, cut: notes };
  }
  return {
    item: {
      ...item,
      url: within(item.url, L.url),
      title: cut(item.title, L.title) ?? "",
      summary: cut(item.summary, L.summary),
      contentHtml,
      authors: item.authors.slice(0, L.authors).map(boundAuthor),
      categories: item.categories.slice(0, L.categories).map((c) => cut(c, L.shortText) ?? ""),
      enclosures: item.enclosures.slice(0, L.enclosures).filter((e) => e.url.length <= L.url),
      source: {
        ...item.source,
        feedTitle: cut(item.source.feedTitle, L.shortText),
        // an over-long guid keeps its start: the same guid is cut the same way every time
        id: item.source.id === null ? null : item.source.id.slice(0, L.id),
      },
    },
    cut: notes,
  };
}
