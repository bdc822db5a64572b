/**
 * kill -9 at any instant never makes the data folder unusable: a child process
 * writes objects in a loop and is killed at seeded points; after each kill a
 * new server on the folder starts, reports what it repaired, and every object
 * it lists reads whole (its body matches its ETag). With cleanfeed's server,
 * every acknowledged write also survives.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedS3 } from "../../functions/local/embedded-s3.ts";
import { createS3Client } from "../../functions/store/client.ts";

const child = new URL("../helpers/s3-writer-child.ts", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "cleanfeed-crash-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BUCKET = "crash";
const SEED = 20_240_611;

/**
 * Each round: a writer, and where it dies (`step`: right after the store's
 * Nth file write or rename; `acks`: killed by us after that many acknowledged
 * writes). The first legacy round is a folder as older versions left it, and is
 * checked object by object at start; the second tears objects in a folder
 * already checked, which the read path must then serve as missing.
 */
const ROUNDS = [
  { mode: "legacy", acks: 60 },
  { mode: "legacy", acks: 150 },
  { mode: "front", step: 37 },
  { mode: "front", step: 101 },
  { mode: "front", step: 164 },
  { mode: "front", step: 290 },
  { mode: "front", acks: 90 },
] as const;

interface Run {
  lines: string[];
  /** Per key, the MD5 of each write in the order sent, and whether it was acknowledged. */
  writes: Map<string, { md5: string; ok: boolean }[]>;
}

/** Runs the writer until it dies; resolves once it has exited (so its pid is gone). */
function runWriter(round: (typeof ROUNDS)[number], seed: number): Promise<Run> {
  const args = [child, dir, round.mode, String(seed), String("step" in round ? round.step : 0)];
  const proc: ChildProcess = spawn(process.execPath, ["--import", "tsx", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const run: Run = { lines: [], writes: new Map() };
  let acks = 0;
  let rest = "";
  let stderr = "";
  proc.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  proc.stdout?.on("data", (chunk) => {
    const text = rest + chunk;
    const lines = text.split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) {
      const [what, key, md5] = line.split(" ");
      if (what === "put") {
        const list = run.writes.get(key!) ?? [];
        list.push({ md5: md5!, ok: false });
        run.writes.set(key!, list);
      } else if (what === "ok") {
        const last = run.writes.get(key!)?.at(-1);
        if (last?.md5 === md5) last!.ok = true;
        if ("acks" in round && ++acks === round.acks) proc.kill("SIGKILL");
      }
      run.lines.push(line);
    }
  });
  return new Promise((resolve, reject) => {
    proc.once("error", reject);
    proc.once("exit", (code, signal) => {
      if (signal !== "SIGKILL") reject(new Error(`writer ended ${code}/${signal}: ${stderr}`));
      else resolve(run);
    });
  });
}

/** Every listed object, read whole: key to [MD5 of the body, ETag]. */
async function readAll(endpoint: string): Promise<Map<string, [string, string]>> {
  const client = createS3Client({ bucket: BUCKET, endpoint, embedded: true });
  const read = new Map<string, [string, string]>();
  try {
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: token }),
      );
      for (const { Key } of page.Contents ?? []) {
        const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key }));
        const body = Buffer.from((await got.Body?.transformToByteArray()) ?? []);
        expect(body.length).toBe(got.ContentLength);
        read.set(Key!, [createHash("md5").update(body).digest("hex"), JSON.parse(got.ETag!)]);
      }
      token = page.NextContinuationToken;
    } while (token);
  } finally {
    client.destroy();
  }
  return read;
}

describe("a data folder after kill -9", () => {
  it("starts, names what it repaired, and serves every object whole", async () => {
    const reports: string[][] = [];
    /** Keys s3rver alone was writing when it was killed: torn in place, which is not ours to prevent. */
    const tornByLegacy = new Set<string>();
    for (const [i, round] of ROUNDS.entries()) {
      // Prepare
      const run = await runWriter(round, SEED + i);
      expect(run.lines[0]).toBe("ready");
      // Act
      const lines: string[] = [];
      const s3 = await startEmbeddedS3({
        directory: dir,
        bucket: BUCKET,
        log: (line) => lines.push(line),
      });
      reports.push(lines);
      let read: Map<string, [string, string]>;
      try {
        read = await readAll(s3.endpoint);
      } finally {
        await s3.close();
      }
      // Assess: whole objects only, each line names one object.
      for (const [key, [md5, etag]] of read) expect(md5, key).toBe(etag);
      for (const line of lines) {
        expect(line).toMatch(/^(repaired|quarantined|discarded|took over) /);
      }
      if (round.mode === "legacy") {
        for (const [key, writes] of run.writes) if (!writes.at(-1)!.ok) tornByLegacy.add(key);
        continue;
      }
      // cleanfeed's server also loses no acknowledged write: the key holds it, or the one after it.
      expect(lines.some((l) => l.startsWith("took over the data folder"))).toBe(true);
      for (const [key, writes] of run.writes) {
        const acked = writes.findLastIndex((w) => w.ok);
        if (acked < 0) continue;
        const allowed = writes.slice(acked).map((w) => w.md5);
        expect(allowed, key).toContain(read.get(key)?.[0]);
      }
    }
    // cleanfeed's writes are never torn, only cut short: finished or undone, never quarantined.
    // An object s3rver tore in a folder already checked is served as missing until a later
    // write to its key is cut short: then the start-up check meets it and quarantines it.
    const front = reports.filter((_, i) => ROUNDS[i]!.mode === "front").flat();
    const quarantined = front.filter((l) => l.startsWith("quarantined"));
    for (const line of quarantined)
      expect([...tornByLegacy], line).toContain(line.split(" ")[1]!.slice(0, -1));
    expect(front.filter((l) => / a write that was cut short/.test(l)).length).toBeGreaterThan(0);
  }, 300_000);
});
