/**
 * The local runtime the `cleanfeed` command gives the very same handlers the
 * Lambdas run: the embedded S3 server (or any S3 endpoint), a stderr log, the
 * real clock and ids. No second pipeline lives here.
 */
import { dirname, join, resolve } from "node:path";
import { type Config, parseConfig } from "../core/config.ts";
import { ConfigError } from "../core/errors.ts";
import { createIngestHandler } from "../ingest/dispatch.ts";
import type { IngestDeps } from "../ingest/ingest.ts";
import { pollSources } from "../ingest/poll.ts";
import { createRegenerateHandler } from "../regenerate/dispatch.ts";
import { clock, newStoryId } from "../runtime/clock.ts";
import { readConfigJson } from "../runtime/config-file.ts";
import type { Log } from "../runtime/log.ts";
import { notifyHub } from "../sources/websub.ts";
import { createS3Client } from "../store/client.ts";
import { Objects } from "../store/objects.ts";
import { openEmbeddedS3, type SharedS3 } from "./embedded-s3.ts";

const DEFAULT_BUCKET = "cleanfeed";

/**
 * The config file: its text and JSON (for commands that edit it), the
 * validated config, and its folder. One that cannot be read names the flag
 * that picks another.
 */
export function loadConfig(path: string) {
  try {
    const { text, value } = readConfigJson(path);
    const config = parseConfig(value);
    return {
      path,
      text,
      value: value as Record<string, unknown>,
      config,
      dir: dirname(resolve(path)),
    };
  } catch (e) {
    if (e instanceof ConfigError && e.key === "(file)") {
      throw new ConfigError(
        "(file)",
        `${e.message.replace(/^config \(file\): /, "")} (pick one with --config FILE)`,
      );
    }
    throw e;
  }
}

/** Where a command writes: the process's streams, or a test's. */
export interface TextSink {
  write(text: string): unknown;
}

/** Progress and problems go to stderr; stdout is kept for command output. */
function stderrLog(quiet = false, stderr: TextSink = process.stderr): Log {
  const line = (level: string, message: string, extra?: Record<string, unknown>) => {
    const detail = extra && Object.keys(extra).length ? ` ${JSON.stringify(extra)}` : "";
    stderr.write(`${level}${message}${detail}\n`);
  };
  return {
    info: (m, e) => quiet || line("", m, e),
    warn: (m, e) => line("warning: ", m, e),
    error: (m, e) => line("error: ", m, e),
  };
}

/**
 * The embedded S3 server on `flags.data`, or the S3 endpoint the flags name.
 * One server per data folder: when another process already serves it, this
 * store goes through that server (`servedBy` names that process).
 */
export async function openStore(flags: {
  data: string;
  endpoint?: string | undefined;
  bucket?: string | undefined;
}) {
  const { endpoint, bucket } = flags;
  if (endpoint && !bucket) throw new Error("--endpoint needs --bucket NAME");
  const s3: SharedS3 =
    endpoint && bucket
      ? { endpoint, bucket, servedBy: null, announceFeed: () => {}, close: async () => {} }
      : await openEmbeddedS3({
          directory: join(flags.data, "s3"),
          bucket: DEFAULT_BUCKET,
          folder: flags.data,
        });
  const client = createS3Client({ bucket: s3.bucket, endpoint: s3.endpoint, embedded: !endpoint });
  return {
    objects: new Objects(client, s3.bucket),
    servedBy: s3.servedBy,
    /** Tells other commands on this data folder the address the feed is served at. */
    announceFeed: s3.announceFeed,
    close: () => {
      client.destroy();
      return s3.close();
    },
  };
}

export type LocalStore = Awaited<ReturnType<typeof openStore>>;

/** The Lambda handlers, built over a local store. */
export function localHandlers(
  objects: Objects,
  config: Config,
  configDir: string,
  options: {
    publicUrl: string;
    quiet?: boolean;
    stderr?: TextSink;
    /** A terminal to show progress on: only when stderr is one and --quiet is not given. */
    progressTo?: TextSink | null;
  },
) {
  const log = stderrLog(options.quiet, options.stderr);
  const publicUrl = config.feed.publicUrl ?? options.publicUrl;
  const tty = options.progressTo;
  // On a terminal a count rewrites its own line (carriage return, erase line); anything else ends it.
  const progress = tty
    ? (line: string, transient = false) => tty.write(`\r\x1b[K${line}${transient ? "" : "\n"}`)
    : undefined;
  // What the handlers ingest with, for a command's own Invocation.
  const deps: IngestDeps = { objects, config, now: clock, newId: newStoryId, progress };
  return {
    log,
    deps,
    // Loopback is allowed here so that sample feeds can be served from this machine.
    ingest: createIngestHandler({
      ...deps,
      log,
      poll: (names) => pollSources(deps, { allowLoopback: true, log, baseDir: configDir }, names),
    }),
    // Without a configured public URL the feed lives at a loopback address
    // that the next `serve --port` changes: archive pages link relatively.
    regenerate: createRegenerateHandler({
      objects,
      config,
      publicUrl,
      archiveLinks: config.feed.publicUrl ? "absolute" : "relative",
      log,
      pingHub: notifyHub,
    }),
  };
}
