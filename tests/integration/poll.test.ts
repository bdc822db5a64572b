/**
 * Polling real HTTP sources (servers on loopback started by the test) through
 * the ingest handler against the embedded S3: conditional GET, the cost of an
 * unchanged source, a dead source kept in the table.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { IngestDeps } from "../../functions/ingest/ingest.ts";
import { pollSources, readSourceStates } from "../../functions/ingest/poll.ts";
import { formatSourcesTable } from "../../functions/sources/state.ts";
import { testConfig, testRuntime } from "../helpers/config.ts";
import { startTestStore, type TestStore, total } from "../helpers/store.ts";

const quiet = { info() {}, warn() {}, error() {} };
const FEED = `<?xml version="1.0"?><rss version="2.0"><channel><title>Local</title><link>https://local.example/</link><description>d</description>
<item><title>First</title><link>https://local.example/1</link><guid>l-1</guid><description>The first story, long enough to read.</description></item>
<item><title>Second</title><link>https://local.example/2</link><guid>l-2</guid><description>The second story, also worth reading.</description></item>
</channel></rss>`;

let store: TestStore;
let server: Server;
let requests: { url: string; inm: string | undefined }[];
let respond: (
  url: string,
  inm: string | undefined,
) => { status: number; headers?: Record<string, string>; body?: string };

beforeEach(async () => {
  store = await startTestStore();
  requests = [];
  server = createServer((req, res) => {
    const inm = req.headers["if-none-match"] as string | undefined;
    requests.push({ url: req.url ?? "", inm });
    const r = respond(req.url ?? "", inm);
    res.writeHead(r.status, r.headers ?? {}).end(r.body ?? "");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
});
afterEach(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await store.close();
});

function depsFor(sources: { name: string; url: string }[], start?: string) {
  const rt = testRuntime(start);
  const config = testConfig({ sources });
  const deps: IngestDeps = { objects: store.objects, config, now: rt.now, newId: rt.newId };
  return { deps, rt };
}

const base = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

describe("polling sources", () => {
  it("50 unchanged sources cost one S3 read in all, and no write", async () => {
    respond = (url) => ({
      status: 200,
      headers: { etag: `"v-${url}"` },
      body: FEED.replaceAll("local.example", `local${url.slice(1)}.example`),
    });
    const sources = Array.from({ length: 50 }, (_, i) => ({
      name: `s${i}`,
      url: `${base()}/${i}`,
    }));
    const { deps, rt } = depsFor(sources);
    await pollSources(deps, { allowLoopback: true, log: quiet });
    rt.setNow("2025-06-03T12:15:00Z");
    store.requests.clear();
    const again = await pollSources(deps, { allowLoopback: true, log: quiet });
    expect(again.every((s) => s.error === null)).toBe(true);
    expect(total(store.requests)).toBe(1);
    expect(
      (await readSourceStates(store.objects, deps.config)).every((s) => s.lastSuccess !== null),
    ).toBe(true);
  });

  it("defers the sources it has no time left to start, and starts with them next time", async () => {
    // Slow sources take 150 s each (on the poll's clock): with the default budget (240 s, less a
    // 15 s fetch timeout), two of them use it up. A shard of hanging sources then still ends and
    // records their outcome, rather than dying at the Lambda timeout with nothing recorded.
    const { deps, rt } = depsFor([
      { name: "slow-a", url: `${base()}/slow-a` },
      { name: "slow-b", url: `${base()}/slow-b` },
      { name: "ok-c", url: `${base()}/ok-c` },
      { name: "ok-d", url: `${base()}/ok-d` },
    ]);
    deps.config = { ...deps.config, limits: { ...deps.config.limits, pollConcurrency: 1 } };
    const seconds = (iso: string, s: number) => new Date(Date.parse(iso) + s * 1000).toISOString();
    respond = (url) => {
      if (url.startsWith("/slow")) rt.setNow(seconds(rt.now(), 150));
      const name = url.slice(1); // each its own stories: other hosts, other words
      return {
        status: 200,
        body: FEED.replaceAll("local.example", `${name}.example`).replaceAll(
          "story",
          `${name} story`,
        ),
      };
    };

    const first = await pollSources(deps, { allowLoopback: true, log: quiet });
    rt.setNow("2025-06-03T12:30:00Z");
    requests = [];
    const second = await pollSources(deps, { allowLoopback: true, log: quiet });

    // reported in config order, whatever order they ran in
    expect(first.map((s) => [s.source, s.status, s.report?.new ?? null])).toEqual([
      ["slow-a", "200", 2],
      ["slow-b", "200", 2],
      ["ok-c", "deferred", null],
      ["ok-d", "deferred", null],
    ]);
    expect(requests.map((r) => r.url).slice(0, 2)).toEqual(["/ok-c", "/ok-d"]);
    expect(second.filter((s) => s.source.startsWith("ok")).map((s) => s.report?.new)).toEqual([
      2, 2,
    ]);
    expect(second.every((s) => s.error === null && s.status !== "deferred")).toBe(true);
  });

  it("sends the ETag back; a 304 costs one S3 read, no parsing and no writes", async () => {
    respond = (_url, inm) =>
      inm === '"v1"'
        ? { status: 304 }
        : {
            status: 200,
            headers: { etag: '"v1"', "content-type": "application/rss+xml" },
            body: FEED,
          };
    const { deps } = depsFor([{ name: "local", url: `${base()}/feed.xml` }]);
    const first = await pollSources(deps, { allowLoopback: true, log: quiet });
    expect(first[0]?.report?.new).toBe(2);
    store.requests.clear();
    const second = await pollSources(deps, { allowLoopback: true, log: quiet });
    expect(requests.at(-1)?.inm).toBe('"v1"');
    expect(second[0]?.status).toBe("304");
    expect(total(store.requests)).toBe(1);
    expect(total(store.requests, "PutObjectCommand")).toBe(0);
  });

  it("a 200 whose items are all known stops before the store: no writes", async () => {
    respond = () => ({ status: 200, body: FEED });
    const { deps } = depsFor([{ name: "local", url: `${base()}/feed.xml` }]);
    await pollSources(deps, { allowLoopback: true, log: quiet });
    store.requests.clear();
    const again = await pollSources(deps, { allowLoopback: true, log: quiet });
    expect(again[0]?.report?.new).toBe(0);
    expect(total(store.requests, "PutObjectCommand")).toBe(0);
    expect(total(store.requests)).toBeLessThanOrEqual(2);
  });

  it("marks a 410 Gone source dead, keeps it in the table, and still polls the others", async () => {
    respond = (url) => (url === "/gone.xml" ? { status: 410 } : { status: 200, body: FEED });
    const { deps } = depsFor([
      { name: "gone", url: `${base()}/gone.xml` },
      { name: "alive", url: `${base()}/feed.xml` },
    ]);
    const polled = await pollSources(deps, { allowLoopback: true, log: quiet });
    expect(polled.find((p) => p.source === "alive")?.report?.new).toBe(2);
    const states = await readSourceStates(store.objects, deps.config);
    expect(states.find((s) => s.name === "gone")?.dead).toBe(true);
    const table = formatSourcesTable(states, deps.now());
    expect(table).toMatch(/gone/);
    expect(table).toMatch(/alive/);
    const before = requests.length;
    await pollSources(deps, { allowLoopback: true, log: quiet });
    expect(requests.slice(before).map((r) => r.url)).not.toContain("/gone.xml");
  });

  it("polls a source whose URL the config changed afresh: the old URL's 410 stays behind", async () => {
    respond = (url) => (url === "/old.xml" ? { status: 410 } : { status: 200, body: FEED });
    const old = depsFor([{ name: "desk", url: `${base()}/old.xml` }]);
    await pollSources(old.deps, { allowLoopback: true, log: quiet });
    expect((await readSourceStates(store.objects, old.deps.config))[0]?.dead).toBe(true);

    const moved = depsFor([{ name: "desk", url: `${base()}/new.xml` }]);
    expect((await readSourceStates(store.objects, moved.deps.config))[0]?.dead).toBe(false);
    const polled = await pollSources(moved.deps, { allowLoopback: true, log: quiet });
    expect(polled[0]?.report?.new).toBe(2);
    expect(requests.at(-1)).toEqual({ url: "/new.xml", inm: undefined });
  });

  it("refuses loopback sources in cloud mode, before any request reaches them", async () => {
    respond = () => ({ status: 200, body: FEED });
    const { deps } = depsFor([{ name: "internal", url: `${base()}/feed.xml` }]);
    const polled = await pollSources(deps, { allowLoopback: false, log: quiet });
    expect(polled[0]?.error).toMatch(/refused|loopback/i);
    expect(requests).toHaveLength(0);
  });
});
