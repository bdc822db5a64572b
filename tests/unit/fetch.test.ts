import { brotliCompressSync, deflateRawSync, gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import {
  DEFAULT_USER_AGENT,
  type FetchOptions,
  fetchFeed,
  parseMaxAge,
  parseRetryAfter,
} from "../../functions/sources/fetch.ts";
import { startServer, type TestServer } from "../helpers/http.ts";

const FEED = '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>';
const none = { etag: null, lastModified: null };
const local: FetchOptions = { allowLoopback: true, timeoutMs: 3000, maxBytes: 1 << 20 };
const text = (b: Uint8Array) => Buffer.from(b).toString("utf8");

let servers: TestServer[] = [];
async function serve(handler: Parameters<typeof startServer>[0]) {
  const s = await startServer(handler);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

describe("fetchFeed conditional GET", () => {
  it("returns the body and ETag, then sends the ETag back and gets not-modified", async () => {
    const s = await serve((req, res) => {
      if (req.headers["if-none-match"] === '"v1"') {
        res.writeHead(304, { etag: '"v1"' }).end();
        return;
      }
      res.writeHead(200, { etag: '"v1"', "content-type": "application/rss+xml" }).end(FEED);
    });
    const first = await fetchFeed(`${s.origin}/feed`, none, local);
    expect(first.kind).toBe("ok");
    if (first.kind !== "ok") return;
    expect(text(first.body)).toBe(FEED);
    expect(first.contentType).toBe("application/rss+xml");
    expect(first.validators.etag).toBe('"v1"');

    const second = await fetchFeed(`${s.origin}/feed`, first.validators, local);
    expect(second.kind).toBe("not-modified");
    expect(s.seen[1]?.headers["if-none-match"]).toBe('"v1"');
    if (second.kind === "not-modified") expect(second.validators.etag).toBe('"v1"');
  });

  it("sends Last-Modified back as If-Modified-Since and keeps it when the 304 omits it", async () => {
    const lm = "Wed, 15 May 2024 08:00:00 GMT";
    const s = await serve((req, res) => {
      if (req.headers["if-modified-since"] === lm) return void res.writeHead(304).end();
      res.writeHead(200, { "last-modified": lm }).end(FEED);
    });
    const first = await fetchFeed(`${s.origin}/`, none, local);
    expect(first.kind === "ok" && first.validators.lastModified).toBe(lm);
    const second = await fetchFeed(`${s.origin}/`, { etag: null, lastModified: lm }, local);
    expect(second.kind).toBe("not-modified");
    if (second.kind === "not-modified") expect(second.validators.lastModified).toBe(lm);
  });

  it("identifies itself with a descriptive User-Agent and asks for compressed feeds", async () => {
    const s = await serve((_req, res) => res.end(FEED));
    await fetchFeed(s.origin, none, local);
    expect(s.seen[0]?.headers["user-agent"]).toBe(DEFAULT_USER_AGENT);
    expect(s.seen[0]?.headers["accept-encoding"]).toContain("gzip");
    expect(s.seen[0]?.headers.accept).toContain("application/atom+xml");
  });
});

describe("fetchFeed politeness hints", () => {
  it("reports Retry-After seconds on a 429 as an error the user can read", async () => {
    const s = await serve((_req, res) => res.writeHead(429, { "retry-after": "120" }).end());
    const r = await fetchFeed(s.origin, none, local);
    expect(r).toMatchObject({ kind: "error", status: 429, retryAfterSeconds: 120 });
    if (r.kind === "error") expect(r.message).toBe("HTTP 429 Too Many Requests");
  });

  it("reports Retry-After given as an HTTP date relative to the server's Date", async () => {
    const s = await serve((_req, res) =>
      res
        .writeHead(503, {
          date: "Wed, 15 May 2024 08:00:00 GMT",
          "retry-after": "Wed, 15 May 2024 08:10:00 GMT",
        })
        .end(),
    );
    const r = await fetchFeed(s.origin, none, local);
    expect(r).toMatchObject({ kind: "error", status: 503, retryAfterSeconds: 600 });
  });

  it("reports Cache-Control max-age minus Age", async () => {
    const s = await serve((_req, res) =>
      res.writeHead(200, { "cache-control": "public, max-age=3600", age: "600" }).end(FEED),
    );
    const r = await fetchFeed(s.origin, none, local);
    expect(r.kind === "ok" && r.maxAgeSeconds).toBe(3000);
  });

  it("parses the header forms directly", () => {
    expect(parseRetryAfter("30", null, 0)).toBe(30);
    expect(parseRetryAfter("soon", null, 0)).toBeNull();
    expect(parseRetryAfter("Thu, 01 Jan 1970 00:01:00 GMT", null, 0)).toBe(60);
    expect(parseMaxAge("no-cache, max-age=60", null)).toBeNull();
    expect(parseMaxAge('max-age="90"', null)).toBe(90);
    expect(parseMaxAge(null, null)).toBeNull();
  });
});

describe("fetchFeed failures", () => {
  it("names the HTTP status of a missing feed", async () => {
    const s = await serve((_req, res) => res.writeHead(404).end("nope"));
    const r = await fetchFeed(`${s.origin}/gone`, none, local);
    expect(r).toMatchObject({ kind: "error", status: 404, message: "HTTP 404 Not Found" });
  });

  it("reports 410 Gone with its status so the source can be retired", async () => {
    const s = await serve((_req, res) => res.writeHead(410).end());
    const r = await fetchFeed(s.origin, none, local);
    expect(r).toMatchObject({ kind: "error", status: 410, message: "HTTP 410 Gone" });
  });

  it("gives up on a server that never answers, after the total timeout", async () => {
    const s = await serve(() => {
      /* never responds */
    });
    const r = await fetchFeed(s.origin, none, { ...local, timeoutMs: 300 });
    expect(r).toMatchObject({
      kind: "error",
      message: "timed out after 300 ms",
      reason: "timeout",
    });
  });

  it("gives up connecting (DNS included) after the connect timeout, before the total one", async () => {
    const hangingDns = (() => {
      /* never calls back */
    }) as unknown as FetchOptions["lookup"];
    const r = await fetchFeed("http://feeds.example.test/", none, {
      ...local,
      timeoutMs: 5000,
      connectTimeoutMs: 200,
      lookup: hangingDns,
    });
    expect(r).toMatchObject({
      kind: "error",
      message: "could not connect to feeds.example.test within 200 ms",
      reason: "timeout",
    });
  });

  it("gives up on a body that trickles forever, after the total timeout", async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200);
      const t = setInterval(() => res.write("<item/>"), 20);
      res.on("close", () => clearInterval(t));
    });
    const r = await fetchFeed(s.origin, none, { ...local, timeoutMs: 300 });
    expect(r).toMatchObject({ kind: "error", message: "timed out after 300 ms" });
  });

  it("stops reading an endless body at the byte cap", async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200);
      const chunk = "x".repeat(64 * 1024);
      const pump = () => {
        while (res.write(chunk)) {
          /* keep writing until the socket pushes back */
        }
      };
      res.on("drain", pump);
      pump();
    });
    const r = await fetchFeed(s.origin, none, { ...local, maxBytes: 100_000, timeoutMs: 5000 });
    expect(r).toMatchObject({
      kind: "error",
      message: "body exceeds 100000 bytes",
      reason: "too-large",
    });
  });

  it("refuses a body whose Content-Length already exceeds the cap", async () => {
    const s = await serve((_req, res) =>
      res.writeHead(200, { "content-length": "2000" }).end("y".repeat(2000)),
    );
    const r = await fetchFeed(s.origin, none, { ...local, maxBytes: 1024 });
    expect(r).toMatchObject({ kind: "error", message: "body exceeds 1024 bytes" });
  });

  it("detects a redirect loop", async () => {
    const s = await serve((req, res) =>
      res.writeHead(302, { location: req.url === "/a" ? "/b" : "/a" }).end(),
    );
    const r = await fetchFeed(`${s.origin}/a`, none, local);
    expect(r.kind).toBe("error");
    if (r.kind === "error") expect(r.message).toMatch(/^redirect loop/);
    expect(s.seen.length).toBe(2);
  });

  it("follows at most 5 redirects", async () => {
    const s = await serve((req, res) => {
      const n = Number(req.url?.slice(1));
      res.writeHead(301, { location: `/${n + 1}` }).end();
    });
    const r = await fetchFeed(`${s.origin}/0`, none, local);
    expect(r).toMatchObject({ kind: "error", message: "too many redirects (more than 5)" });
    expect(s.seen.length).toBe(6);
  });

  it("follows a redirect and reports the final URL", async () => {
    const s = await serve((req, res) => {
      if (req.url === "/old") return void res.writeHead(301, { location: "/new" }).end();
      res.end(FEED);
    });
    const r = await fetchFeed(`${s.origin}/old`, none, local);
    expect(r).toMatchObject({ kind: "ok", url: `${s.origin}/new` });
  });

  it("refuses schemes other than http and https", async () => {
    const r = await fetchFeed("file:///etc/passwd", none, local);
    expect(r).toMatchObject({ kind: "error", reason: "invalid-url" });
    if (r.kind === "error") expect(r.message).toContain("only http and https");
  });

  it("reports a malformed URL or one with credentials instead of throwing", async () => {
    const bad = await fetchFeed("not a url", none, local);
    expect(bad).toMatchObject({ kind: "error", message: "not a valid URL: not a url" });
    const creds = await fetchFeed("http://user:pw@127.0.0.1/", none, local);
    expect(creds).toMatchObject({ kind: "error", reason: "invalid-url" });
  });

  it("uses the standard reason phrase, not the server's", async () => {
    const s = await serve((_req, res) => res.writeHead(500, "Everything is on fire \u00e9").end());
    const r = await fetchFeed(s.origin, none, local);
    expect(r.kind === "error" && r.message).toBe("HTTP 500 Internal Server Error");
  });

  it("refuses a redirect to a file: URL", async () => {
    const s = await serve((_req, res) =>
      res.writeHead(302, { location: "file:///etc/passwd" }).end(),
    );
    const r = await fetchFeed(s.origin, none, local);
    expect(r.kind === "error" && r.message).toContain("only http and https");
  });

  it("reports a refused connection without throwing", async () => {
    const s = await serve((_req, res) => res.end());
    const origin = s.origin;
    await s.close();
    servers = [];
    const r = await fetchFeed(origin, none, local);
    expect(r.kind === "error" && r.message).toMatch(/^connection refused by 127\.0\.0\.1:/);
  });
});

describe("fetchFeed compressed bodies", () => {
  it("decodes gzip", async () => {
    const s = await serve((_req, res) =>
      res.writeHead(200, { "content-encoding": "gzip" }).end(gzipSync(FEED)),
    );
    const r = await fetchFeed(s.origin, none, local);
    expect(r.kind === "ok" && text(r.body)).toBe(FEED);
  });

  it("decodes raw deflate and brotli", async () => {
    const s = await serve((req, res) => {
      if (req.url === "/deflate") {
        return void res.writeHead(200, { "content-encoding": "deflate" }).end(deflateRawSync(FEED));
      }
      res.writeHead(200, { "content-encoding": "br" }).end(brotliCompressSync(FEED));
    });
    const d = await fetchFeed(`${s.origin}/deflate`, none, local);
    const b = await fetchFeed(`${s.origin}/br`, none, local);
    expect(d.kind === "ok" && text(d.body)).toBe(FEED);
    expect(b.kind === "ok" && text(b.body)).toBe(FEED);
  });

  it("stops a gzip bomb at the cap on the decoded size", async () => {
    const bomb = gzipSync(Buffer.alloc(64 << 20)); // ~64 KB on the wire, 64 MB decoded
    expect(bomb.length).toBeLessThan(100_000);
    const s = await serve((_req, res) =>
      res.writeHead(200, { "content-encoding": "gzip" }).end(bomb),
    );
    const r = await fetchFeed(s.origin, none, { ...local, maxBytes: 1 << 20 });
    expect(r).toMatchObject({ kind: "error", reason: "too-large" });
    if (r.kind === "error") expect(r.message).toMatch(/^body exceeds 1048576 bytes/);
  });

  it("reports a corrupt gzip body", async () => {
    const s = await serve((_req, res) =>
      res.writeHead(200, { "content-encoding": "gzip" }).end("not gzip"),
    );
    const r = await fetchFeed(s.origin, none, local);
    expect(r).toMatchObject({ kind: "error", message: "the gzip-compressed body is corrupt" });
  });
});
