/**
 * The `cleanfeed` command as a user runs it: exit codes, stdout and stderr.
 * Commands run in-process through `main`, over one embedded S3 this file
 * serves on its data folder (each command goes through it, as a command does
 * when `serve` holds the folder); only what needs the real binary spawns it.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateBenchFeed } from "../../bench/feed-generator.ts";
import { main } from "../../functions/local/cli.ts";
import { type EmbeddedS3, startEmbeddedS3 } from "../../functions/local/embedded-s3.ts";
import { createS3Client } from "../../functions/store/client.ts";
import { Objects } from "../../functions/store/objects.ts";
import { readPublic } from "../../functions/store/published.ts";

const root = new URL("../../", import.meta.url).pathname;
const data = mkdtempSync(join(tmpdir(), "cleanfeed-cli-"));
let s3: EmbeddedS3;
let objects: Objects;

beforeAll(async () => {
  s3 = await startEmbeddedS3({ directory: join(data, "s3"), bucket: "cleanfeed", folder: data });
  objects = new Objects(
    createS3Client({ bucket: s3.bucket, endpoint: s3.endpoint, embedded: true }),
    s3.bucket,
  );
});
afterAll(async () => {
  await s3?.close();
  rmSync(data, { recursive: true, force: true });
});

/** One command line, in this process; `--data` is the shared folder unless given. */
async function run(args: string[], stderrIsTTY: boolean) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const withData = args.includes("--data") ? args : [...args, "--data", data];
  const code = await main(withData, {
    stdout: { write: (s: string) => stdout.push(s) },
    stderr: { write: (s: string) => stderr.push(s) },
    stderrIsTTY,
  });
  return { code, stdout: stdout.join(""), stderr: stderr.join("") };
}
/** stderr is a pipe, as in a script or a log. */
const cleanfeed = (...args: string[]) => run(args, false);
/** stderr is a terminal someone watches. */
const onTerminal = (...args: string[]) => run(args, true);

/** The real binary, for what only a process shows: its exit code, that it exits at all. */
function binary(args: string[], timeout = 150_000) {
  const r = spawnSync(process.execPath, [join(root, "bin/cleanfeed.js"), ...args], {
    cwd: root,
    encoding: "utf-8",
    timeout,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

const jsonLines = (text: string) =>
  text
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));

const published = async (path = "feed.atom") => (await readPublic(objects, path))?.value ?? "";

describe("cleanfeed command", () => {
  it("answers an unknown flag or command with one line and exit code 2", async () => {
    const flag = await cleanfeed("serve", "--prot", "80");
    expect(flag.code).toBe(2);
    expect(flag.stderr.trim().split("\n")).toHaveLength(1);
    expect(flag.stderr).toMatch(/--prot/);
    const cmd = await cleanfeed("publish");
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toMatch(/unknown command "publish"/);
  });

  it("names the bad key of a broken config", async () => {
    const r = await cleanfeed(
      "sources",
      "--config",
      join(root, "tests/fixtures/events/scheduler.json"),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/config version: is not a known setting/);
  });

  it("ingests files, lists sources, explains a merge and removes an entry", async () => {
    const ingest = await cleanfeed(
      "ingest",
      "examples/feeds/world-desk.atom",
      "examples/feeds/daily-wire.xml",
      "--quiet",
    );
    expect(ingest.code).toBe(0);
    const reports = jsonLines(ingest.stdout);
    expect(reports.map((r) => r.new)).toEqual([2, 2]);
    expect(reports[1].merged).toBe(1);

    const out = join(data, "out");
    const regen = await cleanfeed("regenerate", "--out", out, "--quiet");
    expect(regen.code).toBe(0);
    const atom = readFileSync(join(out, "feed.atom"), "utf-8");
    // the stylesheet the feed names is there too: the folder works on a static host
    expect(atom).toContain('<?xml-stylesheet type="text/xsl" href="feed.xsl"?>');
    expect(readFileSync(join(out, "feed.xsl"), "utf-8")).toContain("xsl:stylesheet");
    const id = atom.match(/<entry[^>]*>\s*<id>([^<]+)<\/id>\s*<title type="text">Istanbul/)?.[1];
    expect(id).toMatch(/^urn:uuid:/);

    const why = await cleanfeed("why", id!);
    expect(why.code).toBe(0);
    const story = JSON.parse(why.stdout);
    expect(story.merges).toHaveLength(1);
    expect(story.merges[0].reason.kind).toMatch(/near|content/);

    const removed = await cleanfeed("remove", id!, "--quiet");
    expect(removed.code).toBe(0);
    const again = await cleanfeed("ingest", "examples/feeds/daily-wire.xml", "--quiet");
    expect(JSON.parse(again.stdout).new).toBe(0);

    const sources = await cleanfeed("sources");
    expect(sources.code).toBe(0);
    expect(sources.stdout).toMatch(/daily-wire/);
  });
});

describe("what is stored: entries and why", () => {
  const folder = mkdtempSync(join(tmpdir(), "cleanfeed-entries-"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const onFolder = (...args: string[]) => cleanfeed(...args, "--data", folder, "--quiet");

  it("lists stored stories newest first with their ids and sources, and why names sources as configured", async () => {
    const polled = await onFolder(
      "invoke",
      "ingest",
      "--event",
      "tests/fixtures/events/scheduler.json",
    );
    expect(polled.code).toBe(0);

    const listed = await onFolder("entries", "--json");
    expect(listed.code).toBe(0);
    const lines = jsonLines(listed.stdout);
    expect(lines.length).toBeGreaterThanOrEqual(4);
    const dates = lines.map((l) => l.published);
    expect(dates).toEqual([...dates].sort().reverse());
    // the Istanbul story, told by both wires: one entry, one merged copy
    const istanbul = lines.find((l) => l.sources.length > 1);
    expect(istanbul).toMatchObject({ id: expect.stringMatching(/^urn:uuid:/), merged: 1 });
    expect(lines.filter((l) => l.sources.length > 1)).toHaveLength(1);
    expect([...istanbul.sources].sort()).toEqual(["daily-wire", "world-desk"]);

    const fromWire = jsonLines(
      (await onFolder("entries", "--json", "--source", "daily-wire")).stdout,
    );
    expect(fromWire.length).toBeGreaterThan(0);
    expect(fromWire.every((l) => l.sources.includes("daily-wire"))).toBe(true);
    expect(fromWire.length).toBeLessThan(lines.length);
    expect(jsonLines((await onFolder("entries", "--json", "--limit", "2")).stdout)).toHaveLength(2);

    const table = await onFolder("entries");
    expect(table.stdout).toContain(istanbul.id);
    expect(table.stdout).toContain(istanbul.title);

    const why = JSON.parse((await onFolder("why", istanbul.id)).stdout);
    expect([...why.sources].sort()).toEqual(["daily-wire", "world-desk"]);
    expect(["daily-wire", "world-desk"]).toContain(why.merges[0].source);
  });

  it("publishes the example's YouTube embed as a link, so the feed carries no iframe", async () => {
    const out = join(folder, "out");
    expect((await onFolder("regenerate", "--out", out)).code).toBe(0);
    for (const file of ["feed.atom", "feed.rss", "feed.json"]) {
      const text = readFileSync(join(out, file), "utf-8");
      expect(text, file).not.toMatch(/iframe/i);
      expect(text, file).toMatch(/Watch on YouTube/);
    }
  });

  it("refuses a --limit that is not a number as a usage error", async () => {
    const r = await onFolder("entries", "--limit", "many");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--limit/);
  });
});

describe("exit codes: 0 all good, 1 some input refused (the rest published), 2 usage", () => {
  const scratch = mkdtempSync(join(tmpdir(), "cleanfeed-cli-input-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("publishes the documents it could read when another one is missing, and exits 1", async () => {
    const doc = join(scratch, "one.xml");
    writeFileSync(
      doc,
      `<rss version="2.0"><channel><title>Scratch</title><link>https://scratch.example/</link>
      <item><title>Lighthouse keepers vote to stay</title><link>https://scratch.example/lighthouse</link>
      <description>The keepers of the last staffed lighthouse voted to stay on.</description></item>
      </channel></rss>`,
    );
    const r = await cleanfeed("ingest", doc, join(scratch, "missing.xml"), "--quiet");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/missing\.xml/);
    expect(await published()).toContain("Lighthouse keepers vote to stay");
  });

  it("shows progress only to a terminal: a count for a long document, a line per polled source", async () => {
    const doc = join(scratch, "long.xml");
    writeFileSync(doc, generateBenchFeed(260));
    const poll = ["invoke", "ingest", "--event", "tests/fixtures/events/scheduler.json"];

    const long = await onTerminal("ingest", doc);
    const polled = await onTerminal(...poll);
    const piped = [await cleanfeed("ingest", doc), await cleanfeed(...poll)];
    const quiet = [
      await onTerminal("ingest", doc, "--quiet"),
      await onTerminal(...poll, "--quiet"),
    ];

    expect(long.code).toBe(0);
    // the count rewrites its own line, and the last one stays
    expect(long.stderr).toContain("stored 25 of 260 items\r\x1b[K");
    expect(long.stderr).toMatch(/stored 260 of 260 items\n/);
    for (const name of ["daily-wire", "world-desk", "field-notes"]) {
      expect(polled.stderr).toMatch(new RegExp(`\\[[123]/3\\] ${name}: `));
    }
    for (const r of [...piped, ...quiet]) {
      expect(r.code).toBe(0);
      expect(r.stderr).not.toMatch(/stored \d+ of|\[\d\/3\]/);
    }
  });

  it("exits 1 from push when it refused an item, naming it from 1, and publishes the rest", async () => {
    const items = join(scratch, "items.json");
    writeFileSync(
      items,
      JSON.stringify([
        { id: "ok", url: "https://push.example/ok", title: "Ferry timetable restored" },
        { id: "bad", url: "not a url", title: "Broken" },
      ]),
    );
    const r = await cleanfeed("push", items, "--quiet");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).rejected).toEqual([expect.stringMatching(/^item 2: url/)]);
    expect(await published()).toContain("Ferry timetable restored");
  });

  it("gives why and remove the same exit code for an id that is not stored", async () => {
    const id = "urn:uuid:00000000-0000-4000-8000-000000000000";
    const why = await cleanfeed("why", id);
    const remove = await cleanfeed("remove", id, "--quiet");
    expect([why.code, remove.code]).toEqual([1, 1]);
    expect(why.stderr).toMatch(/no entry with id/);
    expect(remove.stderr).toMatch(/no entry with id/);
  });

  it("prints the usage on stderr, exit 2, when no command is given", async () => {
    const r = await cleanfeed();
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^usage: cleanfeed/);
    // every command's summary starts in one column, even after a long synopsis
    const commands = r.stderr.split("\n\n")[1]!.split("\n").slice(1);
    expect(commands.length).toBeGreaterThan(10);
    commands.forEach((line, k) => {
      // a synopsis alone on its line has its summary on the next
      if (commands[k + 1]?.startsWith(" ".repeat(42))) return;
      expect(line.slice(40, 43)).toMatch(/^ {2}\S/);
    });
  });

  it("names --bucket when --endpoint comes without it", async () => {
    const r = await cleanfeed("sources", "--endpoint", "http://127.0.0.1:9");
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/--endpoint needs --bucket/);
  });
});

describe("serve start-up errors: one line naming the flag that fixes it", () => {
  it("refuses --port abc before it starts anything", async () => {
    const r = await cleanfeed("serve", "--port", "abc");
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/--port .*"abc"/)]);
  });

  it("names --config when the config file cannot be read", async () => {
    const r = await cleanfeed("serve", "--config", join(data, "nope.json"));
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/--config/)]);
  });
});

describe("the real binary", { timeout: 180_000 }, () => {
  let taken: Server;
  let port: number;
  beforeAll(async () => {
    taken = createServer();
    await new Promise<void>((done) => taken.listen(0, "127.0.0.1", done));
    port = (taken.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((done) => taken.close(() => done())));

  it("exits 2 with the usage on stderr when run bare", () => {
    const r = binary([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^usage: cleanfeed/);
  });

  it("exits 1 when its port is in use, naming --port and npm start, with its S3 stopped", async () => {
    const folder = mkdtempSync(join(tmpdir(), "cleanfeed-serve-"));
    try {
      // spawn, not spawnSync: this process serves the port it keeps busy
      const child = spawn(
        process.execPath,
        [join(root, "bin/cleanfeed.js"), "serve", "--port", String(port), "--data", folder],
        { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
      );
      let stderr = "";
      child.stderr.on("data", (c) => {
        stderr += c;
      });
      const timer = setTimeout(() => child.kill("SIGKILL"), 150_000);
      const code = await new Promise<number | null>((done) => child.once("exit", done));
      clearTimeout(timer);
      expect(code).toBe(1);
      const lines = stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(`port ${port} is in use: try --port (\\d+) \\(npm start -- --port \\1\\)`),
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("lets other commands on a served folder publish with the server's address, and refuses a second serve", async () => {
    const folder = mkdtempSync(join(tmpdir(), "cleanfeed-served-"));
    const child = spawn(
      process.execPath,
      [join(root, "bin/cleanfeed.js"), "serve", "--port", "0", "--data", folder, "--quiet"],
      { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
    );
    const exited = new Promise<number | null>((done) => child.once("exit", done));
    try {
      let stdout = "";
      const url = await new Promise<string>((done, fail) => {
        child.stdout.on("data", (c) => {
          stdout += c;
          const m = stdout.match(/(http:\/\/127\.0\.0\.1:\d+\/)feed\.atom/);
          if (m) done(m[1]!);
        });
        child.once("exit", () => fail(new Error(`serve exited: ${stdout}`)));
      });
      expect(url).not.toBe("http://127.0.0.1:8787/");

      const items = join(folder, "items.json");
      writeFileSync(
        items,
        JSON.stringify({ id: "tide", url: "https://push.example/tide", title: "Tide tables" }),
      );
      const pushed = await cleanfeed("push", items, "--data", folder, "--quiet");
      expect(pushed.code).toBe(0);
      const feed = await (await fetch(`${url}feed.atom`)).text();
      expect(feed).toContain("Tide tables");
      expect(feed).toContain(
        `<link rel="self" type="application/atom+xml" href="${url}feed.atom"/>`,
      );
      expect(feed).not.toContain("127.0.0.1:8787");

      const second = await cleanfeed("serve", "--port", "0", "--data", folder);
      expect(second.code).toBe(1);
      expect(second.stderr.trim().split("\n")).toEqual([
        expect.stringMatching(/already served by pid \d+ .*--data/),
      ]);
    } finally {
      child.kill("SIGTERM");
      await exited;
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
