/**
 * People as feeds write them: RSS `jo@x.org (Jo Bloggs)`, `Jo Bloggs <jo@x.org>`,
 * a bare name or a bare email, `dc:creator`, Atom name/email/uri.
 */
import type { Author } from "../item.ts";
import type { RawPerson } from "../parse/raw.ts";
import { canonicalUrl } from "./canonicalUrl.ts";
import { ownCopy, ownCopyOrNull } from "./ownStrings.ts";
import { cleanText, collapseWhitespace } from "./text.ts";

const EMAIL = /^[^\s@<>()]+@[^\s@<>()]+$/;
// jo@x.org (Jo Bloggs)
const EMAIL_THEN_NAME = /^(\S+@\S+?)\s*\((.*)\)$/;
// Jo Bloggs <jo@x.org>, "Bloggs, Jo" <jo@x.org>
const NAME_THEN_EMAIL = /^(.*?)\s*<([^<>\s]+@[^<>\s]+)>$/;

function email(value: string | null): string | null {
  if (value === null) return null;
  const v = value.trim().replace(/^mailto:/i, "");
  return EMAIL.test(v) ? v : null;
}

function name(value: string | null): string | null {
  if (value === null) return null;
  // quotes around an RFC 5322 display name are not part of it
  const v = cleanText(value)
    .replace(/^"(.*)"$/, "$1")
    .trim();
  return v === "" ? null : v;
}

function split(s: string): { name: string | null; email: string | null } | null {
  const a = EMAIL_THEN_NAME.exec(s);
  if (a && email(a[1] as string))
    return { name: name(a[2] as string), email: email(a[1] as string) };
  const b = NAME_THEN_EMAIL.exec(s);
  if (b) return { name: name(b[1] as string), email: email(b[2] as string) };
  if (email(s)) return { name: null, email: email(s) };
  return null;
}

/** Splits an unstructured RSS author string into name and email. */
function splitRaw(raw: string): { name: string | null; email: string | null } {
  // "<jo@x.org>" looks like a tag to an HTML cleaner: match before cleaning, then after
  // (for a feed that escaped it as "&lt;jo@x.org&gt;")
  const text = cleanText(raw);
  return split(collapseWhitespace(raw)) ?? split(text) ?? { name: name(text), email: null };
}

// A feed credits the same few people item after item: their split is remembered, a
// bounded number of them (keys and values copied: they must not keep a document alive)
const SPLIT_RAW = new Map<string, { name: string | null; email: string | null }>();
const SPLIT_RAW_MAX = 256;

/** `splitRaw`, remembered. */
function splitRawOnce(raw: string): { name: string | null; email: string | null } {
  const known = SPLIT_RAW.get(raw);
  if (known !== undefined) return { name: known.name, email: known.email };
  const split = splitRaw(raw);
  if (SPLIT_RAW.size >= SPLIT_RAW_MAX) SPLIT_RAW.clear();
  SPLIT_RAW.set(ownCopy(raw), {
    name: ownCopyOrNull(split.name),
    email: ownCopyOrNull(split.email),
  });
  return split;
}

/** One person, cleaned; null when nothing usable is left. */
function normalizePerson(p: RawPerson, base: string | null): Author | null {
  let n = name(p.name);
  let e = email(p.email);
  // dc:creator and itunes:author hold a name by spec, yet feeds write "Sam Lee <sam@x.org>"
  // there too: split it before cleaning, which would drop "<sam@x.org>" as if it were a tag
  const inName = p.name !== null && e === null ? split(collapseWhitespace(p.name)) : null;
  if (inName !== null) {
    n = inName.name;
    e = inName.email;
  }
  if (p.raw !== null && n === null && e === null) {
    const split = splitRawOnce(p.raw);
    n = split.name;
    e = split.email;
  }
  const uri = p.uri === null ? null : canonicalUrl(p.uri, base);
  if (n === null && e === null && uri === null) return null;
  return { name: n, email: e, uri };
}

/** Cleans a list of people, dropping empty and identical ones (order kept). */
export function normalizeAuthors(people: readonly RawPerson[], base: string | null): Author[] {
  const seen = new Set<string>();
  const authors: Author[] = [];
  for (const p of people) {
    const a = normalizePerson(p, base);
    if (a === null) continue;
    const key = `${a.name?.toLowerCase() ?? ""}\n${a.email?.toLowerCase() ?? ""}\n${a.uri ?? ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    authors.push(a);
  }
  return authors;
}
