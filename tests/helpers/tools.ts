/**
 * Real readers and validators from Debian (jing, feedparser, newsboat). A test
 * that needs one skips loudly when it is missing on a user's machine; under
 * CI (CI=true) a missing tool is a failure, never a silent skip.
 */
import { spawnSync } from "node:child_process";

const onPath = (command: string) => spawnSync("which", [command]).status === 0;

export const tools = {
  jing: onPath("jing"),
  feedparser: spawnSync("/usr/bin/python3", ["-c", "import feedparser"]).status === 0,
  newsboat: onPath("newsboat"),
};

/** Call at the top of a describe: skip loudly, or fail under CI. */
export function requireTool(name: keyof typeof tools): boolean {
  if (tools[name]) return true;
  const message = `${name} is not installed: apt-get install ${
    { jing: "jing", feedparser: "python3-feedparser", newsboat: "newsboat" }[name]
  }`;
  if (process.env.CI === "true") throw new Error(`CI: ${message}`);
  console.warn(`\n*** SKIPPING tests that need ${name}: ${message} ***\n`);
  return false;
}
