/**
 * Reads and validates the config file for the CDK app. Kept apart from
 * `app.ts` (which exits the process) so tests can call it.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { type Config, parseConfig } from "../functions/core/config.ts";
import { ConfigError } from "../functions/core/errors.ts";

/** The config file used when `-c config=…` is not given, relative to the repository root. */
export const DEFAULT_CONFIG_FILE = "cleanfeed.config.json";

/**
 * Loads `file` (relative paths are resolved against `root`). Throws
 * `ConfigError` naming the bad key, or naming the file when it cannot be
 * read or is not JSON.
 */
export function loadConfig(file: string, root: string): Config {
  const path = isAbsolute(file) ? file : resolve(root, file);
  let text: string;
  try {
    text = readFileSync(path, "utf-8");
  } catch (e) {
    throw new ConfigError("(file)", `cannot read ${path}: ${(e as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError("(file)", `${path} is not valid JSON: ${(e as Error).message}`);
  }
  return parseConfig(value);
}
