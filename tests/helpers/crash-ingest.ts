/**
 * The child process of the crash test (tests/integration/crash.test.ts): it
 * ingests a feed document through the one ingest path against a running S3
 * endpoint, and kills itself with SIGKILL at a chosen write request (before
 * it is sent, or after its response came back): a Lambda timeout or an
 * out-of-memory kill, at a point the test chooses from a seed.
 *
 *   tsx crash-ingest.ts ENDPOINT BUCKET FILE KILL
 *
 * KILL is `N:before` / `N:after` (the Nth PutObject or DeleteObject), or
 * `head:before` / `head:after` (the head index commit), or `none`.
 */
import { readFileSync } from "node:fs";
import { createS3Client } from "../../functions/store/client.ts";
import { Objects } from "../../functions/store/objects.ts";
import { testConfig, testRuntime } from "./config.ts";
import { ingestOne } from "./ingest.ts";

const [endpoint, bucket, file, kill] = process.argv.slice(2) as [string, string, string, string];
const [where, phase] = kill.split(":") as [string, "before" | "after"];
const client = createS3Client({ bucket, endpoint, embedded: true });
let writes = 0;
client.middlewareStack.add(
  (next, context) => async (args) => {
    const name = String(context.commandName);
    const key = String((args.input as { Key?: string }).Key ?? "");
    const isWrite = name === "PutObjectCommand" || name === "DeleteObjectCommand";
    const target =
      isWrite && (where === "head" ? key === "index/head.json" : ++writes === Number(where));
    if (target && phase === "before") process.kill(process.pid, "SIGKILL");
    const out = await next(args);
    if (target && phase === "after") process.kill(process.pid, "SIGKILL");
    return out;
  },
  { step: "initialize", name: "crashAt" },
);
const rt = testRuntime("2025-06-03T12:00:00Z");
const deps = {
  objects: new Objects(client, bucket),
  config: testConfig({ feed: { windowSize: 50 } }),
  now: rt.now,
  // ids of this process's writes: unique per run, as in Lambda
  newId: () => `urn:uuid:${crypto.randomUUID()}`,
};
const report = await ingestOne(deps, {
  source: "big-outlet",
  body: new Uint8Array(readFileSync(file)),
  documentUrl: "https://big-outlet.example/feed.xml",
});
process.stdout.write(`${JSON.stringify(report)}\n`);
