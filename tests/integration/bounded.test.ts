/**
 * Bounded everything: documents built to be big (a 9 MB title, 7.5 MB of
 * entities, 100k nested elements) are each ingested by a process with the
 * ingest Lambda's memory (512 MB); it finishes, the stored fields are within
 * the item limits, and the head index and the published feed stay small.
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ITEM_LIMITS } from "../../functions/core/limits.ts";
import { regenerate } from "../../functions/regenerate/regenerate.ts";
import { readHead } from "../../functions/store/head.ts";
import { readStory } from "../../functions/store/stories.ts";
import { ADVERSARIAL } from "../helpers/adversarial.ts";
import { testConfig } from "../helpers/config.ts";
import { startTestStore, type TestStore } from "../helpers/store.ts";

const child = new URL("../helpers/adversarial-child.ts", import.meta.url).pathname;
/** The ingest function's memory (infra: 512 MB), less what the runtime itself needs. */
const HEAP_MB = 400;
const LAMBDA_BYTES = 512 * 1024 * 1024;

let store: TestStore;
beforeAll(async () => {
  store = await startTestStore("bounded");
});
afterAll(async () => {
  await store.close();
});

function ingestInChild(name: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const p = spawn(
      process.execPath,
      [
        `--max-old-space-size=${HEAP_MB}`,
        "--import",
        "tsx",
        child,
        store.s3.endpoint,
        "bounded",
        name,
      ],
      { env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" } },
    );
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => {
      stdout += d;
    });
    p.stderr.on("data", (d) => {
      stderr += d;
    });
    p.on("error", reject);
    p.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("documents built to be big", () => {
  for (const name of Object.keys(ADVERSARIAL)) {
    it(`${name}: ingested within the Lambda's memory, fields capped`, async () => {
      const r = await ingestInChild(name);
      expect(r.code, r.stderr).toBe(0);
      const { report, maxRssBytes } = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
      expect(report.failed).toEqual([]);
      expect(maxRssBytes).toBeLessThan(LAMBDA_BYTES);
      console.log(
        `${name}: peak RSS ${(maxRssBytes / 1e6).toFixed(0)} MB; cut: ${report.cut.join("; ") || "nothing"}`,
      );
    }, 300_000);
  }

  it("leaves the stored stories, the head index and the feed small", async () => {
    const { head } = await readHead(store.objects);
    const headBytes = (await store.objects.getText("index/head.json"))!.value.length;
    expect(headBytes).toBeLessThan(3 * 1024 * 1024);
    for (const s of head.stories) {
      const item = (await readStory(store.objects, s.id))!.value.entry.item;
      expect(item.title.length).toBeLessThanOrEqual(ITEM_LIMITS.title);
      expect(Buffer.byteLength(item.contentHtml ?? "")).toBeLessThanOrEqual(
        ITEM_LIMITS.contentBytes,
      );
    }
    await regenerate({
      objects: store.objects,
      config: testConfig(),
      publicUrl: "http://127.0.0.1:8787/",
    });
    const atom = (await store.objects.getText("public/feed.atom"))!.value;
    expect(atom.length).toBeLessThan(5 * 1024 * 1024);
  }, 300_000);
});
