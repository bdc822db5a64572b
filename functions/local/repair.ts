/**
 * The start-up check of a data folder: every object is whole, or it is named
 * and put right, so that one torn write never makes the folder unusable.
 *
 * Per object (the three files of s3-files.ts), in this order:
 * 1. Temp files of a write cut short: when the metadata temp file is whole and
 *    the object matches its stamp, the write is finished (renamed into place);
 *    otherwise the temp files go and the previous version stays. The write was
 *    never acknowledged, so either outcome is one S3 allows.
 * 2. Metadata stamped and agreeing with the object's size and md5 file: whole.
 * 3. Otherwise the object is hashed. A file that disagrees with a twin that
 *    agrees with the object is rebuilt from the object (the md5 file; or the
 *    metadata, when the md5 file vouches for the object, with content-type
 *    guessed from the name since the original headers are lost).
 * 4. An object nothing intact vouches for (truncated under its md5, or with
 *    neither md5 file nor metadata) is quarantined: its files move to
 *    `quarantine/<time>/<bucket>/…` beside the bucket folder, never deleted.
 * 5. An md5 or metadata file whose object is gone is what a delete cut short
 *    leaves: removed, which finishes the delete.
 * Objects written before stamps existed are checked by hash once and stamped.
 * After that first full check, a start only looks closer at what the folder
 * listing shows is unsettled (see CHECKED_MARK).
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import {
  filesOf,
  metadataJson,
  type ObjectFiles,
  parseMd5,
  parseMetadata,
  readIfExists,
  replaceFile,
  type Stamp,
  SUFFIX,
  stampOf,
  TMP,
  unlessMissing,
} from "./s3-files.ts";

const QUARANTINE = "quarantine";

const ROLES = Object.values(SUFFIX);

/** Content types by file name, for metadata rebuilt without its original headers. */
const CONTENT_TYPES: Record<string, string> = {
  json: "application/json; charset=utf-8",
  atom: "application/atom+xml; charset=utf-8",
  rss: "application/rss+xml; charset=utf-8",
  xml: "application/xml; charset=utf-8",
  html: "text/html; charset=utf-8",
  txt: "text/plain; charset=utf-8",
};

async function hash(path: string): Promise<Stamp | null> {
  const bytes = await unlessMissing(readFile(path));
  return bytes && stampOf(bytes);
}

const same = (a: Stamp | null, b: Stamp) => a !== null && a.md5 === b.md5 && a.size === b.size;

/** Every object under a bucket folder: its path without suffix, to the names of its files there. */
async function objectsUnder(dir: string, found = new Map<string, string[]>()) {
  for (const entry of (await unlessMissing(readdir(dir, { withFileTypes: true }))) ?? []) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      await objectsUnder(path, found);
      continue;
    }
    const name = entry.name.endsWith(TMP) ? entry.name.slice(0, -TMP.length) : entry.name;
    const role = ROLES.find((suffix) => name.endsWith(suffix));
    if (role === undefined) continue;
    const base = join(dir, name.slice(0, -role.length));
    found.set(base, [...(found.get(base) ?? []), entry.name.slice(name.length - role.length)]);
  }
  return found;
}

/** What only the atomic store left: the three files in place and no temp file beside them. */
const settledByName = (names: string[]) =>
  names.length === ROLES.length && ROLES.every((suffix) => names.includes(suffix));

/** Step 1: finish or undo a write cut short; null when there was none. */
async function settleTempFiles(key: string, files: ObjectFiles): Promise<string | null> {
  const temps = Object.values(files).map((f) => f + TMP);
  if (!temps.some((t) => existsSync(t))) return null;
  const metadata = parseMetadata(await readIfExists(files.metadata + TMP));
  const stamp = metadata.kind === "ok" ? metadata.stamp : null;
  if (stamp !== null) {
    const pending = existsSync(files.object + TMP);
    if (same(await hash(pending ? files.object + TMP : files.object), stamp)) {
      if (pending) await rename(files.object + TMP, files.object);
      await rm(files.md5 + TMP, { force: true });
      await replaceFile(files.md5, stamp.md5);
      await rename(files.metadata + TMP, files.metadata);
      return `repaired ${key}: finished a write that was cut short`;
    }
  }
  await Promise.all(temps.map((t) => rm(t, { force: true })));
  return existsSync(files.object)
    ? `repaired ${key}: undid a write that was cut short (the previous version stays)`
    : `discarded ${key}: its first write was cut short before it completed`;
}

/** Steps 2 to 5 on the committed files; null when the object is whole as it is. */
async function checkObject(
  key: string,
  files: ObjectFiles,
  quarantine: (why: string) => Promise<string>,
): Promise<string | null> {
  const size = (await unlessMissing(stat(files.object)))?.size;
  if (size === undefined) {
    if (!existsSync(files.md5) && !existsSync(files.metadata)) return null;
    await Promise.all([rm(files.md5, { force: true }), rm(files.metadata, { force: true })]);
    return `repaired ${key}: removed the md5 and metadata a delete left behind`;
  }
  const metadata = parseMetadata(await readIfExists(files.metadata));
  const md5 = parseMd5(await readIfExists(files.md5));
  const stamp = metadata.kind === "ok" ? metadata.stamp : null;
  if (stamp !== null && stamp.size === size && md5 === stamp.md5) return null;

  const actual = (await hash(files.object))!;
  if (stamp !== null) {
    if (same(actual, stamp)) {
      await replaceFile(files.md5, actual.md5);
      return `repaired ${key}: md5 file rebuilt from the object, which matches its metadata`;
    }
    return quarantine(
      size < stamp.size
        ? `object truncated (${size} of ${stamp.size} bytes)`
        : `object does not match its metadata (${size} bytes, ${stamp.size} expected)`,
    );
  }
  if (md5 === null || md5 === "torn") {
    return quarantine(`no intact md5 file or metadata to check the object (${size} bytes) against`);
  }
  if (md5 !== actual.md5) return quarantine(`object does not match its md5 file (${size} bytes)`);
  if (metadata.kind === "ok") {
    // Written before stamps: whole, stamped now so that the next start need not hash it.
    await replaceFile(files.metadata, metadataJson(metadata.fields, actual));
    return null;
  }
  const type = CONTENT_TYPES[key.slice(key.lastIndexOf(".") + 1).toLowerCase()];
  await replaceFile(files.metadata, metadataJson(type ? { "content-type": type } : {}, actual));
  return `repaired ${key}: metadata rebuilt from the object, which matches its md5 file${
    type ? "" : " (content-type unknown)"
  }`;
}

/**
 * Marks a folder whose every object was checked, or written by the atomic
 * store since: there a kill leaves only temp files (or a delete's leftovers),
 * which the folder listing shows, so a start need not read every object.
 * Objects torn by anything else still read as missing (atomic-store.ts).
 */
export const CHECKED_MARK = "cleanfeed-store.json";

/**
 * Checks every bucket folder under `root` and returns one line per object it
 * repaired, quarantined or discarded. Run it with the folder locked: nothing
 * else may write meanwhile. The first time (no CHECKED_MARK: a folder s3rver
 * wrote in place), every object is read and its md5 checked.
 */
export async function repairFolder(root: string, now = new Date()): Promise<string[]> {
  const lines: string[] = [];
  const run = now.toISOString().replace(/[:.]/g, "-");
  const mark = join(root, CHECKED_MARK);
  const thorough = !existsSync(mark);
  const buckets = await readdir(root, { withFileTypes: true });
  for (const bucket of buckets) {
    if (!bucket.isDirectory() || bucket.name === QUARANTINE) continue;
    const bucketDir = join(root, bucket.name);
    for (const [base, names] of await objectsUnder(bucketDir)) {
      if (!thorough && settledByName(names)) continue;
      const key = relative(bucketDir, base).split(sep).join("/");
      const files = filesOf(base);
      const quarantine = async (why: string) => {
        const to = join(root, QUARANTINE, run, bucket.name, relative(bucketDir, dirname(base)));
        await mkdir(to, { recursive: true });
        for (const file of Object.values(files)) {
          await unlessMissing(rename(file, join(to, file.slice(dirname(base).length + 1))));
        }
        return `quarantined ${key}: ${why}`;
      };
      const settled = await settleTempFiles(key, files);
      const line = (await checkObject(key, files, quarantine)) ?? settled;
      if (line !== null) lines.push(line);
    }
  }
  if (thorough) {
    await replaceFile(mark, `${JSON.stringify({ checked: now.toISOString(), by: "cleanfeed" })}\n`);
  }
  return lines;
}
