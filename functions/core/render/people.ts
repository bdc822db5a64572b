/** Authors and the small values around them, made safe for every output. */
import type { Author, FeedMeta } from "../item.ts";
import { webUrl } from "./iri.ts";
import { GENERATOR } from "./page.ts";
import { cleanText } from "./xmlText.ts";

/** An author ready to publish: a name is always present and never empty. */
export interface Person {
  name: string;
  email: string | null;
  uri: string | null;
  /** False when the name was made up (from the email's local part or a fallback). */
  named: boolean;
}

const EMAIL_IN_TEXT = /[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+/g;
const EMAIL = new RegExp(`^${EMAIL_IN_TEXT.source}$`);

/** A plausible email address, or null. */
function emailAddress(s: string | null | undefined): string | null {
  if (!s) return null;
  const text = cleanText(s)
    .trim()
    .replace(/^mailto:/i, "");
  return EMAIL.test(text) ? text : null;
}

/** Text with forbidden characters removed and whitespace trimmed; null when nothing is left. */
export function nonEmpty(s: string | null | undefined): string | null {
  if (s === null || s === undefined) return null;
  const text = cleanText(s).trim();
  return text === "" ? null : text;
}

/**
 * The author as published, or null when nothing is known about them.
 * Readers show an empty name as a blank byline, and the W3C validator warns
 * about an email address inside a name (RSS `bob@x.org (Bob)` habits), so an
 * address is moved out of the name, and a missing name becomes the address's
 * local part, then `fallbackName`.
 */
function personOf(author: Author, fallbackName = "unknown"): Person | null {
  const rawName = nonEmpty(author.name);
  const emailInName = rawName?.match(EMAIL_IN_TEXT)?.[0] ?? null;
  const email = emailAddress(author.email) ?? emailAddress(emailInName);
  const uri = webUrl(author.uri);
  const name = nonEmpty(
    rawName
      ?.replace(EMAIL_IN_TEXT, " ")
      .replace(/[()<>[\]]/g, " ")
      .replace(/\s+/g, " "),
  );
  if (name !== null) return { name, email, uri, named: true };
  if (email === null && uri === null) return null;
  const local = email?.split("@")[0] ?? null;
  return { name: local || fallbackName, email, uri, named: false };
}

/** The authors that can be published, in order, without exact repeats. */
export function peopleOf(authors: readonly Author[]): Person[] {
  const seen = new Set<string>();
  const out: Person[] = [];
  for (const a of authors) {
    const p = personOf(a);
    if (p === null) continue;
    const key = `${p.name}\u0000${p.email ?? ""}\u0000${p.uri ?? ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}

const LANGUAGE_TAG = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/;

/** A BCP 47 language tag in the shape Atom accepts, or null. */
export function languageTag(s: string | null | undefined): string | null {
  if (!s) return null;
  const text = s.trim();
  return LANGUAGE_TAG.test(text) ? text : null;
}

const MEDIA_TYPE = /^[A-Za-z0-9][\w.+-]*\/[A-Za-z0-9][\w.+-]*(\s*;.*)?$/;

/** A MIME media type (`audio/mpeg`), or null. */
export function mediaType(s: string | null | undefined): string | null {
  if (!s) return null;
  const text = cleanText(s).trim();
  return MEDIA_TYPE.test(text) ? text : null;
}

/** Categories as terms: cleaned, never empty, without exact repeats. */
export function termsOf(categories: readonly string[]): string[] {
  const out: string[] = [];
  for (const c of categories) {
    const term = nonEmpty(c);
    if (term !== null && !out.includes(term)) out.push(term);
  }
  return out;
}

/** The feed's author; with nothing known about them, the feed's own title names the publisher. */
export function feedAuthor(meta: FeedMeta): Person {
  const title = nonEmpty(meta.title) ?? GENERATOR;
  return personOf(meta.author, title) ?? { name: title, email: null, uri: null, named: false };
}
