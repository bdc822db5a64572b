/**
 * s3rver's filesystem store, with writes a kill cannot tear and reads that
 * never serve a torn object.
 *
 * Why a subclass: every route reads and writes through `s3rver.store`, so this
 * is the one place that sees each write whole (the front only sees requests,
 * and writing s3rver's files itself would mean re-implementing PutObject's
 * headers and metadata). What it changes:
 * - putObject reads the body, then writes the three files by temp file and
 *   rename (s3-files.ts). s3rver's own write stream has no 'error' listener:
 *   ENOSPC or EROFS there crashed the process with an unhandled 'error' event.
 * - getMetadata checks the files against the metadata's stamp (or, for an
 *   object s3rver wrote in place, its bytes against its md5 file): a torn
 *   object reads as missing (404), never as a 500 or a half object.
 * - a failed write that is the folder's fault (full, read-only) becomes an S3
 *   error the SDK sees, 507 with a one-line message; nothing stays half-done, so
 *   the next write after space comes back just works.
 */
import { mkdir, readFile, stat, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import type { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import S3Error from "s3rver/lib/models/error.js";
import S3Object from "s3rver/lib/models/object.js";
import FilesystemStore, {
  type StoredMetadata,
  type StoreObject,
} from "s3rver/lib/stores/filesystem.js";
import { folderProblem } from "./data-folder-errors.ts";
import {
  filesOf,
  parseMd5,
  parseMetadata,
  readIfExists,
  SUFFIX,
  stampOf,
  unlessMissing,
  writeObjectFiles,
} from "./s3-files.ts";

/** The status a failed write answers with: 507 Insufficient Storage (RFC 4918). */
const STORAGE_FAILED = 507;

/** s3rver's getObject and listObjects treat ENOENT as "no such key". */
function missing(key: string, why: string): Error {
  return Object.assign(new Error(`${key}: ${why}`), { code: "ENOENT" });
}

/** The request headers s3rver keeps as metadata. */
const keptMetadata = (headers: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(headers).filter(
      ([name]) => S3Object.ALLOWED_METADATA.includes(name) || name.startsWith("x-amz-meta-"),
    ),
  );

export class AtomicStore extends FilesystemStore {
  constructor(
    rootDirectory: string,
    /** How messages name the data folder (`.cleanfeed`). */
    private readonly folder: string,
  ) {
    super(rootDirectory);
  }

  private filesOf(bucket: string, key: string) {
    return filesOf(this.getResourcePath(bucket, key, "object").slice(0, -SUFFIX.object.length));
  }

  /** A write error the folder caused, as the S3 error the client sees; others as they are. */
  private failed(error: unknown, doing: string): unknown {
    const problem = folderProblem(error, this.folder, doing);
    if (problem === null) return error;
    const s3Error = new S3Error(
      problem.code === "ENOSPC" || problem.code === "EDQUOT"
        ? "DataFolderFull"
        : "DataFolderNotWritable",
      problem.message,
    );
    s3Error.status = STORAGE_FAILED;
    return s3Error;
  }

  override async putObject(object: StoreObject): Promise<{ size: number; md5: string }> {
    const files = this.filesOf(object.bucket, object.key);
    // Whole bodies: the local store's objects are small, and an aborted upload then writes nothing.
    const content = object.content;
    const bytes = Buffer.isBuffer(content)
      ? content
      : content === null
        ? Buffer.alloc(0)
        : await buffer(content as Readable);
    try {
      await mkdir(dirname(files.object), { recursive: true });
      return await writeObjectFiles(files, bytes, keptMetadata(object.metadata));
    } catch (e) {
      throw this.failed(e, `could not write ${object.key}`);
    }
  }

  override async getMetadata(bucket: string, key: string): Promise<StoredMetadata> {
    const files = this.filesOf(bucket, key);
    const { size, mtime } = await stat(files.object); // ENOENT: no such key
    const [metadata, md5] = await Promise.all([
      readIfExists(files.metadata).then(parseMetadata),
      readIfExists(files.md5).then(parseMd5),
    ]);
    if (metadata.kind === "torn") throw missing(key, "torn metadata");
    const stamp = metadata.kind === "ok" ? metadata.stamp : null;
    if (stamp !== null && (stamp.size !== size || (md5 !== null && md5 !== stamp.md5))) {
      throw missing(key, "torn object");
    }
    const etag = typeof md5 === "string" && md5 !== "torn" ? md5 : stamp?.md5;
    if (etag === undefined) throw missing(key, "no md5 to check it against");
    // Unstamped: written in place by s3rver itself (an older cleanfeed), after the start-up check.
    if (stamp === null && stampOf(await readFile(files.object)).md5 !== etag) {
      throw missing(key, "object does not match its md5");
    }
    return {
      ...(metadata.kind === "ok" ? metadata.fields : {}),
      etag: JSON.stringify(etag),
      "last-modified": mtime.toUTCString(),
      "content-length": size,
    };
  }

  override async copyObject(
    srcBucket: string,
    srcKey: string,
    destBucket: string,
    destKey: string,
    replacementMetadata?: Record<string, string>,
  ): Promise<StoredMetadata> {
    const source = await this.getObject(srcBucket, srcKey);
    if (source === null) throw missing(srcKey, "no such key");
    const bytes = await buffer(source.content as Readable);
    await this.putObject({
      bucket: destBucket,
      key: destKey,
      content: bytes,
      metadata: replacementMetadata ?? source.metadata,
    });
    return this.getMetadata(destBucket, destKey);
  }

  override async deleteObject(bucket: string, key: string): Promise<void> {
    try {
      // The object file first: once it is gone the key is gone, whatever is left beside it.
      await unlessMissing(unlink(this.filesOf(bucket, key).object));
      await super.deleteObject(bucket, key);
    } catch (e) {
      throw this.failed(e, `could not delete ${key}`);
    }
  }
}
