/**
 * What readers get: the files under `public/`, and the archive bookkeeping
 * (`index/archive/state.json`) that decides which stories went to which
 * RFC 5005 archive page.
 */
import { createHash } from "node:crypto";
import { PREFIX } from "./layout.ts";
import type { Objects } from "./objects.ts";

export const ARCHIVE_STATE_KEY = `${PREFIX.archiveState}state.json`;

export interface ArchiveState {
  version: 1;
  /** Sealed archive pages: archive/1.atom … archive/<pages>.atom. */
  pages: number;
  /** Every story with a seq up to this one is on an archive page. */
  archivedSeq: number;
  /** A page claimed but maybe not written yet (a crash in between): finish it first. */
  pending: { page: number; ids: string[]; archivedSeq: number } | null;
}

const EMPTY_ARCHIVE: ArchiveState = { version: 1, pages: 0, archivedSeq: 0, pending: null };

export async function readArchiveState(objects: Objects) {
  const got = await objects.getJson<ArchiveState>(ARCHIVE_STATE_KEY);
  return got === null ? { state: EMPTY_ARCHIVE, etag: null } : { state: got.value, etag: got.etag };
}

export interface PublicFile {
  /** Path below `public/`, as served: `feed.atom`, `archive/3.atom`. */
  path: string;
  body: string;
  contentType: string;
  cacheControl: string;
}

/**
 * Writes a public file unless the bucket already has these exact bytes, so a
 * regeneration with nothing new writes nothing and readers keep their 304s.
 * Returns whether it wrote.
 */
export async function publish(objects: Objects, file: PublicFile): Promise<boolean> {
  const key = `${PREFIX.public}${file.path}`;
  const current = await objects.head(key);
  const md5 = createHash("md5").update(file.body).digest("hex");
  if (current !== null && current.etag.replaceAll('"', "") === md5) return false;
  await objects.put(key, file.body, {
    contentType: file.contentType,
    cacheControl: file.cacheControl,
  });
  return true;
}

/** Reads a public file (the local server and tests use this). */
export function readPublic(objects: Objects, path: string) {
  return objects.getText(`${PREFIX.public}${path}`);
}
