/**
 * What both Lambda handlers build once per cold start: the config baked into
 * the bundle, the S3 client, the Powertools logger.
 */
import { createRequire } from "node:module";
import { Logger } from "@aws-lambda-powertools/logger";
import { parseConfig } from "../core/config.ts";
import { createS3Client } from "../store/client.ts";
import { Objects } from "../store/objects.ts";
import type { Log } from "./log.ts";

/**
 * The `@aws-sdk/client-s3` versions cleanfeed is tested with: from the
 * lockfile's, which every test runs, up to the next major. The bundles leave
 * the SDK to the Lambda runtime (bundled, it would take them past their size
 * budget: see the README), so the cold-start log names the version that runs
 * and warns when it is outside this range. A test keeps `from` equal to the
 * lockfile's version.
 */
export const TESTED_S3_SDK = { from: "3.1175.0", belowMajor: 4 } as const;

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

/** The version of the `@aws-sdk/client-s3` this code resolves (the runtime's, in Lambda). */
export function runningS3Sdk(): string | null {
  try {
    // not named `require`: esbuild must leave this lookup to run time
    const load = createRequire(import.meta.url);
    return (load("@aws-sdk/client-s3/package.json") as { version: string }).version;
  } catch {
    return null;
  }
}

/** Whether `version` is within `TESTED_S3_SDK`. */
export function isTestedS3Sdk(version: string): boolean {
  const parts = version.split(".").map((n) => Number.parseInt(n, 10));
  const from = TESTED_S3_SDK.from.split(".").map(Number);
  if ((parts[0] ?? 0) >= TESTED_S3_SDK.belowMajor) return false;
  // the first part that differs decides
  const i = [0, 1, 2].find((k) => (parts[k] ?? 0) !== from[k]);
  return i === undefined || (parts[i] ?? 0) > from[i]!;
}

function logSdk(log: Log): void {
  const version = runningS3Sdk();
  const tested = `>=${TESTED_S3_SDK.from} <${TESTED_S3_SDK.belowMajor}`;
  if (version !== null && isTestedS3Sdk(version)) {
    log.info("cold start", { s3Sdk: version, testedS3Sdk: tested });
  } else {
    log.warn("the runtime's @aws-sdk/client-s3 is not a version cleanfeed was tested with", {
      s3Sdk: version,
      testedS3Sdk: tested,
    });
  }
}

export function lambdaRuntime() {
  const bucket = required("CLEANFEED_BUCKET");
  // Baked in at build time by esbuild `define`, which replaces this literal
  // expression only (environment variables cap at 4 KB: 100 sources do not fit).
  const config = parseConfig(
    JSON.parse(process.env.CLEANFEED_CONFIG ?? required("CLEANFEED_CONFIG")),
  );
  const publicUrl = required("CLEANFEED_PUBLIC_URL");
  const log = logOf(new Logger());
  logSdk(log);
  return {
    config,
    publicUrl: publicUrl.endsWith("/") ? publicUrl : `${publicUrl}/`,
    // CLEANFEED_S3_ENDPOINT is for tests only (the Lambda simulation points the
    // bundles at the embedded S3); the stack never sets it.
    objects: new Objects(
      createS3Client({ bucket, endpoint: process.env.CLEANFEED_S3_ENDPOINT ?? null }),
      bucket,
    ),
    log,
  };
}
