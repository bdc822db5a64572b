/**
 * Golden pairs: every feed document in tests/fixtures/feeds (NAME.xml or
 * NAME.feed.json, read as bytes) must parse to exactly NAME.raw.json. An
 * optional NAME.content-type holds the HTTP Content-Type the document was
 * served with. Rewrite goldens with:
 *   UPDATE_GOLDEN=1 npx vitest run tests/unit/parse-golden.test.ts
 * and review every changed file before committing it.
 */

import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseFeed } from "../../functions/core/parse/index.ts";

const dir = join(import.meta.dirname, "../fixtures/feeds");
const update = process.env["UPDATE_GOLDEN"] === "1";

const inputs = readdirSync(dir)
  .filter((f) => f.endsWith(".xml") || f.endsWith(".feed.json"))
  .sort();

function nameOf(file: string): string {
  return file.replace(/\.feed\.json$|\.xml$/, "");
}

describe("parser goldens", () => {
  it("has a golden for every input and an input for every golden", () => {
    const names = new Set(inputs.map(nameOf));
    const goldens = readdirSync(dir).filter((f) => f.endsWith(".raw.json"));
    for (const g of goldens)
      expect(names, `orphan golden ${g}`).toContain(g.replace(/\.raw\.json$/, ""));
    expect(inputs.length).toBeGreaterThanOrEqual(40);
  });

  for (const file of inputs) {
    const name = nameOf(file);
    it(`${file} parses to ${name}.raw.json`, () => {
      const bytes = new Uint8Array(readFileSync(join(dir, file)));
      const ctFile = join(dir, `${name}.content-type`);
      const contentType = existsSync(ctFile) ? readFileSync(ctFile, "utf8").trim() : null;
      const feed = parseFeed(bytes, { source: file, contentType });
      const goldenFile = join(dir, `${name}.raw.json`);
      // a new input's golden is written on request only, then reviewed: never made up to pass
      if (update) writeFileSync(goldenFile, `${JSON.stringify(feed, null, 2)}\n`);
      expect(existsSync(goldenFile), `${goldenFile} is missing: run with UPDATE_GOLDEN=1`).toBe(
        true,
      );
      const golden = JSON.parse(readFileSync(goldenFile, "utf8"));
      expect(feed).toEqual(golden);
    });
  }
});
