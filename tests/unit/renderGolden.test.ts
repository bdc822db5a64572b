/**
 * Golden rendering pairs: `tests/fixtures/render/NAME.entries.json` (FeedMeta,
 * Entry[], PageLinks) beside the expected `NAME.atom`, `NAME.rss`, `NAME.json`.
 * After an intended change: `UPDATE_GOLDEN=1 npx vitest run tests/unit/renderGolden.test.ts`,
 * then read the diff of the goldens before committing them.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkAtom,
  checkJsonFeed,
  checkRss,
  renderAtom,
  renderJsonFeed,
  renderRss,
} from "../../functions/core/render/index.ts";
import { loadRenderFixtures, RENDER_FIXTURES } from "../helpers/entries.ts";

const UPDATE = process.env.UPDATE_GOLDEN === "1";

const formats = [
  { ext: "atom", render: renderAtom, check: checkAtom },
  { ext: "rss", render: renderRss, check: checkRss },
  { ext: "json", render: renderJsonFeed, check: checkJsonFeed },
] as const;

describe.each(loadRenderFixtures())("golden $name", (fixture) => {
  it.each(formats)("renders .$ext exactly as the golden file", ({ ext, render }) => {
    const out = render(fixture.meta, fixture.entries, fixture.page);
    const file = join(RENDER_FIXTURES, `${fixture.name}.${ext}`);
    if (UPDATE) writeFileSync(file, out, "utf8");
    expect(existsSync(file), `${file} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
    expect(out).toBe(readFileSync(file, "utf8"));
  });

  it.each(formats)("passes its own pre-publish check as .$ext", ({ render, check }) => {
    expect(check(render(fixture.meta, fixture.entries, fixture.page))).toEqual([]);
  });

  it.each(formats)(
    "renders .$ext to identical bytes twice, from equal but separate input",
    ({ render }) => {
      const first = render(fixture.meta, fixture.entries, fixture.page);
      const copy = structuredClone(fixture);
      expect(render(copy.meta, copy.entries, copy.page)).toBe(first);
    },
  );
});
