/**
 * An S3-compatible server for local runs and tests: s3rver, plus the
 * conditional writes real S3 enforces and s3rver ignores.
 *
 * S3 answers 412 PreconditionFailed to a PutObject with `If-None-Match: *`
 * when the key exists, and with `If-Match: <etag>` when the current ETag
 * differs (or the key is missing). The store relies on both for its
 * compare-and-swap updates, so this server checks them in front of s3rver's
 * routes, holding a per-key lock so that the check and the write are atomic.
 * Every object request takes the lock, so a read never sees a half-written
 * object either (S3 is strongly read-after-write consistent).
 */
import { mkdirSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import S3rver from "s3rver";

export interface EmbeddedS3 {
  /** `http://127.0.0.1:PORT`: give it to the S3 client as `endpoint` with path-style. */
  endpoint: string;
  bucket: string;
  close(): Promise<void>;
}

export interface EmbeddedS3Options {
  /** Folder for the objects; kept across runs. */
  directory: string;
  bucket: string;
  /** 0 picks a free port. */
  port?: number;
}

/** Serialises async work per key. */
class KeyLock {
  private tails = new Map<string, Promise<void>>();

  async acquire(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    return () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}

interface S3rverStore {
  getMetadata(bucket: string, key: string): Promise<{ etag: string }>;
}

const PRECONDITION_FAILED = (condition: string, resource: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code>` +
  `<Message>At least one of the pre-conditions you specified did not hold</Message>` +
  `<Condition>${condition}</Condition><Resource>${resource}</Resource></Error>`;

/** Splits a path-style request path into bucket and key (key null for bucket-level requests). */
function objectOf(url: string): { bucket: string; key: string } | null {
  const path = url.split("?", 1)[0] ?? "";
  const slash = path.indexOf("/", 1);
  if (slash < 0 || slash === path.length - 1) return null;
  return {
    bucket: decodeURIComponent(path.slice(1, slash)),
    key: decodeURIComponent(path.slice(slash + 1)),
  };
}

async function currentEtag(store: S3rverStore, bucket: string, key: string) {
  try {
    return (await store.getMetadata(bucket, key)).etag;
  } catch {
    return null;
  }
}

/** Why a conditional PutObject must be refused, or null when it may proceed. */
function failedCondition(req: http.IncomingMessage, etag: string | null): string | null {
  const ifNoneMatch = req.headers["if-none-match"];
  const ifMatch = req.headers["if-match"];
  if (ifNoneMatch !== undefined && etag !== null) {
    if (ifNoneMatch.trim() === "*" || ifNoneMatch.split(",").some((t) => t.trim() === etag)) {
      return "If-None-Match";
    }
  }
  if (ifMatch !== undefined) {
    const wanted = ifMatch.split(",").map((t) => t.trim());
    if (etag === null || !(wanted.includes("*") || wanted.includes(etag))) return "If-Match";
  }
  return null;
}

/** Starts s3rver on 127.0.0.1 with the bucket created; the data folder is kept. */
export async function startEmbeddedS3(options: EmbeddedS3Options): Promise<EmbeddedS3> {
  mkdirSync(options.directory, { recursive: true });
  const s3rver = new S3rver({
    directory: options.directory,
    silent: true,
    configureBuckets: [{ name: options.bucket, configs: [] }],
    allowMismatchedSignatures: true,
  });
  await s3rver.configureBuckets();
  const store = (s3rver as unknown as { store: S3rverStore }).store;
  const koa = s3rver.callback();
  const locks = new KeyLock();

  const server = http.createServer(async (req, res) => {
    const target = objectOf(req.url ?? "/");
    if (target === null) {
      koa(req, res);
      return;
    }
    const release = await locks.acquire(`${target.bucket}/${target.key}`);
    res.once("close", release);
    if (req.method === "PUT" && !req.headers["x-amz-copy-source"]) {
      const failed = failedCondition(req, await currentEtag(store, target.bucket, target.key));
      if (failed !== null) {
        req.resume();
        res.writeHead(412, { "content-type": "application/xml" });
        res.end(PRECONDITION_FAILED(failed, req.url ?? ""));
        return;
      }
    }
    koa(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket: options.bucket,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
