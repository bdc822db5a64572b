/**
 * Someone opens the feed URL in a browser: headless Chromium renders the
 * served feed through feed.xsl into a page that shows the feed's title, the
 * address to subscribe to and every entry's title, and runs nothing an entry
 * carries. Readers and validators still get the very same valid feed.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Parser } from "htmlparser2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localHandlers } from "../../functions/local/runtime.ts";
import { type FeedServer, startFeedServer } from "../../functions/local/serve.ts";
import { testConfig } from "../helpers/config.ts";
import { startTestStore, type TestStore } from "../helpers/store.ts";
import { CHROMIUM, requireTool } from "../helpers/tools.ts";
import { runFeedparser, runJing } from "../helpers/validators.ts";

const haveTools = requireTool("chromium") && requireTool("jing") && requireTool("feedparser");

/** A script that would mark the page if it ever ran, written as an entry would carry it. */
const ATTACK = `<script>document.documentElement.className="pwned"</script><img src=x onerror="document.documentElement.className='pwned'">`;

const ITEMS = [
  {
    id: "a",
    url: "https://news.example/harbour",
    title: "Harbour reopens after the storm",
    summary: "Ships are back in the port of Kyrenia.",
    content: "<p>Ships are back in the port of Kyrenia after three days.</p>",
    published: "2025-06-01T08:00:00Z",
  },
  {
    id: "b",
    url: "https://news.example/market",
    title: `Market & <prices> ${ATTACK}`,
    summary: `Plain summary that mentions ${ATTACK} as text.`,
    content: `<p>Body</p>${ATTACK}`,
    published: "2025-06-02T08:00:00Z",
  },
];

let store: TestStore;
let server: FeedServer;
let dir: string;

/** Chromium's DOM of a page after it loaded (and after any XSLT), asynchronously: our server must answer. */
function dumpDom(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      CHROMIUM,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        `--user-data-dir=${join(dir, "profile")}`,
        "--dump-dom",
        url,
      ],
      { encoding: "utf-8", timeout: 110_000, maxBuffer: 16 << 20 },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    );
  });
}

/** What of a page could run code: script and img elements, on* attributes. */
function elementsAndHandlers(html: string) {
  const found = { scripts: 0, images: 0, handlers: [] as string[] };
  const parser = new Parser({
    onopentag(name, attrs) {
      if (name === "script") found.scripts++;
      if (name === "img") found.images++;
      found.handlers.push(...Object.keys(attrs).filter((a) => a.startsWith("on")));
    },
  });
  parser.end(html);
  return found;
}

describe.runIf(haveTools)("the feed in a browser", () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "cleanfeed-browser-"));
    store = await startTestStore();
    server = await startFeedServer(store.objects, 0);
    const h = localHandlers(store.objects, testConfig(), dir, {
      publicUrl: server.url,
      quiet: true,
    });
    await h.ingest({ items: ITEMS });
    await h.regenerate({});
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(["feed.atom", "feed.rss"])(
    "renders %s as a page: feed title, the address to copy, every entry's title as a link",
    async (file) => {
      const dom = await dumpDom(`${server.url}${file}`);

      // The page, not the raw XML text Chromium shows for a feed type.
      expect(dom).not.toMatch(/<pre[^>]*>&lt;\?xml/);
      expect(dom).toMatch(/<h1>Test feed<\/h1>/);
      expect(dom).toContain("copy its address into your feed");
      expect(dom).toMatch(
        new RegExp(
          `<code id="feed-url">${server.url.replace(/\./g, "\\.")}feed\\.(atom|rss)</code>`,
        ),
      );
      expect(dom).toContain(
        '<a href="https://news.example/harbour">Harbour reopens after the storm</a>',
      );
      expect(dom).toContain("Ships are back in the port of Kyrenia.");
      // The hostile title is there as text, escaped, and nothing of it became an element.
      expect(dom).toContain("Market &amp; &lt;prices&gt; &lt;script&gt;");
      expect(elementsAndHandlers(dom)).toEqual({ scripts: 0, images: 0, handlers: [] });
      expect(dom).not.toMatch(/class="pwned"/);
    },
    120_000,
  );

  it("serves feed.xsl as XSLT, and the feed itself unchanged to readers", async () => {
    const xsl = await fetch(`${server.url}feed.xsl`);
    expect(xsl.status).toBe(200);
    expect(xsl.headers.get("content-type")).toMatch(/^text\/xsl/);
    expect(await xsl.text()).not.toContain("disable-output-escaping");

    const reader = await fetch(`${server.url}feed.atom`, {
      headers: { accept: "application/atom+xml, application/xml;q=0.9" },
    });
    expect(reader.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
    const browser = await fetch(`${server.url}feed.atom`, {
      headers: { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" },
    });
    expect(browser.headers.get("content-type")).toBe("application/xml; charset=utf-8");
    expect(browser.headers.get("vary")).toMatch(/accept/);
    const atom = await reader.text();
    expect(await browser.text()).toBe(atom);
    expect(atom).toContain('<?xml-stylesheet type="text/xsl" href="feed.xsl"?>');

    // Still a valid Atom feed, and a reader library sees the same entries.
    const jing = runJing(atom);
    expect(jing.messages).toEqual([]);
    const parsed = runFeedparser(atom);
    expect(parsed.bozo, parsed.bozoException ?? "").toBe(0);
    expect(parsed.entries.map((e) => e.title)).toContain("Harbour reopens after the storm");
    const rss = runFeedparser(await (await fetch(`${server.url}feed.rss`)).text());
    expect(rss.bozo, rss.bozoException ?? "").toBe(0);
    expect(rss.entries).toHaveLength(2);
  });
});
