/**
 * One embedded S3 per data folder: a second store on the folder goes through
 * the running server, stale locks are taken over, and a live holder whose
 * server cannot be used is named.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { LockHolder } from "../../functions/local/data-folder-errors.ts";
import { openEmbeddedS3 } from "../../functions/local/embedded-s3.ts";
import { LOCK_FILE } from "../../functions/local/folder-lock.ts";
import { openStore } from "../../functions/local/runtime.ts";
import { ConflictError, withRetry } from "../../functions/store/objects.ts";
import { readPublic } from "../../functions/store/published.ts";

const root = new URL("../../", import.meta.url).pathname;
const temp = mkdtempSync(join(tmpdir(), "cleanfeed-lock-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
let folders = 0;
const newFolder = () => join(temp, `data-${++folders}`);

/** A lock as another process would have left it. */
function writeLock(s3Dir: string, holder: Partial<LockHolder> & { pid: number }) {
  mkdirSync(s3Dir, { recursive: true });
  const lock: LockHolder = {
    started: null,
    token: "0123456789abcdef",
    command: "cleanfeed serve",
    since: "2025-01-02T03:04:05.000Z",
    endpoint: "http://127.0.0.1:9",
    state: "serving",
    ...holder,
  };
  writeFileSync(join(s3Dir, LOCK_FILE), JSON.stringify(lock));
}

const lockOf = (s3Dir: string) =>
  JSON.parse(readFileSync(join(s3Dir, LOCK_FILE), "utf-8")) as LockHolder;

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

// Some of these spawn processes: on a loaded machine a start alone can take many seconds.
describe("one embedded S3 per data folder", { timeout: 120_000 }, () => {
  it("gives a second store on the folder the running server", async () => {
    // Prepare
    const dir = join(newFolder(), "s3");
    const first = await openEmbeddedS3({ directory: dir, bucket: "b", log: () => {} });
    // Act
    const second = await openEmbeddedS3({ directory: dir, bucket: "b", log: () => {} });
    // Assess
    expect(first.servedBy).toBeNull();
    expect(second.servedBy?.pid).toBe(process.pid);
    expect(second.endpoint).toBe(first.endpoint);
    expect(lockOf(dir)).toMatchObject({ pid: process.pid, endpoint: first.endpoint });
    // The owner waits for the other user before it stops the server.
    let closed = false;
    const closing = first.close().then(() => {
      closed = true;
    });
    await new Promise((r) => setTimeout(r, 600));
    expect(closed).toBe(false);
    expect(await fetch(`${second.endpoint}/b`).then((r) => r.status)).toBeLessThan(500);
    await second.close();
    await closing;
    expect(() => lockOf(dir)).toThrow(/ENOENT/);
  });

  it("gives two stores on one folder one server, and never loses a conditional write between them", async () => {
    // Prepare
    const data = newFolder();
    const a = await openStore({ data });
    const b = await openStore({ data });
    const stores = [a, b];
    const endpoint = async (store: typeof a) => {
      const { hostname, port } = await store.objects.client.config.endpoint!();
      return `${hostname}:${port}`;
    };
    expect(await endpoint(b)).toBe(await endpoint(a));
    await a.objects.putJson("counter.json", { n: 0 });
    // Act: 24 compare-and-swap increments and 12 contested creates, split over both stores.
    const increments = Array.from({ length: 24 }, (_, i) =>
      withRetry(async () => {
        const objects = stores[i % 2]!.objects;
        const current = await objects.getJson<{ n: number }>("counter.json");
        await objects.putJson(
          "counter.json",
          { n: current!.value.n + 1 },
          {
            ifMatch: current!.etag,
          },
        );
      }, 200),
    );
    const creates = Array.from({ length: 24 }, (_, i) =>
      stores[i % 2]!.objects.putJson(`once/${i % 12}.json`, { by: i % 2 }, { create: true }).then(
        () => "created",
        (e) => (e instanceof ConflictError ? "conflict" : Promise.reject(e)),
      ),
    );
    const outcomes = await Promise.all(creates);
    await Promise.all(increments);
    // Assess
    expect((await b.objects.getJson<{ n: number }>("counter.json"))?.value.n).toBe(24);
    expect(outcomes.filter((o) => o === "created")).toHaveLength(12);
    await Promise.all([b.close(), a.close()]);
  });

  it("lets a cleanfeed command on a folder this process serves go through its server", async () => {
    // Prepare
    const data = newFolder();
    const store = await openStore({ data });
    const before = lockOf(join(data, "s3"));
    // Act: spawned, not spawnSync: this process must keep serving meanwhile.
    const command = spawn(
      process.execPath,
      [join(root, "bin/cleanfeed.js"), "ingest", "examples/feeds/world-desk.atom", "--data", data],
      { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    command.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    command.stdout.resume();
    const code = await new Promise((resolve) => command.once("exit", resolve));
    // Assess
    expect(code).toBe(0);
    expect(stderr).toContain(`the data folder ${data} is served by pid ${process.pid}`);
    expect(lockOf(join(data, "s3")).token).toBe(before.token);
    const feed = await readPublic(store.objects, "feed.atom");
    expect(feed?.value.toString()).toMatch(/<entry>/);
    await store.close();
  }, 120_000);

  it("takes over the lock of a process that is gone", async () => {
    // Prepare: a lock naming a pid that has exited.
    const dir = join(newFolder(), "s3");
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
      encoding: "utf-8",
    });
    writeLock(dir, { pid: Number(gone.stdout), command: "cleanfeed ingest" });
    const lines: string[] = [];
    // Act
    const s3 = await openEmbeddedS3({ directory: dir, bucket: "b", log: (l) => lines.push(l) });
    // Assess
    expect(s3.servedBy).toBeNull();
    expect(lockOf(dir).pid).toBe(process.pid);
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^took over the data folder .* from pid ${gone.stdout} \\(cleanfeed ingest, since 2025-01-02T03:04:05.000Z\\), which is gone$`,
        ),
      ),
    ]);
    await s3.close();
  }, 120_000);

  it("takes over a lock whose pid now belongs to another process", async () => {
    // Prepare: this very pid, but a start time that is not this process's.
    const dir = join(newFolder(), "s3");
    writeLock(dir, { pid: process.pid, started: "1" });
    // Act: two stores race for the stale lock.
    const both = await Promise.all([
      openEmbeddedS3({ directory: dir, bucket: "b", log: () => {} }),
      openEmbeddedS3({ directory: dir, bucket: "b", log: () => {} }),
    ]);
    // Assess: exactly one took it over and serves; the other uses that server.
    expect(both.filter((s) => s.servedBy === null)).toHaveLength(1);
    expect(both[0]!.endpoint).toBe(both[1]!.endpoint);
    await Promise.all(both.map((s) => s.close()));
  });

  it("names the live process holding the folder when its server does not answer", async () => {
    // Prepare: a live process that holds the lock, with nothing at its endpoint.
    const data = newFolder();
    const holder = spawn("sleep", ["600"], { stdio: "ignore" });
    try {
      const port = await closedPort();
      writeLock(join(data, "s3"), { pid: holder.pid!, endpoint: `http://127.0.0.1:${port}` });
      // Act
      const opening = openStore({ data });
      // Assess
      await expect(opening).rejects.toThrow(
        `the data folder ${data} is in use by pid ${holder.pid} (cleanfeed serve, since 2025-01-02T03:04:05.000Z); its server http://127.0.0.1:${port} does not answer`,
      );
      expect(lockOf(join(data, "s3")).pid).toBe(holder.pid);
    } finally {
      holder.kill("SIGKILL");
    }
  }, 120_000);
});
