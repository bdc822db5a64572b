/**
 * The local feed server (what CloudFront is in the cloud) and the push
 * endpoint's event shape, against the embedded S3.
 */
import { readFileSync } from "node:fs";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { localHandlers } from "../../functions/local/runtime.ts";
import { type FeedServer, startFeedServer } from "../../functions/local/serve.ts";
import { testConfig } from "../helpers/config.ts";
import { startTestStore, type TestStore } from "../helpers/store.ts";
import { requireTool } from "../helpers/tools.ts";
import { runFeedparser, runJing } from "../helpers/validators.ts";

let store: TestStore;
let server: FeedServer;
beforeEach(async () => {
  store = await startTestStore();
  server = await startFeedServer(store.objects, 0);
});
afterEach(async () => {
  await server.close();
  await store.close();
});

const handlers = () =>
  localHandlers(store.objects, testConfig(), "/nonexistent", {
    publicUrl: server.url,
    quiet: true,
  });

function pushEvent(body: string) {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: "/",
    rawQueryString: "",
    headers: { "content-type": "application/json" },
    requestContext: {
      http: {
        method: "POST",
        path: "/",
        protocol: "HTTP/1.1",
        sourceIp: "203.0.113.9",
        userAgent: "cleanfeed",
      },
    },
    body,
    isBase64Encoded: false,
  };
}

const sample = readFileSync(
  new URL("../fixtures/samples/istanbul-talks.txt", import.meta.url),
  "utf-8",
);

describe("push endpoint (Lambda Function URL event)", () => {
  it("stores valid items, refuses a bad one by field, and keeps the rest of the batch", async () => {
    const h = handlers();
    const body = JSON.stringify([
      { id: "p1", url: "https://push.example/1", title: "One", content: "First pushed item." },
      { id: "p2", url: "not a url", title: "Two", content: "Bad URL." },
      { id: "p3", url: "https://push.example/3", title: "Three", content: "Third pushed item." },
    ]);
    const res = (await h.ingest(pushEvent(body))) as { statusCode: number; body: string };
    expect(res.statusCode).toBe(200);
    const report = JSON.parse(res.body);
    expect(report.new).toBe(2);
    expect(report.rejected).toHaveLength(1);
    expect(report.rejected[0]).toMatch(/item 2: url/);
  });

  it("turns the sample article pushed as plain text into clean paragraphs, title once", async () => {
    const h = handlers();
    const lines = sample.split("\n").filter((l) => l.trim());
    const res = (await h.ingest(
      pushEvent(JSON.stringify({ items: [{ id: "ist", title: lines[1], content: sample }] })),
    )) as { body: string };
    expect(JSON.parse(res.body).new).toBe(1);
    await h.regenerate({});
    const json = JSON.parse((await store.objects.getText("public/feed.json"))!.value);
    const html: string = json.items[0].content_html;
    expect(html.startsWith("<p>")).toBe(true);
    expect(html).not.toContain(lines[1]);
    for (const para of lines.slice(3, 10)) {
      expect(
        html.split(para.slice(0, 50).replace(/"/g, "&quot;")).length - 1,
        para.slice(0, 30),
      ).toBeLessThanOrEqual(1);
    }
    expect((html.match(/<p>/g) ?? []).length).toBe(8);
  });

  it("accepts a whole feed document, and answers 400 to a body that is not JSON", async () => {
    const h = handlers();
    const feed = readFileSync(
      new URL("../../examples/feeds/world-desk.atom", import.meta.url),
      "utf-8",
    );
    const ok = (await h.ingest({
      ...pushEvent(feed),
      headers: { "content-type": "application/atom+xml" },
    })) as { statusCode: number; body: string };
    expect(ok.statusCode).toBe(200);
    expect(JSON.parse(ok.body).new).toBe(2);
    const bad = (await h.ingest(pushEvent("{ nope"))) as { statusCode: number; body: string };
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body).error).toMatch(/not JSON/);
  });
});

describe("local feed server", () => {
  it("serves the feeds with Content-Type, ETag and Last-Modified, 304s, and compression", async () => {
    const h = handlers();
    await h.ingest({
      items: [
        { id: "a", url: "https://push.example/a", title: "Served", content: "Served to a reader." },
      ],
    });
    await h.regenerate({});
    const res = await fetch(`${server.url}feed.atom`, {
      headers: { "accept-encoding": "identity" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
    const etag = res.headers.get("etag")!;
    const lastModified = res.headers.get("last-modified")!;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(await res.text()).toContain("Served");
    expect(
      (await fetch(`${server.url}feed.atom`, { headers: { "if-none-match": etag } })).status,
    ).toBe(304);
    expect(
      (await fetch(`${server.url}feed.atom`, { headers: { "if-modified-since": lastModified } }))
        .status,
    ).toBe(304);

    const raw = (encoding: string) =>
      new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
        import("node:http").then(({ get }) =>
          get(`${server.url}feed.rss`, { headers: { "accept-encoding": encoding } }, (r) => {
            const chunks: Buffer[] = [];
            r.on("data", (c) => chunks.push(c));
            r.on("end", () => resolve({ headers: r.headers, body: Buffer.concat(chunks) }));
          }).on("error", reject),
        );
      });
    const gz = await raw("gzip");
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.body).toString()).toContain("<rss");
    const br = await raw("br, gzip");
    expect(br.headers["content-encoding"]).toBe("br");
    expect(brotliDecompressSync(br.body).toString()).toContain("<rss");
    const json = await fetch(`${server.url}feed.json`);
    expect(json.headers.get("content-type")).toBe("application/feed+json; charset=utf-8");
  });

  it("serves only published files, never stored entries or keys", async () => {
    await store.objects.put("entries/secret.json", "{}");
    expect((await fetch(`${server.url}entries/secret.json`)).status).toBe(404);
    expect((await fetch(`${server.url}../entries/secret.json`)).status).toBe(404);
    expect((await fetch(`${server.url}feed.atom`)).status).toBe(404);
    expect((await fetch(server.url)).headers.get("content-type")).toMatch(/text\/html/);
  });
});

describe("published links of a local run", () => {
  const items = (...ids: string[]) => ({
    items: ids.map((id) => ({
      id,
      url: `https://push.example/${id}`,
      title: `Story ${id}`,
      content: `The story called ${id}, told in a sentence or two.`,
    })),
  });
  const at = (publicUrl: string, config = testConfig({ feed: { windowSize: 2 } })) =>
    localHandlers(store.objects, config, "/nonexistent", { publicUrl, quiet: true });
  const hrefs = (xml: string, rel: string) =>
    [...xml.matchAll(new RegExp(`<link rel="${rel}"[^>]*href="([^"]+)"`, "g"))].map((m) => m[1]);

  it("writes archive pages with links that a server on another port still resolves", async () => {
    await at("http://127.0.0.1:8787/").ingest(items("a", "b"));
    await at("http://127.0.0.1:8787/").regenerate({});
    await at("http://127.0.0.1:8788/").ingest(items("c", "d"));
    await at("http://127.0.0.1:8788/").regenerate({});

    const page = (await store.objects.getText("public/archive/1.atom"))!.value;
    expect(page).toContain("Story a");
    expect(page).not.toContain("127.0.0.1");
    expect(hrefs(page, "self")).toEqual(["1.atom"]);
    expect(hrefs(page, "current")).toEqual(["../feed.atom"]);
    // resolved against wherever it is served, the page leads back to the feed
    expect(new URL("../feed.atom", `${server.url}archive/1.atom`).href).toBe(
      `${server.url}feed.atom`,
    );
    const feed = (await store.objects.getText("public/feed.atom"))!.value;
    expect(hrefs(feed, "self")).toEqual(["http://127.0.0.1:8788/feed.atom"]);
    // relative links are IRI references RFC 4287 allows, and readers take them as they are
    if (requireTool("jing")) expect(runJing(page).messages).toEqual([]);
    if (requireTool("feedparser")) {
      const read = runFeedparser(page);
      expect(read.bozo, read.bozoException ?? "").toBe(0);
      expect(read.entries.map((e) => e.title)).toEqual(expect.arrayContaining(["Story a"]));
    }
  });

  it("writes archive pages with the configured public URL when there is one", async () => {
    const config = testConfig({ feed: { windowSize: 2, publicUrl: "https://news.example/" } });
    await at("http://127.0.0.1:8787/", config).ingest(items("a", "b"));
    await at("http://127.0.0.1:8787/", config).regenerate({});
    await at("http://127.0.0.1:8788/", config).ingest(items("c", "d"));
    await at("http://127.0.0.1:8788/", config).regenerate({});
    const page = (await store.objects.getText("public/archive/1.atom"))!.value;
    expect(hrefs(page, "self")).toEqual(["https://news.example/archive/1.atom"]);
    expect(hrefs(page, "current")).toEqual(["https://news.example/feed.atom"]);
    const feed = (await store.objects.getText("public/feed.atom"))!.value;
    expect(hrefs(feed, "self")).toEqual(["https://news.example/feed.atom"]);
  });
});
