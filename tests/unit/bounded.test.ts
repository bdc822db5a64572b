import { afterEach, describe, expect, it } from "vitest";
import { mapBounded } from "../../functions/core/bounded.ts";
import { type FetchOptions, fetchFeed } from "../../functions/sources/fetch.ts";
import {
  formatSourcesTable,
  initialSourceState,
  isDue,
  recordFetch,
  type SourceState,
} from "../../functions/sources/state.ts";
import { startServer, type TestServer } from "../helpers/http.ts";

const local: FetchOptions = { allowLoopback: true, timeoutMs: 400, maxBytes: 1 << 20 };
let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

describe("mapBounded", () => {
  it("keeps input order, isolates failures and never runs more than the limit at once", async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapBounded([30, 0, 10, 20, 5, 0], 2, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight--;
      if (n === 10) throw new Error("ten failed");
      return n * 2;
    });
    expect(peak).toBe(2);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : "x"))).toEqual([
      60,
      0,
      "x",
      40,
      10,
      0,
    ]);
    const failed = results[2];
    expect(failed?.status === "rejected" && (failed.reason as Error).message).toBe("ten failed");
  });

  it("turns a synchronous throw into that item's rejection", async () => {
    const results = await mapBounded([1, 2], 4, (n) => {
      if (n === 1) throw new Error("sync");
      return Promise.resolve(n);
    });
    expect(results[0]?.status).toBe("rejected");
    expect(results[1]).toEqual({ status: "fulfilled", value: 2 });
  });

  it("handles an empty list and a silly limit", async () => {
    expect(await mapBounded([], 3, async (n: number) => n)).toEqual([]);
    expect(await mapBounded([1, 2], 0, async (n) => n + 1)).toEqual([
      { status: "fulfilled", value: 2 },
      { status: "fulfilled", value: 3 },
    ]);
  });
});

describe("polling sources", () => {
  it("finishes a fast source while a slow one times out, and records both", async () => {
    const slow = await startServer(() => {
      /* never answers */
    });
    const fast = await startServer((_req, res) =>
      res.writeHead(200, { etag: '"f1"' }).end("<rss/>"),
    );
    servers.push(slow, fast);
    const sources = [
      initialSourceState("slow", `${slow.origin}/feed`),
      initialSourceState("fast1", `${fast.origin}/a`),
      initialSourceState("fast2", `${fast.origin}/b`),
    ];
    const finishedAt: Record<string, number> = {};
    const now = "2024-05-16T08:00:00Z";
    // Limit 2: the slow source holds one slot; the other slot serves both fast sources.
    const results = await mapBounded(sources, 2, async (s) => {
      const r = await fetchFeed(s.url, s, local);
      finishedAt[s.name] = Object.keys(finishedAt).length;
      return recordFetch(s, r, now);
    });
    const states = results.map((r) => (r.status === "fulfilled" ? r.value : null));
    expect(states.map((s) => s?.lastStatus)).toEqual(["timeout", "200", "200"]);
    expect(states[0]?.lastError).toBe("timed out after 400 ms");
    expect(states[1]?.etag).toBe('"f1"');
    // Both fast sources completed before the slow one gave up.
    expect(finishedAt.slow).toBe(2);
    expect(fast.seen).toHaveLength(2);
  });

  it("retires a 410 Gone source but keeps it in the table", async () => {
    const s = await startServer((_req, res) => res.writeHead(410).end());
    servers.push(s);
    let state: SourceState = initialSourceState("retired", `${s.origin}/feed`);
    state = recordFetch(state, await fetchFeed(state.url, state, local), "2024-05-16T08:00:00Z");
    expect(state.dead).toBe(true);
    expect(isDue(state, "2024-06-16T08:00:00Z")).toBe(false);
    const table = formatSourcesTable([state], "2024-05-16T09:00:00Z");
    expect(table).toContain("retired");
    expect(table).toContain("gone (dead)");
    expect(table).toContain("HTTP 410 Gone");
  });
});
