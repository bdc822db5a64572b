/**
 * Should the bundles carry their own `@aws-sdk/client-s3`? Each function is
 * built as deployed (the SDK left to the runtime) and with the SDK bundled in
 * (with and without a source map), laid out in a task folder outside the
 * repository, and imported in a fresh `node` per round with the options the
 * template gives the functions (`--enable-source-maps`). The figure is the
 * import time (Lambda's init: module load plus the cold-start work at the
 * top of the handler), as a ratio to the deployed build in the same run.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { type BundleVariant, bundleFunction } from "../infra/bundle.ts";
import { FUNCTION_ENTRIES, type FunctionName } from "../infra/constructs/cleanfeed-function.ts";
import { testConfig } from "../tests/helpers/config.ts";
import { layOutTask } from "../tests/helpers/lambda-task.ts";

const run = promisify(execFile);
const ROUNDS = 12;
const BUDGET = 1024 * 1024;

const VARIANTS: { label: string; variant: BundleVariant }[] = [
  { label: "SDK from the runtime (deployed)", variant: {} },
  { label: "SDK bundled", variant: { bundleSdk: true } },
  { label: "SDK bundled, no source map", variant: { bundleSdk: true, sourceMap: false } },
];

/** Imports `entry` once in a fresh process; returns the import's milliseconds. */
const DRIVER = `const t = performance.now();
await import(process.argv[2]);
process.stdout.write("\\nIMPORT_MS " + (performance.now() - t) + "\\n");
`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function importMs(driver: string, entry: string, service: string): Promise<number> {
  const { stdout } = await run(process.execPath, [driver, entry], {
    env: {
      PATH: process.env.PATH ?? "",
      NODE_OPTIONS: "--enable-source-maps",
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "bench",
      AWS_SECRET_ACCESS_KEY: "bench",
      AWS_LAMBDA_FUNCTION_NAME: `cleanfeed-${service}`,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      CLEANFEED_BUCKET: "bench-bucket",
      CLEANFEED_PUBLIC_URL: "https://feed.example.org/",
      POWERTOOLS_SERVICE_NAME: service,
      POWERTOOLS_LOG_LEVEL: "ERROR",
    },
    maxBuffer: 1 << 20,
  });
  const line = stdout.split("\n").find((l) => l.startsWith("IMPORT_MS "));
  if (!line) throw new Error(`no timing from ${entry}: ${stdout}`);
  return Number(line.slice("IMPORT_MS ".length));
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

export async function benchColdStart(): Promise<string[]> {
  const config = testConfig({
    sources: [{ name: "example", url: "https://example.com/feed.xml" }],
  });
  const root = mkdtempSync(join(tmpdir(), "cleanfeed-coldstart-"));
  const driver = join(root, "driver.mjs");
  writeFileSync(driver, DRIVER);
  const summary: string[] = [];
  try {
    for (const name of Object.keys(FUNCTION_ENTRIES) as FunctionName[]) {
      const entries: string[] = [];
      for (const [i, { label, variant }] of VARIANTS.entries()) {
        const bundle = await bundleFunction(name, config, variant);
        const size = bundle.codeBytes + bundle.mapBytes;
        console.log(
          `${name}, ${label}: ${kib(bundle.codeBytes)} + ${kib(bundle.mapBytes)} map = ${((size / BUDGET) * 100).toFixed(0)}% of the 1 MiB budget`,
        );
        entries.push(
          layOutTask(join(root, `${name}-${i}`), bundle, { runtimeSdk: !variant.bundleSdk }),
        );
      }
      // Interleaved rounds, so a burst of load on the machine hits every variant alike.
      const times: number[][] = VARIANTS.map(() => []);
      for (let round = 0; round < ROUNDS; round++) {
        for (const [i, entry] of entries.entries()) {
          times[i]!.push(await importMs(driver, entry, name));
        }
      }
      const base = median(times[0]!);
      for (const [i, { label }] of VARIANTS.entries()) {
        const m = median(times[i]!);
        const line = `${name} cold start, ${label}: ${m.toFixed(0)} ms import (median of ${ROUNDS}) = ${(m / base).toFixed(2)}x the deployed build`;
        console.log(line);
        if (i > 0) summary.push(line);
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return summary;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchColdStart();
