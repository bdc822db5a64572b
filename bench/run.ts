/**
 * `npm run bench`: every benchmark in one run, in a fixed order (pipeline,
 * normalize, storage, Lambda bundle sizes, Lambda cold start), then a summary block. Each figure
 * is a ratio against a reference measured in the same run, never a number to
 * compare across machines. Nothing here is asserted: these are for reading.
 */
import { bundleFunction } from "../infra/bundle.ts";
import { FUNCTION_ENTRIES, type FunctionName } from "../infra/constructs/cleanfeed-function.ts";
import { testConfig } from "../tests/helpers/config.ts";
import { benchAdversarial } from "./adversarial.ts";
import { benchColdStart } from "./coldstart.ts";
import { benchNormalize } from "./normalize.ts";
import { benchPipeline } from "./pipeline.ts";
import { benchStore } from "./store.ts";

/** Lines a section printed that carry a ratio (`1.23x`), for the summary. */
async function capturingRatios(run: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => {
    const line = args.map(String).join(" ");
    if (/\d\.\d+x\b/.test(line)) seen.push(line.trim());
    log(...args);
  };
  try {
    await run();
  } finally {
    console.log = log;
  }
  return seen;
}

function heading(title: string) {
  console.log(`\n=== ${title} ${"=".repeat(Math.max(0, 70 - title.length))}`);
}

async function pipelineSection(): Promise<string[]> {
  heading("pipeline");
  return capturingRatios(() => benchPipeline());
}

async function normalizeSection(): Promise<string[]> {
  heading("normalize");
  return capturingRatios(() => benchNormalize());
}

async function storeSection(): Promise<string[]> {
  heading("storage (embedded S3)");
  return benchStore();
}

async function adversarialSection(): Promise<string[]> {
  heading("adversarial documents");
  return benchAdversarial();
}

/** Each Lambda bundled exactly as the CDK preset does, when infra/ says how. */
async function bundleSection(): Promise<string[]> {
  heading("Lambda bundles");
  // A realistic config: it is baked into each bundle by `define`.
  const config = testConfig({
    sources: [{ name: "example", url: "https://example.com/feed.xml" }],
  });
  const lines: string[] = [];
  for (const name of Object.keys(FUNCTION_ENTRIES) as FunctionName[]) {
    const { codeBytes: code, mapBytes: map } = await bundleFunction(name, config);
    // Lambda unzips the code and its map together: that is what the 1 MiB budget covers.
    const line = `${name}: ${(code / 1024).toFixed(1)} KiB minified + ${(map / 1024).toFixed(1)} KiB source map = ${(((code + map) / 1024 / 1024) * 100).toFixed(0)}% of the 1 MiB budget`;
    console.log(line);
    lines.push(`bundle ${line}`);
  }
  return lines;
}

/** The deployed bundles against the AWS SDK bundled in, each imported in a fresh process. */
async function coldStartSection(): Promise<string[]> {
  heading("Lambda cold start (AWS SDK from the runtime or bundled)");
  return benchColdStart();
}

const started = performance.now();
const summary: string[] = [];
const timings: string[] = [];
for (const [name, section] of [
  ["pipeline", pipelineSection],
  ["normalize", normalizeSection],
  ["storage", storeSection],
  ["adversarial", adversarialSection],
  ["bundles", bundleSection],
  ["cold start", coldStartSection],
] as const) {
  const t = performance.now();
  summary.push(...(await section()));
  timings.push(`${name} ${((performance.now() - t) / 1000).toFixed(0)} s`);
}
heading("summary");
for (const line of summary) console.log(`  ${line}`);
console.log(
  `  (wall time: ${timings.join(", ")}; total ${((performance.now() - started) / 1000).toFixed(0)} s)`,
);
