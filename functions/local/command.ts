/**
 * What every `cleanfeed` command shares: its flags, its streams, its usage
 * error, and the shape a command has in the command table (cli.ts).
 */
import type { parseArgs } from "node:util";
import { DEFAULT_CONFIG_FILE } from "../runtime/config-file.ts";
import type { TextSink } from "./runtime.ts";

/** Where a command writes; the process's own streams unless a caller (a test) gives others. */
export interface Io {
  stdout: TextSink;
  stderr: TextSink;
  /** Progress lines are for a person watching a terminal, not for logs. */
  stderrIsTTY: boolean;
}

export const OPTIONS = {
  config: { type: "string", default: DEFAULT_CONFIG_FILE },
  data: { type: "string", default: ".cleanfeed" },
  endpoint: { type: "string" },
  bucket: { type: "string" },
  port: { type: "string", default: "8787" },
  out: { type: "string" },
  event: { type: "string" },
  explain: { type: "boolean", default: false },
  quiet: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

export type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>["values"];

/** The command line was wrong: exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** What every command gets: its flags, its streams. */
export interface CommandContext {
  values: Values;
  io: Io;
}

/** One `cleanfeed` command: how the usage shows it, and what it does (its exit code). */
export interface Command {
  synopsis: string;
  summary: string;
  run(args: string[], ctx: CommandContext): Promise<number>;
}

export function portOf(value: string): number {
  const port = Number(value);
  if (value.trim() === "" || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be a port number (0-65535), got "${value}"`);
  }
  return port;
}
