/**
 * The bundles leave `@aws-sdk/client-s3` to the Lambda runtime (bundled, they
 * would miss their size budget: `npm run bench`), so the version the tests
 * ran is pinned in `functions/runtime/lambda.ts` and the README, and checked
 * at cold start. These keep the pin true to the lockfile.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isTestedS3Sdk, runningS3Sdk, TESTED_S3_SDK } from "../../functions/runtime/lambda.ts";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf-8");
const installed = JSON.parse(read("node_modules/@aws-sdk/client-s3/package.json")).version;

describe("the tested AWS SDK", () => {
  it("starts at the version the lockfile installs, which is the one the tests run", () => {
    expect(TESTED_S3_SDK.from).toBe(installed);
    expect(JSON.parse(read("package.json")).dependencies["@aws-sdk/client-s3"]).toBe(installed);
    expect(runningS3Sdk()).toBe(installed);
  });

  it("is pinned in the README", () => {
    expect(read("README.md")).toContain(`\`>=${TESTED_S3_SDK.from} <${TESTED_S3_SDK.belowMajor}\``);
  });

  it("accepts the tested version and later ones of the same major only", () => {
    const [major, minor, patch] = TESTED_S3_SDK.from.split(".").map(Number) as number[];
    expect(isTestedS3Sdk(TESTED_S3_SDK.from)).toBe(true);
    expect(isTestedS3Sdk(`${major}.${minor! + 1}.0`)).toBe(true);
    expect(isTestedS3Sdk(`${major}.${minor}.${patch! + 1}`)).toBe(true);
    expect(isTestedS3Sdk(`${major}.${minor! - 1}.99`)).toBe(false);
    expect(isTestedS3Sdk("3.700.0")).toBe(false);
    expect(isTestedS3Sdk(`${TESTED_S3_SDK.belowMajor}.0.0`)).toBe(false);
    expect(isTestedS3Sdk("2.1692.0")).toBe(false);
  });
});
