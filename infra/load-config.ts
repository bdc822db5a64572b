/**
 * Reads and validates the config file for the CDK app. Kept apart from
 * `app.ts` (which exits the process) so tests can call it.
 */
import { resolve } from "node:path";
import type { Config } from "../functions/core/config.ts";
import { DEFAULT_CONFIG_FILE, readConfigFile } from "../functions/runtime/config-file.ts";

export { DEFAULT_CONFIG_FILE };

/**
 * Loads `file` (relative paths are resolved against `root`; `resolve` keeps
 * an absolute one as it is); throws ConfigError.
 */
export function loadConfig(file: string, root: string): Config {
  return readConfigFile(resolve(root, file));
}
