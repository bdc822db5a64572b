/**
 * A feed that fails its checks is never written over the last good one, and
 * the failure is reported. Our renderers do not produce an invalid feed from
 * any stored state we can create for real, so this test injects the fault by
 * replacing the Atom check with one that always objects (the one mock here).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createRegenerateHandler } from "../../functions/regenerate/dispatch.ts";
import { ingestDeps, ingestPushed } from "../helpers/ingest.ts";
import { startTestStore, type TestStore } from "../helpers/store.ts";

vi.mock("../../functions/core/render/index.ts", async (original) => ({
  ...(await original<typeof import("../../functions/core/render/index.ts")>()),
  checkAtom: () => ["injected: the entry has neither content nor an alternate link"],
}));

let store: TestStore;
beforeEach(async () => {
  store = await startTestStore();
});
afterEach(async () => {
  await store.close();
});

describe("publishing a feed that fails its checks", () => {
  it("keeps the last good feed and reports the failure (SQS batch items fail)", async () => {
    const good =
      '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">good</feed>';
    await store.objects.put("public/feed.atom", good, { contentType: "application/atom+xml" });
    const deps = ingestDeps(store);
    const { config } = deps;
    await ingestPushed(
      deps,
      [{ title: "New", url: "https://x.example/new", content: "A new story." }],
      "push",
    );
    const errors: string[] = [];
    const regenerate = createRegenerateHandler({
      objects: store.objects,
      config,
      publicUrl: "http://127.0.0.1:8787/",
      log: { info() {}, warn() {}, error: (m, e) => errors.push(`${m} ${JSON.stringify(e)}`) },
    });
    const sqs = { Records: [{ eventSource: "aws:sqs", messageId: "m-1", body: "{}" }] };
    expect(await regenerate(sqs)).toEqual({ batchItemFailures: [{ itemIdentifier: "m-1" }] });
    expect((await store.objects.getText("public/feed.atom"))?.value).toBe(good);
    expect(errors.join("\n")).toMatch(/feed\.atom failed its checks: injected/);
    await expect(regenerate({})).rejects.toThrow(/failed its checks/);
  });
});
