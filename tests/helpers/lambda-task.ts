/**
 * A Lambda task folder outside the repository, so a bundle runs without the
 * project's `node_modules`: `<root>/task/index.mjs` (and its source map), and
 * `<root>/node_modules/@aws-sdk`, where the bundle finds the AWS SDK as it
 * finds the runtime's copy in Lambda. Anything else the bundle would import
 * from outside itself fails to resolve, as it would once deployed.
 */
import { copyFileSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const PROJECT_SDK = new URL("../../node_modules/@aws-sdk", import.meta.url).pathname;

export interface TaskFiles {
  /** The bundle's code, or the path of an `index.mjs` to copy (its `.map` beside it comes too). */
  code: string | { path: string };
  map?: string;
}

/** Lays out `root` and returns the path of its `index.mjs`. */
export function layOutTask(root: string, files: TaskFiles, options: { runtimeSdk: boolean }) {
  const task = join(root, "task");
  mkdirSync(task, { recursive: true });
  const entry = join(task, "index.mjs");
  if (typeof files.code === "string") {
    writeFileSync(entry, files.code);
    if (files.map) writeFileSync(`${entry}.map`, files.map);
  } else {
    copyFileSync(files.code.path, entry);
    if (existsSync(`${files.code.path}.map`))
      copyFileSync(`${files.code.path}.map`, `${entry}.map`);
  }
  if (options.runtimeSdk) {
    // What the nodejs runtimes provide: every @aws-sdk/* package (here, the lockfile's).
    mkdirSync(join(root, "node_modules"), { recursive: true });
    symlinkSync(PROJECT_SDK, join(root, "node_modules", "@aws-sdk"), "dir");
  }
  return entry;
}
