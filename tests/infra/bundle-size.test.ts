/**
 * Bundles each Lambda entry exactly as the CDK preset does and checks it
 * stays under 1 MB unzipped: a small bundle is a fast cold start. Also checks
 * the config really is baked into the code the functions run.
 */
import { describe, expect, it } from "vitest";
import { bundleFunction } from "../../infra/bundle.ts";
import { FUNCTION_ENTRIES, type FunctionName } from "../../infra/constructs/cleanfeed-function.ts";
import { testConfig } from "./synth.ts";

const MAX_BYTES = 1024 * 1024;
const config = testConfig();
const bundle = (name: FunctionName) => bundleFunction(name, config);

describe("Lambda bundles", { timeout: 120_000 }, () => {
  it.each(Object.keys(FUNCTION_ENTRIES) as FunctionName[])(
    "%s bundles under 1 MB with the config baked in",
    async (name) => {
      const { code, codeBytes, mapBytes } = await bundle(name);
      console.log(
        `${name}: ${(codeBytes / 1024).toFixed(1)} KiB code, ${(mapBytes / 1024).toFixed(1)} KiB source map`,
      );
      // What Lambda unzips is the code and its map together.
      expect(codeBytes + mapBytes).toBeLessThan(MAX_BYTES);
      // The functions must read `process.env.CLEANFEED_CONFIG` literally, or
      // esbuild's define cannot replace it and the deployed function has no config.
      const baked = code.includes(config.feed.id) && code.includes("https://example.com/feed.xml");
      expect(baked, "the config is baked into the bundle").toBe(true);
    },
  );
});
