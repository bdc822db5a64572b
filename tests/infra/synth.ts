/**
 * Test helpers: build the real app with a config object, bundling skipped
 * (the tests check the template, not the code), and render IAM policy
 * documents as readable `action on resource` pairs.
 */
import { readFileSync } from "node:fs";
import { Template } from "aws-cdk-lib/assertions";
import { type Config, parseConfig } from "../../functions/core/config.ts";
import { type CleanfeedApp, createCleanfeedApp } from "../../infra/cleanfeed-app.ts";

/** A valid config as a user would write it, with optional overrides. */
export function testConfig(overrides: Record<string, unknown> = {}): Config {
  return parseConfig({
    feed: {
      title: "Test feed",
      id: "urn:uuid:6f1d2c3e-8b4a-4f0e-9a57-3c2d1e0f9b8a",
      author: { name: "Tester" },
    },
    sources: [{ name: "example", url: "https://example.com/feed.xml" }],
    ...overrides,
  });
}

/**
 * The context `cdk synth` gives the app from `cdk.json` (the feature flags),
 * so the tests check the template a deploy would produce.
 */
export const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(new URL("../../cdk.json", import.meta.url), "utf-8"),
).context;

/** The app with bundling skipped; validation failures throw from `synth()`. */
export function buildApp(config: Config): CleanfeedApp {
  return createCleanfeedApp(config, {
    appProps: {
      context: {
        ...CDK_JSON_CONTEXT,
        "aws:cdk:bundling-stacks": [],
        // Throw the cdk-nag report from synth() instead of printing it.
        "@aws-cdk/core:appMode": "inmemory",
      },
    },
  });
}

/** Synthesizes (running cdk-nag) and returns the stack template. */
export function synthTemplate(config: Config): { built: CleanfeedApp; template: Template } {
  const built = buildApp(config);
  built.app.synth();
  return { built, template: Template.fromStack(built.stack) };
}

type Json = Record<string, unknown>;

/**
 * Renders a CloudFormation ARN expression readably: `{Fn::GetAtt: [X, Arn]}`
 * → `X`, and a join of it with `/public/*` → `X/public/*`.
 */
export function renderArn(value: unknown): string {
  if (typeof value === "string") return value;
  const v = value as Json;
  if (Array.isArray(v["Fn::GetAtt"])) return String((v["Fn::GetAtt"] as unknown[])[0]);
  if (typeof v.Ref === "string") return `Ref:${v.Ref}`;
  if (Array.isArray(v["Fn::Join"])) {
    const [sep, parts] = v["Fn::Join"] as [string, unknown[]];
    return parts.map(renderArn).join(sep);
  }
  return JSON.stringify(value);
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

/** Every `Allow action on resource` pair of a policy document, sorted. */
export function allowPairs(document: Json): string[] {
  const pairs: string[] = [];
  for (const s of list(document.Statement) as Json[]) {
    if (s.Effect !== "Allow") continue;
    for (const action of list(s.Action)) {
      for (const resource of list(s.Resource)) pairs.push(`${action} on ${renderArn(resource)}`);
    }
  }
  return pairs.sort();
}

/** The policy document attached to a role (by the role's logical id). */
export function rolePolicy(template: Template, roleLogicalId: string): Json {
  const policies = template.findResources("AWS::IAM::Policy");
  const attached = Object.values(policies).filter((p) =>
    list((p.Properties as Json).Roles).some((r) => (r as Json).Ref === roleLogicalId),
  );
  if (attached.length !== 1) throw new Error(`expected one policy on ${roleLogicalId}`);
  return (attached[0]!.Properties as Json).PolicyDocument as Json;
}
