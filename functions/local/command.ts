/**
 * What every `cleanfeed` command shares: its flags, its streams, its usage
 * error, and the shape a command has in the command table (cli.ts).
 */
import type { parseArgs } from "node:util";
import type { Config } from "../core/config.ts";
import { DEFAULT_CONFIG_FILE } from "../runtime/config-file.ts";
import { type LocalStore, loadConfig, localHandlers, openStore, type TextSink } from "./runtime.ts";

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

/** A flag's whole number from `min` to `max`; a usage error saying what it `must` be otherwise. */
export function wholeNumber(flag: string, value: string, min: number, max: number, must: string) {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${flag} must be ${must}, got "${value}"`);
  }
  return n;
}

/** Prints `value` on stdout as one JSON Lines line. */
export const print = (io: Io, value: unknown) => io.stdout.write(`${JSON.stringify(value)}\n`);

/**
 * What the flags name, opened: the port, the config and the store, and the
 * handlers over that store that publish the feed at a given address. Progress
 * shows only when stderr is a terminal and --quiet is not given.
 */
export async function openFlags({ values, io }: CommandContext) {
  const port = wholeNumber("port", values.port, 0, 65535, "a port number (0-65535)");
  const { config, dir } = loadConfig(values.config);
  const store = await openStore(values);
  const handlersAt = (publicUrl: string) =>
    localHandlers(store.objects, config, dir, {
      publicUrl,
      quiet: values.quiet,
      stderr: io.stderr,
      progressTo: io.stderrIsTTY && !values.quiet ? io.stderr : null,
    });
  return { port, config, store, handlersAt };
}

/** Runs `run` over the store the flags name (and the handlers over it), closing it after. */
export async function withStore<T>(
  ctx: CommandContext,
  run: (opened: {
    config: Config;
    store: LocalStore;
    handlers: ReturnType<typeof localHandlers>;
  }) => Promise<T>,
): Promise<T> {
  const { port, config, store, handlersAt } = await openFlags(ctx);
  try {
    if (store.servedBy !== null) {
      const { pid, command } = store.servedBy;
      ctx.io.stderr.write(
        `the data folder ${ctx.values.data} is served by pid ${pid} (${command}): using it\n`,
      );
    }
    // The feed's address: the config's, else the running serve's, else where serve would put it.
    const publicUrl = store.servedBy?.feedUrl ?? `http://127.0.0.1:${port}/`;
    return await run({ config, store, handlers: handlersAt(publicUrl) });
  } finally {
    await store.close();
  }
}
