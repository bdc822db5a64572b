/**
 * Polite, bounded fetching of one feed URL: conditional GET, compressed
 * bodies, redirects, timeouts and a size cap, and the SSRF guard of
 * `address.ts` applied to the address each connection really goes to.
 *
 * Built on `node:http`/`node:https` rather than global `fetch` because only
 * they let us hand the socket a resolver of our own: the address is checked
 * after DNS and before connecting, on every redirect hop, and the socket then
 * connects to exactly the address that was checked (no second lookup that a
 * DNS-rebinding server could answer differently).
 */
import type { LookupAddress, LookupOptions } from "node:dns";
import * as dns from "node:dns";
import * as http from "node:http";
import * as https from "node:https";
import { promisify } from "node:util";
import * as zlib from "node:zlib";
import { isIpLiteral, refusalReason } from "./address.ts";

/** What a server told us last time, sent back to get a cheap 304. */
export interface Validators {
  etag: string | null;
  lastModified: string | null;
}

export interface FetchOptions {
  /** Local runner true; deployed functions false. Private ranges are refused either way. */
  allowLoopback: boolean;
  /** The whole fetch, redirects and body included. */
  timeoutMs: number;
  /** DNS plus TCP/TLS connect, per hop. Default min(5000, timeoutMs). */
  connectTimeoutMs?: number;
  /** Cap on the body, before and after decompression. */
  maxBytes: number;
  /** Injectable resolver, for tests. Default `dns.lookup`. */
  lookup?: typeof dns.lookup;
}

/** Machine-readable kind of a failed fetch, for the sources table and metrics. */
type FetchFailureReason =
  | "timeout"
  | "too-large"
  | "redirect"
  | "refused"
  | "http"
  | "network"
  | "decode"
  | "invalid-url";

export type FetchResult =
  | {
      kind: "ok";
      /** The final URL, after redirects. */
      url: string;
      status: number;
      /** Decoded (decompressed) body bytes. */
      body: Uint8Array;
      contentType: string | null;
      validators: Validators;
      maxAgeSeconds: number | null;
      retryAfterSeconds: number | null;
    }
  | {
      kind: "not-modified";
      url: string;
      validators: Validators;
      maxAgeSeconds: number | null;
      retryAfterSeconds: number | null;
    }
  | {
      kind: "error";
      url: string;
      /** The HTTP status when the server answered, else null. */
      status: number | null;
      /** A sentence for the user: "timed out after 2000 ms", "HTTP 404 Not Found"… */
      message: string;
      retryAfterSeconds: number | null;
      /** Set by `fetchFeed`; optional so hand-made results stay valid. */
      reason?: FetchFailureReason;
    };

export const DEFAULT_USER_AGENT = "cleanfeed/0.1 (+https://github.com/cleanfeed/cleanfeed)";
const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
const MAX_REDIRECTS = 5;
const ACCEPT =
  "application/atom+xml, application/rss+xml, application/feed+json, application/rdf+xml;q=0.9, " +
  "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5";
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** A failure we describe ourselves; everything else goes through `describeError`. */
class FetchFailure extends Error {
  constructor(
    message: string,
    readonly reason: FetchFailureReason,
    readonly status: number | null = null,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;
type LookupAll = (
  host: string,
  options: LookupOptions & { all: true },
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/**
 * Wraps a resolver so that every address it returns is checked before the
 * socket may use it. One refused address refuses the host: a name that mixes
 * public and internal addresses is not one we want to half-trust.
 */
function guardedLookup(base: typeof dns.lookup, allowLoopback: boolean) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    (base as unknown as LookupAll)(hostname, { ...options, all: true }, (err, list) => {
      if (err) return callback(err, []);
      if (list.length === 0) {
        return callback(new FetchFailure(`could not resolve host ${hostname}`, "network"), []);
      }
      for (const a of list) {
        const reason = refusalReason(a.address, allowLoopback);
        if (reason) {
          return callback(
            new FetchFailure(`${reason} (${hostname} resolves to it)`, "refused"),
            [],
          );
        }
      }
      if (options.all) return callback(null, list);
      const first = list[0]!;
      callback(null, first.address, first.family);
    });
  };
}

/** Checks a URL before any request: scheme, and literal IP hosts (which skip DNS). */
function checkUrl(raw: string, allowLoopback: boolean): URL {
  if (!URL.canParse(raw)) throw new FetchFailure(`not a valid URL: ${raw}`, "invalid-url");
  const url = new URL(raw);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new FetchFailure(
      `only http and https URLs can be fetched, not ${url.protocol}`,
      "invalid-url",
    );
  }
  if (url.username || url.password) {
    // Credentials in a feed URL would be sent on every redirect hop; refuse rather than leak.
    throw new FetchFailure("URLs with a user name or password are not supported", "invalid-url");
  }
  // WHATWG URL has already turned 2130706433, 0x7f.1 and 0177.0.0.1 into 127.0.0.1.
  if (isIpLiteral(url.hostname)) {
    const reason = refusalReason(url.hostname, allowLoopback);
    if (reason) throw new FetchFailure(reason, "refused");
  }
  return url;
}

function header(res: http.IncomingMessage, name: string): string | null {
  const v = res.headers[name];
  if (v === undefined) return null;
  return Array.isArray(v) ? (v[0] ?? null) : v;
}

/** Retry-After in seconds (delta or HTTP date, measured against the server's Date). */
export function parseRetryAfter(value: string | null, serverDate: string | null, nowMs: number) {
  if (value === null) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  const ref = serverDate === null ? Number.NaN : Date.parse(serverDate);
  return Math.max(0, Math.ceil((at - (Number.isNaN(ref) ? nowMs : ref)) / 1000));
}

/** Remaining freshness from Cache-Control max-age minus Age, or null when none is given. */
export function parseMaxAge(cacheControl: string | null, age: string | null): number | null {
  if (cacheControl === null) return null;
  const directives = cacheControl
    .toLowerCase()
    .split(",")
    .map((d) => d.trim());
  if (directives.includes("no-store") || directives.includes("no-cache")) return null;
  for (const d of directives) {
    const m = /^max-age\s*=\s*"?(\d+)"?$/.exec(d);
    if (m) {
      const used = age !== null && /^\d+$/.test(age.trim()) ? Number(age.trim()) : 0;
      return Math.max(0, Number(m[1]) - used);
    }
  }
  return null;
}

function describeError(err: unknown, url: URL): string {
  const e = err as NodeJS.ErrnoException & { host?: string };
  const host = url.host;
  switch (e?.code) {
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `could not resolve host ${url.hostname}`;
    case "ECONNREFUSED":
      return `connection refused by ${host}`;
    case "ECONNRESET":
    case "EPIPE":
      return `connection to ${host} was reset`;
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `${host} is unreachable`;
    case "HPE_INVALID_CONSTANT":
    case "HPE_INVALID_HEADER_TOKEN":
    case "HPE_HEADER_OVERFLOW":
      return `${host} sent an invalid HTTP response`;
  }
  if (typeof e?.code === "string" && /CERT|SSL|TLS/.test(e.code)) {
    return `TLS error with ${host}: ${e.message}`;
  }
  return `request to ${host} failed: ${e?.message ?? String(err)}`;
}

/** Everything one fetch shares across its hops, so a timeout can stop whatever runs. */
interface Attempt {
  opts: Required<FetchOptions>;
  validators: Validators;
  active: http.ClientRequest | null;
  stopped: boolean;
}

/** Sends one GET and resolves with the response head; the body is read separately. */
function send(at: Attempt, url: URL): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (at.stopped) return reject(new FetchFailure("stopped", "timeout"));
    const headers: Record<string, string> = {
      "user-agent": DEFAULT_USER_AGENT,
      accept: ACCEPT,
      "accept-encoding": "gzip, deflate, br",
    };
    if (at.validators.etag) headers["if-none-match"] = at.validators.etag;
    if (at.validators.lastModified) headers["if-modified-since"] = at.validators.lastModified;
    const lib = url.protocol === "https:" ? https : http;
    let req: http.ClientRequest;
    try {
      req = lib.request(url, {
        method: "GET",
        headers,
        // A fresh connection per hop: a pooled socket would skip our lookup.
        agent: false,
        lookup: guardedLookup(at.opts.lookup, at.opts.allowLoopback) as never,
      });
    } catch (err) {
      return reject(new FetchFailure(describeError(err, url), "network"));
    }
    at.active = req;
    const connectMs = at.opts.connectTimeoutMs;
    const connectTimer = setTimeout(() => {
      req.destroy(
        new FetchFailure(`could not connect to ${url.host} within ${connectMs} ms`, "timeout"),
      );
    }, connectMs);
    req.on("socket", (socket) => {
      socket.once(url.protocol === "https:" ? "secureConnect" : "connect", () =>
        clearTimeout(connectTimer),
      );
    });
    req.on("response", (res) => {
      clearTimeout(connectTimer);
      resolve(res);
    });
    req.on("error", (err) => {
      clearTimeout(connectTimer);
      reject(
        err instanceof FetchFailure ? err : new FetchFailure(describeError(err, url), "network"),
      );
    });
    req.on("close", () => clearTimeout(connectTimer));
    req.end();
  });
}

/** Streams the body into memory, refusing past `maxBytes` without reading the rest. */
function readBody(res: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(header(res, "content-length"));
    const encoded = (header(res, "content-encoding") ?? "identity") !== "identity";
    if (!encoded && Number.isFinite(declared) && declared > maxBytes) {
      res.destroy();
      return reject(new FetchFailure(`body exceeds ${maxBytes} bytes`, "too-large"));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let ended = false;
    res.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        res.destroy();
        reject(new FetchFailure(`body exceeds ${maxBytes} bytes`, "too-large"));
        return;
      }
      chunks.push(chunk);
    });
    res.on("end", () => {
      ended = true;
      resolve(Buffer.concat(chunks, size));
    });
    res.on("error", () => {}); // reported through "close" below
    res.on("close", () => {
      if (!ended)
        reject(new FetchFailure("the connection closed before the body was complete", "network"));
    });
  });
}

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const brotli = promisify(zlib.brotliDecompress);

/**
 * Undoes Content-Encoding with the output capped at `maxBytes`: a 50 KB gzip
 * bomb that inflates to gigabytes stops at the cap instead of filling memory.
 */
async function decode(body: Buffer, encoding: string | null, maxBytes: number): Promise<Buffer> {
  const enc = (encoding ?? "identity").trim().toLowerCase();
  if (enc === "identity" || enc === "" || body.length === 0) return body;
  const cap = { maxOutputLength: Math.max(1, maxBytes) };
  try {
    if (enc === "gzip" || enc === "x-gzip") return await gunzip(body, cap);
    // "deflate" should be zlib-wrapped, but some servers send raw deflate: the
    // low nibble of a zlib header's first byte is always 8.
    if (enc === "deflate") {
      return ((body[0] ?? 0) & 0x0f) === 8 ? await inflate(body, cap) : await inflateRaw(body, cap);
    }
    if (enc === "br") return await brotli(body, cap);
  } catch (err) {
    if (
      (err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" ||
      err instanceof RangeError
    ) {
      throw new FetchFailure(
        `body exceeds ${maxBytes} bytes (after ${enc} decompression)`,
        "too-large",
      );
    }
    throw new FetchFailure(`the ${enc}-compressed body is corrupt`, "decode");
  }
  throw new FetchFailure(`unsupported content encoding "${enc}"`, "decode");
}

type Outcome = Exclude<FetchResult, { kind: "error" }>;

async function run(at: Attempt, start: string): Promise<Outcome> {
  const seen = new Set<string>();
  let current = start;
  for (let hop = 0; ; hop++) {
    let url: URL;
    let res: http.IncomingMessage;
    try {
      url = checkUrl(current, at.opts.allowLoopback);
      seen.add(url.href);
      res = await send(at, url);
    } catch (err) {
      // Say where a redirect led, or "refused: 127.0.0.1…" for a public URL is a riddle.
      if (hop > 0 && err instanceof FetchFailure && err.reason !== "timeout") {
        throw new FetchFailure(`${err.message} (redirected to ${current})`, err.reason);
      }
      throw err;
    }
    const status = res.statusCode ?? 0;
    const now = Date.now();
    const retryAfterSeconds = parseRetryAfter(header(res, "retry-after"), header(res, "date"), now);
    const maxAgeSeconds = parseMaxAge(header(res, "cache-control"), header(res, "age"));
    if (REDIRECTS.has(status)) {
      res.destroy();
      const location = header(res, "location");
      if (location === null) {
        throw new FetchFailure(
          `HTTP ${status} redirect without a Location header`,
          "redirect",
          status,
        );
      }
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new FetchFailure(`redirect to an invalid URL: ${location}`, "redirect", status);
      }
      if (seen.has(next.href)) {
        throw new FetchFailure(`redirect loop: ${url.href} leads back to ${next.href}`, "redirect");
      }
      if (hop + 1 > MAX_REDIRECTS) {
        throw new FetchFailure(`too many redirects (more than ${MAX_REDIRECTS})`, "redirect");
      }
      current = next.href;
      continue;
    }
    const validators: Validators = {
      etag: header(res, "etag"),
      lastModified: header(res, "last-modified"),
    };
    if (status === 304) {
      res.destroy();
      // A 304 may omit the validators; the ones we sent are still the current ones.
      return {
        kind: "not-modified",
        url: url.href,
        validators: {
          etag: validators.etag ?? at.validators.etag,
          lastModified: validators.lastModified ?? at.validators.lastModified,
        },
        maxAgeSeconds,
        retryAfterSeconds,
      };
    }
    if (status < 200 || status > 299) {
      res.destroy();
      // The standard wording first: the server's reason phrase is untrusted text for our table.
      const text = (http.STATUS_CODES[status] ?? res.statusMessage ?? "")
        .replace(/[^\x20-\x7e]/g, "")
        .slice(0, 80);
      throw new FetchFailure(
        `HTTP ${status}${text ? ` ${text}` : ""}`,
        "http",
        status,
        retryAfterSeconds,
      );
    }
    const raw = await readBody(res, at.opts.maxBytes);
    const body = await decode(raw, header(res, "content-encoding"), at.opts.maxBytes);
    return {
      kind: "ok",
      url: url.href,
      status,
      body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
      contentType: header(res, "content-type"),
      validators,
      maxAgeSeconds,
      retryAfterSeconds,
    };
  }
}

/**
 * Fetches a feed. Never throws and never hangs past `timeoutMs`: every
 * failure comes back as `kind: "error"` with a message a user understands.
 */
export function fetchFeed(
  url: string,
  validators: Validators,
  opts: FetchOptions,
): Promise<FetchResult> {
  const timeoutMs = Math.max(1, opts.timeoutMs);
  const at: Attempt = {
    opts: {
      allowLoopback: opts.allowLoopback,
      timeoutMs,
      connectTimeoutMs: Math.max(1, opts.connectTimeoutMs ?? Math.min(5000, timeoutMs)),
      maxBytes: opts.maxBytes > 0 ? opts.maxBytes : DEFAULT_MAX_BYTES,
      lookup: opts.lookup ?? dns.lookup,
    },
    validators,
    active: null,
    stopped: false,
  };
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: FetchResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      at.stopped = true;
      at.active?.destroy();
      resolve(result);
    };
    const fail = ({ status, message, retryAfterSeconds, reason }: FetchFailure) =>
      finish({ kind: "error", url, status, message, retryAfterSeconds, reason });
    const timer = setTimeout(
      () => fail(new FetchFailure(`timed out after ${timeoutMs} ms`, "timeout")),
      timeoutMs,
    );
    run(at, url).then(finish, (err: unknown) =>
      fail(
        err instanceof FetchFailure
          ? err
          : new FetchFailure(`unexpected failure: ${(err as Error)?.message ?? err}`, "network"),
      ),
    );
  });
}
