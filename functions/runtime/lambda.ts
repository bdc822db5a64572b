/**
 * What both Lambda handlers build once per cold start: the config baked into
 * the bundle, the S3 client, the Powertools logger and metrics.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { parseConfig } from "../core/config.ts";
import { createS3Client } from "../store/client.ts";
import { Objects } from "../store/objects.ts";
import type { Log } from "./log.ts";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** Powertools' Logger behind the small `Log` interface the functions use. */
function logOf(logger: Logger): Log {
  return {
    info: (message, extra) => logger.info(message, extra ?? {}),
    warn: (message, extra) => logger.warn(message, extra ?? {}),
    error: (message, extra) => logger.error(message, extra ?? {}),
  };
}

export function lambdaRuntime() {
  const bucket = required("CLEANFEED_BUCKET");
  // Baked in at build time by esbuild `define`, which replaces this literal
  // expression only (environment variables cap at 4 KB: 100 sources do not fit).
  const config = parseConfig(
    JSON.parse(process.env.CLEANFEED_CONFIG ?? required("CLEANFEED_CONFIG")),
  );
  const publicUrl = required("CLEANFEED_PUBLIC_URL");
  return {
    config,
    publicUrl: publicUrl.endsWith("/") ? publicUrl : `${publicUrl}/`,
    objects: new Objects(createS3Client({ bucket }), bucket),
    log: logOf(new Logger()),
    metrics: new Metrics({ namespace: "cleanfeed" }),
  };
}
