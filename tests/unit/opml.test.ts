/**
 * `cleanfeed sources import` / `export`: OPML as feed readers write it, into
 * the config file and back out.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseOpml } from "../../functions/local/opml.ts";
import { exportSources, importSources } from "../../functions/local/subscriptions.ts";
import { readConfigFile } from "../../functions/runtime/config-file.ts";
import { captureOutput } from "../helpers/output.ts";

const OPML = new URL("../fixtures/opml/subscriptions.opml", import.meta.url).pathname;

const CONFIG = `{
  "feed": {
    "title": "Zoë's \\"best\\" <feeds> & more",
    "id": "urn:uuid:6f1d2c3e-8b4a-4f0e-9a57-3c2d1e0f9b8a",
    "author": { "name": "Zoë" }
  },
  "sources": [
    { "name": "world-desk", "path": "examples/feeds/world-desk.atom" },
    { "name": "north", "url": "https://north.example/rss.xml" }
  ],
  "pollIntervalMinutes": 30
}
`;

let dir: string;
let config: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cleanfeed-opml-"));
  config = join(dir, "cleanfeed.config.json");
  writeFileSync(config, CONFIG);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("sources import", () => {
  it("adds every feed of a real-world OPML file, nested ones too, and skips duplicates and unusable URLs", async () => {
    const run = await captureOutput((io) => importSources(io, config, OPML));

    expect(JSON.parse(run.stdout)).toEqual({ added: 4, duplicates: 3, invalid: 1 });
    expect(run.stderr).toMatch(/feed:\/\/pod\.example\/feed" is not an http\(s\) URL/);
    expect(run.result).toBe(1); // one outline refused, the rest added
    const sources = readConfigFile(config).sources;
    expect(sources.map((s) => [s.name, s.url])).toEqual([
      ["world-desk", null],
      ["north", "https://north.example/rss.xml"],
      ["world-desk-2", "https://news.example/world.atom"],
      ["cafe-politics", "https://cafe.example/feed?format=rss&lang=fr"],
      ["untitled-example", "https://untitled.example/feed"],
      ["world-desk-3", "https://mirror.example/world.atom"],
    ]);
  });

  it("keeps the rest of the config file as the user wrote it", async () => {
    await captureOutput((io) => importSources(io, config, OPML));
    const text = readFileSync(config, "utf8");
    const before = CONFIG.split("\n");
    const after = text.split("\n");
    // Only new lines after the last source; every other line is untouched.
    expect(after.filter((l) => !before.includes(l)).every((l) => /^ {4}\{ "name": /.test(l))).toBe(
      true,
    );
    expect(before.filter((l) => !after.includes(l))).toEqual([
      '    { "name": "north", "url": "https://north.example/rss.xml" }',
    ]);
    expect(text).toContain('    { "name": "north", "url": "https://north.example/rss.xml" },\n');
    expect(text.endsWith('  "pollIntervalMinutes": 30\n}\n')).toBe(true);
  });

  it("imports nothing twice: a second import adds nothing and leaves the file as it was", async () => {
    await captureOutput((io) => importSources(io, config, OPML));
    const once = readFileSync(config, "utf8");
    const again = await captureOutput((io) => importSources(io, config, OPML));
    expect(JSON.parse(again.stdout)).toMatchObject({ added: 0, duplicates: 7 });
    expect(readFileSync(config, "utf8")).toBe(once);
  });

  it("refuses a file that is not OPML, naming it, and changes nothing", async () => {
    const bad = join(dir, "bad.opml");
    writeFileSync(bad, "<opml><body><outline xmlUrl='https://a.example/'></body>");
    const run = await captureOutput((io) => importSources(io, config, bad));
    expect(run.result).toBe(1);
    expect(run.stderr).toMatch(/bad\.opml: not well-formed XML/);
    expect(readFileSync(config, "utf8")).toBe(CONFIG);
  });
});

describe("sources export", () => {
  it("writes valid OPML 2.0 with every URL source, titles escaped", async () => {
    await captureOutput((io) => importSources(io, config, OPML));
    const run = await captureOutput((io) => exportSources(io, config));
    expect(run.result).toBe(0);
    expect(XMLValidator.validate(run.stdout)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(
      run.stdout,
    );
    expect(doc.opml.version).toBe("2.0");
    expect(doc.opml.head.title).toBe(`Zoë's "best" <feeds> & more`);
    expect(run.stdout).toContain('<title>Zoë\'s "best" &lt;feeds&gt; &amp; more</title>');
    expect(run.stdout).toContain('xmlUrl="https://cafe.example/feed?format=rss&amp;lang=fr"');
    expect(run.stderr).toMatch(/not exported: 1 source read from local files/);
  });

  it("round-trips: what export writes, import reads back as the same sources", async () => {
    await captureOutput((io) => importSources(io, config, OPML));
    const exported = join(dir, "out.opml");
    writeFileSync(exported, (await captureOutput((io) => exportSources(io, config))).stdout);
    const original = readConfigFile(config).sources.filter((s) => s.url !== null);

    const fresh = join(dir, "fresh.json");
    writeFileSync(
      fresh,
      '{ "feed": { "id": "tag:example.org,2025:feed", "author": { "name": "Jo" } } }\n',
    );
    const run = await captureOutput((io) => importSources(io, fresh, exported));
    expect(run.result).toBe(0);
    expect(readConfigFile(fresh).sources).toEqual(original);
    expect(parseOpml(readFileSync(exported, "utf8")).map((f) => f.xmlUrl)).toEqual(
      original.map((s) => s.url),
    );
  });
});
