/**
 * Peak memory of an ingest of each adversarial document (tests/helpers/
 * adversarial.ts), in a fresh process per document, against the embedded S3:
 * as a ratio to the document's size and to the ingest Lambda's 512 MB.
 * tests/integration/bounded.test.ts holds the line at the Lambda's memory.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { ADVERSARIAL } from "../tests/helpers/adversarial.ts";
import { startTestStore } from "../tests/helpers/store.ts";

const child = new URL("../tests/helpers/adversarial-child.ts", import.meta.url).pathname;
const LAMBDA_BYTES = 512 * 1024 * 1024;

export async function benchAdversarial(): Promise<string[]> {
  const store = await startTestStore("adversarial");
  const lines: string[] = [];
  try {
    console.log(
      "Peak RSS of one ingest invocation (fresh process, heap capped at 400 MB as in a 512 MB Lambda)",
    );
    for (const name of Object.keys(ADVERSARIAL)) {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          "--max-old-space-size=400",
          "--import",
          "tsx",
          child,
          store.s3.endpoint,
          "adversarial",
          name,
        ],
        { env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" } },
      );
      const { bytes, maxRssBytes } = JSON.parse(stdout.trim().split("\n").at(-1)!);
      const line = `${name}: ${(bytes / 1e6).toFixed(1)} MB document, peak RSS ${(maxRssBytes / 1e6).toFixed(0)} MB = ${(maxRssBytes / bytes).toFixed(1)}x the document, ${(maxRssBytes / LAMBDA_BYTES).toFixed(2)}x the Lambda's 512 MB`;
      console.log(`   ${line}`);
      lines.push(`adversarial ${line}`);
    }
  } finally {
    await store.close();
  }
  return lines;
}
