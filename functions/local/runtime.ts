/**
 * The local runtime the `cleanfeed` command gives the very same handlers the
 * Lambdas run: the embedded S3 server (or any S3 endpoint), a stderr log, the
 * real clock and ids. No second pipeline lives here.
 */
import { dirname, join, resolve } from "node:path";
import type { Config } from "../core/config.ts";
import { ConfigError } from "../core/errors.ts";
import { createIngestHandler } from "../ingest/dispatch.ts";
import { pollSources } from "../ingest/poll.ts";
import { createRegenerateHandler } from "../regenerate/dispatch.ts";
import { clock, newStoryId } from "../runtime/clock.ts";
import { readConfigFile } from "../runtime/config-file.ts";
import type { Log } from "../runtime/log.ts";
import { notifyHub } from "../sources/websub.ts";
import { createS3Client } from "../store/client.ts";
import { Objects } from "../store/objects.ts";
import { openEmbeddedS3 } from "./shared-s3.ts";

const DEFAULT_BUCKET = "cleanfeed";

export interface StoreFlags {
  /** Folder of the embedded S3 server. */
  data: string;
  /** Any S3 endpoint instead of the embedded server (with `bucket`). */
  endpoint?: string | undefined;
  bucket?: string | undefined;
}

export function loadConfig(path: string): { config: Config; dir: string } {
  return { config: readConfigFile(path), dir: dirname(resolve(path)) };
}

/** Progress and problems go to stderr; stdout is kept for command output. */
function stderrLog(quiet = false): Log {
  const line = (level: string, message: string, extra?: Record<string, unknown>) => {
    const detail = extra && Object.keys(extra).length ? ` ${JSON.stringify(extra)}` : "";
    process.stderr.write(`${level}${message}${detail}\n`);
  };
  return {
    info: (m, e) => quiet || line("", m, e),
    warn: (m, e) => line("warning: ", m, e),
    error: (m, e) => line("error: ", m, e),
  };
}

export interface LocalStore {
  objects: Objects;
  close: () => Promise<void>;
}

/**
 * The embedded S3 server on `flags.data`, or the S3 endpoint the flags name.
 * One server per data folder: when another process already serves it, this
 * store goes through that server (and says so on stderr).
 */
export async function openStore(flags: StoreFlags): Promise<LocalStore> {
  if (flags.endpoint) {
    if (!flags.bucket) throw new ConfigError("--bucket", "is required with --endpoint");
    const client = createS3Client({ bucket: flags.bucket, endpoint: flags.endpoint });
    return { objects: new Objects(client, flags.bucket), close: async () => client.destroy() };
  }
  const s3 = await openEmbeddedS3({
    directory: join(flags.data, "s3"),
    bucket: DEFAULT_BUCKET,
    folder: flags.data,
  });
  if (s3.servedBy !== null) {
    const { pid, command } = s3.servedBy;
    process.stderr.write(
      `the data folder ${flags.data} is served by pid ${pid} (${command}): using it\n`,
    );
  }
  const client = createS3Client({ bucket: s3.bucket, endpoint: s3.endpoint, embedded: true });
  return {
    objects: new Objects(client, s3.bucket),
    close: () => {
      client.destroy();
      return s3.close();
    },
  };
}

export interface LocalHandlers {
  log: Log;
  publicUrl: string;
  ingest: (event: unknown) => Promise<unknown>;
  regenerate: (event: unknown) => Promise<unknown>;
}

/** The Lambda handlers, built over a local store. */
export function localHandlers(
  objects: Objects,
  config: Config,
  configDir: string,
  options: { publicUrl: string; quiet?: boolean },
): LocalHandlers {
  const log = stderrLog(options.quiet);
  const publicUrl = config.feed.publicUrl ?? options.publicUrl;
  const deps = { objects, config, now: clock, newId: newStoryId };
  return {
    log,
    publicUrl,
    // Loopback is allowed here so that sample feeds can be served from this machine.
    ingest: createIngestHandler({
      ...deps,
      log,
      poll: (names) => pollSources(deps, { allowLoopback: true, log, baseDir: configDir }, names),
    }),
    regenerate: createRegenerateHandler({ objects, config, publicUrl, log, pingHub: notifyHub }),
  };
}
