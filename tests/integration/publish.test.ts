/**
 * What regenerate publishes over time: RFC 5005 archive pages a reader can
 * walk back to the first entry ever stored, byte-identical output for an
 * unchanged state, and a WebSub ping only when the feed changed.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { regenerate } from "../../functions/regenerate/regenerate.ts";
import { notifyHub } from "../../functions/sources/websub.ts";
import { startServer, type TestServer } from "../helpers/http.ts";
import { ingestDeps, ingestPushed, removeEntry } from "../helpers/ingest.ts";
import { startTestStore, type TestStore } from "../helpers/store.ts";
import { requireTool } from "../helpers/tools.ts";
import { runJingAll } from "../helpers/validators.ts";

const PUBLIC = "http://127.0.0.1:8787/";
let store: TestStore;
beforeEach(async () => {
  store = await startTestStore();
});
afterEach(async () => {
  await store.close();
});

/** A distinct story: its own words, long enough to fingerprint. */
function story(n: number) {
  const words = Array.from({ length: 60 }, (_, i) => `w${(n * 131 + i * 17) % 9973}x${i}`);
  return {
    id: `s-${n}`,
    url: `https://outlet.example/story/${n}`,
    title: `Story number ${n}`,
    content: words.join(" "),
    published: `2025-06-${String(1 + (n % 28)).padStart(2, "0")}T${String(n % 24).padStart(2, "0")}:00:00Z`,
  };
}

async function fileText(path: string) {
  return (await store.objects.getText(`public/${path}`))?.value ?? null;
}

function links(xml: string, rel: string): string[] {
  return [...xml.matchAll(new RegExp(`<link rel="${rel}"[^>]*href="([^"]+)"`, "g"))].map(
    (m) => m[1]!,
  );
}

describe("archive pages (RFC 5005)", () => {
  it("walk back from the current feed to the first entry ever stored, nothing missing, nothing twice", async () => {
    const deps = ingestDeps(store, { feed: { windowSize: 5 } });
    const { config } = deps;
    const all: string[] = [];
    // Batches of different sizes, each followed by a regeneration, as in production.
    for (const [from, to] of [
      [0, 7],
      [7, 8],
      [8, 15],
      [15, 16],
      [16, 23],
    ] as const) {
      await ingestPushed(
        deps,
        Array.from({ length: to - from }, (_, i) => story(from + i)),
        "outlet",
      );
      await regenerate({ objects: store.objects, config, publicUrl: PUBLIC });
    }
    for (let n = 0; n < 23; n++) all.push(`Story number ${n}`);
    // Removed stories leave the feed and are not archived either.
    const seen: string[] = [];
    let xml = await fileText("feed.atom");
    const pages: string[] = [];
    while (xml !== null) {
      seen.push(
        ...[...xml.matchAll(/<entry[^>]*>[\s\S]*?<title type="text">([^<]*)<\/title>/g)].map(
          (m) => m[1]!,
        ),
      );
      const prev = links(xml, "prev-archive")[0];
      if (!prev) break;
      const path = prev.slice(PUBLIC.length);
      pages.push(path);
      xml = await fileText(path);
      expect(xml, `${path} exists`).not.toBeNull();
      expect(xml).toContain("<fh:archive/>");
      expect(links(xml!, "current")).toEqual([`${PUBLIC}feed.atom`]);
    }
    expect(pages.length).toBeGreaterThan(1);
    expect([...seen].sort()).toEqual([...all].sort());
    expect(new Set(seen).size).toBe(seen.length);

    if (requireTool("jing")) {
      // Every page in one jing run, each with its own verdict.
      const docs: Record<string, string> = {};
      for (const path of ["feed.atom", ...pages]) docs[path] = (await fileText(path))!;
      for (const [path, verdict] of Object.entries(runJingAll(docs)))
        expect(verdict, path).toEqual({ ok: true, messages: [] });
    }
  });

  it("never rewrites an archive page, and a removed story leaves the current feed", async () => {
    const deps = ingestDeps(store, { feed: { windowSize: 3 } });
    const { config } = deps;
    await ingestPushed(deps, [0, 1, 2, 3, 4].map(story), "outlet");
    await regenerate({ objects: store.objects, config, publicUrl: PUBLIC });
    const page1 = await store.objects.getFile("public/archive/1.atom");
    expect(page1?.cacheControl).toContain("immutable");
    await ingestPushed(deps, [5, 6].map(story), "outlet");
    await regenerate({ objects: store.objects, config, publicUrl: PUBLIC });
    expect((await store.objects.getFile("public/archive/1.atom"))?.etag).toBe(page1?.etag);
    const current = (await fileText("feed.atom"))!;
    const newest = [...current.matchAll(/<entry[^>]*>\s*<id>([^<]+)<\/id>/g)].map((m) => m[1]!);
    await removeEntry(deps, newest[0]!);
    await regenerate({ objects: store.objects, config, publicUrl: PUBLIC });
    expect(await fileText("feed.atom")).not.toContain(newest[0]!);
  });
});

describe("WebSub", () => {
  let hub: TestServer;
  let pings: string[];
  beforeEach(async () => {
    pings = [];
    hub = await startServer((req, res) => {
      let body = "";
      req.on("data", (d) => {
        body += d;
      });
      req.on("end", () => {
        pings.push(body);
        res.writeHead(202).end();
      });
    });
  });
  afterEach(() => hub.close());

  it("announces the hub in the feed and pings it only when the feed changed", async () => {
    const hubUrl = `${hub.origin}/`;
    const deps = ingestDeps(store, { feed: { hubUrl } });
    const { config } = deps;
    const regen = () =>
      regenerate({ objects: store.objects, config, publicUrl: PUBLIC, pingHub: notifyHub });
    await ingestPushed(deps, [story(1)], "outlet");
    await regen();
    expect(links((await fileText("feed.atom"))!, "hub")).toEqual([hubUrl]);
    expect(pings).toEqual([`hub.mode=publish&hub.url=${encodeURIComponent(`${PUBLIC}feed.atom`)}`]);
    await regen();
    expect(pings).toHaveLength(1);
    await ingestPushed(deps, [story(2)], "outlet");
    await regen();
    expect(pings).toHaveLength(2);
  });
});
