/**
 * An S3-compatible server for local runs and tests: s3rver, plus the
 * conditional writes real S3 enforces and s3rver ignores, on a data folder
 * that one server owns at a time and that survives kills and full disks.
 *
 * S3 answers 412 PreconditionFailed to a PutObject with `If-None-Match: *`
 * when the key exists, and with `If-Match: <etag>` when the current ETag
 * differs (or the key is missing). The store relies on both for its
 * compare-and-swap updates, so this server checks them in front of s3rver's
 * routes, holding a per-key lock so that the check and the write are atomic.
 * Every object request takes the lock, so a read never sees a half-written
 * object either (S3 is strongly read-after-write consistent).
 *
 * The per-key lock lives in this process, so the folder's lock file
 * (folder-lock.ts) makes this the only server on its folder; other processes
 * use it (openEmbeddedS3). Two servers on one folder would each hold their own
 * per-key locks over the same files, and conditional writes would stop being
 * conditional (stories were lost). At start the folder is checked and torn
 * objects are repaired or quarantined (repair.ts); writes go through
 * atomic-store.ts.
 */
import { mkdirSync } from "node:fs";
import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import S3rver from "s3rver";
import { AtomicStore } from "./atomic-store.ts";
import {
  DataFolderInUseError,
  describeHolder,
  folderProblem,
  type LockHolder,
} from "./data-folder-errors.ts";
import { acquireFolderLock, type FolderLock, joinFolder } from "./folder-lock.ts";
import { repairFolder } from "./repair.ts";
import { listenLocal } from "./serve.ts";

export interface EmbeddedS3 {
  /** `http://127.0.0.1:PORT`: give it to the S3 client as `endpoint` with path-style. */
  endpoint: string;
  bucket: string;
  /** Records in the folder's lock the address the feed is served at, for other commands to publish with. */
  announceFeed(feedUrl: string): void;
  close(): Promise<void>;
}

export interface EmbeddedS3Options {
  /** Folder for the objects; kept across runs. */
  directory: string;
  bucket: string;
  /** How messages name the folder (`.cleanfeed`); the directory by default. */
  folder?: string;
  /** Hears one line per repair, quarantine or takeover, and why close waits; stderr by default. */
  log?: (line: string) => void;
}

/** Serialises async work per key. */
class KeyLock {
  private tails = new Map<string, Promise<void>>();

  /** Waits for the work before on `key`; its own ends when it calls the release this returns. */
  async acquire(key: string): Promise<() => void> {
    const previous = this.tails.get(key);
    let release!: () => void;
    // Released only after `previous` is, so whoever waits on it waits on the whole queue.
    const current = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.tails.set(key, current);
    await previous;
    return () => {
      release();
      if (this.tails.get(key) === current) this.tails.delete(key);
    };
  }
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

/** The key's ETag, or null when there is no (whole) object under it. */
const currentEtag = (store: AtomicStore, bucket: string, key: string) =>
  store.getMetadata(bucket, key).then(
    (metadata) => String(metadata.etag),
    () => null,
  );

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

/** Runs a start-up step; a folder that is full or read-only ends it with one clear line. */
async function step<T>(folder: string, doing: string, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw folderProblem(e, folder, doing) ?? e;
  }
}

/**
 * Starts s3rver on 127.0.0.1 with the bucket created; the data folder is kept.
 * Throws DataFolderInUseError when another live process serves the folder.
 */
export async function startEmbeddedS3(options: EmbeddedS3Options): Promise<EmbeddedS3> {
  const folder = options.folder ?? options.directory;
  const log = options.log ?? ((line: string) => process.stderr.write(`warning: ${line}\n`));
  await step(folder, "could not create it", () =>
    mkdirSync(options.directory, { recursive: true }),
  );
  const acquired = await step(folder, "could not lock it", () =>
    acquireFolderLock(options.directory),
  );
  if (acquired.lock === undefined) throw new DataFolderInUseError(folder, acquired.holder);
  const { lock, tookOverFrom } = acquired;
  if (tookOverFrom !== null) {
    log(`took over the data folder ${folder} from ${describeHolder(tookOverFrom)}, which is gone`);
  }
  try {
    for (const line of await step(folder, "could not repair it", () =>
      repairFolder(options.directory),
    )) {
      log(line);
    }
    return await serve(options, folder, lock, log);
  } catch (e) {
    lock.release();
    throw e;
  }
}

async function serve(
  options: EmbeddedS3Options,
  folder: string,
  lock: FolderLock,
  log: (line: string) => void,
) {
  const s3rver = new S3rver({
    directory: options.directory,
    silent: true,
    configureBuckets: [{ name: options.bucket, configs: [] }],
    allowMismatchedSignatures: true,
  });
  const store = new AtomicStore(options.directory, folder);
  s3rver.store = store;
  s3rver.context.store = store;
  await step(folder, "could not create the bucket", () => s3rver.configureBuckets());
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
  const { url: endpoint, stop } = await listenLocal(server, 0);
  await step(folder, "could not write its lock file", () =>
    lock.update({ endpoint, state: "serving" }),
  ).catch(async (e) => {
    await stop();
    throw e;
  });
  return {
    endpoint,
    bucket: options.bucket,
    announceFeed: (feedUrl: string) => lock.update({ feedUrl }),
    close: async () => {
      // Another command may be using this server: it closes when they are done.
      await lock.whenUnused((users) => {
        const pids = users.map((u) => `pid ${u.pid}${u.command ? ` (${u.command})` : ""}`);
        log(`waiting for ${pids.join(", ")} to finish with the data folder ${folder}`);
      });
      await stop();
      lock.release();
    },
  };
}

export interface SharedS3 extends EmbeddedS3 {
  /** The process whose server this is, when it is another one's. */
  servedBy: LockHolder | null;
}

/** How long to wait for a server that is starting or closing. */
const WAIT_MS = 60_000;

/** Whether anything answers HTTP at the endpoint (any status will do). */
const answers = (endpoint: string) =>
  fetch(`${endpoint}/`, { method: "HEAD", signal: AbortSignal.timeout(10_000) }).then(
    () => true,
    () => false,
  );

/** Starts the folder's server, or uses the one running on it; says who holds it when neither works. */
export async function openEmbeddedS3(options: EmbeddedS3Options): Promise<SharedS3> {
  const folder = options.folder ?? options.directory;
  const deadline = Date.now() + WAIT_MS;
  for (let unanswered = 0; ; ) {
    let holder: LockHolder;
    try {
      return { ...(await startEmbeddedS3(options)), servedBy: null };
    } catch (e) {
      if (!(e instanceof DataFolderInUseError)) throw e;
      holder = e.holder;
    }
    const joined = await step(folder, "could not register with its server", () =>
      joinFolder(options.directory),
    );
    holder = joined.holder ?? holder;
    const { leave } = joined;
    if (leave !== null && holder.endpoint !== null) {
      if (await answers(holder.endpoint)) {
        return {
          endpoint: holder.endpoint,
          bucket: options.bucket,
          servedBy: holder,
          announceFeed: () => {
            throw new Error(`the data folder ${folder} is served by another process`);
          },
          close: async () => leave(),
        };
      }
      leave();
      if (++unanswered >= 3) {
        throw new DataFolderInUseError(
          folder,
          holder,
          `; its server ${holder.endpoint} does not answer`,
        );
      }
    }
    // Starting (checking the folder) or closing: either way it changes soon.
    if (Date.now() > deadline) {
      throw new DataFolderInUseError(folder, holder, `; its server is still ${holder.state}`);
    }
    await sleep(200);
  }
}
