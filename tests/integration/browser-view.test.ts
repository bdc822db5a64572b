/**
 * Who gets the feed as a page: the CloudFront Function that decides it in the
 * cloud (infra/browser-view.js, run here on CloudFront's viewer-response event
 * shape) and the local server must give every client the same Content-Type:
 * browsers application/xml (so feed.xsl renders it), feed readers and
 * validators the feed's own type. The Accept headers are what those clients send.
 */
import { readFileSync } from "node:fs";
import vm from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localHandlers } from "../../functions/local/runtime.ts";
import { type FeedServer, startFeedServer } from "../../functions/local/serve.ts";
import { BROWSER_VIEW_FUNCTION } from "../../infra/cleanfeed-stack.ts";
import { testConfig } from "../helpers/config.ts";
import { startTestStore, type TestStore } from "../helpers/store.ts";

type Headers = Record<string, { value: string }>;
interface ViewerResponse {
  statusCode: number;
  headers: Headers;
}
type Handler = (event: unknown) => ViewerResponse;

const handler = vm.runInNewContext(
  `${readFileSync(BROWSER_VIEW_FUNCTION, "utf-8")}\nhandler;`,
  {},
) as Handler;

const BROWSER = "application/xml; charset=utf-8";
const CLIENTS: [string, string | null, "page" | "feed"][] = [
  [
    "Chrome",
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7",
    "page",
  ],
  ["Firefox", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "page"],
  ["Safari", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "page"],
  [
    "feedparser",
    "application/atom+xml,application/rdf+xml,application/rss+xml,application/x-netcdf,application/xml;q=0.9,text/xml;q=0.2,*/*;q=0.1",
    "feed",
  ],
  [
    "a reader that lists feed types and HTML",
    "application/rss+xml, application/atom+xml, text/html;q=0.5, */*;q=0.1",
    "feed",
  ],
  ["curl", "*/*", "feed"],
  ["a client that sends no Accept", null, "feed"],
];

/** CloudFront's viewer-response event for a GET of `uri`, answered 200 with `type`. */
function viewerResponse(uri: string, accept: string | null, type: string, statusCode = 200) {
  const headers: Headers = { host: { value: "d111111abcdef8.cloudfront.net" } };
  if (accept !== null) headers.accept = { value: accept };
  return handler({
    version: "1.0",
    context: {
      distributionDomainName: "d111111abcdef8.cloudfront.net",
      eventType: "viewer-response",
    },
    viewer: { ip: "198.51.100.11" },
    request: { method: "GET", uri, querystring: {}, headers, cookies: {} },
    response: {
      statusCode,
      statusDescription: statusCode === 200 ? "OK" : "Not Modified",
      headers: { "content-type": { value: type } },
      cookies: {},
    },
  });
}

let store: TestStore;
let server: FeedServer;
beforeAll(async () => {
  store = await startTestStore();
  server = await startFeedServer(store.objects, 0);
  const h = localHandlers(store.objects, testConfig(), "/nonexistent", {
    publicUrl: server.url,
    quiet: true,
  });
  await h.ingest({ items: [{ id: "a", url: "https://news.example/a", title: "A story" }] });
  await h.regenerate({});
}, 120_000);
afterAll(async () => {
  await server?.close();
  await store?.close();
});

describe("the feed as a page, for browsers only", () => {
  it.each(CLIENTS)(
    "%s: the same Content-Type from CloudFront's function and the local server",
    async (_, accept, gets) => {
      for (const [file, type] of [
        ["feed.atom", "application/atom+xml; charset=utf-8"],
        ["feed.rss", "application/rss+xml; charset=utf-8"],
      ] as const) {
        const local = await fetch(`${server.url}${file}`, {
          headers: accept === null ? {} : { accept },
        });
        await local.arrayBuffer();
        const cloud = viewerResponse(`/${file}`, accept, type);

        expect(cloud.headers["content-type"]?.value).toBe(gets === "page" ? BROWSER : type);
        expect(local.headers.get("content-type")).toBe(cloud.headers["content-type"]?.value);
        expect(cloud.headers.vary?.value).toBe(local.headers.get("vary"));
      }
    },
  );

  it("leaves every other file, and answers other than 200, as they are", () => {
    const chrome = CLIENTS[0]![1];
    for (const uri of ["/feed.json", "/feed.xsl", "/archive/1.atom"]) {
      const r = viewerResponse(uri, chrome, "application/feed+json");
      expect(r.headers).toEqual({ "content-type": { value: "application/feed+json" } });
    }
    const notModified = viewerResponse("/feed.atom", chrome, "application/atom+xml", 304);
    expect(notModified.headers["content-type"]?.value).toBe("application/atom+xml");
  });
});
