/**
 * Deployable anywhere: two stacks in one account (two regions, or two names
 * in one region) must not claim the same account-global name, or the second
 * deploy fails. Every resource type the stack creates is classified below, so
 * a new type fails here until someone says whether its name is global.
 */
import type { Environment } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { createCleanfeedApp } from "../../infra/cleanfeed-app.ts";
import { CDK_JSON_CONTEXT, renderArn, testConfig } from "./synth.ts";

type Json = Record<string, unknown>;

/**
 * Where each resource type keeps a name that must be unique across the
 * account (or all of AWS), whatever the region. Absent: CloudFormation
 * generates a unique one.
 */
const GLOBAL_NAMES: Record<string, string[]> = {
  "AWS::CloudFront::OriginAccessControl": ["OriginAccessControlConfig", "Name"],
  "AWS::CloudFront::CachePolicy": ["CachePolicyConfig", "Name"],
  "AWS::CloudFront::ResponseHeadersPolicy": ["ResponseHeadersPolicyConfig", "Name"],
  "AWS::CloudFront::Function": ["Name"],
  "AWS::IAM::Role": ["RoleName"],
  "AWS::IAM::ManagedPolicy": ["ManagedPolicyName"],
  "AWS::S3::Bucket": ["BucketName"],
};

/** Types whose names are regional, scoped to a parent, or have none. */
const NOT_GLOBAL = new Set([
  "AWS::CDK::Metadata",
  "AWS::CloudFront::Distribution",
  "AWS::CloudWatch::Alarm",
  "AWS::IAM::Policy",
  "AWS::Lambda::EventInvokeConfig",
  "AWS::Lambda::EventSourceMapping",
  "AWS::Lambda::Function",
  "AWS::Lambda::Permission",
  "AWS::Lambda::Url",
  "AWS::Logs::LogGroup",
  "AWS::S3::BucketPolicy",
  "AWS::SNS::Subscription",
  "AWS::SNS::Topic",
  "AWS::SNS::TopicPolicy",
  "AWS::SQS::Queue",
  "AWS::SQS::QueuePolicy",
  "AWS::Scheduler::Schedule",
  "Custom::S3AutoDeleteObjects",
  "Custom::S3BucketNotifications",
]);

function synth(name: string, env: Environment | undefined, extra: Json = {}): Template {
  const { app, stack } = createCleanfeedApp(testConfig({ deploy: { stackName: name, ...extra } }), {
    env,
    appProps: {
      context: {
        ...CDK_JSON_CONTEXT,
        "aws:cdk:bundling-stacks": [],
        "@aws-cdk/core:appMode": "inmemory",
      },
    },
  });
  app.synth();
  return Template.fromStack(stack);
}

/** Every account-global name the template sets, as `Type name`. */
function globalNames(template: Template): string[] {
  const names: string[] = [];
  for (const [id, resource] of Object.entries(template.toJSON().Resources as Json)) {
    const { Type: type, Properties: props } = resource as { Type: string; Properties?: Json };
    const path = GLOBAL_NAMES[type];
    if (path === undefined) {
      expect(NOT_GLOBAL.has(type), `${id}: is a ${type}'s name account-global?`).toBe(true);
      continue;
    }
    const value = path.reduce<unknown>((v, k) => (v as Json | undefined)?.[k], props);
    if (value !== undefined) names.push(`${type} ${renderArn(value)}`);
  }
  return names;
}

const account = "123456789012";

describe("account-global names", { timeout: 120_000 }, () => {
  it("differ between one stack name in two regions", () => {
    const a = globalNames(synth("Cleanfeed", { account, region: "eu-west-1" }));
    const b = globalNames(synth("Cleanfeed", { account, region: "us-east-1" }));
    // the four CloudFront names, each qualified by its region
    expect(a).toHaveLength(4);
    expect(a.every((n) => n.includes("Cleanfeed-eu-west-1-"))).toBe(true);
    expect(a.filter((n) => b.includes(n))).toEqual([]);
  });

  it("differ between two stack names in one region", () => {
    const env = { account, region: "eu-west-1" };
    // destroy adds the auto-delete custom resource: classified too
    const a = globalNames(synth("Cleanfeed", env, { removalPolicy: "destroy" }));
    const b = globalNames(synth("Cleanfeed-staging", env));
    expect(a).toHaveLength(4);
    expect(a.filter((n) => b.includes(n))).toEqual([]);
  });

  it("follow the region the CLI deploys to when the stack has no env", () => {
    const names = globalNames(synth("Cleanfeed", undefined));
    expect(names).toHaveLength(4);
    for (const name of names)
      expect(name).toMatch(/^\S+ Cleanfeed-Ref:AWS::Region-(oac|cache|headers|view)$/);
  });

  it("names the CloudFormation stack after deploy.stackName", () => {
    const { stack } = createCleanfeedApp(testConfig({ deploy: { stackName: "Feeds-eu" } }), {
      appProps: { context: { ...CDK_JSON_CONTEXT, "aws:cdk:bundling-stacks": [] } },
    });
    expect(stack.stackName).toBe("Feeds-eu");
    expect(stack.node.id).toBe("Feeds-eu");
    expect(
      createCleanfeedApp(testConfig(), {
        appProps: { context: { "aws:cdk:bundling-stacks": [] } },
      }).stack.stackName,
    ).toBe("Cleanfeed");
  });
});
