/**
 * What every `cleanfeed` command shares: its flags, its streams, its usage
 * error, and the shape a command has in the command table (cli.ts).
 */
import type { parseArgs } from "node:util";
import { DEFAULT_CONFIG_FILE } from "../runtime/config-file.ts";
import { loadConfig, localHandlers, openStore, type TextSink } from "./runtime.ts";

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
  json: { type: "boolean", default: false },
  limit: { type: "string" },
  source: { type: "string" },
  quiet: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>["values"];

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

function portOf(value: string): number {
  const port = Number(value);
  if (value.trim() === "" || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be a port number (0-65535), got "${value}"`);
  }
  return port;
}

/** Progress is for a person watching: stderr when it is a terminal, unless --quiet. */
export const progressSink = (values: Values, io: Io) =>
  io.stderrIsTTY && !values.quiet ? io.stderr : null;

/** Runs `run` over the store the flags name (and the handlers over it), closing it after. */
export async function withStore<T>(
  ctx: CommandContext,
  run: (opened: Awaited<ReturnType<typeof open>>) => Promise<T>,
): Promise<T> {
  const opened = await open(ctx);
  try {
    return await run(opened);
  } finally {
    await opened.store.close();
  }
}

/** What the flags name: the port, the config (and its folder) and the store, opened. */
export async function openFlags(values: Values) {
  const port = portOf(values.port);
  const { config, dir } = loadConfig(values.config);
  const store = await openStore({
    data: values.data,
    endpoint: values.endpoint,
    bucket: values.bucket,
  });
  return { port, config, dir, store };
}

async function open({ values, io }: CommandContext) {
  const { port, config, dir, store } = await openFlags(values);
  if (store.servedBy !== null) {
    const { pid, command } = store.servedBy;
    io.stderr.write(
      `the data folder ${values.data} is served by pid ${pid} (${command}): using it\n`,
    );
  }
  // The feed's address: the config's, else the running serve's, else where serve would put it.
  const handlers = localHandlers(store.objects, config, dir, {
    publicUrl: store.servedBy?.feedUrl ?? `http://127.0.0.1:${port}/`,
    quiet: values.quiet,
    stderr: io.stderr,
    progressTo: progressSink(values, io),
  });
  return { config, dir, store, handlers };
}
