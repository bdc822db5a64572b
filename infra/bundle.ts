/**
 * A Lambda bundled exactly as the CDK preset bundles it, in memory: for the
 * bundle-size test and `npm run bench`, so both measure what would deploy.
 * `npm run bench` also builds the variants the preset did not choose (the
 * AWS SDK bundled in, with or without a source map) to compare cold starts.
 */
import { build } from "esbuild";
import type { Config } from "../functions/core/config.ts";
import { PROJECT_ROOT } from "./cleanfeed-stack.ts";
import {
  FUNCTION_ENTRIES,
  type FunctionName,
  presetBuild,
} from "./constructs/cleanfeed-function.ts";

export interface Bundle {
  code: string;
  /** The source map (`index.mjs.map`); empty without one. */
  map: string;
  codeBytes: number;
  mapBytes: number;
}

export interface BundleVariant {
  /** Bundle `@aws-sdk/*` too instead of leaving it to the runtime. */
  bundleSdk?: boolean;
  sourceMap?: boolean;
}

export async function bundleFunction(
  name: FunctionName,
  config: Config,
  variant: BundleVariant = {},
): Promise<Bundle> {
  const preset = presetBuild(config);
  const result = await build({
    entryPoints: [`${PROJECT_ROOT}/${FUNCTION_ENTRIES[name]}`],
    bundle: true,
    platform: "node",
    write: false,
    outfile: `${name}/index.mjs`,
    minify: preset.minify,
    sourcemap: variant.sourceMap ?? preset.sourceMap,
    sourcesContent: preset.sourcesContent,
    target: preset.target,
    format: preset.format,
    banner: { js: preset.banner },
    mainFields: preset.mainFields,
    external: variant.bundleSdk ? [] : preset.externalModules,
    define: preset.define,
    logLevel: "silent",
  });
  const code = result.outputFiles.find((f) => f.path.endsWith(".mjs"));
  const map = result.outputFiles.find((f) => f.path.endsWith(".map"));
  return {
    code: code?.text ?? "",
    map: map?.text ?? "",
    codeBytes: code?.contents.length ?? 0,
    mapBytes: map?.contents.length ?? 0,
  };
}
