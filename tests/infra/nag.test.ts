import { App, Validations } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import { AwsSolutionsChecks } from "cdk-nag";
import { describe, expect, it } from "vitest";
import { CleanfeedStack } from "../../infra/cleanfeed-stack.ts";
import { buildApp, CDK_JSON_CONTEXT, testConfig } from "./synth.ts";

const CUSTOM_DOMAIN = {
  domainName: "feed.example.org",
  certificateArn:
    "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666",
};

// Each case synthesizes the whole app; on a busy 2-core machine that takes seconds.
describe("cdk-nag AwsSolutions", { timeout: 120_000 }, () => {
  it.each([
    ["the default config", testConfig()],
    [
      "destroy + alarm email + custom domain",
      testConfig({
        deploy: { removalPolicy: "destroy", alarmEmail: "ops@example.org", ...CUSTOM_DOMAIN },
      }),
    ],
  ])("finds nothing unacknowledged with %s", (_name, config) => {
    const { app } = buildApp(config);
    expect(() => app.synth()).not.toThrow();
    // The same check directly: no violation at all, warnings included.
    expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
  });

  it("fails synthesis when the acknowledgements are missing", () => {
    const app = new App({
      context: {
        ...CDK_JSON_CONTEXT,
        "aws:cdk:bundling-stacks": [],
        "@aws-cdk/core:appMode": "inmemory",
      },
    });
    new CleanfeedStack(app, "Unacknowledged", { config: testConfig() });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-S1[\s\S]*AwsSolutions-IAM5/);
  });

  it("fails synthesis when someone adds a public, unencrypted bucket", () => {
    const { app, stack } = buildApp(testConfig());
    new s3.Bucket(stack, "Oops", {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ACLS_ONLY,
      publicReadAccess: true,
    });
    // Acknowledgements are per construct: the items bucket's S1 does not cover it.
    expect(() => app.synth()).toThrow(/Oops[\s\S]*AwsSolutions-S1|AwsSolutions-S1[\s\S]*Oops/);
  });

  it("fails synthesis when a function role is granted a bucket-wide wildcard", () => {
    const { app, stack } = buildApp(testConfig());
    stack.bucket.grantReadWrite(stack.regenerate.role);
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Action::s3:GetObject\*\]/);
  });
});
