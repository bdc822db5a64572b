import { describe, expect, it } from "vitest";
import type { FetchResult } from "../../functions/sources/fetch.ts";
import {
  backoffSeconds,
  formatSourcesTable,
  initialSourceState,
  isDue,
  recordAccepted,
  recordFetch,
  stateForSource,
} from "../../functions/sources/state.ts";

const NOW = "2024-05-16T08:00:00Z";
const URL = "https://example.org/feed.xml";
const fresh = () => initialSourceState("example", URL);

const ok = (over: Partial<Extract<FetchResult, { kind: "ok" }>> = {}): FetchResult => ({
  kind: "ok",
  url: URL,
  status: 200,
  body: new Uint8Array(),
  contentType: "application/rss+xml",
  validators: { etag: '"v1"', lastModified: "Wed, 15 May 2024 08:00:00 GMT" },
  maxAgeSeconds: null,
  retryAfterSeconds: null,
  ...over,
});
const fail = (status: number | null, message: string, retryAfterSeconds: number | null = null) =>
  ({ kind: "error", url: URL, status, message, retryAfterSeconds }) as FetchResult;

describe("source state", () => {
  it("is due at once when new, and stores validators after a 200", () => {
    const s0 = fresh();
    expect(isDue(s0, NOW)).toBe(true);
    const s1 = recordFetch(s0, ok(), NOW);
    expect(s1).toMatchObject({
      etag: '"v1"',
      lastModified: "Wed, 15 May 2024 08:00:00 GMT",
      lastSuccess: NOW,
      lastAttempt: NOW,
      lastStatus: "200",
      consecutiveFailures: 0,
      nextFetchAfter: null,
    });
    expect(isDue(s1, NOW)).toBe(true);
  });

  it("backs off exponentially on repeated failures, capped at 24 h", () => {
    let s = fresh();
    const waits: string[] = [];
    for (let i = 0; i < 12; i++) {
      s = recordFetch(s, fail(500, "HTTP 500 Internal Server Error"), NOW);
      waits.push(s.nextFetchAfter!);
    }
    expect(waits.slice(0, 4)).toEqual([
      "2024-05-16T08:05:00Z",
      "2024-05-16T08:10:00Z",
      "2024-05-16T08:20:00Z",
      "2024-05-16T08:40:00Z",
    ]);
    expect(waits.at(-1)).toBe("2024-05-17T08:00:00Z");
    expect(s.consecutiveFailures).toBe(12);
    expect(s.lastStatus).toBe("500");
    expect(isDue(s, "2024-05-17T07:59:59Z")).toBe(false);
    expect(isDue(s, "2024-05-17T08:00:00Z")).toBe(true);
    expect(backoffSeconds(1000)).toBe(86400);
  });

  it("keeps the validators and the last success through a failure", () => {
    const s1 = recordFetch(fresh(), ok(), NOW);
    const s2 = recordFetch(s1, fail(null, "timed out after 2000 ms"), "2024-05-16T09:00:00Z");
    expect(s2).toMatchObject({ etag: '"v1"', lastSuccess: NOW, lastStatus: "timeout" });
    expect(s2.lastError).toBe("timed out after 2000 ms");
  });

  it("resets failures on a 304", () => {
    let s = fresh();
    s = recordFetch(s, fail(503, "HTTP 503 Service Unavailable"), NOW);
    s = recordFetch(s, fail(503, "HTTP 503 Service Unavailable"), NOW);
    const r: FetchResult = {
      kind: "not-modified",
      url: URL,
      validators: { etag: '"v2"', lastModified: null },
      maxAgeSeconds: null,
      retryAfterSeconds: null,
    };
    s = recordFetch(s, r, "2024-05-16T10:00:00Z");
    expect(s).toMatchObject({
      consecutiveFailures: 0,
      lastStatus: "304",
      lastError: null,
      etag: '"v2"',
      lastSuccess: "2024-05-16T10:00:00Z",
      nextFetchAfter: null,
    });
  });

  it("honours Retry-After when it asks for longer than the backoff, up to 24 h", () => {
    const s1 = recordFetch(fresh(), fail(429, "HTTP 429 Too Many Requests", 3600), NOW);
    expect(s1.nextFetchAfter).toBe("2024-05-16T09:00:00Z");
    const s2 = recordFetch(fresh(), fail(503, "HTTP 503", 10 * 86400), NOW);
    expect(s2.nextFetchAfter).toBe("2024-05-17T08:00:00Z");
    const s3 = recordFetch(fresh(), ok({ retryAfterSeconds: 120 }), NOW);
    expect(s3.nextFetchAfter).toBe("2024-05-16T08:02:00Z");
  });

  it("honours Cache-Control max-age, capped at 24 h", () => {
    const s1 = recordFetch(fresh(), ok({ maxAgeSeconds: 1800 }), NOW);
    expect(s1.nextFetchAfter).toBe("2024-05-16T08:30:00Z");
    expect(isDue(s1, "2024-05-16T08:29:00Z")).toBe(false);
    const s2 = recordFetch(fresh(), ok({ maxAgeSeconds: 31536000 }), NOW);
    expect(s2.nextFetchAfter).toBe("2024-05-17T08:00:00Z");
  });

  it("marks a 410 Gone source dead: never due again", () => {
    const s = recordFetch(fresh(), fail(410, "HTTP 410 Gone"), NOW);
    expect(s).toMatchObject({ dead: true, lastStatus: "gone", nextFetchAfter: null });
    expect(isDue(s, "2030-01-01T00:00:00Z")).toBe(false);
  });

  it("counts accepted items", () => {
    let s = recordAccepted(fresh(), 3);
    s = recordAccepted(s, 2);
    s = recordAccepted(s, -4);
    expect(s.itemsAccepted).toBe(5);
  });
});

describe("formatSourcesTable", () => {
  it("shows when each source last worked, why it fails and when it is next fetched", () => {
    const healthy = recordAccepted(
      recordFetch(
        initialSourceState("daily", "https://daily.example/feed"),
        ok(),
        "2024-05-16T05:00:00Z",
      ),
      42,
    );
    let broken = recordFetch(
      initialSourceState("blog", "https://blog.example/rss"),
      ok(),
      "2024-05-13T08:00:00Z",
    );
    broken = recordFetch(broken, fail(404, "HTTP 404 Not Found"), "2024-05-16T07:58:00Z");
    const gone = recordFetch(
      initialSourceState("old", "https://old.example/atom"),
      fail(410, "HTTP 410 Gone"),
      NOW,
    );
    const never = initialSourceState("new", "https://new.example/feed.json");
    const table = formatSourcesTable([healthy, broken, gone, never], NOW);
    const lines = table.trimEnd().split("\n");
    expect(lines[0]).toMatch(
      /^NAME\s+URL\s+LAST SUCCESS\s+STATUS\s+FAILURES\s+ITEMS\s+NEXT FETCH$/,
    );
    expect(lines[1]).toMatch(
      /^daily\s+https:\/\/daily\.example\/feed\s+3h ago \(2024-05-16 05:00Z\)\s+200\s+0\s+42\s+next poll$/,
    );
    expect(lines[2]).toMatch(
      /^blog\s.*3d ago \(2024-05-13 08:00Z\)\s+404\s+1\s+0\s+in 3m \(2024-05-16 08:03Z\)$/,
    );
    expect(lines[3]).toBe("  └ HTTP 404 Not Found");
    expect(lines[4]).toMatch(/^old\s.*never\s+gone \(dead\)\s+1\s+0\s+never \(gone\)$/);
    expect(lines[5]).toBe("  └ HTTP 410 Gone");
    expect(lines[6]).toMatch(/^new\s.*never\s+not yet\s+0\s+0\s+next poll$/);
    // Columns line up: every URL starts at the same offset.
    const col = lines[0]!.indexOf("URL");
    for (const i of [1, 2, 4, 6]) expect(lines[i]!.slice(col, col + 8)).toBe("https://");
  });

  it("says so when there are no sources", () => {
    expect(formatSourcesTable([], NOW)).toContain("(no sources)");
  });
});

describe("stateForSource", () => {
  it("keeps the stored state for the same URL and starts over when the config URL changed", () => {
    const stored = recordAccepted(recordFetch(fresh(), fail(410, "HTTP 410 Gone"), NOW), 7);
    expect(stateForSource(stored, "example", URL)).toBe(stored);
    const moved = stateForSource(stored, "example", "https://example.org/new-feed.xml");
    expect(moved).toMatchObject({
      dead: false,
      etag: null,
      consecutiveFailures: 0,
      itemsAccepted: 7,
    });
    expect(isDue(moved, NOW)).toBe(true);
    expect(stateForSource(null, "n", URL)).toEqual(initialSourceState("n", URL));
  });
});
