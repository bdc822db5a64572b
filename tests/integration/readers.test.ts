/**
 * Subscribing with real feed readers to what `cleanfeed serve` publishes:
 * feedparser (the library behind many readers) and newsboat (a terminal
 * reader). Each story appears once with its title as written, and a second
 * ingest of the same sources shows nothing new or changed.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireTool } from "../helpers/tools.ts";

const root = new URL("../../", import.meta.url).pathname;
const haveReaders = requireTool("feedparser") && requireTool("newsboat");

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

let dir: string;
let port: number;
let server: ChildProcess | null = null;

async function startServe(): Promise<string> {
  const child = spawn(
    process.execPath,
    [
      join(root, "bin/cleanfeed.js"),
      "serve",
      "--port",
      String(port),
      "--data",
      join(dir, "data"),
      "--config",
      join(dir, "cleanfeed.config.json"),
      "--quiet",
    ],
    { cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
  );
  server = child;
  let out = "";
  let err = "";
  child.stderr?.on("data", (d) => {
    err += d;
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (d) => {
      out += d;
      const m = out.match(/(http:\/\/127\.0\.0\.1:\d+\/feed\.atom)/);
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

async function stopServe() {
  const child = server;
  server = null;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGINT");
  await exited;
}

function feedparser(url: string) {
  const script = `
import feedparser, json, sys
d = feedparser.parse(sys.argv[1])
print(json.dumps({"bozo": d.bozo, "error": str(d.get("bozo_exception", "")), "entries": [
  {"id": e.get("id"), "title": e.get("title"), "link": e.get("link"), "updated": e.get("updated")} for e in d.entries]}))`;
  return JSON.parse(execFileSync("/usr/bin/python3", ["-c", script, url], { encoding: "utf-8" }));
}

function newsboat(url: string) {
  writeFileSync(join(dir, "urls"), `${url}\n`);
  const args = ["-u", join(dir, "urls"), "-c", join(dir, "cache.db"), "-C", "/dev/null"];
  execFileSync("newsboat", [...args, "-x", "reload"], {
    env: { ...process.env, HOME: dir },
    stdio: "ignore",
  });
  const script = `
import sqlite3, json, sys
c = sqlite3.connect(sys.argv[1])
print(json.dumps([{"guid": g, "title": t, "unread": u, "content": x} for g, t, u, x in c.execute("select guid, title, unread, content from rss_item order by id")]))`;
  return JSON.parse(
    execFileSync("/usr/bin/python3", ["-c", script, join(dir, "cache.db")], { encoding: "utf-8" }),
  ) as {
    guid: string;
    title: string;
    unread: number;
    content: string;
  }[];
}

describe.runIf(haveReaders)("real readers subscribed to cleanfeed serve", () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "cleanfeed-readers-"));
    cpSync(join(root, "examples"), join(dir, "examples"), { recursive: true });
    cpSync(join(root, "cleanfeed.config.json"), join(dir, "cleanfeed.config.json"));
    port = await freePort();
  }, 120_000);
  afterAll(async () => {
    await stopServe();
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it("shows each story once, titled as written, and nothing new after a second ingest", async () => {
    const url = await startServe();
    const parsed = feedparser(url);
    expect(Number(parsed.bozo), parsed.error).toBe(0);
    expect(parsed.entries.length).toBeGreaterThanOrEqual(5);
    for (const e of parsed.entries) {
      expect(e.id).toMatch(/^urn:uuid:/);
      expect(e.title).toBeTruthy();
      expect(e.link).toMatch(/^https:\/\//);
      expect(e.updated).toBeTruthy();
    }
    const titles: string[] = parsed.entries.map((e: { title: string }) => e.title);
    expect(titles).toContain("Code <sample> & the art of reading other people\u2019s programs");
    // The Istanbul story arrives from two outlets: it is shown once.
    expect(titles.filter((t) => /istanbul|ukraine and russia/i.test(t))).toHaveLength(1);
    expect(new Set(parsed.entries.map((e: { id: string }) => e.id)).size).toBe(
      parsed.entries.length,
    );

    const first = newsboat(url);
    expect(first).toHaveLength(parsed.entries.length);
    expect(first.map((i) => i.title)).toContain(
      "Code <sample> & the art of reading other people\u2019s programs",
    );
    for (const item of first) expect(item.content).not.toMatch(/<script|onclick|javascript:/i);

    // A second run polls the same sources again and regenerates.
    await stopServe();
    await startServe();
    const again = feedparser(url);
    expect(again.entries).toEqual(parsed.entries);
    const second = newsboat(url);
    expect(second.map((i) => [i.guid, i.title])).toEqual(first.map((i) => [i.guid, i.title]));
  }, 120_000);
});
