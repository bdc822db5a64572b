/**
 * `cleanfeed add <url>`: subscribing by a site's page (autodiscovery) or a
 * feed's own URL, against a real HTTP server on 127.0.0.1.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addSource } from "../../functions/local/subscriptions.ts";
import { readConfigFile } from "../../functions/runtime/config-file.ts";
import { startServer, type TestServer } from "../helpers/http.ts";
import { captureOutput } from "../helpers/output.ts";

const root = new URL("../../", import.meta.url).pathname;
const ATOM = readFileSync(join(root, "examples/feeds/world-desk.atom"), "utf8");
const RSS = readFileSync(join(root, "examples/feeds/daily-wire.xml"), "utf8");
const REPO_CONFIG = readFileSync(join(root, "cleanfeed.config.json"), "utf8");

/** The site: pages that declare feeds (or not), and the feeds. */
const PAGES: Record<string, [string, string]> = {
  // RSS declared first, Atom second, relative to a <base> that comes after them.
  "/": [
    "text/html; charset=utf-8",
    `<!doctype html><html><head><title>World Desk</title>
<link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
<link rel="alternate" type="application/rss+xml" title="RSS" href="rss.xml">
<link rel="Alternate" type="application/atom+xml; charset=utf-8" title="Atom" href="atom.xml">
<base href="/blog/">
</head><body><a href="/blog/atom.xml">feed</a></body></html>`,
  ],
  "/blog/atom.xml": ["application/atom+xml", ATOM],
  "/blog/rss.xml": ["application/rss+xml", RSS],
  "/plain/": ["text/html", "<!doctype html><title>No feeds here</title><p>Nothing.</p>"],
  "/broken/": [
    "text/html",
    '<html><head><link rel="alternate" type="application/rss+xml" href="/missing.xml"></head></html>',
  ],
  "/quiet/": ["text/html", "<!doctype html><title>Undeclared</title>"],
  // Not declared anywhere: found only by trying the usual places at the site root.
  "/feed": ["application/rss+xml", RSS],
};

let server: TestServer;
let dir: string;
let config: string;
beforeAll(async () => {
  server = await startServer((req, res) => {
    const page = PAGES[new URL(req.url ?? "/", "http://x").pathname];
    if (page === undefined) res.writeHead(404).end("not found");
    else res.writeHead(200, { "content-type": page[0] }).end(page[1]);
  });
});
afterAll(() => server.close());
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cleanfeed-add-"));
  config = join(dir, "cleanfeed.config.json");
  writeFileSync(config, REPO_CONFIG);
  return () => rmSync(dir, { recursive: true, force: true });
});

const add = (url: string) => captureOutput((io) => addSource(io, config, url));

describe("cleanfeed add", () => {
  it("finds the Atom feed a page declares, resolved against its <base>, and appends it to the config", async () => {
    const run = await add(`${server.origin}/`);

    expect(run.result).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      added: "world-desk-2", // named after the feed's title; "world-desk" is taken
      url: `${server.origin}/blog/atom.xml`,
      title: "World Desk",
    });
    const sources = readConfigFile(config).sources;
    expect(sources.at(-1)).toEqual({
      name: "world-desk-2",
      url: `${server.origin}/blog/atom.xml`,
      path: null,
    });
    // The rest of the file is as it was: one line more, the previous last source gains a comma.
    const before = REPO_CONFIG.split("\n");
    const after = readFileSync(config, "utf8").split("\n");
    expect(after).toHaveLength(before.length + 1);
    expect(after.filter((l) => !before.includes(l))).toEqual([
      '    { "name": "field-notes", "path": "examples/feeds/field-notes.json" },',
      `    { "name": "world-desk-2", "url": "${server.origin}/blog/atom.xml" }`,
    ]);
  });

  it("takes a feed's own URL as it is, named after its title", async () => {
    const run = await add(`${server.origin}/blog/rss.xml`);
    expect(run.result).toBe(0);
    expect(readConfigFile(config).sources.at(-1)).toMatchObject({
      name: "daily-wire-digest",
      url: `${server.origin}/blog/rss.xml`,
    });
  });

  it("refuses a feed that is already a source, by page or by feed URL, and changes nothing", async () => {
    await add(`${server.origin}/`);
    const once = readFileSync(config, "utf8");
    for (const url of [`${server.origin}/`, `${server.origin}/blog/atom.xml`]) {
      const again = await add(url);
      expect(again.result).toBe(1);
      expect(again.stderr).toMatch(/is already a source, "world-desk-2"/);
    }
    expect(readFileSync(config, "utf8")).toBe(once);
  });

  it("tries the common feed paths of a page that declares none", async () => {
    const run = await add(`${server.origin}/quiet/`);
    expect(run.result).toBe(0);
    expect(JSON.parse(run.stdout).url).toBe(`${server.origin}/feed`);
  });

  it("says why a URL has no usable feed, exits 1 and leaves the config alone", async () => {
    // A site with no feed anywhere: no declaration, nothing at the usual paths.
    const bare = await startServer((req, res) => {
      if (req.url === "/") res.writeHead(200, { "content-type": PAGES["/plain/"]![0] });
      else res.writeHead(404);
      res.end(req.url === "/" ? PAGES["/plain/"]![1] : "not found");
    });
    const plain = await add(`${bare.origin}/`).finally(() => bare.close());
    expect(plain.result).toBe(1);
    expect(plain.stderr).toMatch(/declares no feed/);
    expect(bare.seen.map((r) => r.url)).toEqual([
      "/",
      "/feed",
      "/rss.xml",
      "/atom.xml",
      "/feed.xml",
      "/index.xml",
    ]);
    const broken = await add(`${server.origin}/broken/`);
    expect(broken.result).toBe(1);
    expect(broken.stderr).toMatch(/missing\.xml: HTTP 404/);
    const gone = await add(`${server.origin}/nowhere`);
    expect(gone.result).toBe(1);
    expect(gone.stderr).toMatch(/HTTP 404/);
    expect(readFileSync(config, "utf8")).toBe(REPO_CONFIG);
  });

  it("works from the command line: exit 0 and the config changed; 2 for a usage error", async () => {
    // Asynchronously: the test's own server must keep answering while the command runs.
    const cleanfeed = (...args: string[]) =>
      new Promise<{ status: number | null; stderr: string }>((done) => {
        const child = execFile(
          process.execPath,
          [join(root, "bin/cleanfeed.js"), ...args],
          { cwd: dir, encoding: "utf-8", timeout: 120_000 },
          (_error, _stdout, stderr) => done({ status: child.exitCode, stderr }),
        );
      });
    const ok = await cleanfeed("add", `${server.origin}/`, "--config", config);
    expect(ok.stderr).toMatch(/added source "world-desk-2"/);
    expect(ok.status).toBe(0);
    expect(readConfigFile(config).sources).toHaveLength(4);
    const usage = await cleanfeed("add", "--config", config);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/add takes one site or feed URL/);
  }, 240_000);
});
