/** The `cleanfeed` command as a user runs it: exit codes, stdout and stderr. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = new URL("../../", import.meta.url).pathname;
const data = mkdtempSync(join(tmpdir(), "cleanfeed-cli-"));
afterAll(() => rmSync(data, { recursive: true, force: true }));

function cleanfeed(...args: string[]) {
  const r = spawnSync(process.execPath, [join(root, "bin/cleanfeed.js"), ...args], {
    cwd: root,
    encoding: "utf-8",
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("cleanfeed command", () => {
  it("answers an unknown flag or command with one line and exit code 2", () => {
    const flag = cleanfeed("serve", "--prot", "80");
    expect(flag.code).toBe(2);
    expect(flag.stderr.trim().split("\n")).toHaveLength(1);
    expect(flag.stderr).toMatch(/--prot/);
    const cmd = cleanfeed("publish");
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toMatch(/unknown command "publish"/);
  });

  it("names the bad key of a broken config", () => {
    const r = cleanfeed(
      "sources",
      "--config",
      join(root, "tests/fixtures/events/scheduler.json"),
      "--data",
      data,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/config version: is not a known setting/);
  });

  it("ingests files, lists sources, explains a merge and removes an entry", () => {
    const ingest = cleanfeed(
      "ingest",
      "examples/feeds/world-desk.atom",
      "examples/feeds/daily-wire.xml",
      "--data",
      data,
      "--quiet",
    );
    expect(ingest.code).toBe(0);
    const reports = ingest.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(reports.map((r) => r.new)).toEqual([2, 2]);
    expect(reports[1].merged).toBe(1);

    const regen = cleanfeed("regenerate", "--data", data, "--out", join(data, "out"), "--quiet");
    expect(regen.code).toBe(0);
    const atom = readFileSync(join(data, "out/feed.atom"), "utf-8");
    const id = atom.match(/<entry[^>]*>\s*<id>([^<]+)<\/id>\s*<title type="text">Istanbul/)?.[1];
    expect(id).toMatch(/^urn:uuid:/);

    const why = cleanfeed("why", id!, "--data", data);
    expect(why.code).toBe(0);
    const story = JSON.parse(why.stdout);
    expect(story.merges).toHaveLength(1);
    expect(story.merges[0].reason.kind).toMatch(/near|content/);

    const removed = cleanfeed("remove", id!, "--data", data, "--quiet");
    expect(removed.code).toBe(0);
    const again = cleanfeed("ingest", "examples/feeds/daily-wire.xml", "--data", data, "--quiet");
    expect(JSON.parse(again.stdout).new).toBe(0);

    const sources = cleanfeed("sources", "--data", data);
    expect(sources.code).toBe(0);
    expect(sources.stdout).toMatch(/daily-wire/);
  });
});
