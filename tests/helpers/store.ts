/** A real embedded S3 server per test file, on a temporary folder. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EmbeddedS3, startEmbeddedS3 } from "../../functions/local/embedded-s3.ts";
import { createS3Client } from "../../functions/store/client.ts";
import { Objects } from "../../functions/store/objects.ts";

export interface TestStore {
  s3: EmbeddedS3;
  objects: Objects;
  dir: string;
  /** S3 requests sent by `objects` since the last reset, by command name. */
  requests: Map<string, number>;
  /** Keys written (PutObject) since the last `requests.clear()`, in order. */
  written: string[];
  close(): Promise<void>;
}

export async function startTestStore(bucket = "test-bucket"): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), "cleanfeed-test-"));
  const s3 = await startEmbeddedS3({ directory: dir, bucket });
  const client = createS3Client({ bucket, endpoint: s3.endpoint, embedded: true });
  const written: string[] = [];
  const requests = new Map<string, number>();
  const clear = requests.clear.bind(requests);
  requests.clear = () => {
    clear();
    written.length = 0;
  };
  // Counted on the real client, so a test sees exactly what Lambda would send.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName);
      requests.set(name, (requests.get(name) ?? 0) + 1);
      if (name === "PutObjectCommand") written.push(String((args.input as { Key?: string }).Key));
      return next(args);
    },
    { step: "initialize", name: "countRequests" },
  );
  return {
    s3,
    objects: new Objects(client, bucket),
    dir,
    requests,
    written,
    close: async () => {
      client.destroy();
      await s3.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function total(requests: Map<string, number>, ...names: string[]): number {
  let n = 0;
  for (const [k, v] of requests) if (names.length === 0 || names.includes(k)) n += v;
  return n;
}
