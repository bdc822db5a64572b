/**
 * `npm run bench`: every benchmark in one run, in a fixed order (pipeline,
 * normalize, storage, Lambda bundle sizes), then a summary block. Each figure
 * is a ratio against a reference measured in the same run, never a number to
 * compare across machines. Nothing here is asserted: these are for reading.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { testConfig } from "../tests/helpers/config.ts";
import { benchNormalize } from "./normalize.ts";
import { benchStore } from "./store.ts";

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const specifier = (file: string) => new URL(file, import.meta.url).href;

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
  // Written by another branch; the specifier is computed so this file
  // typechecks before that one exists.
  if (!existsSync(here("./pipeline.ts"))) {
    console.log("skipped: bench/pipeline.ts not present");
    return ["pipeline: skipped (bench/pipeline.ts not present)"];
  }
  const mod = (await import(specifier("./pipeline.ts"))) as { benchPipeline: () => Promise<void> };
  return capturingRatios(() => mod.benchPipeline());
}

async function normalizeSection(): Promise<string[]> {
  heading("normalize");
  return capturingRatios(() => benchNormalize());
}

async function storeSection(): Promise<string[]> {
  heading("storage (embedded S3)");
  return benchStore();
}

/** What infra/ exports for the bundling (see infra/constructs/cleanfeed-function.ts). */
interface InfraPreset {
  FUNCTION_ENTRIES: Record<string, string>;
  presetBuild(config: ReturnType<typeof testConfig>): {
    minify: boolean;
    sourceMap: boolean;
    sourcesContent: boolean;
    target: string;
    format: "esm";
    banner: string;
    mainFields: string[];
    externalModules: string[];
    define: Record<string, string>;
  };
}

/** Each Lambda bundled exactly as the CDK preset does, when infra/ says how. */
async function bundleSection(): Promise<string[]> {
  heading("Lambda bundles");
  const presetFile = here("../infra/constructs/cleanfeed-function.ts");
  if (!existsSync(presetFile)) {
    console.log("skipped: infra/ does not export its esbuild options here yet");
    return ["bundles: skipped (no infra/constructs/cleanfeed-function.ts)"];
  }
  const infra = (await import(
    specifier("../infra/constructs/cleanfeed-function.ts")
  )) as Partial<InfraPreset>;
  if (!infra.FUNCTION_ENTRIES || typeof infra.presetBuild !== "function") {
    console.log("skipped: infra/ has no FUNCTION_ENTRIES and presetBuild to bundle with");
    return ["bundles: skipped (infra/ exports no esbuild options)"];
  }
  const { build } = await import("esbuild");
  // A realistic config: it is baked into each bundle by `define`.
  const preset = infra.presetBuild(
    testConfig({ sources: [{ name: "example", url: "https://example.com/feed.xml" }] }),
  );
  const lines: string[] = [];
  for (const [name, entry] of Object.entries(infra.FUNCTION_ENTRIES)) {
    const result = await build({
      entryPoints: [here(`../${entry}`)],
      bundle: true,
      platform: "node",
      write: false,
      outfile: `${name}/index.mjs`,
      minify: preset.minify,
      sourcemap: preset.sourceMap,
      sourcesContent: preset.sourcesContent,
      target: preset.target,
      format: preset.format,
      banner: { js: preset.banner },
      mainFields: preset.mainFields,
      external: preset.externalModules,
      define: preset.define,
      logLevel: "silent",
    });
    const size = (suffix: string) =>
      result.outputFiles.find((f) => f.path.endsWith(suffix))?.contents.length ?? 0;
    const code = size(".mjs");
    const map = size(".map");
    // Lambda unzips the code and its map together: that is what the 1 MiB budget covers.
    const line = `${name}: ${(code / 1024).toFixed(1)} KiB minified + ${(map / 1024).toFixed(1)} KiB source map = ${(((code + map) / 1024 / 1024) * 100).toFixed(0)}% of the 1 MiB budget`;
    console.log(line);
    lines.push(`bundle ${line}`);
  }
  return lines;
}

const started = performance.now();
const summary: string[] = [];
const timings: string[] = [];
for (const [name, section] of [
  ["pipeline", pipelineSection],
  ["normalize", normalizeSection],
  ["storage", storeSection],
  ["bundles", bundleSection],
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
