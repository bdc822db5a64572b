/**
 * Child of tests/integration/bounded.test.ts: ingests one adversarial
 * document (tests/helpers/adversarial.ts) into a running S3 endpoint, under
 * the heap its parent gives it (the Lambda's memory), and prints what it used.
 *
 *   node --max-old-space-size=N --import tsx adversarial-child.ts ENDPOINT BUCKET CASE
 */

import { createS3Client } from "../../functions/store/client.ts";
import { Objects } from "../../functions/store/objects.ts";
import { ADVERSARIAL } from "./adversarial.ts";
import { testConfig, testRuntime } from "./config.ts";
import { ingestOne } from "./ingest.ts";

const [endpoint, bucket, name] = process.argv.slice(2) as [string, string, string];
const body = ADVERSARIAL[name]!();
const rt = testRuntime("2025-06-03T12:00:00Z");
const deps = {
  objects: new Objects(createS3Client({ bucket, endpoint, embedded: true }), bucket),
  config: testConfig(),
  now: rt.now,
  newId: () => `urn:uuid:${crypto.randomUUID()}`,
};
const report = await ingestOne(deps, { source: name, body, documentUrl: null });
process.stdout.write(
  `${JSON.stringify({ report, bytes: Buffer.byteLength(body), maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`,
);
