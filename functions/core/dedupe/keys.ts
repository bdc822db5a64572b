/**
 * The exact keys a story is found by, and the story id a new story takes from
 * its first copy. Each key is hashed to a fixed, safe length, so it can name
 * an S3 object (`keys/url/…`) or sit in the head index.
 */
import { createHash } from "node:crypto";
import type { Item } from "../item.ts";

export type KeyKind = "url" | "content" | "guid";

export interface StoryKey {
  kind: KeyKind;
  /** `guid/…`, `url/…`, `content/…`: the key's name (and object name below `keys/`). */
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
  if (!URL.canParse(url)) return url;
  const u = new URL(url);
  const host = u.hostname.replace(/^www\./, "");
  const path = u.pathname.replace(/\/+$/, "") || "/";
  return `${host}${u.port ? `:${u.port}` : ""}${path}${u.search}`;
}

/**
 * The keys of one copy, most trusted first: the publisher's own guid (only
 * meaningful within its source, so scoped by it), the URL, the content hash.
 * The first is the copy's home key (see `storyIdFor`).
 */
export function storyKeys(item: Item, contentHash: string, scope: string): StoryKey[] {
  const keys: StoryKey[] = [];
  if (item.source.id) {
    keys.push({ kind: "guid", name: `guid/${digest(`${scope}\n${item.source.id}`)}` });
  }
  if (item.url) keys.push({ kind: "url", name: `url/${digest(urlIdentity(item.url))}` });
  keys.push({ kind: "content", name: `content/${contentHash.slice(0, 40)}` });
  return keys;
}

/**
 * The id a story first seen as a copy with this home key gets:
 * `urn:uuid:` and a UUID (version 8, RFC 9562) made from the key's hash. Being
 * derived, a replayed copy finds the story its first attempt created, and
 * creating the entry (If-None-Match) is the claim on the key. Ids given out
 * before were random; both kinds are kept forever.
 */
export function storyIdFor(home: StoryKey): string {
  const h = createHash("sha256").update(`cleanfeed story\n${home.name}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x80; // version 8
  h[8] = (h[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = h.subarray(0, 16).toString("hex");
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A key as the head index holds it: kind letter and 16 hex digits (collisions only cost a read). */
export function shortKey(name: string): string {
  const slash = name.indexOf("/");
  return `${name[0]}:${name.slice(slash + 1, slash + 17)}`;
}

/** The source key: the name a source's copies are scoped by. */
export function sourceKey(nameOrUrl: string): string {
  return digest(nameOrUrl).slice(0, 24);
}
