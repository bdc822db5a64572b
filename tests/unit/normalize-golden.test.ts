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
 * rewritten: their test is expected to fail until the bug is fixed.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import type { Item } from "../../functions/core/item.ts";
import { normalizeInput as normalizeBody } from "../../functions/ingest/ingest.ts";
import { testConfig } from "../helpers/config.ts";

const ROOT = join(import.meta.dirname, "../..");
const FEEDS = join(ROOT, "tests/fixtures/feeds");
const OWN = join(FEEDS, "normalize");
const NOW = "2025-06-03T12:00:00Z";
const update = process.env["UPDATE_GOLDEN"] === "1";

/**
 * Golden items that hold the value the rules call for, not what the
 * normalizer prints today, keyed `NAME#N` (N counts items from 1). Each names
 * its bug; its test is `it.fails` and flips to a failure once the bug is fixed:
 * then remove the entry. UPDATE_GOLDEN=1 never overwrites these lines.
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

const normalized = new Map<string, Item[]>();

/** The items the normalizer prints for an input (computed once per run). */
function normalizeInput(input: Input): Item[] {
  const key = join(input.dir, input.file);
  const cached = normalized.get(key);
  if (cached) return cached;
  const bytes = new Uint8Array(readFileSync(join(input.dir, input.file)));
  const info = {
    source: input.name,
    documentUrl: documentUrlOf(input),
    contentType: optional(input, "content-type"),
  };
  const items = normalizeBody({ ...info, body: bytes }, config, NOW).groups.flatMap((g) =>
    g.copies.map((c) => c.item),
  );
  normalized.set(key, items);
  return items;
}

const goldenFile = (input: Input) => join(input.dir, `${input.name}.items.jsonl`);

function goldenLines(input: Input): string[] {
  const file = goldenFile(input);
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line !== "");
}

/** Rewrites a golden from today's output, keeping the hand-written known-bug lines. */
function updateGolden(input: Input): void {
  const old = goldenLines(input);
  const lines = normalizeInput(input).map((item, i) => {
    const kept = old[i];
    return KNOWN_BUGS[`${input.name}#${i + 1}`] !== undefined && kept ? kept : JSON.stringify(item);
  });
  writeFileSync(goldenFile(input), lines.map((l) => `${l}\n`).join(""));
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

  it("names only existing golden items as known bugs", () => {
    for (const key of Object.keys(KNOWN_BUGS)) {
      const [name, n] = key.split("#");
      const input = inputs.find((i) => i.name === name);
      expect(input, key).toBeDefined();
      expect(goldenLines(input as Input).length, key).toBeGreaterThanOrEqual(Number(n));
    }
  });

  for (const input of inputs) {
    const label = relative(FEEDS, join(input.dir, input.file));
    // written on request only, then reviewed line by line: a missing golden fails below
    if (update) updateGolden(input);
    const lines = goldenLines(input);
    const bugs = lines.map((_, i) => KNOWN_BUGS[`${input.name}#${i + 1}`]);

    describe(label, () => {
      // the whole file, byte for byte: what `cleanfeed normalize` prints
      const whole = bugs.some((b) => b !== undefined) ? it.fails : it;
      whole(`prints exactly ${input.name}.items.jsonl`, () => {
        expect(
          existsSync(goldenFile(input)),
          `${input.name}.items.jsonl is missing: run with UPDATE_GOLDEN=1`,
        ).toBe(true);
        const printed = normalizeInput(input).map((item) => `${JSON.stringify(item)}\n`);
        expect(printed.join("")).toBe(lines.map((l) => `${l}\n`).join(""));
      });

      lines.forEach((line, i) => {
        const golden = JSON.parse(line) as Item;
        const bug = bugs[i];
        const test = bug === undefined ? it : it.fails;
        test(`item ${i + 1} "${golden.title}"${bug ? ` (known bug: ${bug})` : ""}`, () => {
          expect(normalizeInput(input)[i]).toEqual(golden);
        });
      });
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
