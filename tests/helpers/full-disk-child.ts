/**
 * An embedded S3 on a small tmpfs, for the full-disk test: run it inside
 * `unshare -rm` with the tmpfs mounted at MOUNT, so that it may fill the disk
 * and remount it read-only for real.
 *
 *   node --import tsx full-disk-child.ts MOUNT
 *
 * Prints the endpoint, then reads commands on stdin, one a line, and answers
 * `done COMMAND` to each: `fill` (a filler file takes every free byte), `free`
 * (it goes), `ro` and `rw` (remount). Closes the server at the end of stdin.
 */
import { execFileSync } from "node:child_process";
import { closeSync, openSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { startEmbeddedS3 } from "../../functions/local/embedded-s3.ts";

const mount = process.argv[2]!;
const filler = join(mount, "filler");

function fill() {
  const fd = openSync(filler, "w");
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOSPC") throw e;
  } finally {
    closeSync(fd);
  }
}

const s3 = await startEmbeddedS3({
  directory: join(mount, "s3"),
  bucket: "full",
  folder: "the-folder",
  log: (line) => process.stderr.write(`${line}\n`),
});
process.stdout.write(`${s3.endpoint}\n`);
for await (const command of createInterface({ input: process.stdin })) {
  if (command === "fill") fill();
  else if (command === "free") rmSync(filler);
  else if (command === "ro" || command === "rw") {
    execFileSync("mount", ["-o", `remount,${command}`, mount]);
  }
  process.stdout.write(`done ${command}\n`);
}
await s3.close();
