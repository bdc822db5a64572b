/**
 * JSON and file objects in the bucket, with the conditional writes the rest
 * of the store builds its compare-and-swap on. Nothing above this file sees
 * the S3 SDK.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";

export interface Versioned<T> {
  value: T;
  etag: string;
}

/** A conditional write lost a race: re-read and try again. */
export class ConflictError extends Error {
  override name = "ConflictError";
}

export interface PutOptions {
  /** Create only: fails with ConflictError when the key exists. */
  create?: boolean;
  /** Replace only this version: fails with ConflictError otherwise. */
  ifMatch?: string;
  contentType?: string;
  cacheControl?: string;
}

function statusOf(e: unknown): number | null {
  return e instanceof S3ServiceException ? (e.$metadata.httpStatusCode ?? null) : null;
}

function isMissing(e: unknown): boolean {
  return (
    statusOf(e) === 404 ||
    (e instanceof S3ServiceException && (e.name === "NoSuchKey" || e.name === "NotFound"))
  );
}

/** 412 PreconditionFailed, or 409 ConditionalRequestConflict (S3's answer to a concurrent one). */
function isConflict(e: unknown): boolean {
  const status = statusOf(e);
  return status === 412 || status === 409;
}

export class Objects {
  constructor(
    readonly client: S3Client,
    readonly bucket: string,
  ) {}

  async getText(key: string): Promise<Versioned<string> | null> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return { value: (await out.Body?.transformToString("utf-8")) ?? "", etag: out.ETag ?? "" };
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  /** An object with the metadata an HTTP server needs to answer conditional GETs. */
  async getFile(key: string) {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        body: Buffer.from((await out.Body?.transformToByteArray()) ?? []),
        etag: out.ETag ?? "",
        lastModified: out.LastModified ?? null,
        contentType: out.ContentType ?? "application/octet-stream",
        cacheControl: out.CacheControl ?? null,
      };
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async getJson<T>(key: string): Promise<Versioned<T> | null> {
    const text = await this.getText(key);
    return text === null ? null : { value: JSON.parse(text.value) as T, etag: text.etag };
  }

  async head(key: string): Promise<{ etag: string; lastModified: Date | null } | null> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { etag: out.ETag ?? "", lastModified: out.LastModified ?? null };
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  /** Writes and returns the new ETag; a failed condition throws ConflictError. */
  async put(key: string, body: string, options: PutOptions = {}): Promise<string> {
    try {
      const out = await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: options.contentType ?? "application/json; charset=utf-8",
          ...(options.cacheControl ? { CacheControl: options.cacheControl } : {}),
          ...(options.create ? { IfNoneMatch: "*" } : {}),
          ...(options.ifMatch ? { IfMatch: options.ifMatch } : {}),
        }),
      );
      return out.ETag ?? "";
    } catch (e) {
      if (isConflict(e)) throw new ConflictError(`${key}: changed concurrently`);
      throw e;
    }
  }

  putJson(key: string, value: unknown, options: PutOptions = {}): Promise<string> {
    return this.put(key, JSON.stringify(value), options);
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
}

/**
 * Runs a read-modify-write until its conditional write wins, with a bounded
 * number of attempts and jittered backoff between them.
 */
export async function withRetry<T>(attempt: () => Promise<T>, tries = 12): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (e) {
      if (!(e instanceof ConflictError) || i >= tries) throw e;
      const delay = Math.min(1000, 15 * 2 ** i) * (0.5 + Math.random());
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
