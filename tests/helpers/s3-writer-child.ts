/**
 * A process that writes objects to an embedded S3 on a folder until it is
 * killed: the crash test kills it with SIGKILL and then checks the folder.
 *
 *   node --import tsx s3-writer-child.ts DIR MODE SEED [KILL_AT_STEP]
 *
 * MODE `front`: cleanfeed's server (front and atomic store). With KILL_AT_STEP,
 * the process SIGKILLs itself right after the store's KILL_AT_STEP-th file
 * write or rename, so a kill lands between two steps of one object's write.
 * MODE `legacy`: s3rver alone, as the folders written before this fix were;
 * the test kills it after some writes, which tears objects the way users saw.
 *
 * Prints `ready`, then `put KEY MD5` before each write and `ok KEY MD5` once it
 * is acknowledged. At most one write per key is in flight, so a key's writes
 * land in the order printed.
 */
import { createHash } from "node:crypto";
import fsp from "node:fs/promises";
import http from "node:http";
import { syncBuiltinESMExports } from "node:module";
import { prng } from "../../bench/feed-generator.ts";

const [dir, mode, seedText, killText] = process.argv.slice(2);
const BUCKET = "crash";
const CONCURRENCY = 8;

/** mulberry32 (the bench's): the same seed, the same keys and bodies. */
const random = prng;

let armed = false;
const killAt = Number(killText ?? 0);
if (killAt > 0) {
  let steps = 0;
  for (const name of ["writeFile", "rename"] as const) {
    const original = fsp[name] as (...args: unknown[]) => Promise<void>;
    (fsp as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      await original(...args);
      if (armed && ++steps === killAt) process.kill(process.pid, "SIGKILL");
    };
  }
  // The store imports these by name: make the ESM bindings see the wrapped ones.
  syncBuiltinESMExports();
}

async function start(): Promise<number> {
  if (mode === "legacy") {
    const { default: S3rver } = await import("s3rver");
    const server = new S3rver({
      directory: dir!,
      silent: true,
      configureBuckets: [{ name: BUCKET, configs: [] }],
      allowMismatchedSignatures: true,
      port: 0,
      address: "127.0.0.1",
    } as ConstructorParameters<typeof S3rver>[0]);
    const address = await (server as unknown as { run(): Promise<{ port: number }> }).run();
    return address.port;
  }
  const { startEmbeddedS3 } = await import("../../functions/local/embedded-s3.ts");
  const s3 = await startEmbeddedS3({ directory: dir!, bucket: BUCKET, log: () => {} });
  return Number(new URL(s3.endpoint).port);
}

const port = await start();
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
const next = random(Number(seedText));
const keys = [
  ...Array.from({ length: 24 }, (_, i) => `entries/e${i}.json`),
  ...Array.from({ length: 6 }, (_, i) => `keys/k${i}.json`),
  "index/head.json",
  "public/feed.atom",
];
const busy = new Set<string>();

function put(key: string, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        agent,
        method: "PUT",
        path: `/${BUCKET}/${key}`,
        headers: { "content-type": "application/json", "content-length": body.length },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function writer(): Promise<void> {
  for (;;) {
    let key = keys[Math.floor(next() * keys.length)]!;
    while (busy.has(key)) key = keys[Math.floor(next() * keys.length)]!;
    busy.add(key);
    // Sizes from a few bytes to 200 kB: big ones take several write calls.
    const size = Math.floor(next() ** 3 * 200_000) + 2;
    const body = Buffer.alloc(size, String.fromCharCode(97 + Math.floor(next() * 26)));
    body.write(`${key} ${next()}`);
    const md5 = createHash("md5").update(body).digest("hex");
    process.stdout.write(`put ${key} ${md5}\n`);
    const status = await put(key, body);
    process.stdout.write(status === 200 ? `ok ${key} ${md5}\n` : `fail ${key} ${status}\n`);
    busy.delete(key);
  }
}

process.stdout.write("ready\n");
armed = true;
await Promise.all(Array.from({ length: CONCURRENCY }, writer));
