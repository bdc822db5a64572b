/**
 * Reading `cleanfeed.config.json` from disk: shared by the `cleanfeed`
 * command and the CDK app, so both accept and refuse exactly the same files.
 */
import { readFileSync } from "node:fs";
import { type Config, parseConfig } from "../core/config.ts";
import { ConfigError } from "../core/errors.ts";

/** The config file used when none is named, relative to the working directory or repo root. */
export const DEFAULT_CONFIG_FILE = "cleanfeed.config.json";

/** Throws ConfigError naming the bad key, or naming the file when it is unreadable or not JSON. */
export function readConfigFile(path: string): Config {
  return parseConfig(readConfigJson(path).value);
}

/** The file's text and its JSON value (not yet validated); ConfigError naming the file otherwise. */
export function readConfigJson(path: string): { text: string; value: unknown } {
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
  return { text, value };
}
