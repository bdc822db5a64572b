/**
 * How s3rver (3.7.1) lays one object out on disk, and how cleanfeed checks the
 * pieces against each other. Key `entries/abc.json` of bucket `cleanfeed`:
 *
 *   cleanfeed/entries/abc.json._S3rver_object          the bytes
 *   cleanfeed/entries/abc.json._S3rver_object.md5      hex md5 of the bytes: the ETag
 *   cleanfeed/entries/abc.json._S3rver_metadata.json   content-type, cache-control, x-amz-meta-*
 *
 * s3rver writes the three in place, in that order, without waiting for the
 * object's write stream to finish. After `kill -9` we found: a zero-length or
 * partial object under the md5 of the whole body (reads return a half object or
 * fail), an empty md5 file (ETag `""`), an empty metadata file (every read of
 * the key fails with `Unexpected end of JSON input`, a 500 naming no object).
 *
 * cleanfeed writes each file whole to `<file>.cleanfeed-tmp` and renames it
 * into place (atomic-store.ts), and the metadata also carries the object's md5
 * and size, its stamp, so that the three can be checked against each other
 * without reading the object (on every read, and at start in repair.ts).
 */
import { createHash } from "node:crypto";
import { readFile, rename, rm, writeFile } from "node:fs/promises";

export const SUFFIX = {
  object: "._S3rver_object",
  md5: "._S3rver_object.md5",
  metadata: "._S3rver_metadata.json",
} as const;

/** Temp files end here, so they never end like a file s3rver reads (`._S3rver_…`). */
export const TMP = ".cleanfeed-tmp";

/** The three files of an object, from its path without suffix, in the order they are written. */
export function filesOf(base: string) {
  return { object: base + SUFFIX.object, md5: base + SUFFIX.md5, metadata: base + SUFFIX.metadata };
}

export type ObjectFiles = ReturnType<typeof filesOf>;

/** What `pending` resolves to, or null when it failed because the file is not there. */
export async function unlessMissing<T>(pending: Promise<T>): Promise<T | null> {
  try {
    return await pending;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

/** A file's text, or null when there is no such file. */
export const readIfExists = (path: string) => unlessMissing(readFile(path, "utf-8"));

/** What the metadata says the object is. */
export interface Stamp {
  md5: string;
  size: number;
}

// Not x-amz-meta-*, so s3rver never returns them as object metadata.
const STAMP_MD5 = "cleanfeed-md5";
const STAMP_SIZE = "cleanfeed-size";
const HEX_MD5 = /^[0-9a-f]{32}$/;

export type MetadataFile =
  | { kind: "ok"; fields: Record<string, string>; stamp: Stamp | null }
  | { kind: "torn" }
  | { kind: "absent" };

/** Reads a metadata file's text (null: no file); anything but a JSON object is torn. */
export function parseMetadata(text: string | null): MetadataFile {
  if (text === null) return { kind: "absent" };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: "torn" };
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return { kind: "torn" };
  const { [STAMP_MD5]: md5, [STAMP_SIZE]: size, ...fields } = json as Record<string, unknown>;
  const stamp =
    typeof md5 === "string" && HEX_MD5.test(md5) && typeof size === "number" ? { md5, size } : null;
  return { kind: "ok", fields: fields as Record<string, string>, stamp };
}

export function metadataJson(fields: Record<string, string>, stamp: Stamp): string {
  return JSON.stringify({ ...fields, [STAMP_MD5]: stamp.md5, [STAMP_SIZE]: stamp.size }, null, 2);
}

/** The md5 file's hex, "torn" for anything else (an empty file), null when there is none. */
export function parseMd5(text: string | null): string | "torn" | null {
  if (text === null) return null;
  return HEX_MD5.test(text) ? text : "torn";
}

export function stampOf(bytes: Buffer): Stamp {
  return { md5: createHash("md5").update(bytes).digest("hex"), size: bytes.length };
}

/**
 * Writes an object's three files so that a kill at any instant leaves either
 * the old version or the new one (repair.ts finishes a write whose metadata
 * temp file is whole). Temp files first, object to metadata; then the renames
 * in the same order, so a whole metadata temp file means all three are whole.
 */
export async function writeObjectFiles(
  files: ObjectFiles,
  bytes: Buffer,
  fields: Record<string, string>,
): Promise<Stamp> {
  const stamp = stampOf(bytes);
  const order = Object.values(files);
  try {
    await writeFile(files.object + TMP, bytes);
    await writeFile(files.md5 + TMP, stamp.md5);
    await writeFile(files.metadata + TMP, metadataJson(fields, stamp));
  } catch (e) {
    // Nothing is in place yet: the previous version stays whole.
    await Promise.all(order.map((f) => rm(f + TMP, { force: true }).catch(() => {})));
    throw e;
  }
  // A failure past this point (a rename refused) leaves the temp files for the next start.
  for (const file of order) await rename(file + TMP, file);
  return stamp;
}

/** Writes one small file by temp file and rename (used by repairs). */
export async function replaceFile(path: string, text: string): Promise<void> {
  await writeFile(path + TMP, text);
  await rename(path + TMP, path);
}
