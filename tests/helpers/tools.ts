/**
 * Real readers, validators and a browser from Debian (jing, feedparser, newsboat, chromium): the one
 * place that says whether each is installed and how to install it. A test
 * that needs one skips loudly when it is missing on a user's machine; under
 * CI (CI=true) a missing tool is a failure, never a silent skip.
 */
import { spawnSync } from "node:child_process";

/** The Python that has (or lacks) feedparser: Debian's, not whatever is first on PATH. */
export const PYTHON = "/usr/bin/python3";
/** The jing command; `JING_BIN` overrides it (e.g. to check the missing-tool path). */
export const JING = process.env.JING_BIN ?? "jing";
/** The headless browser; `CHROMIUM_BIN` overrides it. */
export const CHROMIUM = process.env.CHROMIUM_BIN ?? "chromium";

/** Whether `cmd` could be started at all (its exit status does not matter). */
const starts = (cmd: string, args: string[]) => spawnSync(cmd, args).error === undefined;

/** Each tool: how to tell it is there, and the Debian package that provides it. */
const TABLE = {
  // jing exits non-zero on `-h`, so only a failure to start counts as absent.
  jing: { present: () => starts(JING, ["-h"]), apt: "jing" },
  feedparser: {
    present: () => spawnSync(PYTHON, ["-c", "import feedparser"]).status === 0,
    apt: "python3-feedparser",
  },
  newsboat: { present: () => starts("newsboat", ["-v"]), apt: "newsboat" },
  chromium: { present: () => starts(CHROMIUM, ["--version"]), apt: "chromium" },
};

export type Tool = keyof typeof TABLE;

/** Whether each tool is installed, probed once, when a test first asks. */
export const tools = {} as Record<Tool, boolean>;
for (const [name, t] of Object.entries(TABLE)) {
  let present: boolean | undefined;
  Object.defineProperty(tools, name, { enumerable: true, get: () => (present ??= t.present()) });
}

/** What to tell someone who lacks `name`. */
export function missingMessage(name: Tool): string {
  return `${name} is not installed: apt-get install ${TABLE[name].apt}`;
}

const warned = new Set<Tool>();

/** Warn once per tool that the tests needing it are skipped. */
export function warnSkipping(name: Tool): void {
  if (warned.has(name)) return;
  warned.add(name);
  console.warn(`\n*** SKIPPING tests that need ${name}: ${missingMessage(name)} ***\n`);
}

/** Call at the top of a describe: skip loudly, or fail under CI. */
export function requireTool(name: Tool): boolean {
  if (tools[name]) return true;
  if (process.env.CI === "true") throw new Error(`CI: ${missingMessage(name)}`);
  warnSkipping(name);
  return false;
}
