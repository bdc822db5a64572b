/**
 * The floor of the near-duplicate matcher on the labelled corpus
 * (tests/fixtures/dedupe-corpus): every item stored through the real ingest
 * path into the embedded S3, in a fixed shuffled order (bench/dedupe/eval.ts,
 * which `npm run eval:dedupe` prints in full).
 */
import { describe, expect, it } from "vitest";
import { evaluateCorpus } from "../../bench/dedupe/eval.ts";

describe("the labelled syndication corpus", () => {
  it("merges copies of one story and keeps different stories apart", async () => {
    const r = await evaluateCorpus();
    expect(r.falseMerges, "false merges").toEqual([]);
    expect(r.familyMerges).toBe(0);
    expect(r.precision).toBeGreaterThanOrEqual(0.99);
    expect(r.recall).toBeGreaterThanOrEqual(0.95);
    for (const [kind, recall] of r.recallByKind) {
      expect(recall, `recall of ${kind}`).toBeGreaterThanOrEqual(0.9);
    }
  }, 600_000);
});
