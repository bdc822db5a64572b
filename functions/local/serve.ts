/**
 * The local feed server: what CloudFront is in the cloud. Serves the files
 * under `public/` in the bucket with their Content-Type, ETag and
 * Last-Modified, answers conditional GETs with 304, and compresses.
 *
 * A browser opening the Atom or RSS feed gets it as `application/xml`: only
 * then do browsers apply the feed's `<?xml-stylesheet?>` (feed.xsl) instead
 * of showing raw text or offering a download. Readers and validators, which
 * ask for feed types, get the feed's own type. In the cloud a CloudFront
 * Function does the same (infra/browser-view.js; a test holds them to it).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { PREFIX, SERVED_CSP } from "../store/layout.ts";
import type { Objects } from "../store/objects.ts";

const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);

const INDEX = (base: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cleanfeed</title>
<link rel="alternate" type="application/atom+xml" title="cleanfeed (Atom)" href="${base}feed.atom">
<link rel="alternate" type="application/rss+xml" title="cleanfeed (RSS)" href="${base}feed.rss">
<link rel="alternate" type="application/feed+json" title="cleanfeed (JSON Feed)" href="${base}feed.json">
</head><body><h1>cleanfeed</h1><p>Subscribe in your feed reader:</p><ul>
<li><a href="feed.atom">${base}feed.atom</a> (Atom)</li>
<li><a href="feed.rss">${base}feed.rss</a> (RSS 2.0)</li>
<li><a href="feed.json">${base}feed.json</a> (JSON Feed 1.1)</li></ul></body></html>
`;

/** A browser navigating (it asks for HTML and for no feed type), not a feed reader. */
function isBrowser(req: http.IncomingMessage): boolean {
  const accept = String(req.headers.accept ?? "").toLowerCase();
  return (
    accept.includes("text/html") &&
    !accept.includes("application/atom+xml") &&
    !accept.includes("application/rss+xml")
  );
}

/** Whether the client's validators still match: answer 304 (RFC 9110 §13.1). */
function notModified(req: http.IncomingMessage, etag: string, lastModified: Date | null): boolean {
  const inm = req.headers["if-none-match"];
  if (inm !== undefined) {
    return inm === "*" || inm.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
  }
  const ims = req.headers["if-modified-since"];
  if (ims !== undefined && lastModified !== null) {
    const since = Date.parse(ims);
    return !Number.isNaN(since) && Math.floor(lastModified.getTime() / 1000) * 1000 <= since;
  }
  return false;
}

/** Listens on 127.0.0.1:`port` (0 picks a free one); `stop` closes it and every connection. */
export async function listenLocal(server: http.Server, port: number) {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stop };
}

export interface FeedServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the published files on 127.0.0.1:`port` (0 picks a free port). */
export async function startFeedServer(objects: Objects, port: number): Promise<FeedServer> {
  let base = "";
  const server = http.createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.writeHead(405, { allow: "GET, HEAD" }).end();
        return;
      }
      if (path === "/") {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(INDEX(base));
        return;
      }
      // Only published files: never entries, keys or anything else in the bucket.
      if (!/^\/(feed\.(atom|rss|json|xsl)|archive\/\d+\.atom)$/.test(path)) {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
        return;
      }
      const file = await objects.getFile(`${PREFIX.public}${path.slice(1)}`);
      if (file === null) {
        res.writeHead(404, { "content-type": "text/plain" }).end("not published yet\n");
        return;
      }
      const styled = path === "/feed.atom" || path === "/feed.rss";
      const headers: Record<string, string> = {
        "content-type":
          styled && isBrowser(req) ? "application/xml; charset=utf-8" : file.contentType,
        etag: file.etag,
        vary: styled ? "accept, accept-encoding" : "accept-encoding",
        // as CloudFront's response headers policy sends them, so a browser here sees what it will there
        "content-security-policy": SERVED_CSP,
        "x-content-type-options": "nosniff",
      };
      if (file.lastModified) headers["last-modified"] = file.lastModified.toUTCString();
      if (file.cacheControl) headers["cache-control"] = file.cacheControl;
      if (notModified(req, file.etag, file.lastModified)) {
        res.writeHead(304, headers).end();
        return;
      }
      const accept = String(req.headers["accept-encoding"] ?? "");
      const encoding = /\bbr\b/.test(accept) ? "br" : /\bgzip\b/.test(accept) ? "gzip" : null;
      let body: Buffer = file.body;
      if (encoding !== null) {
        body = await (encoding === "br" ? brotli : gzip)(file.body);
        headers["content-encoding"] = encoding;
      }
      headers["content-length"] = String(body.length);
      res.writeHead(200, headers).end(req.method === "HEAD" ? undefined : body);
    } catch (e) {
      res.writeHead(500, { "content-type": "text/plain" }).end(`error: ${String(e)}\n`);
    }
  });
  const { url, stop } = await listenLocal(server, port);
  base = `${url}/`;
  return { url: base, close: stop };
}
