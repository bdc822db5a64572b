import type * as dns from "node:dns";
import * as net from "node:net";
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { classifyAddress, refusalReason } from "../../functions/sources/address.ts";
import { type FetchOptions, fetchFeed } from "../../functions/sources/fetch.ts";
import { startServer, type TestServer } from "../helpers/http.ts";

const none = { etag: null, lastModified: null };
const deployed: FetchOptions = { allowLoopback: false, timeoutMs: 3000, maxBytes: 1 << 20 };
const local: FetchOptions = { ...deployed, allowLoopback: true };

/** A resolver that answers every name with `address`, recording the names asked. */
function fakeLookup(address: string, asked: string[] = []): typeof dns.lookup {
  const family = address.includes(":") ? 6 : 4;
  const fn = (host: string, options: unknown, cb: (...a: unknown[]) => void) => {
    asked.push(host);
    const all = typeof options === "object" && options !== null && "all" in options && options.all;
    process.nextTick(() => (all ? cb(null, [{ address, family }]) : cb(null, address, family)));
  };
  return fn as unknown as typeof dns.lookup;
}

/** Loopback as the tests see it, written independently of the code under test. */
const isLoopback = (a: string) => /^(127\.|::1$|::ffff:127\.|::ffff:7f)/i.test(a);

/**
 * A safety net under every test here: sockets may only reach loopback. If the
 * guard ever regressed, these tests would fail instead of sending packets to
 * 10.0.0.1 or the metadata service. It checks the host handed to connect and
 * wraps the resolver the socket will use, so it also sees resolved names.
 */
function loopbackOnlySockets(): MockInstance {
  const original = net.Socket.prototype.connect as (...a: unknown[]) => net.Socket;
  return vi.spyOn(net.Socket.prototype, "connect").mockImplementation(function (
    this: net.Socket,
    ...args: unknown[]
  ) {
    // net.createConnection passes its normalized [options, callback] as one array.
    const first = Array.isArray(args[0]) ? args[0][0] : args[0];
    const o = (typeof first === "object" && first !== null ? first : {}) as {
      host?: string;
      lookup?: (h: string, opts: unknown, cb: (...r: unknown[]) => void) => void;
    };
    if (o.host && net.isIP(o.host) && !isLoopback(o.host)) {
      throw new Error(`test safety net: connect to ${o.host} blocked`);
    }
    const inner = o.lookup;
    if (inner) {
      o.lookup = (h, opts, cb) =>
        inner(h, opts, (err, addr, fam) => {
          const list = Array.isArray(addr)
            ? addr.map((a: { address: string }) => a.address)
            : [addr];
          if (!err && list.some((a) => typeof a === "string" && !isLoopback(a))) {
            return cb(new Error(`test safety net: ${h} resolved to ${list.join(", ")}`), [], fam);
          }
          cb(err, addr, fam);
        });
    }
    return original.apply(this, args);
  });
}

let server: TestServer;
let connect: MockInstance;
beforeEach(() => {
  connect = loopbackOnlySockets();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await server?.close();
});
async function feedServer() {
  server = await startServer((_req, res) => res.end("<rss/>"));
  return server;
}

describe("SSRF guard in deployed mode (allowLoopback false)", () => {
  const cases: Array<[string, (port: number) => string, RegExp]> = [
    [
      "127.0.0.1",
      (p) => `http://127.0.0.1:${p}/feed`,
      /^refused: 127\.0\.0\.1 is a loopback address/,
    ],
    [
      "localhost",
      (p) => `http://localhost:${p}/feed`,
      /^refused: (127\.0\.0\.1|::1) is a loopback address \(localhost resolves to it\)/,
    ],
    ["[::1]", (p) => `http://[::1]:${p}/feed`, /^refused: ::1 is a loopback address/],
    [
      "decimal 2130706433",
      (p) => `http://2130706433:${p}/`,
      /^refused: 127\.0\.0\.1 is a loopback/,
    ],
    ["hex 0x7f000001", (p) => `http://0x7f000001:${p}/`, /^refused: 127\.0\.0\.1 is a loopback/],
    ["octal 0177.0.0.1", (p) => `http://0177.0.0.1:${p}/`, /^refused: 127\.0\.0\.1 is a loopback/],
    ["short hex 0x7f.1", (p) => `http://0x7f.1:${p}/`, /^refused: 127\.0\.0\.1 is a loopback/],
    [
      "::ffff:127.0.0.1",
      (p) => `http://[::ffff:127.0.0.1]:${p}/`,
      /^refused: ::ffff:7f00:1 is a loopback/,
    ],
  ];
  for (const [name, url, message] of cases) {
    it(`refuses ${name} before the request reaches the server`, async () => {
      const s = await feedServer();
      const r = await fetchFeed(url(s.port), none, deployed);
      expect(r).toMatchObject({ kind: "error", reason: "refused", status: null });
      if (r.kind === "error") expect(r.message).toMatch(message);
      expect(s.seen).toHaveLength(0);
    });
  }

  it("refuses a host name that resolves to loopback, checking the resolved address", async () => {
    const s = await feedServer();
    const asked: string[] = [];
    const r = await fetchFeed(`http://feeds.example.test:${s.port}/`, none, {
      ...deployed,
      lookup: fakeLookup("127.0.0.1", asked),
    });
    expect(r.kind === "error" && r.message).toBe(
      "refused: 127.0.0.1 is a loopback address (feeds.example.test resolves to it)",
    );
    expect(asked).toEqual(["feeds.example.test"]);
    expect(s.seen).toHaveLength(0);
  });

  it("refuses a host name that resolves to an IPv4-mapped loopback address", async () => {
    const s = await feedServer();
    const r = await fetchFeed(`http://mapped.example.test:${s.port}/`, none, {
      ...deployed,
      lookup: fakeLookup("::ffff:127.0.0.1"),
    });
    expect(r.kind === "error" && r.message).toMatch(/^refused: ::ffff:127\.0\.0\.1 is a loopback/);
    expect(s.seen).toHaveLength(0);
  });

  for (const [url, message] of [
    ["http://10.0.0.1/feed", "refused: 10.0.0.1 is a private address"],
    [
      "http://169.254.169.254/latest/meta-data/",
      "refused: 169.254.169.254 is a link-local address",
    ],
    ["http://[fd00::1]/", "refused: fd00::1 is a unique-local address"],
    ["http://100.64.0.1/", "refused: 100.64.0.1 is a carrier-grade NAT (shared) address"],
    ["http://0.0.0.0/", "refused: 0.0.0.0 is an unspecified address"],
  ] as const) {
    it(`refuses ${url} without opening a socket`, async () => {
      const r = await fetchFeed(url, none, deployed);
      expect(r).toMatchObject({ kind: "error", message, reason: "refused" });
      expect(connect).not.toHaveBeenCalled();
    });
  }
});

describe("SSRF guard in local mode (allowLoopback true)", () => {
  it("opens a socket for loopback (the control for the no-socket tests above)", async () => {
    const s = await feedServer();
    const r = await fetchFeed(s.origin, none, local);
    expect(r.kind).toBe("ok");
    expect(connect).toHaveBeenCalled();
  });

  it("connects to the address the checked resolver returned", async () => {
    const s = await feedServer();
    const r = await fetchFeed(`http://feeds.example.test:${s.port}/feed`, none, {
      ...local,
      lookup: fakeLookup("127.0.0.1"),
    });
    expect(r.kind).toBe("ok");
    expect(s.seen[0]?.headers.host).toBe(`feeds.example.test:${s.port}`);
  });

  it("still refuses private ranges reached through a host name", async () => {
    const r = await fetchFeed("http://intranet.example.test/", none, {
      ...local,
      lookup: fakeLookup("10.0.0.1"),
    });
    expect(r.kind === "error" && r.message).toBe(
      "refused: 10.0.0.1 is a private address (intranet.example.test resolves to it)",
    );
  });

  it("refuses a redirect to the metadata service, checking the new hop", async () => {
    const s = await startServer((_req, res) =>
      res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end(),
    );
    server = s;
    const r = await fetchFeed(s.origin, none, local);
    expect(r.kind === "error" && r.message).toBe(
      "refused: 169.254.169.254 is a link-local address (redirected to http://169.254.169.254/latest/meta-data/)",
    );
    expect(s.seen).toHaveLength(1);
  });

  it.each([
    ["http://0.0.0.0:1/", "refused: 0.0.0.0 is an unspecified address"],
    ["http://[64:ff9b::7f00:1]/", "refused: 64:ff9b::7f00:1 is a reserved address"],
    ["http://[::ffff:a00:1]/", "refused: ::ffff:a00:1 is a private address"],
  ])(
    "refuses a redirect to %s (loopback-like and private forms stay refused locally)",
    async (target, message) => {
      const s = await startServer((_req, res) => res.writeHead(307, { location: target }).end());
      server = s;
      const r = await fetchFeed(s.origin, none, local);
      expect(r.kind === "error" && r.message).toBe(`${message} (redirected to ${target})`);
      expect(connect).toHaveBeenCalledTimes(1); // the first hop only
    },
  );

  it("resolves and checks the host of every redirect hop", async () => {
    const s = await startServer((_req, res) =>
      res.writeHead(301, { location: "http://rebound.example.test/feed" }).end(),
    );
    server = s;
    const asked: string[] = [];
    // First hop is a literal 127.0.0.1 (no lookup); the redirect target resolves to 192.168.1.1.
    const r = await fetchFeed(s.origin, none, {
      ...local,
      lookup: fakeLookup("192.168.1.1", asked),
    });
    expect(asked).toEqual(["rebound.example.test"]);
    expect(r.kind === "error" && r.message).toMatch(
      /^refused: 192\.168\.1\.1 is a private address \(rebound\.example\.test resolves to it\)/,
    );
  });
});

describe("address classification", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["::1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.0.1", "private"],
    ["100.64.0.1", "shared"],
    ["100.127.255.255", "shared"],
    ["169.254.169.254", "link-local"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["fc00::1", "unique-local"],
    ["fdff::1", "unique-local"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["224.0.0.251", "multicast"],
    ["ff02::1", "multicast"],
    ["255.255.255.255", "reserved"],
    ["::ffff:10.0.0.1", "private"],
    ["::ffff:a9fe:a9fe", "link-local"],
    ["64:ff9b::a9fe:a9fe", "link-local"], // NAT64 of the metadata service
    ["64:ff9b::7f00:1", "reserved"], // NAT64 of loopback: never allowed, even locally
    ["::127.0.0.1", "reserved"], // IPv4-compatible loopback
    ["2002:a00:1::", "private"], // 6to4 of 10.0.0.1
    ["8.8.8.8", "public"],
    ["172.32.0.1", "public"],
    ["100.128.0.1", "public"],
    ["2606:4700:4700::1111", "public"],
    ["64:ff9b::808:808", "public"],
    ["not an ip", "invalid"],
  ])("%s is %s", (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it("allows loopback in local mode and nothing else", () => {
    expect(refusalReason("127.0.0.1", true)).toBeNull();
    expect(refusalReason("::1", true)).toBeNull();
    expect(refusalReason("127.0.0.1", false)).toBe("refused: 127.0.0.1 is a loopback address");
    expect(refusalReason("10.0.0.1", true)).toBe("refused: 10.0.0.1 is a private address");
    expect(refusalReason("64:ff9b::7f00:1", true)).not.toBeNull();
    expect(refusalReason("93.184.216.34", false)).toBeNull();
  });
});
