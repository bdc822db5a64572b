/**
 * JSON and file objects in the bucket, with the conditional writes the rest
 * of the store builds its compare-and-swap on. Nothing above this file sees
 * the S3 SDK.
 *
 * Every request is retried here, on its own, when S3 (or the network) fails
 * it in a way worth retrying: a 5xx, a throttle, a dropped connection. A
 * write whose response was lost may have been applied; the retry then meets
 * its own write (a 412 for a create, a changed ETag for an update), and the
 * callers tell their own write from another's (`writer` below, `rev`).
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";

export interface Versioned<T> {
  value: T;
  etag: string;
  /** The `writer` the object was created with, if any. */
  writer: string | null;
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
  /**
   * Who writes (stored as object metadata): a create whose response was lost
   * and that was sent again meets a 412, and this tells that the object there
   * is its own.
   */
  writer?: string;
}

export interface Listed {
  key: string;
  lastModified: Date | null;
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

const TRANSIENT_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
]);

/** A failure a second attempt may not meet: 5xx, 429, a throttle, a dropped or timed-out connection. */
function isTransient(e: unknown): boolean {
  const status = statusOf(e);
  // 507 is a full disk (the embedded server's; S3 never sends it): no retry frees space
  if (status !== null) return (status >= 500 && status !== 507) || status === 429;
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: string }).code;
  return (
    (code !== undefined && TRANSIENT_CODES.has(code)) ||
    e.name === "TimeoutError" ||
    e.name === "RequestTimeout" ||
    /socket hang up|ECONNRESET|EPIPE|aborted/i.test(e.message)
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `attempt` until it succeeds, retrying what `retryable` allows with jittered, capped, doubling backoff. */
async function retry<T>(
  attempt: () => Promise<T>,
  retryable: (e: unknown) => boolean,
  tries: number,
  baseMs: number,
  maxMs: number,
): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (e) {
      if (i >= tries || !retryable(e)) throw e;
      await sleep(Math.min(maxMs, baseMs * 2 ** i) * (0.5 + Math.random()));
    }
  }
}

export class Objects {
  constructor(
    readonly client: S3Client,
    readonly bucket: string,
  ) {}

  /** Sends one request, retrying transient failures: 8 attempts, backoff from 80 ms up to 2 s. */
  private send<T>(request: () => Promise<T>): Promise<T> {
    return retry(request, isTransient, 8, 40, 2000);
  }

  /** An object's body and ETag; the body read is part of the retried request. */
  private async get(key: string) {
    try {
      return await this.send(async () => {
        const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
        const body = Buffer.from((await out.Body?.transformToByteArray()) ?? []);
        return { out, body };
      });
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async getText(key: string): Promise<Versioned<string> | null> {
    const got = await this.get(key);
    if (got === null) return null;
    return {
      value: got.body.toString("utf-8"),
      etag: got.out.ETag ?? "",
      writer: got.out.Metadata?.writer ?? null,
    };
  }

  /** An object with the metadata an HTTP server needs to answer conditional GETs. */
  async getFile(key: string) {
    const got = await this.get(key);
    if (got === null) return null;
    const { out, body } = got;
    return {
      body,
      etag: out.ETag ?? "",
      lastModified: out.LastModified ?? null,
      contentType: out.ContentType ?? "application/octet-stream",
      cacheControl: out.CacheControl ?? null,
    };
  }

  async getJson<T>(key: string): Promise<Versioned<T> | null> {
    const text = await this.getText(key);
    return text === null ? null : { ...text, value: JSON.parse(text.value) as T };
  }

  async head(key: string): Promise<{ etag: string; lastModified: Date | null } | null> {
    try {
      const out = await this.send(() =>
        this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key })),
      );
      return { etag: out.ETag ?? "", lastModified: out.LastModified ?? null };
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  /** Writes and returns the new ETag; a failed condition throws ConflictError. */
  async put(key: string, body: string, options: PutOptions = {}): Promise<string> {
    try {
      const out = await this.send(() =>
        this.client.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: key,
            Body: body,
            ContentType: options.contentType ?? "application/json; charset=utf-8",
            ...(options.cacheControl ? { CacheControl: options.cacheControl } : {}),
            ...(options.create ? { IfNoneMatch: "*" } : {}),
            ...(options.ifMatch ? { IfMatch: options.ifMatch } : {}),
            ...(options.writer ? { Metadata: { writer: options.writer } } : {}),
          }),
        ),
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

  /** Compare-and-swap: replaces the version `etag`, or creates the object when `etag` is null. */
  swapJson(key: string, value: unknown, etag: string | null): Promise<string> {
    return this.putJson(key, value, etag === null ? { create: true } : { ifMatch: etag });
  }

  async delete(key: string): Promise<void> {
    await this.send(() =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })),
    );
  }

  /** Every object under a prefix (all pages). */
  async list(prefix: string): Promise<Listed[]> {
    const out: Listed[] = [];
    let token: string | undefined;
    do {
      const page = await this.send(() =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix,
            ContinuationToken: token,
          }),
        ),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key) out.push({ key: o.Key, lastModified: o.LastModified ?? null });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }
}

/**
 * Runs a read-modify-write until its conditional write wins, with a bounded
 * number of attempts and jittered backoff between them.
 */
export function withRetry<T>(attempt: () => Promise<T>, tries = 12): Promise<T> {
  return retry(attempt, (e) => e instanceof ConflictError, tries, 15, 1000);
}
