/**
 * A full disk and a read-only data folder, caused for real: a small tmpfs and
 * read-only mounts inside `unshare -rm` (a user and mount namespace; nothing
 * outside it sees them). A failed write is an S3 error the client sees, never
 * a crash; the command ends with one line; and once space is back the same
 * running server writes again.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import {
  GetObjectCommand,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3Client } from "../../functions/store/client.ts";

const root = new URL("../../", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "cleanfeed-full-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Whether this machine lets us mount a tmpfs in a namespace of our own. */
const canMount =
  spawnSync("unshare", ["-rm", "sh", "-c", 'mount -t tmpfs -o size=64k tmpfs "$0"', dir]).status ===
  0;
const SKIP = "needs `unshare -rm` and tmpfs mounts to cause ENOSPC and EROFS for real";

/** Runs a shell script inside a fresh user and mount namespace: $1.. are `args`. */
function inNamespace(script: string, args: string[]) {
  return spawnSync("unshare", ["-rm", "sh", "-c", script, "sh", ...args], {
    cwd: root,
    encoding: "utf-8",
    timeout: 180_000,
  });
}

describe.skipIf(!canMount)(`a full or read-only data folder (${SKIP})`, () => {
  let server: ChildProcess;
  let answers: AsyncIterator<string>;
  let client: S3Client;
  let stderr = "";

  beforeAll(async () => {
    const mount = join(dir, "mnt");
    mkdirSync(mount);
    const child = new URL("../helpers/full-disk-child.ts", import.meta.url).pathname;
    server = spawn(
      "unshare",
      [
        "-rm",
        "sh",
        "-c",
        'mount -t tmpfs -o size=1m tmpfs "$1" && exec "$2" --import tsx "$3" "$1"',
        "sh",
        mount,
        process.execPath,
        child,
      ],
      { cwd: root, stdio: ["pipe", "pipe", "pipe"] },
    );
    server.stderr?.on("data", (chunk) => {
      stderr += chunk;
    });
    answers = createInterface({ input: server.stdout! })[Symbol.asyncIterator]();
    const endpoint = (await answers.next()).value as string;
    client = createS3Client({ bucket: "full", endpoint, embedded: true });
  }, 120_000);

  afterAll(async () => {
    client?.destroy();
    server.stdin?.end();
    if (server.exitCode === null && server.signalCode === null) {
      await new Promise((r) => server.once("exit", r));
    }
  }, 120_000);

  async function tell(command: string) {
    server.stdin!.write(`${command}\n`);
    expect((await answers.next()).value).toBe(`done ${command}`);
  }
  const put = (Key: string, size: number) =>
    client.send(new PutObjectCommand({ Bucket: "full", Key, Body: Buffer.alloc(size, "x") }));
  async function status(p: Promise<unknown>) {
    try {
      await p;
      return { status: 200 };
    } catch (e) {
      if (!(e instanceof S3ServiceException)) throw e;
      return { status: e.$metadata.httpStatusCode, name: e.name, message: e.message };
    }
  }
  const length = async (Key: string) =>
    (await client.send(new GetObjectCommand({ Bucket: "full", Key }))).ContentLength;

  it("answers a write to a full disk with a 507 naming the folder, and writes again once space is back", async () => {
    await put("a.json", 10_000);
    await tell("fill");
    expect(await status(put("b.json", 200_000))).toEqual({
      status: 507,
      name: "DataFolderFull",
      message: "the data folder the-folder is full (ENOSPC): could not write b.json",
    });
    // Nothing half-written: the old object whole, the new one missing.
    expect(await length("a.json")).toBe(10_000);
    expect(
      await status(client.send(new GetObjectCommand({ Bucket: "full", Key: "b.json" }))),
    ).toMatchObject({ status: 404 });
    await tell("free");
    expect(await status(put("b.json", 200_000))).toEqual({ status: 200 });
    expect(await length("b.json")).toBe(200_000);
  }, 120_000);

  it("answers a write to a folder remounted read-only with a 507, and writes again once it is writable", async () => {
    await tell("ro");
    expect(await status(put("c.json", 1000))).toEqual({
      status: 507,
      name: "DataFolderNotWritable",
      message: "the data folder the-folder is read-only (EROFS): could not write c.json",
    });
    expect(await length("a.json")).toBe(10_000);
    await tell("rw");
    expect(await status(put("c.json", 1000))).toEqual({ status: 200 });
    expect(stderr).not.toMatch(/'error' event|at .*\(/);
  }, 120_000);

  it("ends the cleanfeed command with one line on a full disk, and works once space is back", () => {
    const err1 = join(dir, "ingest-full.err");
    const err2 = join(dir, "ingest-again.err");
    mkdirSync(join(dir, "mnt2"));
    const ingest =
      'node bin/cleanfeed.js ingest examples/feeds/world-desk.atom examples/feeds/daily-wire.xml --data "$1/.cleanfeed" --quiet';
    const r = inNamespace(
      // 64 kB free: room to start, not to ingest.
      `mount -t tmpfs -o size=1m tmpfs "$1" && head -c ${1024 * 1024 - 64 * 1024} /dev/zero > "$1/filler" &&
       { ${ingest} 2> "$2" >/dev/null; echo "first=$?"; rm "$1/filler"; ${ingest} 2> "$3" >/dev/null; echo "again=$?"; }`,
      [join(dir, "mnt2"), err1, err2],
    );
    expect(r.stdout).toMatch(/first=1\s+again=0/);
    const lines = readFileSync(err1, "utf-8").trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^cleanfeed: the data folder .*\/\.cleanfeed is full \(ENOSPC\): could not write /,
    );
    expect(readFileSync(err2, "utf-8")).toBe("");
  }, 240_000);

  it("ends the cleanfeed command with one line on a read-only data folder", () => {
    const data = join(dir, "ro", ".cleanfeed");
    mkdirSync(join(data, "s3", "cleanfeed"), { recursive: true });
    const r = inNamespace(
      'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && exec node bin/cleanfeed.js sources --data "$1"',
      [data],
    );
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([
      `cleanfeed: the data folder ${data} is read-only (EROFS): could not lock it`,
    ]);
  }, 240_000);
});
