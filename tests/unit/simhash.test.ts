/**
 * What the normalizer relies on from dedupe's SimHash (functions/core/dedupe/simhash.ts):
 * near copies of a text land a few bits apart, different texts far apart.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { simhash, simhashDistance } from "../../functions/core/dedupe/simhash.ts";

const STORY =
  "Recent peace talks in Istanbul between Ukraine and Russia concluded without significant " +
  "progress towards a resolution, with both sides reasserting their opposing views on ceasefire " +
  "terms. The nations agreed on a prisoner exchange involving sick and heavily wounded prisoners, " +
  "along with those under the age of 25. Russia would return the bodies of 6,000 soldiers.";

const OTHER =
  "The city council approved a new budget for public libraries on Tuesday, adding funds for " +
  "longer opening hours, a mobile library van and a programme of reading workshops for children " +
  "in the summer holidays. The vote passed with a large majority after a short debate.";

describe("simhash", () => {
  it("is 16 lowercase hex digits and deterministic", () => {
    expect(simhash(STORY)).toMatch(/^[0-9a-f]{16}$/);
    expect(simhash(STORY)).toBe(simhash(STORY));
  });

  it("ignores case, punctuation and spacing", () => {
    const noisy = STORY.toUpperCase().replaceAll(",", " ;").replaceAll(" ", "\n  ");
    expect(simhash(noisy)).toBe(simhash(STORY));
  });

  it("puts a lightly edited copy within a few bits and a different story far away", () => {
    const long = readFileSync(
      new URL("../fixtures/samples/istanbul-talks.txt", import.meta.url),
      "utf8",
    );
    const edited = long.replace("significant", "any real").replace("6,000", "6,000 Ukrainian");
    expect(simhashDistance(simhash(long), simhash(edited))).toBeLessThanOrEqual(3);
    expect(simhashDistance(simhash(STORY), simhash(OTHER))).toBeGreaterThan(16);
    expect(simhashDistance(simhash(long), simhash(OTHER))).toBeGreaterThan(16);
  });

  it("depends on word order (shingles, not a bag of words)", () => {
    expect(simhash("alpha beta gamma delta")).not.toBe(simhash("delta gamma beta alpha"));
  });

  it("hashes short texts and gives zero for no words", () => {
    expect(simhash("hello")).not.toBe("0000000000000000");
    expect(simhash("hello there")).not.toBe(simhash("hello"));
    expect(simhash(" -- ")).toBe("0000000000000000");
  });

  it("reads non-Latin scripts as words", () => {
    expect(simhash("Мирные переговоры в Стамбуле")).not.toBe(simhash("Мирные переговоры в Киеве"));
  });
});

describe("simhashDistance", () => {
  it("counts differing bits", () => {
    expect(simhashDistance("0000000000000000", "0000000000000000")).toBe(0);
    expect(simhashDistance("0000000000000000", "ffffffffffffffff")).toBe(64);
    expect(simhashDistance("8000000000000001", "0000000000000000")).toBe(2);
    expect(simhashDistance("00000000F0000000", "0000000000000000")).toBe(4);
  });

  it("is a metric on random hashes", () => {
    const hex = fc
      .bigInt({ min: 0n, max: (1n << 64n) - 1n })
      .map((n) => n.toString(16).padStart(16, "0"));
    fc.assert(
      fc.property(hex, hex, hex, (a, b, c) => {
        expect(simhashDistance(a, b)).toBe(simhashDistance(b, a));
        expect(simhashDistance(a, a)).toBe(0);
        expect(simhashDistance(a, c)).toBeLessThanOrEqual(
          simhashDistance(a, b) + simhashDistance(b, c),
        );
        // against a reference popcount on the whole 64 bits
        const ref = (BigInt(`0x${a}`) ^ BigInt(`0x${b}`)).toString(2).replaceAll("0", "").length;
        expect(simhashDistance(a, b)).toBe(ref);
      }),
    );
  });
});
