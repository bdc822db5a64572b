/**
 * The exact keys a story is found by. Each becomes an S3 object name
 * (`keys/<kind>/<hash>`), so they are hashed to a fixed, safe length.
 */
import { createHash } from "node:crypto";
import type { NormalizedItem } from "../item.ts";

export type KeyKind = "url" | "content" | "guid";

export interface StoryKey {
  kind: KeyKind;
  /** `url/…`, `content/…`, `guid/…`: the object name below `keys/`. */
  name: string;
}

function digest(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 40);
}

/**
 * The URL as an identity: the canonical URL with the differences publishers
 * introduce for the same page (http/https, `www.`, a trailing slash) folded.
 */
export function urlIdentity(url: string): string {
  try {
    const u = new URL(url);
    const host = u.hostname.replace(/^www\./, "");
    const path = u.pathname.replace(/\/+$/, "") || "/";
    return `${host}${u.port ? `:${u.port}` : ""}${path}${u.search}`;
  } catch {
    return url;
  }
}

/**
 * The keys of one copy, in the order new stories claim them. The order is
 * global so that two concurrent creators of one story always race for the
 * same first shared key, and exactly one wins (see store/stories.ts).
 * A guid is only meaningful within its source, so it is scoped by it.
 */
export function storyKeys(copy: NormalizedItem, source: string): StoryKey[] {
  const keys: StoryKey[] = [];
  if (copy.item.url) keys.push({ kind: "url", name: `url/${digest(urlIdentity(copy.item.url))}` });
  keys.push({ kind: "content", name: `content/${copy.fingerprint.contentHash.slice(0, 40)}` });
  if (copy.item.source.id) {
    keys.push({ kind: "guid", name: `guid/${digest(`${source}\n${copy.item.source.id}`)}` });
  }
  return keys;
}

/** The source key: the name a source's copies are scoped by. */
export function sourceKey(nameOrUrl: string): string {
  return digest(nameOrUrl).slice(0, 24);
}
