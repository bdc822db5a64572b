/**
 * Normalized golden pairs: every feed document in tests/fixtures/feeds (the
 * parser's inputs) and in tests/fixtures/feeds/normalize (inputs written for a
 * normalization rule the parser's inputs do not exercise) must normalize to
 * exactly NAME.items.jsonl beside it: one `Item` per line, what
 * `cleanfeed normalize FILE` prints.
 *
 * Per input, optional files beside it:
 *   NAME.content-type  the HTTP Content-Type it was served with
 *   NAME.url           the document URL (default https://fixtures.example/feeds/NAME);
 *                      an empty file means none, as for a local file
 *
 * Rewrite goldens with
 *   UPDATE_GOLDEN=1 npx vitest run tests/unit/normalize-golden.test.ts
 * then read every changed line against the rules before committing it. The
 * goldens listed in KNOWN_BUGS hold the correct value by hand and are never
 * rewritten: their test is expected to fail until the normalizer is fixed.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import type { Item } from "../../functions/core/item.ts";
import { normalizeDocument } from "../../functions/ingest/ingest.ts";
import { testConfig } from "../helpers/config.ts";

const ROOT = join(import.meta.dirname, "../..");
const FEEDS = join(ROOT, "tests/fixtures/feeds");
const OWN = join(FEEDS, "normalize");
const NOW = "2025-06-03T12:00:00Z";
const update = process.env["UPDATE_GOLDEN"] === "1";

/**
 * Goldens that hold the value the rules call for, not what the normalizer
 * prints today. Each names the bug; the test flips to passing when it is fixed
 * (and `it.fails` then fails: remove the entry).
 */
const KNOWN_BUGS: Record<string, string> = {};

interface Input {
  name: string;
  dir: string;
  file: string;
}

function inputsIn(dir: string): Input[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".xml") || f.endsWith(".feed.json"))
    .sort()
    .map((file) => ({ name: file.replace(/\.feed\.json$|\.xml$/, ""), dir, file }));
}

const inputs = [...inputsIn(FEEDS), ...inputsIn(OWN)];

function optional(input: Input, ext: string): string | null {
  const f = join(input.dir, `${input.name}.${ext}`);
  return existsSync(f) ? readFileSync(f, "utf8").trim() : null;
}

function documentUrlOf(input: Input): string | null {
  const url = optional(input, "url");
  if (url === null) return `https://fixtures.example/feeds/${input.name}`;
  return url === "" ? null : url;
}

const config = testConfig();

function normalizeInput(input: Input): Item[] {
  const bytes = new Uint8Array(readFileSync(join(input.dir, input.file)));
  const info = {
    source: input.name,
    documentUrl: documentUrlOf(input),
    contentType: optional(input, "content-type"),
  };
  return normalizeDocument(bytes, info, config, NOW).copies.map((c) => c.item);
}

function jsonLines(items: Item[]): string {
  return items.map((item) => `${JSON.stringify(item)}\n`).join("");
}

function goldenFile(input: Input): string {
  return join(input.dir, `${input.name}.items.jsonl`);
}

function readGolden(input: Input): Item[] {
  return readFileSync(goldenFile(input), "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Item);
}

describe("normalized goldens", () => {
  it("has at least 60 pairs, and an input for every golden", () => {
    const names = new Set(inputs.map((i) => join(i.dir, i.name)));
    for (const dir of [FEEDS, OWN]) {
      for (const g of readdirSync(dir).filter((f) => f.endsWith(".items.jsonl"))) {
        expect(names, `orphan golden ${g}`).toContain(join(dir, g.replace(/\.items\.jsonl$/, "")));
      }
    }
    expect(inputs.length).toBeGreaterThanOrEqual(60);
  });

  for (const input of inputs) {
    const label = relative(FEEDS, join(input.dir, input.file));
    const bug = KNOWN_BUGS[input.name];
    const test = bug === undefined ? it : it.fails;
    test(`${label} normalizes to ${input.name}.items.jsonl${bug ? ` (known bug: ${bug})` : ""}`, () => {
      const items = normalizeInput(input);
      if (bug === undefined && (update || !existsSync(goldenFile(input)))) {
        writeFileSync(goldenFile(input), jsonLines(items));
      }
      expect(items).toEqual(readGolden(input));
      // byte for byte too: the golden is what the command prints
      expect(jsonLines(items)).toBe(readFileSync(goldenFile(input), "utf8"));
    });
  }
});

describe("cleanfeed normalize FILE", () => {
  it("prints exactly the golden's JSON Lines", () => {
    // a local file has no document URL: this input's golden is made without one
    const file = "tests/fixtures/feeds/normalize/norm-cli-local-file.xml";
    const stdout = execFileSync(
      process.execPath,
      [
        "bin/cleanfeed.js",
        "normalize",
        file,
        "--config",
        "tests/fixtures/normalize-golden.config.json",
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    const golden = readFileSync(join(ROOT, file.replace(/\.xml$/, ".items.jsonl")), "utf8");
    expect(golden.split("\n").length).toBeGreaterThan(2);
    expect(stdout).toBe(golden);
  });
});
