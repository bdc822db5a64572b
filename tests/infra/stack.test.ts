import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { CfnElement } from "aws-cdk-lib";
import { Annotations, Match, type Template } from "aws-cdk-lib/assertions";
import type { IConstruct } from "constructs";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { SERVED_CSP } from "../../functions/store/layout.ts";
import type { CleanfeedApp } from "../../infra/cleanfeed-app.ts";
import { BROWSER_VIEW_FUNCTION } from "../../infra/cleanfeed-stack.ts";
import { isAllowed, resolveStatements } from "../helpers/iam-policy.ts";
import { allowPairs, buildApp, renderArn, rolePolicy, synthTemplate, testConfig } from "./synth.ts";

let built: CleanfeedApp;
let template: Template;
const id = (c: IConstruct) => built.stack.getLogicalId(c.node.defaultChild as CfnElement);

beforeAll(() => {
  ({ built, template } = synthTemplate(
    testConfig({ pollIntervalMinutes: 15, deploy: { logRetentionDays: 14 } }),
  ));
}, 120_000);
// Some cases synthesize another variant of the app: seconds each on a busy machine.
vi.setConfig({ testTimeout: 120_000 });

type Json = Record<string, unknown>;
const props = (type: string) =>
  Object.values(template.findResources(type)).map((r) => r.Properties as Json);

describe("storage", () => {
  it("keeps the items bucket private, encrypted, SSL/TLS1.2-only and versioned", () => {
    template.hasResourceProperties("AWS::S3::Bucket", {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } },
        ],
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] },
      VersioningConfiguration: { Status: "Enabled" },
    });
    const statements = (props("AWS::S3::BucketPolicy")[0]!.PolicyDocument as Json)
      .Statement as Json[];
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: "Deny",
        Action: "s3:*",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: "Deny",
        Condition: { NumericLessThan: { "s3:TlsVersion": 1.2 } },
      }),
    );
  });

  it("keeps old versions a day for index/ and sources/, a week for public/, a month elsewhere (entries/)", () => {
    const rules = (props("AWS::S3::Bucket")[0]!.LifecycleConfiguration as { Rules: Json[] }).Rules;
    const byPrefix = new Map(rules.map((r) => [r.Prefix ?? "", r]));
    const days = (prefix: string) =>
      (byPrefix.get(prefix)?.NoncurrentVersionExpiration as Json | undefined)?.NoncurrentDays;
    expect(days("")).toBe(30);
    expect(days("index/")).toBe(1);
    expect(days("sources/")).toBe(1);
    expect(days("public/")).toBe(7);
    // entries/ and keys/ fall under the whole-bucket rule only (S3 applies the shortest rule)
    expect(byPrefix.has("entries/")).toBe(false);
    expect(byPrefix.has("keys/")).toBe(false);
    expect(byPrefix.get("")).toMatchObject({
      Status: "Enabled",
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      ExpiredObjectDeleteMarker: true,
    });
    for (const r of rules) expect(r.Status).toBe("Enabled");
  });

  it("expires a drop left in incoming/ only after every retry path (dead-letter retention) has passed", () => {
    const rules = (props("AWS::S3::Bucket")[0]!.LifecycleConfiguration as { Rules: Json[] }).Rules;
    const incoming = rules.filter((r) => r.Prefix === "incoming/");
    expect(incoming).toEqual([
      expect.objectContaining({
        ExpirationInDays: 15,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
      }),
    ]);
    // no other rule expires current objects: stories, keys, state and feeds stay
    expect(rules.filter((r) => r.ExpirationInDays !== undefined)).toHaveLength(1);
    const retention = props("AWS::SQS::Queue").map((q) => Number(q.MessageRetentionPeriod ?? 0));
    expect(15 * 86_400).toBeGreaterThan(Math.max(...retention));
  });

  it("retains the bucket on stack deletion by default", () => {
    template.hasResource("AWS::S3::Bucket", { DeletionPolicy: "Retain" });
    expect(template.findResources("Custom::S3AutoDeleteObjects")).toEqual({});
  });

  it("deletes and empties it when deploy.removalPolicy is destroy", () => {
    const { template: t } = synthTemplate(testConfig({ deploy: { removalPolicy: "destroy" } }));
    t.hasResource("AWS::S3::Bucket", { DeletionPolicy: "Delete" });
    t.resourceCountIs("Custom::S3AutoDeleteObjects", 1);
  });
});

describe("serving", () => {
  it("lets CloudFront (this distribution, via OAC) read public/* and nothing else", () => {
    const statements = (props("AWS::S3::BucketPolicy")[0]!.PolicyDocument as Json)
      .Statement as Json[];
    const allows = statements.filter((s) => s.Effect === "Allow");
    expect(allows).toHaveLength(1);
    const [allow] = allows;
    expect(allow!.Principal).toEqual({ Service: "cloudfront.amazonaws.com" });
    expect(allow!.Action).toBe("s3:GetObject");
    expect(renderArn(allow!.Resource)).toBe(`${id(built.stack.bucket)}/public/*`);
    const sourceArn = (allow!.Condition as Json).StringEquals as Json;
    expect(renderArn(sourceArn["AWS:SourceArn"])).toContain(`Ref:${id(built.stack.distribution)}`);
  });

  it("serves the public/ prefix over HTTPS with OAC, compression and feed.atom at /", () => {
    template.resourceCountIs("AWS::CloudFront::OriginAccessControl", 1);
    template.hasResourceProperties("AWS::CloudFront::OriginAccessControl", {
      OriginAccessControlConfig: {
        OriginAccessControlOriginType: "s3",
        SigningBehavior: "always",
        SigningProtocol: "sigv4",
      },
    });
    template.hasResourceProperties("AWS::CloudFront::Distribution", {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: "feed.atom",
        Origins: [
          Match.objectLike({
            OriginPath: "/public",
            OriginAccessControlId: Match.anyValue(),
            S3OriginConfig: { OriginAccessIdentity: "" },
          }),
        ],
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: "redirect-to-https",
          Compress: true,
          ResponseHeadersPolicyId: Match.anyValue(),
        }),
      }),
    });
  });

  it("caches briefly with minTtl 0 so conditional GETs reach fresh ETags", () => {
    template.hasResourceProperties("AWS::CloudFront::CachePolicy", {
      CachePolicyConfig: Match.objectLike({ MinTTL: 0, DefaultTTL: 60, MaxTTL: 86400 }),
    });
  });

  it("sends security headers that keep a feed opened in a browser inert", () => {
    template.hasResourceProperties("AWS::CloudFront::ResponseHeadersPolicy", {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          ContentTypeOptions: { Override: true },
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 31536000 }),
          ContentSecurityPolicy: Match.objectLike({
            ContentSecurityPolicy: Match.stringLikeRegexp("default-src 'none'.*sandbox"),
          }),
        }),
      }),
    });
  });

  it("serves the feeds to browsers through the viewer-response function, under the CSP the local server sends", () => {
    template.hasResourceProperties("AWS::CloudFront::ResponseHeadersPolicy", {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          ContentSecurityPolicy: { ContentSecurityPolicy: SERVED_CSP, Override: true },
        }),
      }),
    });
    const [fn] = Object.entries(template.findResources("AWS::CloudFront::Function"));
    expect(fn?.[1].Properties).toMatchObject({
      AutoPublish: true,
      FunctionCode: readFileSync(BROWSER_VIEW_FUNCTION, "utf-8"),
      FunctionConfig: { Runtime: "cloudfront-js-2.0" },
    });
    template.hasResourceProperties("AWS::CloudFront::Distribution", {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({
          FunctionAssociations: [
            {
              EventType: "viewer-response",
              FunctionARN: { "Fn::GetAtt": [fn![0], "FunctionARN"] },
            },
          ],
        }),
      }),
    });
  });

  it("outputs the feed URL on the distribution's domain", () => {
    const feedUrl = template.findOutputs("FeedUrl").FeedUrl!.Value as Json;
    expect(renderArn(feedUrl)).toBe(`https://${id(built.stack.distribution)}/feed.atom`);
  });

  it("uses a custom domain with its certificate and TLSv1.2_2021 when configured", () => {
    const { template: t } = synthTemplate(
      testConfig({
        deploy: {
          domainName: "feed.example.org",
          certificateArn:
            "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666",
        },
      }),
    );
    t.hasResourceProperties("AWS::CloudFront::Distribution", {
      DistributionConfig: Match.objectLike({
        Aliases: ["feed.example.org"],
        ViewerCertificate: Match.objectLike({
          MinimumProtocolVersion: "TLSv1.2_2021",
          SslSupportMethod: "sni-only",
        }),
      }),
    });
    expect(t.findOutputs("FeedUrl").FeedUrl!.Value).toBe("https://feed.example.org/feed.atom");
    t.hasResourceProperties("AWS::Lambda::Function", {
      Environment: {
        Variables: Match.objectLike({ CLEANFEED_PUBLIC_URL: "https://feed.example.org/" }),
      },
    });
  });
});

describe("functions", () => {
  it("runs both on nodejs24.x, arm64, JSON logs, into log groups with the configured retention", () => {
    const fns = props("AWS::Lambda::Function").filter((f) =>
      String(f.Description).startsWith("cleanfeed "),
    );
    expect(fns).toHaveLength(2);
    for (const fn of fns) {
      expect(fn.Runtime).toBe("nodejs24.x");
      expect(fn.Architectures).toEqual(["arm64"]);
      expect(fn.LoggingConfig).toMatchObject({ LogFormat: "JSON" });
    }
    for (const fn of [built.stack.ingest, built.stack.regenerate]) {
      // This function's own log group, not just any group with that retention.
      const group = template.findResources("AWS::Logs::LogGroup")[id(fn.logGroup)];
      expect(group?.Properties).toMatchObject({ RetentionInDays: 14 });
      template.hasResourceProperties("AWS::Lambda::Function", {
        LoggingConfig: { LogFormat: "JSON", LogGroup: { Ref: id(fn.logGroup) } },
      });
    }
  });

  it("gives each function its environment and timeout", () => {
    for (const [fn, service, timeout] of [
      [built.stack.ingest, "ingest", 300],
      [built.stack.regenerate, "regenerate", 60],
    ] as const) {
      template.hasResourceProperties("AWS::Lambda::Function", {
        FunctionName: Match.absent(),
        Timeout: timeout,
        Environment: {
          Variables: Match.objectLike({
            CLEANFEED_BUCKET: { Ref: id(built.stack.bucket) },
            POWERTOOLS_SERVICE_NAME: service,
            POWERTOOLS_LOG_LEVEL: Match.anyValue(),
          }),
        },
        Role: { "Fn::GetAtt": [id(fn.role), "Arn"] },
      });
    }
  });

  it("does not put the config in an environment variable (4 KB limit)", () => {
    for (const fn of props("AWS::Lambda::Function")) {
      const vars = ((fn.Environment as Json | undefined)?.Variables ?? {}) as Json;
      expect(vars).not.toHaveProperty("CLEANFEED_CONFIG");
    }
  });

  it("never points a function at another S3 endpoint (CLEANFEED_S3_ENDPOINT is for tests)", () => {
    for (const fn of props("AWS::Lambda::Function")) {
      const vars = ((fn.Environment as Json | undefined)?.Variables ?? {}) as Json;
      expect(vars).not.toHaveProperty("CLEANFEED_S3_ENDPOINT");
    }
  });
});

describe("least privilege", () => {
  const logs = (fn: "ingest" | "regenerate") => {
    const group = id(built.stack[fn].logGroup);
    return [`logs:CreateLogStream on ${group}`, `logs:PutLogEvents on ${group}`];
  };
  // the on-failure destination: each function may send to the dead-letter queue, nothing more
  const deadLetter = () =>
    ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"].map(
      (a) => `${a} on ${id(built.stack.deadLetters)}`,
    );

  it("grants ingest exactly its prefixes, its log group and the dead-letter queue", () => {
    const b = id(built.stack.bucket);
    const expected = [
      ...["entries/*", "keys/*", "sources/*", "index/head.json", "index/intents/*"].flatMap((p) => [
        `s3:GetObject on ${b}/${p}`,
        `s3:PutObject on ${b}/${p}`,
      ]),
      `s3:GetObject on ${b}/incoming/*`,
      `s3:DeleteObject on ${b}/incoming/*`,
      `s3:DeleteObject on ${b}/index/intents/*`,
      `s3:ListBucket on ${b}`,
      ...logs("ingest"),
      ...deadLetter(),
    ].sort();
    expect(allowPairs(rolePolicy(template, id(built.stack.ingest.role)))).toEqual(expected);
  });

  it("grants regenerate exactly its prefixes, its log group and the dead-letter queue", () => {
    const b = id(built.stack.bucket);
    const expected = [
      `s3:GetObject on ${b}/index/head.json`,
      `s3:GetObject on ${b}/entries/*`,
      `s3:GetObject on ${b}/public/*`,
      `s3:PutObject on ${b}/public/*`,
      `s3:GetObject on ${b}/index/archive/state.json`,
      `s3:PutObject on ${b}/index/archive/state.json`,
      `s3:ListBucket on ${b}`,
      ...logs("regenerate"),
      ...deadLetter(),
    ].sort();
    expect(allowPairs(rolePolicy(template, id(built.stack.regenerate.role)))).toEqual(expected);
  });

  it("lets each function list (and see as missing) only the keys it reads", () => {
    const listed = (fn: "ingest" | "regenerate") =>
      ((rolePolicy(template, id(built.stack[fn].role)).Statement as Json[]).find(
        (st) => st.Action === "s3:ListBucket",
      )?.Condition ?? null) as Json | null;
    expect(listed("ingest")).toEqual({
      StringLike: {
        "s3:prefix": [
          "entries/*",
          "keys/*",
          "sources/*",
          "index/head.json",
          "index/intents/*",
          "incoming/*",
        ],
      },
    });
    expect(listed("regenerate")).toEqual({
      StringLike: {
        "s3:prefix": ["index/head.json", "entries/*", "public/*", "index/archive/state.json"],
      },
    });
  });

  describe("what each role may do to the store, evaluated", () => {
    const bucketArn = "arn:aws:s3:::items";
    const may = (fn: "ingest" | "regenerate") => {
      const statements = resolveStatements(
        rolePolicy(template, id(built.stack[fn].role)),
        (logicalId, attribute) => {
          if (logicalId === id(built.stack.bucket) && attribute === "Arn") return bucketArn;
          return `${logicalId}.${attribute}`;
        },
      );
      return (action: string, key: string) =>
        action === "ListBucket"
          ? isAllowed(statements, {
              action: "s3:ListBucket",
              resource: bucketArn,
              context: { "s3:prefix": key },
            })
          : isAllowed(statements, { action: `s3:${action}`, resource: `${bucketArn}/${key}` });
    };

    it("ingest cannot touch regenerate's archive state or the published files", () => {
      const ingest = may("ingest");
      for (const action of ["GetObject", "PutObject", "DeleteObject"]) {
        expect(ingest(action, "index/archive/state.json"), action).toBe(false);
        expect(ingest(action, "public/feed.atom"), action).toBe(false);
      }
      expect(ingest("ListBucket", "index/archive/state.json")).toBe(false);
    });

    it("ingest writes the head index and its intents, deletes intents and drops, nothing else", () => {
      const ingest = may("ingest");
      expect(ingest("PutObject", "index/head.json")).toBe(true);
      expect(ingest("PutObject", "index/intents/20250603T120000Z_w_1.json")).toBe(true);
      expect(ingest("DeleteObject", "index/intents/20250603T120000Z_w_1.json")).toBe(true);
      expect(ingest("DeleteObject", "incoming/world desk.atom")).toBe(true);
      expect(ingest("PutObject", "index/other.json")).toBe(false);
      for (const key of ["index/head.json", "entries/x.json", "keys/url/ab", "sources/x.json"]) {
        expect(ingest("DeleteObject", key), key).toBe(false);
      }
      expect(ingest("PutObject", "incoming/x.xml")).toBe(false);
    });

    it("ingest lists its intents, and nothing it does not read", () => {
      const ingest = may("ingest");
      expect(ingest("ListBucket", "index/intents/")).toBe(true);
      // a missing key it reads is a 404 (S3 checks ListBucket with the key as s3:prefix)
      expect(ingest("ListBucket", "index/head.json")).toBe(true);
      expect(ingest("ListBucket", "sources/ab12.json")).toBe(true);
      expect(ingest("ListBucket", "")).toBe(false);
      expect(ingest("ListBucket", "index/")).toBe(false);
      expect(ingest("ListBucket", "public/")).toBe(false);
    });

    it("regenerate publishes and keeps its archive state, and writes nothing ingest owns", () => {
      const regenerate = may("regenerate");
      expect(regenerate("PutObject", "public/feed.atom")).toBe(true);
      expect(regenerate("PutObject", "index/archive/state.json")).toBe(true);
      expect(regenerate("GetObject", "index/head.json")).toBe(true);
      for (const key of ["index/head.json", "index/intents/x.json", "entries/x.json"]) {
        expect(regenerate("PutObject", key), key).toBe(false);
      }
      expect(regenerate("GetObject", "sources/x.json")).toBe(false);
      expect(regenerate("ListBucket", "index/intents/")).toBe(false);
      expect(regenerate("ListBucket", "")).toBe(false);
    });
  });

  it("lists the bucket only where the grants expect it: intents, from the store", () => {
    // Every ListObjectsV2 goes through Objects.list; a new caller needs a grant (and this updated).
    const root = new URL("../../functions/", import.meta.url).pathname;
    const callers = readdirSync(root, { recursive: true, encoding: "utf-8" })
      .filter((f) => f.endsWith(".ts") && !f.startsWith("local/"))
      .flatMap((f) =>
        [...readFileSync(join(root, f), "utf-8").matchAll(/objects\.list\(([^)]*)\)/g)].map(
          (m) => `${f}: ${m[1]}`,
        ),
      );
    expect(callers).toEqual(["store/intents.ts: PREFIX.intents"]);
  });

  it("attaches no managed policies to the function roles", () => {
    for (const fn of [built.stack.ingest, built.stack.regenerate]) {
      const role = template.findResources("AWS::IAM::Role")[id(fn.role)]!.Properties as Json;
      expect(role.ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe("triggers", () => {
  it("polls on the configured interval with the fixed poll input", () => {
    template.hasResourceProperties("AWS::Scheduler::Schedule", {
      ScheduleExpression: "rate(15 minutes)",
      Target: Match.objectLike({
        Arn: { "Fn::GetAtt": [id(built.stack.ingest.function), "Arn"] },
        Input: JSON.stringify({ source: "aws.scheduler", action: "poll" }),
      }),
    });
  });

  it("keeps one poll schedule, without a shard, while the sources fit one shard", () => {
    template.resourceCountIs("AWS::Scheduler::Schedule", 2);
    expect(built.stack.pollSchedules).toHaveLength(1);
    template.hasResourceProperties("AWS::Scheduler::Schedule", {
      ScheduleExpression: "rate(15 minutes)",
      FlexibleTimeWindow: { Mode: "OFF" },
    });
  });

  it("makes one schedule per shard of sources, each naming its shard, spread over half the interval", () => {
    const sources = Array.from({ length: 450 }, (_, n) => ({
      name: `outlet${n}`,
      url: `https://outlet${n}.example/feed.xml`,
    }));
    const { built: b, template: t } = synthTemplate(
      testConfig({ sources, pollIntervalMinutes: 15 }),
    );
    const fn = b.stack.getLogicalId(b.stack.ingest.function.node.defaultChild as CfnElement);
    const polls = Object.values(t.findResources("AWS::Scheduler::Schedule"))
      .map((r) => r.Properties as Json)
      .filter((p) => JSON.stringify(p.Target).includes(fn));
    // 450 sources, 200 a shard: 3 shards, each an invocation of its own
    expect(polls.map((p) => JSON.parse(String((p.Target as Json).Input)))).toEqual(
      [0, 1, 2].map((shard) => ({ source: "aws.scheduler", action: "poll", shard })),
    );
    for (const p of polls) {
      expect(p.ScheduleExpression).toBe("rate(15 minutes)");
      expect(p.FlexibleTimeWindow).toEqual({ Mode: "FLEXIBLE", MaximumWindowInMinutes: 7 });
    }
  });

  it("refuses a config of more poll shards than a stack can hold schedules", () => {
    const sources = Array.from({ length: 201 }, (_, n) => ({
      name: `outlet${n}`,
      url: `https://outlet${n}.example/feed.xml`,
    }));
    expect(() => buildApp(testConfig({ sources, limits: { sourcesPerShard: 1 } }))).toThrow(
      /limits.sourcesPerShard.*201 poll shards/,
    );
  });

  it("regenerates hourly even without new items", () => {
    template.hasResourceProperties("AWS::Scheduler::Schedule", {
      ScheduleExpression: "rate(1 hour)",
      Target: Match.objectLike({
        Arn: { "Fn::GetAtt": [id(built.stack.regenerate.function), "Arn"] },
      }),
    });
  });

  it("sends incoming/ drops to ingest and head index writes to regenerate, directly", () => {
    const notifications = props("Custom::S3BucketNotifications")[0]!
      .NotificationConfiguration as Json;
    expect(notifications.QueueConfigurations).toBeUndefined();
    const targets = (notifications.LambdaFunctionConfigurations as Json[]).map((q) => ({
      events: q.Events,
      prefix: ((q.Filter as Json).Key as Json).FilterRules,
      fn: q.LambdaFunctionArn,
    }));
    expect(targets).toEqual([
      {
        events: ["s3:ObjectCreated:*"],
        prefix: [{ Name: "prefix", Value: "incoming/" }],
        fn: { "Fn::GetAtt": [id(built.stack.ingest.function), "Arn"] },
      },
      {
        events: ["s3:ObjectCreated:*"],
        prefix: [{ Name: "prefix", Value: "index/head.json" }],
        fn: { "Fn::GetAtt": [id(built.stack.regenerate.function), "Arn"] },
      },
    ]);
    // S3 may invoke each only for this bucket, in this account
    for (const fn of [built.stack.ingest, built.stack.regenerate]) {
      template.hasResourceProperties("AWS::Lambda::Permission", {
        Action: "lambda:InvokeFunction",
        FunctionName: { "Fn::GetAtt": [id(fn.function), "Arn"] },
        Principal: "s3.amazonaws.com",
        SourceAccount: { Ref: "AWS::AccountId" },
        SourceArn: { "Fn::GetAtt": [id(built.stack.bucket), "Arn"] },
      });
    }
  });

  it("polls no queue: no event source mapping, one SSL-only dead-letter queue", () => {
    template.resourceCountIs("AWS::Lambda::EventSourceMapping", 0);
    const queues = template.findResources("AWS::SQS::Queue");
    expect(Object.keys(queues)).toEqual([id(built.stack.deadLetters)]);
    expect(queues[id(built.stack.deadLetters)]!.Properties).toMatchObject({
      MessageRetentionPeriod: 14 * 86_400,
      SqsManagedSseEnabled: true,
    });
    const [policy] = props("AWS::SQS::QueuePolicy");
    expect((policy!.PolicyDocument as Json).Statement).toContainEqual(
      expect.objectContaining({
        Effect: "Deny",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      }),
    );
  });

  it("retries every asynchronous invocation twice, then sends it to the dead-letter queue", () => {
    for (const fn of [built.stack.ingest, built.stack.regenerate]) {
      template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
        FunctionName: { Ref: id(fn.function) },
        Qualifier: "$LATEST",
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 6 * 3600,
        DestinationConfig: {
          OnFailure: { Destination: { "Fn::GetAtt": [id(built.stack.deadLetters), "Arn"] } },
        },
      });
    }
    template.resourceCountIs("AWS::Lambda::EventInvokeConfig", 2);
  });

  it("exposes the push endpoint only with IAM auth, never anonymously", () => {
    const urls = props("AWS::Lambda::Url");
    expect(urls).toHaveLength(1);
    expect(urls[0]!.AuthType).toBe("AWS_IAM");
    const permissions = props("AWS::Lambda::Permission");
    expect(permissions.filter((p) => p.Principal === "*")).toEqual([]);
    expect(template.findOutputs("PushUrl").PushUrl).toBeDefined();
  });

  it("lets the push policy invoke ingest through its IAM-auth URL only", () => {
    const [policy, ...others] = props("AWS::IAM::ManagedPolicy");
    expect(others).toEqual([]);
    const fn = { "Fn::GetAtt": [id(built.stack.ingest.function), "Arn"] };
    expect((policy!.PolicyDocument as Json).Statement).toEqual([
      {
        Sid: "InvokeThePushUrl",
        Effect: "Allow",
        Action: "lambda:InvokeFunctionUrl",
        Resource: fn,
        Condition: { StringEquals: { "lambda:FunctionUrlAuthType": "AWS_IAM" } },
      },
      {
        Sid: "OnlyThroughTheUrl",
        Effect: "Allow",
        Action: "lambda:InvokeFunction",
        Resource: fn,
        Condition: { Bool: { "lambda:InvokedViaFunctionUrl": true } },
      },
    ]);
    const statements = resolveStatements(policy!.PolicyDocument as Json, () => "ingest-arn");
    const invoke = (viaUrl: boolean) =>
      isAllowed(statements, {
        action: "lambda:InvokeFunction",
        resource: "ingest-arn",
        context: { "lambda:InvokedViaFunctionUrl": viaUrl },
      });
    expect(invoke(true)).toBe(true);
    // a direct Invoke (any event: a poll, a forged SQS batch, { remove }) is refused
    expect(invoke(false)).toBe(false);
  });
});

describe("operations", () => {
  const alarmOn = (metric: string, dims: Json[]) =>
    props("AWS::CloudWatch::Alarm").filter(
      (a) => a.MetricName === metric && JSON.stringify(a.Dimensions) === JSON.stringify(dims),
    );
  const topic = () => id(built.stack.alarmTopic);

  it("alarms to SNS on any message in the dead-letter queue", () => {
    const [alarm] = alarmOn("ApproximateNumberOfMessagesVisible", [
      { Name: "QueueName", Value: { "Fn::GetAtt": [id(built.stack.deadLetters), "QueueName"] } },
    ]);
    expect(alarm).toMatchObject({
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      AlarmActions: [{ Ref: topic() }],
    });
  });

  it("alarms when regenerate was not invoked for staleFeedHours, on its standard Invocations metric, and not before its first run", () => {
    const [alarm] = alarmOn("Invocations", [
      { Name: "FunctionName", Value: { Ref: id(built.stack.regenerate.function) } },
    ]);
    expect(alarm).toMatchObject({
      Namespace: "AWS/Lambda",
      Statistic: "Sum",
      Threshold: 1,
      ComparisonOperator: "LessThanThreshold",
      // An hour without any invocation publishes no data point. Missing, not breaching: a new
      // alarm starts in INSUFFICIENT_DATA (no page on a fresh deploy); OK → INSUFFICIENT_DATA,
      // a whole window without a run after the first, is the page.
      TreatMissingData: "missing",
      AlarmActions: [{ Ref: topic() }],
      InsufficientDataActions: [{ Ref: topic() }],
    });
    // Default staleFeedHours is 6, in hourly periods.
    expect(alarm).toMatchObject({ Period: 3600, EvaluationPeriods: 6, DatapointsToAlarm: 6 });
  });

  it("has exactly two alarms, on metrics AWS publishes (no custom metric), each sending to the topic", () => {
    const alarms = props("AWS::CloudWatch::Alarm");
    expect(alarms.map((a) => `${a.Namespace}/${a.MetricName}`).sort()).toEqual([
      "AWS/Lambda/Invocations",
      "AWS/SQS/ApproximateNumberOfMessagesVisible",
    ]);
    for (const a of alarms) {
      expect(a.AlarmActions).toEqual([{ Ref: topic() }]);
      expect(a.Namespace).toMatch(/^AWS\//);
    }
  });

  it("publishes no custom metrics: no metrics namespace in either function", () => {
    for (const fn of props("AWS::Lambda::Function")) {
      const vars = ((fn.Environment as Json | undefined)?.Variables ?? {}) as Json;
      expect(vars).not.toHaveProperty("POWERTOOLS_METRICS_NAMESPACE");
    }
  });

  it("refuses non-TLS publishing to the alarm topic and subscribes the alarm email", () => {
    const statements = (props("AWS::SNS::TopicPolicy")[0]!.PolicyDocument as Json)
      .Statement as Json[];
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: "Deny",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      }),
    );
    template.resourceCountIs("AWS::SNS::Subscription", 0);
    const { template: t } = synthTemplate(
      testConfig({ deploy: { alarmEmail: "ops@example.org" } }),
    );
    t.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "ops@example.org",
    });
  });

  it("synthesizes without CDK warnings", () => {
    expect(Annotations.fromStack(built.stack).findWarning("*", Match.anyValue())).toEqual([]);
  });
});

describe("config warnings", () => {
  it("warns that a local-file source cannot be polled once deployed", () => {
    const { built: b } = synthTemplate(
      testConfig({ sources: [{ name: "local", path: "examples/feeds/a.xml" }] }),
    );
    const warnings = Annotations.fromStack(b.stack).findWarning("*", Match.anyValue());
    expect(JSON.stringify(warnings)).toMatch(/sources\[0\] \(local\) is a local file/);
  });
});
